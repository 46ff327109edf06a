"""
Korean pages name sources, affiliations, topics and figures as the Korean
versions of claims publish them (claims.names), and mark the rows' own
names with their language where none is published; an unpublished draft's
names are never shown.
"""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from claims.models import Claim, Figure, Revision, Source, Topic, Translation
from tests.factories import page_text
from tests.seed import CLAIM, FIGURE, SOURCE, TOPIC


def html(client, path):
    response = client.get(path)
    assert response.status_code == 200, path
    return response.content.decode()


def heading(page):
    return re.search(r"<h1[^>]*>(.*?)</h1>", page, re.S).group(0)


def test_a_korean_source_page_names_the_source_as_its_korean_versions_publish_it(client, seed):
    page = html(client, f"/ko/sources/{SOURCE.nis}/")
    assert "국가정보원" in heading(page)
    assert 'lang="en"' not in heading(page)
    assert "국가정보원" in heading(html(client, f"/ko/sources/{SOURCE.nis}/"))
    assert "조선중앙통신" in heading(html(client, f"/ko/sources/{SOURCE.kcna}/"))
    # Its claims are listed under their Korean headlines.
    korean = Revision.objects.current_translations("ko").get(slug=CLAIM.casualties)
    assert korean.document["headline"] in page
    english = Revision.objects.current().get(slug=CLAIM.casualties)
    assert f">{english.document['headline']}<" not in page
    # The English page and the row keep the newsroom's name.
    assert "National Intelligence Service" in heading(html(client, f"/sources/{SOURCE.nis}/"))
    assert Source.objects.get(slug=SOURCE.nis).name == "National Intelligence Service (NIS)"


def test_a_name_the_korean_versions_keep_as_it_is_is_marked_as_english(client, seed):
    page = html(client, "/ko/sources/")
    assert re.search(r'lang="en">Business Recorder</a>', page)
    assert re.search(rf'<a href="/ko/sources/{SOURCE.nis}/">국가정보원', page)
    # The Korean versions keep its own name: it is in English, and says so.
    key = f"source.{SOURCE.business_recorder}"
    names = Translation.objects.filter(texts__has_key=key)
    assert {draft.texts[key] for draft in names} == {"Business Recorder"}
    assert Source.objects.get(slug=SOURCE.business_recorder).name == "Business Recorder"


def test_a_drafted_name_is_not_public_until_its_translation_is_published(client, seed):
    draft = Translation.objects.get(claim__slug=CLAIM.casualties, language="ko")
    draft.texts[f"source.{SOURCE.nis}"] = "초안의 이름"
    draft.save()
    for path in [f"/ko/sources/{SOURCE.nis}/", "/ko/sources/", f"/ko/figures/{FIGURE.deaths}/"]:
        assert "초안의 이름" not in html(client, path), path
    assert Translation.objects.get(pk=draft.pk).texts[f"source.{SOURCE.nis}"] == "초안의 이름"
    assert not Revision.objects.filter(document__icontains="초안의 이름").exists()


def test_a_korean_figure_page_names_the_figure_and_its_origins_in_korean(client, seed):
    page = html(client, f"/ko/figures/{FIGURE.deaths}/")
    figure = Figure.objects.get(slug=FIGURE.deaths)
    assert figure.name not in heading(page)
    assert "북한군" in heading(page)
    # The definition is kept in English only, and says so.
    assert f'<p class="lede" lang="en">{figure.definition}' in page
    assert "국가정보원" in page_text(client.get(f"/ko/figures/{FIGURE.deaths}/"))
    assert "러시아를 위해 싸우다 숨진 북한군" in html(client, "/ko/figures/")
    # The verdicts stating its estimates are linked under their Korean headlines.
    korean = Revision.objects.current_translations("ko").get(slug=CLAIM.deaths)
    assert f">{korean.document['headline']}</a>" in page
    english = html(client, f"/figures/{FIGURE.deaths}/")
    assert figure.name in heading(english)
    assert Figure.objects.get(slug=FIGURE.deaths).name == figure.name


def test_the_korean_list_offers_topics_by_their_korean_names(client, seed):
    korean = html(client, "/ko/")
    english = html(client, "/")
    topic = Topic.objects.get(slug=TOPIC.north_korea_russia)
    assert f'<option value="{topic.slug}">북한과 러시아</option>' in korean
    assert f'<option value="{topic.slug}">{topic.name}</option>' in english
    filtered = html(client, f"/ko/?topic={topic.slug}")
    assert "북한과 러시아" in re.search(r"<title>(.*?)</title>", filtered, re.S)[1]
    assert Topic.objects.get(slug=TOPIC.north_korea_russia).name == topic.name


def queries(client, path):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    ("path", "more"),
    [(f"/ko/sources/{SOURCE.nis}/", 2), (f"/ko/figures/{FIGURE.deaths}/", 2), ("/ko/figures/", 1)],
)
def test_korean_names_cost_the_same_queries_with_a_third_language(
    client, seed, settings, uncached_pages, path, more
):
    two = queries(client, path)
    # What the page reads more than in English: the names, and the claims' headlines.
    assert two == queries(client, path.removeprefix("/ko")) + more
    settings.LANGUAGES = [*settings.LANGUAGES, ("ja", "Japanese")]
    assert queries(client, path) == two
    assert Revision.objects.current_translations("ko").exists()


def listed_sources(client, prefix):
    page = html(client, f"{prefix}/sources/")
    return re.findall(rf'<a href="{prefix}/sources/([^"/]+)/"[^>]*>([^<]*)</a>', page)


def test_the_korean_source_list_is_sorted_by_the_names_it_shows(client, seed):
    korean = listed_sources(client, "/ko")
    names = [name for _slug, name in korean]
    assert names == sorted(names, key=str.casefold)
    # Korean names sort in their own order, not their English names'.
    slugs = [slug for slug, _name in korean]
    assert slugs.index(SOURCE.nis) < slugs.index(SOURCE.kcna)
    english = listed_sources(client, "")
    assert [slug for slug, _name in english].index(SOURCE.kcna) < [
        slug for slug, _name in english
    ].index(SOURCE.nis)
    assert dict(english)[SOURCE.nis] == Source.objects.get(slug=SOURCE.nis).name
    assert set(slugs) == set(Source.objects.public().values_list("slug", flat=True))


def test_a_withdrawn_claims_korean_version_names_nothing_and_is_not_seen(client, seed, publisher):
    claim = Claim.objects.get(slug=CLAIM.kursk)
    claim.unpublish(by=publisher, note="Legal asked.", public_note="Withdrawn for a check.")
    # The translation stays current for when the claim comes back, but readers
    # see nothing of it meanwhile: not its headline, not the names it gives.
    assert Revision.objects.current_translations("ko").filter(claim=claim).exists()
    assert not Revision.objects.seen_by_readers("ko").filter(claim=claim).exists()
    assert Revision.objects.seen_by_readers("ko").count() == 3
    korean_headline = (
        Revision.objects.current_translations("ko").get(claim=claim).document["headline"]
    )
    for path in ["/ko/", "/ko/sources/", f"/ko/sources/{SOURCE.nis}/", "/sitemap-claims.xml"]:
        assert korean_headline not in html(client, path), path
