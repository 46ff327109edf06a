"""Starting the desk: the seed only on an empty desk, demo logins, a missing database explained."""

import os
import subprocess
import sys
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from claims.models import Claim, Source
from tests.factories import make_claim, make_user
from tests.seed import CLAIM


def run(command, *args):
    out = StringIO()
    call_command(command, *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_the_seed_loads_into_an_empty_desk():
    output = run("seed")
    assert "object(s) from 1 fixture(s)" in output
    assert Claim.objects.filter(slug=CLAIM.casualties, is_published=True).exists()


def test_the_seed_leaves_a_desk_with_work_in_it_alone(seed, reviewer):
    claim = Claim.objects.get(slug=CLAIM.significant_increase)
    claim.mark_unverifiable(by=reviewer, note="No method published.")
    before = Claim.objects.count(), Source.objects.count()
    output = run("seed")
    assert "the seed was not loaded" in output
    assert (Claim.objects.count(), Source.objects.count()) == before
    assert Claim.objects.get(slug=CLAIM.significant_increase).status == "unverifiable"


@pytest.mark.django_db
def test_a_desk_with_its_own_claims_gets_no_seed_and_no_demo_logins(db):
    # Not the `editor` fixture: its username is the demo editor's.
    make_claim(make_user("k.lee", "Editors"), slug="our-own")
    assert "the seed was not loaded" in run("seed")
    assert "No demo users on this desk" in run("demo_logins")
    assert list(Claim.objects.values_list("slug", flat=True)) == ["our-own"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs the PostgreSQL server")
def test_a_missing_postgresql_database_is_explained_not_a_traceback(db):
    server = connection.settings_dict
    # A name derived from this run's own database, never created.
    missing = f"{server['NAME']}_absent"
    url = f"postgres://{server['USER']}@{server['HOST']}:{server['PORT']}/{missing}"
    result = subprocess.run(
        [sys.executable, "manage.py", "prepare_desk"],
        env={**os.environ, "DATABASE_URL": url},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    assert f"The PostgreSQL database '{missing}' named by DATABASE_URL does not exist." in (
        result.stderr
    )
    assert f"createdb --host {server['HOST']}" in result.stderr
    assert "Traceback" not in result.stderr
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_database WHERE datname = %s", [missing])
        assert cursor.fetchone() == (0,)
