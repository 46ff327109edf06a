"""Upgrading a desk keeps its existing notes internal and gives each published
claim its first published revision, with nothing for check_invariants to report."""

import json

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from claims.invariants import find_violations
from claims.models import ReviewEvent, Revision

BEFORE = [("claims", "0005_url_schemes_any_case")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_existing_notes_stay_internal_and_a_published_claim_gets_its_first_revision():
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes("claims")
    old = migrate(BEFORE)
    try:
        User = old.get_model("auth", "User")
        Source = old.get_model("claims", "Source")
        OldClaim = old.get_model("claims", "Claim")
        OldEvent = old.get_model("claims", "ReviewEvent")
        editor = User.objects.create(username="editor")
        nis = Source.objects.create(name="NIS", slug="nis")
        now = timezone.now()
        claim = OldClaim.objects.create(
            slug="published",
            headline="A published claim",
            wording="Something was said.",
            claimant=nis,
            verdict_summary="Why.",
            is_published=True,
            published_at=now,
            created_by=editor,
            version=2,
        )
        claim.caveats.create(kind="single_source", text="Only the NIS says so.")
        for version, action, note in [(1, "create", ""), (2, "publish", "Tip from a contact.")]:
            OldEvent.objects.create(
                claim=claim,
                version=version,
                action=action,
                from_status="unverified",
                to_status="unverified",
                actor=editor,
                created_at=now,
                note=note,
            )
    finally:
        migrate(latest)

    published = ReviewEvent.objects.get(claim__slug="published", version=2)
    assert (published.note, published.public_note) == ("Tip from a contact.", "")
    (revision,) = Revision.objects.filter(claim__slug="published")
    assert (revision.number, revision.is_current, revision.published_at) == (1, True, now)
    assert revision.document["headline"] == "A published claim"
    assert revision.document["caveats"] == [
        {"kind": "single_source", "text": "Only the NIS says so."}
    ]
    # The internal note stays in the audit trail, out of the published record.
    assert "Tip from a contact." not in json.dumps(revision.document)
    assert published.revision_digest == revision.digest
    assert ReviewEvent.objects.get(claim__slug="published", version=1).revision_digest == ""
    assert find_violations() == []
