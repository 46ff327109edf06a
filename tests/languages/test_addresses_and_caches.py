"""
A page's language is its address's: "/ko/..." is Korean, an unprefixed one
the newsroom's, whatever the browser asks; and no cache ever serves a page in
another language than the one its address names.
"""

import pytest
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse
from django.utils.translation import override

from claims.caching import current_versions, page_cache_key
from claims.languages import supported_language
from claims.models import Revision
from tests.seed import CLAIM, FIGURE

KURSK = f"/claims/{CLAIM.kursk}/"


def html_lang(response):
    return response.content.decode().split("<html lang=", 1)[1].split(">", 1)[0].strip('"')


@pytest.mark.parametrize(
    ("path", "language"),
    [("/", "en"), ("/ko/", "ko"), ("/methodology/", "en"), ("/ko/methodology/", "ko")],
)
def test_the_address_decides_the_language_not_the_browser(client, seed, path, language):
    response = client.get(path, HTTP_ACCEPT_LANGUAGE="ko" if language == "en" else "en")
    assert response.status_code == 200
    assert html_lang(response) == language
    assert response.headers["Content-Language"] == language
    # One address, one page: nothing for a cache to vary on.
    assert "Accept-Language" not in response.headers.get("Vary", "")
    assert not response.cookies
    assert Revision.objects.current().count() == 4


def test_the_default_language_has_no_prefixed_address(client, seed):
    assert client.get("/en/").status_code == 404
    assert client.get(f"/en{KURSK}").status_code == 404
    assert client.get(f"/ko{KURSK}").status_code == 200
    assert Revision.objects.current().filter(slug=CLAIM.kursk).exists()


def test_machine_addresses_keep_one_address(client, seed):
    assert client.get("/healthz").status_code == 200
    assert client.get("/sitemap.xml").status_code == 200
    assert client.get("/ko/sitemap.xml").status_code == 404
    assert client.get(f"/figures/{FIGURE.casualties}.json").status_code == 200
    assert client.get(f"/ko/figures/{FIGURE.casualties}.json").status_code == 404
    assert client.get("/ko/feed/").status_code == 200


@override_settings(LANGUAGE_CODE="ko")
def test_a_korean_newsroom_serves_korean_at_the_plain_address(client, seed):
    response = client.get("/")
    assert html_lang(response) == "ko"
    english = client.get("/en/")
    assert html_lang(english) == "en"
    assert client.get("/ko/").status_code == 404
    assert Revision.objects.current().count() == 4


def test_the_page_cache_keeps_each_language_apart(client, seed):
    cache.clear()
    english = client.get(KURSK)
    korean = client.get(f"/ko{KURSK}")
    again_english = client.get(KURSK)
    again_korean = client.get(f"/ko{KURSK}")
    assert html_lang(english) == html_lang(again_english) == "en"
    assert html_lang(korean) == html_lang(again_korean) == "ko"
    assert english.headers["ETag"] != korean.headers["ETag"]
    # An English ETag never earns a 304 at the Korean address.
    assert client.get(f"/ko{KURSK}", HTTP_IF_NONE_MATCH=english.headers["ETag"]).status_code == 200
    assert current_versions(f"/ko{KURSK}") == current_versions(KURSK)


def test_the_page_cache_key_names_the_language(rf):
    request = rf.get("/")
    with override("en"):
        english = page_cache_key(request)
    with override("ko"):
        korean = page_cache_key(request)
    assert english != korean


def test_the_list_and_its_cards_are_cached_per_language(client, seed):
    cache.clear()
    client.get("/")
    # The cards and filter form rendered for English are not the Korean page's.
    korean = client.get("/ko/?verdict=unverified")
    assert html_lang(korean) == "ko"
    assert f'href="/ko/claims/{CLAIM.casualties}/"' in korean.content.decode()
    english = client.get("/?verdict=unverified")
    assert f'href="/claims/{CLAIM.casualties}/"' in english.content.decode()
    assert "/ko/claims/" not in english.content.decode()


def test_staff_see_the_admin_in_their_browsers_language(client, editor):
    client.force_login(editor)
    response = client.get("/admin/", HTTP_ACCEPT_LANGUAGE="ko")
    assert response.headers["Content-Language"] == "ko"
    assert "로그아웃" in response.content.decode()
    assert "Accept-Language" in response.headers["Vary"]
    assert client.get("/admin/", HTTP_ACCEPT_LANGUAGE="en").headers["Content-Language"] == "en"


def test_staff_choose_the_admins_language_in_its_header(client, editor):
    client.force_login(editor)
    page = client.get("/admin/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'action="/i18n/setlang/"' in page
    chosen = client.post("/i18n/setlang/", {"language": "ko", "next": "/admin/"})
    assert chosen.status_code == 302
    assert chosen.headers["Location"] == "/admin/"
    assert chosen.cookies["desk_language"].value == "ko"
    # The choice outweighs the browser's.
    response = client.get("/admin/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.headers["Content-Language"] == "ko"
    assert editor.is_staff


def test_a_language_stored_before_the_desk_spoke_two_still_gives_addresses_that_exist():
    assert supported_language("en-gb") == "en"
    assert supported_language("ko-kr") == "ko"
    assert supported_language("fr") == "en"
    with override(supported_language("en-gb")):
        assert reverse("claim_detail", args=[CLAIM.kursk]) == KURSK
