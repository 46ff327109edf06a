"""
Which cached public pages show what, and the one place that retires them.

Each public page reads the site-wide content version and one of its own
(claims.caching.public_page's `shows`):

- a verdict page, `claim_page(slug)`;
- a source's page, `source_page(slug)`;
- a figure's page and its CSV and JSON, `figure_page(slug)`;
- the listings, which count or list every published claim: LIST (`/`, its
  search and filters), FEED, SITEMAP and CLAIM_REVIEWS (`/claims.json`).

A change retires the pages that show what it changed, worked out from the
database in the change's own transaction:

- a claim (or its evidence, caveats, review events, corrections): its verdict
  page and, when it is or was published, the listings, the pages of its
  claimant and evidence sources (and their affiliation's other sources, whose
  pages list public siblings) and the pages of the figures it states;
- a source: its page and its siblings', the verdict pages of the published
  claims it makes or bears on as evidence, the pages of sources sharing an
  evidence item with it, the figures it gave or relayed estimates of (and the
  verdict pages stating them), and the listings;
- an affiliation: as a change to each of its sources;
- a figure or estimate: the figure's page, the sitemap, and the verdict pages
  of published claims stating any of its estimates (they show revisions);
- a topic, an article or a staff member's name, shown across many pages and
  rarely edited, and any row a restore (loaddata) writes: every page.

The receivers below are connected in ClaimsConfig.ready, so that the admin,
the shell and restores all go through them, and so do the workflow's steps,
which save the claim (Claim.write_step). Queryset update() sends no signal:
it is for code that changes nothing readers see.

Rows that a change fans out from are locked first (Source, Figure, Estimate:
FOR UPDATE), so that a concurrent change linking a new claim to them (whose
foreign key takes a share lock on the same row) either commits first, and is
seen by the fan-out, or waits until this change has committed. Outside a
transaction (a shell's autocommit) a change commits before its pages are
retired: a reader in between renders the new content, under tokens that are
replaced a moment later, so nothing stale is ever kept.
"""

from functools import lru_cache

from django.contrib.auth import get_user_model
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import Q
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save

from claims.caching import PUBLIC, public_content_changed
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
    ReviewEvent,
    Source,
    Topic,
)

LIST = "pages:list"
FEED = "pages:feed"
SITEMAP = "pages:sitemap"
CLAIM_REVIEWS = "pages:claims.json"
LISTINGS = frozenset({LIST, FEED, SITEMAP, CLAIM_REVIEWS})
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


def pages_showing_claims(claim_ids, *, listed=False, using=DEFAULT_DB_ALIAS):
    """
    The pages showing any of the claims `claim_ids`, as the database has them
    now. `listed` counts every one as published (it was, before this change).

    Two queries, in SQL: every workflow step pays for them, and building
    them through the ORM cost more than the step's own checks.
    """
    claim_ids = list(claim_ids)
    if not claim_ids:
        return set()
    marks = ", ".join(["%s"] * len(claim_ids))
    connection = connections[using]
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, slug, is_published FROM {Claim._meta.db_table} "  # noqa: S608
            f"WHERE id IN ({marks})",
            claim_ids,
        )
        rows = cursor.fetchall()
        pages = {claim_page(slug) for _, slug, _ in rows}
        public = [pk for pk, _, published in rows if published or listed]
        if not public:
            return pages
        cursor.execute(shown_by_claims_sql(len(public)), public * 4)
        shown = cursor.fetchall()
    pages |= {source_page(slug) for kind, slug in shown if kind == "source"}
    pages |= {figure_page(slug) for kind, slug in shown if kind == "figure"}
    return pages | LISTINGS


@lru_cache(maxsize=16)
def shown_by_claims_sql(count):
    """
    SQL for the sources and figures the pages of `count` published claims
    show: their claimants and evidence sources and origins, with every source
    sharing an affiliation with one (a source's page lists its public
    siblings), and the figures of the estimates they state.
    """
    stated = Estimate.claims.field
    marks = ", ".join(["%s"] * count)
    return f"""
        WITH shown (id) AS (
            SELECT claimant_id FROM {Claim._meta.db_table} WHERE id IN ({marks})
            UNION SELECT source_id FROM {Evidence._meta.db_table} WHERE claim_id IN ({marks})
            UNION SELECT origin_id FROM {Evidence._meta.db_table}
                WHERE claim_id IN ({marks}) AND origin_id IS NOT NULL
        )
        SELECT 'source', slug FROM {Source._meta.db_table}
            WHERE id IN (SELECT id FROM shown)
            OR affiliation_id IN (
                SELECT affiliation_id FROM {Source._meta.db_table}
                WHERE id IN (SELECT id FROM shown)
            )
        UNION
        SELECT 'figure', figure.slug FROM {Figure._meta.db_table} figure
            JOIN {Estimate._meta.db_table} estimate ON estimate.figure_id = figure.id
            JOIN {stated.m2m_db_table()} stating
                ON stating.{stated.m2m_column_name()} = estimate.id
            WHERE stating.{stated.m2m_reverse_name()} IN ({marks})
    """  # noqa: S608


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
    """The pages showing any of the sources `source_ids` (see the module's docstring)."""
    source_ids = set(source_ids)
    if not source_ids:
        return set()
    if lock:
        lock_rows(Source.objects.using(using).filter(pk__in=source_ids))
    cited = Evidence.objects.using(using).filter(
        Q(source__in=source_ids) | Q(origin__in=source_ids)
    )
    published = Claim.objects.using(using).published()
    claims = published.filter(
        Q(claimant__in=source_ids) | Q(pk__in=cited.values("claim"))
    ).values_list("slug", flat=True)
    alongside = set(source_ids)
    for source, origin in cited.filter(claim__in=published).values_list("source", "origin"):
        alongside |= {source, origin} - {None}
    figures = (
        Estimate.objects.using(using)
        .filter(Q(origin__in=source_ids) | Q(relayed_by__in=source_ids))
        .values_list("figure", flat=True)
    )
    return (
        LISTINGS
        | {claim_page(slug) for slug in claims}
        | source_pages_with_siblings(alongside, using)
        | pages_showing_figures(set(figures), using=using)
    )


