"""
A verdict's history in a language: the Korean page's "Earlier versions"
lead to the Korean versions, each at its own address, with a link to the
original's; a claim not published in Korean lists its English versions and
says they are in English.
"""

import re

import pytest

from claims.models import Claim, Revision, Translation
from tests.factories import forget_cached_pages, make_user, page_text, publish_changes, translate
from tests.seed import CLAIM

CASUALTIES = f"/claims/{CLAIM.casualties}/"
DEATHS = f"/claims/{CLAIM.deaths}/"


@pytest.fixture
def second_korean_version(seed, publisher):
    """The casualties claim revised in English, then its Korean version translating it."""
    other = make_user("second-publisher", "Publishers")
    claim = Claim.objects.get(slug=CLAIM.casualties)
    Claim.objects.filter(pk=claim.pk).update(verdict_summary="A new explanation.")
    publish_changes(claim, other, public_note="We rewrote the summary.")
    translate(claim, drafted_by=publisher, headline="두 번째 한국어 제목")
    Translation.objects.get(claim=claim, language="ko").publish(
        by=other, note="요약을 새로 번역했습니다."
    )
    forget_cached_pages()
    return claim


def test_the_korean_history_lists_the_korean_versions_and_links_the_originals(
    client, second_korean_version
):
    korean = Revision.objects.filter(claim=second_korean_version, language="ko")
    assert sorted(korean.values_list("number", flat=True)) == [1, 2]
    page = client.get(f"/ko{CASUALTIES}")
    assert f'href="/ko{CASUALTIES}versions/"' in page.content.decode()
    assert "이전 버전" in page_text(page)
    response = client.get(f"/ko{CASUALTIES}versions/")
    content, text = response.content.decode(), page_text(response)
    assert response.status_code == 200
    assert "두 번째 한국어 제목" in text
    assert "요약을 새로 번역했습니다." in text
    assert "We rewrote the summary." not in text
    assert f'href="/ko{CASUALTIES}versions/2/"' in content
    assert f'href="/ko{CASUALTIES}versions/1/"' in content
    assert f'href="{CASUALTIES}versions/" hreflang="en"' in content
    # The English history still lists the English versions.
    english = page_text(client.get(f"{CASUALTIES}versions/"))
    assert "We rewrote the summary." in english
    assert "요약을 새로 번역했습니다." not in english


def test_a_korean_version_page_shows_that_korean_version(client, second_korean_version):
    first = Revision.objects.get(claim=second_korean_version, language="ko", number=1)
    response = client.get(f"/ko{CASUALTIES}versions/1/")
    text = page_text(response)
    assert response.status_code == 200
    assert first.document["headline"] in text
    assert "두 번째 한국어 제목" not in re.search(r"<h1.*?</h1>", response.text, re.S)[0]
    assert response.headers["X-Robots-Tag"] == "noindex"
    current = client.get(f"/ko{CASUALTIES}versions/2/")
    assert "두 번째 한국어 제목" in page_text(current)
    assert client.get(f"/ko{CASUALTIES}versions/3/").status_code == 404
    assert Revision.objects.originals().filter(claim=second_korean_version).count() == 2


def test_a_claim_not_published_in_korean_lists_its_english_versions_saying_so(client, seed):
    Translation.objects.filter(claim__slug=CLAIM.deaths).update(published=None)
    Revision.objects.filter(claim__slug=CLAIM.deaths, language="ko").delete()
    response = client.get(f"/ko{DEATHS}versions/")
    content = response.content.decode()
    assert response.status_code == 200
    original = Revision.objects.current().get(slug=CLAIM.deaths)
    assert f'<p class="versions__note" lang="en">{original.public_note}' in content
    assert "영어" in page_text(response)
    assert f'href="/ko{DEATHS}versions/2/"' in content
    assert client.get(f"/ko{DEATHS}versions/2/").status_code == 200
    assert not Revision.objects.filter(claim__slug=CLAIM.deaths, language="ko").exists()
