"""Claim.objects.rated_as() finds claims by the rating readers see, as Claim.public_status does."""

import pytest

from claims.choices import ClaimStatus
from claims.models import Claim
from tests.factories import make_claim

# Unpublished, any pair may occur; a published claim in review always has a
# previous rating (a constraint), which is the one readers see.
CASES = [(status, previous) for status in ClaimStatus for previous in ["", *ClaimStatus]]


@pytest.mark.django_db
@pytest.mark.parametrize(("status", "previous"), CASES)
def test_rated_as_finds_a_claim_under_the_status_readers_see(editor, status, previous):
    claim = make_claim(editor, status=status, previous_status=previous)
    found = {rating for rating in ClaimStatus if Claim.objects.rated_as(rating).exists()}
    assert found == {claim.public_status}
    assert Claim.objects.get(pk=claim.pk).status == status


@pytest.mark.django_db
def test_a_reopened_claim_stays_under_its_verdict(editor, reviewer):
    claim = make_claim(
        editor, status=ClaimStatus.CORROBORATED, previous_status=ClaimStatus.IN_REVIEW
    )
    claim.reopen(by=reviewer, note="New evidence.")
    assert list(Claim.objects.rated_as(ClaimStatus.CORROBORATED)) == [claim]
    assert not Claim.objects.rated_as(ClaimStatus.IN_REVIEW).exists()
    assert Claim.objects.get(pk=claim.pk).status == ClaimStatus.IN_REVIEW
