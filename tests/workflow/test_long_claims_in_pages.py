"""
A claim with hundreds of evidence rows, or a figure with hundreds of
estimates, stays workable in the admin: its rows come in pages, so that a
save or a workflow step never carries more fields than Django accepts
(DATA_UPLOAD_MAX_NUMBER_FIELDS), which would answer 400 to every button.
"""

from datetime import date, timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse

from claims.models import Caveat, Claim, Estimate, Evidence, Source
from tests.factories import (
    as_post_data,
    make_published_claim,
    make_source,
    submitted_fields,
)
from tests.figure_data import make_figure

ROWS = 300


@pytest.fixture
def long_claim(editor):
    """A claim readers see as unverified, with a caveat and 300 evidence rows."""
    claim = make_published_claim(editor, slug="long-claim")
    Caveat.objects.create(claim=claim, kind="single_source", text="Only one agency says so.")
    wire = make_source("Wire")
    Evidence.objects.bulk_create(
        Evidence(claim=claim, source=wire, stance="supports", credibility=3, title=f"Report {n}")
        for n in range(ROWS)
    )
    return claim


def change_url(claim, **query):
    url = reverse("admin:claims_claim_change", args=[claim.pk])
    return f"{url}?evidence_page={query['page']}" if query else url


def test_a_claim_with_300_evidence_rows_saves_from_the_admin_a_page_at_a_time(
    long_claim, client, publisher
):
    client.force_login(publisher)
    response = client.get(change_url(long_claim))
    assert response.status_code == 200
    assert "Evidence 1–25 of 300, 25 to a page." in response.content.decode()
    assert 'href="?evidence_page=12"' in response.content.decode()
    fields = submitted_fields(response, "claim_form")
    assert len(fields) < settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
    data = as_post_data(fields, context="Saved with 300 rows.")
    assert data["evidence-TOTAL_FORMS"] == ["25"]
    response = client.post(change_url(long_claim), data)
    assert response.status_code == 302
    stored = Claim.objects.get(pk=long_claim.pk)
    assert (stored.context, stored.version) == ("Saved with 300 rows.", long_claim.version + 1)
    assert stored.evidence.count() == ROWS


def test_a_published_claim_with_300_evidence_rows_can_be_unpublished(long_claim, client, publisher):
    client.force_login(publisher)
    fields = submitted_fields(client.get(change_url(long_claim)), "claim_form")
    data = as_post_data(
        fields,
        workflow_note="Legal asked us to pull it.",
        workflow_public_note="Withdrawn while we check it again.",
        _workflow_action="unpublish",
    )
    response = client.post(change_url(long_claim), data)
    assert response.status_code == 302
    stored = Claim.objects.get(pk=long_claim.pk)
    assert not stored.is_published
    assert stored.events.last().action == "unpublish"
    assert stored.evidence.count() == ROWS


def test_a_row_on_a_later_page_is_edited_and_the_other_pages_are_kept(long_claim, client, editor):
    Claim.objects.filter(pk=long_claim.pk).update(is_published=False, published_at=None)
    client.force_login(editor)
    response = client.get(change_url(long_claim, page=12))
    assert "Evidence 276–300 of 300" in response.content.decode()
    fields = submitted_fields(response, "claim_form")
    data = as_post_data(fields)
    row = next(name for name, values in data.items() if values == ["Report 299"])
    data[row] = ["Report 299, corrected"]
    response = client.post(change_url(long_claim, page=12), data)
    assert response.status_code == 302
    titles = set(Evidence.objects.filter(claim=long_claim).values_list("title", flat=True))
    assert len(titles) == ROWS
    assert "Report 299, corrected" in titles and "Report 0" in titles
    assert "Report 299" not in titles


