"""
Who says what, and where: sources (and the affiliations that decide which of
them are independent), the articles that carry claims, and the topics claims
are filed under. What readers may see of them follows from the published
revisions: a source or topic is public while a current revision names it.
"""

from django.conf import settings
from django.db import models, transaction
from django.db.models import Exists, OuterRef, Q, Subquery
from django.db.models.fields.json import KT
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import get_language, get_supported_language_variant
from django.utils.translation import gettext_lazy as _

from claims.choices import Reliability, SourceKind
from claims.constraints import (
    bounded_text,
    choices_constraint,
    http_url_constraint,
    http_url_validator,
    length_constraint,
    no_control_characters,
    within_date_bounds,
)
from claims.models.claim import Claim
from claims.models.revisions import Revision, RevisionName
from claims.natural_keys import SlugNaturalKey, SlugNaturalKeyManager


def published_name(path, **naming):
    """
    The name readers see of a row, as the newest current revision naming it
    (`naming`: its filter, e.g. topic_slug=OuterRef("slug")) has it at `path`
    in its document: a rename shows once a revision publishes it. On a page
    in another language than the newsroom's, the newest current revision in
    the page's language gives it, where one of a claim readers see names it
    (a translation carries its original's listing columns): see claims.names.
    """
    newest = Revision.objects.current().filter(**naming).order_by("-first_published_at", "-id")
    original = Subquery(newest.values(name=KT(path))[:1])
    language = get_supported_language_variant(get_language() or settings.LANGUAGE_CODE)
    if language == settings.LANGUAGE_CODE:
        return original
    in_language = (
        Revision.objects.seen_by_readers(language)
        .filter(**naming)
        .order_by("-first_published_at", "-id")
    )
    return Coalesce(Subquery(in_language.values(name=KT(path))[:1]), original)


class Grouping(SlugNaturalKey):
    """A name rows are grouped under: an affiliation groups sources, a topic claims."""

    name = models.CharField(
        max_length=200, unique=True, validators=[no_control_characters], verbose_name=_("name")
    )
    slug = models.SlugField(max_length=200, unique=True, verbose_name=_("slug"))

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self):
        return self.name


class Affiliation(Grouping):
    """Who stands behind a source. Sources sharing one are not independent."""

    class Meta(Grouping.Meta):
        verbose_name = _("affiliation")
        verbose_name_plural = _("affiliations")


class TopicQuerySet(models.QuerySet):
    def public(self):
        """Topics readers may see: each files at least one current revision."""
        return self.filter(Exists(Revision.objects.current().filter(topic_slug=OuterRef("slug"))))

    def with_published_names(self):
        """Each topic with `published_name`, its name as readers see it (published_name())."""
        return self.annotate(
            published_name=published_name("document__topic__name", topic_slug=OuterRef("slug"))
        )


class Topic(Grouping):
    name = models.CharField(
        max_length=100, unique=True, validators=[no_control_characters], verbose_name=_("name")
    )
    slug = models.SlugField(max_length=100, unique=True, verbose_name=_("slug"))

    objects = SlugNaturalKeyManager.from_queryset(TopicQuerySet)()

    class Meta(Grouping.Meta):
        verbose_name = _("topic")
        verbose_name_plural = _("topics")


class SourceQuerySet(models.QuerySet):
    def public(self):
        """Sources readers may see: each is named by a current revision, as its
        claimant or on its evidence (source or origin)."""
        names = RevisionName.objects.filter(
            kind__in=[RevisionName.CLAIMANT, RevisionName.SOURCE],
            key=OuterRef("slug"),
            revision__is_current=True,
        )
        return self.filter(Exists(names))

    def public_claimants(self):
        """Sources readers see as the claimant of a current revision, each with
        `published_name`, its name as the newest of them has it."""
        return self.filter(
            Exists(Revision.objects.current().filter(claimant_slug=OuterRef("slug")))
        ).annotate(
            published_name=published_name(
                "document__claimant__name", claimant_slug=OuterRef("slug")
            )
        )


class Source(SlugNaturalKey):
    """A person or organisation that originates or relays information."""

    name = models.CharField(
        max_length=200, validators=[no_control_characters], verbose_name=_("name")
    )
    slug = models.SlugField(max_length=200, unique=True, verbose_name=_("slug"))
    kind = models.CharField(
        max_length=30, choices=SourceKind, default=SourceKind.OTHER, verbose_name=_("kind")
    )
    country = models.CharField(
        max_length=100, blank=True, validators=[no_control_characters], verbose_name=_("country")
    )
    url = models.URLField(
        _("URL"), blank=True, validators=[http_url_validator, no_control_characters]
    )
    reliability = models.CharField(
        max_length=1, choices=Reliability, default=Reliability.F, verbose_name=_("reliability")
    )
    affiliation = models.ForeignKey(
        Affiliation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sources",
        help_text=_("Sources with the same affiliation count as one origin."),
        verbose_name=_("affiliation"),
    )
    description = bounded_text(blank=True, limit=3_000, verbose_name=_("description"))

    objects = SlugNaturalKeyManager.from_queryset(SourceQuerySet)()

    class Meta:
        verbose_name = _("source")
        verbose_name_plural = _("sources")
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
        # A source's name, grade and affiliation are part of the record of
        # every claim it bears on. Locking those claims' rows (as a workflow
        # step does) makes this save and a step on one of them take turns, so
        # that a step checks its rule against, and publishes, the same rows.
        with transaction.atomic():
            if self.pk is not None:
                bears_on = Claim.objects.filter(
                    Q(claimant=self) | Q(evidence__source=self) | Q(evidence__origin=self)
                ).values("pk")
                list(Claim.objects.select_for_update().filter(pk__in=bears_on).values("pk"))
            super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("source_detail", args=[self.slug])

    @property
    def independence_key(self):
        """Sources with equal keys are not independent of each other."""
        if self.affiliation_id:
            return ("affiliation", self.affiliation_id)
        return ("source", self.pk)

    @property
    def independence_label(self):
        return self.affiliation.name if self.affiliation_id else self.name


class Article(SlugNaturalKey):
    """A published piece that carries claims."""

    title = models.CharField(
        max_length=300, validators=[no_control_characters], verbose_name=_("title")
    )
    slug = models.SlugField(max_length=200, unique=True, verbose_name=_("slug"))
    url = models.URLField(
        _("URL"), blank=True, validators=[http_url_validator, no_control_characters]
    )
    publisher = models.ForeignKey(
        Source,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="articles",
        verbose_name=_("publisher"),
    )
    published_on = models.DateField(
        null=True, blank=True, validators=[within_date_bounds], verbose_name=_("published on")
    )
    body = bounded_text(blank=True, limit=100_000, verbose_name=_("body"))

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        ordering = ["-published_on", "title"]
        constraints = [
            http_url_constraint("url", "claims_article_url_http"),
            length_constraint("body", 100_000, "claims_article_body_length"),
        ]

    def __str__(self):
        return self.title
