"""The desk enters a figure and its estimates on one admin page; readers see them at once
(and a claim stating one, once that is published)."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from claims.models import Estimate, Figure
from tests.factories import (
    make_published_claim,
    make_source,
    opened_digest,
    page_text,
    publish_draft,
)
from tests.figure_data import estimate_row, figure_form, make_estimate, make_figure

pytestmark = pytest.mark.django_db


def test_an_editor_adds_a_figure_with_its_estimates_and_the_claim_stating_one(editor, client):
    claim = make_published_claim(editor, slug="deaths-600")
    client.force_login(editor)
    response = client.post(
        reverse("admin:claims_figure_add"),
        figure_form(
            estimate_row(0, claims=[claim.pk]),
            estimate_row(1, stated_on="2025-09-02", low="2000", excerpt="around 2,000"),
        ),
    )
    assert response.status_code == 302
    figure = Figure.objects.get(slug="north-korean-soldiers-killed")
    assert [estimate.low for estimate in figure.estimates.all()] == [600, 2000]
    assert list(claim.estimates.all()) == [figure.estimates.first()]
    # Stating the estimate is part of the claim's record: readers see it once published.
    assert "the death toll" not in page_text(client.get("/claims/deaths-600/"))
    publish_draft(claim, editor)
    assert "the same source, NIS, put the death toll at about 2,000" in page_text(
        client.get("/claims/deaths-600/")
    )


def test_an_estimate_typed_with_korean_numerals_is_stored_as_its_number(editor, client):
    client.force_login(editor)
    response = client.post(
        reverse("admin:claims_figure_add"),
        figure_form(
            estimate_row(0, low="4천700명", excerpt="북한군 사상자 4천700명"),
            estimate_row(1, stated_on="2025-09-02", low="1만", high="1만5천", excerpt="1만~1만5천"),
        ),
    )
    assert response.status_code == 302
    stored = Estimate.objects.order_by("stated_on").values_list("low", "high", "excerpt")
    assert list(stored) == [(4700, None, "북한군 사상자 4천700명"), (10000, 15000, "1만~1만5천")]
    # The form shows the number back as digits.
    figure = Figure.objects.get()
    page = client.get(reverse("admin:claims_figure_change", args=[figure.pk])).content.decode()
    assert 'value="4700"' in page


def test_an_estimate_typed_in_words_is_refused_with_how_to_type_it(editor, client):
    client.force_login(editor)
    response = client.post(
        reverse("admin:claims_figure_add"), figure_form(estimate_row(0, low="사천칠백 명"))
    )
    assert response.status_code == 200
    assert "Enter a whole number, in digits or with Korean units" in response.content.decode()
    assert 'value="사천칠백 명"' in response.content.decode()
    assert not Figure.objects.exists()
    assert not Estimate.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("url", "javascript:alert(1)", "Enter a valid URL."),
        ("excerpt", "about 600\x01 killed", "Remove the invisible control character U+0001"),
        (
            "excerpt",
            "about 600\uffff killed",
            "Remove the invisible character U+FFFF at character 10",
        ),
        ("note", "hidden\ufffe", "Remove the invisible character U+FFFE at character 7"),
        ("note", "hidden\x7f", "Remove the invisible control character U+007F"),
        ("url", "https://news.example/\uffff", "Remove the invisible character U+FFFF"),
        ("excerpt", "x" * 1001, "Ensure this value has at most 1000 characters"),
        ("high", "500", "high end must be above its low end."),
    ],
)
def test_a_bad_estimate_is_refused_with_the_reason_and_nothing_is_saved(
    editor, client, field, value, message
):
    client.force_login(editor)
    response = client.post(
        reverse("admin:claims_figure_add"), figure_form(estimate_row(0, **{field: value}))
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Figure.objects.exists()
    assert not Estimate.objects.exists()


@pytest.mark.usefixtures("template_context")
@pytest.mark.parametrize("field", ["name", "short_name", "unit", "definition"])
def test_a_figure_whose_text_xml_cannot_carry_is_refused_and_nothing_is_saved(
    editor, client, field
):
    client.force_login(editor)
    typed = "North Korean\uffff soldiers"
    response = client.post(
        reverse("admin:claims_figure_add"), figure_form(estimate_row(0), **{field: typed})
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors[field] == [
        "Remove the invisible character U+FFFF at character 13: "
        "text pasted from other programs sometimes carries one."
    ]
    assert typed in response.content.decode()
    assert not Figure.objects.exists()
    assert not Estimate.objects.exists()


def test_a_new_estimate_shows_at_once_on_a_cached_figure_page(
    editor, client, page_cache, django_capture_on_commit_callbacks
):
    figure = make_figure("North Korean soldiers killed")
    assert "No estimates on file yet." in page_text(client.get(figure.get_absolute_url()))
    client.force_login(editor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:claims_figure_change", args=[figure.pk]),
            figure_form(
                estimate_row(0),
                slug=figure.slug,
                definition=figure.definition,
                row_digest=opened_digest(figure),
            ),
        )
    assert response.status_code == 302
    client.logout()
    text = page_text(client.get(figure.get_absolute_url()))
    assert "South Korean government: about 600 soldiers" in text
    assert figure.estimates.count() == 1


def test_a_reader_cannot_reach_the_figure_admin(client):
    figure = make_figure()
    response = client.get(reverse("admin:claims_figure_change", args=[figure.pk]))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
    assert Figure.objects.count() == 1


def test_the_figure_page_reads_its_estimates_claims_together(editor, client):
    """Each estimate's claims were read three times a row: for the page's
    digest, for the form and for its autocomplete."""
    figure = make_figure()
    nis = make_source("NIS")
    claims = [make_published_claim(editor, slug=f"claim-{n}") for n in range(3)]

    def add_estimates(count):
        for _ in range(count):
            stated = figure.estimates.count()
            estimate = make_estimate(
                figure, origin=nis, low=600 + stated, stated_on=date(2025, 1, 1 + stated)
            )
            estimate.claims.set(claims[: 1 + stated % 3])

    def change_page():
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse("admin:claims_figure_change", args=[figure.pk]))
        assert response.status_code == 200
        return len(captured), response.content.decode()

    client.force_login(editor)
    add_estimates(3)
    queries_for_three, _ = change_page()
    add_estimates(9)
    queries_for_twelve, page = change_page()
    assert queries_for_twelve == queries_for_three
    # Every row shows the claims it states, chosen.
    for claim in claims:
        stated = Estimate.objects.filter(figure=figure, claims=claim).count()
        assert page.count(f'<option value="{claim.pk}" selected>{claim.headline}</option>') == (
            stated
        )
    assert Estimate.objects.filter(figure=figure).count() == 12
