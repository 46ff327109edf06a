"""
The edge in front of two gunicorns, as deployed (deploy/varnish/, factcheck/
gunicorn_conf.py): one is stopped while readers read, and not one read fails.
Varnish sends a request the stopping origin cannot answer (refused, or reset
with the connections its workers had queued) to the other one, never back to
the same, for as long as its probe has not marked it sick.

Needs varnishd and the xkey vmod, as tests/edge/test_varnish_live.py.
"""

import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from claims.models import Claim
from scripts.edge import Varnish, free_port, missing_varnish, wait_for_port
from tests.seed import CLAIM

pytestmark = pytest.mark.processes

if reason := missing_varnish():
    if os.environ.get("FACTCHECK_REQUIRE_VARNISH") == "1":
        pytest.fail(f"FACTCHECK_REQUIRE_VARNISH=1, but {reason}.", pytrace=False)
    pytestmark = [pytestmark, pytest.mark.skip(reason=reason)]

BASE_DIR = Path(__file__).resolve().parents[2]
# What readers read: pages the edge keeps, and searches it passes to an
# origin every time (so that the stopped origin is asked all along).
READ_PATHS = [
    "/",
    f"/claims/{CLAIM.kursk}/",
    f"/claims/{CLAIM.casualties}/",
    "/?q=kursk",
    "/?q=casualties",
    "/?q=troops",
    "/?q=border",
]
READERS = 4
READ_BEFORE_SECONDS = 0.5
READ_AFTER_SECONDS = 2


def database_url():
    """The test database, as the gunicorns must reach it."""
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    return f"postgres://{settings['USER']}@{settings['HOST']}:{settings['PORT']}/{settings['NAME']}"


def start_gunicorn(port, log):
    """The desk under gunicorn as deployed (two workers, a socket each), page cache off."""
    process = subprocess.Popen(
        [
            *(sys.executable, "-m", "factcheck.serve"),
            *("--bind", f"127.0.0.1:{port}", "--workers", "2"),
        ],
        cwd=BASE_DIR,
        env={
            **os.environ,
            "DATABASE_URL": database_url(),
            "REDIS_URL": "",
            "PUBLIC_PAGE_CACHE": "0",
            "ALLOWED_HOSTS": "*",
            "LOG_LEVEL": "WARNING",
        },
        stdout=log,
        stderr=subprocess.STDOUT,
        # Its own process group: stopped as a service manager stops a host's
        # gunicorn, master and workers together.
        start_new_session=True,
    )
    if not wait_for_port(port):
        os.killpg(process.pid, signal.SIGKILL)
        raise RuntimeError(f"gunicorn did not listen on {port}.")
    return process


@pytest.fixture
def two_origins(transactional_db, tmp_path):
    call_command("loaddata", "fixtures/seed.json", verbosity=0)
    ports = [free_port(), free_port()]
    log = (tmp_path / "gunicorn.log").open("w")
    origins = [start_gunicorn(port, log) for port in ports]
    try:
        with Varnish(free_port(), ports, admin_port=free_port()) as edge:
            yield edge, origins
    finally:
        for origin in origins:
            if origin.poll() is None:
                os.killpg(origin.pid, signal.SIGTERM)
            origin.wait(timeout=30)
        log.close()


def read_until(edge, stop, results):
    """Read READ_PATHS in turn through the edge until `stop` is set: each status or error."""
    n = 0
    while not stop.is_set():
        path = READ_PATHS[n % len(READ_PATHS)]
        n += 1
        try:
            with urllib.request.urlopen(f"{edge.base}{path}", timeout=10) as response:  # noqa: S310
                response.read()
                results.append((path, response.status))
        except urllib.error.HTTPError as error:
            results.append((path, error.code))
        except OSError as error:
            results.append((path, repr(error)))


def test_stopping_one_of_two_origins_under_reads_fails_no_read(two_origins):
    edge, (_, second) = two_origins
    for path in READ_PATHS:  # both origins answer, and the edge holds its pages
        urllib.request.urlopen(f"{edge.base}{path}", timeout=10).read()  # noqa: S310
    stop, results = threading.Event(), []
    readers = [
        threading.Thread(target=read_until, args=(edge, stop, results)) for _ in range(READERS)
    ]
    for reader in readers:
        reader.start()
    try:
        time.sleep(READ_BEFORE_SECONDS)
        read_before = len(results)
        # Until its probe notices, Varnish counts the stopped origin healthy:
        # held so here, so that every read its address hashes to is asked
        # of it first, and must be answered by the other one.
        edge.set_health(2, "healthy")
        os.killpg(second.pid, signal.SIGTERM)
        time.sleep(READ_AFTER_SECONDS)
    finally:
        stop.set()
        for reader in readers:
            reader.join(timeout=30)
    assert second.wait(timeout=30) is not None
    failed = [(path, outcome) for path, outcome in results if outcome != 200]
    assert failed == [], f"{len(failed)} of {len(results)} reads failed: {failed[:10]}"
    # Reads went on after the stop, searches among them (answered by the origin left).
    assert len(results) - read_before >= 20
    assert Claim.objects.published().count() == 4
