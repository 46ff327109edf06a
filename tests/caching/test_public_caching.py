"""Public responses set no cookie, are cacheable by anyone, and revalidate with ETags."""

import pytest
from django.contrib.auth import get_user_model

from claims.models import Caveat, Claim, Source
from tests.factories import publish_changes
from tests.seed import CLAIM, SOURCE

PUBLIC_URLS = [
    "/",
    "/?verdict=unverified&page=1",
    f"/claims/{CLAIM.casualties}/",
    f"/sources/{SOURCE.nis}/",
    "/methodology/",
    "/follow/",
    "/feed/",
    "/sitemap.xml",
    "/sitemap-claims.xml",
    "/claims.json",
]


@pytest.mark.parametrize("url", PUBLIC_URLS)
def test_public_responses_set_no_cookie_and_browsers_revalidate_them(seed, client, url, settings):
    # However long the server keeps a page, a browser asks again before
    # showing its copy: a takedown or correction reaches it on the next click.
    settings.PUBLIC_CACHE_SECONDS = 123
    response = client.get(url)
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
    assert not response.cookies
    assert response["Cache-Control"] == "public, no-cache"
    assert response["ETag"].startswith('W/"')
    assert "Cookie" not in response.get("Vary", "")


@pytest.mark.parametrize("url", PUBLIC_URLS)
def test_a_matching_if_none_match_gets_304(seed, client, url):
    etag = client.get(url)["ETag"]
    response = client.get(url, headers={"If-None-Match": etag})
    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == etag
    assert "Set-Cookie" not in response.headers
    assert client.get(url, headers={"If-None-Match": 'W/"stale"'}).status_code == 200


def test_a_304_carries_the_stored_pages_content_security_policy(seed, client):
    url = f"/claims/{CLAIM.casualties}/"
    stored = client.get(url)
    response = client.get(url, headers={"If-None-Match": stored["ETag"]})
    assert response.status_code == 304
    # A public page's policy names no nonce: the same for every request.
    assert response["Content-Security-Policy"] == stored["Content-Security-Policy"]
    assert "nonce" not in stored["Content-Security-Policy"]


def test_the_etag_is_stable_while_the_page_is_unchanged(seed, client):
    url = f"/claims/{CLAIM.casualties}/"
    assert client.get(url)["ETag"] == client.get(url)["ETag"]


def test_the_etag_changes_whenever_the_page_does(seed, client, publisher):
    url = f"/claims/{CLAIM.casualties}/"
    source_url = f"/sources/{SOURCE.rok_lawmakers}/"
    before, source_before = client.get(url)["ETag"], client.get(source_url)["ETag"]
    claim = Claim.objects.get(slug=CLAIM.casualties)
    Caveat.objects.create(claim=claim, kind="other", text="A new open question.")
    # A draft changes no page, so no tag.
    assert client.get(url)["ETag"] == before
    publish_changes(claim, publisher, "We added an open question.")
    after_caveat = client.get(url)["ETag"]
    # A source's grade changes its own page without touching any claim.
    source = Source.objects.get(slug=SOURCE.rok_lawmakers)
    source.reliability = "B"
    source.save()
    assert len({before, after_caveat}) == 2
    assert client.get(source_url)["ETag"] != source_before


def test_the_htmx_fragment_and_the_page_have_different_etags(seed, client):
    page = client.get("/")
    fragment = client.get("/", headers={"HX-Request": "true"})
    assert page["ETag"] != fragment["ETag"]
    assert client.get("/", headers={"If-None-Match": fragment["ETag"]}).status_code == 200


def test_public_pages_never_touch_the_session_even_for_staff(seed, client, editor):
    client.force_login(editor)
    response = client.get(f"/claims/{CLAIM.casualties}/")
    assert "Set-Cookie" not in response.headers
    assert "Cookie" not in response.get("Vary", "")
    assert editor.username not in response.content.decode()


def test_missing_pages_are_not_marked_cacheable(seed, client):
    response = client.get(f"/claims/{CLAIM.cremated}/")
    assert response.status_code == 404
    assert "ETag" not in response.headers
    assert "Set-Cookie" not in response.headers


def test_a_browser_revalidating_a_withdrawn_verdict_is_told_it_is_gone(seed, client, page_cache):
    url = f"/claims/{CLAIM.kursk}/"
    stored = client.get(url)
    assert stored["Cache-Control"] == "public, no-cache"
    revalidated = client.get(url, headers={"If-None-Match": stored["ETag"]})
    assert revalidated.status_code == 304
    assert revalidated["Cache-Control"] == "public, no-cache"

    claim = Claim.objects.get(slug=CLAIM.kursk)
    publisher = get_user_model().objects.get(username="reviewer")
    claim.unpublish(by=publisher, note="Pulled on lawyer advice.", public_note="Withdrawn.")
    # The browser's next click asks again with its stored ETag, and is not told to reuse it.
    assert client.get(url, headers={"If-None-Match": stored["ETag"]}).status_code in (404, 410)
    assert not Claim.objects.get(slug=CLAIM.kursk).is_published
