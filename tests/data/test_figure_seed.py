"""The seed's figures: the public record of the estimates, on the page, in CSV and JSON, and
on the verdict pages that state them."""

import csv
import html
import io
import json
import re

import pytest
from django.conf import settings

from claims.models import Estimate, Figure
from tests.factories import page_text
from tests.seed import CLAIM, FIGURE, SOURCE

FIXTURE = json.loads((settings.BASE_DIR / "fixtures/seed.json").read_text())
SOURCES = {
    row["fields"]["slug"]: row["fields"] for row in FIXTURE if row["model"] == "claims.source"
}
AFFILIATIONS = {
    row["fields"]["slug"]: row["fields"]["name"]
    for row in FIXTURE
    if row["model"] == "claims.affiliation"
}
QUALIFIERS = {"about": "about", "at_least": "at least", "more_than": "more than", "up_to": "up to"}
DEATHS_600 = f"/claims/{CLAIM.deaths}/"


def fixture_estimates(figure_slug):
    """The fixture's estimates of one figure, oldest first, as the downloads should give them."""
    rows = [
        row["fields"]
        for row in FIXTURE
        if row["model"] == "claims.estimate" and row["fields"]["figure"] == [figure_slug]
    ]
    rows.sort(key=lambda fields: fields["stated_on"])
    return [
        {
            "stated_on": fields["stated_on"],
            "value": f"{QUALIFIERS[fields['qualifier']]} {fields['low']:,}",
            "origin": SOURCES[fields["origin"][0]]["name"],
            "independent_origin": AFFILIATIONS[SOURCES[fields["origin"][0]]["affiliation"][0]],
            "relayed_by": SOURCES[fields["relayed_by"][0]]["name"],
            "url": fields["url"],
            "excerpt": fields["excerpt"],
        }
        for fields in rows
    ]


def test_the_seed_holds_the_seven_public_estimates_as_ten_rows(seed):
    # Seven statements, 19 December 2024 to 2 September 2025; three of them give both figures.
    assert Estimate.objects.count() == 10
    statements = {(e.origin.slug, e.stated_on.isoformat()) for e in Estimate.objects.all()}
    assert sorted(statements) == [
        (SOURCE.jcs, "2024-12-23"),
        (SOURCE.nis, "2024-12-19"),
        (SOURCE.nis, "2025-01-13"),
        (SOURCE.nis, "2025-04-30"),
        (SOURCE.nis, "2025-09-02"),
        (SOURCE.zelensky, "2024-12-23"),
        (SOURCE.zelensky, "2025-01-09"),
    ]
    assert set(Figure.objects.values_list("slug", flat=True)) == {
        FIGURE.casualties,
        FIGURE.deaths,
    }


@pytest.mark.parametrize("slug", [FIGURE.casualties, FIGURE.deaths])
def test_the_page_csv_and_json_agree_with_the_fixture(seed, client, slug):
    expected = fixture_estimates(slug)
    rows = list(csv.DictReader(io.StringIO(client.get(f"/figures/{slug}.csv").content.decode())))
    records = client.get(f"/figures/{slug}.json").json()["estimates"]
    for found in (rows, records):
        assert [{key: row[key] for key in expected[0]} for row in found] == expected
    content = client.get(f"/figures/{slug}/").content.decode()
    table = content[content.index("<table") :]
    dates = re.findall(r'<tr id="estimate-\d+">\s*<td><time datetime="([\d-]+)"', table)
    assert dates == [row["stated_on"] for row in expected]
    text = page_text(client.get(f"/figures/{slug}/"))
    for row in expected:
        assert row["value"] in text
        assert f'href="{html.escape(row["url"])}"' in table


def test_the_casualty_figure_has_two_independent_origins_nis_and_jcs_as_one(seed, client):
    text = page_text(client.get(f"/figures/{FIGURE.casualties}/"))
    assert (
        "South Korean government: about 4,700 soldiers "
        "(National Intelligence Service (NIS), 30 April 2025)" in text
    )
    assert (
        "Ukrainian government: about 4,000 soldiers "
        "(Volodymyr Zelensky, President of Ukraine, 9 January 2025)" in text
    )
    assert (
        "South Korean government (National Intelligence Service (NIS), Joint Chiefs of Staff "
        "(JCS))" in text
    )
    body = client.get(f"/figures/{FIGURE.casualties}.json").json()
    assert [item["independent_origin"] for item in body["latest_by_origin"]] == [
        "South Korean government",
        "Ukrainian government",
    ]


def test_the_figure_page_links_the_published_claim_stating_an_estimate_and_no_other(seed, client):
    content = client.get(f"/figures/{FIGURE.casualties}/").content.decode()
    assert f'<a href="/claims/{CLAIM.casualties}/">' in content
    # The "significant increase" claim states the same estimate but is not published.
    assert CLAIM.significant_increase not in content
    assert (
        Estimate.objects.get(figure__slug=FIGURE.casualties, stated_on="2025-04-30")
        .claims.filter(slug=CLAIM.significant_increase)
        .exists()
    )


def test_the_600_verdict_page_tells_readers_of_the_2000_revision_above_the_fold(seed, client):
    text = page_text(client.get(DEATHS_600))
    notice = (
        "Since then: on 2 September 2025 the same source, National Intelligence Service (NIS), "
        "put the death toll at about 2,000 (this verdict is about its figure of about 600, from "
        "April 2025). This verdict may be outdated."
    )
    assert notice in text
    assert text.index(notice) < text.index("What we don't know")
    assert "Every estimate of the death toll" in text
    assert "Update: On 2 September 2025 the NIS told lawmakers" in text
    assert (
        "The figure claimed is National Intelligence Service (NIS)’s estimate of 30 April 2025: "
        "about 600 soldiers." in text
    )


def test_the_4700_verdict_page_links_its_figure_and_has_no_revision_to_report(seed, client):
    content = client.get(f"/claims/{CLAIM.casualties}/").content.decode()
    assert f'<a href="/figures/{FIGURE.casualties}/">' in content
    assert "Since then" not in content
    assert "may be outdated" not in content
