"""Figures and estimates for tests: plain helpers, like make_claim in tests.factories."""

from datetime import date

from claims.models import Estimate, Figure
from tests.factories import make_source


def make_figure(name="Soldiers killed", **overrides):
    fields = {
        "slug": name.lower().replace(" ", "-"),
        "short_name": "the death toll",
        "unit": "soldiers",
        "definition": "Soldiers killed since the deployment began.",
    }
    fields.update(overrides)
    return Figure.objects.create(name=name, **fields)


def make_estimate(figure, origin=None, stated_on=date(2025, 4, 30), low=600, **overrides):
    fields = {
        "qualifier": "about",
        "url": "https://news.example/report",
        "excerpt": f"about {low:,} killed",
    }
    fields.update(overrides)
    return Estimate.objects.create(
        figure=figure,
        origin=origin or make_source("NIS", affiliation="South Korean government"),
        stated_on=stated_on,
        low=low,
        **fields,
    )


# The figure admin's form, as the browser posts it.


def estimate_row(index, **fields):
    row = {
        "stated_on": "2025-04-30",
        "qualifier": "about",
        "low": "600",
        "high": "",
        "origin": make_source("NIS", affiliation="South Korean government").pk,
        "relayed_by": "",
        "url": "https://world.example/report",
        "excerpt": "roughly 600 North Korean soldiers have died",
        "note": "",
        "period_start": "",
        "period_end": "",
        "supersedes_earlier": "on",
    }
    row.update(fields)
    return {f"estimates-{index}-{name}": value for name, value in row.items()}


def figure_form(*rows, **fields):
    data = {
        "name": "North Korean soldiers killed",
        "slug": "north-korean-soldiers-killed",
        "short_name": "the death toll",
        "unit": "soldiers",
        "definition": "Killed in combat since the deployment.",
        "estimates-TOTAL_FORMS": len(rows),
        "estimates-INITIAL_FORMS": 0,
    }
    data.update(fields)
    for row in rows:
        data.update(row)
    return data
