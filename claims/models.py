from dataclasses import dataclass, field

from django.conf import settings
from django.core.validators import URLValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.db.models.lookups import GreaterThan, LessThanOrEqual
from django.urls import reverse
from django.utils import timezone

HTTP_URL_CONDITION = r"^https?://"


def http_url_constraint(field_name, name):
    """A blank URL, or one whose scheme is http or https: never javascript: or data:."""
    return models.CheckConstraint(
        condition=Q(**{field_name: ""}) | Q(**{f"{field_name}__regex": HTTP_URL_CONDITION}),
        name=name,
        violation_error_message="Only http:// and https:// addresses are allowed.",
    )


http_url_validator = URLValidator(schemes=["http", "https"])


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

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=200, unique=True)

    objects = NaturalKeyBySlugManager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.slug,)


class Topic(models.Model):
    name = models.CharField(max_length=100, unique=True)
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

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    kind = models.CharField(max_length=30, choices=SourceKind, default=SourceKind.OTHER)
    country = models.CharField(max_length=100, blank=True)
    url = models.URLField("URL", blank=True, validators=[http_url_validator])
    reliability = models.CharField(max_length=1, choices=Reliability, default=Reliability.F)
    affiliation = models.ForeignKey(
        Affiliation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sources",
        help_text="Sources with the same affiliation count as one origin.",
    )
    description = models.TextField(blank=True)

    objects = NaturalKeyBySlugManager()

    class Meta:
        ordering = ["name"]
        constraints = [
            choices_constraint("reliability", Reliability, "claims_source_reliability_valid"),
            choices_constraint("kind", SourceKind, "claims_source_kind_valid"),
            http_url_constraint("url", "claims_source_url_http"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("source_detail", args=[self.slug])

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

    title = models.CharField(max_length=300)
    slug = models.SlugField(max_length=200, unique=True)
    url = models.URLField("URL", blank=True, validators=[http_url_validator])
    publisher = models.ForeignKey(
        Source, null=True, blank=True, on_delete=models.PROTECT, related_name="articles"
    )
    published_on = models.DateField(null=True, blank=True)
    body = models.TextField(blank=True)

    objects = NaturalKeyBySlugManager()

    class Meta:
        ordering = ["-published_on", "title"]
        constraints = [http_url_constraint("url", "claims_article_url_http")]

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


class Stance(models.TextChoices):
    SUPPORTS = "supports", "Supports"
    CONTRADICTS = "contradicts", "Contradicts"
    CONTEXT = "context", "Context"


@dataclass
class OriginGroup:
    """One independent origin: an affiliation (or a lone source) and the
    evidence that traces back to it."""

    label: str
    origins: list = field(default_factory=list)
    evidence: list = field(default_factory=list)

    @property
    def best_credibility(self):
        return min(item.credibility for item in self.evidence)

    @property
    def chains(self):
        return [item.chain for item in self.evidence]


class ClaimQuerySet(models.QuerySet):
    def published(self):
        """The one visibility rule: what readers, feeds and machines may see."""
        return self.filter(is_published=True)

    def for_listing(self):
        return self.select_related("claimant", "topic", "appeared_in")


class ClaimManager(models.Manager.from_queryset(ClaimQuerySet)):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class Claim(models.Model):
    slug = models.SlugField(max_length=100, unique=True)
    headline = models.CharField(
        max_length=75, help_text="Short form for readers and ClaimReview, 75 characters at most."
    )
    wording = models.TextField("claim as made")
    claimant = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="claims")
    made_on = models.DateField("date made", null=True, blank=True)
    appeared_in = models.ForeignKey(
        Article, null=True, blank=True, on_delete=models.PROTECT, related_name="claims"
    )
    appearance_url = models.URLField(
        "appearance URL",
        blank=True,
        validators=[http_url_validator],
        help_text="Where the claim was made, when it is not an article on file.",
    )
    context = models.TextField(blank=True)
    topic = models.ForeignKey(
        Topic, null=True, blank=True, on_delete=models.PROTECT, related_name="claims"
    )
    status = models.CharField(
        max_length=20, choices=ClaimStatus, default=ClaimStatus.UNVERIFIED, editable=False
    )
    previous_status = models.CharField(
        max_length=20, choices=ClaimStatus, blank=True, editable=False
    )
    verdict_summary = models.TextField(blank=True, help_text="Why, in plain words, for readers.")
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
        ]
        indexes = [
            models.Index(
                fields=["-published_at"],
                name="claims_published_recent",
                condition=Q(is_published=True),
            ),
            models.Index(fields=["status"], name="claims_claim_status"),
        ]

    def __str__(self):
        return self.headline

    def get_absolute_url(self):
        return reverse("claim_detail", args=[self.slug])

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

    def independent_origins(self, stance=Stance.SUPPORTS, evidence=None):
        """
        Group the claim's evidence of one stance by independent origin.

        Each item's origin is whom it relies on, or its own source when it is
        first-hand; origins sharing an affiliation are one origin. Returns a
        list of OriginGroup, largest first. Pass `evidence` to reuse items
        already fetched (with source, origin and their affiliations).
        """
        if evidence is None:
            evidence = self.evidence.select_related("source__affiliation", "origin__affiliation")
        groups = {}
        for item in evidence:
            if item.stance != stance:
                continue
            root = item.root_source
            group = groups.setdefault(
                root.independence_key, OriginGroup(label=root.independence_label)
            )
            if root not in group.origins:
                group.origins.append(root)
            group.evidence.append(item)
        return sorted(groups.values(), key=lambda group: (-len(group.evidence), group.label))


class EvidenceManager(models.Manager):
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
    title = models.CharField(max_length=300)
    url = models.URLField("URL", blank=True, validators=[http_url_validator])
    archive_url = models.URLField("archived URL", blank=True, validators=[http_url_validator])
    excerpt = models.TextField(blank=True, help_text="The passage quoted, word for word.")
    published_on = models.DateField(null=True, blank=True)
    accessed_on = models.DateField(null=True, blank=True)
    credibility = models.PositiveSmallIntegerField(
        choices=Credibility, default=Credibility.CANNOT_BE_JUDGED
    )
    note = models.TextField(blank=True)
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
        ]

    def __str__(self):
        return self.title

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
    text = models.CharField(max_length=500)

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

    def natural_key(self):
        return (*self.claim.natural_key(), self.text)

    natural_key.dependencies = ["claims.claim"]


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
    note = models.TextField(blank=True)

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
        ]

    def __str__(self):
        return f"{self.claim}: {self.get_action_display()}"

    def natural_key(self):
        return (*self.claim.natural_key(), self.version)

    natural_key.dependencies = ["claims.claim"]


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
    note = models.TextField()
    published_at = models.DateTimeField(default=timezone.now)

    objects = CorrectionManager()

    class Meta:
        ordering = ["published_at", "pk"]
        constraints = [
            choices_constraint("kind", CorrectionKind, "claims_correction_kind_valid"),
            models.CheckConstraint(condition=~Q(note=""), name="claims_correction_note_not_empty"),
            models.UniqueConstraint(
                fields=["claim", "published_at"], name="claims_correction_unique_time"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.note[:60]}"

    def natural_key(self):
        return (*self.claim.natural_key(), self.published_at.isoformat())

    natural_key.dependencies = ["claims.claim"]
