"""
Readers browse every figure and every public source, besides searching: the
lists show only what readers may see, and the navigation and the sitemap
link them.
"""

import re

import pytest

from claims.models import Estimate, Figure, Source
from tests.factories import make_claim, make_published_claim, make_source, page_text
from tests.figure_data import make_estimate, make_figure
from tests.seed import CLAIM, FIGURE, SOURCE


def listed_sources(response):
    return re.findall(r'<th scope="row"><a href="/sources/([^/]+)/">', response.text)


@pytest.mark.usefixtures("template_context")
def test_the_figures_list_shows_every_figure_with_the_latest_estimate_from_each_origin(
    seed, client
):
    response = client.get("/figures/")
    assert response.status_code == 200
    assert [figure.slug for figure in response.context["figures"]] == sorted(
        [FIGURE.casualties, FIGURE.deaths],
        key=lambda slug: Figure.objects.get(slug=slug).name,
    )
    deaths = next(f for f in response.context["figures"] if f.slug == FIGURE.deaths)
    nis_series = next(
        group
        for group in deaths.series_list
        if any(origin.slug == SOURCE.nis for origin in group.origins)
    )
    latest = nis_series.current
    assert latest == (
        Estimate.objects.filter(figure__slug=FIGURE.deaths, origin__slug=SOURCE.nis)
        .order_by("-stated_on")
        .first()
    )
    assert latest.low == 2000
    text = page_text(response)
    assert "about 2,000 soldiers" in text
    assert f'href="/figures/{FIGURE.deaths}/"' in response.text
    assert "Set-Cookie" not in response.headers


def test_the_sources_list_shows_only_sources_readers_may_see(seed, client):
    response = client.get("/sources/")
    assert response.status_code == 200
    listed = set(listed_sources(response))
    assert listed == set(Source.objects.public().values_list("slug", flat=True))
    # The seed article is a public source; the sources seen only on unpublished
    # claims or as an estimate's origin or relay are not.
    assert SOURCE.nis in listed
    assert SOURCE.zelensky not in listed
    assert SOURCE.jcs not in listed
    assert Source.objects.count() > len(listed)


@pytest.mark.django_db
def test_a_source_named_only_by_a_draft_is_not_listed_until_a_verdict_names_it(editor, client):
    make_published_claim(editor, slug="public-claim", claimant=make_source("Agency"))
    make_claim(editor, slug="draft-claim", claimant=make_source("Hidden ministry"))
    response = client.get("/sources/")
    assert listed_sources(response) == ["agency"]
    assert "Hidden ministry" not in response.text
    assert Source.objects.filter(slug="hidden-ministry").exists()


@pytest.mark.usefixtures("template_context")
def test_the_sources_list_sorts_by_name_and_by_verdicts_with_each_track_record(seed, client):
    by_name = listed_sources(client.get("/sources/"))
    names = [Source.objects.get(slug=slug).name for slug in by_name]
    assert names == sorted(names)
    response = client.get("/sources/", {"sort": "verdicts"})
    by_verdicts = listed_sources(response)
    assert by_verdicts[0] == SOURCE.nis
    assert sorted(by_verdicts) == sorted(by_name)
    nis = next(s for s in response.context["page_obj"].object_list if s.slug == SOURCE.nis)
    # The NIS made three of the four published claims: two unverified, one corroborated.
    assert nis.verdicts == 3
    assert {rating.label: count for rating, count in nis.record} == {
        "Unverified": 2,
        "Corroborated": 1,
    }
    assert "3: 1 Corroborated, 2 Unverified" in page_text(response) or (
        "3: 2 Unverified, 1 Corroborated" in page_text(response)
    )
    # An unknown order falls back to names.
    assert listed_sources(client.get("/sources/", {"sort": "'; drop"})) == by_name


@pytest.mark.django_db
def test_a_figure_without_estimates_is_listed_and_the_lists_follow_changes(editor, client):
    figure = make_figure("Shells fired", slug="shells-fired")
    assert "No estimates on file yet." in page_text(client.get("/figures/"))
    make_estimate(figure, low=5000)
    assert "about 5,000 soldiers" in page_text(client.get("/figures/"))


def test_the_navigation_and_the_sitemap_link_both_lists(seed, client):
    home = client.get("/").content.decode()
    nav = home[home.index('<nav aria-label="Site">') : home.index("</nav>")]
    assert '<a href="/figures/">Figures</a>' in nav
    assert '<a href="/sources/">Sources</a>' in nav
    sitemap = client.get("/sitemap-browse.xml").content.decode()
    assert "/figures/</loc>" in sitemap
    assert "/sources/</loc>" in sitemap
    assert CLAIM.kursk not in sitemap


@pytest.mark.usefixtures("template_context")
def test_both_lists_exist_in_korean_with_korean_navigation(seed, client):
    figures = client.get("/ko/figures/")
    sources = client.get("/ko/sources/?sort=verdicts")
    assert figures.status_code == sources.status_code == 200
    assert '<h1 class="page-title">수치</h1>' in figures.text
    assert '<h1 class="page-title">출처</h1>' in sources.text
    assert '<a href="/ko/figures/">수치</a>' in sources.text
    assert '<a href="/ko/sources/">출처</a>' in figures.text
    assert '<strong aria-current="true">판정</strong>' in sources.text
    # The same rows as in English, most verdicts first: the language changes
    # the words, and the order of sources with as many verdicts (by the name shown).
    english = client.get("/sources/?sort=verdicts")
    korean_rows = [(s.verdicts, s.slug) for s in sources.context["page_obj"]]
    english_rows = [(s.verdicts, s.slug) for s in english.context["page_obj"]]
    assert sorted(korean_rows) == sorted(english_rows)
    assert [verdicts for verdicts, _slug in korean_rows] == [
        verdicts for verdicts, _slug in english_rows
    ]
    assert len(figures.context["figures"]) == Figure.objects.count() == 2
    sitemap = client.get("/sitemap-browse.xml").content.decode()
    assert "/ko/figures/</loc>" in sitemap
    assert "/ko/sources/</loc>" in sitemap


def test_a_page_past_the_last_of_sources_is_not_found(seed, client):
    assert client.get("/sources/?page=2").status_code == 404
    assert client.get("/sources/?page=x").status_code == 404
    assert client.get("/sources/?page=1").status_code == 200
    assert Source.objects.public().count() < 200
