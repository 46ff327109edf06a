"""Every (from-state, verb, role): allowed steps write one event, the rest change nothing."""

import pytest
from django.utils import timezone

from claims.choices import ClaimStatus, Stance
from claims.models import Caveat, Claim, ReviewEvent
from claims.workflow import WorkflowError, WorkflowForbidden
from tests.factories import make_claim, make_evidence, make_source

STATES = list(ClaimStatus)
VERBS = [
    "start_review",
    "corroborate",
    "dispute",
    "refute",
    "mark_unverifiable",
    "reopen",
    "publish",
    "unpublish",
]
VERDICT_VERBS = {"corroborate", "dispute", "refute", "mark_unverifiable"}
VERDICT_STATES = {"corroborated", "disputed", "false", "unverifiable"}

# Written out by hand from the workflow as README.md describes it, not derived
# from the code under test.
ALLOWED_FROM = {
    "start_review": {"unverified"},
    "corroborate": {"in_review"},
    "dispute": {"in_review"},
    "refute": {"in_review"},
    "mark_unverifiable": {"in_review"},
    "reopen": VERDICT_STATES,
    "publish": {"unverified"} | VERDICT_STATES,
    "unpublish": set(STATES),
}
ROLES_ALLOWED = {
    "start_review": {"editor", "reviewer", "publisher"},
    "corroborate": {"reviewer", "publisher"},
    "dispute": {"reviewer", "publisher"},
    "refute": {"reviewer", "publisher"},
    "mark_unverifiable": {"reviewer", "publisher"},
    "reopen": {"reviewer", "publisher"},
    "publish": {"publisher"},
    "unpublish": {"publisher"},
}
EXPECTED_STATUS = {
    "start_review": "in_review",
    "corroborate": "corroborated",
    "dispute": "disputed",
    "refute": "false",
    "mark_unverifiable": "unverifiable",
    "reopen": "in_review",
}


# Publishing a verdict asks its rule again: the evidence each verdict stands on.
RULE_OF = {
    "corroborated": "corroborate",
    "disputed": "dispute",
    "false": "refute",
    "unverifiable": "mark_unverifiable",
}


def claim_ready_for(verb, status, creator):
    """A claim in `status` whose evidence satisfies `verb`'s guard (and, to be
    published, its verdict's rule)."""
    claimant = make_source("Ministry", affiliation="Government A")
    claim = make_claim(creator, claimant=claimant, verdict_summary="Why, for readers.")
    if verb == "publish":
        verb = RULE_OF.get(status, verb)
    if verb == "corroborate":
        # Two origins besides the claimant: the wire's own reporting and Government B.
        make_evidence(claim, make_source("Wire"))
        make_evidence(claim, make_source("Observer", affiliation="Government B"))
    elif verb == "dispute":
        make_evidence(claim, make_source("Wire"), origin=claimant)
        make_evidence(claim, make_source("Observer"), stance=Stance.CONTRADICTS, credibility=4)
    elif verb == "refute":
        make_evidence(claim, make_source("Observer"), stance=Stance.CONTRADICTS, credibility=1)
    Caveat.objects.create(claim=claim, kind="single_source", text="Only one source so far.")
    published = verb == "unpublish"
    # Test set-up only: put the claim straight into the state under test.
    Claim.objects.filter(pk=claim.pk).update(
        status=status,
        previous_status="unverified" if status == "in_review" else "",
        is_published=published,
        published_at=timezone.now() if published else None,
    )
    return Claim.objects.get(pk=claim.pk)


def snapshot(claim):
    claim = Claim.objects.get(pk=claim.pk)
    return (claim.status, claim.version, claim.is_published, claim.published_at)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["editor", "reviewer", "publisher"])
@pytest.mark.parametrize("verb", VERBS)
@pytest.mark.parametrize("status", STATES)
def test_each_step_is_allowed_only_from_its_states_and_for_its_roles(
    request, editor, status, verb, role
):
    user = request.getfixturevalue(role)
    claim = claim_ready_for(verb, status, creator=editor)
    before = snapshot(claim)
    events_before = ReviewEvent.objects.count()
    allowed = status in ALLOWED_FROM[verb] and role in ROLES_ALLOWED[verb]

    if not allowed:
        with pytest.raises((WorkflowError, WorkflowForbidden)):
            getattr(claim, verb)(by=user, note="Because.", public_note="For readers.")
        assert snapshot(claim) == before
        assert ReviewEvent.objects.count() == events_before
        return

    event = getattr(claim, verb)(by=user, note="Because.", public_note="For readers.")
    stored = Claim.objects.get(pk=claim.pk)
    assert ReviewEvent.objects.count() == events_before + 1
    assert (event.action, event.from_status, event.actor, event.note, event.public_note) == (
        verb,
        status,
        user,
        "Because.",
        "For readers.",
    )
    assert event.to_status == stored.status
    assert stored.version == before[1] + 1 == event.version
    assert stored.status == EXPECTED_STATUS.get(verb, status)
    assert stored.is_published == (verb == "publish")
