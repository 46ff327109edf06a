import hashlib
import json
import re
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import MaxLengthValidator, URLValidator
from django.db import models, transaction
from django.db.models import Case, F, Q, When
from django.db.models.functions import Length
from django.db.models.lookups import GreaterThan, LessThanOrEqual
from django.utils import timezone

from claims.addresses import address
from claims.page_versions import pages_showing_claims, retire_claim_pages, retires_its_own_pages

HTTP_URL_CONDITION = r"^https?://"


def http_url_constraint(field_name, name):
    """A blank URL, or one whose scheme is http or https: never javascript: or data:."""
    return models.CheckConstraint(
        # Case-insensitive, as URL schemes are: HTTPS://… is a valid https address.
        condition=Q(**{field_name: ""}) | Q(**{f"{field_name}__iregex": HTTP_URL_CONDITION}),
        name=name,
        violation_error_message="Only http:// and https:// addresses are allowed.",
    )


http_url_validator = URLValidator(schemes=["http", "https"])

# C0 control characters other than tab and the line breaks (line feed, and the
# carriage return browsers send before it): invisible in the admin, they make
# the feed's XML invalid, and PostgreSQL refuses NUL outright.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def no_control_characters(value):
    """Refuse text holding a C0 control character other than tab, LF or CR."""
    if match := CONTROL_CHARACTERS.search(str(value)):
        raise ValidationError(
            "Remove the invisible control character U+%(code)04X at character %(position)d: "
            "text pasted from other programs sometimes carries one.",
            code="control_character",
            params={"code": ord(match[0]), "position": match.start() + 1},
        )


def without_control_characters(text):
    """`text` with any C0 control character other than tab, LF or CR taken out."""
    return CONTROL_CHARACTERS.sub("", text)


def bounded_text(verbose_name=None, *, limit, help_text="", **options):
    """
    A TextField of at most `limit` characters, free of control characters.

    The limit is checked on the server, with a message stating it, rather than
    by a maxlength attribute, with which a browser cuts a long paste silently.
    The database holds it too (length_constraint).
    """
    help_text = f"{help_text} At most {limit:,} characters.".strip()
    return models.TextField(
        verbose_name,
        validators=[MaxLengthValidator(limit), no_control_characters],
        help_text=help_text,
        **options,
    )


def length_constraint(field_name, limit, name):
    return models.CheckConstraint(
        condition=Q(LessThanOrEqual(Length(field_name), limit)), name=name
    )


def choices_constraint(field_name, choices, name):
    return models.CheckConstraint(condition=Q(**{f"{field_name}__in": choices.values}), name=name)


class Reliability(models.TextChoices):
    """Admiralty source reliability."""

    A = "A", "A: completely reliable"
    B = "B", "B: usually reliable"
    C = "C", "C: fairly reliable"
    D = "D", "D: not usually reliable"
    E = "E", "E: unreliable"
    F = "F", "F: reliability cannot be judged"


class Credibility(models.IntegerChoices):
    """Admiralty information credibility."""

    CONFIRMED = 1, "1: confirmed by independent sources"
    PROBABLY_TRUE = 2, "2: probably true"
    POSSIBLY_TRUE = 3, "3: possibly true"
    DOUBTFUL = 4, "4: doubtful"
    IMPROBABLE = 5, "5: improbable"
    CANNOT_BE_JUDGED = 6, "6: truth cannot be judged"


class SourceKind(models.TextChoices):
    INTELLIGENCE_AGENCY = "intelligence_agency", "Intelligence agency"
    GOVERNMENT = "government", "Government or ministry"
    STATE_MEDIA = "state_media", "State media"
    LAWMAKER = "lawmaker", "Lawmaker"
    WIRE = "wire", "Wire service"
    NEWSPAPER = "newspaper", "Newspaper or news site"
    BROADCASTER = "broadcaster", "Broadcaster"
    PERSON = "person", "Person"
    ORGANISATION = "organisation", "Organisation"
    OTHER = "other", "Other"


class NaturalKeyBySlugManager(models.Manager):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class Affiliation(models.Model):
    """Who stands behind a source. Sources sharing one are not independent."""

    name = models.CharField(max_length=200, unique=True, validators=[no_control_characters])
    slug = models.SlugField(max_length=200, unique=True)

    objects = NaturalKeyBySlugManager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.slug,)


class Topic(models.Model):
    name = models.CharField(max_length=100, unique=True, validators=[no_control_characters])
    slug = models.SlugField(max_length=100, unique=True)

    objects = NaturalKeyBySlugManager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.slug,)


