"""
The public pages of a figure: its estimates over time as a page with a chart,
and the same rows as CSV and JSON for data journalists.

Every estimate of a figure is public (each is a statement someone made in
public, with its link); the claims stating one are listed only when published.
"""

import csv
import io
import re

from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from claims.caching import public_page
from claims.charts import estimate_chart
from claims.claimreview import absolute_url
from claims.models import Estimate, Figure
from claims.models.figures import RECORD_COLUMNS
from claims.names import headlines_in, in_page_language, newsroom_language, page_language
from claims.page_versions import BROWSE, figure_page

# Spreadsheets run a cell that starts with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# A spreadsheet whose list separator is not ours (a semicolon, in much of
# Europe) splits a cell at it, or at a tab or a line break, whatever the
# quoting, and runs a piece that starts with a formula, past any quote marks
# the split leaves. CR before LF is one line break: the piece starts after LF.
FORMULA_AFTER_SEPARATOR = re.compile(r'(?<=[,;\t\r\n])("*)(?=[=+\-@\t]|\r(?!\n))')


def figure_with_estimates(slug):
    figure = get_object_or_404(Figure, slug=slug)
    return figure, figure.estimates_for_readers()


def name_figure_page(figure, estimates):
    """
    Name the figure, its estimates' origins and reporters and the claims
    stating them in the page's language, where it is published in it
    (claims.names): two queries on a page in another language than the
    newsroom's, whatever the number of estimates. The definition is not
    translated: it is marked as in the newsroom's language.
    """
    language = page_language()
    sources = [estimate.origin for estimate in estimates]
    sources += [estimate.relayed_by for estimate in estimates]
    in_page_language(language, sources=sources, figures=[figure])
    figure.definition_lang = "" if language == newsroom_language() else newsroom_language()
    headlines_in(language, [claim for estimate in estimates for claim in estimate.published_claims])


def claim_urls(estimate):
    return [absolute_url(claim.get_absolute_url()) for claim in estimate.published_claims]


@require_safe
@public_page(shows=lambda slug: [figure_page(slug)])
def figure_detail(request, slug):
    """
    A figure's estimates over time.

    Template: claims/figure_detail.html. Context: figure, estimates (oldest
    first), series (one OriginSeries per independent origin), chart (the SVG's
    layout, None without estimates), canonical_url.
    """
    figure, estimates = figure_with_estimates(slug)
    name_figure_page(figure, estimates)
    series = figure.series(estimates)
    return render(
        request,
        "claims/figure_detail.html",
        {
            "figure": figure,
            "estimates": estimates,
            "series": series,
            "chart": estimate_chart(figure, series),
            "canonical_url": absolute_url(figure.get_absolute_url()),
        },
    )


@require_safe
@public_page(shows=lambda slug: [figure_page(slug)])
def figure_csv(request, slug):
    """Every estimate of the figure, one row each, oldest first (Estimate.as_record's columns)."""
    figure, estimates = figure_with_estimates(slug)
    records = [estimate.as_record(claim_urls(estimate)) for estimate in estimates]
    columns = RECORD_COLUMNS
    out = io.StringIO()
    # Every cell quoted: a reader splitting at our commas then keeps the
    # cells whole, whatever they hold.
    writer = csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_ALL)
    writer.writerow(columns)
    for record in records:
        writer.writerow([spreadsheet_safe(record[column]) for column in columns])
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{figure.slug}.csv"'
    return response


@require_safe
@public_page(shows=lambda slug: [figure_page(slug)])
def figure_json(request, slug):
    """The figure, its latest estimate from each independent origin, and every estimate."""
    figure, estimates = figure_with_estimates(slug)
    records = {estimate.pk: estimate.as_record(claim_urls(estimate)) for estimate in estimates}
    return JsonResponse(
        {
            "figure": {
                "name": figure.name,
                "unit": figure.unit,
                "definition": figure.definition,
                "url": absolute_url(figure.get_absolute_url()),
            },
            "latest_by_origin": [
                {"independent_origin": group.label, "estimate": records[group.current.pk]}
                for group in figure.series(estimates)
            ],
            "estimates": list(records.values()),
        },
        json_dumps_params={"ensure_ascii": False, "indent": 2},
    )


def spreadsheet_safe(value):
    """
    A CSV cell a spreadsheet shows as text: lists joined, and an apostrophe
    before every formula, at the start of the cell and after anything a
    spreadsheet may split it at (FORMULA_AFTER_SEPARATOR).
    """
    if isinstance(value, list):
        value = " ".join(value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if not isinstance(value, str):
        return value
    value = FORMULA_AFTER_SEPARATOR.sub(r"\1'", value)
    if value.startswith(FORMULA_STARTS):
        return f"'{value}"
    return value


@require_safe
@public_page(shows=[BROWSE])
def figure_list(request):
    """
    Every figure (all are public: each estimate is a public statement) with
    the latest estimate from each independent origin, as its page shows them.

    Template: claims/figure_list.html. Context: figures (each with `series_list`,
    one OriginSeries per independent origin, and `estimate_count`).
    """
    figures = list(Figure.objects.order_by("name"))
    estimates = {}
    for estimate in Estimate.objects.select_related("origin__affiliation").order_by("pk"):
        estimates.setdefault(estimate.figure_id, []).append(estimate)
    in_page_language(
        page_language(),
        sources=[estimate.origin for found in estimates.values() for estimate in found],
        figures=figures,
    )
    for figure in figures:
        found = estimates.get(figure.pk, [])
        figure.series_list = figure.series(found) if found else []
        figure.estimate_count = len(found)
    return render(request, "claims/figure_list.html", {"figures": figures})
