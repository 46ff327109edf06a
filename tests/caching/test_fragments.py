"""
Parts of pages kept in the cache while rendering (claims.fragments) are never
older than the page around them: a card changes with what it shows, the
filter form, the number of matches and a search's matches with the list's
content version; a card, a ClaimReview document and a verdict page's evidence
sections with the revision they show, even with the page cache off.
"""

import json

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from claims.fragments import ListParts
from claims.models import Claim, Revision, RevisionName, Source, Topic, Translation
from tests.factories import make_published_claim, page_text, publish_changes
from tests.seed import CLAIM, SOURCE


@pytest.fixture
def fragments_only(seed, page_cache, settings):
    """Every page rendered, with the fragment cache on."""
    settings.PUBLIC_PAGE_CACHE = False
    return get_user_model().objects.get(username="reviewer")


def fresh(client, settings, path):
    settings.PUBLIC_FRAGMENT_CACHE = False
    try:
        return client.get(path)
    finally:
        settings.PUBLIC_FRAGMENT_CACHE = True


def test_a_card_changes_with_the_claim_it_shows(client, fragments_only, settings):
    client.get("/")
    claim = Claim.objects.get(slug=CLAIM.kursk)
    claim.reopen(by=fragments_only, note="Checking.", public_note="Checking again.")
    page = page_text(client.get("/"))
    assert "under review" in page
    assert page == page_text(fresh(client, settings, "/"))
    assert Claim.objects.get(slug=CLAIM.kursk).status == "in_review"


def test_a_card_changes_with_its_claimants_name_once_published(client, fragments_only, settings):
    before = page_text(client.get("/"))
    nis = Source.objects.get(slug=SOURCE.nis)
    nis.name = "South Korea's spy agency"
    nis.save()
    assert page_text(client.get("/")) == before == page_text(fresh(client, settings, "/"))
    publish_changes(Claim.objects.get(slug=CLAIM.kursk), fragments_only, "The NIS was renamed.")
    page = page_text(client.get("/"))
    assert "South Korea's spy agency" in page
    assert page == page_text(fresh(client, settings, "/"))
    assert Revision.objects.current().filter(claimant_slug=SOURCE.nis).count() == 3


def test_the_filter_form_changes_with_the_topics_of_published_claims(
    client, fragments_only, settings
):
    topic = Topic.objects.create(name="Sanctions", slug="sanctions")
    assert "Sanctions" not in page_text(client.get("/"))
    claim = Claim.objects.get(slug=CLAIM.kursk)
    claim.topic = topic
    claim.save()
    assert "Sanctions" not in page_text(client.get("/?verdict=corroborated"))
    publish_changes(claim, fragments_only, "We filed this claim under sanctions.")
    page = client.get("/?verdict=corroborated").content.decode()
    assert '<option value="sanctions">Sanctions</option>' in page
    assert page_text(client.get("/?verdict=corroborated")) == page_text(
        fresh(client, settings, "/?verdict=corroborated")
    )
    assert Claim.objects.get(slug=CLAIM.kursk).topic == topic


def test_a_claimreview_changes_with_its_claim(client, fragments_only, settings):
    before = client.get("/claims.json").json()
    claim = Claim.objects.get(slug=CLAIM.kursk)
    claim.reopen(by=fragments_only, note="Checking.", public_note="A new report questions it.")
    after = client.get("/claims.json").json()
    assert after != before
    assert after == fresh(client, settings, "/claims.json").json()
    review = next(r for r in after["claimReviews"] if r["claimReviewed"] == claim.headline)
    assert "A new report questions it." in json.dumps(review)


def test_claims_json_is_what_json_response_would_write(client, fragments_only):
    response = client.get("/claims.json")
    document = response.json()
    assert response["Content-Type"] == "application/json"
    assert response.content.decode() == json.dumps(document, ensure_ascii=True)
    # A ClaimReview per published claim in each language: the seed's are in both.
    assert document["count"] == 2 * Claim.objects.published().count() == 8


