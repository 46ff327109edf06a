"""Two kinds of note: the internal one stays in the audit trail, the public one
is what readers are told when a step changes a published claim."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from claims.choices import ClaimStatus
from claims.models import Claim, Correction, ReviewEvent
from claims.workflow import WorkflowError
from tests.factories import claim_form_data, page_text
from tests.seed import CLAIM

KURSK = f"/claims/{CLAIM.kursk}/"
TIP = "Tip from a contact at NIS, phone 010-1234, do not name him."


@pytest.fixture
def reviewer(seed):
    """The seed's reviewer (Daniel), also a publisher, who did not enter the seed's claims."""
    return get_user_model().objects.get(username="reviewer")


def kursk():
    return Claim.objects.get(slug=CLAIM.kursk)


def test_the_seeds_existing_notes_are_not_shown_to_readers(seed, client):
    text = page_text(client.get(f"/claims/{CLAIM.casualties}/"))
    assert "Published by Daniel" in text
    assert "Breaking claim: published as unverified" not in text
    assert "Two independent origins besides the claimant" not in page_text(client.get(KURSK))
    assert ReviewEvent.objects.filter(note__startswith="Breaking claim").count() == 1
    # The one public note in the seed is the update readers see on the 600 claim.
    public = ReviewEvent.objects.exclude(public_note="")
    assert list(public.values_list("action", "claim__slug")) == [("publish_changes", CLAIM.deaths)]


def test_the_timeline_shows_the_step_its_date_and_the_public_note_only(seed, client, reviewer):
    kursk().reopen(by=reviewer, note=TIP, public_note="A new report questions the location.")
    response = client.get(KURSK)
    text = page_text(response)
    assert "Reopened by Daniel: A new report questions the location." in text
    assert "Verdict changed from Corroborated to under review: A new report questions" in text
    assert "010-1234" not in response.content.decode()
    event = kursk().events.last()
    assert (event.action, event.note) == ("reopen", TIP)


def test_a_published_claim_is_not_reopened_without_a_public_note(seed, reviewer):
    claim = kursk()
    with pytest.raises(WorkflowError, match="write a public note telling readers"):
        claim.reopen(by=reviewer, note=TIP)
    stored = kursk()
    assert (stored.status, stored.version) == (ClaimStatus.CORROBORATED, claim.version)
    assert not stored.corrections.exists()


def test_an_unpublished_claim_needs_no_public_note(seed, reviewer):
    claim = Claim.objects.get(slug=CLAIM.injured_repatriated)
    claim.mark_unverifiable(by=reviewer, note="No second origin yet.")
    stored = Claim.objects.get(pk=claim.pk)
    assert stored.status == ClaimStatus.UNVERIFIABLE
    assert not stored.corrections.exists()
    assert stored.events.last().public_note == ""


def test_a_verdict_on_a_published_claim_needs_a_public_note(seed, reviewer):
    claim = kursk()
    claim.reopen(by=reviewer, note="Checking.", public_note="We are checking this again.")
    with pytest.raises(WorkflowError, match="write a public note"):
        claim.corroborate(by=reviewer, note="Fine.")
    assert kursk().status == ClaimStatus.IN_REVIEW
    claim.corroborate(by=reviewer, note="Fine.", public_note="Both confirmations stand.")
    assert kursk().corrections.last().note == (
        "Verdict Corroborated confirmed after review: Both confirmations stand."
    )


def test_unpublishing_needs_both_notes_and_leaves_a_correction_for_a_return(seed, client, reviewer):
    claim = kursk()
    with pytest.raises(WorkflowError) as refused:
        claim.unpublish(by=reviewer)
    assert len(refused.value.messages) == 2
    assert kursk().is_published
    claim.unpublish(
        by=reviewer, note="Pulled on lawyer advice.", public_note="Withdrawn while we check."
    )
    assert client.get(KURSK).status_code == 410  # the withdrawal notice
    claim.publish(by=reviewer, public_note="Back after the check.")
    text = page_text(client.get(KURSK))
    assert "Withdrawn from publication: Withdrawn while we check." in text
    assert "Published by Daniel: Back after the check." in text
    assert "lawyer" not in text
    assert Correction.objects.filter(claim=claim).count() == 1


def test_readers_see_staff_by_first_name_only(seed, client, reviewer):
    kursk().reopen(by=reviewer, note="Checking.", public_note="Checking again.")
    content = client.get(KURSK).content.decode()
    assert "Reopened by Daniel: Checking again." in page_text(client.get(KURSK))
    for private in ["Okafor", "reviewer@", "Park", "factcheck.invalid"]:
        assert private not in content
    assert get_user_model().objects.get(username="reviewer").last_name == "Okafor"


def test_the_admin_shows_internal_notes_and_keeps_both_notes_on_refusal(seed, client, reviewer):
    claim = kursk()
    client.force_login(reviewer)
    url = reverse("admin:claims_claim_change", args=[claim.pk])

    def reopen(**notes):
        return claim_form_data(claim, _workflow_action="reopen", **notes)

    response = client.post(url, reopen(workflow_note="", workflow_public_note="Checking."))
    content = response.content.decode()
    assert (
        "Nothing was changed. Say why: an internal note is required to reopen a claim." in content
    )
    assert "Checking.</textarea>" in content
    assert kursk().status == ClaimStatus.CORROBORATED

    response = client.post(url, reopen(workflow_note=TIP, workflow_public_note=""))
    content = response.content.decode()
    assert "write a public note telling readers" in content
    assert "do not name him.</textarea>" in content
    assert kursk().status == ClaimStatus.CORROBORATED

    response = client.post(
        url, reopen(workflow_note=TIP, workflow_public_note="Checking."), follow=True
    )
    assert "is now In review" in response.content.decode()
    page = client.get(url).content.decode()
    assert "do not name him." in page
    stored = kursk()
    assert stored.status == ClaimStatus.IN_REVIEW
    assert stored.events.last().public_note == "Checking."
