"""A source's page shows its grade, affiliation, published claims and where it is evidence."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from claims.caching import content_version
from claims.models import Claim
from tests.factories import (
    make_claim,
    make_evidence,
    make_published_claim,
    make_source,
    page_text,
    publish_draft,
)
from tests.seed import SOURCE


def test_the_nis_page_shows_its_grade_affiliation_and_published_claims(seed, client):
    response = client.get(f"/sources/{SOURCE.nis}/")
    text = page_text(response)
    assert response.status_code == 200
    assert "National Intelligence Service (NIS)" in text
    assert "Intelligence agency, South Korea" in text
    assert "Reliability C: fairly reliable" in text
    assert "South Korean government: sources with this affiliation count as one origin" in text
    for claim in Claim.objects.published().filter(claimant__slug=SOURCE.nis):
        assert claim.headline in text
    assert "Unverified About 4,700 North Korean soldiers" in text
    assert "Corroborated North Korea has sent troops" in text


def test_a_source_page_shows_where_it_serves_as_evidence_or_origin(seed, client):
    text = page_text(client.get(f"/sources/{SOURCE.seed_article}/"))
    assert "Commentary article reporting the NIS figure, on About 4,700 North Korean" in text
    nis = page_text(client.get(f"/sources/{SOURCE.nis}/"))
    assert "as the origin relayed by South Korean lawmakers briefed by the NIS" in nis


@pytest.mark.django_db
def test_a_source_page_lists_only_published_claims(editor, client):
    minister = make_source("Minister", affiliation="Government", reliability="B")
    make_source("Ministry", affiliation="Government")
    make_published_claim(editor, claimant=minister, headline="Said in public")
    draft = make_claim(editor, claimant=minister, headline="Still a draft")
    make_evidence(draft, minister, title="Draft evidence")
    text = page_text(client.get("/sources/minister/"))
    assert "Said in public" in text
    assert "Still a draft" not in text
    assert "Draft evidence" not in text
    # Ministry backs no published claim, so it is not named.
    assert "Ministry" not in text


def source_page_queries(client, slug):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(f"/sources/{slug}/").status_code == 200
    return len(queries)


@pytest.mark.django_db
def test_query_count_does_not_grow_with_claims_and_evidence(editor, client):
    agency = make_source("Agency", affiliation="Government")
    make_source("Ministry", affiliation="Government")

    def add(count):
        for _ in range(count):
            claim = make_published_claim(editor, claimant=agency, topic=None)
            make_evidence(claim, make_source(f"Wire {Claim.objects.count()}"), origin=agency)
            publish_draft(claim, editor)

    # The site-wide content version exists once any page was served.
    content_version()
    add(2)
    with_2 = source_page_queries(client, "agency")
    add(20)
    assert source_page_queries(client, "agency") == with_2
    assert client.get("/sources/agency/").text.count("as the origin relayed by Wire") == 22
