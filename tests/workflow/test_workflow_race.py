"""Two reviewers racing on one claim: exactly one wins, exactly one event."""

import threading

import pytest
from django.db import close_old_connections, connection

from claims.models import Claim, ClaimStatus, ReviewEvent, StaleClaim, Stance, WorkflowError
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
