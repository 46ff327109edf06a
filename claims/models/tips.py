"""
What readers send the desk, and what the desk sends them: tips (claims to
check), correction requests on published verdicts, the email addresses of
readers who asked to hear back, the submitters the desk has banned, and every
email queued for delivery.

Nothing here is ever shown on a public page: a tip's text, an address and a
submitter's hash stay in the admin. A submitter is known only by a salted
hash of their address (claims.abuse), its salt replaced every
TIP_SALT_ROTATION_DAYS and the old ones deleted.
"""

from django.conf import settings
from django.db import models, transaction
from django.db.models import F, Q
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from claims.choices import RequestState, TipState
from claims.constraints import (
    bounded_text,
    choices_constraint,
    http_url_constraint,
    http_url_validator,
    length_constraint,
    no_control_characters,
    text_allowed_constraint,
)
from claims.models.claim import Claim

TIP_TEXT_LIMIT = 2_000
REQUEST_TEXT_LIMIT = 3_000
URL_LIMIT = 500


# Sent with `claims` (ids) when tips on them change through update(), which
# sends no post_save: their verdict pages count the readers asking, and the
# cache (claims.page_versions) retires them. Sent before a change taking tips
# off their claims and after one putting them on.
counted_tips_changed = Signal()


def announce_counted_tips(tips):
    """Send counted_tips_changed for the claims `tips` (a queryset, as it stands) are on."""
    claims = set(tips.filter(state=TipState.ON_CLAIM).values_list("claim", flat=True))
    if claims:
        counted_tips_changed.send(sender=Tip, claims=claims, using=tips.db)


class SubmitterSalt(models.Model):
    """The salt submitters' addresses are hashed with during one period of days."""

    period = models.PositiveIntegerField(unique=True, verbose_name=_("period"))
    # Made by the desk, never typed: see claims.abuse.
    salt = models.CharField(max_length=64, editable=False, verbose_name=_("salt"))
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("created at"))

    def __str__(self):
        return f"salt of period {self.period}"


class BannedSubmitter(models.Model):
    """A submitter (by hash) whose tips and requests are quarantined, silently."""

    submitter = models.CharField(
        max_length=64, unique=True, editable=False, verbose_name=_("submitter")
    )
    banned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, verbose_name=_("banned by")
    )
    banned_at = models.DateTimeField(default=timezone.now, verbose_name=_("banned at"))

    def __str__(self):
        return f"submitter {self.submitter[:12]}…"

    @classmethod
    def ban(cls, submitter, *, by):
        """Ban `submitter` and quarantine everything they sent; returns how many rows."""
        with transaction.atomic():
            cls.objects.get_or_create(submitter=submitter, defaults={"banned_by": by})
            # Their tips no longer count on the verdict pages of the claims they are on.
            announce_counted_tips(Tip.objects.filter(submitter=submitter))
            tips = Tip.objects.filter(submitter=submitter).update(state=TipState.QUARANTINED)
            requests = CorrectionRequest.objects.filter(submitter=submitter).update(
                state=RequestState.QUARANTINED
            )
        return tips + requests

    @classmethod
    def is_banned(cls, submitter):
        return cls.objects.filter(submitter=submitter).exists()


