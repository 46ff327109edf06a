"""
Four eyes at a claim's first publication, as at Publish changes: whoever
entered the claim, or wrote any of what readers would see since it was last
published, leaves Publish to another publisher.
"""

import pytest
from django.urls import reverse

from claims.choices import Action
from claims.models import Caveat, Claim, ReviewEvent
from claims.workflow import WorkflowForbidden
from tests.factories import claim_form_data, make_claim, make_user, page_text

REFUSAL = "You wrote some of what readers would see, so another publisher must publish it."


@pytest.fixture
def reviewer_and_publisher(db):
    """The demo's reviewer: reviews and publishes."""
    return make_user("reviewer", "Reviewers", "Publishers")


def awaiting_summary(editor):
    """An unverified claim with its caveat, entered by the editor: publishable once summarised."""
    claim = make_claim(editor)
    Caveat.objects.create(claim=claim, kind="single_source", text="Only one source.")
    return claim


def change_url(claim):
    return reverse("admin:claims_claim_change", args=[claim.pk])


def steps_offered(response):
    return {action: problem for action, _, problem in response.context["workflow_steps"]}


@pytest.mark.usefixtures("template_context")
@pytest.mark.django_db
def test_whoever_saved_the_summary_is_refused_publish_and_nothing_changes(
    client, editor, reviewer_and_publisher
):
    claim = awaiting_summary(editor)
    client.force_login(reviewer_and_publisher)
    saved = client.post(
        change_url(claim), claim_form_data(claim, verdict_summary="Only the NIS says so.")
    )
    assert saved.status_code == 302
    claim = Claim.objects.get(pk=claim.pk)
    assert list(claim.draft_authors.all()) == [reviewer_and_publisher]

    page = client.get(change_url(claim))
    assert steps_offered(page)[Action.PUBLISH] == REFUSAL

    response = client.post(change_url(claim), claim_form_data(claim, _workflow_action="publish"))
    assert response.status_code == 200
    assert f"Nothing was changed. {REFUSAL}" in page_text(response)
    stored = Claim.objects.get(pk=claim.pk)
    assert (stored.is_published, stored.published_at, stored.version) == (False, None, 2)
    assert not ReviewEvent.objects.filter(claim=claim, action=Action.PUBLISH).exists()
    assert not stored.revisions.exists()


@pytest.mark.django_db
def test_a_summary_typed_with_publish_is_refused_and_not_saved(
    client, editor, reviewer_and_publisher
):
    claim = awaiting_summary(editor)
    claim.verdict_summary = "Written by the editor."
    claim.save()
    client.force_login(reviewer_and_publisher)
    data = claim_form_data(claim, verdict_summary="Rewritten on the way out.")
    response = client.post(change_url(claim), {**data, "_workflow_action": "publish"})
    assert response.status_code == 200
    assert f"Nothing was changed. {REFUSAL}" in page_text(response)
    assert "Rewritten on the way out." in response.content.decode()
    stored = Claim.objects.get(pk=claim.pk)
    assert (stored.is_published, stored.verdict_summary) == (False, "Written by the editor.")
    assert not stored.draft_authors.exists()
    assert not ReviewEvent.objects.filter(claim=claim, action=Action.PUBLISH).exists()


@pytest.mark.usefixtures("template_context")
@pytest.mark.django_db
def test_another_publisher_publishes_what_the_reviewer_wrote(
    client, editor, reviewer_and_publisher, publisher
):
    claim = awaiting_summary(editor)
    client.force_login(reviewer_and_publisher)
    client.post(change_url(claim), claim_form_data(claim, verdict_summary="Only the NIS says so."))
    claim = Claim.objects.get(pk=claim.pk)
    client.force_login(publisher)
    assert steps_offered(client.get(change_url(claim)))[Action.PUBLISH] == ""
    response = client.post(
        change_url(claim), claim_form_data(claim, _workflow_action="publish"), follow=True
    )
    assert response.redirect_chain == [(change_url(claim), 302)]
    assert "Published: “" in page_text(response)
    stored = Claim.objects.get(pk=claim.pk)
    assert stored.is_published and stored.verdict_summary == "Only the NIS says so."
    assert stored.events.get(action=Action.PUBLISH).actor == publisher
    assert stored.current_revision().document["summary"] == "Only the NIS says so."
    # Published: the next change is someone's draft again.
    assert not stored.draft_authors.exists()


@pytest.mark.django_db
def test_whoever_entered_a_claim_may_not_publish_it_first(publisher, other_publisher):
    claim = awaiting_summary(publisher)
    Claim.objects.filter(pk=claim.pk).update(verdict_summary="Only the NIS says so.")
    claim = Claim.objects.get(pk=claim.pk)
    with pytest.raises(WorkflowForbidden) as refusal:
        claim.publish(by=publisher)
    assert str(refusal.value) == "You entered this claim, so another publisher must publish it."
    assert not Claim.objects.get(pk=claim.pk).is_published
    claim.publish(by=other_publisher)
    stored = Claim.objects.get(pk=claim.pk)
    assert stored.is_published
    assert stored.events.get(action=Action.PUBLISH).actor == other_publisher


@pytest.mark.usefixtures("template_context")
@pytest.mark.django_db
def test_without_a_summary_publish_says_to_save_one_first(client, editor, publisher):
    claim = awaiting_summary(editor)
    client.force_login(publisher)
    response = client.get(change_url(claim))
    assert response.status_code == 200
    assert steps_offered(response)[Action.PUBLISH] == (
        "Write the summary for readers and save it: then a publisher who did not write it "
        "publishes the claim."
    )
    assert not Claim.objects.get(pk=claim.pk).is_published


@pytest.mark.django_db
def test_a_summary_written_with_the_verdict_is_published_by_someone_else(
    editor, reviewer_and_publisher, publisher
):
    claim = make_claim(editor, status="in_review")
    Caveat.objects.create(claim=claim, kind="other", text="Nobody can check it.")
    claim.transition(
        Action.MARK_UNVERIFIABLE, by=reviewer_and_publisher, verdict_summary="Nobody can check it."
    )
    claim = Claim.objects.get(pk=claim.pk)
    with pytest.raises(WorkflowForbidden) as refusal:
        claim.publish(by=reviewer_and_publisher)
    assert str(refusal.value) == REFUSAL
    assert not Claim.objects.get(pk=claim.pk).is_published
    claim.publish(by=publisher)
    stored = Claim.objects.get(pk=claim.pk)
    assert stored.is_published and stored.status == "unverifiable"
    assert stored.events.get(action=Action.PUBLISH).actor == publisher
    assert not stored.draft_authors.exists()
