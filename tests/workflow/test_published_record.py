"""
The published record changes only through the workflow: while a verdict stands
or the claim is published, what readers see of it changes only by revise(),
which is audited and, on a published claim, tells readers.
"""

from datetime import date
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.urls import reverse

from claims.choices import Stance
from claims.invariants import find_violations
from claims.models import Article, Caveat, Claim, Correction, ReviewEvent, Source, Topic
from claims.models.claim import READER_FACING_FIELDS
from claims.workflow import StaleClaim, WorkflowError, WorkflowForbidden
from tests.factories import (
    claim_form_data,
    make_claim,
    make_evidence,
    make_source,
    page_text,
    revise_form_data,
)
from tests.seed import CLAIM, SOURCE


def new_value(name):
    """A value for `name` that no seed claim has: the rewrite an editor might try."""
    return {
        "headline": lambda: "North Korea has sent 100,000 troops to Moscow",
        "wording": lambda: "North Korea has sent 100,000 troops to Moscow.",
        "claimant": lambda: Source.objects.get(slug=SOURCE.north_korea),
        "made_on": lambda: date(2025, 1, 1),
        "appeared_in": lambda: Article.objects.create(title="Another piece", slug="another"),
        "appearance_url": lambda: "https://example.org/elsewhere",
        "topic": lambda: Topic.objects.create(name="Moscow", slug="moscow"),
        "verdict_summary": lambda: "",
    }[name]()


def as_posted(value):
    if isinstance(value, Source | Article | Topic):
        return value.pk
    if isinstance(value, date):
        return value.isoformat()
    return value


def on_the_record(state, seed_users):
    """A seed claim, or one taken through the workflow, in `state`."""
    if state == "published verdict":
        return Claim.objects.get(slug=CLAIM.kursk)
    if state == "published, unverified":
        return Claim.objects.get(slug=CLAIM.casualties)
    editor, reviewer = seed_users
    claim = make_claim(editor, claimant=make_source("Ministry"), verdict_summary="Why.")
    claim.record_entry(by=editor)
    Caveat.objects.create(claim=claim, kind="opinion", text="An opinion, not a fact.")
    claim.start_review(by=editor)
    claim.mark_unverifiable(by=reviewer)
    return Claim.objects.get(pk=claim.pk)


STATES = ["published verdict", "unpublished verdict", "published, unverified"]


@pytest.fixture
def seed_users(seed):
    User = get_user_model()
    return User.objects.get(username="editor"), User.objects.get(username="reviewer")


def stored_state(claim):
    stored = Claim.objects.get(pk=claim.pk)
    values = {
        name: getattr(stored, stored._meta.get_field(name).attname) for name in READER_FACING_FIELDS
    }
    return values, stored.version, stored.events.count(), stored.corrections.count()


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("field", READER_FACING_FIELDS)
def test_a_plain_save_cannot_change_what_readers_see(seed_users, state, field):
    claim = on_the_record(state, seed_users)
    before = stored_state(claim)
    setattr(claim, field, new_value(field))
    with pytest.raises(WorkflowError) as refused:
        claim.save()
    assert field in refused.value.message_dict
    assert "changes only through a revision" in refused.value.message_dict[field][0]
    with pytest.raises(WorkflowError):
        claim.save(update_fields=[field])
    assert stored_state(claim) == before


@pytest.mark.parametrize("state", ["published verdict", "unpublished verdict"])
@pytest.mark.parametrize("field", READER_FACING_FIELDS)
def test_an_editor_cannot_change_it_through_the_change_form(client, seed_users, state, field):
    claim = on_the_record(state, seed_users)
    editor = seed_users[0]
    client.force_login(editor)
    url = reverse("admin:claims_claim_change", args=[claim.pk])
    page = client.get(url)
    assert field not in page.context["adminform"].form.fields
    assert "What readers see is on the record" in page.content.decode()
    before = stored_state(claim)
    response = client.post(url, claim_form_data(claim, **{field: as_posted(new_value(field))}))
    assert response.status_code == 302
    values, version, events, corrections = stored_state(claim)
    # The form saved what it may (a new version), never the field readers see.
    assert (values, events, corrections) == (before[0], before[2], before[3])
    assert find_violations() == []


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("field", READER_FACING_FIELDS)
def test_a_queryset_update_around_the_workflow_is_named_by_check_invariants(
    seed_users, state, field
):
    claim = on_the_record(state, seed_users)
    assert find_violations() == []
    before = stored_state(claim)[0]
    Claim.objects.filter(pk=claim.pk).update(**{field: new_value(field)})
    rules = [v.rule for v in find_violations() if v.row == claim.slug]
    assert any("changed outside the workflow" in rule for rule in rules), rules
    with pytest.raises(CommandError) as failed:
        call_command("check_invariants", stdout=StringIO(), stderr=StringIO())
    assert "invariant" in str(failed.value)
    assert stored_state(claim)[0] != before


