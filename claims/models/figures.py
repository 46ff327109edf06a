"""
Figures and their estimates: a quantity the news keeps estimating, and each
value someone stated for it, when, and on whose authority.

Independence works as for evidence: an estimate's origin is a Source, and
origins sharing an affiliation (the NIS and the Joint Chiefs of Staff are both
the South Korean government) are one independent origin, one series on the
chart. A later estimate from the same independent origin that supersedes its
earlier ones is a revision, which verdict pages stating the earlier value
tell readers about.
"""

from dataclasses import dataclass

from django.db import models
from django.db.models import F, Q
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from claims.choices import Qualifier
from claims.constraints import (
    bounded_text,
    choices_constraint,
    http_url_constraint,
    http_url_validator,
    no_control_characters,
    text_allowed_constraint,
    within_date_bounds,
)
from claims.independence import IndependentOrigin, group_by_origin
from claims.models.revisions import RevisionName, estimate_key
from claims.natural_keys import NaturalKeyManager, SlugNaturalKey
from claims.records import ClaimLink

EXCERPT_LIMIT = 1000
NOTE_LIMIT = 2000


def length_constraint(field_name, limit, name):
    return models.CheckConstraint(
        condition=Q(LessThanOrEqual(Length(field_name), limit)),
        name=name,
        violation_error_message=f"At most {limit:,} characters.",
    )


