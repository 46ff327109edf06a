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
