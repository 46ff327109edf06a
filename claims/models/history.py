"""
What happened to a claim: the audit trail of its steps (ReviewEvent), and the
corrections readers are shown when a published claim changes.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language_info, gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from claims.choices import Action, ClaimStatus, CorrectionKind, Withdrawal
from claims.constraints import (
    bounded_text,
    choices_constraint,
    length_constraint,
    within_date_bounds,
)
from claims.natural_keys import NaturalKeyManager

# The stored note of a translation's publication names its language in
# English words ("Published in Korean."), as the audit trail's other notes are
# written; the admin shows it in the reader's language (ReviewEvent.shown_note).
PUBLISHED_IN = gettext_noop("Published in %(language)s.")


def translation_publication_note(language):
    """The stored note of the step that publishes a translation into `language` (a code)."""
    return PUBLISHED_IN % {"language": get_language_info(language)["name"]}


class ReviewEventManager(NaturalKeyManager):
    key_lookups = ("claim__slug", "version")


class ReviewEvent(models.Model):
    """Append-only audit row, written in the same transaction as its transition."""

    claim = models.ForeignKey(
        "claims.Claim", on_delete=models.PROTECT, related_name="events", verbose_name=_("claim")
    )
    version = models.PositiveIntegerField(
        help_text=_("The claim's version after this event."), verbose_name=_("version")
    )
    action = models.CharField(max_length=20, choices=Action, verbose_name=_("action"))
    from_status = models.CharField(
        max_length=20, choices=ClaimStatus, verbose_name=_("from status")
    )
    to_status = models.CharField(max_length=20, choices=ClaimStatus, verbose_name=_("to status"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="review_events",
        verbose_name=_("actor"),
    )
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("created at"))
    note = bounded_text(
        _("internal note"),
        blank=True,
        limit=5_000,
        help_text=_("The audit trail only: never shown to readers."),
    )
    public_note = bounded_text(
        blank=True,
        limit=2_000,
        help_text=_("Shown to readers in the claim's public review timeline."),
        verbose_name=_("public note"),
    )
    withdrawal = models.CharField(
        max_length=10,
        choices=Withdrawal,
        blank=True,
        help_text="An Unpublish step's: what readers find at the verdict's address.",
        verbose_name=_("withdrawal"),
    )
    revision_digest = models.CharField(
        max_length=64,
        blank=True,
        editable=False,
        help_text=_("The digest of the revision this step published, if it published one."),
        verbose_name=_("revision digest"),
    )

    objects = ReviewEventManager()

    class Meta:
        verbose_name = _("review event")
        verbose_name_plural = _("review events")
        ordering = ["created_at", "version"]
        constraints = [
            choices_constraint("action", Action, "claims_reviewevent_action_valid"),
            choices_constraint("from_status", ClaimStatus, "claims_reviewevent_from_valid"),
            choices_constraint("to_status", ClaimStatus, "claims_reviewevent_to_valid"),
            models.CheckConstraint(
                condition=Q(withdrawal="")
                | Q(action=Action.UNPUBLISH, withdrawal__in=Withdrawal.values),
                name="claims_reviewevent_withdrawal_on_unpublish",
            ),
            models.UniqueConstraint(
                fields=["claim", "version"], name="claims_reviewevent_unique_version"
            ),
            length_constraint("note", 5_000, "claims_reviewevent_note_length"),
            length_constraint("public_note", 2_000, "claims_reviewevent_public_note_length"),
        ]

    def __str__(self):
        return f"{self.claim}: {self.get_action_display()}"

    def shown_note(self):
        """
        The internal note in the admin's language where it is one the desk
        wrote itself: a translation's publication, whether stored as
        translation_publication_note writes it or, before it, with the
        language's code ("Published in ko."). Any other note is as typed.
        """
        if self.action == Action.PUBLISH_TRANSLATION:
            for code, _name in settings.LANGUAGES:
                if self.note in (translation_publication_note(code), f"Published in {code}."):
                    name = get_language_info(code)["name_translated"]
                    return gettext(PUBLISHED_IN) % {"language": name}
        return self.note

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


class CorrectionManager(NaturalKeyManager):
    key_lookups = ("claim__slug", "published_at")


class Correction(models.Model):
    """A public note on a published claim."""

    claim = models.ForeignKey(
        "claims.Claim",
        on_delete=models.PROTECT,
        related_name="corrections",
        verbose_name=_("claim"),
    )
    kind = models.CharField(
        max_length=20, choices=CorrectionKind, default=CorrectionKind.UPDATE, verbose_name=_("kind")
    )
    # Room for a public note (2,000 characters) and the verdict change it explains.
    note = bounded_text(limit=2_500, verbose_name=_("note"))
    published_at = models.DateTimeField(
        default=timezone.now, validators=[within_date_bounds], verbose_name=_("published at")
    )

    objects = CorrectionManager()

    class Meta:
        verbose_name = _("correction")
        verbose_name_plural = _("corrections")
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
        if self.claim_id and not self.claim.is_published:
            raise ValidationError(
                {"claim": "Corrections are public notes: publish the claim first."}
            )

    def natural_key(self):
        return (*self.claim.natural_key(), self.published_at.isoformat())

    natural_key.dependencies = ["claims.claim"]
