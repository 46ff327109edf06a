"""Each published verdict carries one valid ClaimReview; /claims.json lists them all."""

from datetime import date

import jsonschema
import pytest
from django.conf import settings
from django.utils.translation import override

from claims.choices import ClaimStatus, SourceKind
from claims.models import Article, Claim, Correction
from claims.ratings import BEST_RATING, PUBLIC_RATINGS, RATINGS, WORST_RATING
from tests.claimreview_documents import SCHEMA, claimreview_of, validator
from tests.factories import make_published_claim, make_source, publish_draft
from tests.seed import CLAIM


def test_the_schema_is_itself_valid():
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


def test_every_published_seed_claim_embeds_one_valid_claimreview(seed, client):
    for claim in Claim.objects.published():
        document = claimreview_of(client, claim.slug)
        validator.validate(document)
        assert document["claimReviewed"] == claim.headline


def test_the_4700_claimreview_is_unverified_with_its_caveats(seed, client, settings):
    settings.SITE_URL = "https://desk.example.org"
    settings.NEWSROOM_NAME = "The Desk"
    settings.NEWSROOM_URL = "https://news.example.org"
    document = claimreview_of(client, CLAIM.casualties)
    validator.validate(document)
    assert document["url"] == f"https://desk.example.org/claims/{CLAIM.casualties}/"
    assert document["datePublished"] == "2025-04-30"
    assert document["author"] == {
        "@type": "Organization",
        "name": "The Desk",
        "url": "https://news.example.org",
    }
    assert document["itemReviewed"]["author"] == {
        "@type": "Organization",
        "name": "National Intelligence Service (NIS)",
        "url": "https://www.nis.go.kr/",
    }
    rating = document["reviewRating"]
    assert rating["alternateName"] == "Unverified"
    # Unverified is not a point on the truth scale: no number.
    assert "ratingValue" not in rating
    assert rating["ratingExplanation"].startswith("South Korea's intelligence service gave")
    assert "What we don't know:" in rating["ratingExplanation"]
    assert "notoriously hard to verify independently" in rating["ratingExplanation"]


def test_the_kursk_claimreview_carries_the_published_rating_value(seed, client):
    rating = claimreview_of(client, CLAIM.kursk)["reviewRating"]
    assert rating == {
        "@type": "Rating",
        "alternateName": "Corroborated",
        "ratingValue": RATINGS[ClaimStatus.CORROBORATED].value,
        "bestRating": BEST_RATING,
        "worstRating": WORST_RATING,
        "ratingExplanation": Claim.objects.get(slug=CLAIM.kursk).verdict_summary,
    }


def test_a_claim_in_review_is_reviewed_under_its_previous_verdict(seed, client, publisher):
    Claim.objects.get(slug=CLAIM.kursk).reopen(
        by=publisher, note="A new report.", public_note="We are checking a new report."
    )
    assert Claim.objects.get(slug=CLAIM.kursk).previous_status == (ClaimStatus.CORROBORATED)
    document = claimreview_of(client, CLAIM.kursk)
    validator.validate(document)
    assert document["reviewRating"]["alternateName"] == "Corroborated"


def test_the_rating_scale_is_one_mapping_and_the_schema_knows_every_public_verdict():
    values = [rating.value for rating in RATINGS.values() if rating.value is not None]
    assert all(WORST_RATING <= value <= BEST_RATING for value in values)
    assert set(RATINGS) == set(ClaimStatus)
    names = SCHEMA["properties"]["reviewRating"]["properties"]["alternateName"]["enum"]
    # Each language's names, in the order of the public ratings.
    in_each_language = []
    for code, _name in settings.LANGUAGES:
        with override(code):
            in_each_language += [str(rating.label) for rating in PUBLIC_RATINGS]
    assert names == in_each_language


@pytest.mark.django_db
def test_claimant_appearance_and_corrections_are_described(editor, client):
    person = make_source("A senator", kind=SourceKind.PERSON, url="https://senator.example/")
    article = Article.objects.create(
        title="Interview",
        slug="interview",
        url="https://paper.example/interview",
        published_on=date(2026, 3, 2),
    )
    claim = make_published_claim(
        editor,
        claimant=person,
        appeared_in=article,
        made_on=date(2026, 3, 1),
        status=ClaimStatus.FALSE,
        verdict_summary="It did not happen.",
    )
    Correction.objects.create(claim=claim, kind="correction", note="The interview was in March.")
    # Readers see the correction once a revision publishes it.
    assert "correction" not in claimreview_of(client, claim.slug)
    publish_draft(claim, editor)
    document = claimreview_of(client, claim.slug)
    validator.validate(document)
    assert document["itemReviewed"] == {
        "@type": "Claim",
        "author": {"@type": "Person", "name": "A senator", "url": "https://senator.example/"},
        "datePublished": "2026-03-01",
        "appearance": [
            {
                "@type": "CreativeWork",
                "url": "https://paper.example/interview",
                "headline": "Interview",
                "datePublished": "2026-03-02",
            }
        ],
        "firstAppearance": {
            "@type": "CreativeWork",
            "url": "https://paper.example/interview",
            "headline": "Interview",
            "datePublished": "2026-03-02",
        },
    }
    assert document["reviewRating"]["ratingValue"] == 1
    [correction] = document["correction"]
    assert correction["@type"] == "CorrectionComment"
    assert correction["text"] == "Correction: The interview was in March."


def test_claims_json_lists_the_claimreview_of_exactly_the_published_claims(seed, client):
    response = client.get("/claims.json")
    assert response["Content-Type"] == "application/json"
    assert response.json()["next"] is None
    reviews = response.json()["claimReviews"]
    for document in reviews:
        validator.validate(document)
    published = set(Claim.objects.published().values_list("slug", flat=True))
    # One in each language a claim is published in: the seed's are in English and Korean.
    for language, prefix in [("en", "/claims/"), ("ko", "/ko/claims/")]:
        shown = [document for document in reviews if document["inLanguage"] == language]
        urls = {document["url"].rsplit(prefix, 1)[1].strip("/") for document in shown}
        assert urls == published
        assert len(shown) == 4
    assert len(reviews) == response.json()["count"] == 8
    assert reviews[0] == claimreview_of(client, CLAIM.sympathisers)
    assert reviews[1] == claimreview_of(client, CLAIM.sympathisers, language="ko")


@pytest.mark.django_db
def test_claims_json_pages_through_every_published_claim(editor, client, monkeypatch, settings):
    settings.SITE_URL = "https://desk.example.org"
    monkeypatch.setattr("claims.views.CLAIM_REVIEWS_PER_PAGE", 2)
    for _ in range(5):
        make_published_claim(editor)
    seen = []
    url = "/claims.json"
    while url:
        body = client.get(url).json()
        assert body["count"] == 5
        seen += [document["url"] for document in body["claimReviews"]]
        url = body["next"] and body["next"].removeprefix(settings.SITE_URL)
    assert len(seen) == len(set(seen)) == 5
    assert set(seen) == {
        f"https://desk.example.org{claim.get_absolute_url()}" for claim in Claim.objects.all()
    }
