"""Readers search published verdicts: the same matches on both databases, ranked on PostgreSQL."""

import pytest
from django.db import connection
from django.utils import timezone

from claims.models import Claim
from claims.search import newest_matches
from tests.factories import make_claim, make_published_claim, make_source
from tests.seed import CLAIM

on_postgresql = pytest.mark.postgresql(reason="ranking and the text index are PostgreSQL only")


def found(client, text, **filters):
    response = client.get("/", {"q": text, **filters})
    assert response.status_code == 200
    return [claim.slug for claim in response.context["page_obj"]]


def test_search_finds_words_in_headline_wording_and_summary(seed, client):
    assert found(client, "Kursk") == [CLAIM.kursk]
    assert found(client, "sympathisers") == [CLAIM.sympathisers]
    assert found(client, "every report we found") == [CLAIM.casualties]


def test_search_finds_claims_by_their_claimants_name(seed, client):
    assert set(found(client, "Unnamed commenter")) >= {CLAIM.sympathisers}
    assert set(found(client, "Intelligence Service")) >= {
        CLAIM.casualties,
        CLAIM.kursk,
    }


def test_search_combines_with_filters(seed, client):
    assert found(client, "North Korean", verdict="corroborated") == [CLAIM.kursk]


def test_search_results_are_linkable_and_say_they_are_filtered(seed, client):
    content = client.get("/", {"q": "Kursk"}).content.decode()
    assert "1 verdict matching your search" in content
    assert 'value="Kursk"' in content


def test_search_understands_phrases_exclusions_and_word_forms(seed, client):
    assert found(client, "deployed troops") == [CLAIM.kursk]
    assert found(client, "deploying") == [CLAIM.kursk]
    assert CLAIM.casualties not in found(client, "soldiers -wounded")
    assert found(client, '"killed or wounded"') == [CLAIM.casualties]
    assert found(client, '"wounded or killed"') == []


@on_postgresql
@pytest.mark.django_db
def test_best_matches_come_first(editor, client):
    make_published_claim(editor, slug="passing", headline="A note", wording="Grain prices.")
    make_published_claim(
        editor, slug="about-grain", headline="Grain exports", wording="Grain grain grain exports."
    )
    assert found(client, "grain") == ["about-grain", "passing"]


@on_postgresql
@pytest.mark.django_db
def test_the_search_index_exists_and_the_search_uses_it(editor):
    claimant = make_source("Claimant")
    Claim.objects.bulk_create(
        Claim(
            slug=f"claim-{number}",
            headline=f"Claim {number}",
            wording=f"Ordinary wording number {number}.",
            claimant=claimant,
            created_by=editor,
            is_published=True,
            published_at=timezone.now(),
        )
        for number in range(3000)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE claims_claim")
        constraints = connection.introspection.get_constraints(cursor, "claims_claim")
        # A table this small is cheaper to scan whole; a desk's is not.
        cursor.execute("SET LOCAL enable_seqscan = off")
    assert constraints["claims_claim_search"]["type"] == "gin"
    assert constraints["claims_claim_search"]["columns"] == ["search_document"]
    # Unfiltered by publication, so that only the text index can narrow it.
    plan = newest_matches(Claim.objects.all(), "rare").explain()
    assert "Bitmap Index Scan on claims_claim_search" in plan


@pytest.mark.skipif(connection.vendor == "postgresql", reason="SQLite has no search index")
def test_sqlite_has_no_search_index(db):
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, "claims_claim")
    assert "claims_claim_search" not in constraints


@pytest.mark.django_db
def test_search_never_reaches_unpublished_claims(editor, client):
    make_published_claim(editor, slug="public", headline="Bridge collapse")
    make_claim(editor, slug="draft", headline="Bridge collapse draft", claimant=make_source("B"))
    assert found(client, "bridge") == ["public"]
    assert Claim.objects.filter(headline__icontains="bridge").count() == 2


def test_search_follows_edits_to_a_claim(seed, client, publisher):
    assert found(client, "satellite") == []
    Claim.objects.get(slug=CLAIM.kursk).revise(
        by=publisher,
        changes={"verdict_summary": "Confirmed by satellite imagery."},
        public_note="We added what confirmed the deployment.",
    )
    assert found(client, "satellite") == [CLAIM.kursk]
