"""
Putting a published claim under review changes what readers see, whichever
button does it: Start reviewing on a published claim is taken as Reopen is, by
a reviewer, with an internal note and a public one that becomes a Correction,
and the "Under review" box tells readers that note. On an unpublished claim
Start reviewing stays an editor's step.
"""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from claims.choices import ClaimStatus
from claims.models import Claim, Correction, ReviewEvent
from claims.workflow import WorkflowError, WorkflowForbidden
from tests.factories import claim_form_data, make_claim, make_user, page_text
from tests.seed import CLAIM

CASUALTIES = f"/claims/{CLAIM.casualties}/"
KURSK = f"/claims/{CLAIM.kursk}/"
WHY = "A second agency now gives a lower figure."


def casualties():
    return Claim.objects.get(slug=CLAIM.casualties)


def snapshot(claim):
    claim = Claim.objects.get(pk=claim.pk)
    return (claim.status, claim.previous_status, claim.version, claim.is_published)


@pytest.fixture
def daniel(seed):
    """The seed's reviewer (Daniel), also a publisher, who did not enter the seed's claims."""
    return get_user_model().objects.get(username="reviewer")


@pytest.fixture
def seed_editor(seed):
    """The seed's editor (Eun-ji), who entered the seed's claims; an editor only."""
    return get_user_model().objects.get(username="editor")


def test_an_editor_cannot_start_reviewing_a_published_claim(seed_editor):
    claim = casualties()
    before = snapshot(claim)
    with pytest.raises(WorkflowForbidden) as refused:
        claim.start_review(by=seed_editor, note="Checking.", public_note="Checking.")
    assert str(refused.value) == (
        "Only a reviewer can start the review of a claim while it is published: "
        "readers then see it under review."
    )
    assert snapshot(claim) == before
    assert not claim.events.filter(action="start_review").exists()
    assert not claim.corrections.exists()


def test_a_reviewer_starts_reviewing_a_published_claim_only_with_both_notes(daniel):
    claim = casualties()
    before = snapshot(claim)
    with pytest.raises(WorkflowError) as refused:
        claim.start_review(by=daniel)
    assert refused.value.messages == [
        "Say why: an internal note is required to start the review of a claim.",
        "This claim is published: write a public note telling readers what changed and why. "
        "It becomes the correction on the verdict page.",
    ]
    assert snapshot(claim) == before
    assert not claim.corrections.exists()


def test_starting_the_review_of_a_published_claim_tells_readers_why(daniel, client):
    claim = casualties()
    event = claim.start_review(by=daniel, note="Tip from a contact.", public_note=WHY)
    stored = casualties()
    assert (stored.status, stored.previous_status, stored.is_published) == (
        ClaimStatus.IN_REVIEW,
        ClaimStatus.UNVERIFIED,
        True,
    )
    assert (event.action, event.actor, event.note, event.public_note) == (
        "start_review",
        daniel,
        "Tip from a contact.",
        WHY,
    )
    assert list(stored.corrections.values_list("kind", "note")) == [
        ("update", f"Verdict changed from Unverified to under review: {WHY}")
    ]
    response = client.get(CASUALTIES)
    text = page_text(response)
    assert response.status_code == 200
    assert (
        "Under review — previous verdict: Unverified. We are re-examining this claim; "
        f"the verdict above may change. Why: {WHY}"
    ) in text
    assert f"Review started by Daniel: {WHY}" in text
    assert "Tip from a contact." not in response.content.decode()


def test_an_editor_still_starts_reviewing_an_unpublished_claim_without_notes(seed_editor):
    claim = Claim.objects.get(slug=CLAIM.cremated)
    claim.start_review(by=seed_editor)
    stored = Claim.objects.get(pk=claim.pk)
    assert (stored.status, stored.is_published) == (ClaimStatus.IN_REVIEW, False)
    assert stored.events.last().action == "start_review"
    assert not Correction.objects.filter(claim=claim).exists()


