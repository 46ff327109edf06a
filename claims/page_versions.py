"""
Which cached public pages show what, and the one place that retires them.

Each public page reads the site-wide content version and one of its own
(claims.caching.public_page's `shows`):

- a verdict page and its versions' pages, `claim_page(slug)`;
- a source's page, `source_page(slug)`;
- a figure's page and its CSV and JSON, `figure_page(slug)`;
- the listings, which count or list every published claim: LIST (`/`, its
  search and filters), FEED, SITEMAP, CLAIM_REVIEWS (`/claims.json`) and
  BROWSE (`/figures/` and `/sources/`, which list every figure and every
  public source with its record).

Readers see claims only as their current revisions publish them, so editing
a claim, its evidence, caveats, article or the estimates it states (the
draft) retires no page. A change retires the pages that show what it
changed, worked out in the change's own transaction:

- a revision, published or withdrawn (and the one before it, which it
  replaces): its claim's pages under both revisions' slugs, the listings,
  the pages of the sources each names (and of their affiliation's other
  sources, whose pages list public siblings) and of the figures they state;
- a source (its own part of its page: name, grade, affiliation, siblings):
  its page and its siblings', and the pages of the figures it gave or relayed
  estimates of, with the verdict pages stating those figures (below);
- an affiliation: as a change to each of its sources;
- a figure or estimate: the figure's page, the sitemap, the list of
  figures, and the verdict pages of current revisions stating any of its
  estimates (they compare the figure's later live estimates: "Since then ...");
- related words (RelatedWords): the list, which holds the searches;
- a tip put on a claim, taken off it, asked again or quarantined: the
  claim's verdict pages, which say how many readers asked us to check it
  (Tip.receive, Tip.attach and the desk's bulk actions change tips with
  update(), and send counted_tips_changed instead of post_save);
- any row a restore (loaddata) writes: every page.

The receivers below are connected in ClaimsConfig.ready, so that the admin,
the shell and restores all go through them, and so do the workflow's steps,
which publish revisions (Claim.write_step). Queryset update() sends no
signal: it is for code that changes nothing readers see.

Rows that a change fans out from are locked first (Source, Figure, Estimate:
FOR UPDATE), so that a concurrent change linking a new row to them (whose
foreign key takes a share lock on the same row) either commits first, and is
seen by the fan-out, or waits until this change has committed. Outside a
transaction (a shell's autocommit) a change commits before its pages are
retired: a reader in between renders the new content, under tokens that are
replaced a moment later, so nothing stale is ever kept.
"""

from django.contrib.auth import get_user_model
from django.db import DEFAULT_DB_ALIAS, transaction
from django.db.models import Exists, OuterRef, Q
from django.db.models.signals import post_delete, post_save, pre_delete, pre_save

from claims.caching import PUBLIC, public_content_changed
from claims.choices import TipState
from claims.models import (
    Affiliation,
    Article,
    Caveat,
    Claim,
    ContentVersion,
    Correction,
    Estimate,
    Evidence,
    Figure,
    RelatedWords,
    ReviewEvent,
    Revision,
    RevisionName,
    Source,
    Tip,
    Topic,
)
from claims.models.revisions import names_in
from claims.models.tips import counted_tips_changed

LIST = "pages:list"
FEED = "pages:feed"
SITEMAP = "pages:sitemap"
CLAIM_REVIEWS = "pages:claims.json"
BROWSE = "pages:browse"
LISTINGS = frozenset({LIST, FEED, SITEMAP, CLAIM_REVIEWS, BROWSE})
# A user's save that changes nothing readers see (a login stamps last_login).
UNSEEN_USER_FIELDS = frozenset({"last_login", "password"})
# Where a pre_save or pre_delete receiver leaves the pages the row showed before.
PAGES_BEFORE = "_pages_shown_before_change"


def claim_page(slug):
    return f"claim:{slug}"


def source_page(slug):
    return f"source:{slug}"


def figure_page(slug):
    return f"figure:{slug}"


def lock_rows(rows):
    """
    Lock `rows` until the change commits, if it runs in a transaction: outside
    one (a shell's autocommit), the change has already committed.
    """
    if transaction.get_connection(rows.db).in_atomic_block:
        list(rows.select_for_update().order_by("pk").values_list("pk", flat=True))


