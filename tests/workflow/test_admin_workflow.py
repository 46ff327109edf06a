"""The workflow in the admin: buttons, refusals, stale forms, forged fields, bulk actions.

A workflow button submits the claim's change form (see test_steps_with_edits.py)."""

import pytest
from django.urls import reverse

from claims.choices import ClaimStatus
from claims.models import Caveat, Claim, Correction, Evidence, ReviewEvent, Source
from tests.factories import (
    as_post_data,
    claim_form_data,
    make_claim,
    make_evidence,
    make_source,
    make_user,
    page_text,
    submitted_fields,
)
from tests.seed import CLAIM, SOURCE


def change_url(claim):
    return reverse("admin:claims_claim_change", args=[claim.pk])


def step(claim, action, **overrides):
    """The change form as posted by one of its workflow buttons, nothing edited."""
    return claim_form_data(claim, _workflow_action=action, **overrides)


@pytest.mark.usefixtures("template_context")
def test_the_change_page_shows_allowed_steps_and_why_others_are_not(
    seed, client, django_user_model
):
    reviewer = django_user_model.objects.get(username="reviewer")
    client.force_login(reviewer)
    claim = Claim.objects.get(slug=CLAIM.injured_repatriated)
    response = client.get(change_url(claim))
    assert response.status_code == 200
    steps = {action: problem for action, _, problem in response.context["workflow_steps"]}
    assert steps["mark_unverifiable"] == ""
    assert "besides the claimant; this claim has 0." in steps["corroborate"]
    assert "tracing back to the claimant (South Korean government)" in steps["corroborate"]
    assert "this claim has no contradicting evidence." in steps["dispute"]
    content = response.content.decode()
    assert 'value="mark_unverifiable" class="default"' in content
    assert "0 independent origins besides the claimant" in content
    assert "the claimant's own: does not count" in content
    assert Claim.objects.get(pk=claim.pk).status == "in_review"


@pytest.mark.usefixtures("template_context")
def test_the_creator_is_shown_no_way_to_issue_the_verdict(seed, client, django_user_model):
    editor = django_user_model.objects.get(username="editor")
    editor.groups.add(*django_user_model.objects.get(username="reviewer").groups.all())
    client.force_login(editor)
    claim = Claim.objects.get(slug=CLAIM.injured_repatriated)
    response = client.get(change_url(claim))
    steps = {action: problem for action, _, problem in response.context["workflow_steps"]}
    for verdict in ["corroborate", "dispute", "refute", "mark_unverifiable"]:
        assert "another reviewer must issue its verdict" in steps[verdict]
    response = client.post(change_url(claim), step(claim, "mark_unverifiable"))
    assert response.status_code == 200
    assert "another reviewer must issue its verdict" in response.content.decode()
    assert Claim.objects.get(pk=claim.pk).status == "in_review"
    assert not claim.events.filter(action="mark_unverifiable").exists()


def test_a_button_takes_the_step_and_writes_the_event(seed, client, django_user_model):
    client.force_login(django_user_model.objects.get(username="reviewer"))
    claim = Claim.objects.get(slug=CLAIM.injured_repatriated)
    response = client.post(
        change_url(claim),
        step(claim, "mark_unverifiable", workflow_note="No second origin."),
        follow=True,
    )
    assert response.redirect_chain == [(change_url(claim), 302)]
    assert "is now Unverifiable" in response.content.decode()
    stored = Claim.objects.get(pk=claim.pk)
    assert stored.status == "unverifiable"
    assert stored.events.last().note == "No second origin."


