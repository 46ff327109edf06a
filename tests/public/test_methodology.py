"""The methodology page publishes the ratings, their scale, the independence rule and the grades."""

from claims.choices import ClaimStatus, Credibility, Reliability
from claims.ratings import BEST_RATING, PUBLIC_RATINGS, RATINGS, WORST_RATING
from tests.factories import page_text
from tests.seed import CLAIM


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
        assert str(label) in text
    assert "Five outlets repeating one agency's briefing are one source, not five." in text
    assert "Corrections policy" in text
    assert "non-partisanship" in text


def test_the_verdict_badge_uses_the_same_definition(seed, client):
    text = page_text(client.get(f"/claims/{CLAIM.sympathisers}/"))
    assert str(RATINGS[ClaimStatus.UNVERIFIABLE].definition) in text


def test_who_owns_funds_and_answers_the_desk_comes_from_settings(db, client, settings):
    settings.NEWSROOM_NAME = "Example Desk"
    settings.NEWSROOM_OWNER = "Example Media Ltd"
    settings.NEWSROOM_FUNDING = "its readers' subscriptions"
    settings.NEWSROOM_CONTACT_EMAIL = "tips@news.example.org"
    settings.NEWSROOM_CORRECTIONS_EMAIL = "corrections@news.example.org"
    response = client.get("/methodology/")
    content, text = response.content.decode(), page_text(response)
    assert response.status_code == 200
    assert "Example Desk is owned by Example Media Ltd." in text
    assert "Example Desk is funded by its readers' subscriptions." in text
    assert "No funder sees or approves a verdict before it is published." in text
    assert '<a href="mailto:tips@news.example.org">' in content
    assert '<a href="mailto:corrections@news.example.org">' in content
    assert "Send us a claim" in text


def test_a_statement_whose_setting_is_missing_is_left_out(db, client, settings):
    settings.NEWSROOM_OWNER = settings.NEWSROOM_FUNDING = ""
    settings.NEWSROOM_CONTACT_EMAIL = settings.NEWSROOM_CORRECTIONS_EMAIL = ""
    response = client.get("/methodology/")
    content, text = response.content.decode(), page_text(response)
    assert response.status_code == 200
    for missing in ["owned by", "funded by", "funder", "Send us a claim", "mailto:", "write to"]:
        assert missing not in text + content
    # Nothing pretends to be an ownership or contact page: the only links to
    # the home page are the masthead's.
    assert content.count('href="/"') == 2
    assert "Corrections policy" in text


def test_the_claimant_is_never_an_origin_of_support(db, client):
    text = page_text(client.get("/methodology/"))
    assert "Whoever made the claim is never an origin of support for it" in text
    assert "at least two independent origins other than the claimant's own affiliation" in text


def test_readers_are_told_what_they_see_of_staff_and_of_notes(db, client):
    text = page_text(client.get("/methodology/"))
    assert "by their first name only, or by their role where we have none on file" in text
    assert "The desk's own working notes stay internal and are never published" in text
    assert "changes only through a recorded revision" in text
