"""
Readers see the history: every published revision of a claim has its own
permanent address, with its date, its public note and what changed from the
one before; earlier versions are not for search engines and carry no
ClaimReview; a slug readers once saw answers with a redirect, never a 404.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.html import escape

from claims.choices import Action, Stance
from claims.models import Claim, Revision
from tests.claimreview_documents import claimreview_of, embedded_claimreviews
from tests.factories import (
    forget_cached_pages,
    make_evidence,
    make_published_claim,
    make_source,
    page_text,
)
from tests.seed import CLAIM

DEATHS = f"/claims/{CLAIM.deaths}/"
CASUALTIES = f"/claims/{CLAIM.casualties}/"


def publish_new_context(slug, publisher, editor, **changes):
    """Edit the draft of the claim `slug` as `editor`, then publish it as `publisher`."""
    claim = Claim.objects.get(slug=slug)
    for name, value in {"context": "Said behind closed doors.", **changes}.items():
        setattr(claim, name, value)
    claim.save()
    claim.note_draft_author(editor)
    claim.transition(
        Action.PUBLISH_CHANGES,
        by=publisher,
        public_note="We said where the figure was given.",
        note="From the committee's minutes.",
    )
    return Claim.objects.get(pk=claim.pk)


def test_a_verdict_page_links_its_earlier_versions_only_when_it_has_some(seed, client):
    assert "Earlier versions" not in page_text(client.get(CASUALTIES))
    response = client.get(DEATHS)
    assert "Earlier versions" in page_text(response)
    assert f'href="/claims/{CLAIM.deaths}/versions/"' in response.content.decode()
    assert Revision.objects.originals().filter(claim__slug=CLAIM.deaths).count() == 2


def test_the_versions_list_gives_each_version_its_date_note_and_address(seed, client):
    response = client.get(f"/claims/{CLAIM.deaths}/versions/")
    text = page_text(response)
    content = response.content.decode()
    assert response.status_code == 200
    assert "Version 2 (current), published 3 September 2025" in text
    assert "Version 1, published 30 April 2025" in text
    assert "On 2 September 2025 the NIS told lawmakers" in text
    assert f'href="/claims/{CLAIM.deaths}/versions/1/"' in content
    assert '<meta name="robots" content="noindex">' in content
    assert response["X-Robots-Tag"] == "noindex"


def test_an_earlier_version_shows_what_readers_saw_and_what_changed(
    seed, client, editor, publisher
):
    old_context = Claim.objects.get(slug=CLAIM.casualties).context
    publish_new_context(CLAIM.casualties, publisher, editor)
    old = client.get(f"/claims/{CLAIM.casualties}/versions/1/")
    text = page_text(old)
    assert old.status_code == 200
    assert "Version 1, published 30 April 2025" in text
    assert "This is an earlier version of this fact-check, as readers saw it until" in text
    assert "This is the first version readers saw." in text
    assert "Said behind closed doors." not in text
    assert old_context in text

    new = client.get(f"/claims/{CLAIM.casualties}/versions/2/")
    text = page_text(new)
    assert "This is the current version of this fact-check." in text
    assert "What we told readers: We said where the figure was given." in text
    assert "What changed from version 1" in text
    # Changes are marked in words, not by colour alone.
    assert f"Context Removed: {old_context} Added: Said behind closed doors." in text
    assert "Corrections Added:" in text
    assert "Update: We said where the figure was given." in text
    assert Revision.objects.originals().filter(claim__slug=CLAIM.casualties).count() == 2


def test_a_replaced_line_is_shown_removed_and_added(seed, client, editor, publisher):
    claim = Claim.objects.get(slug=CLAIM.casualties)
    old_wording = claim.wording
    publish_new_context(CLAIM.casualties, publisher, editor, wording="About 4,700, the NIS said.")
    content = client.get(f"/claims/{CLAIM.casualties}/versions/2/").content.decode()
    removed = f'<del><span class="changes__mark">Removed:</span> {escape(old_wording)}</del>'
    assert removed in content
    assert '<ins><span class="changes__mark">Added:</span> About 4,700, the NIS said.</ins>' in (
        content
    )


def test_earlier_versions_are_noindex_without_claimreview(seed, client):
    response = client.get(f"/claims/{CLAIM.deaths}/versions/1/")
    content = response.content.decode()
    assert response.status_code == 200
    assert '<meta name="robots" content="noindex">' in content
    assert response["X-Robots-Tag"] == "noindex"
    assert embedded_claimreviews(response) == []
    assert 'rel="canonical"' not in content
    assert "Earlier versions" not in page_text(response)


def test_the_current_claimreview_carries_date_modified_once_revised(
    seed, client, editor, publisher
):
    assert "dateModified" not in claimreview_of(client, CLAIM.casualties)
    assert claimreview_of(client, CLAIM.deaths)["dateModified"] == "2025-09-03"
    claim = publish_new_context(CLAIM.casualties, publisher, editor)
    revision = Revision.objects.current().get(claim=claim)
    document = claimreview_of(client, CLAIM.casualties)
    assert document["dateModified"] == revision.published_at.date().isoformat()
    assert document["datePublished"] == "2025-04-30"


def test_a_version_that_does_not_exist_is_not_found(seed, client):
    assert client.get(f"/claims/{CLAIM.deaths}/versions/3/").status_code == 404
    assert client.get(f"/claims/{CLAIM.cremated}/versions/").status_code == 404
    assert client.get(f"/claims/{CLAIM.cremated}/versions/1/").status_code == 404
    assert not Revision.objects.filter(claim__slug=CLAIM.cremated).exists()


def test_a_new_slug_redirects_the_old_address_once_published(seed, client, editor, publisher):
    old = f"/claims/{CLAIM.casualties}/"
    claim = Claim.objects.get(slug=CLAIM.casualties)
    claim.slug = "nis-4700-casualties"
    claim.save()
    # A draft slug is nobody's address yet.
    assert client.get(old).status_code == 200
    assert client.get("/claims/nis-4700-casualties/").status_code == 404
    publish_new_context("nis-4700-casualties", publisher, editor)
    response = client.get(old)
    assert response.status_code == 301
    assert response["Location"] == "/claims/nis-4700-casualties/"
    versions = client.get(f"/claims/{CLAIM.casualties}/versions/1/")
    assert versions.status_code == 301
    assert versions["Location"] == "/claims/nis-4700-casualties/versions/1/"
    assert client.get("/claims/nis-4700-casualties/").status_code == 200
    assert Revision.objects.current().get(claim=claim).slug == "nis-4700-casualties"


def test_an_unpublished_claims_old_addresses_are_gone(seed, client, publisher):
    claim = Claim.objects.get(slug=CLAIM.deaths)
    claim.unpublish(by=publisher, note="Legal asked.", public_note="Withdrawn for review.")
    # The verdict's own address tells readers it was withdrawn (410); its versions are gone.
    assert client.get(DEATHS).status_code == 410
    for path in [f"{DEATHS}versions/", f"{DEATHS}versions/1/"]:
        assert client.get(path).status_code == 404, path
    assert not Revision.objects.current().filter(claim=claim).exists()


def verdict_page_queries(client, path):
    forget_cached_pages()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


@pytest.mark.parametrize("slug", [CLAIM.casualties, CLAIM.deaths, CLAIM.kursk, CLAIM.sympathisers])
def test_a_verdict_page_renders_from_its_revision_in_at_most_3_queries(
    slug, seed, client, uncached_pages
):
    # The revision, and the later estimates of what it states (when it states any).
    assert verdict_page_queries(client, f"/claims/{slug}/") <= 3
    assert Revision.objects.current().filter(slug=slug).exists()


@pytest.mark.django_db
def test_the_query_count_does_not_grow_with_evidence(editor, publisher, client, uncached_pages):
    claim = make_published_claim(editor, claimant=make_source("Claimant", affiliation="Govt"))

    def add_evidence(count):
        start = claim.evidence.count()
        for number in range(start, start + count):
            make_evidence(
                claim,
                make_source(f"Outlet {number}", affiliation=f"Owner {number}"),
                origin=make_source(f"Origin {number}", affiliation=f"Group {number % 3}"),
                stance=list(Stance)[number % 3],
            )
        Revision.objects.originals().filter(claim=claim).update(is_current=False)
        Revision.publish(claim, by=publisher, at=claim.published_at)

    add_evidence(2)
    with_2 = verdict_page_queries(client, claim.get_absolute_url())
    add_evidence(48)
    with_50 = verdict_page_queries(client, claim.get_absolute_url())
    assert with_2 == with_50 == 1
    assert len(Revision.objects.current().get(claim=claim).document["evidence"]) == 50
