"""
The emails the desk sends, written when they are queued and delivered by the
task worker (claims.tasks): what each is, who gets it, and delivering it once.

- Reviewers hear when a claim awaits review; publishers when a verdict
  awaits publication. Nobody is told of a step they took themselves.
- The staff who enter claims get a daily digest of claims past their
  review-by date.
- Readers who left an address hear when the claim they asked about is
  published, and when it is corrected, and how the desk answered the
  correction request they sent, in the language they wrote in, with a
  signed one-click unsubscribe (a link and List-Unsubscribe headers).

Each email is a Notification row whose key says what it is about and for
whom, so that the same news queued twice is one email. It is sent under a
lock on its row and marked sent in the same transaction, so a retry never
sends it again; a failed send is left unsent, to be retried (deliver).
Addresses are deleted READER_EMAIL_RETENTION_DAYS after their last use
(forget_reader_addresses).
"""

import email.policy
import logging
import smtplib
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.mail import EmailMessage
from django.db import connection, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from claims.choices import Action, ClaimStatus, RequestState, TipState
from claims.languages import address_in, supported_language
from claims.models import Claim, Notification, ReaderAddress, Revision
from claims.permissions import PUBLISHER, REVIEWER, told_of_overdue_claims, told_of_step

logger = logging.getLogger(__name__)

UNSUBSCRIBE_SALT = "claims.notifications.unsubscribe"
# The longest wait between two tries of one email.
LONGEST_RETRY = timedelta(hours=6)


def site_url(path):
    return f"{settings.SITE_URL}{path}"


def unsubscribe_url(address):
    token = signing.dumps(address.pk, salt=UNSUBSCRIBE_SALT)
    return site_url(reverse("unsubscribe", args=[token]))


def queue(key, recipient, template, context, *, to_reader=False, unsubscribe=""):
    """
    The Notification for `key`, written from `template` (its first line the
    subject), or None when one with that key was queued before.
    """
    text = render_to_string(template, {**context, "unsubscribe_url": unsubscribe})
    subject, _, body = text.strip().partition("\n")
    notification, created = Notification.objects.get_or_create(
        key=key,
        defaults={
            "recipient": recipient,
            "to_reader": to_reader,
            "subject": subject.strip()[:200],
            "body": body.strip() + "\n",
            "unsubscribe_url": unsubscribe,
        },
    )
    return notification if created else None


# The desk's own staff.


def awaited_role(event):
    """The role whose step the claim awaits after `event`, or None."""
    if event.to_status == ClaimStatus.IN_REVIEW and event.from_status != ClaimStatus.IN_REVIEW:
        return REVIEWER
    verdict = event.to_status in ClaimStatus.verdicts() and event.action != Action.PUBLISH
    if verdict and not event.claim.is_published:
        return PUBLISHER
    return None


def staff_told(role, *, besides):
    """The staff told when a claim awaits `role`: never `besides`, whose step it was."""
    users = get_user_model().objects.filter(is_active=True).exclude(email="")
    return [user for user in users.exclude(pk=besides).order_by("pk") if told_of_step(user, role)]


def step_notifications(event):
    """Emails to the staff whose step the claim awaits after `event`."""
    role = awaited_role(event)
    if role is None:
        return []
    claim = event.claim
    context = {
        "claim": claim,
        "role": role,
        "awaits": "review" if role == REVIEWER else "publication",
        "actor": event.actor,
        "admin_url": site_url(reverse("admin:claims_claim_change", args=[claim.pk])),
    }
    with translation.override(settings.LANGUAGE_CODE):
        found = [
            queue(f"step:{event.pk}:{user.pk}", user.email, "claims/email/awaits.txt", context)
            for user in staff_told(role, besides=event.actor_id)
        ]
    return [notification for notification in found if notification]


def overdue_digest(day):
    """The digest of claims whose review-by date is before `day`, to each who enters claims."""
    overdue = list(Claim.objects.filter(review_by__lt=day).order_by("review_by", "pk"))
    if not overdue:
        return []
    users = get_user_model().objects.filter(is_active=True).exclude(email="").order_by("pk")
    context = {
        "day": day,
        "claims": [
            (claim, site_url(reverse("admin:claims_claim_change", args=[claim.pk])))
            for claim in overdue
        ],
    }
    with translation.override(settings.LANGUAGE_CODE):
        found = [
            queue(
                f"digest:{day.isoformat()}:{user.pk}",
                user.email,
                "claims/email/digest.txt",
                context,
            )
            for user in users
            if told_of_overdue_claims(user)
        ]
    return [notification for notification in found if notification]


# Readers.


def readers_of(claim):
    """The addresses readers left to hear about `claim`: through a tip on it, or a request."""
    return ReaderAddress.objects.filter(
        Q(tip__claim=claim, tip__state=TipState.ON_CLAIM) | Q(claim=claim)
    ).order_by("pk")


def verdict_in(revision, language):
    """
    The headline and address of the verdict `revision` (a current original)
    for a reader of `language`: its page in that language where the claim is
    published in it, else its page in the language it was made in, which
    holds the whole verdict (a page in another language would only say it
    is not published there).
    """
    shown = revision
    if language != revision.language:
        shown = (
            Revision.objects.current_translations(language)
            .filter(claim=revision.claim_id)
            .only("slug", "language", "document")
            .first()
        )
        if shown is None:
            shown, language = revision, revision.language
    return {
        "headline": shown.document["headline"],
        "verdict_url": site_url(address_in(language, "claim_detail", [revision.slug])),
    }


