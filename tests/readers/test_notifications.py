"""
The desk hears about its work, and readers about their claims, by email from
the task worker: reviewers of claims awaiting review, publishers of verdicts
awaiting publication, never of their own step; the daily digest of claims
past their review-by date; readers of their claim published and corrected,
with a one-click unsubscribe; their addresses forgotten in time.
"""

import re
from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation
from django_tasks_db.models import DBTaskResult

from claims import notifications
from claims.choices import Action, CaveatKind
from claims.models import Caveat, Claim, Notification, ReaderAddress, Tip
from claims.notifications import unsubscribe_url
from claims.tasks import daily_round, deliver_email, schedule_daily_round, tell_readers_of_tip
from tests.factories import make_claim, make_user, run_worker, send_tip
from tests.seed import CLAIM


def with_email(user):
    user.email = f"{user.username}@desk.example"
    user.save(update_fields=["email"])
    return user


@pytest.fixture
def cast(db, editor, reviewer, publisher):
    """The desk with addresses: an editor, a reviewer, two publishers."""
    other = make_user("second-publisher", "Publishers")
    return [with_email(person) for person in (editor, reviewer, publisher, other)]


@pytest.fixture
def steps(django_capture_on_commit_callbacks):
    """Each workflow step committed (its emails queued), then the worker run."""

    def take(claim, action, by, **notes):
        with django_capture_on_commit_callbacks(execute=True):
            Claim.objects.get(pk=claim.pk).transition(action, by=by, **notes)
        run_worker()
        return Claim.objects.get(pk=claim.pk)

    return take


def rated_claim(editor, **fields):
    """A claim ready for an unverifiable rating: a caveat says why."""
    claim = make_claim(editor, verdict_summary="We could not check it.", **fields)
    Caveat.objects.create(claim=claim, kind=CaveatKind.UNVERIFIABLE, text="No one can see it.")
    return claim


def recipients():
    return sorted(address for message in mail.outbox for address in message.to)


def test_reviewers_are_told_a_claim_awaits_review_and_nobody_of_their_own_step(cast, steps):
    editor, reviewer, publisher, other = cast
    claim = rated_claim(editor)
    steps(claim, Action.START_REVIEW, by=publisher)
    # Reviewers and publishers may review; the publisher who started it is not told.
    assert recipients() == [reviewer.email, other.email]
    message = mail.outbox[0]
    assert message.subject == f"Awaits review: {claim.headline}"
    assert reverse("admin:claims_claim_change", args=[claim.pk]) in message.body
    assert Notification.objects.filter(sent_at__isnull=False).count() == 2


def test_publishers_are_told_a_verdict_awaits_publication(cast, steps):
    editor, reviewer, publisher, other = cast
    claim = steps(rated_claim(editor), Action.START_REVIEW, by=editor)
    mail.outbox.clear()
    steps(claim, Action.MARK_UNVERIFIABLE, by=publisher)
    assert recipients() == [other.email]
    assert mail.outbox[0].subject.startswith("Verdict awaits publication:")


def test_readers_hear_once_when_their_claim_is_published_and_again_when_corrected(
    cast, steps, client
):
    editor, reviewer, publisher, other = cast
    send_tip(client, claim="Is it true?", email="reader@example.com")
    claim = steps(rated_claim(editor), Action.START_REVIEW, by=editor)
    claim = steps(claim, Action.MARK_UNVERIFIABLE, by=reviewer)
    Tip.objects.get().attach(claim)
    mail.outbox.clear()

    claim = steps(claim, Action.PUBLISH, by=publisher)
    [message] = [message for message in mail.outbox if message.to == ["reader@example.com"]]
    assert message.subject == f"Our verdict is out: {claim.headline}"
    assert f"http://127.0.0.1:8000/claims/{claim.slug}/" in message.body
    unsubscribe = re.search(r"http://127\.0\.0\.1:8000(/unsubscribe/[^/\s]+/)", message.body)
    assert message.extra_headers["List-Unsubscribe"] == f"<{unsubscribe[0]}>"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    mail.outbox.clear()
    Claim.objects.filter(pk=claim.pk).update(verdict_summary="We could not check it, still.")
    steps(claim, Action.PUBLISH_CHANGES, by=other, public_note="We clarified the summary.")
    [message] = mail.outbox
    assert message.to == ["reader@example.com"]
    assert message.subject == f"We corrected our verdict: {claim.headline}"
    assert "We clarified the summary." in message.body
    run_worker()
    assert len(mail.outbox) == 1
    assert Notification.objects.filter(to_reader=True, sent_at__isnull=False).count() == 2


