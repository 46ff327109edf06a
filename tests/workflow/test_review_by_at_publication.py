"""
A verdict never goes out already saying it may be outdated: publishing needs a
review-by date after today, or none. A refused step loses nothing typed.
"""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from claims.models import Caveat, Claim, ReviewEvent
from claims.workflow import WorkflowError
from tests.factories import claim_form_data, make_claim, page_text


def ready_to_publish(editor, **overrides):
    """An unverified claim with its caveat and summary: publishable but for review_by."""
    claim = make_claim(editor, verdict_summary="Only one source says so.", **overrides)
    Caveat.objects.create(claim=claim, kind="single_source", text="One source.")
    return claim


def change_url(claim):
    return reverse("admin:claims_claim_change", args=[claim.pk])


@pytest.mark.django_db
@pytest.mark.parametrize("days_from_today", [0, -1, -400])
def test_publishing_is_refused_with_a_review_by_date_not_after_today(
    editor, publisher, days_from_today
):
    review_by = timezone.localdate() + timedelta(days=days_from_today)
    claim = ready_to_publish(editor, review_by=review_by)
    with pytest.raises(WorkflowError) as error:
        claim.publish(by=publisher)
    assert error.value.messages == [
        f"The review-by date, {date_format(review_by, 'j F Y')}, is not after today: "
        "set a later date, or clear it, before publishing."
    ]
    stored = Claim.objects.get(pk=claim.pk)
    assert (stored.is_published, stored.published_at, stored.version) == (False, None, 1)
    assert not ReviewEvent.objects.filter(claim=claim, action="publish").exists()


@pytest.mark.django_db
@pytest.mark.parametrize("review_by", [None, "tomorrow"])
def test_publishing_takes_a_review_by_date_after_today_or_none(editor, publisher, review_by):
    if review_by == "tomorrow":
        review_by = timezone.localdate() + timedelta(days=1)
    claim = ready_to_publish(editor, review_by=review_by)
    claim.publish(by=publisher)
    stored = Claim.objects.get(pk=claim.pk)
    assert stored.is_published and stored.review_by == review_by
    assert stored.events.get(action="publish").actor == publisher


@pytest.mark.django_db
def test_a_published_claim_may_pass_its_review_by_date(editor, publisher):
    # The rule is for publication day only: time passing breaks no invariant.
    claim = ready_to_publish(editor, review_by=timezone.localdate() + timedelta(days=1))
    claim.publish(by=publisher)
    Claim.objects.filter(pk=claim.pk).update(review_by=timezone.localdate() - timedelta(days=1))
    stored = Claim.objects.get(pk=claim.pk)
    assert stored.is_published and stored.is_past_review_date
    assert stored.state_problems() == []


@pytest.mark.usefixtures("template_context")
@pytest.mark.django_db
def test_the_publish_button_says_why_the_review_by_date_stops_it(client, editor, publisher):
    claim = ready_to_publish(editor, review_by=timezone.localdate())
    client.force_login(publisher)
    response = client.get(change_url(claim))
    assert response.status_code == 200
    steps = {action: problem for action, _, problem in response.context["workflow_steps"]}
    assert "is not after today" in steps["publish"]
    assert not Claim.objects.get(pk=claim.pk).is_published


@pytest.mark.django_db
def test_a_refused_publish_keeps_the_form_as_typed_and_saves_nothing(client, editor, publisher):
    yesterday = timezone.localdate() - timedelta(days=1)
    claim = ready_to_publish(editor, review_by=yesterday)
    client.force_login(publisher)
    data = claim_form_data(
        claim,
        workflow_note="Checked the caveat.",
        workflow_public_note="First publication.",
        _workflow_action="publish",
    )
    response = client.post(change_url(claim), data)
    assert response.status_code == 200
    text = page_text(response)
    assert (
        f"Nothing was changed. The review-by date, {date_format(yesterday, 'j F Y')}, "
        "is not after today" in text
    )
    content = response.content.decode()
    for typed in ["Checked the caveat.", yesterday.isoformat(), "First publication."]:
        assert typed in content
    stored = Claim.objects.get(pk=claim.pk)
    assert (stored.is_published, stored.review_by, stored.version) == (
        False,
        yesterday,
        claim.version,
    )
    assert not stored.events.filter(action="publish").exists()


@pytest.mark.django_db
def test_a_review_by_date_typed_with_publish_is_refused_to_its_typist(client, editor, publisher):
    # The review-by date is part of what readers see: whoever changes it
    # leaves publishing to another publisher, and nothing typed is lost.
    claim = ready_to_publish(editor, review_by=timezone.localdate())
    next_month = timezone.localdate() + timedelta(days=30)
    client.force_login(publisher)
    data = claim_form_data(
        claim,
        context="Context typed before publishing.",
        review_by=next_month.isoformat(),
        _workflow_action="publish",
    )
    response = client.post(change_url(claim), data)
    assert response.status_code == 200
    assert (
        "Nothing was changed. You wrote some of what readers would see, so another publisher "
        "must publish it." in page_text(response)
    )
    for typed in ["Context typed before publishing.", next_month.isoformat()]:
        assert typed in response.content.decode()
    stored = Claim.objects.get(pk=claim.pk)
    assert (stored.is_published, stored.context, stored.review_by, stored.version) == (
        False,
        "",
        timezone.localdate(),
        claim.version,
    )
    assert not stored.draft_authors.exists()
    assert not stored.events.filter(action="publish").exists()


@pytest.mark.django_db
def test_a_later_review_by_date_saved_by_the_editor_is_published_by_a_publisher(
    client, editor, publisher
):
    claim = ready_to_publish(editor, review_by=timezone.localdate())
    next_month = timezone.localdate() + timedelta(days=30)
    client.force_login(editor)
    saved = client.post(change_url(claim), claim_form_data(claim, review_by=next_month.isoformat()))
    assert saved.status_code == 302
    claim = Claim.objects.get(pk=claim.pk)
    assert list(claim.draft_authors.all()) == [editor]
    client.force_login(publisher)
    response = client.post(
        change_url(claim), claim_form_data(claim, _workflow_action="publish"), follow=True
    )
    assert response.redirect_chain == [(change_url(claim), 302)]
    assert "Published: “" in page_text(response)
    stored = Claim.objects.get(pk=claim.pk)
    assert stored.is_published and stored.review_by == next_month
    assert stored.events.get(action="publish").actor == publisher
    assert not stored.draft_authors.exists()
