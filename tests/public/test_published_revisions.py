"""
Readers see published revisions only: a draft edit of anything a verdict
shows (the claim, its evidence, a caveat, the claimant's name, grade or
address, the article it appeared in, an estimate it states) changes no byte
of any public surface until a publisher publishes the changes, after which
the pages show the new state and the correction.
"""

import html
import re

import pytest

from claims.choices import Action
from claims.invariants import find_violations
from claims.models import Article, Caveat, Claim, Correction, Estimate, Evidence, Revision, Source
from tests.factories import forget_cached_pages, page_text
from tests.seed import ARTICLE, CLAIM, FIGURE, SOURCE, TOPIC

CASUALTIES = f"/claims/{CLAIM.casualties}/"
SOURCE_PAGE = f"/sources/{SOURCE.nis}/"
FIGURE_PAGE = f"/figures/{FIGURE.casualties}/"
# Every public surface that shows the 4,700 claim, as readers and machines
# fetch them: the verdict page, its card on the list, the list filtered by
# verdict, topic and claimant, a search that finds it, the feed, the
# sitemap, ClaimReview for aggregators.
SURFACES = [
    CASUALTIES,
    "/",
    "/?verdict=unverified",
    f"/?topic={TOPIC.north_korea_russia}",
    f"/?source={SOURCE.nis}",
    "/?q=4700",
    "/?q=intelligence",
    "/feed/",
    "/sitemap-claims.xml",
    "/sitemap-sources.xml",
    "/claims.json",
]
# What a source's page and a figure's page show of published claims; the
# rest of those pages is the source's or the figure's own, live, record.
SOURCE_PAGE_CLAIMS = re.compile(r'<section aria-labelledby="claims-heading">.*?</article>', re.S)
FIGURE_PAGE_CLAIMS = re.compile(r'<span class="estimates__aside">Our fact-check: .*?</span>')
# A search lists the sources and figures that match beside the claims, by
# their own live names and estimates, as their own pages show them.
ALSO_FOUND = re.compile(rb'<aside class="also-found".*?</aside>', re.S)
NEW_WORDING = "About 4,700 North Korean soldiers were killed or wounded, Zanzibar sources say."


def public_bytes(client):
    """Every surface's body, nonces blanked, and the parts of the source's and figure's pages
    that come from published claims."""
    bodies = {}
    for path in SURFACES:
        response = client.get(path)
        assert response.status_code == 200, path
        body = ALSO_FOUND.sub(b"", response.content)
        bodies[path] = re.sub(rb'nonce="[^"]*"', b'nonce=""', body)
    source_page = client.get(SOURCE_PAGE).content.decode()
    bodies[SOURCE_PAGE] = SOURCE_PAGE_CLAIMS.findall(source_page)
    bodies[FIGURE_PAGE] = FIGURE_PAGE_CLAIMS.findall(client.get(FIGURE_PAGE).content.decode())
    return bodies


def edit_wording():
    claim = Claim.objects.get(slug=CLAIM.casualties)
    claim.wording = NEW_WORDING
    claim.context = "Told to lawmakers behind closed doors."
    claim.save()
    return NEW_WORDING


def edit_evidence():
    item = Evidence.objects.filter(claim__slug=CLAIM.casualties).order_by("pk").first()
    item.title = "A retitled report of the briefing"
    item.save()
    return item.title


def edit_caveat():
    caveat = Caveat.objects.filter(claim__slug=CLAIM.casualties).order_by("pk").first()
    caveat.text = "Nobody outside the NIS has seen its method."
    caveat.save()
    return caveat.text


def rename_claimant():
    nis = Source.objects.get(slug=SOURCE.nis)
    nis.name = "Russian Ministry of Defence"
    nis.reliability = "A"
    nis.url = "https://mil.example/"
    nis.save()
    return "Russian Ministry of Defence"


