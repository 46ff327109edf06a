"""
The seed story loads as a real desk, and loads twice without duplicates; the
suite's `seed` fixture gives each test exactly what the guarded loaddata writes.
"""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.http import HttpRequest

from claims.models import Caveat, Claim, Evidence, ReviewEvent, Source
from tests.seed import CLAIM

EXPECTED_STATES = {
    CLAIM.casualties: ("unverified", True),
    CLAIM.deaths: ("unverified", True),
    CLAIM.injured_repatriated: ("in_review", False),
    CLAIM.cremated: ("unverified", False),
    CLAIM.kursk: ("corroborated", True),
    CLAIM.treaty: ("unverified", False),
    CLAIM.significant_increase: ("in_review", False),
    CLAIM.no_lethal_aid: ("unverified", False),
    CLAIM.sympathisers: ("unverifiable", True),
}


def row_counts():
    return {
        model.__name__: model.objects.count()
        for model in [Claim, Evidence, Caveat, ReviewEvent, Source, get_user_model()]
    }


def test_seed_gives_nine_claims_in_their_states(seed):
    states = {claim.slug: (claim.status, claim.is_published) for claim in Claim.objects.all()}
    assert states == EXPECTED_STATES


def test_loading_the_seed_twice_leaves_the_same_rows(seed):
    before = row_counts()
    call_command("loaddata", "fixtures/seed.json", verbosity=0)
    assert row_counts() == before
    assert before["Claim"] == 9


def test_fixture_users_have_no_usable_password(seed):
    users = get_user_model().objects.filter(
        username__in=["editor", "reviewer", "publisher", "translator"]
    )
    assert len(users) == 4
    assert not any(user.has_usable_password() for user in users)


def test_every_claim_has_the_review_events_that_got_it_to_its_state(seed):
    for claim in Claim.objects.all():
        events = list(claim.events.order_by("version"))
        assert events[-1].version == claim.version
        assert [event.version for event in events] == list(range(1, claim.version + 1))
        status_changes = [
            event.to_status for event in events if event.from_status != event.to_status
        ]
        assert (status_changes or ["unverified"])[-1] == claim.status


def test_verdicts_were_issued_by_someone_other_than_the_creator(seed):
    for event in ReviewEvent.objects.filter(to_status__in=["corroborated", "unverifiable"]).exclude(
        action="publish"
    ):
        assert event.actor != event.claim.created_by


def test_claims_were_first_published_by_someone_other_than_the_creator(seed):
    first_publications = {}
    for event in ReviewEvent.objects.filter(action="publish").order_by("version"):
        first_publications.setdefault(event.claim_id, event)
    assert len(first_publications) == Claim.objects.published().count() == 4
    for event in first_publications.values():
        assert event.actor != event.claim.created_by
        assert event.actor.has_perm("claims.publish_claim")


def test_the_demo_has_a_publisher_of_its_own(seed):
    publisher = get_user_model().objects.get(username="publisher")
    assert list(publisher.groups.values_list("name", flat=True)) == ["Publishers"]
    assert publisher.is_staff and not publisher.has_usable_password()


def test_published_unverified_claims_carry_caveats(seed):
    for claim in Claim.objects.published().filter(status="unverified"):
        assert claim.caveats.exists()


@pytest.mark.django_db
def test_demo_logins_give_the_fixture_users_working_passwords(seed, client, capsys):
    call_command("demo_logins")
    output = capsys.readouterr().out
    lines = {
        line.split()[0]: line.split()[1] for line in output.splitlines() if line.startswith("  ")
    }
    assert set(lines) == {"editor", "reviewer", "publisher", "translator"}
    assert "publisher" in output and "(Publishers)" in output
    # Login throttling needs a request to know whom to throttle; the test
    # client's login() passes none unless given one.
    assert client.login(request=HttpRequest(), username="editor", password=lines["editor"])
    response = client.get("/admin/")
    assert response.status_code == 200
    assert get_user_model().objects.get(username="editor").check_password(lines["editor"])


def dump():
    """Every row the seed touches, by natural key: equal dumps mean equal data."""
    output = StringIO()
    call_command(
        "dumpdata",
        "auth.user",
        "claims",
        # The pages' cache version is bookkeeping, replaced by every load.
        exclude=["claims.contentversion"],
        natural_foreign=True,
        natural_primary=True,
        indent=1,
        stdout=output,
    )
    return output.getvalue()


@pytest.mark.django_db
def test_the_seed_fixture_writes_what_the_guarded_loaddata_writes(seed_rows):
    with transaction.atomic():
        call_command("loaddata", "fixtures/seed.json", verbosity=0)
        loaded = dump()
        transaction.set_rollback(True)
    assert Claim.objects.count() == 0
    seed_rows.insert()
    assert dump() == loaded
    assert Claim.objects.count() == len(EXPECTED_STATES)


@pytest.mark.parametrize("attempt", [1, 2])
def test_a_change_to_the_seed_does_not_reach_the_next_test(seed, attempt):
    # Whichever attempt runs second would see the first one's edit.
    claim = Claim.objects.get(slug=CLAIM.kursk)
    assert claim.headline != "Edited by a test"
    Claim.objects.filter(pk=claim.pk).update(headline="Edited by a test")
    Evidence.objects.filter(claim=claim).delete()
    assert not claim.evidence.exists()


@pytest.mark.parametrize("attempt", [1, 2])
def test_a_transactional_test_gets_the_seed_with_its_roles(transactional_db, seed, attempt):
    # Each transactional test ends by emptying every table, roles included;
    # the next one gets the roles back under new keys, and the seed's users
    # are still in theirs.
    editor = get_user_model().objects.get(username="editor")
    assert list(editor.groups.values_list("name", flat=True)) == ["Editors"]
    assert editor.has_perm("claims.add_claim")
    assert row_counts()["Claim"] == len(EXPECTED_STATES)
    new = Claim.objects.create(
        slug="after-the-seed",
        headline="A new claim",
        wording="New.",
        claimant=Source.objects.first(),
        created_by=editor,
    )
    # PostgreSQL's sequences were moved past the seed's keys.
    assert new.pk > max(Claim.objects.exclude(pk=new.pk).values_list("pk", flat=True))
