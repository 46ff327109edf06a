"""
Editing a published claim in the admin is drafting: readers keep the revision
last published, the change page shows what they would see change, and the
editor is recorded as a draft author. Publish changes, a workflow step, puts
the draft before readers: a publisher's step, never taken by an author of the
draft (four eyes), with a public note that becomes the correction, and refused
while the draft breaks the verdict's rule. A verdict on a published claim
publishes its revision in the same step.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from claims.choices import ClaimStatus
from claims.invariants import find_violations
from claims.models import Claim, Source
from tests.factories import as_post_data, make_user, page_text, submitted_fields
from tests.seed import CLAIM, SOURCE

NEW_CONTEXT = "Russia and North Korea confirmed the deployment in April 2025."
NEW_TITLE = "North Korea admits the deployment, as KCNA reported it"


def change_url(claim):
    return reverse("admin:claims_claim_change", args=[claim.pk])


def kursk():
    return Claim.objects.get(slug=CLAIM.kursk)


def post_change_form(client, claim, **changes):
    """The claim's change form as the browser posts it, opened now, with `changes` typed."""
    fields = submitted_fields(client.get(change_url(claim)), "claim_form")
    return client.post(change_url(claim), as_post_data(fields, **changes))


def record_of(claim):
    """What the desk holds of `claim`'s published record and its trail."""
    stored = Claim.objects.get(pk=claim.pk)
    current = stored.current_revision()
    return {
        "revisions": list(stored.revisions.values_list("number", "is_current")),
        "current": current.document if current else None,
        "events": stored.events.count(),
        "corrections": list(stored.corrections.values_list("kind", "note")),
    }


def steps_offered(response):
    return {action: problem for action, _, problem in response.context["workflow_steps"]}


@pytest.fixture
def other_publisher(db):
    """A publisher who made none of the changes: the second pair of eyes."""
    return make_user("pat", "Publishers")


@pytest.fixture
def drafted(seed, client, editor):
    """The published Kursk claim with a new context and one evidence title changed
    by the editor, saved as a draft."""
    claim = kursk()
    client.force_login(editor)
    response = post_change_form(
        client, claim, context=NEW_CONTEXT, **{"evidence-0-title": NEW_TITLE}
    )
    assert response.status_code == 302
    client.logout()
    return claim


# Drafting ---------------------------------------------------------------------------


def test_an_editor_changes_a_published_claim_as_a_draft_readers_do_not_see(seed, client, editor):
    claim = kursk()
    before = record_of(claim)
    first_item = claim.evidence.order_by("pk").first()
    client.force_login(editor)
    fields = submitted_fields(client.get(change_url(claim)), "claim_form")
    edited_id = dict(fields)["evidence-0-id"]
    response = client.post(
        change_url(claim),
        as_post_data(fields, context=NEW_CONTEXT, **{"evidence-0-title": NEW_TITLE}),
    )
    assert response.status_code == 302
    stored = kursk()
    assert stored.context == NEW_CONTEXT
    assert stored.evidence.get(pk=edited_id).title == NEW_TITLE
    assert stored.version == claim.version + 1
    # Nothing public changed: no revision, event or correction; the editor is on file.
    assert record_of(claim) == before
    assert before["current"]["context"] == claim.context
    assert list(stored.draft_authors.all()) == [editor]
    assert first_item is not None
    assert find_violations() == []


@pytest.mark.usefixtures("template_context")
def test_the_change_page_shows_the_draft_changes_readers_would_see(drafted, client, editor):
    client.force_login(editor)
    response = client.get(change_url(drafted))
    text = page_text(response)
    assert "Draft changes not yet public" in text
    assert f"Context Removed: {drafted.context} Added: {NEW_CONTEXT}" in text
    assert f"Added: Supports: {NEW_TITLE} — published by" in text
    assert [change.name for change in response.context["draft_changes"]] == [
        "context",
        "evidence",
    ]
    assert kursk().current_revision().document["context"] == drafted.context


