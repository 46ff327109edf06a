"""
Published revisions: the whole reader-facing record of a claim at one moment.

Readers see only these. Editing a claim, its evidence, caveats, sources,
article or estimates is drafting: it changes the live rows and nothing
public, until a workflow step publishes a new revision (Claim.write_step).

A revision is immutable. It holds its record as one document (claim_record()
says what is in it), and is chained to the revision before it by a digest
of both, so that check_invariants can name a claim whose published record
was changed outside the workflow: in SQL, in the shell or by loaddata.
"""

import hashlib
import json
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, F, OuterRef, Q, Subquery
from django.db.models.fields.json import KeyTextTransform, KeyTransform
from django.utils.translation import gettext_lazy as _

from claims.analysis import search_text
from claims.choices import Action, ClaimStatus
from claims.constraints import bounded_text, choices_constraint, length_constraint
from claims.models.history import ReviewEvent
from claims.natural_keys import NaturalKeyManager
from claims.permissions import role_for_step
from claims.workflow import public_rating

# The document's shape: a reader of an older revision knows what it holds.
RECORD_FORMAT = 1


# What a step that publishes no draft changes of a claim's record: its state,
# the rating readers see, the timeline and the corrections.
STEP_PARTS = ("status", "previous_status", "rating", "events", "corrections")


def canonical_json(value):
    """`value` as the one byte string its digest is taken of."""
    return json.dumps(
        value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str
    ).encode()


def chain_digest(previous_digest, number, published_at, public_note, document, translates=""):
    """
    The digest of a revision: its content and the digest of the one before,
    and for a translation the digest of the original it translates (so that
    neither can be swapped for another).
    """
    content = {
        "previous": previous_digest,
        "number": number,
        "published_at": published_at.isoformat(),
        "public_note": public_note,
        "document": document,
    }
    if translates:
        content["translates"] = translates
    return hashlib.sha256(canonical_json(content)).hexdigest()


def source_record(source):
    """A source as readers see it named on a verdict page."""
    if source is None:
        return None
    affiliation = source.affiliation
    return {
        "slug": source.slug,
        "name": source.name,
        "kind": source.kind,
        "reliability": source.reliability,
        "url": source.url,
        "affiliation": {"slug": affiliation.slug, "name": affiliation.name}
        if affiliation
        else None,
    }


# What claim_record() reads of a claim, for select_related() and
# prefetch_related(): one query each, however many claims are read together.
RECORD_RELATED = ["claimant__affiliation", "appeared_in", "topic"]
RECORD_PREFETCH = [
    "evidence__source__affiliation",
    "evidence__origin__affiliation",
    "caveats",
    "estimates__figure",
    "estimates__origin__affiliation",
    "corrections",
    "events__actor",
]


def for_records(claims):
    """`claims` (a queryset) with everything claim_record() reads of each."""
    return claims.select_related(*RECORD_RELATED).prefetch_related(*RECORD_PREFETCH)


