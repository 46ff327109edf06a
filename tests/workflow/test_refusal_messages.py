"""A refused step says why in a plain sentence: roles, counts and stances read as English."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from claims.choices import ClaimStatus, Stance
from claims.models import Claim, ReviewEvent
from claims.workflow import WorkflowError, WorkflowForbidden
from tests.factories import in_review, make_claim, make_evidence, make_source


@pytest.mark.django_db
def test_a_step_refused_for_the_role_names_the_role_and_the_step(editor):
    claim = in_review(make_claim(editor))
    with pytest.raises(WorkflowForbidden) as error:
        claim.refute(by=editor)
    assert str(error.value) == "Only a reviewer can rate a claim as false."
    with pytest.raises(WorkflowForbidden) as error:
        claim.mark_unverifiable(by=editor)
    assert str(error.value) == "Only a reviewer can rate a claim as unverifiable."
    assert Claim.objects.get(pk=claim.pk).status == ClaimStatus.IN_REVIEW
    assert not ReviewEvent.objects.exists()


@pytest.mark.django_db
def test_a_step_refused_for_the_status_says_what_the_claim_is(editor, reviewer):
    claim = make_claim(editor)
    with pytest.raises(WorkflowError) as error:
        claim.refute(by=reviewer)
    assert error.value.messages == ["You cannot rate a claim as false while it is unverified."]
    assert Claim.objects.get(pk=claim.pk).status == ClaimStatus.UNVERIFIED
    assert not ReviewEvent.objects.exists()


@pytest.mark.django_db
def test_a_dispute_without_either_side_names_both_kinds_of_evidence(editor, reviewer):
    claim = in_review(make_claim(editor))
    with pytest.raises(WorkflowError) as error:
        claim.dispute(by=reviewer)
    assert error.value.messages == [
        "A dispute needs at least one supporting and one contradicting item; "
        "this claim has no supporting and no contradicting evidence."
    ]
    assert Claim.objects.get(pk=claim.pk).status == ClaimStatus.IN_REVIEW


@pytest.mark.django_db
def test_one_strong_supporting_item_is_counted_in_the_singular(editor, reviewer):
    claim = make_claim(editor)
    make_evidence(claim, make_source("Wire"), credibility=1)
    make_evidence(claim, make_source("Monitor"), stance=Stance.CONTRADICTS, credibility=1)
    claim = in_review(claim)
    with pytest.raises(WorkflowError) as error:
        claim.refute(by=reviewer)
    assert error.value.messages == [
        "A false rating is refused while 1 supporting item is graded 1–2."
    ]
    assert Claim.objects.get(pk=claim.pk).status == ClaimStatus.IN_REVIEW


@pytest.mark.django_db
def test_two_strong_supporting_items_are_counted_in_the_plural(editor, reviewer):
    claim = make_claim(editor)
    make_evidence(claim, make_source("Wire"), credibility=1)
    make_evidence(claim, make_source("Paper"), credibility=2)
    make_evidence(claim, make_source("Monitor"), stance=Stance.CONTRADICTS, credibility=1)
    claim = in_review(claim)
    with pytest.raises(WorkflowError, match="while 2 supporting items are graded 1–2"):
        claim.refute(by=reviewer)
    assert Claim.objects.get(pk=claim.pk).status == ClaimStatus.IN_REVIEW


@pytest.mark.django_db
def test_strong_contradicting_items_are_counted_in_the_plural(editor, reviewer):
    claim = make_claim(editor)
    make_evidence(claim, make_source("One"))
    make_evidence(claim, make_source("Two"))
    make_evidence(claim, make_source("Three"), stance=Stance.CONTRADICTS, credibility=1)
    make_evidence(claim, make_source("Four"), stance=Stance.CONTRADICTS, credibility=2)
    claim = in_review(claim)
    with pytest.raises(WorkflowError) as error:
        claim.corroborate(by=reviewer)
    assert error.value.messages == [
        "Corroboration is refused while 2 contradicting items are graded 1–2."
    ]
    assert Claim.objects.get(pk=claim.pk).status == ClaimStatus.IN_REVIEW


@pytest.mark.django_db
def test_the_bulk_action_counts_one_claim_in_the_singular(client, editor):
    claim = make_claim(editor)
    client.force_login(editor)
    response = client.post(
        reverse("admin:claims_claim_changelist"),
        {"action": "start_review_action", "_selected_action": [claim.pk]},
        follow=True,
    )
    content = response.content.decode()
    assert "Review started: 1 claim." in content
    assert "(s)" not in content
    assert Claim.objects.get(pk=claim.pk).status == ClaimStatus.IN_REVIEW


@pytest.mark.django_db
def test_check_invariants_counts_violations_without_a_bracketed_plural(editor):
    # Marked published directly, as no publisher can: no revision readers
    # could see, and a dispute no event led to.
    claim = make_claim(
        editor, is_published=True, published_at="2026-01-01T00:00:00Z", status="disputed"
    )
    with pytest.raises(CommandError) as error:
        call_command("check_invariants", stderr=StringIO())
    assert str(error.value) == "2 invariant violations, listed above."
    assert Claim.objects.get(pk=claim.pk).is_published