class Figure(SlugNaturalKey):
    """A quantity the news keeps estimating, e.g. soldiers killed or wounded."""

    name = models.CharField(
        max_length=200, unique=True, validators=[no_control_characters], verbose_name=_("name")
    )
    slug = models.SlugField(max_length=200, unique=True, verbose_name=_("slug"))
    short_name = models.CharField(
        max_length=100,
        validators=[no_control_characters],
        help_text=_("How a sentence names it: “the death toll”."),
        verbose_name=_("short name"),
    )
    unit = models.CharField(
        max_length=50,
        validators=[no_control_characters],
        help_text=_("What is counted, in the plural: “soldiers”."),
        verbose_name=_("unit"),
    )
    definition = bounded_text(
        limit=NOTE_LIMIT,
        help_text=_("What counts and what does not, for readers."),
        verbose_name=_("definition"),
    )

    class Meta:
        verbose_name = _("figure")
        verbose_name_plural = _("figures")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=~Q(slug=""), name="claims_figure_slug_not_empty"),
            text_allowed_constraint("name", "claims_figure_name_printable"),
            text_allowed_constraint("definition", "claims_figure_definition_printable"),
            length_constraint("definition", NOTE_LIMIT, "claims_figure_definition_length"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("figure_detail", args=[self.slug])

    def estimates_for_readers(self):
        """
        Every estimate, oldest first, with what the public pages show of it:
        origins, who relayed it, and as `published_claims` the claims whose
        current revision states it (ClaimLinks, as published), oldest first.
        """
        estimates = list(self.estimates.select_related("origin__affiliation", "relayed_by"))
        keys = {
            estimate_key(self.slug, estimate.origin.slug, estimate.stated_on.isoformat()): estimate
            for estimate in estimates
        }
        for estimate in estimates:
            estimate.published_claims = []
        stating = (
            RevisionName.objects.filter(
                kind=RevisionName.ESTIMATE, key__in=keys, revision__is_current=True
            )
            .order_by("revision__first_published_at", "revision__id")
            .values_list(
                "key",
                "revision__slug",
                "revision__rating",
                KeyTextTransform("headline", "revision__document"),
                "revision__claim",
                "revision__language",
            )
        )
        for key, slug, rating, headline, claim, language in stating:
            keys[key].published_claims.append(ClaimLink(slug, headline, rating, claim, language))
        return estimates

    def series(self, estimates=None):
        """
        The estimates grouped by independent origin, one OriginSeries each,
        in the order each origin first spoke. Pass `estimates` to reuse rows
        already fetched with their origins' affiliations.
        """
        if estimates is None:
            estimates = self.estimates.select_related("origin__affiliation")
        chronological = sorted(estimates, key=Estimate.chronological)
        return group_by_origin(chronological, lambda estimate: estimate.origin, OriginSeries)


class OriginSeries(IndependentOrigin):
    """One independent origin's estimates of a figure, oldest first."""

    @property
    def estimates(self):
        return self.items

    @property
    def current(self):
        """The estimate this origin stands by now: its latest that replaced
        the ones before (a later partial count does not replace them)."""
        standing = self.estimates[0]
        for estimate in self.estimates[1:]:
            if estimate.supersedes_earlier:
                standing = estimate
        return standing


# A range already says how uncertain it is; "at least 3,000–4,000" says nothing.
QUALIFIERS_FOR_RANGES = [Qualifier.ABOUT, Qualifier.NONE]


class EstimateManager(NaturalKeyManager):
    key_lookups = ("figure__slug", "origin__slug", "stated_on")


# The columns of the CSV and the keys of each JSON estimate, in order.
RECORD_COLUMNS = (
    "stated_on value low high qualifier origin independent_origin relayed_by "
    "period_start period_end supersedes_earlier url excerpt note claims"
).split()


class Estimate(models.Model):
    """One stated value of a figure: who said it, when, and where it was reported."""

    figure = models.ForeignKey(
        Figure, on_delete=models.CASCADE, related_name="estimates", verbose_name=_("figure")
    )
    low = models.PositiveIntegerField(
        _("value"), help_text=_("The value stated, or a range's low end.")
    )
    high = models.PositiveIntegerField(
        _("high end of range"), null=True, blank=True, help_text=_("Only when a range was stated.")
    )
    qualifier = models.CharField(
        max_length=20,
        choices=Qualifier,
        default=Qualifier.ABOUT,
        blank=True,
        verbose_name=_("qualifier"),
    )
    stated_on = models.DateField(_("date stated"), validators=[within_date_bounds])
    period_start = models.DateField(
        null=True,
        blank=True,
        validators=[within_date_bounds],
        help_text=_("The period the figure covers, when it is not cumulative."),
        verbose_name=_("period start"),
    )
    period_end = models.DateField(
        null=True, blank=True, validators=[within_date_bounds], verbose_name=_("period end")
    )
    origin = models.ForeignKey(
        "claims.Source",
        on_delete=models.PROTECT,
        related_name="estimates_originated",
        help_text=_("Whose estimate it is. Origins sharing an affiliation are one origin."),
        verbose_name=_("origin"),
    )
    relayed_by = models.ForeignKey(
        "claims.Source",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="estimates_relayed",
        help_text=_(
            "Who published the report linked below. Leave empty when it is the origin's own."
        ),
        verbose_name=_("relayed by"),
    )
    url = models.URLField(_("URL"), validators=[http_url_validator, no_control_characters])
    excerpt = bounded_text(
        limit=EXCERPT_LIMIT,
        help_text=_("The passage stating the figure, word for word."),
        verbose_name=_("excerpt"),
    )
    note = bounded_text(
        limit=NOTE_LIMIT,
        blank=True,
        help_text=_("For readers: e.g. how a total was derived from the parts stated."),
        verbose_name=_("note"),
    )
    supersedes_earlier = models.BooleanField(
        _("supersedes the origin's earlier estimates"),
        default=True,
        help_text=_(
            "Untick for a count of something narrower (one battle, one month) that "
            "does not revise the running figure."
        ),
    )
    claims = models.ManyToManyField(
        "claims.Claim",
        blank=True,
        related_name="estimates",
        help_text=_("Claims that state this estimate."),
        verbose_name=_("claims"),
    )

    objects = EstimateManager()

    class Meta:
        verbose_name = _("estimate")
        verbose_name_plural = _("estimates")
        ordering = ["stated_on", "pk"]
        constraints = [
            choices_constraint("qualifier", Qualifier, "claims_estimate_qualifier_valid"),
            models.CheckConstraint(
                condition=Q(high__isnull=True) | Q(high__gt=F("low")),
                name="claims_estimate_range_rises",
                violation_error_message="A range's high end must be above its low end.",
            ),
            models.CheckConstraint(
                condition=Q(high__isnull=True) | Q(qualifier__in=QUALIFIERS_FOR_RANGES),
                name="claims_estimate_range_qualifier",
                violation_error_message="A range takes no qualifier but “about”.",
            ),
            models.CheckConstraint(
                condition=Q(period_start__isnull=True)
                | Q(period_end__isnull=True)
                | Q(period_start__lte=F("period_end")),
                name="claims_estimate_period_in_order",
                violation_error_message="The period must start before it ends.",
            ),
            models.CheckConstraint(
                condition=Q(period_end__isnull=True) | Q(period_end__lte=F("stated_on")),
                name="claims_estimate_period_before_stated",
                violation_error_message="An estimate cannot cover days after it was stated.",
            ),
            http_url_constraint("url", "claims_estimate_url_http"),
            models.CheckConstraint(condition=~Q(url=""), name="claims_estimate_url_given"),
            models.CheckConstraint(condition=~Q(excerpt=""), name="claims_estimate_excerpt_given"),
            length_constraint("excerpt", EXCERPT_LIMIT, "claims_estimate_excerpt_length"),
            length_constraint("note", NOTE_LIMIT, "claims_estimate_note_length"),
            text_allowed_constraint("excerpt", "claims_estimate_excerpt_printable"),
            text_allowed_constraint("note", "claims_estimate_note_printable"),
            models.UniqueConstraint(
                fields=["figure", "origin", "stated_on"], name="claims_estimate_unique_per_day"
            ),
        ]

    def __str__(self):
        return f"{self.value_text} ({self.origin}, {self.stated_on:%d %b %Y})"

    def natural_key(self):
        return (*self.figure.natural_key(), *self.origin.natural_key(), self.stated_on.isoformat())

    natural_key.dependencies = ["claims.figure", "claims.source"]

    @staticmethod
    def chronological(estimate):
        return (estimate.stated_on, estimate.pk or 0)

    @property
    def is_range(self):
        return self.high is not None

    @property
    def top(self):
        return self.high if self.is_range else self.low

    @property
    def may_be_higher(self):
        """The number stated is a floor: 'at least', 'more than'."""
        return self.qualifier in (Qualifier.AT_LEAST, Qualifier.MORE_THAN)

    @property
    def may_be_lower(self):
        """The number stated is a ceiling: 'up to'."""
        return self.qualifier == Qualifier.UP_TO

    @property
    def number_text(self):
        return Qualifier.number_text(self.low, self.high)

    @property
    def value_text(self):
        """The value as a reader says it: 'about 4,700', 'more than 3,000', '4,000–5,000'."""
        return Qualifier.value_text(self.qualifier, self.low, self.high)

    @property
    def reporter(self):
        """Who published the report linked: the relaying outlet, else the origin."""
        return self.relayed_by or self.origin

    def as_record(self, claim_urls=()):
        """One row for the CSV and JSON downloads, in their column order."""
        return {
            "stated_on": self.stated_on.isoformat(),
            "value": self.value_text,
            "low": self.low,
            "high": self.top,
            "qualifier": Qualifier(self.qualifier).label if self.qualifier else "",
            "origin": self.origin.name,
            "independent_origin": self.origin.independence_label,
            "relayed_by": self.relayed_by.name if self.relayed_by else "",
            "period_start": self.period_start.isoformat() if self.period_start else "",
            "period_end": self.period_end.isoformat() if self.period_end else "",
            "supersedes_earlier": self.supersedes_earlier,
            "url": self.url,
            "excerpt": self.excerpt,
            "note": self.note,
            "claims": list(claim_urls),
        }

    def same_origin_as(self, other):
        return self.origin.independence_key == other.origin.independence_key


def published_origin_key(source):
    """A live source's independence key in the terms a revision records it
    (claims.records.SourceRecord.independence_key): by slug, not by id."""
    if source.affiliation_id:
        return ("affiliation", source.affiliation.slug)
    return ("source", source.slug)


@dataclass(frozen=True)
class LaterEstimate:
    """
    A claim states `stated` (as its revision published it); the same
    independent origin has since said `latest` (a live Estimate).
    """

    stated: object
    latest: Estimate

    @property
    def figure(self):
        return self.stated.figure

    @property
    def same_source(self):
        return self.stated.origin.slug == self.latest.origin.slug


def revisions_since(stated):
    """
    For each estimate in `stated` (a revision's stated estimates,
    claims.records.StatedEstimateRecord: figure slug, origin and date as
    published), the latest later live estimate of the same figure from the
    same independent origin that supersedes it, as LaterEstimates; empty when
    there is none. One query, none when nothing is stated.
    """
    if not stated:
        return []
    later = list(
        Estimate.objects.filter(
            figure__slug__in={estimate.figure.slug for estimate in stated},
            stated_on__gt=min(estimate.stated_on for estimate in stated),
            supersedes_earlier=True,
        )
        .select_related("figure", "origin__affiliation")
        .order_by("stated_on", "pk")
    )
    revisions = []
    for estimate in stated:
        newer = [
            candidate
            for candidate in later
            if candidate.figure.slug == estimate.figure.slug
            and candidate.stated_on > estimate.stated_on
            and published_origin_key(candidate.origin) == estimate.origin.independence_key
        ]
        if newer:
            revisions.append(LaterEstimate(stated=estimate, latest=newer[-1]))
    return revisions
