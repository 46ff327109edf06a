"""Estimates of a figure: their values, their rules, and independence by origin."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from claims.choices import Qualifier
from claims.models import Estimate, Revision
from claims.models.figures import revisions_since
from claims.records import ClaimRecord
from tests.factories import make_published_claim, make_source, publish_draft
from tests.figure_data import make_estimate, make_figure

pytestmark = pytest.mark.django_db

APRIL = date(2025, 4, 30)
SEPTEMBER = date(2025, 9, 2)


def nis():
    return make_source("NIS", affiliation="South Korean government")


def jcs():
    return make_source("JCS", affiliation="South Korean government")


def zelensky():
    return make_source("Zelensky", affiliation="Ukrainian government")


class TestValues:
    def test_a_value_reads_with_its_qualifier(self):
        figure = make_figure()
        cases = [
            (Qualifier.ABOUT, "about 4,700"),
            (Qualifier.AT_LEAST, "at least 4,700"),
            (Qualifier.MORE_THAN, "more than 4,700"),
            (Qualifier.UP_TO, "up to 4,700"),
            (Qualifier.NONE, "4,700"),
        ]
        for day, (qualifier, text) in enumerate(cases, start=1):
            estimate = make_estimate(
                figure, stated_on=date(2025, 1, day), low=4700, qualifier=qualifier
            )
            assert Estimate.objects.get(pk=estimate.pk).value_text == text

    def test_a_range_reads_low_to_high_and_its_top_is_the_high_end(self):
        estimate = make_estimate(make_figure(), low=4000, high=5000)
        stored = Estimate.objects.get(pk=estimate.pk)
        assert stored.is_range
        assert stored.value_text == "about 4,000–5,000"
        assert stored.top == 5000

    def test_at_least_and_more_than_may_be_higher_up_to_may_be_lower(self):
        figure = make_figure()
        floor = make_estimate(figure, qualifier=Qualifier.AT_LEAST)
        more = make_estimate(figure, stated_on=date(2025, 5, 1), qualifier=Qualifier.MORE_THAN)
        ceiling = make_estimate(figure, stated_on=date(2025, 5, 2), qualifier=Qualifier.UP_TO)
        about = make_estimate(figure, stated_on=date(2025, 5, 3))
        assert floor.may_be_higher and more.may_be_higher and not floor.may_be_lower
        assert ceiling.may_be_lower and not ceiling.may_be_higher
        assert not about.may_be_higher and not about.may_be_lower

    def test_the_record_for_downloads_has_every_column_in_order(self):
        from claims.models.figures import RECORD_COLUMNS

        estimate = make_estimate(make_figure(), relayed_by=make_source("Wire"))
        record = estimate.as_record(["https://desk.example/claims/x/"])
        assert list(record) == RECORD_COLUMNS
        assert record["independent_origin"] == "South Korean government"
        assert record["relayed_by"] == "Wire"
        assert record["low"] == record["high"] == 600


class TestRules:
    @pytest.mark.parametrize(
        "bad",
        [
            {"high": 500},
            {"high": 600},
            {"high": 900, "qualifier": Qualifier.AT_LEAST},
            {"url": "javascript:alert(1)"},
            {"url": ""},
            {"excerpt": ""},
            {"excerpt": "x" * 1001},
            {"excerpt": "about 600\x01 killed"},
            {"note": "hidden\x1b[31m"},
            {"qualifier": "roughly"},
            {"period_start": date(2025, 5, 1), "period_end": date(2025, 4, 1)},
            {"period_end": date(2025, 5, 1)},
        ],
    )
    def test_the_database_refuses_a_bad_estimate_and_keeps_the_good_one(self, bad):
        estimate = make_estimate(make_figure())
        with pytest.raises(IntegrityError), transaction.atomic():
            Estimate.objects.filter(pk=estimate.pk).update(**bad)
        stored = Estimate.objects.get(pk=estimate.pk)
        assert (stored.low, stored.high, stored.url) == (600, None, "https://news.example/report")
        assert stored.excerpt == "about 600 killed"

    def test_validation_names_the_field_and_saves_nothing(self):
        figure = make_figure()
        estimate = Estimate(
            figure=figure,
            origin=nis(),
            stated_on=APRIL,
            low=600,
            url="data:text/html,hi",
            excerpt="about 600\x07 killed",
        )
        with pytest.raises(ValidationError) as error:
            estimate.full_clean()
        assert set(error.value.message_dict) == {"url", "excerpt"}
        assert "invisible control character" in error.value.message_dict["excerpt"][0]
        assert not Estimate.objects.exists()

    def test_tabs_and_line_breaks_are_not_control_characters(self):
        estimate = make_estimate(make_figure(), note="Line one.\nLine two.\tTabbed.")
        estimate.full_clean()
        assert "\n" in Estimate.objects.get(pk=estimate.pk).note

    def test_one_origin_states_one_estimate_a_day(self):
        figure = make_figure()
        origin = nis()
        make_estimate(figure, origin)
        with pytest.raises(IntegrityError), transaction.atomic():
            make_estimate(figure, origin, low=700)
        assert figure.estimates.count() == 1

    def test_natural_keys_name_figure_origin_and_day(self):
        estimate = make_estimate(make_figure(), nis())
        assert estimate.natural_key() == ("soldiers-killed", "nis", "2025-04-30")
        assert Estimate.objects.get_by_natural_key(*estimate.natural_key()) == estimate


class TestIndependence:
    def test_estimates_from_one_affiliation_are_one_series(self):
        figure = make_figure()
        make_estimate(figure, nis(), stated_on=date(2024, 12, 19), low=100)
        make_estimate(figure, jcs(), stated_on=date(2024, 12, 23), low=150)
        make_estimate(figure, nis(), stated_on=APRIL, low=600)
        [series] = figure.series()
        assert series.label == "South Korean government"
        assert [origin.slug for origin in series.origins] == ["nis", "jcs"]
        assert [estimate.low for estimate in series.estimates] == [100, 150, 600]

    def test_origins_with_different_affiliations_are_separate_series_in_order_of_speaking(self):
        figure = make_figure()
        make_estimate(figure, nis(), stated_on=date(2025, 1, 13), low=300)
        make_estimate(figure, zelensky(), stated_on=date(2024, 12, 23), low=3000)
        make_estimate(figure, jcs(), stated_on=APRIL, low=600)
        labels = [series.label for series in figure.series()]
        assert labels == ["Ukrainian government", "South Korean government"]

    def test_who_relayed_an_estimate_does_not_make_it_independent(self):
        figure = make_figure()
        for number, day in enumerate([date(2025, 1, 1), date(2025, 2, 1), date(2025, 3, 1)]):
            make_estimate(figure, nis(), stated_on=day, relayed_by=make_source(f"Wire {number}"))
        assert len(figure.series()) == 1

    def test_unaffiliated_origins_are_each_independent(self):
        figure = make_figure()
        make_estimate(figure, make_source("Analyst one"))
        make_estimate(figure, make_source("Analyst two"))
        assert len(figure.series()) == 2

    def test_an_origins_current_estimate_is_its_latest_that_supersedes(self):
        figure = make_figure()
        origin = nis()
        make_estimate(figure, origin, stated_on=date(2025, 1, 13), low=300)
        april = make_estimate(figure, origin, stated_on=APRIL, low=600)
        make_estimate(figure, origin, stated_on=date(2025, 5, 20), low=40, supersedes_earlier=False)
        [series] = figure.series()
        assert series.current == april
        assert len(series.estimates) == 3


def stated_estimates(claim, editor):
    """The estimates `claim` states, as a revision of it publishes them."""
    revision = publish_draft(claim, editor)
    return ClaimRecord(revision.document, revision).estimates


class TestRevisions:
    def test_a_later_estimate_from_the_same_origin_revises_the_one_a_claim_states(self, editor):
        figure = make_figure()
        april = make_estimate(figure, nis(), stated_on=APRIL, low=600)
        make_estimate(figure, nis(), stated_on=date(2025, 6, 1), low=1000)
        september = make_estimate(figure, nis(), stated_on=SEPTEMBER, low=2000)
        claim = make_published_claim(editor)
        april.claims.add(claim)
        [revision] = revisions_since(stated_estimates(claim, editor))
        assert revision.stated.pk == april.pk
        assert revision.stated.value_text == "about 600"
        assert revision.latest == september
        assert revision.same_source

    def test_a_sister_agency_revises_for_the_same_origin(self, editor):
        figure = make_figure()
        april = make_estimate(figure, nis(), stated_on=APRIL)
        later = make_estimate(figure, jcs(), stated_on=SEPTEMBER, low=2000)
        claim = make_published_claim(editor)
        april.claims.add(claim)
        [revision] = revisions_since(stated_estimates(claim, editor))
        assert revision.latest == later
        assert not revision.same_source

    def test_an_independent_origins_later_estimate_is_not_a_revision(self, editor):
        figure = make_figure()
        april = make_estimate(figure, nis(), stated_on=APRIL)
        make_estimate(figure, zelensky(), stated_on=SEPTEMBER, low=9000)
        make_estimate(figure, nis(), stated_on=date(2025, 1, 13), low=300)
        make_estimate(figure, nis(), stated_on=date(2025, 6, 1), low=40, supersedes_earlier=False)
        make_estimate(make_figure("Soldiers wounded"), nis(), stated_on=SEPTEMBER, low=5000)
        claim = make_published_claim(editor)
        april.claims.add(claim)
        assert revisions_since(stated_estimates(claim, editor)) == []

    def test_the_stated_value_is_the_published_one(self, editor):
        figure = make_figure()
        april = make_estimate(figure, nis(), stated_on=APRIL, low=600)
        claim = make_published_claim(editor)
        april.claims.add(claim)
        stated = stated_estimates(claim, editor)
        april.low = 60_000
        april.save()
        assert [estimate.value_text for estimate in stated] == ["about 600"]
        assert Revision.objects.current().get(claim=claim).document["estimates"][0]["low"] == 600

    def test_a_claim_stating_no_estimate_has_no_revisions_and_costs_no_query(
        self, editor, django_assert_num_queries
    ):
        claim = make_published_claim(editor)
        stated = stated_estimates(claim, editor)
        with django_assert_num_queries(0):
            assert revisions_since(stated) == []
