"""`make run` starts every time: on an empty database and on one with work in it."""

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from scripts.edge import free_port
from tests.seed import CLAIM

pytestmark = pytest.mark.processes

ROOT = Path(__file__).resolve().parents[2]
# The step that used to stop the second start: the seed no longer fitted.
RATE_AS_UNVERIFIABLE = f"""
from django.contrib.auth import get_user_model
from claims.models import Claim
claim = Claim.objects.get(slug="{CLAIM.significant_increase}")
claim.mark_unverifiable(by=get_user_model().objects.get(username="reviewer"), note="No method.")
"""


def seed_claims():
    seed = json.loads((ROOT / "fixtures" / "seed.json").read_text())
    return [item for item in seed if item["model"] == "claims.claim"]


def serve_once(env, port):
    """Run `make run` until `/` answers 200; return what it printed and the page."""
    server = subprocess.Popen(
        ["make", "--no-print-directory", "run", "HOST=127.0.0.1", f"PORT={port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    page, deadline = None, time.monotonic() + 120
    try:
        while page is None and time.monotonic() < deadline and server.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as response:
                    page = response.status, response.read().decode()
            except OSError:
                time.sleep(0.1)
    finally:
        # runserver's reloader has a child: stop the whole group.
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
        output = server.communicate(timeout=30)[0]
    assert page is not None, f"`make run` served nothing:\n{output}"
    return output, page


def test_make_run_starts_again_after_work_on_the_seeded_desk(tmp_path):
    database = tmp_path / "desk.sqlite3"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}", "PYTHONUNBUFFERED": "1"}
    env.pop("SITE_URL", None)
    port = free_port()

    output, (status, content) = serve_once(env, port)
    assert status == 200
    # Each migration's line ends with its result, as `manage.py migrate` prints it.
    assert "  Applying claims.0001_initial... OK\n" in output
    assert "object(s) from 1 fixture(s)" in output
    assert f"Demo logins for http://127.0.0.1:{port}/admin/" in output
    assert "The daily round is queued." in output
    # SITE_URL follows HOST and PORT: canonical links name this server.
    assert f'<link rel="canonical" href="http://127.0.0.1:{port}/">' in content

    subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", RATE_AS_UNVERIFIABLE],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )

    port = free_port()
    output, (status, content) = serve_once(env, port)
    assert status == 200
    assert "the seed was not loaded" in output
    assert "The daily round was queued already." in output
    assert "About 4,700 North Korean soldiers" in content
    with sqlite3.connect(database) as db:
        (status,) = db.execute(
            "SELECT status FROM claims_claim WHERE slug = ?", (CLAIM.significant_increase,)
        ).fetchone()
        (claims,) = db.execute("SELECT count(*) FROM claims_claim").fetchone()
    # The verdict was kept, and nothing was loaded twice.
    assert status == "unverifiable"
    assert claims == len(seed_claims())
