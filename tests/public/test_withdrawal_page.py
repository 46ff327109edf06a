"""
A withdrawn verdict's address answers 410 Gone with a notice: the headline,
"Withdrawn on DATE" and the public note; a legal removal, the date alone.
Neither shows the verdict, the evidence or ClaimReview, nor is for search
engines; both are in the feed.
"""

from django.contrib.auth import get_user_model
from django.utils import formats

from claims.choices import Action, Withdrawal
from claims.models import Claim, ReviewEvent
from tests.factories import as_post_data, page_text, submitted_fields
from tests.seed import CLAIM

KURSK = f"/claims/{CLAIM.kursk}/"


def withdraw(kind, note="We are checking a new report."):
    claim = Claim.objects.get(slug=CLAIM.kursk)
    publisher = get_user_model().objects.get(username="reviewer")
    claim.unpublish(by=publisher, note="Legal asked.", public_note=note, withdrawal=kind)
    return claim


def test_a_withdrawn_verdict_answers_410_with_its_notice(seed, client):
    claim = withdraw(Withdrawal.NOTICE)
    response = client.get(KURSK)
    text = page_text(response)
    event = ReviewEvent.objects.get(claim=claim, action=Action.UNPUBLISH)
    assert response.status_code == 410
    assert claim.headline in text
    assert f"Withdrawn on {formats.date_format(event.created_at, 'j F Y')}." in text
    assert "We are checking a new report." in text
    assert response["X-Robots-Tag"] == "noindex"
    assert '<meta name="robots" content="noindex">' in response.content.decode()
    for gone in ["Corroborated", "The evidence", "application/ld+json", "Where the support"]:
        assert gone not in response.content.decode(), gone
    assert event.withdrawal == Withdrawal.NOTICE


def test_a_legal_removal_shows_no_headline_and_no_note(seed, client):
    claim = withdraw(Withdrawal.LEGAL, note="Removed after a court order.")
    response = client.get(KURSK)
    content = response.content.decode()
    assert response.status_code == 410
    assert "This page was removed" in content
    assert claim.headline not in content
    assert "court order" not in content
    feed = client.get("/feed/").content.decode()
    assert "Removed: a verdict was removed" in feed
    assert claim.headline not in feed and "court order" not in feed
    assert ReviewEvent.objects.get(claim=claim, action=Action.UNPUBLISH).withdrawal == "legal"


def test_the_notice_is_kept_and_served_like_any_page(seed, client, page_cache):
    withdraw(Withdrawal.NOTICE)
    first = client.get(KURSK)
    again = client.get(KURSK, headers={"If-None-Match": first["ETag"]})
    # Kept (one read of its versions), and not a 304: that is for a 2xx only.
    assert (first.status_code, again.status_code) == (410, 410)
    assert again.content == first.content
    assert first["xkey"] == f"claim:{CLAIM.kursk} public"
    assert not Claim.objects.get(slug=CLAIM.kursk).is_published


def test_republishing_replaces_the_notice_with_the_verdict(seed, client):
    claim = withdraw(Withdrawal.NOTICE)
    claim.publish(by=get_user_model().objects.get(username="reviewer"), public_note="Back.")
    response = client.get(KURSK)
    assert response.status_code == 200
    assert "Corroborated" in response.content.decode()
    assert Claim.objects.get(slug=CLAIM.kursk).is_published


def test_the_admin_asks_what_readers_find_when_unpublishing(seed, client):
    claim = Claim.objects.get(slug=CLAIM.kursk)
    client.force_login(get_user_model().objects.get(username="reviewer"))
    url = f"/admin/claims/claim/{claim.pk}/change/"
    page = client.get(url)
    assert 'name="withdrawal"' in page.content.decode()
    data = as_post_data(
        submitted_fields(page, "claim_form"),
        workflow_note="Court order.",
        workflow_public_note="Removed.",
        withdrawal=Withdrawal.LEGAL,
        _workflow_action=Action.UNPUBLISH,
    )
    assert client.post(url, data).status_code == 302
    event = ReviewEvent.objects.get(claim=claim, action=Action.UNPUBLISH)
    assert event.withdrawal == Withdrawal.LEGAL
    assert client.get(KURSK).status_code == 410