def reader_notifications(claim, addresses, *, corrected_by=None):
    """
    Tell `addresses` that `claim` is published, or, given `corrected_by`
    (the event that corrected it), that it was corrected. Each address hears
    of a claim's publication once, and of each correction once.
    """
    revision = claim.current_revision()
    if revision is None:
        return []
    kind = "corrected" if corrected_by else "published"
    found = []
    for address in addresses:
        key = f"reader:{kind}:{claim.pk}:{address.pk}"
        if corrected_by:
            key += f":{corrected_by.pk}"
        language = supported_language(address.language)
        with translation.override(language):
            context = {
                **verdict_in(revision, language),
                "correction": corrected_by.public_note if corrected_by else "",
            }
            notification = queue(
                key,
                address.email,
                f"claims/email/reader_{kind}.txt",
                context,
                to_reader=True,
                unsubscribe=unsubscribe_url(address),
            )
        if notification:
            found.append(notification)
            ReaderAddress.objects.filter(pk=address.pk).update(last_used_at=timezone.now())
    return found


def readers_told_of_answer(correction_request):
    """
    Tell the reader who left an address with `correction_request` how the
    desk answered it: the state, the desk's note and the verdict's address,
    in their language. Each answer is told once; an answer changed later
    (declined, then accepted) is told again.
    """
    state = correction_request.state
    if state not in RequestState.closed():
        return []
    revision = correction_request.claim.current_revision()
    if revision is None:
        return []
    found = []
    for address in correction_request.addresses.order_by("pk"):
        language = supported_language(address.language)
        with translation.override(language):
            notification = queue(
                f"reader:answer:{correction_request.pk}:{state}:{address.pk}",
                address.email,
                "claims/email/reader_answer.txt",
                {
                    **verdict_in(revision, language),
                    "state": state,
                    "note": correction_request.response_note,
                },
                to_reader=True,
                unsubscribe=unsubscribe_url(address),
            )
        if notification:
            found.append(notification)
            ReaderAddress.objects.filter(pk=address.pk).update(last_used_at=timezone.now())
    return found


def readers_told_of_step(event, corrected):
    """Emails to readers about `event`'s claim: published by it, or corrected by it."""
    claim = event.claim
    if not claim.is_published:
        return []
    if event.action == Action.PUBLISH:
        return reader_notifications(claim, readers_of(claim))
    if corrected:
        return reader_notifications(claim, readers_of(claim), corrected_by=event)
    return []


def readers_told_of_tip(tip):
    """A tip put on a claim already published: its readers hear of the verdict now."""
    if tip.claim is None or not tip.claim.is_published or tip.state != TipState.ON_CLAIM:
        return []
    return reader_notifications(tip.claim, tip.addresses.order_by("pk"))


# Delivery.


class DeskEmail(EmailMessage):
    """
    An email whose headers are never encoded to fit 78 columns: an address
    in List-Unsubscribe must stay as it is (RFC 2369), and a signed one is
    longer than that. RFC 5322 allows lines of up to 998 characters.
    """

    def message(self, *, policy=email.policy.default):
        return super().message(policy=policy.clone(max_line_length=998))


def message(notification):
    headers = {}
    if notification.unsubscribe_url:
        headers = {
            "List-Unsubscribe": f"<{notification.unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        }
    return DeskEmail(
        subject=notification.subject,
        body=notification.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[notification.recipient],
        headers=headers,
    )


def deliver(notification_id):
    """
    Send one queued email unless it was sent already or is being sent by
    another worker (its row locked). True when sent, False when the send
    failed (it stays unsent, its attempt and error recorded), None when
    there was nothing to send.
    """
    lock = {"skip_locked": True} if connection.features.has_select_for_update_skip_locked else {}
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(**lock)
            .filter(pk=notification_id, sent_at=None)
            .first()
        )
        if notification is None:
            return None
        notification.attempts += 1
        try:
            message(notification).send()
        except (smtplib.SMTPException, OSError) as error:
            logger.warning("Email %s not sent, to be retried: %s", notification.key, error)
            notification.last_error = str(error)[:1000]
            notification.save(update_fields=["attempts", "last_error"])
            return False
        notification.sent_at = timezone.now()
        notification.last_error = ""
        notification.save(update_fields=["attempts", "last_error", "sent_at"])
    return True


def retry_delay(attempts):
    """How long to wait before trying an email again after `attempts` failed tries."""
    delay = timedelta(seconds=settings.NOTIFICATION_RETRY_SECONDS * 2 ** max(attempts - 1, 0))
    return min(delay, LONGEST_RETRY)


def unsent(older_than):
    """Emails still unsent after `older_than`: for the daily sweep to queue again."""
    return Notification.objects.filter(
        sent_at=None, created_at__lt=timezone.now() - older_than
    ).values_list("pk", flat=True)


def forget_reader_addresses(now=None):
    """
    Delete every reader's address not used for READER_EMAIL_RETENTION_DAYS,
    with the emails sent to it. Returns how many addresses.
    """
    cutoff = (now or timezone.now()) - timedelta(days=settings.READER_EMAIL_RETENTION_DAYS)
    with transaction.atomic():
        forgotten, _ = ReaderAddress.objects.filter(last_used_at__lt=cutoff).delete()
        Notification.objects.filter(to_reader=True, created_at__lt=cutoff).delete()
    return forgotten
