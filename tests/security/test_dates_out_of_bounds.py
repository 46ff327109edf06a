"""
A date far outside what the desk records (0001-01-01, 9999-12-31) is refused
where it is typed, with the bounds stated and nothing saved; a row written
around the forms with one never makes a public page answer 500, and
check_invariants names it.
"""

from datetime import UTC, date, datetime
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse

from claims.charts import month_ticks, padded
from claims.constraints import EARLIEST_DATE, LATEST_DATE
from claims.models import Article, Claim, Correction, Estimate, Evidence, Figure
from tests.factories import claim_form_data, page_text
from tests.figure_data import estimate_row, figure_form, make_estimate, make_figure
from tests.seed import CLAIM

FIRST_DAY, LAST_DAY = date(1, 1, 1), date(9999, 12, 31)
CASUALTIES = CLAIM.casualties


def refusal(day):
    return (
        "Enter a date from 1 January 1800 to 31 December 2100: "
        f"{day.isoformat()} is outside the dates the desk records, and is most likely a typo."
    )


def draft():
    return Claim.objects.get(slug=CLAIM.cremated)


# Typed in the admin ------------------------------------------------------------


@pytest.mark.parametrize("day", [FIRST_DAY, LAST_DAY, date(1799, 12, 31), date(2101, 1, 1)])
@pytest.mark.parametrize("field", ["stated_on", "period_start"])
def test_the_figure_form_refuses_an_estimate_date_out_of_bounds(client, editor, day, field):
    dates = {"stated_on": "2025-04-30", field: day.isoformat()}
    client.force_login(editor)
    response = client.post(
        reverse("admin:claims_figure_add"), figure_form(estimate_row(0, **dates))
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert refusal(day) in content
    # What was typed comes back, to be fixed rather than typed again.
    assert f'value="{day.isoformat()}"' in content
    assert not Figure.objects.exists()
    assert not Estimate.objects.exists()


@pytest.mark.parametrize(
    "field", ["made_on", "review_by", "evidence-0-published_on", "evidence-0-accessed_on"]
)
@pytest.mark.parametrize("day", [FIRST_DAY, LAST_DAY])
def test_the_claim_form_refuses_a_date_out_of_bounds(client, seed, editor, field, day):
    claim = draft()
    item = claim.evidence.get()
    client.force_login(editor)
    response = client.post(
        reverse("admin:claims_claim_change", args=[claim.pk]),
        claim_form_data(claim, **{field: day.isoformat()}),
    )
    assert response.status_code == 200
    assert refusal(day) in response.content.decode()
    stored = Claim.objects.get(pk=claim.pk)
    assert (stored.made_on, stored.review_by, stored.version) == (
        claim.made_on,
        claim.review_by,
        claim.version,
    )
    stored_item = Evidence.objects.get(pk=item.pk)
    assert (stored_item.published_on, stored_item.accessed_on) == (
        item.published_on,
        item.accessed_on,
    )


def test_no_correction_can_be_dated_in_the_admin(client, seed, publisher):
    claim = Claim.objects.get(slug=CASUALTIES)
    client.force_login(publisher)
    response = client.post(
        reverse("admin:claims_correction_add"),
        {
            "claim": claim.pk,
            "kind": "correction",
            "note": "Fixed a date.",
            "published_at_0": "9999-12-31",
            "published_at_1": "23:00:00",
        },
    )
    # Corrections are dated by the step that publishes them, never typed in.
    assert response.status_code == 403
    assert not Correction.objects.filter(claim=claim).exists()


def test_the_article_form_refuses_a_date_out_of_bounds(client, seed, editor):
    client.force_login(editor)
    response = client.post(
        reverse("admin:claims_article_add"),
        {"title": "A report", "slug": "a-report", "published_on": "0001-01-01"},
    )
    assert response.status_code == 200
    assert refusal(FIRST_DAY) in response.content.decode()
    assert not Article.objects.filter(slug="a-report").exists()


def test_the_bounds_themselves_are_dates_the_desk_records(db):
    figure = make_figure()
    for day in [EARLIEST_DATE, LATEST_DATE]:
        estimate = make_estimate(figure, stated_on=day)
        estimate.full_clean()
    assert figure.estimates.count() == 2
    with pytest.raises(ValidationError) as refused:
        Estimate(figure=figure, origin=estimate.origin, stated_on=FIRST_DAY).full_clean()
    assert refused.value.message_dict["stated_on"] == [refusal(FIRST_DAY)]


# Written around the forms --------------------------------------------------------


def test_a_figure_with_estimates_on_the_first_and_last_days_there_are_still_answers(client, db):
    figure = make_figure("North Korean soldiers killed")
    first = make_estimate(figure, stated_on=date(2025, 4, 30), low=600)
    last = make_estimate(figure, stated_on=date(2025, 9, 2), low=2000, excerpt="about 2,000")
    Estimate.objects.filter(pk=first.pk).update(stated_on=FIRST_DAY, period_start=FIRST_DAY)
    Estimate.objects.filter(pk=last.pk).update(stated_on=LAST_DAY)
    response = client.get(figure.get_absolute_url())
    assert response.status_code == 200
    text = page_text(response)
    assert "1 January 0001" in text
    assert "31 December 9999" in text
    for suffix in [".csv", ".json"]:
        download = client.get(f"/figures/{figure.slug}{suffix}")
        assert download.status_code == 200
        assert "9999-12-31" in download.content.decode()
    assert list(figure.estimates.values_list("stated_on", flat=True)) == [FIRST_DAY, LAST_DAY]


@pytest.mark.parametrize("day", [FIRST_DAY, LAST_DAY])
def test_a_figure_with_one_estimate_on_the_first_or_last_day_answers(client, db, day):
    figure = make_figure("North Korean soldiers killed")
    estimate = make_estimate(figure)
    Estimate.objects.filter(pk=estimate.pk).update(stated_on=day)
    response = client.get(figure.get_absolute_url())
    assert response.status_code == 200
    assert f"{day.day} {day:%B} {day.year:04d}" in page_text(response)
    assert Estimate.objects.get(pk=estimate.pk).stated_on == day


@pytest.mark.parametrize("day", [FIRST_DAY, LAST_DAY])
def test_a_verdict_page_with_dates_out_of_bounds_answers(client, seed, editor, day):
    claim = Claim.objects.get(slug=CASUALTIES)
    Claim.objects.filter(pk=claim.pk).update(made_on=day, review_by=day)
    claim.evidence.update(published_on=day, accessed_on=day)
    Article.objects.update(published_on=day)
    moment = datetime(day.year, day.month, day.day, 0 if day == FIRST_DAY else 23, tzinfo=UTC)
    Correction.objects.create(claim=claim, note="Fixed a date.", published_at=moment)
    for url in [claim.get_absolute_url(), "/", "/feed/", claim.claimant.get_absolute_url()]:
        assert client.get(url).status_code == 200, url
    assert Claim.objects.get(pk=claim.pk).made_on == day


def test_check_invariants_names_dates_out_of_bounds(seed):
    Claim.objects.filter(slug=CLAIM.cremated).update(made_on=FIRST_DAY)
    claim = Claim.objects.get(slug=CASUALTIES)
    Correction.objects.create(
        claim=claim, note="Fixed.", published_at=datetime(9999, 12, 31, 23, tzinfo=UTC)
    )
    errors = StringIO()
    with pytest.raises(CommandError, match="3 invariant violations"):
        call_command("check_invariants", stderr=errors)
    assert sorted(errors.getvalue().splitlines()) == [
        f"claims.Claim {CLAIM.cremated}: Its date made, 0001-01-01, is outside the dates "
        "the desk records (1 January 1800 to 31 December 2100).",
        f"claims.Claim {CASUALTIES}: Its corrections are not those its latest revision "
        "published: one was written, rewritten or deleted outside the workflow.",
        f"claims.Correction #{claim.corrections.get().pk} on {CASUALTIES}: Its published at, "
        "9999-12-31, is outside the dates the desk records (1 January 1800 to 31 December 2100).",
    ]


def test_the_time_axis_stays_within_the_days_a_date_can_be():
    assert padded(FIRST_DAY, LAST_DAY) == (FIRST_DAY, LAST_DAY)
    start, end = padded(LAST_DAY, LAST_DAY)
    assert start < end == LAST_DAY
    start, end = padded(FIRST_DAY, FIRST_DAY)
    assert FIRST_DAY == start < end
    ticks = month_ticks(date(9999, 1, 1), LAST_DAY)
    assert ticks[-1] <= LAST_DAY
    assert 0 < len(ticks) <= 5
