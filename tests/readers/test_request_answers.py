"""
A reader who gave an email address with a correction request hears how the
desk answered it, in their language, with the verdict's address and a
one-click unsubscribe: once, through the worker, however often it runs.
"""

import re

from django.core import mail
from django.urls import reverse

from claims.choices import RequestState
from claims.models import CorrectionRequest, Notification, ReaderAddress, Revision
from tests.factories import request_data, run_worker
from tests.seed import CLAIM

NOTE = "The briefing was on 29 April, as the verdict says: we checked the transcript."


def report(client, path=f"/claims/{CLAIM.kursk}/report/", **fields):
    response = client.post(path, request_data(**fields), REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 302
    return CorrectionRequest.objects.get()


def answer(client, django_capture_on_commit_callbacks, request, **data):
    """The desk answers `request` in the admin; the emails it queues are sent by the worker."""
    url = reverse("admin:claims_correctionrequest_change", args=[request.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url, {"state": "", "response_note": "", "revision_number": "", **data}
        )
    run_worker()
    return response


def test_a_declined_request_is_answered_by_email_in_the_readers_language(
    seed, client, editor, django_capture_on_commit_callbacks
):
    request = report(client, path=f"/ko/claims/{CLAIM.kursk}/report/", email="reader@example.com")
    address = ReaderAddress.objects.get()
    assert (address.request, address.claim, address.language) == (request, request.claim, "ko")
    client.force_login(editor)

    response = answer(
        client,
        django_capture_on_commit_callbacks,
        request,
        state=RequestState.DECLINED,
        response_note=NOTE,
    )
    assert response.status_code == 302
    [message] = mail.outbox
    assert message.to == ["reader@example.com"]
    assert message.subject == (
        "보내 주신 오류 신고를 검토했으나 판정을 바꾸지 않았습니다: "
        "북한, 쿠르스크 지역에서 러시아를 위해 싸울 병력 파병"
    )
    assert f"http://127.0.0.1:8000/ko/claims/{CLAIM.kursk}/" in message.body
    assert NOTE in message.body
    assert "검토했으나 판정을 바꾸지 않았습니다" in message.body
    unsubscribe = re.search(r"http://127\.0\.0\.1:8000/ko/unsubscribe/[^/\s]+/", message.body)
    assert message.extra_headers["List-Unsubscribe"] == f"<{unsubscribe[0]}>"
    notification = Notification.objects.get()
    assert notification.key == f"reader:answer:{request.pk}:declined:{address.pk}"
    assert (notification.to_reader, notification.attempts) == (True, 1)
    assert notification.sent_at is not None
    request.refresh_from_db()
    assert (request.state, request.answered_by) == (RequestState.DECLINED, editor)


def test_an_accepted_request_is_answered_with_the_corrected_verdicts_address(
    seed, client, editor, django_capture_on_commit_callbacks
):
    request = report(client, email="reader@example.com")
    client.force_login(editor)
    revision = Revision.objects.current().get(claim__slug=CLAIM.kursk)

    response = answer(
        client,
        django_capture_on_commit_callbacks,
        request,
        state=RequestState.ACCEPTED,
        revision_number=revision.number,
        response_note="We corrected the date of the briefing.",
    )
    assert response.status_code == 302
    [message] = mail.outbox
    assert message.subject == (
        f"We corrected our verdict after your report: {revision.document['headline']}"
    )
    assert f"http://127.0.0.1:8000/claims/{CLAIM.kursk}/" in message.body
    assert "We agreed and corrected the verdict." in message.body
    assert "We corrected the date of the briefing." in message.body
    assert Notification.objects.get().sent_at is not None
    assert CorrectionRequest.objects.get().revision == revision


def test_an_answer_is_emailed_once_however_often_it_is_saved_or_the_worker_runs(
    seed, client, editor, django_capture_on_commit_callbacks
):
    request = report(client, email="reader@example.com")
    client.force_login(editor)
    declined = {"state": RequestState.DECLINED, "response_note": NOTE}
    answer(client, django_capture_on_commit_callbacks, request, **declined)
    answer(client, django_capture_on_commit_callbacks, request, **declined)
    run_worker()
    response = answer(
        client,
        django_capture_on_commit_callbacks,
        request,
        state=RequestState.DECLINED,
        response_note=NOTE + " Nothing else changed.",
    )
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert Notification.objects.filter(sent_at__isnull=False).count() == 1


def test_a_request_sent_without_an_address_is_answered_by_no_email(
    seed, client, editor, django_capture_on_commit_callbacks
):
    request = report(client)
    client.force_login(editor)
    response = answer(
        client,
        django_capture_on_commit_callbacks,
        request,
        state=RequestState.DECLINED,
        response_note=NOTE,
    )
    assert response.status_code == 302
    assert mail.outbox == []
    assert not Notification.objects.exists()
    assert CorrectionRequest.objects.get().state == RequestState.DECLINED


def test_a_reader_who_unsubscribed_is_not_told_the_answer(
    seed, client, editor, django_capture_on_commit_callbacks
):
    request = report(client, email="reader@example.com")
    ReaderAddress.objects.all().delete()
    client.force_login(editor)
    answer(
        client,
        django_capture_on_commit_callbacks,
        request,
        state=RequestState.DECLINED,
        response_note=NOTE,
    )
    assert mail.outbox == []
    assert not Notification.objects.exists()


def test_the_form_says_an_address_brings_the_answer(seed, client):
    response = client.get(f"/claims/{CLAIM.kursk}/report/")
    assert "Only if you want us to tell you how we answer your request" in response.text
    assert "to tell you how we answered your request" in response.text
    assert CorrectionRequest.objects.count() == 0