def test_the_unsubscribe_link_asks_once_then_deletes_the_address(db, client):
    send_tip(client, claim="Is it true?", email="reader@example.com")
    address = ReaderAddress.objects.get()
    path = re.sub(r"^https?://[^/]+", "", unsubscribe_url(address))
    assert client.get(path).status_code == 200
    assert ReaderAddress.objects.count() == 1
    response = client.post(path)
    assert "deleted your email address" in response.text
    assert ReaderAddress.objects.count() == 0
    assert client.post("/unsubscribe/forged-token/").status_code == 404


def test_a_tip_put_on_a_published_claim_tells_its_readers_at_once(
    seed, cast, client, django_capture_on_commit_callbacks
):
    send_tip(client, claim="Is it true?", email="reader@example.com")
    tip = Tip.objects.get()
    kursk = Claim.objects.get(slug=CLAIM.kursk)
    client.force_login(cast[0])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("admin:claims_tip_change", args=[tip.pk]), {"state": "new", "claim": kursk.pk}
        )
    run_worker()
    assert recipients() == ["reader@example.com"]
    assert f"/claims/{CLAIM.kursk}/" in mail.outbox[0].body


def test_the_daily_digest_lists_claims_past_their_review_by_date_once_a_day(cast):
    editor, reviewer, publisher, other = cast
    yesterday = timezone.localdate() - timedelta(days=1)
    overdue = make_claim(editor, review_by=yesterday)
    make_claim(editor, review_by=yesterday + timedelta(days=30))
    daily_round.call()
    run_worker()
    assert recipients() == sorted(person.email for person in cast)
    assert overdue.headline in mail.outbox[0].body
    assert mail.outbox[0].subject == "1 claim past its review-by date"
    mail.outbox.clear()
    daily_round.call()
    run_worker()
    assert mail.outbox == []


def test_the_daily_round_is_queued_once_at_its_hour(db, settings):
    settings.DAILY_TASKS_HOUR = 6
    assert schedule_daily_round() is True
    assert schedule_daily_round() is False
    waiting = DBTaskResult.objects.get(task_path="claims.tasks.daily_round")
    assert waiting.run_after.hour == 6
    assert waiting.run_after > timezone.now()


def test_make_run_queues_the_daily_round_with_a_command_that_may_run_again(db):
    output = StringIO()
    call_command("schedule_daily_tasks", stdout=output)
    call_command("schedule_daily_tasks", stdout=output)
    assert output.getvalue().splitlines() == [
        "The daily round is queued.",
        "The daily round was queued already.",
    ]
    assert DBTaskResult.objects.filter(task_path="claims.tasks.daily_round").count() == 1


def test_addresses_are_deleted_a_set_time_after_their_last_use(db, client, settings):
    settings.READER_EMAIL_RETENTION_DAYS = 30
    send_tip(client, claim="Old question", email="old@example.com")
    send_tip(client, claim="New question", email="new@example.com")
    ReaderAddress.objects.filter(email="old@example.com").update(
        last_used_at=timezone.now() - timedelta(days=31)
    )
    Notification.objects.create(
        key="reader:old",
        recipient="old@example.com",
        to_reader=True,
        subject="s",
        body="b",
        created_at=timezone.now() - timedelta(days=31),
        sent_at=timezone.now(),
    )
    daily_round.call()
    assert list(ReaderAddress.objects.values_list("email", flat=True)) == ["new@example.com"]
    assert not Notification.objects.filter(recipient="old@example.com").exists()
    assert Tip.objects.count() == 2