class Source(models.Model):
    """A person or organisation that originates or relays information."""

    name = models.CharField(max_length=200, validators=[no_control_characters])
    slug = models.SlugField(max_length=200, unique=True)
    kind = models.CharField(max_length=30, choices=SourceKind, default=SourceKind.OTHER)
    country = models.CharField(max_length=100, blank=True, validators=[no_control_characters])
    url = models.URLField("URL", blank=True, validators=[http_url_validator, no_control_characters])
    reliability = models.CharField(max_length=1, choices=Reliability, default=Reliability.F)
    affiliation = models.ForeignKey(
        Affiliation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sources",
        help_text="Sources with the same affiliation count as one origin.",
    )
    description = bounded_text(blank=True, limit=3_000)

    objects = NaturalKeyBySlugManager()

    class Meta:
        ordering = ["name"]
        constraints = [
            choices_constraint("reliability", Reliability, "claims_source_reliability_valid"),
            choices_constraint("kind", SourceKind, "claims_source_kind_valid"),
            http_url_constraint("url", "claims_source_url_http"),
            length_constraint("description", 3_000, "claims_source_description_length"),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        # The guard, not a side effect: the affected claims' row locks make
        # this change and a verdict's evidence check take turns.
        with transaction.atomic():
            self.ensure_affiliation_change_allowed()
            super().save(*args, **kwargs)

    def get_absolute_url(self):
        return address("source_detail", self.slug)

    def clean(self):
        try:
            self.ensure_affiliation_change_allowed()
        except WorkflowError as error:
            raise ValidationError({"affiliation": error.messages}) from None

    def ensure_affiliation_change_allowed(self):
        """
        Raise WorkflowError if this source's affiliation changed while a
        verdict stands on a claim it bears on (as claimant, publisher or origin
        of evidence): affiliation decides which origins are independent, so
        moving the source could quietly undo the verdict. Those claims reopen
        first.

        Locks the rows of every claim the source bears on before reading their
        status, as a verdict locks its claim before reading its evidence: a
        verdict issued at the same moment either finishes first, and is seen
        here, or waits, and then reads the new affiliation.
        """
        if not self.pk:
            return
        with transaction.atomic():
            stored = Source.objects.filter(pk=self.pk).values_list("affiliation", flat=True)
            if stored.first() == self.affiliation_id:
                return
            bears_on = Claim.objects.filter(
                Q(claimant=self) | Q(evidence__source=self) | Q(evidence__origin=self)
            ).values("pk")
            locked = Claim.objects.select_for_update().filter(pk__in=bears_on).order_by("pk")
            rated = sorted(
                headline
                for headline, status in locked.values_list("headline", "status")
                if status in ClaimStatus.verdicts()
            )
            if rated:
                raise WorkflowError(
                    "This source's affiliation decides whether the verdicts of these claims "
                    f"hold; reopen them before changing it: {'; '.join(rated[:5])}."
                )

    def natural_key(self):
        return (self.slug,)

    @property
    def independence_key(self):
        """Sources with equal keys are not independent of each other."""
        if self.affiliation_id:
            return ("affiliation", self.affiliation_id)
        return ("source", self.pk)

    @property
    def independence_label(self):
        return self.affiliation.name if self.affiliation_id else self.name


class Article(models.Model):
    """A published piece that carries claims."""

    title = models.CharField(max_length=300, validators=[no_control_characters])
    slug = models.SlugField(max_length=200, unique=True)
    url = models.URLField("URL", blank=True, validators=[http_url_validator, no_control_characters])
    publisher = models.ForeignKey(
        Source, null=True, blank=True, on_delete=models.PROTECT, related_name="articles"
    )
    published_on = models.DateField(null=True, blank=True)
    body = bounded_text(blank=True, limit=100_000)

    objects = NaturalKeyBySlugManager()

    class Meta:
        ordering = ["-published_on", "title"]
        constraints = [
            http_url_constraint("url", "claims_article_url_http"),
            length_constraint("body", 100_000, "claims_article_body_length"),
        ]

    def __str__(self):
        return self.title

    def natural_key(self):
        return (self.slug,)


class ClaimStatus(models.TextChoices):
    UNVERIFIED = "unverified", "Unverified"
    IN_REVIEW = "in_review", "In review"
    CORROBORATED = "corroborated", "Corroborated"
    DISPUTED = "disputed", "Disputed"
    FALSE = "false", "False"
    UNVERIFIABLE = "unverifiable", "Unverifiable"

    @classmethod
    def verdicts(cls):
        return [cls.CORROBORATED, cls.DISPUTED, cls.FALSE, cls.UNVERIFIABLE]


class Action(models.TextChoices):
    """The newsroom's verbs; each is one audited transition."""

    CREATE = "create", "Entered"
    START_REVIEW = "start_review", "Review started"
    CORROBORATE = "corroborate", "Corroborated"
    DISPUTE = "dispute", "Disputed"
    REFUTE = "refute", "Rated false"
    MARK_UNVERIFIABLE = "mark_unverifiable", "Rated unverifiable"
    REOPEN = "reopen", "Reopened"
    PUBLISH = "publish", "Published"
    UNPUBLISH = "unpublish", "Unpublished"
    REVISE = "revise", "Revised"


class Stance(models.TextChoices):
    SUPPORTS = "supports", "Supports"
    CONTRADICTS = "contradicts", "Contradicts"
    CONTEXT = "context", "Context"


class WorkflowError(ValidationError):
    """A transition the rules refuse: the message says what is missing."""


class StaleClaim(WorkflowError):
    """The claim changed since the caller read it."""


class WorkflowForbidden(PermissionDenied):
    """The user may not take this step on this claim."""


@dataclass(frozen=True)
class Transition:
    verb: str
    sources: tuple
    target: str | None  # None: the status stays, only publication changes
    permission: str
    is_verdict: bool = False
    needs_note: bool = False

    @property
    def label(self):
        """The step as a button says it: 'Corroborate', 'Rate as false'."""
        return self.verb[0].upper() + self.verb[1:]


VERDICT_SOURCES = (ClaimStatus.IN_REVIEW,)
REOPENABLE = tuple(ClaimStatus.verdicts())
PUBLISHABLE = (ClaimStatus.UNVERIFIED, *ClaimStatus.verdicts())
ANY_STATUS = tuple(ClaimStatus)
REVIEW_PERMISSION = "claims.review_claim"
PUBLISH_PERMISSION = "claims.publish_claim"

TRANSITIONS = {
    Action.START_REVIEW: Transition(
        "start reviewing",
        (ClaimStatus.UNVERIFIED,),
        ClaimStatus.IN_REVIEW,
        "claims.change_claim",
    ),
    Action.CORROBORATE: Transition(
        "corroborate",
        VERDICT_SOURCES,
        ClaimStatus.CORROBORATED,
        REVIEW_PERMISSION,
        is_verdict=True,
    ),
    Action.DISPUTE: Transition(
        "dispute", VERDICT_SOURCES, ClaimStatus.DISPUTED, REVIEW_PERMISSION, is_verdict=True
    ),
    Action.REFUTE: Transition(
        "rate as false", VERDICT_SOURCES, ClaimStatus.FALSE, REVIEW_PERMISSION, is_verdict=True
    ),
    Action.MARK_UNVERIFIABLE: Transition(
        "rate as unverifiable",
        VERDICT_SOURCES,
        ClaimStatus.UNVERIFIABLE,
        REVIEW_PERMISSION,
        is_verdict=True,
    ),
    Action.REOPEN: Transition(
        "reopen", REOPENABLE, ClaimStatus.IN_REVIEW, REVIEW_PERMISSION, needs_note=True
    ),
    Action.PUBLISH: Transition("publish", PUBLISHABLE, None, PUBLISH_PERMISSION),
    Action.UNPUBLISH: Transition(
        "unpublish", ANY_STATUS, None, PUBLISH_PERMISSION, needs_note=True
    ),
}


@dataclass
class OriginGroup:
    """One independent origin: an affiliation (or a lone source) and the
    evidence that traces back to it."""

    label: str
    key: tuple = ()
    # The claimant's own affiliation: shown, but never counted as support.
    is_claimant: bool = False
    origins: list = field(default_factory=list)
    evidence: list = field(default_factory=list)

    @property
    def best_credibility(self):
        return min(item.credibility for item in self.evidence)

    @property
    def chains(self):
        return [item.chain for item in self.evidence]


# Claim.public_status in SQL: a claim under review shows its previous rating.
# An index on this expression serves the verdict filter in date order, which
# an OR on status and previous_status cannot.
PUBLIC_STATUS_SQL = Case(
    When(
        Q(status=ClaimStatus.IN_REVIEW) & ~Q(previous_status=""),
        then=F("previous_status"),
    ),
    default=F("status"),
)


# What readers see of a claim, besides its rating. While a verdict stands or
# the claim is published these change only through Claim.revise().
READER_FACING_FIELDS = (
    "headline",
    "wording",
    "claimant",
    "made_on",
    "appeared_in",
    "appearance_url",
    "topic",
    "verdict_summary",
)


def reader_fingerprint(values):
    """
    A digest of a claim's reader-facing values, in READER_FACING_FIELDS order:
    text as stored, dates in ISO form, related rows by natural key.

    Natural keys rather than ids, so that a dump restored into a fresh
    database (where rows get new ids) still matches; the slugs they rest on
    are set once (see the admin).
    """
    canonical = json.dumps(values, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


class ClaimQuerySet(models.QuerySet):
    def published(self):
        """The one visibility rule: what readers, feeds and machines may see."""
        return self.filter(is_published=True)

    def rated_as(self, status):
        """Claims whose rating readers see (Claim.public_status) is `status`."""
        return self.alias(rating=PUBLIC_STATUS_SQL).filter(rating=status)

    def for_listing(self):
        return self.select_related("claimant", "topic", "appeared_in")


class ClaimManager(models.Manager.from_queryset(ClaimQuerySet)):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class Claim(models.Model):
    slug = models.SlugField(max_length=100, unique=True)
    headline = models.CharField(
        max_length=75,
        help_text="Short form for readers and ClaimReview, 75 characters at most.",
        validators=[no_control_characters],
    )
    wording = bounded_text("claim as made", limit=5_000)
    claimant = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="claims")
    made_on = models.DateField("date made", null=True, blank=True)
    appeared_in = models.ForeignKey(
        Article, null=True, blank=True, on_delete=models.PROTECT, related_name="claims"
    )
    appearance_url = models.URLField(
        "appearance URL",
        blank=True,
        validators=[http_url_validator, no_control_characters],
        help_text="Where the claim was first made or reported (its first appearance); the article "
        "on file may only relay it.",
    )
    context = bounded_text(blank=True, limit=5_000)
    topic = models.ForeignKey(
        Topic, null=True, blank=True, on_delete=models.PROTECT, related_name="claims"
    )
    status = models.CharField(
        max_length=20, choices=ClaimStatus, default=ClaimStatus.UNVERIFIED, editable=False
    )
    previous_status = models.CharField(
        max_length=20, choices=ClaimStatus, blank=True, editable=False
    )
    verdict_summary = bounded_text(
        blank=True, limit=3_000, help_text="Why, in plain words, for readers."
    )
    is_published = models.BooleanField(default=False, editable=False)
    published_at = models.DateTimeField(null=True, blank=True, editable=False)
    review_by = models.DateField(
        null=True, blank=True, help_text="After this date readers are told it may be outdated."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="claims_created"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = ClaimManager()

    class Meta:
        ordering = ["-published_at", "-created_at"]
        permissions = [
            ("review_claim", "Can issue and reopen verdicts"),
            ("publish_claim", "Can publish and unpublish claims"),
        ]
        constraints = [
            choices_constraint("status", ClaimStatus, "claims_claim_status_valid"),
            models.CheckConstraint(
                condition=Q(previous_status="") | Q(previous_status__in=ClaimStatus.values),
                name="claims_claim_previous_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(is_published=False) | Q(published_at__isnull=False),
                name="claims_claim_published_has_date",
            ),
            models.CheckConstraint(
                condition=Q(
                    LessThanOrEqual(Length("headline"), 75), GreaterThan(Length("headline"), 0)
                ),
                name="claims_claim_headline_length",
            ),
            models.CheckConstraint(condition=~Q(slug=""), name="claims_claim_slug_not_empty"),
            models.CheckConstraint(
                condition=Q(version__gte=1), name="claims_claim_version_positive"
            ),
            # A claim in review is public only when it had a public rating before.
            models.CheckConstraint(
                condition=~Q(is_published=True, status=ClaimStatus.IN_REVIEW, previous_status=""),
                name="claims_claim_published_review_has_previous",
            ),
            http_url_constraint("appearance_url", "claims_claim_appearance_url_http"),
            length_constraint("wording", 5_000, "claims_claim_wording_length"),
            length_constraint("context", 5_000, "claims_claim_context_length"),
            length_constraint("verdict_summary", 3_000, "claims_claim_verdict_summary_length"),
        ]
        # The public list's orders and filters, over published claims only:
        # each page and count walks one of these (id breaks date ties).
        indexes = [
            models.Index(
                fields=["-published_at", "-id"],
                name="claims_published_recent",
                condition=Q(is_published=True),
            ),
            # status and previous_status ride along so that counts and page
            # keys come from the index alone: PostgreSQL does not see that the
            # expression is all a query needs of them.
            models.Index(
                PUBLIC_STATUS_SQL,
                F("published_at").desc(),
                F("id").desc(),
                "status",
                "previous_status",
                name="claims_published_by_status",
                condition=Q(is_published=True),
            ),
            models.Index(
                fields=["topic", "-published_at", "-id"],
                name="claims_published_by_topic",
                condition=Q(is_published=True),
            ),
            models.Index(fields=["status"], name="claims_claim_status"),
        ]

    def __str__(self):
        return self.headline

    def save(self, *args, **kwargs):
        # The guard, not a side effect: under the row lock, a plain save
        # cannot rewrite what readers see of a claim on the record.
        with transaction.atomic():
            if self.pk is not None and not kwargs.get("force_insert"):
                self._ensure_reader_facing_fields_kept(kwargs.get("update_fields"))
            super().save(*args, **kwargs)

    def get_absolute_url(self):
        return address("claim_detail", self.slug)

    def natural_key(self):
        return (self.slug,)

    @property
    def has_verdict(self):
        return self.status in ClaimStatus.verdicts()

    @property
    def public_status(self):
        """The rating readers see: in review, the previous public rating."""
        if self.status == ClaimStatus.IN_REVIEW and self.previous_status:
            return ClaimStatus(self.previous_status)
        return ClaimStatus(self.status)

    @property
    def is_under_review(self):
        return self.status == ClaimStatus.IN_REVIEW

    @property
    def is_past_review_date(self):
        return self.review_by is not None and self.review_by < timezone.localdate()

    @property
    def needs_caveats(self):
        """Whether readers must be told what we don't know: a published unverified claim."""
        return self.is_published and self.public_status == ClaimStatus.UNVERIFIED

    @property
    def is_on_the_record(self):
        """Whether a verdict stands or readers can see the claim: its
        reader-facing fields then change only through revise()."""
        return self.has_verdict or self.is_published

    @property
    def reader_fingerprint(self):
        """
        What readers see of the claim, as a digest.

        Every audited step (transition, revise, entry) stores it on its
        ReviewEvent, so check_invariants can tell a claim on the record whose
        text was changed around the workflow (a queryset update(), a hand edit
        in SQL) from one changed through it: its fingerprint no longer matches
        its last event's. A digest rather than a copy of the text: it costs 64
        characters an event, and the text itself is on the claim.
        """
        values = []
        for name in READER_FACING_FIELDS:
            value = getattr(self, name)
            if isinstance(value, models.Model):
                value = value.natural_key()
            values.append(value)
        return reader_fingerprint(values)

    def _ensure_reader_facing_fields_kept(self, update_fields=None):
        stored = Claim.objects.select_for_update().filter(pk=self.pk).first()
        if stored is None or not stored.is_on_the_record:
            return
        names = READER_FACING_FIELDS
        if update_fields is not None:
            names = [name for name in names if name in update_fields]
        changed = [
            name
            for name in names
            if getattr(self, self._meta.get_field(name).attname)
            != getattr(stored, self._meta.get_field(name).attname)
        ]
        if changed:
            state = "published" if stored.is_published else f"rated {stored.status}"
            raise WorkflowError(
                {
                    name: f"This claim is {state}: its {self._meta.get_field(name).verbose_name} "
                    "changes only through a revision, which is audited and, on a published "
                    "claim, tells readers. Use revise()."
                    for name in changed
                }
            )

    # The workflow. Every verb goes through transition(); nothing else
    # changes status, publication or version. Each takes two notes: `note` is
    # internal (the audit trail and the admin, never a public page: it may
    # name a confidential source); `public_note` is for readers, and is
    # required by a step that changes what readers see of a published claim,
    # where it becomes the public Correction.

    def start_review(self, *, by, note="", public_note=""):
        return self.transition(Action.START_REVIEW, by=by, note=note, public_note=public_note)

    def corroborate(self, *, by, note="", public_note=""):
        return self.transition(Action.CORROBORATE, by=by, note=note, public_note=public_note)

    def dispute(self, *, by, note="", public_note=""):
        return self.transition(Action.DISPUTE, by=by, note=note, public_note=public_note)

    def refute(self, *, by, note="", public_note=""):
        return self.transition(Action.REFUTE, by=by, note=note, public_note=public_note)

    def mark_unverifiable(self, *, by, note="", public_note=""):
        return self.transition(Action.MARK_UNVERIFIABLE, by=by, note=note, public_note=public_note)

    def reopen(self, *, by, note="", public_note=""):
        return self.transition(Action.REOPEN, by=by, note=note, public_note=public_note)

    def publish(self, *, by, note="", public_note=""):
        return self.transition(Action.PUBLISH, by=by, note=note, public_note=public_note)

    def unpublish(self, *, by, note="", public_note=""):
        return self.transition(Action.UNPUBLISH, by=by, note=note, public_note=public_note)

    @retires_its_own_pages
    def transition(
        self,
        action,
        *,
        by,
        note="",
        public_note="",
        expected_version=None,
        verdict_summary=None,
    ):
        """
        Take one workflow step, or raise and change nothing.

        Locks the claim's row, checks permission and the evidence guard against
        the locked state, then updates only if the status and version are still
        those the caller read (`expected_version`, else this instance's), and
        writes the ReviewEvent (and, when the step changes what readers see of
        a published claim, a public Correction from `public_note`) in the same
        transaction. Raises WorkflowForbidden, WorkflowError or StaleClaim.

        A verdict step may carry `verdict_summary`, the summary readers get
        with the verdict: written by the same update and recorded in the same
        event's reader fingerprint, so a new verdict need not stand over the
        old one's explanation. None keeps the summary as it is.
        """
        action = Action(action)
        spec = TRANSITIONS[action]
        note, public_note = note.strip(), public_note.strip()
        if verdict_summary is not None and not spec.is_verdict:
            raise WorkflowError("Only a verdict carries a new summary: revise the claim instead.")
        expected_version = self.version if expected_version is None else expected_version
        with transaction.atomic():
            current = Claim.objects.select_for_update().get(pk=self.pk)
            if current.version != expected_version:
                raise StaleClaim(
                    "This claim was changed by someone else since you opened it. "
                    "Reload it, check what changed and try again."
                )
            if problem := current.permission_problem(action, by):
                raise WorkflowForbidden(problem)
            problems = current.guard_problems(
                action, note=note, public_note=public_note, require_note=True
            )
            if verdict_summary is not None:
                verdict_summary = verdict_summary.strip()
                if current.is_published and not verdict_summary:
                    problems.append("A published claim keeps a summary for readers.")
            if problems:
                raise WorkflowError(problems)
            now = timezone.now()
            updates = current._updates_for(action, spec, now)
            if verdict_summary is not None:
                updates["verdict_summary"] = current.verdict_summary = verdict_summary
            claimed = Claim.objects.filter(
                pk=current.pk, status=current.status, version=current.version
            ).update(**updates)
            if claimed != 1:
                raise StaleClaim("Another reviewer changed this claim at the same moment.")
            event = ReviewEvent.objects.create(
                claim=current,
                version=updates["version"],
                action=action,
                from_status=current.status,
                to_status=updates.get("status", current.status),
                actor=by,
                created_at=now,
                note=note,
                public_note=public_note,
                reader_fingerprint=current.reader_fingerprint,
            )
            if correction := current._correction_for(action, spec, public_note):
                Correction.objects.create(
                    claim=current, kind=CorrectionKind.UPDATE, note=correction, published_at=now
                )
            # update() sends no signal: retire the pages showing the claim here.
            retire_claim_pages(current, listed=current.is_published)
        for name, value in updates.items():
            setattr(self, name, value)
        return event

    @retires_its_own_pages
    def revise(self, *, by, changes, note="", public_note="", kind=None, expected_version=None):
        """
        Change what readers see of the claim: the audited way to edit the
        READER_FACING_FIELDS named in `changes` ({field name: new value},
        related rows as instances), or raise and change nothing.

        Like transition(): under the row lock, checks the permission (publish
        on a published claim, review under a verdict, change otherwise), that
        the values are valid and that a standing verdict still meets its rule
        with them, then updates only if the version is still the caller's,
        and writes a ReviewEvent (action "revise") and, on a published claim,
        a public Correction of `kind` (a correction by default) saying
        `public_note`, which is then required. This is how a publisher fixes a
        typo in a summary without reopening the verdict.
        """
        note, public_note = note.strip(), public_note.strip()
        if unknown := sorted(set(changes) - set(READER_FACING_FIELDS)):
            raise WorkflowError(
                f"Only what readers see of a claim is revised, not: {', '.join(unknown)}."
            )
        expected_version = self.version if expected_version is None else expected_version
        with transaction.atomic():
            current = Claim.objects.select_for_update().get(pk=self.pk)
            if current.version != expected_version:
                raise StaleClaim(
                    "This claim was changed by someone else since you opened it. "
                    "Reload it, check what changed and try again."
                )
            if problem := current.revise_permission_problem(by):
                raise WorkflowForbidden(problem)
            revised = Claim.objects.get(pk=current.pk)
            for name, value in changes.items():
                setattr(revised, name, value)
            changed = [
                name
                for name in changes
                if getattr(revised, self._meta.get_field(name).attname)
                != getattr(current, self._meta.get_field(name).attname)
            ]
            revised.ensure_revision_valid(current, changed, note, public_note)
            pages_before = pages_showing_claims([current.pk])
            now = timezone.now()
            updates = {name: getattr(revised, name) for name in changed}
            updates |= {"version": current.version + 1, "updated_at": now}
            claimed = Claim.objects.filter(pk=current.pk, version=current.version).update(**updates)
            if claimed != 1:
                raise StaleClaim("Someone else changed this claim at the same moment.")
            event = ReviewEvent.objects.create(
                claim=current,
                version=updates["version"],
                action=Action.REVISE,
                from_status=current.status,
                to_status=current.status,
                actor=by,
                created_at=now,
                note=note,
                public_note=public_note,
                reader_fingerprint=revised.reader_fingerprint,
            )
            if current.is_published:
                Correction.objects.create(
                    claim=current,
                    kind=kind or CorrectionKind.CORRECTION,
                    note=public_note,
                    published_at=now,
                )
            retire_claim_pages(current, listed=current.is_published, before=pages_before)
        for name, value in updates.items():
            setattr(self, name, value)
        return event

    def revise_permission_problem(self, user):
        """Why `user` may not revise what readers see of this claim, or ''."""
        if self.is_published:
            permission, role = PUBLISH_PERMISSION, "publishers"
        elif self.has_verdict:
            permission, role = REVIEW_PERMISSION, "reviewers"
        else:
            permission, role = "claims.change_claim", "editors"
        if not user.has_perm(permission):
            return f"Only {role} can revise what readers see of this claim."
        return ""

    def ensure_revision_valid(self, current, changed, note, public_note):
        """
        Raise WorkflowError unless this instance, `current` with the revision
        applied, may replace it: something changed, every changed value is
        valid, a standing verdict still meets its rule (a new claimant can
        undo one), and a published claim keeps a summary and gets a public note.
        """
        if not changed:
            raise WorkflowError("Nothing to revise: the values are those readers already see.")
        others = [f.name for f in self._meta.fields if f.name not in changed]
        try:
            self.clean_fields(exclude=others)
            self.validate_constraints()
        except ValidationError as error:
            raise WorkflowError(error.message_dict) from None
        problems = self.state_problems() + ReviewEvent.note_problems(note, public_note)
        if current.is_published and not self.verdict_summary.strip():
            problems.append("A published claim keeps a summary for readers.")
        if current.is_published and not public_note:
            problems.append(
                "This claim is published: write a public note telling readers what you "
                "changed and why. It becomes a correction on the verdict page."
            )
        if problems:
            raise WorkflowError(problems)

    def _updates_for(self, action, spec, now):
        updates = {"version": self.version + 1, "updated_at": now}
        if spec.target is not None:
            updates["status"] = spec.target
            updates["previous_status"] = self.status
        if action == Action.PUBLISH:
            updates["is_published"] = True
            # The first publication date stays: ClaimReview's datePublished.
            updates["published_at"] = self.published_at or now
        elif action == Action.UNPUBLISH:
            updates["is_published"] = False
        return updates

    def changes_public_record(self, action):
        """
        Whether `action` changes what readers see of this claim: a verdict
        issued, a verdict reopened, or the claim withdrawn, while it is
        published. Such a step needs a public note, which becomes a Correction.
        """
        spec = TRANSITIONS[Action(action)]
        return self.is_published and (
            spec.is_verdict or action in (Action.REOPEN, Action.UNPUBLISH)
        )

    def _correction_for(self, action, spec, public_note):
        """The Correction readers get when this step changes the published claim, or ''."""
        if not self.changes_public_record(action):
            return ""
        if action == Action.UNPUBLISH:
            return f"Withdrawn from publication: {public_note}"
        before = ClaimStatus(self.previous_status or self.status).label
        if action == Action.REOPEN:
            before, after = ClaimStatus(self.status).label, "under review"
        else:
            after = ClaimStatus(spec.target).label
        if before == after:
            return f"Verdict {after} confirmed after review: {public_note}"
        return f"Verdict changed from {before} to {after}: {public_note}"

    def permission_problem(self, action, user):
        """Why `user` may not take `action` on this claim, or ''."""
        spec = TRANSITIONS[Action(action)]
        if not user.has_perm(spec.permission):
            role = {
                REVIEW_PERMISSION: "reviewers",
                PUBLISH_PERMISSION: "publishers",
            }.get(spec.permission, "editors")
            return f"Only {role} can {spec.verb} a claim."
        if spec.is_verdict and user.pk == self.created_by_id:
            return "You entered this claim, so another reviewer must issue its verdict."
        return ""

    def guard_problems(self, action, *, note="", public_note="", require_note=False):
        """
        What the rules say is missing before `action` can be taken, as a list
        of sentences (empty when it can). Reads evidence and caveats; call it
        under the row lock when the answer must hold. With `require_note`, the
        notes the step needs are checked too.
        """
        action = Action(action)
        spec = TRANSITIONS[action]
        if self.status not in spec.sources:
            return [
                f"You cannot {spec.verb} a claim that is {ClaimStatus(self.status).label.lower()}."
            ]
        problems = []
        if require_note and spec.needs_note and not note:
            problems.append(f"Say why you {spec.verb} it: an internal note is required.")
        if require_note and self.changes_public_record(action) and not public_note:
            problems.append(
                "This claim is published: write a public note telling readers what changed "
                "and why. It becomes the correction on the verdict page."
            )
        if require_note:
            problems += ReviewEvent.note_problems(note, public_note)
        checker = getattr(self, f"_problems_before_{action.value}", None)
        if checker:
            problems.extend(checker())
        return problems

    def _problems_before_corroborate(self):
        evidence = self._evidence_for_guard()
        strong = [
            group
            for group in self.independent_origins(Stance.SUPPORTS, evidence)
            if group.best_credibility <= 3
        ]
        # The claimant repeating its claim is the claim, not evidence for it.
        counted = [group for group in strong if not group.is_claimant]
        problems = []
        if len(counted) < 2:
            named = f" ({', '.join(group.label for group in counted)})" if counted else ""
            problem = (
                "Corroboration needs supporting evidence graded 1–3 from 2 independent "
                f"origins besides the claimant; this claim has {len(counted)}{named}."
            )
            if own := [group.label for group in strong if group.is_claimant]:
                problem += f" Evidence tracing back to the claimant ({own[0]}) does not count."
            problems.append(problem)
        if strong_against := self._graded(evidence, Stance.CONTRADICTS, 2):
            problems.append(
                f"Corroboration is refused while {len(strong_against)} contradicting "
                "item(s) are graded 1–2."
            )
        return problems

    def _problems_before_dispute(self):
        evidence = self._evidence_for_guard()
        stances = {item.stance for item in evidence}
        missing = [
            stance.label.lower()
            for stance in (Stance.SUPPORTS, Stance.CONTRADICTS)
            if stance not in stances
        ]
        if missing:
            return [
                "A dispute needs at least one supporting and one contradicting item; "
                f"this claim has no {' and no '.join(missing)} evidence."
            ]
        return []

    def _problems_before_refute(self):
        evidence = self._evidence_for_guard()
        independent = [
            group
            for group in self.independent_origins(Stance.CONTRADICTS, evidence)
            if group.best_credibility <= 2 and not group.is_claimant
        ]
        problems = []
        if not independent:
            problems.append(
                "A false rating needs contradicting evidence graded 1–2 from an origin "
                "independent of the claimant."
            )
        if strong_for := self._graded(evidence, Stance.SUPPORTS, 2):
            problems.append(
                f"A false rating is refused while {len(strong_for)} supporting item(s) "
                "are graded 1–2."
            )
        return problems

    def _problems_before_mark_unverifiable(self):
        if not self.caveats.exists():
            return ["An unverifiable rating needs at least one caveat saying why."]
        return []

    def _problems_before_publish(self):
        problems = []
        if self.is_published:
            problems.append("This claim is already published.")
        problems += self._problems_while_public()
        if not self.verdict_summary.strip():
            problems.append("Write the summary for readers before publishing.")
        return problems

    def _problems_while_public(self):
        """What must hold for as long as readers can see the claim."""
        problems = []
        if self.public_status == ClaimStatus.UNVERIFIED and not self.caveats.exists():
            problems.append(
                "An unverified claim can be published only with at least one caveat "
                "saying what we don't know."
            )
        if self.status == ClaimStatus.IN_REVIEW and self.previous_status not in PUBLISHABLE:
            problems.append(
                "A claim in review is public only while its previous rating could be published."
            )
        return problems

    def state_problems(self):
        """
        Which workflow rules the claim's stored state breaks, as sentences
        (empty when it holds): a verdict still meets the evidence rule that
        issued it, and a public claim is in a state readers may see. These are
        the transitions' own checks, read back by check_invariants and loaddata.
        """
        problems = []
        if self.has_verdict:
            issued_by = next(
                action
                for action, spec in TRANSITIONS.items()
                if spec.is_verdict and spec.target == self.status
            )
            problems += getattr(self, f"_problems_before_{issued_by.value}")()
        if self.is_published:
            problems += self._problems_while_public()
        return problems

    def _problems_before_unpublish(self):
        return [] if self.is_published else ["This claim is not published."]

    def _evidence_for_guard(self):
        if "evidence" in getattr(self, "_prefetched_objects_cache", {}):
            # check_invariants prefetches every claim's evidence at once; a
            # transition reads it fresh under the row lock, never from a cache.
            return list(self.evidence.all())
        return list(self.evidence.with_origins())

    @staticmethod
    def _graded(evidence, stance, at_best):
        return [item for item in evidence if item.stance == stance and item.credibility <= at_best]

    def available_transitions(self, user):
        """Each step with the reason it is unavailable to `user` ('' when it is)."""
        steps = []
        for action, spec in TRANSITIONS.items():
            if self.status not in spec.sources:
                continue
            problems = [self.permission_problem(action, user)]
            problems += self.guard_problems(action)
            steps.append((action, " ".join(problem for problem in problems if problem)))
        return steps

    def ensure_open_for_evidence(self):
        """Evidence and caveats may change only while no verdict stands."""
        if self.has_verdict:
            raise WorkflowError(
                f"This claim is rated {ClaimStatus(self.status).label.lower()}. "
                "Reopen the claim first to change its evidence or caveats."
            )

    def record_entry(self, by):
        """The first row of the audit trail: who entered the claim."""
        return ReviewEvent.objects.create(
            claim=self,
            version=self.version,
            action=Action.CREATE,
            from_status=self.status,
            to_status=self.status,
            actor=by,
            created_at=self.created_at,
            reader_fingerprint=self.reader_fingerprint,
        )

    def independent_origins(self, stance=Stance.SUPPORTS, evidence=None):
        """
        Group the claim's evidence of one stance by independent origin.

        Each item's origin is whom it relies on, or its own source when it is
        first-hand; origins sharing an affiliation are one origin. The group
        sharing the claimant's affiliation is marked `is_claimant`: it is listed
        but never counts as support. Returns a list of OriginGroup, largest
        first. Pass `evidence` to reuse items already fetched (with source,
        origin and their affiliations).
        """
        if evidence is None:
            evidence = self.evidence.with_origins()
        claimant_key = self.claimant.independence_key
        groups = {}
        for item in evidence:
            if item.stance != stance:
                continue
            root = item.root_source
            key = root.independence_key
            group = groups.setdefault(
                key,
                OriginGroup(
                    label=root.independence_label, key=key, is_claimant=key == claimant_key
                ),
            )
            if root not in group.origins:
                group.origins.append(root)
            group.evidence.append(item)
        return sorted(groups.values(), key=lambda group: (-len(group.evidence), group.label))


class EvidenceQuerySet(models.QuerySet):
    def with_origins(self):
        """With what independent_origins() reads: sources, origins, affiliations."""
        return self.select_related("source__affiliation", "origin__affiliation")


class EvidenceManager(models.Manager.from_queryset(EvidenceQuerySet)):
    def get_by_natural_key(self, claim_slug, source_slug, title):
        return self.get(claim__slug=claim_slug, source__slug=source_slug, title=title)


class Evidence(models.Model):
    """One item bearing on one claim."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="evidence")
    source = models.ForeignKey(
        Source,
        on_delete=models.PROTECT,
        related_name="evidence_published",
        help_text="Who published this item.",
    )
    origin = models.ForeignKey(
        Source,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="evidence_originated",
        help_text="Whom the item relies on. Leave empty when it is first-hand.",
    )
    stance = models.CharField(max_length=20, choices=Stance)
    title = models.CharField(max_length=300, validators=[no_control_characters])
    url = models.URLField("URL", blank=True, validators=[http_url_validator, no_control_characters])
    archive_url = models.URLField(
        "archived URL", blank=True, validators=[http_url_validator, no_control_characters]
    )
    excerpt = bounded_text(blank=True, limit=5_000, help_text="The passage quoted, word for word.")
    published_on = models.DateField(null=True, blank=True)
    accessed_on = models.DateField(null=True, blank=True)
    credibility = models.PositiveSmallIntegerField(
        choices=Credibility, default=Credibility.CANNOT_BE_JUDGED
    )
    note = bounded_text(
        blank=True, limit=2_000, help_text="Shown to readers under the item on the verdict page."
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="evidence_added",
    )
    added_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = EvidenceManager()

    class Meta:
        verbose_name_plural = "evidence"
        ordering = ["credibility", "added_at", "pk"]
        constraints = [
            choices_constraint("stance", Stance, "claims_evidence_stance_valid"),
            choices_constraint("credibility", Credibility, "claims_evidence_credibility_valid"),
            http_url_constraint("url", "claims_evidence_url_http"),
            http_url_constraint("archive_url", "claims_evidence_archive_url_http"),
            models.UniqueConstraint(
                fields=["claim", "source", "title"], name="claims_evidence_unique_per_claim"
            ),
            length_constraint("excerpt", 5_000, "claims_evidence_excerpt_length"),
            length_constraint("note", 2_000, "claims_evidence_note_length"),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        # The guard, not a side effect: the claim's row lock makes this write
        # and a verdict's evidence check take turns.
        with transaction.atomic():
            Claim.objects.select_for_update().get(pk=self.claim_id).ensure_open_for_evidence()
            super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        with transaction.atomic():
            Claim.objects.select_for_update().get(pk=self.claim_id).ensure_open_for_evidence()
            return super().delete(*args, **kwargs)

    def natural_key(self):
        return (*self.claim.natural_key(), *self.source.natural_key(), self.title)

    natural_key.dependencies = ["claims.claim", "claims.source"]

    @property
    def root_source(self):
        return self.origin or self.source

    @property
    def chain(self):
        """Who relayed whom, origin first: e.g. [NIS, lawmakers]."""
        if self.origin_id and self.origin_id != self.source_id:
            return [self.origin, self.source]
        return [self.source]


class CaveatKind(models.TextChoices):
    SINGLE_SOURCE = "single_source", "Single source"
    INTERESTED_PARTY = "interested_party", "Interested party"
    NO_METHOD = "no_method", "Method not published"
    UNVERIFIABLE = "unverifiable", "Cannot be verified independently"
    PARTIAL_DATA = "partial_data", "Partial data"
    OPINION = "opinion", "Opinion"
    OTHER = "other", "Other"


class CaveatManager(models.Manager):
    def get_by_natural_key(self, claim_slug, text):
        return self.get(claim__slug=claim_slug, text=text)


class Caveat(models.Model):
    """One 'what we don't know' point on a claim."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="caveats")
    kind = models.CharField(max_length=20, choices=CaveatKind)
    text = models.CharField(max_length=500, validators=[no_control_characters])

    objects = CaveatManager()

    class Meta:
        ordering = ["pk"]
        constraints = [
            choices_constraint("kind", CaveatKind, "claims_caveat_kind_valid"),
            models.CheckConstraint(condition=~Q(text=""), name="claims_caveat_text_not_empty"),
            models.UniqueConstraint(
                fields=["claim", "text"], name="claims_caveat_unique_per_claim"
            ),
        ]

    def __str__(self):
        return self.text

    def save(self, *args, **kwargs):
        # The guard, not a side effect: the claim's row lock makes this write
        # and a verdict's evidence check take turns.
        with transaction.atomic():
            Claim.objects.select_for_update().get(pk=self.claim_id).ensure_open_for_evidence()
            super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        with transaction.atomic():
            claim = Claim.objects.select_for_update().get(pk=self.claim_id)
            claim.ensure_open_for_evidence()
            if claim.needs_caveats and claim.caveats.count() == 1:
                raise WorkflowError(
                    "A published unverified claim must say what we don't know: "
                    "add another caveat or unpublish it before removing this one."
                )
            return super().delete(*args, **kwargs)

    def natural_key(self):
        return (*self.claim.natural_key(), self.text)

    natural_key.dependencies = ["claims.claim"]


class ReviewEventManager(models.Manager):
    def get_by_natural_key(self, claim_slug, version):
        return self.get(claim__slug=claim_slug, version=version)


class ReviewEvent(models.Model):
    """Append-only audit row, written in the same transaction as its transition."""

    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="events")
    version = models.PositiveIntegerField(help_text="The claim's version after this event.")
    action = models.CharField(max_length=20, choices=Action)
    from_status = models.CharField(max_length=20, choices=ClaimStatus)
    to_status = models.CharField(max_length=20, choices=ClaimStatus)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="review_events"
    )
    created_at = models.DateTimeField(default=timezone.now)
    note = bounded_text(
        "internal note",
        blank=True,
        limit=5_000,
        help_text="The audit trail only: never shown to readers.",
    )
    reader_fingerprint = models.CharField(
        max_length=64,
        blank=True,
        editable=False,
        help_text="Claim.reader_fingerprint as this step left it.",
    )
    public_note = bounded_text(
        blank=True, limit=2_000, help_text="Shown to readers in the claim's public review timeline."
    )

    objects = ReviewEventManager()

    class Meta:
        ordering = ["created_at", "version"]
        constraints = [
            choices_constraint("action", Action, "claims_reviewevent_action_valid"),
            choices_constraint("from_status", ClaimStatus, "claims_reviewevent_from_valid"),
            choices_constraint("to_status", ClaimStatus, "claims_reviewevent_to_valid"),
            models.UniqueConstraint(
                fields=["claim", "version"], name="claims_reviewevent_unique_version"
            ),
            length_constraint("note", 5_000, "claims_reviewevent_note_length"),
            length_constraint("public_note", 2_000, "claims_reviewevent_public_note_length"),
        ]

    def __str__(self):
        return f"{self.claim}: {self.get_action_display()}"

    @classmethod
    def note_problems(cls, note, public_note):
        """What is wrong with a step's notes (too long, control characters), as sentences."""
        problems = []
        for name, value in [("note", note), ("public_note", public_note)]:
            field = cls._meta.get_field(name)
            try:
                field.run_validators(value)
            except ValidationError as error:
                label = field.verbose_name[0].upper() + field.verbose_name[1:]
                problems += [f"{label}: {message}" for message in error.messages]
        return problems

    def natural_key(self):
        return (*self.claim.natural_key(), self.version)

    natural_key.dependencies = ["claims.claim"]