def test_a_refused_step_shows_why_changes_nothing_and_keeps_the_note(
    seed, client, django_user_model
):
    client.force_login(django_user_model.objects.get(username="reviewer"))
    claim = Claim.objects.get(slug=CLAIM.injured_repatriated)
    response = client.post(
        change_url(claim), step(claim, "corroborate", workflow_note="Looks solid to me.")
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "Nothing was changed. Corroboration needs supporting evidence" in content
    assert "Looks solid to me.</textarea>" in content
    stored = Claim.objects.get(pk=claim.pk)
    assert (stored.status, stored.version) == ("in_review", claim.version)
    assert stored.events.count() == claim.events.count()


def test_a_step_from_a_stale_page_is_refused(seed, client, django_user_model):
    client.force_login(django_user_model.objects.get(username="reviewer"))
    claim = Claim.objects.get(slug=CLAIM.injured_repatriated)
    response = client.post(
        change_url(claim),
        step(claim, "mark_unverifiable", expected_version=claim.version - 1),
    )
    assert response.status_code == 200
    assert "changed by someone else" in response.content.decode()
    assert Claim.objects.get(pk=claim.pk).status == "in_review"


def test_an_unknown_step_is_refused(seed, client, django_user_model):
    client.force_login(django_user_model.objects.get(username="reviewer"))
    claim = Claim.objects.get(slug=CLAIM.injured_repatriated)
    response = client.post(change_url(claim), step(claim, "delete_everything"))
    assert response.status_code == 200
    assert "Unknown workflow step; nothing was changed." in response.content.decode()
    stored = Claim.objects.get(pk=claim.pk)
    assert (stored.status, stored.version) == ("in_review", claim.version)


def test_a_get_takes_no_step(seed, client, django_user_model):
    client.force_login(django_user_model.objects.get(username="reviewer"))
    claim = Claim.objects.get(slug=CLAIM.injured_repatriated)
    response = client.get(change_url(claim), {"_workflow_action": "mark_unverifiable"})
    assert response.status_code == 200
    assert Claim.objects.get(pk=claim.pk).status == "in_review"


@pytest.mark.django_db
def test_a_forged_post_of_status_version_or_publication_changes_nothing(editor, client):
    claim = make_claim(editor, verdict_summary="Summary.")
    client.force_login(editor)
    data = claim_form_data(
        claim,
        headline="Edited headline",
        status="corroborated",
        version=99,
        is_published="on",
        published_at="2020-01-01 00:00:00",
    )
    response = client.post(change_url(claim), data)
    assert response.status_code == 302
    stored = Claim.objects.get(pk=claim.pk)
    assert stored.headline == "Edited headline"
    assert (stored.status, stored.is_published, stored.published_at) == ("unverified", False, None)
    assert stored.version == 2


@pytest.mark.django_db
def test_a_stale_form_is_refused_instead_of_overwriting(editor, reviewer, client):
    claim = make_claim(editor)
    opened = claim_form_data(claim, headline="The editor's edit")
    claim.start_review(by=reviewer)
    client.force_login(editor)
    response = client.post(change_url(claim), opened)
    assert response.status_code == 200
    assert "changed by someone else since you opened it" in response.content.decode()
    stored = Claim.objects.get(pk=claim.pk)
    assert stored.headline == claim.headline
    assert stored.status == "in_review"


@pytest.mark.django_db
def test_evidence_added_under_a_verdict_is_saved_and_publishing_checks_the_rule(
    editor, publisher, client
):
    claim = make_claim(editor, verdict_summary="Both sides have a case.")
    make_evidence(claim, make_source("Wire"))
    Claim.objects.filter(pk=claim.pk).update(status=ClaimStatus.DISPUTED)
    claim = Claim.objects.get(pk=claim.pk)
    data = claim_form_data(claim)
    data.update(
        {
            "evidence-TOTAL_FORMS": 2,
            "evidence-1-stance": "supports",
            "evidence-1-credibility": 2,
            "evidence-1-source": make_source("Other").pk,
            "evidence-1-title": "New item",
        }
    )
    client.force_login(editor)
    response = client.post(change_url(claim), data)
    assert response.status_code == 302
    assert Evidence.objects.filter(claim=claim).count() == 2
    # Still no contradicting item: the disputed verdict cannot go out as it stands.
    client.force_login(publisher)
    stored = Claim.objects.get(pk=claim.pk)
    response = client.post(change_url(stored), step(stored, "publish"))
    assert response.status_code == 200
    assert "A dispute needs at least one supporting and one contradicting item" in (
        response.content.decode()
    )
    stored = Claim.objects.get(pk=claim.pk)
    assert not stored.is_published
    assert not stored.revisions.exists()


@pytest.mark.django_db
def test_adding_a_claim_records_who_entered_it(editor, client):
    client.force_login(editor)
    source = make_source("Ministry")
    response = client.post(
        reverse("admin:claims_claim_add"),
        {
            "headline": "A new claim",
            "slug": "a-new-claim",
            "wording": "Something was said.",
            "claimant": source.pk,
            "caveats-TOTAL_FORMS": 1,
            "caveats-INITIAL_FORMS": 0,
            "caveats-0-kind": "single_source",
            "caveats-0-text": "Only the ministry says so.",
            "evidence-TOTAL_FORMS": 1,
            "evidence-INITIAL_FORMS": 0,
            "evidence-0-stance": "supports",
            "evidence-0-credibility": 3,
            "evidence-0-source": source.pk,
            "evidence-0-title": "Ministry statement",
            "evidence-0-url": "https://example.org/statement",
            "events-TOTAL_FORMS": 0,
            "events-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 302
    claim = Claim.objects.get(slug="a-new-claim")
    assert claim.created_by == editor
    assert claim.evidence.get().added_by == editor
    assert claim.caveats.count() == 1
    event = claim.events.get()
    assert (event.action, event.actor, event.version) == ("create", editor, 1)


@pytest.mark.django_db
def test_the_evidence_form_refuses_javascript_urls(editor, client):
    claim = make_claim(editor)
    data = claim_form_data(claim)
    data.update(
        {
            "evidence-TOTAL_FORMS": 1,
            "evidence-0-stance": "supports",
            "evidence-0-credibility": 2,
            "evidence-0-source": make_source("Wire").pk,
            "evidence-0-title": "Bad link",
            "evidence-0-url": "javascript:alert(1)",
        }
    )
    client.force_login(editor)
    response = client.post(change_url(claim), data)
    assert response.status_code == 200
    assert "Enter a valid URL." in response.content.decode()
    assert not Evidence.objects.exists()


def test_bulk_actions_go_through_the_workflow(seed, client, django_user_model):
    client.force_login(django_user_model.objects.get(username="reviewer"))
    claims = Claim.objects.filter(slug__in=[CLAIM.cremated, CLAIM.treaty])
    response = client.post(
        reverse("admin:claims_claim_changelist"),
        {"action": "publish_action", "_selected_action": [claim.pk for claim in claims]},
        follow=True,
    )
    content = response.content.decode()
    assert "only with at least one caveat" in content
    assert not Claim.objects.filter(pk__in=claims, is_published=True).exists()
    assert not ReviewEvent.objects.filter(claim__in=claims, action="publish").exists()

    response = client.post(
        reverse("admin:claims_claim_changelist"),
        {"action": "start_review_action", "_selected_action": [claim.pk for claim in claims]},
        follow=True,
    )
    assert "Review started: 2 claims." in response.content.decode()
    assert set(Claim.objects.filter(pk__in=claims).values_list("status", flat=True)) == {
        "in_review"
    }


@pytest.mark.usefixtures("template_context")
def test_editors_are_not_offered_the_publish_action(seed, client, django_user_model):
    client.force_login(django_user_model.objects.get(username="editor"))
    response = client.get(reverse("admin:claims_claim_changelist"))
    actions = [choice[0] for choice in response.context["action_form"].fields["action"].choices]
    assert "start_review_action" in actions
    assert "publish_action" not in actions
    assert Claim.objects.count() == 9


@pytest.mark.usefixtures("template_context")
def test_queues_filter_the_claim_list(seed, client, django_user_model):
    client.force_login(django_user_model.objects.get(username="editor"))
    changelist = reverse("admin:claims_claim_changelist")
    awaiting = client.get(changelist, {"queue": "awaiting_review"}).context["cl"].result_list
    assert {claim.slug for claim in awaiting} == {
        CLAIM.injured_repatriated,
        CLAIM.significant_increase,
    }
    mine = client.get(changelist, {"queue": "mine"}).context["cl"].result_list
    assert len(mine) == 9


@pytest.mark.parametrize("method", ["change", "delete"])
def test_nobody_can_change_or_delete_review_events(seed, admin_client, method):
    event = ReviewEvent.objects.first()
    url = reverse(f"admin:claims_reviewevent_{method}", args=[event.pk])
    response = admin_client.post(url, {"note": "rewritten", "post": "yes"})
    assert response.status_code == 403
    stored = ReviewEvent.objects.get(pk=event.pk)
    assert stored.note == event.note


def test_caveats_can_be_added_to_an_open_claim_in_the_admin(seed, client, django_user_model):
    editor = django_user_model.objects.get(username="editor")
    client.force_login(editor)
    claim = Claim.objects.get(slug=CLAIM.cremated)
    data = claim_form_data(claim)
    data.update(
        {
            "caveats-TOTAL_FORMS": 1,
            "caveats-0-kind": "single_source",
            "caveats-0-text": "Only the NIS says so.",
        }
    )
    response = client.post(change_url(claim), data)
    assert response.status_code == 302
    assert list(Caveat.objects.filter(claim=claim).values_list("text", flat=True)) == [
        "Only the NIS says so."
    ]


def test_corrections_are_written_only_by_the_workflow(seed, client, django_user_model):
    client.force_login(django_user_model.objects.get(username="reviewer"))
    casualties = Claim.objects.get(slug=CLAIM.casualties)
    corrections = list(Correction.objects.values_list("pk", "note"))
    response = client.post(
        reverse("admin:claims_correction_add"),
        {
            "claim": casualties.pk,
            "kind": "clarification",
            "note": "Clarified the source.",
            "published_at_0": "2099-11-25",
            "published_at_1": "10:00:00",
        },
    )
    assert response.status_code == 403
    seed_correction = Correction.objects.first()
    for view in ["change", "delete"]:
        url = reverse(f"admin:claims_correction_{view}", args=[seed_correction.pk])
        response = client.post(url, {"note": "Rewritten.", "post": "yes"})
        assert response.status_code == 403
    assert list(Correction.objects.values_list("pk", "note")) == corrections
    # Readable all the same.
    response = client.get(reverse("admin:claims_correction_change", args=[seed_correction.pk]))
    assert response.status_code == 200
    assert seed_correction.note[:40] in response.content.decode()


def test_a_source_moved_under_a_standing_verdict_is_a_draft_that_cannot_be_published(
    seed, client, django_user_model
):
    reviewer = django_user_model.objects.get(username="reviewer")
    client.force_login(reviewer)
    kursk = Claim.objects.get(slug=CLAIM.kursk)
    shown = kursk.current_revision()
    general_staff = Source.objects.get(slug=SOURCE.russian_general_staff)
    north_korea = Source.objects.get(slug=SOURCE.north_korea)
    url = reverse("admin:claims_source_change", args=[general_staff.pk])
    data = as_post_data(
        submitted_fields(client.get(url), "source_form"),
        affiliation=north_korea.affiliation_id,
    )
    response = client.post(url, data, follow=True)
    assert "It changes what readers would see of 1 published verdict" in page_text(response)
    assert Source.objects.get(pk=general_staff.pk).affiliation == north_korea.affiliation
    stored = Claim.objects.get(pk=kursk.pk)
    assert stored.current_revision() == shown
    assert list(stored.draft_authors.all()) == [reviewer]
    # One origin besides the claimant now: the draft breaks the verdict's rule.
    client.force_login(make_user("other-publisher", "Publishers"))
    response = client.post(
        change_url(stored),
        step(stored, "publish_changes", workflow_public_note="Sources regrouped."),
    )
    assert response.status_code == 200
    assert "Corroboration needs supporting evidence graded 1–3 from 2 independent origins" in (
        page_text(response)
    )
    stored = Claim.objects.get(pk=kursk.pk)
    assert stored.current_revision() == shown
    assert stored.corrections.count() == kursk.corrections.count()


def test_the_change_page_reads_its_review_events_together(
    seed, client, django_assert_max_num_queries, django_user_model
):
    reviewer = django_user_model.objects.get(username="reviewer")
    client.force_login(reviewer)
    kursk = Claim.objects.get(slug=CLAIM.kursk)

    def change_page_queries():
        with django_assert_max_num_queries(1_000) as captured:
            response = client.get(change_url(kursk))
        assert response.status_code == 200
        return len(captured), page_text(response)

    queries_before, _ = change_page_queries()
    events_before = kursk.events.count()
    for round_number in range(5):
        kursk.reopen(by=reviewer, note="New report.", public_note=f"Checking {round_number}.")
        kursk.corroborate(by=reviewer, note="Rechecked.", public_note=f"Confirmed {round_number}.")
    queries_after, text = change_page_queries()
    # Ten more rows in the review history, each naming its claim and actor.
    assert kursk.events.count() == events_before + 10
    assert text.count("Rechecked.") == 5
    assert queries_after <= queries_before