REVISED = {
    "headline": "North Korean troops fought for Russia in Kursk",
    "wording": "North Korea has sent troops to fight alongside Russia in Kursk.",
    "made_on": date(2025, 5, 1),
    "appearance_url": "https://example.org/briefing",
    "verdict_summary": "Russia and North Korea each confirmed it in April 2025.",
}


def revised_value(field):
    return REVISED[field] if field in REVISED else new_value(field)


@pytest.mark.parametrize("field", READER_FACING_FIELDS)
def test_revise_changes_it_with_one_event_and_one_correction(client, seed_users, field):
    reviewer = seed_users[1]  # a publisher too
    claim = Claim.objects.get(slug=CLAIM.kursk)
    version, events = claim.version, claim.events.count()
    value = revised_value(field)
    event = claim.revise(
        by=reviewer,
        changes={field: value},
        note="Spotted by a colleague.",
        public_note="We corrected the wording of this page.",
    )
    stored = Claim.objects.get(pk=claim.pk)
    assert getattr(stored, field) == value
    assert stored.version == version + 1 == event.version
    assert stored.events.count() == events + 1
    assert (event.action, event.from_status, event.to_status) == (
        "revise",
        "corroborated",
        "corroborated",
    )
    assert event.note == "Spotted by a colleague."
    correction = stored.corrections.get()
    assert (correction.kind, correction.note) == (
        "correction",
        "We corrected the wording of this page.",
    )
    assert find_violations() == []
    text = page_text(client.get(stored.get_absolute_url()))
    assert "Revised by Daniel: We corrected the wording of this page." in text
    assert "Spotted by a colleague." not in text


def test_a_revision_of_an_unpublished_verdict_writes_no_correction(seed_users):
    claim = on_the_record("unpublished verdict", seed_users)
    claim.revise(by=seed_users[1], changes={"headline": "A ministry's opinion"})
    stored = Claim.objects.get(pk=claim.pk)
    assert stored.headline == "A ministry's opinion"
    assert stored.events.last().action == "revise"
    assert not Correction.objects.filter(claim=claim).exists()
    assert find_violations() == []


def test_a_revision_of_a_published_claim_needs_a_public_note(seed_users):
    claim = Claim.objects.get(slug=CLAIM.kursk)
    before = stored_state(claim)
    with pytest.raises(WorkflowError, match="write a public note telling readers"):
        claim.revise(by=seed_users[1], changes={"headline": "Troops in Kursk"}, note="Typo.")
    assert stored_state(claim) == before


def test_a_published_claim_keeps_a_summary(seed_users):
    claim = Claim.objects.get(slug=CLAIM.kursk)
    before = stored_state(claim)
    with pytest.raises(WorkflowError, match="keeps a summary"):
        claim.revise(by=seed_users[1], changes={"verdict_summary": " "}, public_note="Cleared.")
    assert stored_state(claim) == before


def test_a_revision_that_would_undo_a_false_rating_is_refused(editor, reviewer, publisher):
    claim = false_and_published(editor, reviewer, publisher)
    observer, ministry = Source.objects.get(slug="observer"), claim.claimant
    before = stored_state(claim)
    with pytest.raises(WorkflowError, match="from an origin independent of the claimant"):
        claim.revise(by=publisher, changes={"claimant": observer}, public_note="New claimant.")
    assert stored_state(claim) == before
    assert Claim.objects.get(pk=claim.pk).claimant == ministry


def test_only_publishers_revise_a_published_claim(seed_users):
    editor, _ = seed_users
    claim = Claim.objects.get(slug=CLAIM.kursk)
    before = stored_state(claim)
    with pytest.raises(WorkflowForbidden, match="Only publishers can revise"):
        claim.revise(by=editor, changes={"headline": "Troops in Kursk"}, public_note="Shorter.")
    assert stored_state(claim) == before


def test_a_revision_changes_only_what_readers_see(seed_users):
    claim = Claim.objects.get(slug=CLAIM.kursk)
    before = stored_state(claim)
    with pytest.raises(WorkflowError, match="not: status"):
        claim.revise(by=seed_users[1], changes={"status": "false"}, public_note="Status.")
    with pytest.raises(WorkflowError, match="Nothing to revise"):
        claim.revise(by=seed_users[1], changes={"headline": claim.headline}, public_note="Same.")
    with pytest.raises(WorkflowError) as refused:
        claim.revise(by=seed_users[1], changes={"headline": "x" * 76}, public_note="Long.")
    assert "headline" in refused.value.message_dict
    assert stored_state(claim) == before


def test_a_revision_from_a_stale_page_is_refused(seed_users):
    claim = Claim.objects.get(slug=CLAIM.kursk)
    opened = claim.version
    claim.revise(by=seed_users[1], changes={"headline": "Troops in Kursk"}, public_note="Short.")
    before = stored_state(claim)
    with pytest.raises(StaleClaim):
        claim.revise(
            by=seed_users[1],
            changes={"headline": "Troops fought in Kursk"},
            public_note="Shorter.",
            expected_version=opened,
        )
    assert stored_state(claim) == before