def test_the_change_page_reads_the_claim_once_for_its_panel_and_its_draft(
    drafted, client, publisher
):
    """The workflow panel and the draft record it compares come from one read."""
    client.force_login(publisher)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(change_url(drafted))
    assert response.status_code == 200
    text = page_text(response)
    assert f"Context Removed: {drafted.context} Added: {NEW_CONTEXT}" in text
    assert "Publish changes" in text
    selects = [query["sql"] for query in captured if query["sql"].startswith("SELECT")]
    # The admin's own read of the object, then the panel's with the record's rows.
    assert sum('FROM "claims_claim"' in sql for sql in selects) == 2
    # The inline's page of keys and its rows, then the record's evidence.
    assert sum('FROM "claims_evidence"' in sql for sql in selects) == 3
    assert sum('FROM "claims_caveat"' in sql for sql in selects) == 2
    # Reading changed nothing: readers still see the revision last published.
    assert kursk().current_revision().document["context"] == drafted.context
    assert kursk().has_draft_changes()


@pytest.mark.usefixtures("template_context")
def test_a_published_claim_without_draft_changes_says_so_and_offers_no_publish_changes(
    seed, client, publisher
):
    claim = kursk()
    before = record_of(claim)
    client.force_login(publisher)
    response = client.get(change_url(claim))
    assert "No draft changes" in page_text(response)
    assert "publish_changes" not in steps_offered(response)
    assert 'name="correction_kind"' not in response.content.decode()
    # Forged all the same, it is refused.
    response = post_change_form(
        client, claim, workflow_public_note="Nothing new.", _workflow_action="publish_changes"
    )
    assert response.status_code == 200
    assert "Nothing to publish: readers already see the claim as it stands." in page_text(response)
    assert record_of(claim) == before


def test_a_save_that_changes_nothing_records_nothing(seed, client, editor):
    claim = kursk()
    before = record_of(claim)
    client.force_login(editor)
    response = post_change_form(client, claim)
    assert response.status_code == 302
    stored = kursk()
    assert (stored.version, stored.updated_at) == (claim.version, claim.updated_at)
    assert not stored.draft_authors.exists()
    assert record_of(claim) == before


# Who may publish the draft ------------------------------------------------------------


@pytest.mark.usefixtures("template_context")
def test_publish_changes_is_offered_to_publishers_only(drafted, client, reviewer):
    before = record_of(drafted)
    client.force_login(reviewer)
    response = client.get(change_url(drafted))
    reason = "Only a publisher can publish changes to a claim."
    assert steps_offered(response)["publish_changes"] == reason
    content = response.content.decode()
    assert 'value="publish_changes" disabled aria-describedby="why-publish_changes"' in content
    assert f'id="why-publish_changes">{reason}</span>' in content
    response = post_change_form(
        client,
        drafted,
        workflow_public_note="We added the confirmations.",
        _workflow_action="publish_changes",
    )
    assert response.status_code == 200
    assert f"Nothing was changed. {reason}" in page_text(response)
    assert record_of(drafted) == before


@pytest.mark.usefixtures("template_context")
def test_a_publisher_who_drafted_a_change_cannot_publish_it(seed, client, other_publisher):
    claim = kursk()
    client.force_login(other_publisher)
    assert post_change_form(client, claim, context=NEW_CONTEXT).status_code == 302
    before = record_of(claim)
    response = client.get(change_url(claim))
    reason = "You made some of these changes, so another publisher must publish them."
    assert steps_offered(response)["publish_changes"] == reason
    assert f'id="why-publish_changes">{reason}</span>' in response.content.decode()
    response = post_change_form(
        client,
        claim,
        workflow_public_note="We added the confirmations.",
        _workflow_action="publish_changes",
    )
    assert response.status_code == 200
    assert f"Nothing was changed. {reason}" in page_text(response)
    assert record_of(claim) == before
    assert list(kursk().draft_authors.all()) == [other_publisher]


