"""
What a verdict rests on: the evidence bearing on a claim, and the caveats
saying what we don't know. On a published claim, changing them is drafting:
readers see them as the claim's last published revision holds them.
"""

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from claims.choices import CaveatKind, Credibility, Stance
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
from claims.natural_keys import NaturalKeyManager


class ClaimAttachment(models.Model):
    """
    A row a verdict rests on (an item of evidence, a caveat). Its writes take
    the claim's row lock, as a workflow step does, so that a step checks its
    rule against, and publishes, the same rows.
    """

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        with transaction.atomic():
            Claim.objects.select_for_update().filter(pk=self.claim_id).exists()
            super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        with transaction.atomic():
            Claim.objects.select_for_update().filter(pk=self.claim_id).exists()
            return super().delete(*args, **kwargs)


class EvidenceQuerySet(models.QuerySet):
    def with_origins(self):
        """With what independent_origins() reads: sources, origins, affiliations."""
        return self.select_related("source__affiliation", "origin__affiliation")


class EvidenceManager(NaturalKeyManager.from_queryset(EvidenceQuerySet)):
    key_lookups = ("claim__slug", "source__slug", "title")


class Evidence(ClaimAttachment):
    """One item bearing on one claim."""

    claim = models.ForeignKey(
        "claims.Claim", on_delete=models.CASCADE, related_name="evidence", verbose_name=_("claim")
    )
    source = models.ForeignKey(
        "claims.Source",
        on_delete=models.PROTECT,
        related_name="evidence_published",
        help_text=_("Who published this item."),
        verbose_name=_("source"),
    )
    origin = models.ForeignKey(
        "claims.Source",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="evidence_originated",
        help_text=_("Whom the item relies on. Leave empty when it is first-hand."),
        verbose_name=_("origin"),
    )
    stance = models.CharField(max_length=20, choices=Stance, verbose_name=_("stance"))
    title = models.CharField(
        max_length=300, validators=[no_control_characters], verbose_name=_("title")
    )
    url = models.URLField(
        _("URL"), blank=True, validators=[http_url_validator, no_control_characters]
    )
    archive_url = models.URLField(
        _("archived URL"), blank=True, validators=[http_url_validator, no_control_characters]
    )
    excerpt = bounded_text(
        blank=True,
        limit=5_000,
        help_text=_("The passage quoted, word for word."),
        verbose_name=_("excerpt"),
    )
    published_on = models.DateField(
        null=True, blank=True, validators=[within_date_bounds], verbose_name=_("published on")
    )
    accessed_on = models.DateField(
        null=True, blank=True, validators=[within_date_bounds], verbose_name=_("accessed on")
    )
    credibility = models.PositiveSmallIntegerField(
        choices=Credibility, default=Credibility.CANNOT_BE_JUDGED, verbose_name=_("credibility")
    )
    note = bounded_text(
        blank=True,
        limit=2_000,
        help_text=_("Shown to readers under the item on the verdict page."),
        verbose_name=_("note"),
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="evidence_added",
        verbose_name=_("added by"),
    )
    added_at = models.DateTimeField(
        default=timezone.now, editable=False, verbose_name=_("added at")
    )

    objects = EvidenceManager()

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
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


class CaveatManager(NaturalKeyManager):
    key_lookups = ("claim__slug", "text")


class Caveat(ClaimAttachment):
    """One 'what we don't know' point on a claim."""

    claim = models.ForeignKey(
        "claims.Claim", on_delete=models.CASCADE, related_name="caveats", verbose_name=_("claim")
    )
    kind = models.CharField(max_length=20, choices=CaveatKind, verbose_name=_("kind"))
    text = models.CharField(
        max_length=500, validators=[no_control_characters], verbose_name=_("text")
    )

    objects = CaveatManager()

    class Meta:
        verbose_name = _("caveat")
        verbose_name_plural = _("caveats")
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