def claim_record(claim):
    """
    Everything any public surface shows of `claim`, read from its live rows
    now, as a JSON-ready document: its text, claimant (as named now), date and
    place, topic, review-by date, rating and summary, caveats, evidence as
    shown (with its sources' names, grades and addresses, origins and
    affiliations), the estimates it states, corrections and the review
    timeline's public part.

    Values, not labels: a rating, a grade or a kind is stored as its value,
    and the page words it in the reader's language. Reads only fields and
    relations, so that migrations can call it on their historical models;
    read `claim` through for_records() to read them in a fixed few queries.
    Rows come in the order their pages list them, sorted here so that
    prefetched rows serve.
    """
    evidence = sorted(
        claim.evidence.all(), key=lambda item: (item.credibility, item.added_at, item.pk)
    )
    estimates = sorted(claim.estimates.all(), key=lambda item: (item.stated_on, item.pk))
    article = claim.appeared_in
    return {
        "format": RECORD_FORMAT,
        "slug": claim.slug,
        "headline": claim.headline,
        "wording": claim.wording,
        "claimant": source_record(claim.claimant),
        "made_on": claim.made_on,
        "appearance_url": claim.appearance_url,
        "appeared_in": {
            "title": article.title,
            "url": article.url,
            "published_on": article.published_on,
        }
        if article
        else None,
        "context": claim.context,
        "topic": {"slug": claim.topic.slug, "name": claim.topic.name} if claim.topic else None,
        "review_by": claim.review_by,
        "status": claim.status,
        "previous_status": claim.previous_status,
        "rating": public_rating(claim.status, claim.previous_status).value,
        "summary": claim.verdict_summary,
        "published_at": claim.published_at,
        "caveats": [
            {"kind": caveat.kind, "text": caveat.text}
            for caveat in sorted(claim.caveats.all(), key=lambda caveat: caveat.pk)
        ],
        "evidence": [
            {
                "id": item.pk,
                "stance": item.stance,
                "title": item.title,
                "url": item.url,
                "archive_url": item.archive_url,
                "excerpt": item.excerpt,
                "published_on": item.published_on,
                "credibility": item.credibility,
                "note": item.note,
                "source": source_record(item.source),
                "origin": source_record(item.origin),
            }
            for item in evidence
        ],
        "estimates": [
            {
                "id": estimate.pk,
                "figure": {
                    "slug": estimate.figure.slug,
                    "name": estimate.figure.name,
                    "short_name": estimate.figure.short_name,
                    "unit": estimate.figure.unit,
                },
                "low": estimate.low,
                "high": estimate.high,
                "qualifier": estimate.qualifier,
                "stated_on": estimate.stated_on,
                "origin": source_record(estimate.origin),
            }
            for estimate in estimates
        ],
        "corrections": [
            {
                "kind": correction.kind,
                "note": correction.note,
                "published_at": correction.published_at,
            }
            for correction in sorted(
                claim.corrections.all(),
                key=lambda correction: (correction.published_at, correction.pk),
            )
        ],
        "events": timeline(claim),
    }


def timeline(claim):
    """
    The review timeline readers see: each step, when, its public note, and
    who took it, as a first name or, where none is on file, the role that
    could take that step then (which depends on whether the claim was
    published at the time).
    """
    steps = []
    published = False
    for event in sorted(claim.events.all(), key=lambda event: event.version):
        role = role_for_step(event.action, event.from_status, published)
        steps.append(
            {
                "action": event.action,
                "from_status": event.from_status,
                "to_status": event.to_status,
                "created_at": event.created_at,
                "public_note": event.public_note,
                "actor_first_name": event.actor.first_name,
                "role": role.group,
            }
        )
        if event.action == Action.PUBLISH:
            published = True
        elif event.action == Action.UNPUBLISH:
            published = False
    return steps


def as_document(record):
    """`record` as JSON holds it: dates and times as ISO text."""
    return json.loads(canonical_json(record))


def listing_columns(document):
    """
    The columns of a revision copied from its `document`, so that indexes
    can serve the public lists: its address, rating, topic and claimant, and
    when its latest correction was published (the feed's corrections).
    """
    corrections = [item["published_at"] for item in document["corrections"]]
    return {
        "slug": document["slug"],
        "rating": document["rating"],
        "topic_slug": document["topic"]["slug"] if document["topic"] else "",
        "claimant_slug": document["claimant"]["slug"],
        "corrected_at": datetime.fromisoformat(max(corrections)) if corrections else None,
    }


def estimate_key(figure_slug, origin_slug, stated_on):
    """An estimate as a revision names it: its natural key, which a restore keeps."""
    return f"{figure_slug}/{origin_slug}/{stated_on}"


def names_in(document):
    """
    What a revision's `document` names that has a public page or list of its
    own, as (kind, key) pairs (RevisionName): its claimant, the sources and
    origins of its evidence, the figures and estimates it states.
    """
    names = {(RevisionName.CLAIMANT, document["claimant"]["slug"])}
    for item in document["evidence"]:
        for source in (item["source"], item["origin"]):
            if source:
                names.add((RevisionName.SOURCE, source["slug"]))
    for estimate in document["estimates"]:
        figure = estimate["figure"]["slug"]
        names.add((RevisionName.FIGURE, figure))
        key = estimate_key(figure, estimate["origin"]["slug"], estimate["stated_on"])
        names.add((RevisionName.ESTIMATE, key))
    return names