def test_while_nothing_is_on_the_record_editors_edit_freely(seed_users):
    claim = Claim.objects.get(slug=CLAIM.cremated)
    assert not claim.is_on_the_record
    claim.headline = "The dead were cremated in Russia"
    claim.save()
    assert Claim.objects.get(pk=claim.pk).headline == "The dead were cremated in Russia"
    assert not ReviewEvent.objects.filter(claim=claim, action="revise").exists()


# The admin's revise page ------------------------------------------------------


def revise_url(claim):
    return reverse("admin:claims_claim_revise", args=[claim.pk])


def test_the_revise_page_is_a_plain_form_with_the_current_values(client, seed_users):
    claim = Claim.objects.get(slug=CLAIM.kursk)
    client.force_login(seed_users[1])
    change_page = client.get(reverse("admin:claims_claim_change", args=[claim.pk]))
    assert f'href="{revise_url(claim)}"' in change_page.content.decode()
    response = client.get(revise_url(claim))
    content = response.content.decode()
    assert response.status_code == 200
    assert '<form method="post"' in content
    assert 'type="submit" value="Revise"' in content
    assert f'value="{claim.headline}"' in content
    assert "Public note for readers" in content
    assert Claim.objects.get(pk=claim.pk).version == claim.version


def test_a_verdict_without_a_summary_links_publish_to_where_it_is_written(client, seed_users):
    editor, reviewer = seed_users
    claim = Claim.objects.get(slug=CLAIM.injured_repatriated)
    claim.mark_unverifiable(by=reviewer)
    claim.refresh_from_db()
    assert claim.is_on_the_record and not claim.verdict_summary
    client.force_login(reviewer)
    content = client.get(reverse("admin:claims_claim_change", args=[claim.pk])).content.decode()
    reason = content[content.index('id="why-publish"') :].split("</span>")[0]
    assert "Write the summary for readers before publishing" in reason
    assert f'<a href="{revise_url(claim)}">Revise what readers see…</a>' in reason
    assert 'value="publish" disabled' in content
    assert not Claim.objects.get(pk=claim.pk).is_published


def test_a_refused_revision_keeps_what_was_typed(client, seed_users):
    claim = Claim.objects.get(slug=CLAIM.kursk)
    before = stored_state(claim)
    client.force_login(seed_users[1])
    data = revise_form_data(claim, headline="Troops in Kursk, confirmed", note="My typing.")
    response = client.post(revise_url(claim), data)
    content = response.content.decode()
    assert response.status_code == 200
    assert "write a public note telling readers" in content
    assert "Nothing was changed." in content
    assert 'value="Troops in Kursk, confirmed"' in content
    assert "My typing.</textarea>" in content
    assert stored_state(claim) == before


def test_a_revision_in_the_admin_is_audited_and_told_to_readers(client, seed_users):
    claim = Claim.objects.get(slug=CLAIM.kursk)
    client.force_login(seed_users[1])
    data = revise_form_data(
        claim,
        headline="Troops in Kursk, confirmed",
        public_note="We shortened the headline.",
        kind="clarification",
    )
    response = client.post(revise_url(claim), data, follow=True)
    assert "Revised: “Troops in Kursk, confirmed”" in response.content.decode()
    stored = Claim.objects.get(pk=claim.pk)
    assert stored.headline == "Troops in Kursk, confirmed"
    assert stored.events.last().action == "revise"
    assert stored.corrections.get().kind == "clarification"


def test_an_editor_is_refused_a_revision_of_a_published_claim_in_the_admin(client, seed_users):
    claim = Claim.objects.get(slug=CLAIM.kursk)
    before = stored_state(claim)
    client.force_login(seed_users[0])
    data = revise_form_data(claim, headline="Troops in Kursk", public_note="Shorter.")
    response = client.post(revise_url(claim), data)
    assert response.status_code == 200
    assert "Only publishers can revise" in response.content.decode()
    assert stored_state(claim) == before


def false_and_published(editor, reviewer, publisher):
    """A published False rating: the ministry's claim, contradicted by an observer."""
    ministry = make_source("Ministry", affiliation="Government A")
    claim = make_claim(editor, claimant=ministry, verdict_summary="It did not happen.")
    claim.record_entry(by=editor)
    make_evidence(claim, make_source("Observer"), stance=Stance.CONTRADICTS, credibility=1)
    claim.start_review(by=editor)
    claim.refute(by=reviewer)
    claim.publish(by=publisher)
    return Claim.objects.get(pk=claim.pk)


def test_a_revision_the_evidence_rule_refuses_is_shown_on_the_form(
    client, editor, reviewer, publisher
):
    claim = false_and_published(editor, reviewer, publisher)
    before = stored_state(claim)
    client.force_login(publisher)
    observer = Source.objects.get(slug="observer")
    data = revise_form_data(claim, claimant=observer.pk, public_note="New claimant.")
    response = client.post(revise_url(claim), data)
    content = response.content.decode()
    assert response.status_code == 200
    assert "from an origin independent of the claimant" in content
    assert f'<option value="{observer.pk}" selected>' in content
    assert stored_state(claim) == before
