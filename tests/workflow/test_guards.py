"""
Each step's rule, called on unsaved rows: no database is needed (pytest-django
refuses any query here), so a rule can be read and tried on its own.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from claims.choices import Action, ClaimStatus, Stance
from claims.models import Affiliation, Caveat, Claim, Evidence, Source
from claims.workflow import (
    TRANSITIONS,
    VERDICT_RULES,
    corroboration_problems,
    dispute_problems,
    publication_problems,
    refutation_problems,
    unpublication_problems,
    unverifiable_problems,
)

SOUTH_KOREA = Affiliation(pk=1, name="South Korean government", slug="south-korea")
UKRAINE = Affiliation(pk=2, name="Ukrainian government", slug="ukraine")
NIS = Source(pk=1, name="NIS", slug="nis", affiliation=SOUTH_KOREA)
JCS = Source(pk=2, name="Joint Chiefs of Staff", slug="jcs", affiliation=SOUTH_KOREA)
HUR = Source(pk=3, name="HUR", slug="hur", affiliation=UKRAINE)
WIRE = Source(pk=4, name="Wire", slug="wire")
MONITOR = Source(pk=5, name="Monitor", slug="monitor")


def claim(claimant=NIS, status=ClaimStatus.IN_REVIEW, **fields):
    return Claim(pk=1, slug="claim", headline="A claim", claimant=claimant, status=status, **fields)


def item(source, stance=Stance.SUPPORTS, credibility=2, origin=None):
    return Evidence(source=source, origin=origin, stance=stance, credibility=credibility)


def caveat(text="Only one source says so."):
    return Caveat(kind="single_source", text=text)


def tomorrow():
    return timezone.localdate() + timedelta(days=1)


class TestTheTable:
    def test_each_verdict_names_its_rule(self):
        assert {action: spec.guard for action, spec in TRANSITIONS.items() if spec.is_verdict} == {
            Action.CORROBORATE: corroboration_problems,
            Action.DISPUTE: dispute_problems,
            Action.REFUTE: refutation_problems,
            Action.MARK_UNVERIFIABLE: unverifiable_problems,
        }

    def test_a_standing_verdict_is_held_to_the_rule_that_issued_it(self):
        issued_by = {
            ClaimStatus.CORROBORATED: corroboration_problems,
            ClaimStatus.DISPUTED: dispute_problems,
            ClaimStatus.FALSE: refutation_problems,
            ClaimStatus.UNVERIFIABLE: unverifiable_problems,
        }
        assert issued_by == VERDICT_RULES
        assert set(VERDICT_RULES) == set(ClaimStatus.verdicts())

    def test_publishing_and_unpublishing_name_their_rules(self):
        assert TRANSITIONS[Action.PUBLISH].guard is publication_problems
        assert TRANSITIONS[Action.UNPUBLISH].guard is unpublication_problems

    def test_button_text_starts_with_a_capital(self):
        for spec in TRANSITIONS.values():
            assert spec.button_text[0].isupper(), spec.button_text


class TestCorroboration:
    def test_two_independent_origins_besides_the_claimant_corroborate(self):
        assert corroboration_problems(claim(), [item(WIRE), item(HUR, credibility=3)], []) == []

    def test_origins_sharing_an_affiliation_count_once(self):
        problems = corroboration_problems(claim(WIRE), [item(NIS), item(JCS)], [])
        assert problems == [
            "Corroboration needs supporting evidence graded 1–3 from 2 independent origins "
            "besides the claimant; this claim has 1 (South Korean government)."
        ]

    def test_the_claimants_own_side_does_not_count(self):
        problems = corroboration_problems(claim(NIS), [item(JCS), item(WIRE)], [])
        assert problems == [
            "Corroboration needs supporting evidence graded 1–3 from 2 independent origins "
            "besides the claimant; this claim has 1 (Wire). Evidence tracing back to the "
            "claimant (South Korean government) does not count."
        ]

    def test_an_item_relaying_the_claimant_traces_back_to_it(self):
        relayed = item(WIRE, origin=JCS)
        assert (
            "this claim has 1 (Ukrainian government)"
            in corroboration_problems(claim(NIS), [relayed, item(HUR)], [])[0]
        )

    def test_weakly_graded_origins_do_not_count(self):
        problems = corroboration_problems(claim(), [item(WIRE), item(HUR, credibility=4)], [])
        assert "this claim has 1 (Wire)" in problems[0]

    def test_strong_contradicting_evidence_refuses_it(self):
        evidence = [item(WIRE), item(HUR), item(MONITOR, Stance.CONTRADICTS, credibility=2)]
        assert corroboration_problems(claim(), evidence, []) == [
            "Corroboration is refused while 1 contradicting item is graded 1–2."
        ]


class TestDispute:
    def test_one_item_on_each_side_is_enough(self):
        evidence = [item(WIRE, credibility=5), item(MONITOR, Stance.CONTRADICTS, credibility=6)]
        assert dispute_problems(claim(), evidence, []) == []

    @pytest.mark.parametrize(
        ("stances", "missing"),
        [
            ([Stance.SUPPORTS], "no contradicting evidence"),
            ([Stance.CONTRADICTS, Stance.CONTEXT], "no supporting evidence"),
            ([], "no supporting and no contradicting evidence"),
        ],
    )
    def test_a_missing_side_is_named(self, stances, missing):
        evidence = [item(WIRE, stance) for stance in stances]
        (problem,) = dispute_problems(claim(), evidence, [])
        assert problem.endswith(f"this claim has {missing}.")


class TestRefutation:
    def test_strong_contradicting_evidence_from_an_independent_origin_refutes(self):
        assert refutation_problems(claim(), [item(HUR, Stance.CONTRADICTS, 1)], []) == []

    def test_the_claimants_own_side_cannot_refute_it(self):
        problems = refutation_problems(claim(NIS), [item(JCS, Stance.CONTRADICTS, 1)], [])
        assert problems == [
            "A false rating needs contradicting evidence graded 1–2 from an origin "
            "independent of the claimant."
        ]

    def test_strong_supporting_evidence_refuses_it(self):
        evidence = [item(HUR, Stance.CONTRADICTS, 1), item(WIRE, credibility=1), item(MONITOR)]
        assert refutation_problems(claim(), evidence, []) == [
            "A false rating is refused while 2 supporting items are graded 1–2."
        ]


class TestUnverifiable:
    def test_it_needs_a_caveat_saying_why(self):
        assert unverifiable_problems(claim(), [], []) == [
            "An unverifiable rating needs at least one caveat saying why."
        ]
        assert unverifiable_problems(claim(), [], [caveat()]) == []


# Evidence a false rating stands on: HUR contradicts the NIS, graded 2.
REFUTED = [item(HUR, Stance.CONTRADICTS)]


class TestPublication:
    def test_a_rated_claim_with_a_summary_is_publishable(self):
        rated = claim(status=ClaimStatus.DISPUTED, verdict_summary="Both sides say so.")
        evidence = [item(WIRE), item(HUR, Stance.CONTRADICTS)]
        assert publication_problems(rated, evidence, []) == []

    def test_a_verdict_the_evidence_no_longer_supports_is_not_published(self):
        # The evidence may have changed since the verdict: publishing asks its rule again.
        rated = claim(status=ClaimStatus.DISPUTED, verdict_summary="Both sides say so.")
        assert publication_problems(rated, [item(WIRE)], []) == [
            "A dispute needs at least one supporting and one contradicting item; "
            "this claim has no contradicting evidence."
        ]

    def test_an_unverified_claim_needs_a_caveat_and_a_summary(self):
        unverified = claim(status=ClaimStatus.UNVERIFIED)
        assert publication_problems(unverified, [], []) == [
            "An unverified claim can be published only with at least one caveat saying "
            "what we don't know.",
            "Write the summary for readers and save it: then a publisher who did not write it "
            "publishes the claim.",
        ]
        unverified.verdict_summary = "Only the NIS says so."
        assert publication_problems(unverified, [], [caveat()]) == []

    def test_a_verdict_without_a_summary_is_told_to_write_one(self):
        rated = claim(status=ClaimStatus.UNVERIFIABLE)
        assert publication_problems(rated, [], [caveat()]) == [
            "Write the summary for readers and save it: then a publisher who did not write it "
            "publishes the claim."
        ]

    @pytest.mark.parametrize("days_from_today", [0, -1])
    def test_a_review_by_date_not_after_today_stops_it(self, days_from_today):
        review_by = timezone.localdate() + timedelta(days=days_from_today)
        rated = claim(status=ClaimStatus.FALSE, verdict_summary="No.", review_by=review_by)
        (problem,) = publication_problems(rated, REFUTED, [])
        assert problem.startswith(f"The review-by date, {review_by:%-d %B %Y}, is not after today")

    def test_a_review_by_date_after_today_does_not(self):
        rated = claim(status=ClaimStatus.FALSE, verdict_summary="No.", review_by=tomorrow())
        assert publication_problems(rated, REFUTED, []) == []

    def test_a_published_claim_is_not_published_again(self):
        published = claim(status=ClaimStatus.FALSE, verdict_summary="No.", is_published=True)
        assert publication_problems(published, REFUTED, []) == ["This claim is already published."]
        assert unpublication_problems(published, [], []) == []

    def test_only_a_published_claim_is_unpublished(self):
        assert unpublication_problems(claim(), [], []) == ["This claim is not published."]
