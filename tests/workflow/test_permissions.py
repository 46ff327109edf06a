"""Who may do what is answered in one place, claims/permissions.py, for every caller."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from claims.choices import Action, ClaimStatus
from claims.models import Claim, ReviewEvent
from claims.permissions import (
    EDITOR,
    PUBLISHER,
    REVIEWER,
    ROLES,
    TRANSLATOR,
    can_add_sources,
    can_preview_claims,
    can_publish,
    can_review,
    can_translate,
    permissions_for,
)
from tests.factories import make_claim, make_published_claim

# The issue's own check: a permission string, or a call asking for one.
PERMISSION_WORDS = re.compile(r'"claims\.[a-z_]*_claim"|has_perm\(')


def test_no_module_but_claims_permissions_names_a_permission():
    claims = Path(settings.BASE_DIR) / "claims"
    found = [
        f"{path.relative_to(settings.BASE_DIR)}:{number}: {line.strip()}"
        for path in sorted(claims.rglob("*.py"))
        if path != claims / "permissions.py"
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if PERMISSION_WORDS.search(line)
    ]
    assert found == []
    # The check reads what it should: the permissions module itself matches.
    assert PERMISSION_WORDS.search((claims / "permissions.py").read_text())


@pytest.mark.django_db
def test_each_role_group_holds_the_permission_that_marks_it_and_those_below(
    editor, reviewer, publisher
):
    assert set(ROLES) == {"Editors", "Reviewers", "Publishers", "Translators"}
    holders = {EDITOR: editor, REVIEWER: reviewer, PUBLISHER: publisher}
    ladder = [EDITOR, REVIEWER, PUBLISHER]
    for rank, role in enumerate(ladder):
        user = get_user_model().objects.get(pk=holders[role].pk)
        assert [user.has_perm(other.permission) for other in ladder] == [
            other_rank <= rank for other_rank in range(len(ladder))
        ]
    assert [can_review(user) for user in (editor, reviewer, publisher)] == [False, True, True]
    assert [can_publish(user) for user in (editor, reviewer, publisher)] == [False, False, True]
    assert all(can_add_sources(user) for user in (editor, reviewer, publisher))


@pytest.mark.django_db
def test_translators_draft_translations_and_nothing_else(editor, publisher, translator):
    assert [can_translate(user) for user in (editor, publisher, translator)] == [
        False,
        True,
        True,
    ]
    assert not any(translator.has_perm(role.permission) for role in (EDITOR, REVIEWER, PUBLISHER))
    assert translator.has_perm(TRANSLATOR.permission)
    assert not can_add_sources(translator)


@pytest.mark.django_db
def test_each_role_may_take_the_steps_of_its_role_and_says_why_not_the_others(
    editor, reviewer, publisher
):
    author = get_user_model().objects.create_user("author")
    claim = make_claim(author)
    editors = permissions_for(editor, claim)
    assert editors.can_take(Action.START_REVIEW)
    assert not editors.can_take(Action.CORROBORATE)
    assert editors.step_problem(Action.CORROBORATE) == "Only a reviewer can corroborate a claim."
    assert editors.step_problem(Action.PUBLISH) == "Only a publisher can publish a claim."
    assert permissions_for(reviewer, claim).can_take(Action.REOPEN)
    assert not permissions_for(reviewer, claim).can_take(Action.UNPUBLISH)
    assert permissions_for(publisher, claim).can_take(Action.UNPUBLISH)
    # Asking changes nothing.
    assert Claim.objects.get(pk=claim.pk).version == claim.version


@pytest.mark.django_db
def test_the_reviewer_who_entered_a_claim_may_not_issue_its_verdict(reviewer):
    claim = make_claim(reviewer)
    own = permissions_for(reviewer, claim)
    assert own.step_problem(Action.DISPUTE) == (
        "You entered this claim, so another reviewer must issue its verdict."
    )
    assert own.can_take(Action.REOPEN)
    assert Claim.objects.get(pk=claim.pk).created_by == reviewer


@pytest.mark.django_db
def test_starting_the_review_of_a_published_claim_is_a_reviewers_step(editor, reviewer):
    claim = make_published_claim(editor)
    assert permissions_for(editor, claim).step_problem(Action.START_REVIEW) == (
        "Only a reviewer can start the review of a claim while it is published: "
        "readers then see it under review."
    )
    assert permissions_for(reviewer, claim).can_take(Action.START_REVIEW)
    assert Claim.objects.get(pk=claim.pk).is_published


@pytest.mark.django_db
def test_publishing_changes_is_a_publishers_step_never_taken_by_a_draft_author(
    editor, reviewer, publisher
):
    claim = make_published_claim(editor)
    assert permissions_for(editor, claim).step_problem(Action.PUBLISH_CHANGES) == (
        "Only a publisher can publish changes to a claim."
    )
    assert permissions_for(reviewer, claim).step_problem(Action.PUBLISH_CHANGES) == (
        "Only a publisher can publish changes to a claim."
    )
    assert permissions_for(publisher, claim).can_take(Action.PUBLISH_CHANGES)
    claim.note_draft_author(publisher)
    assert permissions_for(publisher, claim).step_problem(Action.PUBLISH_CHANGES) == (
        "You made some of these changes, so another publisher must publish them."
    )
    assert list(Claim.objects.get(pk=claim.pk).draft_authors.all()) == [publisher]


@pytest.mark.django_db
def test_publishing_is_refused_to_whoever_entered_the_claim_or_wrote_its_draft(
    editor, publisher, other_publisher
):
    entered = make_claim(publisher)
    assert permissions_for(publisher, entered).step_problem(Action.PUBLISH) == (
        "You entered this claim, so another publisher must publish it."
    )
    claim = make_claim(editor)
    assert permissions_for(publisher, claim).can_take(Action.PUBLISH)
    claim.note_draft_author(publisher)
    assert permissions_for(publisher, claim).step_problem(Action.PUBLISH) == (
        "You wrote some of what readers would see, so another publisher must publish it."
    )
    assert permissions_for(other_publisher, claim).can_take(Action.PUBLISH)
    assert list(Claim.objects.get(pk=claim.pk).draft_authors.all()) == [publisher]


@pytest.mark.django_db
def test_whoever_entered_a_withdrawn_claim_may_publish_it_again(editor, publisher):
    # Since its last publication they changed nothing: another publisher
    # published what they entered.
    claim = make_published_claim(publisher)
    Claim.objects.filter(pk=claim.pk).update(is_published=False)
    claim = Claim.objects.get(pk=claim.pk)
    assert permissions_for(publisher, claim).can_take(Action.PUBLISH)
    assert claim.published_at is not None and not claim.draft_authors.exists()


@pytest.mark.django_db
def test_only_active_staff_who_view_claims_may_preview(editor):
    claim = make_claim(editor)
    assert permissions_for(editor, claim).can_preview()
    assert not can_preview_claims(AnonymousUser())
    outsider = get_user_model().objects.create_user("outsider", is_staff=True)
    assert not permissions_for(outsider, claim).can_preview()
    editor.is_active = False
    editor.save()
    assert not can_preview_claims(get_user_model().objects.get(pk=editor.pk))


@pytest.mark.django_db
def test_an_event_read_alone_gets_the_role_of_its_state(editor, reviewer, publisher):
    claim = make_claim(editor, verdict_summary="Why, for readers.")
    claim.record_entry(by=editor)
    # A claim's text was revised in place before published revisions: such an
    # event, on an unpublished claim, names an editor's step.
    before_publication = ReviewEvent.objects.create(
        claim=claim,
        version=claim.version + 1,
        action=Action.REVISE,
        from_status=ClaimStatus.UNVERIFIED,
        to_status=ClaimStatus.UNVERIFIED,
        actor=editor,
        created_at=timezone.now(),
    )
    # Read fresh: nothing read with the claim, the trail is read from the database.
    alone = ReviewEvent.objects.get(pk=before_publication.pk)
    assert permissions_for(publisher, claim).role_of(alone) == EDITOR