ORIGINAL = Q(translation_of__isnull=True)
ORIGINAL_REVISION = Q(revision__translation_of__isnull=True)
# The parts of a document (claim_record) that hold a number, an object or a
# list, read as JSON; every other part holds text or null, read as text.
STRUCTURED_PARTS = frozenset(
    ["format", "claimant", "appeared_in", "topic"]
    + ["caveats", "evidence", "estimates", "corrections", "events"]
)
# What a record (claims.records.ClaimRecord) reads of its revision's own columns.
RECORD_REVISION_COLUMNS = ("number", "published_at", "claim", "language", "translation_of")


class TextPart(KeyTextTransform):
    """
    A part of a document that holds text, as text, or None where it holds
    null. (Read as JSON, SQLite would hand back a text such as "2024" as a
    number; Django's KeyTextTransform hands back null there as "null".)
    """

    def as_sqlite(self, compiler, connection):
        lhs, params, key_transforms = self.preprocess_lhs(compiler, connection)
        return f"JSON_EXTRACT({lhs}, %s)", (
            *params,
            connection.ops.compile_json_path(key_transforms),
        )


def shown_part(part):
    """The expression reading one part of a revision's document, in the database."""
    if part in STRUCTURED_PARTS:
        return KeyTransform(part, "document")
    return TextPart(part, "document")


class EvidenceNaming(models.Func):
    """
    The items of a revision's published evidence whose source or origin is
    the source `slug`, as a list: on PostgreSQL picked in the database, so
    that a source's page decodes those items alone; elsewhere every item,
    for the caller to pick.
    """

    output_field = models.JSONField()
    PATH = "$[*] ? (@.source.slug == $slug || @.origin.slug == $slug)"

    def __init__(self, slug):
        super().__init__(KeyTransform("evidence", "document"))
        self.slug = slug

    def as_sql(self, compiler, connection, **extra_context):
        return compiler.compile(self.source_expressions[0])

    def as_postgresql(self, compiler, connection, **extra_context):
        evidence, params = compiler.compile(self.source_expressions[0])
        picked = "jsonb_path_query_array(%s, %%s::jsonpath, jsonb_build_object('slug', %%s::text))"
        return picked % evidence, (*params, self.PATH, self.slug)


def analyse_for_search(sender, instance, update_fields=None, **kwargs):
    """
    pre_save of a Revision: its search text, from its document, whoever
    writes it (the workflow, a restore's loaddata, which saves raw), so that
    search reads every revision as this analysis reads it. Connected in
    ClaimsConfig.ready.
    """
    if update_fields is None:
        instance.search_text = search_text(instance.document)


