"""The figure page's chart: an SVG drawn on the server, one series per independent origin."""

import re
import xml.etree.ElementTree as ET
from datetime import date

import pytest

from claims.charts import month_ticks, value_scale
from claims.choices import Qualifier
from tests.factories import make_source
from tests.figure_data import make_estimate, make_figure

SVG = "{http://www.w3.org/2000/svg}"


def chart_of(client, figure):
    content = client.get(figure.get_absolute_url()).content.decode()
    [svg] = re.findall(r'<svg class="chart".*?</svg>', content, re.S)
    # Inline SVG in HTML has no namespace declaration; XML parsing needs one.
    # Our own page, rendered in the test: trusted input.
    return ET.fromstring(svg.replace("<svg ", f'<svg xmlns="{SVG[1:-1]}" ', 1))  # noqa: S314


def by_class(element, tag, css_class):
    return [
        child
        for child in element.iter(f"{SVG}{tag}")
        if css_class in child.get("class", "").split()
    ]


@pytest.fixture
def casualties(db):
    """Two origins, one of them speaking through two agencies, one range, one floor."""
    figure = make_figure("Soldiers killed or wounded", short_name="the casualty count")
    nis = make_source("NIS", affiliation="South Korean government")
    jcs = make_source("JCS", affiliation="South Korean government")
    kyiv = make_source("Zelensky", affiliation="Ukrainian government")
    make_estimate(figure, nis, stated_on=date(2024, 12, 19), low=1100)
    make_estimate(figure, jcs, stated_on=date(2024, 12, 23), low=1100)
    make_estimate(figure, nis, stated_on=date(2025, 1, 13), low=3000)
    make_estimate(figure, nis, stated_on=date(2025, 4, 30), low=4700)
    make_estimate(
        figure, kyiv, stated_on=date(2024, 12, 23), low=3000, qualifier=Qualifier.MORE_THAN
    )
    make_estimate(figure, kyiv, stated_on=date(2025, 1, 9), low=3500, high=4500)
    return figure


def test_there_is_one_series_per_independent_origin_and_one_mark_per_estimate(casualties, client):
    svg = chart_of(client, casualties)
    series = by_class(svg, "g", "series")
    assert [group.get("data-origin") for group in series] == [
        "South Korean government",
        "Ukrainian government",
    ]
    marks = {group.get("data-origin"): by_class(group, "g", "mark") for group in series}
    assert len(marks["South Korean government"]) == 4
    assert len(marks["Ukrainian government"]) == 2
    assert sum(len(group) for group in marks.values()) == casualties.estimates.count()
    # Each series is one line through its marks, in its own colour and shape.
    for number, group in enumerate(series, start=1):
        assert f"series-{number}" in group.get("class")
        assert len(by_class(group, "polyline", "series__line")) == 1


def test_a_range_is_drawn_from_its_low_to_its_high_end(casualties, client):
    svg = chart_of(client, casualties)
    ranges = [mark for mark in by_class(svg, "g", "mark") if "mark--range" in mark.get("class")]
    assert len(ranges) == 1
    [bar] = by_class(ranges[0], "line", "range")
    top, bottom = float(bar.get("y1")), float(bar.get("y2"))
    ticks = {
        text.text: float(text.get("y"))
        for text in by_class(svg, "text", "tick-label")
        if text.text and text.text[0].isdigit() and "," in text.text
    }
    # 3,500 to 4,500 on an axis ticked every 1,000: halfway between the ticks.
    assert top == pytest.approx((ticks["4,000"] + ticks["5,000"]) / 2, abs=0.2)
    assert bottom == pytest.approx((ticks["3,000"] + ticks["4,000"]) / 2, abs=0.2)
    assert ranges[0].find(f"{SVG}title").text.endswith("about 3,500–4,500")
    # Single values are a marker alone.
    single = [mark for mark in by_class(svg, "g", "mark") if mark not in ranges]
    assert all(not by_class(mark, "line", "range") for mark in single)