def test_a_publisher_who_edits_while_publishing_is_an_author_and_is_refused(
    drafted, client, other_publisher
):
    before = record_of(drafted)
    client.force_login(other_publisher)
    response = post_change_form(
        client,
        drafted,
        review_by="2030-01-31",
        workflow_public_note="We added the confirmations.",
        _workflow_action="publish_changes",
    )
    assert response.status_code == 200
    assert "another publisher must publish them" in page_text(response)
    # The edit went back with the refused step.
    stored = kursk()
    assert stored.review_by is None
    assert record_of(drafted) == before
    assert other_publisher not in stored.draft_authors.all()


# Publishing the draft ------------------------------------------------------------------


def test_a_publisher_publishes_the_draft_with_a_public_note_as_its_correction(
    drafted, client, editor, other_publisher
):
    shown = drafted.current_revision()
    events = drafted.events.count()
    client.force_login(other_publisher)
    response = post_change_form(
        client,
        drafted,
        workflow_note="Checked against the KCNA original.",
        workflow_public_note="We added how the deployment was confirmed.",
        correction_kind="clarification",
        _workflow_action="publish_changes",
    )
    assert response.status_code == 302
    assert response["Location"] == change_url(drafted)
    stored = kursk()
    current = stored.current_revision()
    assert current.number == shown.number + 1
    assert list(stored.revisions.originals().values_list("number", "is_current")) == [
        *[(number, False) for number in range(1, current.number)],
        (current.number, True),
    ]
    assert current.document["context"] == NEW_CONTEXT
    assert NEW_TITLE in [item["title"] for item in current.document["evidence"]]
    assert current.public_note == "We added how the deployment was confirmed."
    assert current.published_by == other_publisher
    assert current.rating == ClaimStatus.CORROBORATED
    correction = stored.corrections.last()
    assert (correction.kind, correction.note) == (
        "clarification",
        "We added how the deployment was confirmed.",
    )
    assert current.document["corrections"][-1]["note"] == correction.note
    event = stored.events.order_by("version").last()
    assert stored.events.count() == events + 1
    assert (event.action, event.actor, event.note, event.public_note) == (
        "publish_changes",
        other_publisher,
        "Checked against the KCNA original.",
        "We added how the deployment was confirmed.",
    )
    assert (event.from_status, event.to_status) == ("corroborated", "corroborated")
    assert not stored.draft_authors.exists()
    assert find_violations() == []
    # Back on the claim: nothing waits, the step is done.
    page = client.get(change_url(drafted))
    assert "No draft changes" in page_text(page)
    assert "Changes published: “North Korea has sent troops" in page_text(page)


def test_publish_changes_needs_a_public_note(drafted, client, other_publisher):
    before = record_of(drafted)
    client.force_login(other_publisher)
    response = post_change_form(
        client,
        drafted,
        workflow_note="Internal only.",
        _workflow_action="publish_changes",
    )
    assert response.status_code == 200
    assert "This claim is published: write a public note telling readers what changed" in (
        page_text(response)
    )
    assert "Internal only.</textarea>" in response.content.decode()
    assert record_of(drafted) == before
    assert list(kursk().draft_authors.values_list("username", flat=True)) == ["editor"]


