"""A portable backup round-trips: dump → flush → load → dump gives the same bytes."""

import json
from datetime import UTC, datetime, timedelta
from io import StringIO

from axes.models import AccessLog
from django.apps import apps
from django.contrib.auth.models import Group, User
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from claims.choices import Action
from claims.invariants import find_violations
from claims.models import Claim, Correction, ReviewEvent, Revision
from claims.permissions import ROLES
from tests.seed import CLAIM

# The same command as README's "Backup and restore": what migrations and
# post_migrate recreate (content types, permissions) and what is only
# transient (sessions, admin history, login throttling, the page cache's
# content version) stay out.
BACKUP_ARGUMENTS = [
    "--natural-foreign",
    "--natural-primary",
    "--exclude=contenttypes",
    "--exclude=auth.permission",
    "--exclude=sessions",
    "--exclude=admin.logentry",
    "--exclude=axes",
    "--exclude=claims.contentversion",
    "--indent=2",
]


def dump():
    out = StringIO()
    call_command("dumpdata", *BACKUP_ARGUMENTS, stdout=out)
    return out.getvalue()


def test_dump_flush_load_dump_is_identical(
    seed, editor, reviewer, publisher, tmp_path, monkeypatch
):
    # Beyond the seed: a published verdict reopened and confirmed writes
    # events, revisions and public corrections, and the cast have real
    # password hashes.
    kursk = Claim.objects.get(slug=CLAIM.kursk)
    kursk.reopen(by=reviewer, note="Checking the admission again.", public_note="Re-checking.")
    kursk.corroborate(by=publisher, note="Both origins stand.", public_note="Confirmed.")
    # Timestamps below the millisecond: a JSON dump must keep them exactly,
    # or these two corrections and revisions would restore as one instant.
    instant = datetime(2026, 11, 3, 8, 0, 0, 7, tzinfo=UTC)
    for offset, note in enumerate(["Clarified the date.", "Clarified the place."]):
        kursk = Claim.objects.get(pk=kursk.pk)
        kursk.context += f" {note}"
        kursk.save()
        kursk.note_draft_author(editor)
        moment = instant + timedelta(microseconds=offset)
        monkeypatch.setattr(timezone, "now", lambda moment=moment: moment)
        kursk.transition(Action.PUBLISH_CHANGES, by=publisher, public_note=note)
    User.objects.filter(pk=publisher.pk).update(last_login=instant)
    backup = tmp_path / "backup.json"
    backup.write_text(dump())
    before = {
        model: model.objects.count() for model in [Claim, ReviewEvent, Correction, Revision, Group]
    }

    if connection.vendor == "postgresql":
        # The test runs inside a transaction; PostgreSQL will not truncate
        # tables with foreign-key checks still pending in it.
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    call_command("flush", "--no-input", verbosity=0)
    assert not Claim.objects.exists()
    # A flush leaves the roles (claims.roles), empty of people.
    assert set(Group.objects.values_list("name", flat=True)) == set(ROLES)
    assert not User.objects.exists()

    call_command("loaddata", str(backup), verbosity=0)
    assert dump() == backup.read_text()
    assert {model: model.objects.count() for model in before} == before
    assert Correction.objects.filter(claim__slug=CLAIM.kursk).count() == 4
    assert list(
        Revision.objects.originals()
        .filter(claim__slug=CLAIM.kursk)
        .values_list("number", flat=True)
    ) == [
        1,
        2,
        3,
        4,
        5,
    ]
    assert User.objects.get(username="publisher").last_login == instant
    assert find_violations() == []


def test_the_backup_leaves_out_what_the_database_recreates_or_forgets(seed, client, publisher):
    client.force_login(publisher)
    assert Session.objects.exists()
    assert AccessLog.objects.filter(username="publisher").exists()
    models = {item["model"] for item in json.loads(dump())}
    assert "claims.claim" in models
    assert "auth.user" in models
    assert "auth.group" in models
    assert not models & {
        "contenttypes.contenttype",
        "auth.permission",
        "sessions.session",
        "claims.contentversion",
    }
    assert not {model for model in models if model.startswith(("axes.", "admin."))}


def test_every_row_of_the_seed_is_found_again_by_its_natural_key(seed):
    keyed = [m for m in apps.get_app_config("claims").get_models() if hasattr(m, "natural_key")]
    for model in keyed:
        for row in model.objects.all():
            assert model.objects.get_by_natural_key(*row.natural_key()) == row, model
    named = {model.__name__ for model in keyed if model.objects.exists()}
    assert {"Claim", "Evidence", "Caveat", "ReviewEvent", "Estimate", "Source", "Figure"} <= named