@pytest.mark.usefixtures("template_context")
def test_every_page_of_one_filter_shares_one_count(client, fragments_only, settings, rf):
    settings.PUBLIC_PAGE_SIZE = 1
    first = client.get("/?verdict=unverified")
    second = client.get("/?verdict=unverified&page=2")
    # Kept once, under the query without its page; a search's never.
    parts = ListParts(rf.get("/", {"verdict": "unverified", "page": "2"}))
    found = cache.get(parts.keys["count"])
    assert found == first.context["page_obj"].paginator.count >= 2
    assert second.context["page_obj"].paginator.count == found
    assert second.context["page_obj"].number == 2
    # A search's count is not kept; its menus, under the query without it, are.
    assert set(ListParts(rf.get("/", {"q": "north korean"})).keys) == {"menus"}


def test_the_count_and_the_matches_change_with_a_published_claim(
    client, fragments_only, settings, publisher
):
    settings.PUBLIC_PAGE_SIZE = 1
    paths = ["/", "/?page=2", "/?q=kursk", "/?verdict=corroborated"]
    before = [page_text(client.get(path)) for path in paths]
    claim = Claim.objects.get(slug=CLAIM.kursk)
    claim.unpublish(by=publisher, note="Legal asked.", public_note="Withdrawn for a check.")
    for path, earlier in zip(paths, before, strict=True):
        page = page_text(client.get(path))
        assert page == page_text(fresh(client, settings, path)), path
        assert page != earlier, path
    assert "0 verdicts matching your search" in page_text(client.get("/?q=kursk"))
    assert not Claim.objects.get(slug=CLAIM.kursk).is_published


@pytest.mark.usefixtures("template_context")
def test_a_list_page_and_its_parts_are_kept_under_one_read_of_the_versions(
    client, seed, page_cache
):
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/?verdict=corroborated")
    version_reads = [query for query in queries if "contentversion" in query["sql"]]
    assert len(version_reads) == 1
    assert response.status_code == 200
    assert [claim.slug for claim in response.context["page_obj"]] == [CLAIM.kursk]


def test_a_fragment_is_never_served_for_another_revision_given_its_id_again(
    client, fragments_only, editor
):
    # A restore or a refilled database gives ids again, while Redis keeps what it held.
    revision = Revision.objects.current().get(slug=CLAIM.sympathisers)
    client.get("/")
    client.get("/claims.json")
    client.get(revision.claim.get_absolute_url())
    RevisionName.objects.filter(revision=revision).delete()
    # Its translations go with it, and the draft's link to them.
    Translation.objects.filter(published__translation_of=revision).update(published=None)
    Revision.objects.filter(translation_of=revision).delete()
    Revision.objects.filter(pk=revision.pk).delete()
    other = make_published_claim(
        editor, slug="reused", headline="Another claim under a reused id", topic=None
    )
    given = Revision.objects.get(claim=other).pk
    Revision.objects.filter(pk=given).update(id=revision.pk)
    RevisionName.objects.filter(revision_id=given).update(revision_id=revision.pk)
    assert "Another claim under a reused id" in page_text(client.get("/"))
    reviews = client.get("/claims.json").json()["claimReviews"]
    assert "Another claim under a reused id" in [review["claimReviewed"] for review in reviews]
    assert Revision.objects.get(pk=revision.pk).claim == other


def test_the_evidence_sections_change_with_the_published_evidence(client, fragments_only, settings):
    path = f"/claims/{CLAIM.casualties}/"
    before = page_text(client.get(path))
    claim = Claim.objects.get(slug=CLAIM.casualties)
    item = claim.evidence.first()
    item.title = "Lawmakers relay the NIS figure"
    item.save()
    assert page_text(client.get(path)) == before == page_text(fresh(client, settings, path))
    publish_changes(claim, fragments_only, "We retitled a report.")
    page = page_text(client.get(path))
    assert "Lawmakers relay the NIS figure" in page
    assert page == page_text(fresh(client, settings, path))
    assert Source.objects.filter(evidence_published=item).exists()


def test_a_preview_never_comes_from_the_fragment_cache(client, fragments_only, editor):
    claim = Claim.objects.get(slug=CLAIM.cremated)
    client.force_login(editor)
    first = page_text(client.get(f"/claims/{claim.slug}/preview/"))
    item = claim.evidence.first()
    item.title = "Retitled while unpublished"
    item.save()
    assert "Retitled while unpublished" in page_text(client.get(f"/claims/{claim.slug}/preview/"))
    assert "Retitled while unpublished" not in first
    assert not Claim.objects.get(pk=claim.pk).is_published
