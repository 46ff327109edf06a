"""The feed and the sitemap are well-formed XML and list exactly what readers may see."""

import xml.etree.ElementTree as ET

import pytest

from claims.models import Claim, Correction, Revision, Source
from claims.sitemaps import ClaimSitemap
from tests.factories import (
    make_claim,
    make_published_claim,
    page_text,
    publish_changes,
    sitemap_pages,
)
from tests.seed import CLAIM, FIGURE, SOURCE

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
SITE = "https://desk.example.org"


@pytest.fixture
def site_url(settings):
    settings.SITE_URL = SITE


def parse_xml(content):
    # Our own output, in tests: the stdlib parser is fine here.
    return ET.fromstring(content)  # noqa: S314


def feed_entries(client):
    response = client.get("/feed/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = parse_xml(response.content)
    return [
        (entry.find(f"{ATOM}title").text, entry.find(f"{ATOM}link").get("href"))
        for entry in root.iter(f"{ATOM}entry")
    ]


def sitemap_locations(client):
    """Every address in every page of the sitemap, as its index lists the pages."""
    index = parse_xml(client.get("/sitemap.xml").content)
    assert index.tag == f"{SITEMAP}sitemapindex"
    assert all(loc.text.startswith(f"{SITE}/sitemap-") for loc in index.iter(f"{SITEMAP}loc"))
    locations = []
    for page in sitemap_pages(client):
        response = client.get(page)
        assert response.status_code == 200, page
        locations += [loc.text for loc in parse_xml(response.content).iter(f"{SITEMAP}loc")]
    return locations


def claim_url(slug):
    return f"{SITE}/claims/{slug}/"


def published_urls():
    return {claim_url(slug) for slug in Claim.objects.published().values_list("slug", flat=True)}


def published_addresses():
    """Every published claim's address in each language it is published in."""
    translated = set(
        Revision.objects.current_translations("ko").values_list("claim__slug", flat=True)
    )
    return published_urls() | {
        claim_url(slug).replace(SITE, f"{SITE}/ko", 1) for slug in translated
    }


def test_the_feed_lists_exactly_the_published_claims_newest_first(seed, client, site_url):
    entries = feed_entries(client)
    verdicts = [(title, link) for title, link in entries if "#correction-" not in link]
    assert {link for _, link in verdicts} == published_urls()
    assert len(verdicts) == 4
    assert verdicts[0] == (
        "Unverifiable: There are many North Korea sympathisers in South Korea",
        claim_url(CLAIM.sympathisers),
    )
    # The seed's one correction, September's update on the death toll, is the
    # newest entry, linked to its place on the verdict page: the first
    # correction its revision lists.
    assert Correction.objects.get().claim.slug == CLAIM.deaths
    assert entries[0] == (
        "Update: About 600 North Korean soldiers have died fighting for Russia",
        f"{claim_url(CLAIM.deaths)}#correction-1",
    )


def test_the_feed_carries_published_corrections_only(seed, client, site_url, publisher):
    published = Claim.objects.get(slug=CLAIM.kursk)
    unpublished = Claim.objects.get(slug=CLAIM.cremated)
    before = feed_entries(client)
    Correction.objects.create(claim=unpublished, note="Never to be seen.")
    Correction.objects.create(claim=published, note="Written outside the workflow.")
    assert feed_entries(client) == before
    Correction.objects.filter(claim=published).delete()
    published.context = "In the Kursk region, not Kharkiv."
    published.save()
    publish_changes(published, publisher, "Region name corrected.")
    entries = feed_entries(client)
    assert entries[0] == (
        "Update: North Korea has sent troops to fight for Russia in the Kursk region",
        f"{claim_url(CLAIM.kursk)}#correction-1",
    )
    assert len(entries) == 6
    content = client.get("/feed/").content.decode()
    assert "Never to be seen" not in content
    assert "Written outside the workflow" not in content
    assert Correction.objects.get(claim=published).note == "Region name corrected."


def test_the_sitemap_lists_exactly_the_published_claims_and_their_sources(seed, client, site_url):
    locations = sitemap_locations(client)
    claims = {url for url in locations if "/claims/" in url}
    browse = {
        f"{SITE}{prefix}/{page}/" for page in ["figures", "sources"] for prefix in ["", "/ko"]
    }
    sources = {url for url in locations if "/sources/" in url} - browse
    figures = {url for url in locations if "/figures/" in url} - browse
    assert claims == published_addresses()
    assert browse <= set(locations)
    assert len(locations) == len(set(locations)) == len(claims) + len(sources) + len(figures) + 4
    # Sources, figures and their lists have a page in every language; a claim
    # only in those it is published in.
    assert figures == {
        f"{SITE}{prefix}/figures/{slug}/"
        for slug in [FIGURE.casualties, FIGURE.deaths]
        for prefix in ["", "/ko"]
    }
    # The commenter's and the NIS's claims are published; the others publish or
    # originate evidence on them. Sources seen only as an estimate's relay are left out.
    assert sources == {
        f"{SITE}{prefix}/sources/{slug}/"
        for prefix in ["", "/ko"]
        for slug in [
            SOURCE.nis,
            SOURCE.rok_lawmakers,
            SOURCE.seed_article,
            SOURCE.north_korea,
            SOURCE.kcna,
            SOURCE.russian_general_staff,
            SOURCE.nk_news,
            SOURCE.business_recorder,
            SOURCE.unnamed_commenter,
        ]
    }
    assert Source.objects.count() == 19


@pytest.mark.django_db
def test_the_sitemap_leaves_out_sources_seen_only_on_unpublished_claims(editor, client, site_url):
    make_published_claim(editor, slug="public-claim")
    make_claim(editor, slug="draft-claim", claimant=Source.objects.create(name="Draft", slug="d"))
    locations = sitemap_locations(client)
    assert locations == [
        f"{SITE}/claims/public-claim/",
        f"{SITE}/sources/claimant/",
        f"{SITE}/ko/sources/claimant/",
        f"{SITE}/sources/",
        f"{SITE}/ko/sources/",
    ]


@pytest.mark.django_db
def test_an_empty_desk_has_an_empty_but_valid_feed_and_sitemap(client, site_url):
    assert feed_entries(client) == []
    assert sitemap_locations(client) == []


@pytest.mark.django_db
def test_feed_titles_are_text_and_summaries_escaped_html(editor, client, site_url):
    make_published_claim(editor, headline="Russia's <b>bold</b> claim", verdict_summary="<i>x</i>")
    content = client.get("/feed/").content.decode()
    [(title, _)] = feed_entries(client)
    assert title == "Unverified: Russia's <b>bold</b> claim"
    root = parse_xml(client.get("/feed/").content)
    summary = root.find(f"{ATOM}entry/{ATOM}summary")
    assert summary.get("type") == "html"
    assert summary.text == "&lt;i&gt;x&lt;/i&gt;"
    assert "<i>" not in content


def test_the_sitemap_index_lists_a_page_for_every_5000_addresses(
    seed, client, site_url, monkeypatch
):
    # Two addresses a page here, as 5,000 on a desk with more claims.
    monkeypatch.setattr(ClaimSitemap, "limit", 2)
    # An address a claim has in each language it is published in.
    published = len(published_addresses())
    pages = sitemap_pages(client)
    claim_pages = [page for page in pages if page.startswith("/sitemap-claims.xml")]
    assert len(claim_pages) == -(-published // 2) >= 2
    assert claim_pages[1] == "/sitemap-claims.xml?p=2"
    assert pages[len(claim_pages) :] == [
        "/sitemap-sources.xml",
        "/sitemap-figures.xml",
        "/sitemap-browse.xml",
    ]
    locations = sitemap_locations(client)
    assert len(locations) == len(set(locations))
    assert {url for url in locations if "/claims/" in url} == published_addresses()
    # A page past the last, or a section that does not exist, is not found.
    assert client.get(f"/sitemap-claims.xml?p={len(claim_pages) + 1}").status_code == 404
    assert client.get("/sitemap-notes.xml").status_code == 404


def test_feed_in_the_navigation_opens_a_page_that_explains_and_links_the_feed(
    seed, client, site_url
):
    home = client.get("/").content.decode()
    nav = home[home.index('<nav aria-label="Site">') : home.index("</nav>")]
    assert '<a href="/follow/">Feed</a>' in nav
    # Feed readers still find the feed itself from every page.
    assert 'type="application/atom+xml"' in home
    assert 'href="/feed/"' in home

    response = client.get("/follow/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    text = page_text(response)
    assert "Follow our verdicts" in text
    assert "Copy this address into your feed reader" in text
    assert f"{SITE}/feed/" in text
    assert '<a href="/feed/" type="application/atom+xml">open the feed itself</a>' in (
        response.content.decode()
    )
    # The feed it links is the same well-formed Atom, with every published verdict.
    entries = feed_entries(client)
    published = Claim.objects.published().count()
    assert len([link for _, link in entries if "#correction-" not in link]) == published


def test_a_feed_with_every_verdict_withdrawn_lists_the_withdrawals_dated_by_the_last(
    seed, client, publisher, uncached_pages
):
    withdrawn = list(Claim.objects.filter(is_published=True))
    for claim in withdrawn:
        claim.unpublish(by=publisher, note="Legal check.", public_note="Withdrawn for a check.")
    first, second = client.get("/feed/").content, client.get("/feed/").content
    assert first == second
    # Only withdrawals: no verdict, no correction.
    assert first.count(b"<entry>") == first.count(b"<title>Withdrawn: ") == len(withdrawn)
    assert b"Withdrawn for a check." in first
    last = Revision.objects.order_by("-published_at").first()
    assert f"<updated>{last.published_at.isoformat()}".encode() in first
    assert not Revision.objects.current().exists()
