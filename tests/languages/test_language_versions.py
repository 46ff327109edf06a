"""
Every public page in each language: a switcher leading to the same page in
the other language (or saying it has none), `<html lang>`, hreflang
alternates and a canonical address per language; Korean dates and the
newsroom's time zone; a feed per language; ClaimReview and the sitemap
naming each page's language.
"""

import json
import re
import xml.etree.ElementTree as ET
from calendar import month_name

import pytest

from claims.models import Revision, Translation
from tests.seed import CLAIM, SOURCE

SITE = "https://desk.example.org"
ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"
DEATHS = f"/claims/{CLAIM.deaths}/"


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = SITE


@pytest.fixture
def published_in_both():
    """The seed publishes every published claim in English and Korean."""
    assert Revision.objects.current_translations("ko").filter(slug=CLAIM.deaths).exists()


@pytest.fixture
def deaths_in_english_only(seed):
    """The deaths claim with its Korean version taken away, as if never published."""
    Translation.objects.filter(claim__slug=CLAIM.deaths).update(published=None)
    Revision.objects.filter(claim__slug=CLAIM.deaths, language="ko").delete()


def page(client, path):
    response = client.get(path)
    assert response.status_code == 200, path
    return response.content.decode()


def switcher(html):
    """The language switcher's items: (text, link or None)."""
    nav = re.search(r'<nav class="languages".*?</nav>', html, re.S).group(0)
    items = re.findall(r"<li>(.*?)</li>", nav, re.S)
    return [
        (
            re.sub(r"<[^>]+>", "", item),
            (re.search(r'href="([^"]+)"', item) or [None, None])[1],
        )
        for item in items
    ]


