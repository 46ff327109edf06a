"""
At newsroom scale `/` counts and pages through at most LISTED_CLAIMS verdicts,
and a search ranks only the newest RANKED_MATCHES matches; both say so.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from claims import search, views
from claims.choices import ClaimStatus
from claims.models import Claim, Revision
from tests.factories import make_published_claim, page_text, publish_draft


def listed_slugs(response):
    return [claim.slug for claim in response.context["page_obj"]]


def publish_claims(user, count, **overrides):
    """`count` published claims, claim-1 the oldest."""
    now = timezone.now()
    return [
        make_published_claim(user, published_at=now - timedelta(hours=count - number), **overrides)
        for number in range(count)
    ]


@pytest.mark.usefixtures("template_context")
@pytest.mark.django_db
def test_the_list_counts_no_further_than_its_limit_and_says_so(
    editor, client, settings, monkeypatch
):
    monkeypatch.setattr(views, "LISTED_CLAIMS", 5)
    settings.PUBLIC_PAGE_SIZE = 2
    publish_claims(editor, 7)
    response = client.get("/")
    text = page_text(response)
    assert "More than 5 verdicts, page 1 of 3" in text
    assert "The newest 5 are listed here; filter or search to reach older ones." in text
    assert listed_slugs(response) == ["claim-7", "claim-6"]
    assert Claim.objects.published().count() == 7


@pytest.mark.usefixtures("template_context")
@pytest.mark.django_db
def test_pages_past_the_limit_do_not_exist(editor, client, settings, monkeypatch):
    monkeypatch.setattr(views, "LISTED_CLAIMS", 5)
    settings.PUBLIC_PAGE_SIZE = 2
    publish_claims(editor, 7)
    assert listed_slugs(client.get("/", {"page": "3"})) == ["claim-3"]
    assert client.get("/", {"page": "4"}).status_code == 404
    assert Claim.objects.published().count() == 7


@pytest.mark.usefixtures("template_context")
@pytest.mark.django_db
def test_every_page_lists_the_next_claims_newest_first(editor, client, settings):
    settings.PUBLIC_PAGE_SIZE = 3
    publish_claims(editor, 8)
    listed = []
    for page in (1, 2, 3):
        listed += listed_slugs(client.get("/", {"page": page}))
    expected = list(Claim.objects.published().order_by("-published_at", "-pk"))
    assert listed == [claim.slug for claim in expected]
    assert "More than" not in page_text(client.get("/"))


@pytest.mark.usefixtures("template_context")
@pytest.mark.django_db
def test_the_verdict_filter_pages_in_date_order(editor, client, settings):
    settings.PUBLIC_PAGE_SIZE = 2
    claims = publish_claims(editor, 5, status=ClaimStatus.CORROBORATED)
    # claim-4's verdict is another, as its revision published it.
    claims[3].status = ClaimStatus.DISPUTED
    claims[3].save()
    publish_draft(claims[3], editor)
    first = listed_slugs(client.get("/", {"verdict": "corroborated"}))
    second = listed_slugs(client.get("/", {"verdict": "corroborated", "page": 2}))
    assert first + second == ["claim-5", "claim-3", "claim-2", "claim-1"]
    assert Revision.objects.current().get(slug="claim-4").rating == ClaimStatus.DISPUTED


@pytest.mark.usefixtures("template_context")
@pytest.mark.postgresql(reason="ranking is PostgreSQL only")
@pytest.mark.django_db
def test_a_search_ranks_only_the_newest_matches_and_says_so(editor, client, monkeypatch):
    monkeypatch.setattr(search, "RANKED_MATCHES", 2)
    now = timezone.now()
    make_published_claim(
        editor, slug="old-best", wording="Grain grain grain.", published_at=now - timedelta(days=3)
    )
    make_published_claim(
        editor, slug="newer", wording="Grain prices.", published_at=now - timedelta(days=2)
    )
    make_published_claim(
        editor, slug="newest", wording="Grain grain exports.", published_at=now - timedelta(days=1)
    )
    response = client.get("/", {"q": "grain"})
    assert listed_slugs(response) == ["newest", "newer"]
    assert "Search ranks the newest 2 matches" in page_text(response)
    assert Claim.objects.published().filter(wording__icontains="grain").count() == 3


@pytest.mark.usefixtures("template_context")
@pytest.mark.postgresql(reason="ranking is PostgreSQL only")
@pytest.mark.django_db
def test_a_search_with_few_matches_ranks_them_all(editor, client):
    make_published_claim(editor, slug="passing", wording="Grain prices.")
    make_published_claim(editor, slug="about-grain", wording="Grain grain grain exports.")
    response = client.get("/", {"q": "grain"})
    assert listed_slugs(response) == ["about-grain", "passing"]
    assert "Search ranks the newest" not in page_text(response)
    assert Claim.objects.published().count() == 2
