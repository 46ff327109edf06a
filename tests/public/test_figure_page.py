"""A figure's page, CSV and JSON: every estimate, public, and only published claims linked."""

import csv
import io
import re
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from claims.caching import content_version
from claims.choices import Qualifier
from claims.models import Estimate, Source
from tests.factories import (
    forget_cached_pages,
    make_claim,
    make_published_claim,
    make_source,
    page_text,
    publish_draft,
)
from tests.figure_data import make_estimate, make_figure

pytestmark = pytest.mark.django_db


@pytest.fixture
def deaths(editor):
    """The NIS's April and September figures, Kyiv's, and two claims stating April's."""
    figure = make_figure("North Korean soldiers killed", short_name="the death toll")
    nis = make_source("NIS", affiliation="South Korean government")
    kyiv = make_source("Zelensky", affiliation="Ukrainian government")
    april = make_estimate(figure, nis, date(2025, 4, 30), 600, relayed_by=make_source("KBS World"))
    make_estimate(figure, nis, date(2025, 9, 2), 2000, excerpt="now estimates around 2,000")
    make_estimate(figure, kyiv, date(2025, 1, 9), 1000, qualifier=Qualifier.MORE_THAN)
    published = make_published_claim(editor, slug="deaths-600", headline="About 600 have died")
    april.claims.add(published, make_claim(editor, slug="draft-600", headline="A draft"))
    # Stating the estimate is part of the published claim's record.
    publish_draft(published, editor)
    return figure