def test_at_least_and_more_than_are_marked_with_an_arrow_upwards(casualties, client):
    svg = chart_of(client, casualties)
    floors = by_class(svg, "g", "mark--floor")
    assert len(floors) == 1
    assert floors[0].find(f"{SVG}title").text == "Zelensky, 23 December 2024: more than 3,000"
    [arrow] = by_class(floors[0], "path", "bound-arrow")
    shaft = re.match(r"M([\d.]+),([\d.]+)V([\d.]+)", arrow.get("d"))
    assert float(shaft[3]) < float(shaft[2])  # SVG y grows downwards: the tip is above
    assert len(by_class(svg, "path", "bound-arrow")) == 1


def test_later_estimates_sit_further_right_and_larger_ones_higher(casualties, client):
    svg = chart_of(client, casualties)
    [south] = [g for g in by_class(svg, "g", "series") if g.get("data-origin")[0] == "S"]
    points = [
        tuple(map(float, pair.split(",")))
        for pair in by_class(south, "polyline", "series__line")[0].get("points").split()
    ]
    xs, ys = zip(*points, strict=True)
    assert list(xs) == sorted(xs)
    assert ys[0] == ys[1] > ys[2] > ys[3]  # 1,100, 1,100, 3,000, 4,700


def test_the_chart_is_named_described_and_scales_to_its_container(casualties, client):
    svg = chart_of(client, casualties)
    assert svg.get("role") == "img"
    assert svg.get("aria-labelledby") == "chart-title chart-desc"
    assert svg.get("viewBox") == "0 0 400 250"
    assert svg.get("width") is None and svg.get("height") is None
    assert svg.find(f"{SVG}title").text == ("Soldiers killed or wounded: every estimate over time")
    description = svg.find(f"{SVG}desc").text
    assert description.startswith(
        "6 estimates from 2 independent origins, 19 December 2024 to 30 April 2025."
    )
    assert "South Korean government: 4 estimates, from about 1,100 on 19 December 2024 to " in (
        description
    )
    assert "about 4,700 on 30 April 2025" in description


def test_the_page_draws_with_no_script_and_no_other_site(casualties, client):
    content = client.get(casualties.get_absolute_url()).content.decode()
    assert "<script" not in content
    # Nothing is fetched from elsewhere: no script, no image, no style from another site.
    assert not re.search(r'src="(https?:)?//', content)
    stylesheets = re.findall(r'<link rel="stylesheet" href="([^"]+)"', content)
    assert stylesheets and all(href.startswith("/") for href in stylesheets)


@pytest.mark.django_db
def test_a_figure_with_no_estimates_has_no_chart(client):
    figure = make_figure()
    response = client.get(figure.get_absolute_url())
    assert response.status_code == 200
    assert b'<svg class="chart"' not in response.content
    assert b"No estimates on file yet." in response.content
    assert figure.estimates.count() == 0


@pytest.mark.parametrize(
    ("maximum", "top", "step"),
    [(4700, 5000, 1000), (2000, 2500, 500), (100, 120, 20), (3, 4, 1), (0, 2, 1)],
)
def test_the_value_axis_runs_from_zero_to_a_round_number_above_the_highest(maximum, top, step):
    assert value_scale(maximum) == (top, step)
    assert top >= maximum
    assert top // step <= 6


def test_the_time_axis_has_at_most_five_month_ticks():
    ticks = month_ticks(date(2024, 12, 1), date(2025, 9, 20))
    assert ticks == [
        date(2025, 1, 1),
        date(2025, 3, 1),
        date(2025, 5, 1),
        date(2025, 7, 1),
        date(2025, 9, 1),
    ]
    assert month_ticks(date(2025, 1, 5), date(2025, 3, 20)) == [date(2025, 2, 1), date(2025, 3, 1)]