def repoint_article():
    article = Article.objects.get(slug=ARTICLE.nis_casualties)
    article.url = "https://another-site.example/story"
    article.save()
    return "https://another-site.example/story"


def restate_estimate():
    estimate = Estimate.objects.get(claims__slug=CLAIM.casualties)
    estimate.low = 47_000
    estimate.save()
    return "about 47,000 soldiers"


DRAFT_EDITS = {
    "the claim": edit_wording,
    "an evidence item": edit_evidence,
    "a caveat": edit_caveat,
    "the claimant's name, grade and address": rename_claimant,
    "the article's address": repoint_article,
    "a stated estimate's value": restate_estimate,
}


@pytest.mark.parametrize("edit", DRAFT_EDITS.values(), ids=DRAFT_EDITS.keys())
def test_a_draft_edit_changes_no_public_byte_until_it_is_published(
    edit, seed, client, editor, publisher
):
    before = public_bytes(client)
    shown = edit()
    claim = Claim.objects.get(slug=CLAIM.casualties)
    claim.note_draft_author(editor)
    assert claim.has_draft_changes()
    # Served from the cache, and rendered afresh: the same bytes either way.
    assert public_bytes(client) == before
    forget_cached_pages()
    assert public_bytes(client) == before
    assert shown not in html.unescape(client.get(CASUALTIES).content.decode())

    claim.transition(
        Action.PUBLISH_CHANGES,
        by=publisher,
        public_note="We corrected what the page said.",
        note="Checked against the briefing.",
    )
    response = client.get(CASUALTIES)
    assert shown in html.unescape(response.content.decode())
    assert "Update: We corrected what the page said." in page_text(response)
    assert Revision.objects.current().get(slug=CLAIM.casualties).number == 2
    assert Correction.objects.filter(claim=claim, note="We corrected what the page said.").exists()
    assert not Claim.objects.get(pk=claim.pk).has_draft_changes()


def test_a_published_change_reaches_every_surface(seed, client, editor, publisher):
    edit_wording()
    claim = Claim.objects.get(slug=CLAIM.casualties)
    claim.headline = "About 4,700 Zanzibar casualties, the NIS says"
    claim.save()
    claim.note_draft_author(editor)
    assert "Zanzibar" not in client.get("/?q=zanzibar").content.decode()
    claim.transition(Action.PUBLISH_CHANGES, by=publisher, public_note="We reworded the headline.")
    assert "4,700 Zanzibar casualties" in page_text(client.get("/?q=zanzibar"))
    for path in ["/", f"/?source={SOURCE.nis}", "/?verdict=unverified", "/feed/", "/claims.json"]:
        assert "4,700 Zanzibar casualties" in client.get(path).content.decode(), path
    feed = client.get("/feed/").content.decode()
    assert "<title>Update: About 4,700 Zanzibar casualties, the NIS says</title>" in feed
    assert "We reworded the headline." in feed
    assert "4,700 Zanzibar casualties" in client.get(SOURCE_PAGE).content.decode()
    assert "4,700 Zanzibar casualties" in client.get(FIGURE_PAGE).content.decode()
    assert Revision.objects.current().get(claim=claim).document["headline"] == claim.headline


def test_the_publish_step_leaves_the_record_consistent(seed, client, editor, publisher):
    rename_claimant()
    claim = Claim.objects.get(slug=CLAIM.casualties)
    claim.note_draft_author(editor)
    claim.transition(Action.PUBLISH_CHANGES, by=publisher, public_note="The NIS was renamed.")
    revision = Revision.objects.current().get(claim=claim)
    assert revision.document["claimant"]["name"] == "Russian Ministry of Defence"
    # The other claims the NIS made are unchanged until their own revisions.
    kursk = page_text(client.get(f"/claims/{CLAIM.kursk}/"))
    assert "Claimed by National Intelligence Service (NIS)" in kursk
    assert not [v for v in find_violations() if v.row == CLAIM.casualties]