def csv_rows(client, figure):
    response = client.get(f"/figures/{figure.slug}.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def test_the_page_gives_the_latest_from_each_origin_and_every_estimate(deaths, client):
    response = client.get("/figures/north-korean-soldiers-killed/")
    text = page_text(response)
    assert response.status_code == 200
    assert "South Korean government: about 2,000 soldiers (NIS, 2 September 2025)" in text
    assert "Ukrainian government: more than 1,000 soldiers (Zelensky, 9 January 2025)" in text
    table = text[text.index("Estimates of the death toll, oldest first") :]
    rows = [table.index(value) for value in ["more than 1,000", "about 600", "about 2,000"]]
    assert rows == sorted(rows)
    assert '<a href="https://news.example/report" rel="noopener nofollow">KBS World</a>' in (
        response.content.decode()
    )
    assert Estimate.objects.filter(figure=deaths).count() == 3


def test_claims_stating_an_estimate_are_linked_only_once_published(deaths, client, editor):
    content = client.get(deaths.get_absolute_url()).content.decode()
    assert '<a href="/claims/deaths-600/">About 600 have died</a>' in content
    assert "draft" not in content.lower()
    # A published claim newly stating an estimate is linked once that is published too.
    later = make_published_claim(editor, slug="deaths-later", headline="Later")
    deaths.estimates.get(stated_on=date(2025, 4, 30)).claims.add(later)
    assert "deaths-later" not in client.get(deaths.get_absolute_url()).content.decode()
    publish_draft(later, editor)
    assert '<a href="/claims/deaths-later/">Later</a>' in (
        client.get(deaths.get_absolute_url()).content.decode()
    )
    assert "draft" not in client.get(f"/figures/{deaths.slug}.json").content.decode().lower()
    assert "draft" not in client.get(f"/figures/{deaths.slug}.csv").content.decode().lower()
    assert deaths.estimates.get(stated_on=date(2025, 4, 30)).claims.count() == 3


def test_csv_and_json_carry_the_rows_of_the_table(deaths, client, settings):
    settings.SITE_URL = "https://desk.example.org"
    rows = csv_rows(client, deaths)
    body = client.get(f"/figures/{deaths.slug}.json").json()
    assert [row["stated_on"] for row in rows] == ["2025-01-09", "2025-04-30", "2025-09-02"]
    assert [row["value"] for row in rows] == ["more than 1,000", "about 600", "about 2,000"]
    assert rows[1]["relayed_by"] == "KBS World"
    assert rows[1]["independent_origin"] == "South Korean government"
    assert rows[1]["claims"] == "https://desk.example.org/claims/deaths-600/"
    assert rows[1]["supersedes_earlier"] == "yes"
    for row, record in zip(rows, body["estimates"], strict=True):
        assert {key: str(value) for key, value in record.items() if key != "claims"} == {
            key: value.replace("yes", "True") for key, value in row.items() if key != "claims"
        }
    assert body["figure"] == {
        "name": "North Korean soldiers killed",
        "unit": "soldiers",
        "definition": "Soldiers killed since the deployment began.",
        "url": "https://desk.example.org/figures/north-korean-soldiers-killed/",
    }
    latest = {
        item["independent_origin"]: item["estimate"]["value"] for item in body["latest_by_origin"]
    }
    assert latest == {
        "Ukrainian government": "more than 1,000",
        "South Korean government": "about 2,000",
    }


def test_the_csv_defuses_what_a_spreadsheet_would_run(deaths, client):
    september = Estimate.objects.get(stated_on=date(2025, 9, 2))
    september.excerpt = '=HYPERLINK("https://evil.example","click")'
    september.note = "+1 more"
    september.save()
    [september] = [row for row in csv_rows(client, deaths) if row["stated_on"] == "2025-09-02"]
    assert september["excerpt"] == '\'=HYPERLINK("https://evil.example","click")'
    assert september["note"] == "'+1 more"
    assert client.get(f"/figures/{deaths.slug}.json").json()["estimates"][2]["note"] == "+1 more"


def test_the_csv_quotes_every_cell_and_defuses_formulas_after_any_separator(deaths, client):
    Estimate.objects.filter(stated_on=date(2025, 9, 2)).update(
        excerpt="a;=1+1", note='killed,+2\r\n@SUM(A1)\tand;"-3 or\t\t=4'
    )
    response = client.get(f"/figures/{deaths.slug}.csv")
    raw = response.content
    assert raw.startswith(b'"stated_on","value","low","high","qualifier","origin",')
    assert b'"2025-09-02","about 2,000","2000","2000",' in raw
    assert b'"a;\'=1+1"' in raw
    assert b"\"killed,'+2\r\n'@SUM(A1)\tand;\"\"'-3 or\t'\t'=4\"" in raw
    [september] = [row for row in csv_rows(client, deaths) if row["stated_on"] == "2025-09-02"]
    assert september["excerpt"] == "a;'=1+1"
    assert september["note"] == "killed,'+2\r\n'@SUM(A1)\tand;\"'-3 or\t'\t'=4"
    # However a spreadsheet splits the file, no piece is a formula.
    text = raw.decode()
    for delimiter in [",", ";", "\t"]:
        for row in csv.reader(io.StringIO(text), delimiter=delimiter):
            for cell in row:
                assert not cell.lstrip('"').startswith(("=", "+", "-", "@")), (delimiter, cell)
    for piece in re.split(r"[,;\t\r\n]", text):
        assert not piece.lstrip('"').startswith(("=", "+", "-", "@", "\r")), piece
    stored = Estimate.objects.get(stated_on=date(2025, 9, 2))
    assert stored.excerpt == "a;=1+1"
    assert client.get(f"/figures/{deaths.slug}.json").json()["estimates"][2]["excerpt"] == (
        "a;=1+1"
    )


def test_stored_text_is_escaped_on_the_page_and_in_the_chart(deaths, client):
    september = Estimate.objects.get(stated_on=date(2025, 9, 2))
    september.excerpt = '</q><script>alert("x")</script>'
    september.save()
    nis = Source.objects.get(slug="nis")
    nis.name = "<b>NIS</b> & co"
    nis.save()
    content = client.get(deaths.get_absolute_url()).content.decode()
    assert "<script>" not in content
    assert "&lt;script&gt;" in content
    assert "<b>NIS</b>" not in content
    assert "&lt;b&gt;NIS&lt;/b&gt; &amp; co, 2 September 2025: about 2,000</title>" in content


@pytest.mark.parametrize("suffix", ["/", ".csv", ".json"])
def test_an_unknown_figure_answers_404(client, suffix):
    assert client.get(f"/figures/no-such-figure{suffix}").status_code == 404


@pytest.mark.parametrize("suffix", ["/", ".csv", ".json"])
def test_figure_pages_are_public_cacheable_and_answer_only_get_and_head(deaths, client, suffix):
    url = f"/figures/{deaths.slug}{suffix}"
    response = client.get(url)
    assert response.status_code == 200
    assert "public" in response["Cache-Control"]
    assert not response.cookies
    assert client.get(url, headers={"If-None-Match": response["ETag"]}).status_code == 304
    assert client.head(url).status_code == 200
    assert client.post(url).status_code == 405
    assert deaths.estimates.count() == 3


def test_the_page_costs_the_same_queries_with_3_and_30_estimates(deaths, client):
    def queries():
        forget_cached_pages()
        with CaptureQueriesContext(connection) as captured:
            assert client.get(deaths.get_absolute_url()).status_code == 200
        return len(captured)

    # The site-wide content version exists once any page was served.
    content_version()
    with_3 = queries()
    origin = make_source("NIS")
    for day in range(1, 28):
        make_estimate(deaths, origin, date(2025, 6, day), 700 + day)
    assert deaths.estimates.count() == 30
    # The page's content versions, the figure, its estimates, and the current
    # revisions that state them.
    assert queries() == with_3 == 4