@pytest.mark.usefixtures("template_context")
def test_publish_changes_is_refused_while_the_evidence_no_longer_supports_the_rating(
    seed, client, editor, other_publisher
):
    claim = kursk()
    before = record_of(claim)
    items = claim.evidence.count()
    client.force_login(editor)
    fields = submitted_fields(client.get(change_url(claim)), "claim_form")
    # Delete every item but the claimant's own: no independent origin is left.
    nis = Source.objects.get(slug=SOURCE.nis)
    deletions = {}
    for index, item in enumerate(claim.evidence.all()):
        if item.origin != nis and item.source != nis:
            deletions[f"evidence-{index}-DELETE"] = "on"
    response = client.post(change_url(claim), as_post_data(fields, **deletions))
    assert response.status_code == 302
    assert kursk().evidence.count() == items - len(deletions) == 1
    client.force_login(other_publisher)
    page = client.get(change_url(claim))
    assert "Corroboration needs supporting evidence" in steps_offered(page)["publish_changes"]
    response = post_change_form(
        client,
        claim,
        workflow_public_note="We removed two reports.",
        _workflow_action="publish_changes",
    )
    assert response.status_code == 200
    assert "Nothing was changed. Corroboration needs supporting evidence graded 1–3 from 2" in (
        page_text(response)
    )
    assert record_of(claim) == before
    assert len(before["current"]["evidence"]) == items


def test_a_verdict_on_a_published_claim_publishes_its_revision_in_the_same_step(
    seed, client, editor, reviewer
):
    claim = kursk()
    client.force_login(reviewer)
    response = post_change_form(
        client,
        claim,
        workflow_note="A denial came in.",
        workflow_public_note="We are checking a denial.",
        _workflow_action="reopen",
    )
    assert response.status_code == 302
    under_review = kursk().current_revision()
    assert (under_review.rating, under_review.document["status"]) == (
        ClaimStatus.CORROBORATED,
        ClaimStatus.IN_REVIEW,
    )
    # The editor adds the denial: a draft, until the verdict.
    client.force_login(editor)
    fields = submitted_fields(client.get(change_url(claim)), "claim_form")
    total = int(dict(fields)["evidence-TOTAL_FORMS"])
    denial = {
        f"evidence-{total}-stance": "contradicts",
        f"evidence-{total}-credibility": "3",
        f"evidence-{total}-new_source": "Kremlin press office",
        f"evidence-{total}-title": "The Kremlin denies it",
        "evidence-TOTAL_FORMS": str(total + 1),
    }
    assert client.post(change_url(claim), as_post_data(fields, **denial)).status_code == 302
    assert kursk().current_revision() == under_review
    assert list(kursk().draft_authors.all()) == [editor]
    client.force_login(reviewer)
    response = post_change_form(
        client,
        claim,
        verdict_summary="Russia and North Korea say so; the Kremlin's press office denies it.",
        workflow_public_note="A denial casts doubt on the reports.",
        _workflow_action="dispute",
    )
    assert response.status_code == 302
    stored = kursk()
    current = stored.current_revision()
    assert current.number == under_review.number + 1
    assert (stored.status, current.rating) == (ClaimStatus.DISPUTED, ClaimStatus.DISPUTED)
    assert "The Kremlin denies it" in [item["title"] for item in current.document["evidence"]]
    assert current.public_note == (
        "Verdict changed from Corroborated to Disputed: A denial casts doubt on the reports."
    )
    assert stored.corrections.last().note == current.public_note
    assert stored.events.order_by("version").last().action == "dispute"
    assert not stored.draft_authors.exists()
    assert find_violations() == []


# Lost updates on a claim's rows ------------------------------------------------------


def test_a_stale_save_of_a_claims_evidence_is_refused_and_keeps_the_typing(
    seed, client, editor, reviewer
):
    claim = kursk()
    client.force_login(editor)
    alices_page = submitted_fields(client.get(change_url(claim)), "claim_form")
    client.force_login(reviewer)
    response = post_change_form(client, claim, **{"evidence-0-title": "Bob's title"})
    assert response.status_code == 302
    client.force_login(editor)
    response = client.post(
        change_url(claim), as_post_data(alices_page, **{"evidence-1-title": "Alice's title"})
    )
    assert response.status_code == 200
    assert "This claim was changed by someone else since you opened it." in page_text(response)
    assert 'value="Alice&#x27;s title"' in response.content.decode()
    titles = set(kursk().evidence.values_list("title", flat=True))
    assert "Bob's title" in titles
    assert "Alice's title" not in titles
    assert list(kursk().draft_authors.all()) == [reviewer]
