"""
Upgrading a desk keeps its existing notes internal and gives each published
claim its first published revision, with nothing for check_invariants to
report: a database of its own, as a desk had it at 0005, is upgraded by
`migrate` in a process of its own, as a deployment upgrades.
"""

import json

import psycopg
import pytest
from django.db import connection

from tests.factories import run_python

pytestmark = pytest.mark.processes

BEFORE = "0005_url_schemes_any_case"

# The desk at BEFORE, with a published claim whose publication carried an
# internal note; then the upgrade, and what it left, as JSON.
UPGRADE = f"""
import json
import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")
django.setup()

from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

call_command("migrate", "claims", "{BEFORE}", verbosity=0)
old = MigrationExecutor(connection).loader.project_state(("claims", "{BEFORE}")).apps
editor = old.get_model("auth", "User").objects.create(username="editor")
nis = old.get_model("claims", "Source").objects.create(name="NIS", slug="nis")
now = timezone.now()
claim = old.get_model("claims", "Claim").objects.create(
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
    old.get_model("claims", "ReviewEvent").objects.create(
        claim=claim,
        version=version,
        action=action,
        from_status="unverified",
        to_status="unverified",
        actor=editor,
        created_at=now,
        note=note,
    )

call_command("migrate", verbosity=0)

from claims.invariants import find_violations
from claims.models import ReviewEvent, Revision

published = ReviewEvent.objects.get(claim__slug="published", version=2)
print(json.dumps({{
    "notes": [published.note, published.public_note],
    "revisions": [
        {{
            "number": revision.number,
            "is_current": revision.is_current,
            "published_as_before": revision.published_at == now,
            "document": revision.document,
            "digest_of_publication": revision.digest == published.revision_digest,
        }}
        for revision in Revision.objects.filter(claim__slug="published")
    ],
    "creation_digest": ReviewEvent.objects.get(claim__slug="published", version=1).revision_digest,
    "violations": [str(violation) for violation in find_violations()],
}}))
"""


@pytest.fixture
def empty_database(tmp_path):
    """The address of a new, empty database of the suite's kind."""
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'upgrade.sqlite3'}"
        return
    server = connection.settings_dict
    name = f"{server['NAME']}_upgrade"
    address = {"host": server["HOST"], "port": server["PORT"], "user": server["USER"]}
    with psycopg.connect(dbname="postgres", autocommit=True, **address) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    yield f"postgres://{server['USER']}@{server['HOST']}:{server['PORT']}/{name}"
    with psycopg.connect(dbname="postgres", autocommit=True, **address) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_existing_notes_stay_internal_and_a_published_claim_gets_its_first_revision(
    empty_database,
):
    result = run_python("-c", UPGRADE, DATABASE_URL=empty_database)
    assert result.returncode == 0, result.stderr
    upgraded = json.loads(result.stdout.strip().splitlines()[-1])

    assert upgraded["notes"] == ["Tip from a contact.", ""]
    (revision,) = upgraded["revisions"]
    assert (revision["number"], revision["is_current"], revision["published_as_before"]) == (
        1,
        True,
        True,
    )
    assert revision["document"]["headline"] == "A published claim"
    assert revision["document"]["caveats"] == [
        {"kind": "single_source", "text": "Only the NIS says so."}
    ]
    # The internal note stays in the audit trail, out of the published record.
    assert "Tip from a contact." not in json.dumps(revision["document"])
    assert revision["digest_of_publication"] is True
    assert upgraded["creation_digest"] == ""
    assert upgraded["violations"] == []