def pages_showing_figures(figure_ids, *, lock=False, using=DEFAULT_DB_ALIAS):
    """A figure's page, the sitemap, and the verdict pages stating any of its estimates."""
    if not figure_ids:
        return set()
    if lock:
        lock_rows(Figure.objects.using(using).filter(pk__in=figure_ids))
        lock_rows(Estimate.objects.using(using).filter(figure__in=figure_ids))
    figures = Figure.objects.using(using).filter(pk__in=figure_ids).values_list("slug", flat=True)
    claims = (
        Claim.objects.using(using)
        .published()
        .filter(estimates__figure__in=figure_ids)
        .values_list("slug", flat=True)
    )
    return {SITEMAP} | {figure_page(slug) for slug in figures} | {claim_page(s) for s in claims}


# The rows whose pages are worked out from the database; any other change
# shown on public pages retires every page.
FOLLOWED_ROWS = {
    "claim",
    "evidence",
    "caveat",
    "correction",
    "reviewevent",
    "source",
    "affiliation",
    "figure",
    "estimate",
}


# Rows readers see only through a published claim that names them: a source
# is public as a claimant or on evidence, an affiliation through its sources.
SHOWN_ONLY_THROUGH_CLAIMS = {"source", "affiliation"}


def pages_showing(instance, using, *, lock):
    """The pages showing the row `instance` (as the database has it now), or {PUBLIC}."""
    name = instance._meta.model_name
    if name == "claim":
        return pages_showing_claims([instance.pk], using=using)
    if name in {"evidence", "caveat", "correction", "reviewevent"}:
        return pages_showing_claims([instance.claim_id], using=using)
    if name == "source":
        return pages_showing_sources([instance.pk], lock=lock, using=using)
    if name == "affiliation":
        members = Source.objects.using(using).filter(affiliation=instance.pk)
        return pages_showing_sources(members.values_list("pk", flat=True), lock=lock, using=using)
    if name == "figure":
        return pages_showing_figures([instance.pk], lock=lock, using=using)
    if name == "estimate":
        return pages_showing_figures([instance.figure_id], lock=lock, using=using)
    return {PUBLIC}


def remember_pages_before(sender, instance, raw=False, using=DEFAULT_DB_ALIAS, **kwargs):
    """
    pre_save, pre_delete: the pages the stored row shows before it changes (a
    source's old affiliation, an evidence item's old source, a claim's old
    claimant or slug), for retire_pages_of_change to retire with the new ones.
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
    if not is_seen(instance, kwargs.get("update_fields")):
        return
    if kwargs.get("created") and instance._meta.model_name in SHOWN_ONLY_THROUGH_CLAIMS:
        # Nothing points to a row just added, so no published claim shows it.
        return
    before = instance.__dict__.pop(PAGES_BEFORE, set())
    after = (
        set() if kwargs.get("signal") is post_delete else pages_showing(instance, using, lock=True)
    )
    public_content_changed(before | after, using)


def retire_restored_version(sender, instance, raw=False, using=DEFAULT_DB_ALIAS, **kwargs):
    """
    post_save of a ContentVersion: a restore (loaddata of a backup) brings back
    old tokens, which pages cached since may carry: replace them at once.
    """
    if raw:
        public_content_changed([instance.name, PUBLIC], using)


def is_seen(instance, update_fields):
    """Whether readers can see a change to these fields of `instance` (a login cannot)."""
    if isinstance(instance, get_user_model()) and update_fields:
        return not set(update_fields) <= UNSEEN_USER_FIELDS
    return True


def retire_pages_of_stated_estimates(sender, instance, action, reverse, pk_set, using, **kwargs):
    """m2m_changed on Estimate.claims: the figures' pages and the claims' verdict pages."""
    if action not in {"pre_clear", "post_add", "post_remove"}:
        return
    if reverse:  # claim.estimates.add(...)
        claim_ids = {instance.pk}
        estimate_ids = pk_set if pk_set is not None else instance.estimates.values("pk")
    else:  # estimate.claims.add(...)
        estimate_ids = {instance.pk}
        claim_ids = (
            pk_set if pk_set is not None else set(instance.claims.values_list("pk", flat=True))
        )
    figures = (
        Estimate.objects.using(using).filter(pk__in=estimate_ids).values_list("figure", flat=True)
    )
    slugs = Claim.objects.using(using).filter(pk__in=claim_ids).values_list("slug", flat=True)
    pages = pages_showing_figures(set(figures), lock=True, using=using)
    public_content_changed(pages | {claim_page(slug) for slug in slugs}, using)


SHOWN_MODELS = [
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
    post_save.connect(
        retire_restored_version,
        sender=ContentVersion,
        dispatch_uid="page-versions-restored-version",
    )
    m2m_changed.connect(
        retire_pages_of_stated_estimates,
        sender=Estimate.claims.through,
        dispatch_uid="page-versions-stated-estimates",
    )
