"""How gunicorn serves the desk (factcheck/gunicorn_conf.py): as deployed, as measured."""

import gc
import importlib
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
from gunicorn.config import Config

from factcheck import gunicorn_conf

pytestmark = pytest.mark.processes

BASE_DIR = Path(__file__).resolve().parents[2]
GUNICORN = BASE_DIR / ".venv" / "bin" / "gunicorn"


def settings_with(monkeypatch, **environment):
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    return importlib.reload(gunicorn_conf)


@pytest.fixture(autouse=True)
def settings_restored(monkeypatch):
    yield
    monkeypatch.undo()
    importlib.reload(gunicorn_conf)


def test_workers_default_to_two_a_core_and_follow_web_concurrency(monkeypatch):
    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    assert importlib.reload(gunicorn_conf).workers == min(2 * os.process_cpu_count(), 64)
    assert settings_with(monkeypatch, WEB_CONCURRENCY="3").workers == 3
    assert settings_with(monkeypatch, WEB_CONCURRENCY=" 64 ").workers == 64
    assert gunicorn_conf.worker_class == "gthread"
    assert gunicorn_conf.threads == 2


BAD_WEB_CONCURRENCY = ["", "abc", "12345678901234567890", "0", "-2", "65", "٣"]


@pytest.mark.parametrize("value", BAD_WEB_CONCURRENCY)
def test_a_web_concurrency_outside_1_to_64_is_named_at_start(monkeypatch, value):
    with pytest.raises(SystemExit, match=f"WEB_CONCURRENCY={value!r} is not a number of workers"):
        settings_with(monkeypatch, WEB_CONCURRENCY=value)


def server_bound_to(*addresses):
    config = Config()
    config.set("bind", list(addresses))
    config.set("reuse_port", gunicorn_conf.reuse_port)
    gunicorn_conf.on_starting(SimpleNamespace(cfg=config))
    return config


# Port 0: any free port, so that nothing else on the machine holds it.
def test_each_worker_listens_on_its_own_socket_at_a_tcp_address(monkeypatch):
    monkeypatch.delenv("LISTEN_FDS", raising=False)
    assert server_bound_to("127.0.0.1:0").reuse_port is True
    assert server_bound_to("127.0.0.1:0", "[::1]:0").reuse_port is True


def test_workers_share_a_unix_socket_or_sockets_from_systemd(monkeypatch):
    monkeypatch.delenv("LISTEN_FDS", raising=False)
    assert server_bound_to("unix:/run/factcheck.sock").reuse_port is False
    assert server_bound_to("127.0.0.1:0", "fd://3").reuse_port is False
    monkeypatch.setenv("LISTEN_FDS", "1")
    assert server_bound_to("127.0.0.1:0").reuse_port is False


@pytest.fixture
def held_address():
    """An address some server listens on, with a socket per worker as gunicorn's do."""
    with socket.socket() as holder:
        holder.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        yield f"127.0.0.1:{holder.getsockname()[1]}"


def test_an_address_another_server_listens_on_is_refused(monkeypatch, held_address):
    monkeypatch.delenv("LISTEN_FDS", raising=False)
    monkeypatch.delenv("FACTCHECK_SHARE_ADDRESS", raising=False)
    importlib.reload(gunicorn_conf)
    with pytest.raises(SystemExit, match=f"Another server already listens on {held_address}"):
        server_bound_to(held_address)


def test_sharing_an_address_is_allowed_when_asked_for(monkeypatch, held_address):
    monkeypatch.delenv("LISTEN_FDS", raising=False)
    settings_with(monkeypatch, FACTCHECK_SHARE_ADDRESS="1")
    assert server_bound_to(held_address).reuse_port is True
    with pytest.raises(SystemExit, match="FACTCHECK_SHARE_ADDRESS='maybe' is not a boolean"):
        settings_with(monkeypatch, FACTCHECK_SHARE_ADDRESS="maybe")


def status_line_through(address):
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as client:
        client.settimeout(5)
        client.connect(str(address))
        client.sendall(b"GET /healthz HTTP/1.0\r\nHost: localhost\r\n\r\n")
        return client.makefile("rb").readline().decode().strip()


@pytest.mark.skipif(sys.platform == "win32", reason="gunicorn runs on POSIX only")
def test_two_workers_on_a_unix_socket_answer(tmp_path):
    if not GUNICORN.exists():
        pytest.fail(f"gunicorn is not installed at {GUNICORN}: run `make setup`.")
    address = tmp_path / "desk.sock"
    server = subprocess.Popen(
        [GUNICORN, "factcheck.wsgi", "--config", "python:factcheck.gunicorn_conf"]
        + ["--workers", "2", "--bind", f"unix:{address}", "--log-level", "warning"],
        cwd=BASE_DIR,
        env=server_environment(tmp_path),
    )
    try:
        answers = []
        deadline = time.monotonic() + 30
        while len(answers) < 6 and time.monotonic() < deadline:
            try:
                answers.append(status_line_through(address))
            except OSError:
                time.sleep(0.2)
        assert answers == ["HTTP/1.0 200 OK"] * 6
        assert server.poll() is None
        # No control socket, least of all the one path every instance would share.
        assert not (tmp_path / "home" / ".gunicorn").exists()
    finally:
        server.terminate()
        server.wait(timeout=30)


