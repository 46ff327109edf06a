"""Five outlets repeating one agency are one origin, not five."""

import pytest

from claims.choices import Stance
from claims.models import Claim
from tests.factories import make_claim, make_evidence, make_source
from tests.seed import CLAIM, SOURCE


def test_the_4700_claim_has_two_items_but_one_origin(seed):
    claim = Claim.objects.get(slug=CLAIM.casualties)
    groups = claim.independent_origins()
    assert claim.evidence.count() == 2
    assert len(groups) == 1
    assert groups[0].label == "South Korean government"
    assert [origin.slug for origin in groups[0].origins] == [SOURCE.nis]
    assert sorted([source.slug for source in chain] for chain in groups[0].chains) == [
        [SOURCE.nis, SOURCE.rok_lawmakers],
        [SOURCE.nis, SOURCE.seed_article],
    ]


def test_the_kursk_claim_has_two_independent_origins_besides_the_claimant(seed):
    claim = Claim.objects.get(slug=CLAIM.kursk)
    groups = {group.label: group for group in claim.independent_origins()}
    assert sorted(groups) == [
        "North Korean government",
        "Russian government",
        "South Korean government",
    ]
    # KCNA and the government it speaks for are one origin.
    # The NIS is the claimant: the lawmakers relaying it are listed, not counted.
    assert [label for label, group in groups.items() if group.is_claimant] == [
        "South Korean government"
    ]
    assert {origin.slug for origin in groups["North Korean government"].origins} == {
        SOURCE.north_korea,
        SOURCE.kcna,
    }
    assert [origin.slug for origin in groups["Russian government"].origins] == [
        SOURCE.russian_general_staff
    ]


@pytest.mark.django_db
def test_sources_sharing_an_affiliation_count_once(editor):
    claim = make_claim(editor)
    nis = make_source("NIS", affiliation="South Korean government")
    ministry = make_source("Defence ministry", affiliation="South Korean government")
    make_evidence(claim, nis)
    make_evidence(claim, ministry)
    groups = claim.independent_origins()
    assert len(groups) == 1
    assert {origin.slug for origin in groups[0].origins} == {SOURCE.nis, "defence-ministry"}


@pytest.mark.django_db
def test_relayed_evidence_counts_under_its_origin_not_its_publisher(editor):
    claim = make_claim(editor)
    agency = make_source("Agency")
    for wire in ["Wire one", "Wire two", "Wire three"]:
        make_evidence(claim, make_source(wire), origin=agency)
    groups = claim.independent_origins()
    assert len(groups) == 1
    assert groups[0].label == "Agency"
    assert len(groups[0].evidence) == 3


@pytest.mark.django_db
def test_unaffiliated_first_hand_sources_are_each_independent(editor):
    claim = make_claim(editor)
    make_evidence(claim, make_source("Reporter one"))
    make_evidence(claim, make_source("Reporter two"))
    make_evidence(claim, make_source("Reporter three"), stance=Stance.CONTRADICTS)
    assert len(claim.independent_origins()) == 2
    assert len(claim.independent_origins(Stance.CONTRADICTS)) == 1