class Tip(models.Model):
    """
    A claim readers asked the desk to check. Readers asking the same thing
    (the same normalised text, `text_key`) share one tip: each adds one to
    `readers_asking`, which orders the desk's queue.
    """

    text = bounded_text("claim to check", limit=TIP_TEXT_LIMIT)
    text_key = models.CharField(
        max_length=64, unique=True, editable=False, verbose_name=_("text key")
    )
    where_seen = models.URLField(
        "where it was seen",
        max_length=URL_LIMIT,
        blank=True,
        validators=[http_url_validator, no_control_characters],
    )
    language = models.CharField(max_length=10, editable=False, verbose_name=_("language"))
    readers_asking = models.PositiveIntegerField(
        default=1, editable=False, verbose_name=_("readers asking")
    )
    submitter = models.CharField(max_length=64, editable=False, verbose_name=_("submitter"))
    state = models.CharField(
        max_length=20, choices=TipState, default=TipState.NEW, verbose_name=_("state")
    )
    claim = models.ForeignKey(
        Claim,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tips",
        verbose_name=_("claim"),
    )
    created_at = models.DateTimeField(
        default=timezone.now, editable=False, verbose_name=_("created at")
    )
    last_asked_at = models.DateTimeField(
        default=timezone.now, editable=False, verbose_name=_("last asked at")
    )

    class Meta:
        verbose_name = _("tip")
        verbose_name_plural = _("tips")
        ordering = ["-readers_asking", "-last_asked_at"]
        permissions = [("ban_tip", "Can ban the submitter of a tip or request")]
        constraints = [
            choices_constraint("state", TipState, "claims_tip_state_valid"),
            models.CheckConstraint(
                condition=Q(readers_asking__gte=1), name="claims_tip_readers_asking_positive"
            ),
            models.CheckConstraint(
                condition=~Q(state=TipState.ON_CLAIM) | Q(claim__isnull=False),
                name="claims_tip_on_claim_has_claim",
            ),
            http_url_constraint("where_seen", "claims_tip_where_seen_http"),
            length_constraint("text", TIP_TEXT_LIMIT, "claims_tip_text_length"),
            text_allowed_constraint("text", "claims_tip_text_allowed"),
        ]
        indexes = [
            models.Index(
                fields=["-readers_asking", "-last_asked_at"],
                name="claims_tip_queue",
                condition=Q(state=TipState.NEW),
            ),
            models.Index(fields=["submitter"], name="claims_tip_submitter"),
        ]

    def __str__(self):
        return self.text[:80]

    @classmethod
    def receive(cls, *, text, text_key, where_seen, language, submitter, quarantined):
        """
        Store a reader's tip, or add one to the readers asking for the same
        text. A quarantined submitter's tip is kept, out of the queue, and
        never counts as a reader asking. Returns the tip.
        """
        now = timezone.now()
        with transaction.atomic():
            tip, created = cls.objects.select_for_update().get_or_create(
                text_key=text_key,
                defaults={
                    "text": text,
                    "where_seen": where_seen,
                    "language": language,
                    "submitter": submitter,
                    "state": TipState.QUARANTINED if quarantined else TipState.NEW,
                    "created_at": now,
                    "last_asked_at": now,
                },
            )
            if not created and not quarantined:
                updates = {"readers_asking": F("readers_asking") + 1, "last_asked_at": now}
                if not tip.where_seen and where_seen:
                    updates["where_seen"] = where_seen
                tips = cls.objects.filter(pk=tip.pk)
                tips.update(**updates)
                # Its claim's verdict page counts one more reader asking.
                announce_counted_tips(tips)
        return tip

    def attach(self, claim):
        """Put the tip on `claim`: its readers hear about that claim from now on."""
        tips = Tip.objects.filter(pk=self.pk)
        with transaction.atomic():
            # The pages of the claim it leaves, and of the one it joins, count its readers.
            announce_counted_tips(tips)
            tips.update(claim=claim, state=TipState.ON_CLAIM)
            announce_counted_tips(tips)
        self.claim, self.state = claim, TipState.ON_CLAIM

    def headline_suggestion(self):
        """The tip's text cut to a headline's 75 characters, at a word."""
        text = " ".join(self.text.split())
        if len(text) <= 75:
            return text
        return text[:74].rsplit(" ", 1)[0] + "…"


