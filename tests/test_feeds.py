"""The feed and the sitemap are well-formed XML and list exactly what readers may see."""

import xml.etree.ElementTree as ET

import pytest

from claims.models import Claim, Correction, Source
from tests.conftest import make_claim, make_published_claim

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
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    root = parse_xml(response.content)
    return [loc.text for loc in root.iter(f"{SITEMAP}loc")]


def claim_url(slug):
    return f"{SITE}/claims/{slug}/"


def published_urls():
    return {claim_url(slug) for slug in Claim.objects.published().values_list("slug", flat=True)}


def test_the_feed_lists_exactly_the_published_claims_newest_first(seed, client, site_url):
    entries = feed_entries(client)
    assert {link for _, link in entries} == published_urls()
    assert len(entries) == 4
    assert entries[0] == (
        "Unverifiable: There are many North Korea sympathisers in South Korea",
        claim_url("many-north-korea-sympathisers"),
    )


def test_the_feed_carries_corrections_on_published_claims_only(seed, client, site_url):
    published = Claim.objects.get(slug="north-korean-troops-kursk")
    unpublished = Claim.objects.get(slug="dead-cremated-in-russia")
    correction = Correction.objects.create(claim=published, note="Region name corrected.")
    Correction.objects.create(claim=unpublished, note="Never to be seen.")
    entries = feed_entries(client)
    assert entries[0] == (
        "Update: North Korea has sent troops to fight for Russia in the Kursk region",
        f"{claim_url('north-korean-troops-kursk')}#correction-{correction.pk}",
    )
    assert len(entries) == 5
    assert "Never to be seen" not in client.get("/feed/").content.decode()


def test_the_sitemap_lists_exactly_the_published_claims_and_their_sources(seed, client, site_url):
    locations = sitemap_locations(client)
    claims = {url for url in locations if "/claims/" in url}
    sources = {url for url in locations if "/sources/" in url}
    assert claims == published_urls()
    assert len(locations) == len(set(locations)) == len(claims) + len(sources)
    # The quoted commenter's and NIS's claims are published; the seed article is
    # evidence on published claims; North Korea, KCNA and Russia's General Staff
    # are origins on the Kursk claim, relayed by NK News and Business Recorder.
    assert sources == {
        f"{SITE}/sources/{slug}/"
        for slug in [
            "nis",
            "rok-lawmakers",
            "seed-article",
            "north-korea",
            "quoted-commenter",
            "russian-general-staff",
            "kcna",
            "nk-news",
            "business-recorder",
        ]
    }
    assert Source.objects.count() == 9


@pytest.mark.django_db
def test_the_sitemap_leaves_out_sources_seen_only_on_unpublished_claims(alice, client, site_url):
    make_published_claim(alice, slug="public-claim")
    make_claim(alice, slug="draft-claim", claimant=Source.objects.create(name="Draft", slug="d"))
    locations = sitemap_locations(client)
    assert locations == [f"{SITE}/claims/public-claim/", f"{SITE}/sources/claimant/"]


@pytest.mark.django_db
def test_an_empty_desk_has_an_empty_but_valid_feed_and_sitemap(client, site_url):
    assert feed_entries(client) == []
    assert sitemap_locations(client) == []


@pytest.mark.django_db
def test_feed_titles_are_text_and_summaries_escaped_html(alice, client, site_url):
    make_published_claim(alice, headline="Russia's <b>bold</b> claim", verdict_summary="<i>x</i>")
    content = client.get("/feed/").content.decode()
    [(title, _)] = feed_entries(client)
    assert title == "Unverified: Russia's <b>bold</b> claim"
    root = parse_xml(client.get("/feed/").content)
    summary = root.find(f"{ATOM}entry/{ATOM}summary")
    assert summary.get("type") == "html"
    assert summary.text == "&lt;i&gt;x&lt;/i&gt;"
    assert "<i>" not in content
