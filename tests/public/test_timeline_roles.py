"""
Readers see a step's actor by first name, or else by the role that could take
that step in the state the claim was in then: starting the review of an
unpublished claim is an editor's step, of a published one a reviewer's;
publishing changes is a publisher's.
"""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from claims.choices import Action, CaveatKind
from claims.models import Caveat, Claim, ReviewEvent
from claims.permissions import EDITOR, PUBLISHER, REVIEWER, role_of
from tests.factories import forget_cached_pages, make_claim, make_user, page_text

TIMELINE_ENTRY = re.compile(
    r"(Entered|Review started|Rated unverifiable|Published|Changes published|Unpublished) "
    r"by (an editor|a reviewer|a publisher)"
)


@pytest.fixture
def nameless():
    """An editor, a reviewer and a publisher with no first name on file."""
    return (
        make_user("ed", "Editors"),
        make_user("rev", "Reviewers"),
        make_user("pub", "Publishers"),
    )


def life_of_a_claim(editor, reviewer, publisher):
    """A claim reviewed, published, changed, withdrawn and published again, each
    step through the workflow."""
    claim = make_claim(editor, verdict_summary="No one can measure this.")
    claim.record_entry(by=editor)
    Caveat.objects.create(claim=claim, kind=CaveatKind.OPINION, text="An opinion.")
    claim.start_review(by=editor)
    claim.mark_unverifiable(by=reviewer)
    claim.publish(by=publisher)
    claim.headline = "Worded by the reviewer"
    claim.save()
    claim.note_draft_author(reviewer)
    claim.transition(
        Action.PUBLISH_CHANGES, by=publisher, public_note="We fixed a typo in the headline."
    )
    claim.unpublish(by=publisher, note="Legal asked.", public_note="Withdrawn for a check.")
    claim.publish(by=publisher)
    return Claim.objects.get(pk=claim.pk)


EXPECTED = [
    ("Entered", EDITOR),
    ("Review started", EDITOR),
    ("Rated unverifiable", REVIEWER),
    ("Published", PUBLISHER),
    ("Changes published", PUBLISHER),
    ("Unpublished", PUBLISHER),
    ("Published", PUBLISHER),
]


@pytest.mark.django_db
def test_each_nameless_step_is_shown_under_the_role_that_could_take_it_then(
    nameless, client, uncached_pages
):
    claim = life_of_a_claim(*nameless)
    forget_cached_pages()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(claim.get_absolute_url())
    assert response.status_code == 200
    assert TIMELINE_ENTRY.findall(page_text(response)) == [
        (label, role.one) for label, role in EXPECTED
    ]
    assert "Changes published by a publisher: We fixed a typo in the headline." in page_text(
        response
    )
    # The roles come with the revision's timeline, as published: no query.
    assert len(queries) <= 3
    events = list(ReviewEvent.objects.filter(claim=claim).order_by("version"))
    assert [(Action(event.action).label, event.actor) for event in events] == [
        (label, user)
        for (label, _), user in zip(
            EXPECTED, [nameless[i] for i in (0, 0, 1, 2, 2, 2, 2)], strict=True
        )
    ]
    # Each event read on its own, as the audit trail would, gets the same role.
    assert [role_of(event) for event in events] == [role for _, role in EXPECTED]


@pytest.mark.django_db
def test_a_review_started_on_a_published_claim_is_shown_as_a_reviewers(nameless, client):
    editor, reviewer, publisher = nameless
    claim = make_claim(editor, verdict_summary="Only the agency says so.")
    claim.record_entry(by=editor)
    Caveat.objects.create(claim=claim, kind=CaveatKind.SINGLE_SOURCE, text="One origin.")
    claim.publish(by=publisher)
    claim.start_review(by=reviewer, note="A new report.", public_note="We are checking again.")
    text = page_text(client.get(claim.get_absolute_url()))
    assert TIMELINE_ENTRY.findall(text) == [
        ("Entered", "an editor"),
        ("Published", "a publisher"),
        ("Review started", "a reviewer"),
    ]
    started = ReviewEvent.objects.get(claim=claim, action=Action.START_REVIEW)
    assert started.actor == reviewer
