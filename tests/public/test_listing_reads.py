"""
Lists read only what they show of each published revision: a card, a
ClaimReview in /claims.json, a feed entry, a source page's evidence and the
list of a claim's versions decode those parts of its document, never the
whole record (evidence, timeline...), and show what the whole record shows.
A verdict page reads its own record whole.
"""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from claims.claimreview import CLAIM_REVIEW_PARTS, claim_review
from claims.fragments import CARD_PARTS, render_card
from claims.models import Revision
from claims.models.revisions import EvidenceNaming
from claims.records import ClaimRecord
from tests.factories import forget_cached_pages, make_published_claim, page_text
from tests.seed import CLAIM, SOURCE

# A revision's document selected whole, not one of its parts.
WHOLE_DOCUMENT = re.compile(r'(SELECT|,)\s*"claims_revision"\."document"\s*(,|FROM)')

LISTS = [
    "/",
    "/?q=Kursk",
    "/?verdict=unverified",
    "/claims.json",
    "/feed/",
    f"/sources/{SOURCE.nis}/",
]


def whole_documents_read(path, client):
    """The queries that read a revision's whole document to answer `path` from empty caches."""
    forget_cached_pages()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return response, [query["sql"] for query in queries if WHOLE_DOCUMENT.search(query["sql"])]


def published_record():
    return {revision.pk: revision.digest for revision in Revision.objects.all()}


@pytest.mark.django_db
@pytest.mark.parametrize("fragments", [True, False], ids=["fragment cache", "no fragment cache"])
def test_lists_read_no_revision_whole(seed, client, settings, fragments):
    settings.PUBLIC_FRAGMENT_CACHE = fragments
    record = published_record()
    for path in LISTS:
        response, whole = whole_documents_read(path, client)
        assert whole == [], path
        assert b"North Korean" in response.content or b"north-korean" in response.content, path
    # The verdict page reads its one revision whole, as before; the list of
    # its versions reads the current one whole, and of each version its headline.
    response, whole = whole_documents_read(f"/claims/{CLAIM.deaths}/", client)
    assert len(whole) == 1
    assert "600" in response.content.decode()
    response, whole = whole_documents_read(f"/claims/{CLAIM.deaths}/versions/", client)
    assert len(whole) == 1
    assert "Version 2" in response.content.decode()
    assert published_record() == record


@pytest.mark.django_db
def test_cards_and_claim_reviews_from_their_parts_are_those_of_the_whole_record(seed):
    current = Revision.objects.current()
    whole = {revision.pk: revision for revision in current}
    assert len(whole) >= 4
    for revision, document in current.showing(CARD_PARTS):
        assert set(document) == set(CARD_PARTS)
        full = whole[revision.pk]
        assert render_card(revision, document) == render_card(full, full.document)
    for revision, document in current.showing(CLAIM_REVIEW_PARTS):
        full = whole[revision.pk]
        assert claim_review(ClaimRecord(document, revision)) == claim_review(
            ClaimRecord(full.document, full)
        )
    assert Revision.objects.current().count() == len(whole)


@pytest.mark.django_db
def test_parts_read_as_published_text_null_and_objects(editor):
    # A headline that reads as a number, a date left empty, no topic.
    claim = make_published_claim(editor, headline="2024", made_on=None, topic=None)
    revision = Revision.objects.get(claim=claim)
    parts = ("headline", "made_on", "topic", "claimant", "evidence")
    [(shown, document)] = Revision.objects.filter(pk=revision.pk).showing(parts)
    assert document == {part: revision.document[part] for part in parts}
    assert document["headline"] == "2024"
    assert document["made_on"] is None
    assert document["claimant"]["slug"] == claim.claimant.slug
    assert "document" in shown.get_deferred_fields()
    record = ClaimRecord(document, shown)
    assert record.headline == "2024"
    with pytest.raises(KeyError):
        record.wording  # noqa: B018 - a part not read is an error, never a blank
    assert Revision.objects.get(pk=revision.pk).document == revision.document


@pytest.mark.django_db
def test_a_source_page_reads_the_evidence_naming_it(seed, client):
    revisions = Revision.objects.current().naming(["source"], SOURCE.kcna)
    read = dict(revisions.values_list("slug", EvidenceNaming(SOURCE.kcna)))
    assert read
    response = client.get(f"/sources/{SOURCE.kcna}/")
    assert response.status_code == 200
    for slug, items in read.items():
        naming = [
            item
            for item in Revision.objects.current().get(slug=slug).document["evidence"]
            if SOURCE.kcna in {item["source"]["slug"], (item["origin"] or {}).get("slug")}
        ]
        assert naming
        assert all(item["title"] in page_text(response) for item in naming)
        if connection.vendor == "postgresql":
            assert items == naming
        else:
            # Elsewhere every item comes back, for the page to pick.
            assert all(item in items for item in naming)
    assert Revision.objects.current().naming(["source"], SOURCE.kcna).count() == len(read)