def pages_showing_revisions(revisions, using=DEFAULT_DB_ALIAS):
    """
    The pages showing any of `revisions`: its claim's pages under its slug,
    the listings, and the pages of the sources and figures its document
    names (claims.models.revisions.names_in), sources with their siblings.
    """
    pages = set(LISTINGS)
    sources, figures = set(), set()
    for revision in revisions:
        pages.add(claim_page(revision.slug))
        for kind, key in names_in(revision.document):
            if kind in (RevisionName.CLAIMANT, RevisionName.SOURCE):
                sources.add(key)
            elif kind == RevisionName.FIGURE:
                figures.add(key)
    named = Source.objects.using(using).filter(slug__in=sources).values_list("pk", flat=True)
    return (
        pages
        | source_pages_with_siblings(set(named), using)
        | {figure_page(slug) for slug in figures}
    )


def revision_with_predecessor(revision, using):
    """`revision` and the claim's revision before it, which it replaced."""
    before = (
        Revision.objects.using(using)
        .filter(claim=revision.claim_id, language=revision.language, number__lt=revision.number)
        .order_by("-number")
        .first()
    )
    return [revision] if before is None else [before, revision]


def source_pages_with_siblings(source_ids, using=DEFAULT_DB_ALIAS):
    """The pages of `source_ids` and of the sources sharing an affiliation with one."""
    affiliations = Source.objects.filter(pk__in=source_ids, affiliation__isnull=False)
    slugs = (
        Source.objects.using(using)
        .filter(Q(pk__in=source_ids) | Q(affiliation__in=affiliations.values("affiliation")))
        .values_list("slug", flat=True)
    )
    return {source_page(slug) for slug in slugs}


def pages_showing_sources(source_ids, *, lock=False, using=DEFAULT_DB_ALIAS):
    """The pages showing the sources `source_ids` themselves (see the module's docstring)."""
    source_ids = set(source_ids)
    if not source_ids:
        return set()
    if lock:
        lock_rows(Source.objects.using(using).filter(pk__in=source_ids))
    figures = (
        Estimate.objects.using(using)
        .filter(Q(origin__in=source_ids) | Q(relayed_by__in=source_ids))
        .values_list("figure", flat=True)
    )
    return (
        {BROWSE}
        | source_pages_with_siblings(source_ids, using)
        | pages_showing_figures(set(figures), using=using)
    )


def pages_showing_figures(figure_ids, *, lock=False, using=DEFAULT_DB_ALIAS):
    """A figure's page, the sitemap, and the verdict pages of current revisions stating it."""
    if not figure_ids:
        return set()
    if lock:
        lock_rows(Figure.objects.using(using).filter(pk__in=figure_ids))
        lock_rows(Estimate.objects.using(using).filter(figure__in=figure_ids))
    figures = set(
        Figure.objects.using(using).filter(pk__in=figure_ids).values_list("slug", flat=True)
    )
    claims = (
        Revision.objects.using(using)
        .current()
        .filter(
            Exists(
                RevisionName.objects.filter(
                    revision=OuterRef("pk"), kind=RevisionName.FIGURE, key__in=figures
                )
            )
        )
        .values_list("slug", flat=True)
    )
    return (
        {SITEMAP, BROWSE}
        | {figure_page(slug) for slug in figures}
        | {claim_page(s) for s in claims}
    )


def pages_showing_tips(claim_ids, using=DEFAULT_DB_ALIAS):
    """The verdict pages of `claim_ids`, which count the readers asking through their tips."""
    claim_ids = {pk for pk in claim_ids if pk is not None}
    if not claim_ids:
        return set()
    slugs = (
        Revision.objects.using(using)
        .current()
        .filter(claim__in=claim_ids)
        .values_list("slug", flat=True)
    )
    return {claim_page(slug) for slug in slugs}


def retire_pages_of_counted_tips(sender, claims, using=DEFAULT_DB_ALIAS, **kwargs):
    """counted_tips_changed (claims.models.tips): retire the verdict pages of `claims`."""
    public_content_changed(pages_showing_tips(claims, using), using, soft=True)


# The rows whose pages are worked out from the database. Any other (the
# draft: claims, evidence, caveats, corrections, review events, topics,
# articles, staff) is seen by readers only once a revision publishes it.
FOLLOWED_ROWS = {
    "revision",
    "source",
    "affiliation",
    "figure",
    "estimate",
    "relatedwords",
    "tip",
}


# Rows readers see only through a published claim that names them: a source
# is public as a claimant or on evidence, an affiliation through its sources.
SHOWN_ONLY_THROUGH_CLAIMS = {"source", "affiliation"}


