"""The methodology page publishes the ratings, their scale, the independence rule and the grades."""

from claims.models import ClaimStatus, Credibility, Reliability
from claims.ratings import BEST_RATING, PUBLIC_RATINGS, RATINGS, WORST_RATING
from tests.conftest import page_text


def test_every_rating_is_defined_with_the_words_on_the_badge(db, client):
    text = page_text(client.get("/methodology/"))
    for status in ClaimStatus:
        assert f"{status.label} {RATINGS[status].definition}" in text


def test_the_claimreview_scale_is_published(db, client):
    text = page_text(client.get("/methodology/"))
    assert f"from {WORST_RATING} (worst) to {BEST_RATING} (best)" in text
    for rating in PUBLIC_RATINGS:
        value = "none" if rating.value is None else str(rating.value)
        assert f"{rating.label} {value}" in text


def test_both_admiralty_scales_and_the_rules_are_published(db, client):
    text = page_text(client.get("/methodology/"))
    for label in [*Reliability.labels, *Credibility.labels]:
        assert label in text
    assert "Five outlets repeating one agency's briefing are one source, not five." in text
    assert "Corrections policy" in text
    assert "Send us a claim" in text
    assert "non-partisanship" in text


def test_the_verdict_badge_uses_the_same_definition(seed, client):
    text = page_text(client.get("/claims/many-north-korea-sympathisers/"))
    assert RATINGS[ClaimStatus.UNVERIFIABLE].definition in text


def test_readers_are_told_where_to_send_claims(db, client, settings):
    settings.NEWSROOM_URL = "https://news.example.org/contact"
    content = client.get("/methodology/").content.decode()
    assert '<a href="https://news.example.org/contact">' in content


def test_the_claimant_is_never_an_origin_of_support(db, client):
    text = page_text(client.get("/methodology/"))
    assert "Whoever made the claim is never an origin of support for it" in text
    assert "at least two independent origins other than the claimant's own affiliation" in text


def test_readers_are_told_what_they_see_of_staff_and_of_notes(db, client):
    text = page_text(client.get("/methodology/"))
    assert "by their first name only, or by their role where we have none on file" in text
    assert "The desk's own working notes stay internal and are never published" in text
    assert "changes only through a recorded revision" in text
