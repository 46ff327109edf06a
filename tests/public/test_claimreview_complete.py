"""ClaimReview's itemReviewed says when and where the claim was made, whenever we know."""

from datetime import date

import pytest

from claims.choices import SourceKind
from claims.models import Article, Claim
from tests.claimreview_documents import claimreview_of, validator
from tests.factories import make_published_claim, make_source


def what_the_data_requires(claim):
    """The itemReviewed fields this claim's data obliges the ClaimReview to carry."""
    required = {}
    if claim.made_on:
        required["datePublished"] = claim.made_on.isoformat()
    first = claim.appearance_url or (claim.appeared_in and claim.appeared_in.url)
    if first:
        required["firstAppearance"] = first
    if claim.claimant.url:
        required["author.url"] = claim.claimant.url
    return required


def check_item_reviewed(document, claim):
    validator.validate(document)
    item = document["itemReviewed"]
    required = what_the_data_requires(claim)
    if "datePublished" in required:
        assert item["datePublished"] == required["datePublished"]
    else:
        assert "datePublished" not in item
    if "firstAppearance" in required:
        assert item["firstAppearance"]["@type"] == "CreativeWork"
        assert item["firstAppearance"]["url"] == required["firstAppearance"]
        assert item["appearance"][0] == item["firstAppearance"]
        urls = [work["url"] for work in item["appearance"]]
        for known in [claim.appearance_url, claim.appeared_in and claim.appeared_in.url]:
            if known:
                assert known in urls
    else:
        assert "appearance" not in item and "firstAppearance" not in item
    assert item["author"].get("url") == required.get("author.url")


def test_every_published_seed_claimreview_carries_what_its_data_has(seed, client):
    published = list(Claim.objects.published().select_related("claimant", "appeared_in"))
    assert len(published) == 4
    for claim in published:
        check_item_reviewed(claimreview_of(client, claim.slug), claim)
        # The seed knows all of it for every published claim.
        assert set(what_the_data_requires(claim)) >= {"datePublished", "firstAppearance"}


def test_the_seed_claims_say_when_and_where_they_were_made(seed):
    for claim in Claim.objects.select_related("appeared_in", "claimant"):
        assert claim.made_on is not None, claim.slug
        assert claim.appearance_url.startswith("https://"), claim.slug
        assert claim.appeared_in.url.startswith("https://"), claim.slug
        assert claim.appeared_in.published_on == date(2025, 4, 30)


@pytest.mark.django_db
def test_the_first_report_comes_first_and_the_article_carrying_it_follows(editor, client):
    article = Article.objects.create(
        title="Commentary",
        slug="commentary",
        url="https://commentary.example/piece",
        published_on=date(2025, 4, 30),
    )
    claim = make_published_claim(
        editor,
        claimant=make_source("Agency", url="https://agency.example/"),
        made_on=date(2025, 4, 30),
        appearance_url="https://wire.example/first-report",
        appeared_in=article,
    )
    document = claimreview_of(client, claim.slug)
    check_item_reviewed(document, claim)
    assert document["itemReviewed"]["appearance"] == [
        {"@type": "CreativeWork", "url": "https://wire.example/first-report"},
        {
            "@type": "CreativeWork",
            "url": "https://commentary.example/piece",
            "headline": "Commentary",
            "datePublished": "2025-04-30",
        },
    ]
    assert document["itemReviewed"]["author"] == {
        "@type": "Organization",
        "name": "Agency",
        "url": "https://agency.example/",
    }


@pytest.mark.django_db
def test_what_we_do_not_know_is_left_out_rather_than_guessed(editor, client):
    claim = make_published_claim(editor, claimant=make_source("Someone", kind=SourceKind.PERSON))
    document = claimreview_of(client, claim.slug)
    check_item_reviewed(document, claim)
    assert document["itemReviewed"] == {
        "@type": "Claim",
        "author": {"@type": "Person", "name": "Someone"},
    }