class CorrectionRequest(models.Model):
    """A reader's report of an error on a published verdict, in the desk's queue."""

    claim = models.ForeignKey(
        Claim, on_delete=models.CASCADE, related_name="correction_requests", verbose_name=_("claim")
    )
    text = bounded_text("what is wrong", limit=REQUEST_TEXT_LIMIT)
    evidence_url = models.URLField(
        "evidence",
        max_length=URL_LIMIT,
        blank=True,
        validators=[http_url_validator, no_control_characters],
    )
    language = models.CharField(max_length=10, editable=False, verbose_name=_("language"))
    submitter = models.CharField(max_length=64, editable=False, verbose_name=_("submitter"))
    state = models.CharField(
        max_length=20, choices=RequestState, default=RequestState.OPEN, verbose_name=_("state")
    )
    response_note = bounded_text(
        "note",
        limit=2_000,
        blank=True,
        help_text="What the desk decided and why (required to decline).",
    )
    revision = models.ForeignKey(
        "claims.Revision",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="correction_requests",
        help_text="The published revision that corrected the verdict (required to accept).",
        verbose_name=_("revision"),
    )
    created_at = models.DateTimeField(
        default=timezone.now, editable=False, verbose_name=_("created at")
    )
    answered_at = models.DateTimeField(
        null=True, blank=True, editable=False, verbose_name=_("answered at")
    )
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        editable=False,
        verbose_name=_("answered by"),
    )

    class Meta:
        verbose_name = _("correction request")
        verbose_name_plural = _("correction requests")
        ordering = ["created_at"]
        constraints = [
            choices_constraint("state", RequestState, "claims_correctionrequest_state_valid"),
            models.CheckConstraint(
                condition=~Q(state=RequestState.ACCEPTED) | Q(revision__isnull=False),
                name="claims_correctionrequest_accepted_has_revision",
            ),
            models.CheckConstraint(
                condition=~Q(state=RequestState.DECLINED) | ~Q(response_note=""),
                name="claims_correctionrequest_declined_has_note",
            ),
            http_url_constraint("evidence_url", "claims_correctionrequest_evidence_url_http"),
            length_constraint("text", REQUEST_TEXT_LIMIT, "claims_correctionrequest_text_length"),
            length_constraint(
                "response_note", 2_000, "claims_correctionrequest_response_note_length"
            ),
            text_allowed_constraint("text", "claims_correctionrequest_text_allowed"),
        ]

    def __str__(self):
        return f"On {self.claim}: {self.text[:60]}"


class ReaderAddress(models.Model):
    """
    A reader's email address, given to hear about a tip's claim or a
    claim they asked to correct (and the desk's answer to their request),
    and the language to write in. Deleted READER_EMAIL_RETENTION_DAYS after
    its last use, or at once when the reader unsubscribes.
    """

    email = models.EmailField(validators=[no_control_characters], verbose_name=_("email"))
    language = models.CharField(max_length=10, editable=False, verbose_name=_("language"))
    tip = models.ForeignKey(
        Tip,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="addresses",
        verbose_name=_("tip"),
    )
    claim = models.ForeignKey(
        Claim,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="reader_addresses",
        verbose_name=_("claim"),
    )
    # The correction request the reader gave it with: they hear the desk's answer.
    request = models.ForeignKey(
        CorrectionRequest,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="addresses",
        verbose_name=_("correction request"),
    )
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("created at"))
    last_used_at = models.DateTimeField(default=timezone.now, verbose_name=_("last used at"))

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(tip__isnull=False) | Q(claim__isnull=False),
                name="claims_readeraddress_about_something",
            )
        ]
        indexes = [models.Index(fields=["last_used_at"], name="claims_readeraddress_last_use")]

    def __str__(self):
        return f"reader address {self.pk}"


class Notification(models.Model):
    """
    One email to one person, written when it is queued and delivered by the
    worker. `key` names what it is about and for whom, so the same news is
    never queued twice; `sent_at` is set in the transaction that sent it, so
    a retry never sends it again, and a failed send leaves it to be retried.
    """

    key = models.CharField(max_length=200, unique=True, editable=False, verbose_name=_("key"))
    recipient = models.EmailField(validators=[no_control_characters], verbose_name=_("recipient"))
    to_reader = models.BooleanField(default=False, verbose_name=_("to reader"))
    subject = models.CharField(max_length=200, editable=False, verbose_name=_("subject"))
    body = bounded_text(limit=20_000, verbose_name=_("body"))
    unsubscribe_url = models.URLField(
        max_length=1000, blank=True, editable=False, verbose_name=_("unsubscribe url")
    )
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("created at"))
    sent_at = models.DateTimeField(null=True, blank=True, verbose_name=_("sent at"))
    attempts = models.PositiveIntegerField(default=0, verbose_name=_("attempts"))
    last_error = bounded_text(blank=True, limit=1_000, verbose_name=_("last error"))

    class Meta:
        constraints = [
            length_constraint("body", 20_000, "claims_notification_body_length"),
            length_constraint("last_error", 1_000, "claims_notification_last_error_length"),
        ]
        indexes = [
            models.Index(
                fields=["created_at"], name="claims_notification_unsent", condition=Q(sent_at=None)
            )
        ]

    def __str__(self):
        return self.key
