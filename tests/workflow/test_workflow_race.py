"""Two reviewers racing on one claim: exactly one wins, exactly one event."""

import dataclasses
import threading

import pytest
from django.db import close_old_connections, connection

from claims.choices import Action, ClaimStatus, Stance
from claims.invariants import find_violations
from claims.models import Affiliation, Claim, ReviewEvent, Source
from claims.workflow import TRANSITIONS, StaleClaim, WorkflowError
from tests.factories import make_claim, make_evidence, make_source


def race(*steps):
    """Run each step in its own thread, released together by a barrier."""
    barrier = threading.Barrier(len(steps))
    outcomes = [None] * len(steps)

    def run(index, step):
        try:
            barrier.wait(timeout=10)
            step()
            outcomes[index] = "won"
        except (StaleClaim, WorkflowError) as error:
            outcomes[index] = error
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=run, args=item) for item in enumerate(steps)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


@pytest.mark.django_db(transaction=True)
def test_two_reviewers_giving_different_verdicts_cannot_both_win(editor, reviewer, publisher):
    claim = make_claim(editor)
    make_evidence(claim, make_source("One"))
    make_evidence(claim, make_source("Two"))
    make_evidence(claim, make_source("Three"), stance=Stance.CONTRADICTS, credibility=4)
    claim.start_review(by=editor)
    bobs_copy = Claim.objects.get(pk=claim.pk)
    charlies_copy = Claim.objects.get(pk=claim.pk)

    outcomes = race(
        lambda: bobs_copy.corroborate(by=reviewer),
        lambda: charlies_copy.dispute(by=publisher),
    )

    assert outcomes.count("won") == 1
    loser = next(outcome for outcome in outcomes if outcome != "won")
    assert isinstance(loser, StaleClaim)
    stored = Claim.objects.get(pk=claim.pk)
    assert stored.status in {ClaimStatus.CORROBORATED, ClaimStatus.DISPUTED}
    verdict_events = ReviewEvent.objects.filter(claim=claim, action__in=["corroborate", "dispute"])
    assert verdict_events.count() == 1
    assert verdict_events.get().to_status == stored.status
    assert stored.version == 3


@pytest.mark.django_db(transaction=True)
def test_a_source_moved_while_a_verdict_is_issued_leaves_a_draft_that_cannot_go_out(
    editor, reviewer, publisher, monkeypatch
):
    claim = make_claim(editor)
    make_evidence(claim, make_source("Agency", affiliation="Government A"))
    wire = make_source("Wire", affiliation="Government B")
    make_evidence(claim, wire)
    claim.start_review(by=editor)
    government_a = Affiliation.objects.get(slug="government-a")

    # The verdict holds its claim's row from reading the evidence to writing
    # the verdict; hold it a moment longer, so the move comes in between.
    verdict_has_read_the_evidence = threading.Event()
    corroboration = TRANSITIONS[Action.CORROBORATE]

    def slow_guard(claim, evidence, caveats):
        problems = corroboration.guard(claim, evidence, caveats)
        verdict_has_read_the_evidence.set()
        threading.Event().wait(0.5)
        return problems

    monkeypatch.setitem(
        TRANSITIONS, Action.CORROBORATE, dataclasses.replace(corroboration, guard=slow_guard)
    )

    def move_the_wire():
        verdict_has_read_the_evidence.wait(timeout=10)
        moved = Source.objects.get(pk=wire.pk)
        moved.affiliation = government_a
        moved.save()

    outcomes = race(lambda: Claim.objects.get(pk=claim.pk).corroborate(by=reviewer), move_the_wire)

    assert outcomes == ["won", "won"]
    stored = Claim.objects.get(pk=claim.pk)
    # The verdict was judged on the evidence as it read it, under the lock; the
    # move is a draft the verdict's rule is checked against when it goes out.
    assert stored.status == ClaimStatus.CORROBORATED
    assert Source.objects.get(pk=wire.pk).affiliation.slug == "government-a"
    assert find_violations() == []
    with pytest.raises(WorkflowError, match="2 independent origins besides the claimant"):
        stored.publish(by=publisher)
    stored = Claim.objects.get(pk=claim.pk)
    assert not stored.is_published
    assert not stored.revisions.exists()
