"""Readers report an error on a verdict: the request is tied to its claim and enters the queue."""

import pytest
from django.utils.html import escape

from claims.choices import RequestState
from claims.models import Claim, CorrectionRequest, ReaderAddress, Revision
from tests.factories import page_text, request_data
from tests.seed import CLAIM


def test_every_verdict_page_offers_to_report_an_error(seed, client):
    response = client.get(f"/claims/{CLAIM.kursk}/")
    assert f'href="/claims/{CLAIM.kursk}/report/"' in response.text
    assert "Report an error on this verdict" in page_text(response)


def test_a_request_is_tied_to_its_claim_and_waits_open_in_the_queue(seed, client):
    response = client.get(f"/claims/{CLAIM.kursk}/report/")
    assert response.status_code == 200
    assert "What we keep, and why" in page_text(response)
    response = client.post(
        f"/claims/{CLAIM.kursk}/report/",
        request_data(evidence_url="https://example.com/source", email="reader@example.com"),
        REMOTE_ADDR="203.0.113.7",
    )
    assert response.status_code == 302
    request = CorrectionRequest.objects.get()
    assert request.claim == Claim.objects.get(slug=CLAIM.kursk)
    assert request.state == RequestState.OPEN
    assert request.evidence_url == "https://example.com/source"
    address = ReaderAddress.objects.get()
    assert (address.claim, address.tip, address.email) == (
        request.claim,
        None,
        "reader@example.com",
    )


def test_an_unpublished_claim_takes_no_request(seed, client):
    response = client.post(
        f"/claims/{CLAIM.cremated}/report/", request_data(), REMOTE_ADDR="203.0.113.7"
    )
    assert response.status_code == 404
    assert CorrectionRequest.objects.count() == 0


def test_the_corrections_policy_says_how_requests_are_handled_and_how_fast(db, client):
    text = page_text(client.get("/methodology/"))
    assert "How we handle your correction requests" in text
    assert "within two working days" in text
    assert "Within five working days we decide" in text


def test_the_korean_report_page_names_the_verdict_by_its_published_korean_headline(seed, client):
    claim = Claim.objects.get(slug=CLAIM.kursk)
    korean = Revision.objects.current_translations("ko").get(claim=claim)
    english = Revision.objects.current().get(claim=claim).document["headline"]
    response = client.get(f"/ko/claims/{CLAIM.kursk}/report/")
    assert response.status_code == 200
    text = page_text(response)
    assert f"오류 신고: {korean.document['headline']}" in text
    assert english not in text
    assert CorrectionRequest.objects.count() == 0


def test_without_a_korean_version_the_report_page_names_the_verdict_in_english_with_its_lang(
    seed, client
):
    claim = Claim.objects.get(slug=CLAIM.kursk)
    Revision.objects.current_translations("ko").filter(claim=claim).update(is_current=False)
    english = Revision.objects.current().get(claim=claim).document["headline"]
    response = client.get(f"/ko/claims/{CLAIM.kursk}/report/")
    assert response.status_code == 200
    assert f'<span lang="en">{escape(english)}</span>' in response.text
    assert not Revision.objects.current_translations("ko").filter(claim=claim).exists()
    assert CorrectionRequest.objects.count() == 0


@pytest.mark.parametrize(
    ("prefix", "kept", "not_asked"),
    [
        ("", "the link to your evidence if you give one", "the address where you saw it"),
        ("/ko", "증거 링크", "주장을 보신 곳의 주소"),
    ],
)
def test_the_report_forms_privacy_notice_names_what_that_form_asks_for(
    seed, client, prefix, kept, not_asked
):
    report = page_text(client.get(f"{prefix}/claims/{CLAIM.kursk}/report/"))
    assert kept in report
    assert not_asked not in report
    # The tip form asks where the claim was seen, and says it keeps that.
    ask = page_text(client.get(f"{prefix}/ask/"))
    assert not_asked in ask
    assert kept not in ask
    assert CorrectionRequest.objects.count() == 0
