"""
A takedown takes effect everywhere at once: the seed served by gunicorn with
two worker processes, each with its own local-memory page cache (or one Redis
that is down while the claim is unpublished), answers 410 for an unpublished
verdict page from the next request on.
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection

from claims.models import Claim
from tests.seed import CLAIM

pytestmark = pytest.mark.processes

BASE_DIR = Path(__file__).resolve().parents[2]
GUNICORN = BASE_DIR / ".venv" / "bin" / "gunicorn"
KURSK = f"/claims/{CLAIM.kursk}/"
# Ten ports a test process, from TEST_PORT_BASE on: gunicorn's nine, then the
# test's own Redis. Under `pytest -n` each worker takes the next ten (gw1 from
# TEST_PORT_BASE + 10), so tests running at once never race for a port.
WORKER = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw"))
PORT_BASE = int(os.environ.get("TEST_PORT_BASE", "8270")) + 10 * WORKER
PORTS = range(PORT_BASE, PORT_BASE + 9)
REDIS_PORT = PORT_BASE + 9


def free_port():
    for port in PORTS:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) != 0:
                return port
    raise RuntimeError(f"No free port in {PORTS.start}-{PORTS.stop - 1}.")


def database_url():
    """The test database, as the server process must reach it."""
    name = connection.settings_dict["NAME"]
    if connection.vendor == "sqlite":
        return f"sqlite:///{name}"
    settings = connection.settings_dict
    return f"postgres://{settings['USER']}@{settings['HOST']}:{settings['PORT']}/{name}"


def status(url):
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def wait_for(check, seconds=20):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise TimeoutError("gave up waiting")


class Gunicorn:
    """The site under gunicorn as deployed, with two workers and the page cache on."""

    def __init__(self, log, redis_url=""):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {
            **os.environ,
            "DATABASE_URL": database_url(),
            "REDIS_URL": redis_url,
            "PUBLIC_PAGE_CACHE": "on",
            "PUBLIC_CACHE_SECONDS": "300",
            "LOG_LEVEL": "WARNING",
        }
        self.process = subprocess.Popen(
            [
                *(GUNICORN, "factcheck.wsgi", "--config", "python:factcheck.gunicorn_conf"),
                *("--workers", "2", "--bind", f"127.0.0.1:{self.port}"),
            ],
            cwd=BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        wait_for(lambda: status(f"{self.url}/healthz") == 200)

    def statuses(self, path, count):
        return [status(f"{self.url}{path}") for _ in range(count)]

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=30)


class RedisServer:
    """A Redis of this test's own, on its own port: never the desk's shared one."""

    def __init__(self, directory):
        self.directory = directory
        self.url = f"redis://127.0.0.1:{REDIS_PORT}/10"
        self.start()

    def start(self):
        # No automatic snapshots; stop() takes one, so that Redis comes back
        # with the pages it held, as a Redis that was only unreachable would.
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(REDIS_PORT), "--save", "", "--dir", self.directory],
            stdout=subprocess.DEVNULL,
        )
        wait_for(lambda: self.client().ping())

    def client(self):
        import redis

        return redis.Redis(port=REDIS_PORT, db=10, socket_timeout=2)

    def pages(self):
        return self.client().keys("*public-page*")

    def stop(self):
        if self.process.poll() is None:
            # Snapshot, then stop at once: SHUTDOWN through a client waits out
            # the client's read timeout for a reply that never comes.
            self.client().save()
            self.process.terminate()
            self.process.wait(timeout=10)


@pytest.fixture
def served_seed(transactional_db, tmp_path):
    if not GUNICORN.exists():
        pytest.fail(f"gunicorn is not installed at {GUNICORN}: run `make setup`.")
    call_command("loaddata", "fixtures/seed.json", verbosity=0)
    servers = []
    log = (tmp_path / "gunicorn.log").open("w")

    def serve(redis_url=""):
        servers.append(Gunicorn(log, redis_url))
        return servers[-1]

    yield serve
    for server in servers:
        server.stop()
    log.close()


def unpublish_kursk():
    publisher = get_user_model().objects.get(username="reviewer")
    claim = Claim.objects.get(slug=CLAIM.kursk)
    claim.unpublish(by=publisher, note="Pulled on lawyer advice.", public_note="Withdrawn.")


@pytest.mark.skipif(sys.platform == "win32", reason="gunicorn runs on POSIX only")
def test_two_workers_with_local_memory_caches_stop_serving_it_at_once(served_seed):
    site = served_seed()
    # Enough requests that both workers hold the page in their own memory.
    assert site.statuses(KURSK, 30) == [200] * 30
    unpublish_kursk()
    assert site.statuses(KURSK, 20) == [410] * 20
    assert not Claim.objects.get(slug=CLAIM.kursk).is_published


@pytest.mark.skipif(sys.platform == "win32", reason="gunicorn runs on POSIX only")
@pytest.mark.skipif(
    not shutil.which("redis-server"),
    reason="redis-server not found: install Debian's `redis-server` package to run this test.",
)
def test_an_unpublish_while_redis_is_down_holds_when_redis_returns(served_seed, tmp_path):
    redis_server = RedisServer(str(tmp_path))
    try:
        site = served_seed(redis_server.url)
        assert site.statuses(KURSK, 30) == [200] * 30
        assert redis_server.pages()

        redis_server.stop()
        unpublish_kursk()
        assert site.statuses(KURSK, 5) == [410] * 5  # rendered, with Redis down

        redis_server.start()
        assert redis_server.pages()  # the old page is back in Redis
        assert site.statuses(KURSK, 20) == [410] * 20
        assert not Claim.objects.get(slug=CLAIM.kursk).is_published
    finally:
        redis_server.stop()