class RevisionQuerySet(models.QuerySet):
    def current(self):
        """
        The revision readers see of each published claim, in the language it
        was made in: the one visibility rule. A translation is never current
        in this sense; its own claim's current revision says whether it is seen.
        """
        return self.filter(ORIGINAL, is_current=True)

    def originals(self):
        """Revisions in the language their claim was made in (not translations)."""
        return self.filter(ORIGINAL)

    def translations(self):
        return self.exclude(ORIGINAL)

    def current_in_every_language(self):
        """
        The current revision of each claim in each language: its original's
        and its current translations' (of a claim readers may not see, too:
        narrow to current() originals for what is listed). What reader search
        reads, so that a claim is found in any language it is published in.
        """
        return self.filter(is_current=True)

    def seen_by_readers(self, language=None):
        """
        What readers see of each published claim, in every language it is
        published in (or in `language`): its current original, and each
        current translation while that original is current.
        """
        published = self.model._default_manager.current().values("claim")
        rows = self.current_in_every_language().filter(claim__in=published)
        return rows if language is None else rows.filter(language=language)

    def current_translations(self, language=None):
        """
        The latest published translation of each claim in each language (or
        in `language`): readers see one only while its claim's original has a
        current revision, and it is out of date unless it translates that one.
        """
        rows = self.exclude(ORIGINAL).filter(is_current=True)
        return rows if language is None else rows.filter(language=language)

    def showing(self, parts):
        """
        (revision, document) for each of these revisions: `document` holds
        only `parts` of its published document, read in the same query, and
        the revision only the columns a record reads (RECORD_REVISION_COLUMNS).
        A list then decodes what its rows show of each record, not the whole
        of it (evidence, timeline...). Read each as ClaimRecord(document, revision).
        """
        names = {part: f"shown_{part}" for part in parts}
        rows = self.only(*RECORD_REVISION_COLUMNS).annotate(
            **{name: shown_part(part) for part, name in names.items()}
        )
        return [
            (revision, {part: getattr(revision, name) for part, name in names.items()})
            for revision in rows
        ]

    def withdrawals(self):
        """
        The withdrawals readers are told of: each claim's last original
        revision (a translation is never withdrawn on its own), where it
        records a withdrawal (published by an Unpublish step, never current),
        with `withdrawal` (what readers find: claims.choices.Withdrawal, empty
        for one recorded before there was a choice) and `withdrawal_note` (the
        step's public note).
        """
        step = ReviewEvent.objects.filter(
            claim=OuterRef("claim"), action=Action.UNPUBLISH, created_at=OuterRef("published_at")
        )
        later = self.model.objects.filter(
            ORIGINAL, claim=OuterRef("claim"), number__gt=OuterRef("number")
        )
        return (
            self.filter(ORIGINAL, is_current=False)
            .annotate(
                withdrawal=Subquery(step.values("withdrawal")[:1]),
                withdrawal_note=Subquery(step.values("public_note")[:1]),
            )
            .filter(withdrawal__isnull=False)
            .exclude(Exists(later))
        )

    def naming(self, kinds, key):
        """Revisions whose document names `key` as one of `kinds` (RevisionName)."""
        return self.filter(
            Exists(RevisionName.objects.filter(revision=OuterRef("pk"), kind__in=kinds, key=key))
        )


class RevisionManager(NaturalKeyManager.from_queryset(RevisionQuerySet)):
    key_lookups = ("claim__slug", "language", "number")

    def get_by_natural_key(self, *key):
        if len(key) == 2:
            # Dumps made before languages name an original by claim and number.
            slug, number = key
            return self.originals().get(claim__slug=slug, number=number)
        return super().get_by_natural_key(*key)