# Ports from TEST_PORT_BASE, as tests/caching/test_takedown_multiprocess.py
# takes them (each pytest worker its own ten); this file uses the last but one.
WORKER = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw"))
PORT = int(os.environ.get("TEST_PORT_BASE", "8270")) + 10 * WORKER + 8
SERVE = [sys.executable, "-m", "factcheck.serve"]


def server_environment(tmp_path, **environment):
    """The environment a test's server runs in: a home of its own, and no runtime directory."""
    (tmp_path / "home").mkdir(exist_ok=True)
    inherited = {"XDG_RUNTIME_DIR", "WEB_CONCURRENCY", "FACTCHECK_SHARE_ADDRESS"}
    env = {key: value for key, value in os.environ.items() if key not in inherited}
    env.update(
        HOME=str(tmp_path / "home"),
        DATABASE_URL=f"sqlite:///{tmp_path / 'unused.sqlite3'}",
        LOG_LEVEL="WARNING",
        **environment,
    )
    return env


def health_status(port):
    with socket.create_connection(("127.0.0.1", port), timeout=5) as client:
        client.sendall(b"GET /healthz HTTP/1.0\r\nHost: localhost\r\n\r\n")
        return client.makefile("rb").readline().decode().strip()


@pytest.mark.skipif(sys.platform == "win32", reason="gunicorn runs on POSIX only")
def test_a_second_gunicorn_on_the_same_port_is_refused_and_the_first_serves_every_request(
    tmp_path,
):
    control = tmp_path / "first.ctl"
    bind = ["--workers", "2", "--bind", f"127.0.0.1:{PORT}", "--log-level", "warning"]
    first = subprocess.Popen(
        [*SERVE, *bind],
        cwd=BASE_DIR,
        env=server_environment(tmp_path, FACTCHECK_CONTROL_SOCKET=str(control)),
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if health_status(PORT) == "HTTP/1.0 200 OK" and control.exists():
                    break
            except OSError:
                time.sleep(0.2)
        else:
            pytest.fail(f"the first gunicorn did not answer on port {PORT} within 30 s")

        second = subprocess.run(
            [*SERVE, *bind],
            cwd=BASE_DIR,
            env=server_environment(tmp_path),
            capture_output=True,
            text=True,
            timeout=30,
        )
        assert second.returncode != 0
        assert f"Another server already listens on 127.0.0.1:{PORT}" in second.stderr
        assert "FACTCHECK_SHARE_ADDRESS=1" in second.stderr
        assert "Traceback" not in second.stderr

        assert [health_status(PORT) for _ in range(40)] == ["HTTP/1.0 200 OK"] * 40
        assert first.poll() is None
        # The first's control socket is its own, where it was told; none in the shared place.
        assert control.is_socket()
        assert not (tmp_path / "home" / ".gunicorn").exists()
    finally:
        first.terminate()
        first.wait(timeout=30)


@pytest.mark.parametrize("value", BAD_WEB_CONCURRENCY)
def test_gunicorn_refuses_a_bad_web_concurrency_in_one_line(tmp_path, value):
    result = subprocess.run(
        [*SERVE, "--bind", f"127.0.0.1:{PORT}"],
        cwd=BASE_DIR,
        env=server_environment(tmp_path, WEB_CONCURRENCY=value),
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        f"WEB_CONCURRENCY={value!r} is not a number of workers: give a whole number "
        "from 1 to 64, or leave it unset for two a core."
    ]


def test_gunicorn_started_directly_refuses_a_number_it_could_read_but_should_not(tmp_path):
    # gunicorn itself stops with a traceback on '' or 'abc' before this
    # configuration runs: factcheck.serve checks first. A number it can read
    # reaches the configuration, which names it.
    result = subprocess.run(
        [GUNICORN, "factcheck.wsgi", "--config", "python:factcheck.gunicorn_conf"],
        cwd=BASE_DIR,
        env=server_environment(tmp_path, WEB_CONCURRENCY="12345678901234567890"),
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 1
    assert "WEB_CONCURRENCY='12345678901234567890' is not a number of workers" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_worker_keeps_what_it_loaded_out_of_the_collectors_sight():
    gc.unfreeze()
    assert gc.get_freeze_count() == 0
    try:
        gunicorn_conf.post_worker_init(worker=None)
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