def pages_showing(instance, using, *, lock):
    """The pages showing the row `instance` (as the database has it now)."""
    name = instance._meta.model_name
    if name == "revision":
        return pages_showing_revisions(revision_with_predecessor(instance, using), using)
    if name == "source":
        return pages_showing_sources([instance.pk], lock=lock, using=using)
    if name == "affiliation":
        members = Source.objects.using(using).filter(affiliation=instance.pk)
        return pages_showing_sources(members.values_list("pk", flat=True), lock=lock, using=using)
    if name == "figure":
        return pages_showing_figures([instance.pk], lock=lock, using=using)
    if name == "estimate":
        return pages_showing_figures([instance.figure_id], lock=lock, using=using)
    if name == "relatedwords":
        return {LIST}
    if name == "tip":
        on_claim = instance.state == TipState.ON_CLAIM
        return pages_showing_tips([instance.claim_id] if on_claim else [], using)
    return set()


def remember_pages_before(sender, instance, raw=False, using=DEFAULT_DB_ALIAS, **kwargs):
    """
    pre_save, pre_delete: the pages the stored row shows before it changes (a
    source's old affiliation and siblings, an estimate's old figure), for
    retire_pages_of_change to retire with the new ones.
    """
    if raw or instance.pk is None or sender._meta.model_name not in FOLLOWED_ROWS:
        return
    stored = sender._base_manager.using(using).filter(pk=instance.pk).first()
    if stored is not None:
        setattr(instance, PAGES_BEFORE, pages_showing(stored, using, lock=False))


def retire_pages_of_change(sender, instance, raw=False, using=DEFAULT_DB_ALIAS, **kwargs):
    """post_save, post_delete: retire the pages the row showed before and shows now."""
    if raw:
        # A restore writes rows before those they point to: retire every page.
        public_content_changed([PUBLIC], using)
        return
    if instance._meta.model_name not in FOLLOWED_ROWS:
        return
    if kwargs.get("created") and instance._meta.model_name in SHOWN_ONLY_THROUGH_CLAIMS:
        # Nothing points to a row just added, so no published claim shows it.
        return
    before = instance.__dict__.pop(PAGES_BEFORE, set())
    deleted = kwargs.get("signal") is post_delete
    after = set() if deleted else pages_showing(instance, using, lock=True)
    # A revision that is saved not current records a withdrawal (Claim.write_step):
    # its pages go from the edge at once. Any other change may be served
    # while the edge fetches it again.
    withdrawn = deleted or (instance._meta.model_name == "revision" and not instance.is_current)
    public_content_changed(before | after, using, soft=not withdrawn)


def retire_restored_version(sender, instance, raw=False, using=DEFAULT_DB_ALIAS, **kwargs):
    """
    post_save of a ContentVersion: a restore (loaddata of a backup) brings back
    old tokens, which pages cached since may carry: replace them at once.
    """
    if raw:
        public_content_changed([instance.name, PUBLIC], using)


# Every row a restore may write that public pages show, draft rows included:
# a restore retires every page.
SHOWN_MODELS = [
    Revision,
    RevisionName,
    Claim,
    Evidence,
    Caveat,
    Correction,
    ReviewEvent,
    Source,
    Affiliation,
    Topic,
    Article,
    Figure,
    Estimate,
    RelatedWords,
    # A verdict page counts the readers asking through tips on its claim.
    Tip,
]


def connect():
    """Retire cached pages on every save and delete of what public pages show."""
    senders = [*SHOWN_MODELS, get_user_model()]
    for sender in senders:
        uid = f"page-versions-{sender._meta.label_lower}"
        pre_save.connect(remember_pages_before, sender=sender, dispatch_uid=f"{uid}-pre-save")
        pre_delete.connect(remember_pages_before, sender=sender, dispatch_uid=f"{uid}-pre-delete")
        post_save.connect(retire_pages_of_change, sender=sender, dispatch_uid=f"{uid}-save")
        post_delete.connect(retire_pages_of_change, sender=sender, dispatch_uid=f"{uid}-delete")
    counted_tips_changed.connect(
        retire_pages_of_counted_tips, sender=Tip, dispatch_uid="page-versions-counted-tips"
    )
    post_save.connect(
        retire_restored_version,
        sender=ContentVersion,
        dispatch_uid="page-versions-restored-version",
    )
