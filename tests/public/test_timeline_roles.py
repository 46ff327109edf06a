"""
Readers see a step's actor by first name, or else by the role that could take
that step in the state the claim was in then: a revision before a verdict is
an editor's, under an unpublished verdict a reviewer's, on a published claim a
publisher's.
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
    r"(Entered|Revised|Review started|Rated unverifiable|Published|Unpublished) "
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
    """A claim revised in each state readers can tell apart, published, withdrawn
    and published again, each step through the workflow."""
    claim = make_claim(editor, verdict_summary="No one can measure this.")
    claim.record_entry(by=editor)
    Caveat.objects.create(claim=claim, kind=CaveatKind.OPINION, text="An opinion.")
    claim.revise(by=editor, changes={"headline": "Drafted by the editor"})
    claim.start_review(by=editor)
    claim.mark_unverifiable(by=reviewer)
    claim.revise(by=reviewer, changes={"headline": "Worded by the reviewer"})
    claim.publish(by=publisher)
    claim.revise(
        by=publisher,
        changes={"headline": "Fixed by the publisher"},
        public_note="We fixed a typo in the headline.",
    )
    claim.unpublish(by=publisher, note="Legal asked.", public_note="Withdrawn for a check.")
    claim.revise(by=reviewer, changes={"headline": "Reworded while withdrawn"})
    claim.publish(by=publisher)
    return Claim.objects.get(pk=claim.pk)


EXPECTED = [
    ("Entered", EDITOR),
    ("Revised", EDITOR),
    ("Review started", EDITOR),
    ("Rated unverifiable", REVIEWER),
    ("Revised", REVIEWER),
    ("Published", PUBLISHER),
    ("Revised", PUBLISHER),
    ("Unpublished", PUBLISHER),
    ("Revised", REVIEWER),
    ("Published", PUBLISHER),
]


@pytest.mark.django_db
def test_each_nameless_step_is_shown_under_the_role_that_could_take_it_then(nameless, client):
    claim = life_of_a_claim(*nameless)
    forget_cached_pages()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(claim.get_absolute_url())
    assert response.status_code == 200
    assert TIMELINE_ENTRY.findall(page_text(response)) == [
        (label, role.one) for label, role in EXPECTED
    ]
    assert "Revised by a publisher: We fixed a typo in the headline." in page_text(response)
    # The same as any verdict page's (tests/public/test_verdict_page.py): the
    # roles are read from the events the page has already read.
    assert len(queries) == 8
    events = list(ReviewEvent.objects.filter(claim=claim).order_by("version"))
    assert [(Action(event.action).label, event.actor) for event in events] == [
        (label, user)
        for (label, _), user in zip(
            EXPECTED, [nameless[i] for i in (0, 0, 0, 1, 1, 2, 2, 2, 1, 2)], strict=True
        )
    ]
    # Each event read on its own, as the audit trail would, gets the same role.
    assert [role_of(event) for event in events] == [role for _, role in EXPECTED]


@pytest.mark.django_db
def test_an_editors_revision_before_publication_is_not_shown_as_a_publishers(nameless, client):
    editor, reviewer, publisher = nameless
    claim = make_claim(editor, verdict_summary="Only the agency says so.")
    claim.record_entry(by=editor)
    Caveat.objects.create(claim=claim, kind=CaveatKind.SINGLE_SOURCE, text="One origin.")
    claim.revise(by=editor, changes={"headline": "The editor's better headline"})
    claim.publish(by=publisher)
    text = page_text(client.get(claim.get_absolute_url()))
    assert "Revised by an editor" in text
    assert "Revised by a publisher" not in text
    revision = ReviewEvent.objects.get(claim=claim, action=Action.REVISE)
    assert (revision.actor, revision.from_status) == (editor, "unverified")
    assert Claim.objects.get(pk=claim.pk).headline == "The editor's better headline"