def alternates(html):
    return dict(re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', html))


def canonical(html):
    return re.search(r'<link rel="canonical" href="([^"]+)">', html).group(1)


def test_the_list_switches_to_the_same_list_in_the_other_language(client, seed):
    english = page(client, "/?verdict=unverified")
    assert switcher(english) == [("English", None), ("한국어", "/ko/?verdict=unverified")]
    korean = page(client, "/ko/?verdict=unverified")
    assert switcher(korean) == [("English", "/?verdict=unverified"), ("한국어", None)]
    assert 'aria-current="page" lang="ko">한국어' in korean
    assert Revision.objects.current().filter(rating="unverified").count() == 2


def test_a_verdict_published_in_english_only_says_so_and_does_not_link(
    client, deaths_in_english_only
):
    english = page(client, DEATHS)
    assert switcher(english) == [("English", None), ("한국어: not published in Korean", None)]
    assert 'href="/ko/claims/' not in english
    assert alternates(english) == {"en": f"{SITE}{DEATHS}", "x-default": f"{SITE}{DEATHS}"}
    # The Korean interface shows the English record, marked as English, and
    # sends search engines to the English page.
    korean = page(client, f"/ko{DEATHS}")
    assert switcher(korean) == [("English", DEATHS), ("한국어", None)]
    assert canonical(korean) == f"{SITE}{DEATHS}"
    assert alternates(korean) == {"en": f"{SITE}{DEATHS}", "x-default": f"{SITE}{DEATHS}"}
    assert '<h1 class="page-title" lang="en">About 600 North Korean' in korean
    assert Revision.objects.current().filter(slug=CLAIM.deaths).exists()


def test_a_verdict_published_in_both_languages_switches_to_the_same_claim(
    client, seed, published_in_both
):
    english = page(client, DEATHS)
    assert switcher(english) == [("English", None), ("한국어", f"/ko{DEATHS}")]
    korean = page(client, f"/ko{DEATHS}")
    assert switcher(korean) == [("English", DEATHS), ("한국어", None)]
    assert canonical(english) == f"{SITE}{DEATHS}"
    assert canonical(korean) == f"{SITE}/ko{DEATHS}"
    assert alternates(korean) == {
        "en": f"{SITE}{DEATHS}",
        "ko": f"{SITE}/ko{DEATHS}",
        "x-default": f"{SITE}{DEATHS}",
    }


@pytest.mark.parametrize(
    ("path", "language"),
    [
        ("/", "en"),
        ("/ko/", "ko"),
        ("/methodology/", "en"),
        ("/ko/methodology/", "ko"),
        (f"/sources/{SOURCE.nis}/", "en"),
        (f"/ko/sources/{SOURCE.nis}/", "ko"),
    ],
)
def test_each_page_names_its_language_its_alternates_and_its_canonical_address(
    client, seed, path, language
):
    html = page(client, path)
    assert f'<html lang="{language}">' in html
    english_path = path.removeprefix("/ko")
    assert alternates(html) == {
        "en": f"{SITE}{english_path}",
        "ko": f"{SITE}/ko{english_path}",
        "x-default": f"{SITE}{english_path}",
    }
    assert canonical(html) == f"{SITE}{path}"
    assert Revision.objects.current().count() == 4


def test_korean_pages_write_dates_as_korean_does(client, seed):
    korean = page(client, f"/ko{DEATHS}")
    assert '<time datetime="2025-04-30">2025년 4월 30일</time>' in korean
    english = page(client, DEATHS)
    assert '<time datetime="2025-04-30">30 April 2025</time>' in english
    assert "2025년" not in english
    assert Revision.objects.current().count() == 4


def test_list_cards_write_dates_as_the_verdict_pages_do(client, seed):
    published = [revision.published_at for revision in Revision.objects.current()]
    card_dates = re.compile(r'<time datetime="[^"]+">([^<]+)</time>\s*</p>\s*</li>')
    korean = card_dates.findall(page(client, "/ko/"))
    english = card_dates.findall(page(client, "/"))
    assert len(korean) == len(english) == len(published) == 4
    # The long format ("2025년 4월 30일", "30 April 2025"), not the short "2025. 4. 30.".
    assert all(re.fullmatch(r"\d{4}년 \d{1,2}월 \d{1,2}일", date) for date in korean)
    assert all(
        re.fullmatch(r"\d{1,2} [A-Z][a-z]+ \d{4}", date) and date.split()[1] in month_name
        for date in english
    )


def test_times_are_shown_in_the_newsrooms_time_zone(client, seed, settings):
    settings.TIME_ZONE = "Asia/Seoul"
    korean = page(client, f"/ko{DEATHS}")
    published = Revision.objects.current().get(slug=CLAIM.deaths).first_published_at
    assert re.search(r"\d{4}년 \d{1,2}월 \d{1,2}일 \d\d:\d\d KST", korean)
    assert published.utcoffset().total_seconds() == 0


def test_there_is_a_feed_per_language(client, seed):
    english = ET.fromstring(client.get("/feed/").content)  # noqa: S314
    korean_response = client.get("/ko/feed/")
    korean = ET.fromstring(korean_response.content)  # noqa: S314
    assert korean_response.status_code == 200
    assert korean.find(f"{ATOM}title").text == "Factcheck Desk: 판정과 정정"
    assert korean.get("{http://www.w3.org/XML/1998/namespace}lang") == "ko"
    assert korean.find(f"{ATOM}link[@rel='alternate']").get("href") == f"{SITE}/ko/"
    # A verdict is in the feed of each language it is published in: the seed's
    # are in both, each in its language's words and at its address.
    english_links = {
        entry.find(f"{ATOM}link").get("href") for entry in english.findall(f"{ATOM}entry")
    }
    korean_links = {
        entry.find(f"{ATOM}link").get("href") for entry in korean.findall(f"{ATOM}entry")
    }
    assert len(english_links) >= 4
    assert korean_links == {link.replace(SITE, f"{SITE}/ko", 1) for link in english_links}
    assert '<link rel="alternate" type="application/atom+xml"' in page(client, "/ko/")
    assert 'href="/ko/feed/"' in page(client, "/ko/")


def test_claimreview_names_the_records_language_and_its_address(client, seed):
    korean = page(client, f"/ko{DEATHS}")
    document = json.loads(
        re.search(r'<script type="application/ld\+json"[^>]*>(.*?)</script>', korean, re.S)[1]
    )
    assert document["inLanguage"] == "ko"
    assert document["url"] == f"{SITE}/ko{DEATHS}"
    english = page(client, DEATHS)
    document = json.loads(
        re.search(r'<script type="application/ld\+json"[^>]*>(.*?)</script>', english, re.S)[1]
    )
    assert document["inLanguage"] == "en"
    assert document["url"] == f"{SITE}{DEATHS}"
    assert document["reviewRating"]["alternateName"] == "Unverified"
    listed = client.get("/claims.json").json()["claimReviews"]
    assert {item["inLanguage"] for item in listed} == {"en", "ko"}
    assert document in listed
    korean = next(item for item in listed if item["url"] == f"{SITE}/ko{DEATHS}")
    assert korean["inLanguage"] == "ko"
    assert korean["reviewRating"]["alternateName"] == "미확인"
    assert korean["claimReviewed"] != document["claimReviewed"]


def test_the_sitemap_names_each_page_in_each_language_with_its_alternates(client, seed):
    section = ET.fromstring(client.get("/sitemap-sources.xml").content)  # noqa: S314
    entries = {
        url.find(f"{SITEMAP}loc").text: {
            link.get("hreflang"): link.get("href") for link in url.findall(f"{XHTML}link")
        }
        for url in section.findall(f"{SITEMAP}url")
    }
    nis = f"{SITE}/sources/{SOURCE.nis}/"
    assert entries[nis] == entries[f"{SITE}/ko/sources/{SOURCE.nis}/"]
    assert entries[nis] == {"en": nis, "ko": f"{SITE}/ko/sources/{SOURCE.nis}/", "x-default": nis}
    claims = ET.fromstring(client.get("/sitemap-claims.xml").content)  # noqa: S314
    locations = [url.find(f"{SITEMAP}loc").text for url in claims.findall(f"{SITEMAP}url")]
    assert f"{SITE}{DEATHS}" in locations
    # Each claim in the languages it is published in: the seed's in both.
    assert f"{SITE}/ko{DEATHS}" in locations
    assert len(locations) == 2 * Revision.objects.current_translations("ko").count()


def test_the_korean_footer_puts_no_particle_on_the_newsrooms_name(client, seed):
    korean = page(client, "/ko/")
    # A particle after a name in Latin letters can only guess (은(는)): none is needed.
    assert "Factcheck Desk: 출처의 수가 아니라 독립된 원출처를 세고" in korean
    assert "(는)" not in korean
    assert Revision.objects.current().count() == 4