def test_the_under_review_box_tells_readers_the_reopening_note(daniel, client):
    kursk = Claim.objects.get(slug=CLAIM.kursk)
    kursk.reopen(by=daniel, note="Internal.", public_note="A new report questions the location.")
    text = page_text(client.get(KURSK))
    assert (
        "Under review — previous verdict: Corroborated. We are re-examining this claim; "
        "the verdict above may change. Why: A new report questions the location."
    ) in text
    assert Claim.objects.get(pk=kursk.pk).status == ClaimStatus.IN_REVIEW


# Through the admin: the change form's Start reviewing button -------------------


def change_url(claim):
    return reverse("admin:claims_claim_change", args=[claim.pk])


def start_reviewing(claim, **notes):
    """The change form as its Start reviewing button posts it, nothing edited."""
    return claim_form_data(claim, _workflow_action="start_review", **notes)


@pytest.mark.usefixtures("template_context")
def test_the_admin_tells_an_editor_why_a_published_claim_is_not_theirs_to_review(
    seed_editor, client
):
    claim = casualties()
    client.force_login(seed_editor)
    response = client.get(change_url(claim))
    assert response.status_code == 200
    steps = {action: problem for action, _, problem in response.context["workflow_steps"]}
    assert steps["start_review"].startswith("Only a reviewer can start the review of a claim")

    before = snapshot(claim)
    response = client.post(
        change_url(claim), start_reviewing(claim, workflow_note="Hm.", workflow_public_note="Hm.")
    )
    assert response.status_code == 200
    assert (
        "Nothing was changed. Only a reviewer can start the review of a claim while it is "
        "published: readers then see it under review."
    ) in response.content.decode()
    assert snapshot(claim) == before
    assert not ReviewEvent.objects.filter(claim=claim, action="start_review").exists()


def test_the_admin_starts_the_review_of_a_published_claim_for_a_reviewer_with_both_notes(
    seed, client
):
    claim = casualties()
    client.force_login(make_user("nadia", "Reviewers"))
    before = snapshot(claim)
    response = client.post(change_url(claim), start_reviewing(claim, workflow_note="Tip."))
    assert response.status_code == 200
    assert "write a public note telling readers" in response.content.decode()
    assert snapshot(claim) == before
    assert not claim.corrections.exists()

    response = client.post(
        change_url(claim), start_reviewing(claim, workflow_note="Tip.", workflow_public_note=WHY)
    )
    assert response.status_code == 302
    stored = casualties()
    assert (stored.status, stored.is_published) == (ClaimStatus.IN_REVIEW, True)
    assert stored.events.last().public_note == WHY
    assert (
        stored.corrections.get().note == f"Verdict changed from Unverified to under review: {WHY}"
    )
    text = page_text(client.get(CASUALTIES))
    assert f"Why: {WHY}" in text
    assert f"Review started by a reviewer: {WHY}" in text


def test_the_bulk_start_review_refuses_a_published_claim_for_an_editor(seed_editor, client):
    published, draft = casualties(), Claim.objects.get(slug=CLAIM.cremated)
    client.force_login(seed_editor)
    response = client.post(
        reverse("admin:claims_claim_changelist"),
        {"action": "start_review_action", "_selected_action": [published.pk, draft.pk]},
        follow=True,
    )
    content = response.content.decode()
    assert "Review started: 1 claim." in content
    assert "Not changed: “" in content
    assert "Only a reviewer can start the review of a claim while it is published" in content
    assert Claim.objects.get(pk=published.pk).status == ClaimStatus.UNVERIFIED
    assert Claim.objects.get(pk=draft.pk).status == ClaimStatus.IN_REVIEW


@pytest.mark.django_db
def test_a_reviewer_needs_no_notes_to_start_reviewing_an_unpublished_claim(reviewer, editor):
    claim = make_claim(editor)
    claim.start_review(by=reviewer)
    assert Claim.objects.get(pk=claim.pk).status == ClaimStatus.IN_REVIEW
    assert not Correction.objects.filter(claim=claim).exists()