def test_a_reader_is_written_to_in_the_language_they_wrote_in(
    seed, client, monkeypatch, django_capture_on_commit_callbacks
):
    send_tip(client, path="/ko/ask/", claim="Is it true?", email="reader@example.com")
    address = ReaderAddress.objects.get()
    assert (address.language, Tip.objects.get().language) == ("ko", "ko")
    languages = []
    render = notifications.render_to_string

    def render_noting_language(*args, **kwargs):
        languages.append(translation.get_language())
        return render(*args, **kwargs)

    monkeypatch.setattr(notifications, "render_to_string", render_noting_language)
    tip = Tip.objects.get()
    tip.attach(Claim.objects.get(slug=CLAIM.kursk))
    with django_capture_on_commit_callbacks(execute=True):
        tell_readers_of_tip.enqueue(tip.pk)
    run_worker()
    assert languages == ["ko"]
    assert recipients() == ["reader@example.com"]
    # The Kursk verdict is published in Korean: the reader gets its Korean page.
    [message] = mail.outbox
    assert f"http://127.0.0.1:8000/ko/claims/{CLAIM.kursk}/" in message.body
    assert (
        message.subject == "판정이 나왔습니다: 북한, 쿠르스크 지역에서 러시아를 위해 싸울 병력 파병"
    )
    assert Notification.objects.get().sent_at is not None


def test_a_reader_is_sent_the_page_in_the_claims_language_where_it_is_not_in_theirs(
    cast, steps, client
):
    editor, reviewer, publisher, other = cast
    send_tip(client, path="/ko/ask/", claim="Is it true?", email="reader@example.com")
    claim = steps(rated_claim(editor), Action.START_REVIEW, by=editor)
    claim = steps(claim, Action.MARK_UNVERIFIABLE, by=reviewer)
    Tip.objects.get().attach(claim)
    mail.outbox.clear()
    claim = steps(claim, Action.PUBLISH, by=publisher)
    [message] = [message for message in mail.outbox if message.to == ["reader@example.com"]]
    # In Korean, about the English page: a Korean one would only say it is not published there.
    assert message.subject == f"판정이 나왔습니다: {claim.headline}"
    assert f"http://127.0.0.1:8000/claims/{claim.slug}/" in message.body
    assert "/ko/claims/" not in message.body
    assert Notification.objects.get(to_reader=True).sent_at is not None


def test_an_email_the_server_cannot_take_is_kept_and_tried_again_later(db, settings):
    # Nothing listens on this port: every send fails to connect.
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": 8799, "timeout": 2},
        }
    }
    settings.NOTIFICATION_RETRY_SECONDS = 600
    notification = Notification.objects.create(
        key="test:down", recipient="reader@example.com", subject="s", body="b"
    )
    deliver_email.enqueue(notification.pk)
    run_worker()
    notification.refresh_from_db()
    assert (notification.sent_at, notification.attempts) == (None, 1)
    assert "Connection refused" in notification.last_error
    retry = DBTaskResult.objects.get(task_path="claims.tasks.deliver_email", status="READY")
    assert retry.run_after > timezone.now() + timedelta(seconds=590)
    assert not DBTaskResult.objects.ready().filter(task_path="claims.tasks.deliver_email")

    # Still unsent an hour on: the daily round queues it again.
    Notification.objects.filter(pk=notification.pk).update(
        created_at=timezone.now() - timedelta(hours=2)
    )
    daily_round.call()
    assert DBTaskResult.objects.ready().filter(task_path="claims.tasks.deliver_email").exists()


def test_a_reader_asking_about_a_claim_already_published_hears_of_its_verdict_at_once(
    seed, client, django_capture_on_commit_callbacks
):
    send_tip(client, address="203.0.113.1", claim="Is it true?", email="first@example.com")
    Tip.objects.get().attach(Claim.objects.get(slug=CLAIM.kursk))
    run_worker()
    with django_capture_on_commit_callbacks(execute=True):
        response = send_tip(
            client, address="203.0.113.2", claim="Is it true?", email="second@example.com"
        )
    assert response.status_code == 302
    run_worker()
    # The first reader's address was on the tip before: told now too, once.
    assert recipients() == ["first@example.com", "second@example.com"]
    with django_capture_on_commit_callbacks(execute=True):
        send_tip(client, address="203.0.113.3", claim="Is it true?", email="third@example.com")
    run_worker()
    assert recipients() == ["first@example.com", "second@example.com", "third@example.com"]
    assert Tip.objects.get().readers_asking == 3
    assert Notification.objects.filter(sent_at__isnull=False).count() == 3