def test_a_page_of_rows_shows_each_rows_source_without_looking_it_up_again(
    long_claim, client, editor
):
    """Django's autocomplete looked up each row's chosen source again: 25 queries a page."""
    Evidence.objects.filter(title="Report 3").update(origin=make_source("Relay"))
    client.force_login(editor)
    statements = []

    def count(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        response = client.get(change_url(long_claim))
    assert response.status_code == 200
    fields = dict(submitted_fields(response, "claim_form"))
    wire, relay = (Source.objects.get(name=name) for name in ("Wire", "Relay"))
    rows = range(25)
    assert {fields[f"evidence-{row}-source"] for row in rows} == {str(wire.pk)}
    assert sorted(fields[f"evidence-{row}-origin"] for row in rows) == [""] * 24 + [str(relay.pk)]
    page = response.content.decode()
    assert page.count(f'<option value="{wire.pk}" selected>Wire</option>') == 25
    assert page.count(f'<option value="{relay.pk}" selected>Relay</option>') == 1
    # The claimant is read with the claim, the form's rows with their sources;
    # the workflow panel's record reads every row's sources and origins, once each.
    assert sum('FROM "claims_source"' in sql for sql in statements) == 2
    assert len(statements) < 40
    assert Evidence.objects.filter(claim=long_claim, origin=relay).count() == 1


@pytest.mark.usefixtures("template_context")
def test_a_row_given_another_source_shows_the_one_chosen_when_the_page_is_refused(
    long_claim, client, editor
):
    Claim.objects.filter(pk=long_claim.pk).update(is_published=False, published_at=None)
    agency = make_source("Other agency")
    client.force_login(editor)
    data = as_post_data(submitted_fields(client.get(change_url(long_claim)), "claim_form"))
    data["evidence-2-source"] = [str(agency.pk)]
    data["evidence-4-url"] = ["javascript:alert(1)"]
    response = client.post(change_url(long_claim), data)
    assert response.status_code == 200
    assert any("Enter a valid URL." in str(error) for error in response.context["errors"])
    page = response.content.decode()
    assert page.count(f'<option value="{agency.pk}" selected>Other agency</option>') == 1
    assert not Evidence.objects.filter(claim=long_claim, source=agency).exists()


def test_a_figure_with_300_estimates_saves_from_the_admin(client, editor):
    figure = make_figure("Soldiers wounded")
    nis = make_source("NIS")
    first = date(2024, 1, 1)
    Estimate.objects.bulk_create(
        Estimate(
            figure=figure,
            origin=nis,
            stated_on=first + timedelta(days=n),
            qualifier="about",
            low=100 + n,
            url="https://news.example/report",
            excerpt=f"about {100 + n} wounded",
        )
        for n in range(ROWS)
    )
    client.force_login(editor)
    url = reverse("admin:claims_figure_change", args=[figure.pk])
    response = client.get(url)
    fields = submitted_fields(response, "figure_form")
    assert len(fields) < settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
    response = client.post(url, as_post_data(fields, definition="Wounded, as stated."))
    assert response.status_code == 302
    figure.refresh_from_db()
    assert figure.definition == "Wounded, as stated."
    assert figure.estimates.count() == ROWS


def test_a_page_of_stored_rows_sent_back_unchanged_is_not_checked_row_by_row(
    long_claim, client, editor
):
    """
    A stored row sent back as it was holds every rule already: checking its
    constraints and its source again cost about 20 queries a row, 500 for a
    page, on every save and every workflow step.
    """
    Claim.objects.filter(pk=long_claim.pk).update(is_published=False, published_at=None)
    client.force_login(editor)
    data = as_post_data(
        submitted_fields(client.get(change_url(long_claim)), "claim_form"),
        context="Saved without touching a row.",
    )
    statements = []

    def count(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        response = client.post(change_url(long_claim), data)
    assert response.status_code == 302
    assert Claim.objects.get(pk=long_claim.pk).context == "Saved without touching a row."
    assert len(statements) < 50
    # The claim's own constraints are checked; none of the 25 rows' are.
    assert sum('AS "_check"' in sql for sql in statements) < 25
    # Nor is any row, or the source it names, looked up again (83 statements
    # before, 27 of them reading evidence and 27 sources): the page of rows is
    # read once with its sources, and the claimant is the one source read.
    assert sum('FROM "claims_evidence"' in sql for sql in statements) == 2
    assert sum('FROM "claims_source"' in sql for sql in statements) <= 2


@pytest.mark.usefixtures("template_context")
def test_a_stored_row_changed_to_what_the_rules_refuse_is_still_refused(long_claim, client, editor):
    Claim.objects.filter(pk=long_claim.pk).update(is_published=False, published_at=None)
    client.force_login(editor)
    data = as_post_data(submitted_fields(client.get(change_url(long_claim)), "claim_form"))
    data["evidence-3-url"] = ["javascript:alert(1)"]
    data["evidence-4-title"] = ["x" * 301]
    response = client.post(change_url(long_claim), data)
    assert response.status_code == 200
    errors = [str(error) for error in response.context["errors"]]
    assert any("Enter a valid URL." in error for error in errors), errors
    assert any("at most 300 characters" in error for error in errors), errors
    assert not Evidence.objects.filter(claim=long_claim).exclude(url="").exists()
    assert not Evidence.objects.filter(claim=long_claim, title__startswith="xxx").exists()
