"""Readers search published verdicts: the same matches on both databases, ranked on PostgreSQL."""

import re

import pytest
from django.db import connection

from claims.analysis import search_text
from claims.models import Claim, Revision, Source
from claims.search import matching, parse
from tests.factories import make_claim, make_published_claim, make_source, publish_changes
from tests.seed import CLAIM, SOURCE

on_postgresql = pytest.mark.postgresql(reason="ranking and the text index are PostgreSQL only")


def found(client, text, **filters):
    response = client.get("/", {"q": text, **filters})
    assert response.status_code == 200
    # What the cards link to, as readers see them (the page may come from the cache).
    return re.findall(r'<h3 class="card__title"><a href="/claims/([^/]+)/">', response.text)


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
    # The 600 claim's evidence quotes the 4,700 figure: "have been killed or wounded".
    assert CLAIM.casualties in found(client, '"killed or wounded"')
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
    first = Revision.objects.get(claim=make_published_claim(editor, claimant=claimant))
    claims = Claim.objects.bulk_create(
        Claim(
            slug=f"bulk-{number}",
            headline=f"Claim {number}",
            wording=f"Ordinary wording number {number}.",
            claimant=claimant,
            created_by=editor,
            is_published=True,
            published_at=first.published_at,
        )
        for number in range(3000)
    )
    Revision.objects.bulk_create(
        Revision(
            claim=claim,
            number=1,
            document={**first.document, "slug": claim.slug, "headline": claim.headline},
            published_at=first.published_at,
            published_by=editor,
            digest=first.digest,
            slug=claim.slug,
            rating=first.rating,
            claimant_slug=first.claimant_slug,
            first_published_at=first.published_at,
            # Words of their own, as published revisions have: the statistics
            # then tell the planner how rare a word is.
            search_text=search_text({**first.document, "headline": claim.headline}),
        )
        for claim in claims
    )
    with connection.cursor() as cursor:
        # Both tables: with stale statistics of a nearly empty claims table
        # (left by an earlier test in this process), the planner may walk
        # the claims instead and never reach the text index.
        cursor.execute("ANALYZE claims_revision, claims_claim")
        constraints = connection.introspection.get_constraints(cursor, "claims_revision")
        # A table this small is cheaper to scan whole, or to walk by date; a
        # desk's is not.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute("SET LOCAL enable_nestloop = off")
        # Other partial indexes cover `is_current` too; on a table this small
        # the planner may read all current rows through one and filter them.
        # Inside this test's transaction (rolled back after it) the text index
        # is left as the one way to find a rare word.
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'claims_revision'"
            " AND indexname <> 'claims_revision_search' AND indexdef LIKE '%WHERE%'"
        )
        for (name,) in cursor.fetchall():
            cursor.execute(f'DROP INDEX "{name}"')
    assert constraints["claims_revision_search"]["type"] == "gin"
    assert constraints["claims_revision_search"]["columns"] == ["search_document"]
    # The search's own condition, without the listing's order (which joins
    # the claims and lets the planner start from them on a table this small).
    found = matching(Revision.objects.current_in_every_language(), parse("rare")).order_by()
    plan = found.explain()
    assert "Bitmap Index Scan on claims_revision_search" in plan


@pytest.mark.skipif(connection.vendor == "postgresql", reason="SQLite has no search index")
def test_sqlite_has_no_search_index(db):
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, "claims_revision")
    assert "claims_revision_search" not in constraints


@pytest.mark.django_db
def test_search_never_reaches_unpublished_claims(editor, client):
    make_published_claim(editor, slug="public", headline="Bridge collapse")
    make_claim(editor, slug="draft", headline="Bridge collapse draft", claimant=make_source("B"))
    assert found(client, "bridge") == ["public"]
    assert Claim.objects.filter(headline__icontains="bridge").count() == 2


def test_search_finds_what_is_published_not_the_draft(seed, client, publisher):
    assert found(client, "satellite") == []
    claim = Claim.objects.get(slug=CLAIM.kursk)
    claim.verdict_summary = "Confirmed by satellite imagery."
    claim.save()
    assert found(client, "satellite") == []
    publish_changes(claim, publisher, "We added what confirmed the deployment.")
    assert found(client, "satellite") == [CLAIM.kursk]
    assert Revision.objects.current().get(claim=claim).document["summary"] == (
        "Confirmed by satellite imagery."
    )


def test_search_finds_the_claimant_as_published(seed, client, publisher):
    nis = Source.objects.get(slug=SOURCE.nis)
    nis.name = "Spy agency of Seoul"
    nis.save()
    assert found(client, "seoul") == []
    assert CLAIM.kursk in found(client, "intelligence")
    publish_changes(Claim.objects.get(slug=CLAIM.kursk), publisher, "The NIS was renamed.")
    assert found(client, "seoul") == [CLAIM.kursk]
    assert CLAIM.kursk not in found(client, "intelligence service")