class ContentVersion(models.Model):
    """
    A named version of what the public pages show, replaced in the same
    transaction as every change to it (claims.caching.public_content_changed).

    Kept in the database rather than in the cache, so that it commits and rolls
    back with the change, no cache outage or eviction can lose it, and every
    process reads the same one. "public" covers every page; the other names
    cover the pages showing one thing ("claim:<slug>", "source:<slug>",
    "pages:list"...: claims.page_versions).
    """

    name = models.CharField(max_length=250, primary_key=True)
    token = models.CharField(max_length=32)

    def __str__(self):
        return f"{self.name}: {self.token}"


class CorrectionKind(models.TextChoices):
    CORRECTION = "correction", "Correction"
    UPDATE = "update", "Update"
    CLARIFICATION = "clarification", "Clarification"


class CorrectionManager(models.Manager):
    def get_by_natural_key(self, claim_slug, published_at):
        return self.get(claim__slug=claim_slug, published_at=published_at)


class Correction(models.Model):
    """A public note on a published claim."""

    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="corrections")
    kind = models.CharField(max_length=20, choices=CorrectionKind, default=CorrectionKind.UPDATE)
    # Room for a public note (2,000 characters) and the verdict change it explains.
    note = bounded_text(limit=2_500)
    published_at = models.DateTimeField(default=timezone.now)

    objects = CorrectionManager()

    class Meta:
        ordering = ["published_at", "pk"]
        constraints = [
            choices_constraint("kind", CorrectionKind, "claims_correction_kind_valid"),
            models.CheckConstraint(condition=~Q(note=""), name="claims_correction_note_not_empty"),
            length_constraint("note", 2_500, "claims_correction_note_length"),
            models.UniqueConstraint(
                fields=["claim", "published_at"], name="claims_correction_unique_time"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.note[:60]}"

    def clean(self):
        if self.claim_id and not Claim.objects.published().filter(pk=self.claim_id).exists():
            raise ValidationError(
                {"claim": "Corrections are public notes: publish the claim first."}
            )

    def natural_key(self):
        return (*self.claim.natural_key(), self.published_at.isoformat())

    natural_key.dependencies = ["claims.claim"]


# Figures and estimates live in their own module; imported here so that Django
# finds their models with the rest of the app's.
from claims.figures import Estimate, Figure  # noqa: E402, F401
