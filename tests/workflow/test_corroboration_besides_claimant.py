"""The claimant repeating its claim is the claim, not evidence for it: corroboration
needs two independent origins besides the claimant's own affiliation."""

import pytest

from claims.choices import ClaimStatus
from claims.models import Claim, Source
from claims.workflow import WorkflowError
from tests.factories import make_claim, make_evidence, make_source
from tests.seed import CLAIM, SOURCE


def test_the_4700_claim_stays_uncorroborated_when_an_nis_affiliated_outlet_adds_support(
    seed, reviewer
):
    claim = Claim.objects.get(slug=CLAIM.casualties)
    nis = Source.objects.get(slug=SOURCE.nis)
    ministry = make_source("ROK defence ministry", affiliation=nis.affiliation)
    make_evidence(claim, ministry, credibility=1, title="The ministry repeats the figure")
    make_evidence(
        claim, make_source("Seoul daily"), origin=nis, credibility=1, title="A daily relays it"
    )
    # Published: putting it under review is a reviewer's step, with both notes.
    claim.start_review(
        by=reviewer, note="Two new items.", public_note="We are checking new reports."
    )
    with pytest.raises(WorkflowError) as refused:
        claim.corroborate(by=reviewer, public_note="Corroborated.")
    assert "besides the claimant; this claim has 0." in refused.value.messages[0]
    assert "(South Korean government) does not count" in refused.value.messages[0]
    stored = Claim.objects.get(pk=claim.pk)
    assert stored.status == ClaimStatus.IN_REVIEW
    assert stored.events.last().action == "start_review"


def test_one_origin_besides_the_claimant_is_still_not_enough(seed, reviewer):
    claim = Claim.objects.get(slug=CLAIM.casualties)
    make_evidence(claim, make_source("Ukrainian military intelligence"), credibility=2)
    claim.start_review(by=reviewer, note="A new item.", public_note="We are checking a report.")
    with pytest.raises(WorkflowError, match=r"this claim has 1 \(Ukrainian military"):
        claim.corroborate(by=reviewer, public_note="Corroborated.")
    assert Claim.objects.get(pk=claim.pk).status == ClaimStatus.IN_REVIEW


def test_the_kursk_claim_is_corroborated_on_russia_and_north_korea_without_the_nis(seed, reviewer):
    claim = Claim.objects.get(slug=CLAIM.kursk)
    claim.reopen(by=reviewer, note="Checking the two confirmations.", public_note="Re-checking.")
    claim.corroborate(by=reviewer, public_note="Both confirmations stand.")
    stored = Claim.objects.get(pk=claim.pk)
    assert stored.status == ClaimStatus.CORROBORATED
    counted = [group.label for group in stored.independent_origins() if not group.is_claimant]
    assert sorted(counted) == ["North Korean government", "Russian government"]


def test_without_one_of_the_two_confirmations_kursk_cannot_be_corroborated(seed, reviewer):
    claim = Claim.objects.get(slug=CLAIM.kursk)
    claim.reopen(by=reviewer, note="A confirmation is in doubt.", public_note="Re-checking.")
    claim.evidence.get(source__slug=SOURCE.nk_news).delete()
    with pytest.raises(WorkflowError, match=r"this claim has 1 \(North Korean government\)"):
        claim.corroborate(by=reviewer, public_note="Confirmed.")
    assert Claim.objects.get(pk=claim.pk).status == ClaimStatus.IN_REVIEW


@pytest.mark.django_db
def test_a_claimant_without_affiliation_cannot_corroborate_itself_first_hand(editor, reviewer):
    agency = make_source("Agency")
    claim = make_claim(editor, claimant=agency)
    make_evidence(claim, agency, credibility=1, title="The agency's own statement")
    make_evidence(claim, make_source("Wire"), credibility=1, title="A wire's own reporting")
    claim.start_review(by=editor)
    with pytest.raises(WorkflowError, match=r"this claim has 1 \(Wire\)\. .*\(Agency\)"):
        claim.corroborate(by=reviewer)
    make_evidence(claim, make_source("Observer"), credibility=3, title="An observer saw it")
    claim.corroborate(by=reviewer)
    assert Claim.objects.get(pk=claim.pk).status == ClaimStatus.CORROBORATED