class Revision(models.Model):
    """
    One published version of a claim's reader-facing record. Written once, by
    the workflow step that published it; never changed but for `is_current`,
    which the next revision of the claim, or its withdrawal, clears.

    A revision is in one `language`. An original (no `translation_of`) is in
    the language the claim was made in; a translation records the original
    revision it translates, and each language's revisions are numbered and
    chained on their own. `is_current` is per claim and language: the
    current original is what readers see (current()); the current
    translation in a language is the latest published one (current_translations()).
    """

    claim = models.ForeignKey(
        "claims.Claim", on_delete=models.PROTECT, related_name="revisions", verbose_name=_("claim")
    )
    number = models.PositiveIntegerField(
        help_text=_("1 for the first publication in its language, then 2, 3…"),
        verbose_name=_("number"),
    )
    language = models.CharField(
        max_length=8,
        default="en",
        editable=False,
        help_text=_("The language the record is written in."),
        verbose_name=_("language"),
    )
    translation_of = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="translations",
        help_text=_("The original-language revision this translates; empty for an original."),
        verbose_name=_("translation of"),
    )
    document = models.JSONField(
        help_text=_("The record readers see: claims.models.revisions."), verbose_name=_("document")
    )
    public_note = bounded_text(
        blank=True,
        limit=2_500,
        help_text=_("What changed from the revision before, for readers."),
        verbose_name=_("public note"),
    )
    published_at = models.DateTimeField(verbose_name=_("published at"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="revisions_published",
        verbose_name=_("published by"),
    )
    is_current = models.BooleanField(default=True, verbose_name=_("is current"))
    previous_digest = models.CharField(
        max_length=64, blank=True, editable=False, verbose_name=_("previous digest")
    )
    digest = models.CharField(max_length=64, editable=False, verbose_name=_("digest"))
    # What the public lists filter and order by, copied from the document so
    # that an index can serve them.
    slug = models.SlugField(max_length=100, editable=False, verbose_name=_("slug"))
    rating = models.CharField(
        max_length=20, choices=ClaimStatus, editable=False, verbose_name=_("rating")
    )
    topic_slug = models.SlugField(
        max_length=100, blank=True, editable=False, verbose_name=_("topic slug")
    )
    claimant_slug = models.SlugField(
        max_length=200, editable=False, verbose_name=_("claimant slug")
    )
    first_published_at = models.DateTimeField(editable=False, verbose_name=_("first published at"))
    corrected_at = models.DateTimeField(
        null=True, blank=True, editable=False, verbose_name=_("corrected at")
    )
    # What reader search reads of the document, analysed in Python when the
    # revision is published (claims.analysis.search_text); PostgreSQL
    # indexes it as the stored tsvector claims.search names.
    search_text = models.TextField(editable=False, default="", verbose_name=_("search text"))

    objects = RevisionManager()

    class Meta:
        verbose_name = _("revision")
        verbose_name_plural = _("revisions")
        ordering = ["claim", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["claim", "language", "number"], name="claims_revision_unique_number"
            ),
            models.UniqueConstraint(
                fields=["claim", "language"],
                condition=Q(is_current=True),
                name="claims_revision_one_current",
            ),
            models.UniqueConstraint(
                fields=["slug", "language"],
                condition=Q(is_current=True),
                name="claims_revision_current_slug",
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="claims_revision_number"),
            models.CheckConstraint(condition=~Q(language=""), name="claims_revision_language"),
            choices_constraint("rating", ClaimStatus, "claims_revision_rating_valid"),
            length_constraint("public_note", 2_500, "claims_revision_public_note_length"),
        ]
        # The public list's orders and filters walk these, over current
        # revisions only (id breaks date ties); a slug readers once saw finds
        # its claim by the last; the feed's corrections come from the fifth.
        indexes = [
            models.Index(
                fields=["-first_published_at", "-id"],
                name="claims_revision_recent",
                condition=Q(ORIGINAL, is_current=True),
            ),
            models.Index(
                fields=["rating", "-first_published_at", "-id"],
                name="claims_revision_by_rating",
                condition=Q(ORIGINAL, is_current=True),
            ),
            models.Index(
                fields=["topic_slug", "-first_published_at", "-id"],
                name="claims_revision_by_topic",
                condition=Q(ORIGINAL, is_current=True),
            ),
            models.Index(
                fields=["claimant_slug", "-first_published_at", "-id"],
                name="claims_revision_by_claimant",
                condition=Q(ORIGINAL, is_current=True),
            ),
            models.Index(
                F("corrected_at").desc(),
                name="claims_revision_corrected",
                condition=Q(ORIGINAL, is_current=True, corrected_at__isnull=False),
            ),
            models.Index(fields=["slug"], name="claims_revision_slug"),
        ]

    def __str__(self):
        return f"{self.slug} #{self.number}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            update_fields = kwargs.get("update_fields")
            if update_fields is None or set(update_fields) - {"is_current"}:
                raise ValidationError("A published revision is never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError("A published revision is never deleted.")

    def natural_key(self):
        return (*self.claim.natural_key(), self.language, self.number)

    natural_key.dependencies = ["claims.claim", "claims.reviewevent", "claims.correction"]

    @property
    def is_translation(self):
        return self.translation_of_id is not None

    @classmethod
    def publish(cls, claim, *, by, at, public_note="", current=True, with_draft=True):
        """
        Publish `claim`'s record as its next revision, chained to the one
        before, and current from now unless it records a withdrawal: the
        record as it stands (claim_record), or, without `with_draft`, the
        record last published with only the claim's state, timeline and
        corrections brought up to date (STEP_PARTS). Called by the workflow
        step that publishes it (Claim.write_step), under the claim's row lock,
        after any earlier revision stopped being current.
        """
        previous = cls.objects.originals().filter(claim=claim).order_by("-number").first()
        fresh = for_records(type(claim).objects.filter(pk=claim.pk)).get()
        base = None if with_draft or previous is None else previous.document
        revision = cls.following(previous, fresh, by=by, at=at, public_note=public_note, base=base)
        revision.is_current = current
        revision.save(force_insert=True)
        RevisionName.objects.bulk_create(revision.name_rows())
        return revision

    @classmethod
    def following(cls, previous, claim, *, by, at, public_note="", base=None):
        """
        The revision that would publish `claim`'s record (read through
        for_records()) after `previous` (None for a first publication),
        unsaved: its document, digest and listing columns. Given `base` (a
        published document), only its STEP_PARTS are taken from the claim.
        """
        document = as_document(claim_record(claim))
        if base is not None:
            document = base | {part: document[part] for part in STEP_PARTS}
        revision = cls(
            claim=claim,
            number=previous.number + 1 if previous else 1,
            language=claim.language,
            document=document,
            public_note=public_note,
            published_at=at,
            published_by=by,
            previous_digest=previous.digest if previous else "",
            first_published_at=claim.published_at,
            search_text=search_text(document),
            **listing_columns(document),
        )
        revision.digest = revision.computed_digest()
        return revision

    def name_rows(self):
        """The RevisionName rows this revision's document calls for, unsaved."""
        return [
            RevisionName(revision=self, kind=kind, key=key)
            for kind, key in sorted(names_in(self.document))
        ]

    def computed_digest(self):
        return chain_digest(
            self.previous_digest,
            self.number,
            self.published_at,
            self.public_note,
            self.document,
            translates=self.translation_of.digest if self.translation_of_id else "",
        )


class RevisionNameManager(NaturalKeyManager):
    key_lookups = ("revision__claim__slug", "revision__language", "revision__number", "kind", "key")

    def get_by_natural_key(self, *key):
        if len(key) == 4:
            # Dumps made before languages name an original's by claim and number.
            slug, number, kind, name = key
            return self.get(
                ORIGINAL_REVISION,
                revision__claim__slug=slug,
                revision__number=number,
                kind=kind,
                key=name,
            )
        return super().get_by_natural_key(*key)


class RevisionName(models.Model):
    """
    One thing a revision names that readers reach from elsewhere: a source
    (as claimant, or on its evidence), a figure or an estimate it states.
    Written with its revision, from its document (names_in), and never
    changed: it is the index by which a source's page finds the verdicts
    naming it, and a figure's page the verdicts stating its estimates.
    """

    CLAIMANT = "claimant"
    SOURCE = "source"
    FIGURE = "figure"
    ESTIMATE = "estimate"
    KINDS = [
        (CLAIMANT, "claimant"),
        (SOURCE, "evidence source or origin"),
        (FIGURE, "figure"),
        (ESTIMATE, "estimate"),
    ]

    revision = models.ForeignKey(
        Revision, on_delete=models.CASCADE, related_name="names", verbose_name=_("revision")
    )
    kind = models.CharField(max_length=20, choices=KINDS, editable=False, verbose_name=_("kind"))
    # A slug, or for an estimate its natural key (estimate_key).
    key = models.CharField(max_length=450, editable=False, verbose_name=_("key"))

    objects = RevisionNameManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["revision", "kind", "key"], name="claims_revisionname_unique"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["claimant", "source", "figure", "estimate"]),
                name="claims_revisionname_kind_valid",
            ),
        ]
        indexes = [models.Index(fields=["key", "kind"], name="claims_revisionname_key")]

    def __str__(self):
        return f"{self.revision}: {self.kind} {self.key}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            raise ValidationError("What a published revision names is never changed.")
        super().save(*args, **kwargs)

    def natural_key(self):
        return (*self.revision.natural_key(), self.kind, self.key)

    natural_key.dependencies = ["claims.revision"]
