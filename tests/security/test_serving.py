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
    assert importlib.reload(gunicorn_conf).workers == 2 * os.process_cpu_count()
    assert settings_with(monkeypatch, WEB_CONCURRENCY="3").workers == 3
    assert gunicorn_conf.worker_class == "gthread"
    assert gunicorn_conf.threads == 2


# gunicorn itself refuses a WEB_CONCURRENCY that is not a whole number.
@pytest.mark.parametrize("value", ["0", "-2"])
def test_a_web_concurrency_under_one_is_named_at_start(monkeypatch, value):
    with pytest.raises(SystemExit, match=f"WEB_CONCURRENCY must be a number of workers.*{value}"):
        settings_with(monkeypatch, WEB_CONCURRENCY=value)


def server_bound_to(*addresses):
    config = Config()
    config.set("bind", list(addresses))
    config.set("reuse_port", gunicorn_conf.reuse_port)
    gunicorn_conf.on_starting(SimpleNamespace(cfg=config))
    return config


def test_each_worker_listens_on_its_own_socket_at_a_tcp_address(monkeypatch):
    monkeypatch.delenv("LISTEN_FDS", raising=False)
    assert server_bound_to("127.0.0.1:8000").reuse_port is True
    assert server_bound_to("127.0.0.1:8000", "[::1]:8000").reuse_port is True


def test_workers_share_a_unix_socket_or_sockets_from_systemd(monkeypatch):
    monkeypatch.delenv("LISTEN_FDS", raising=False)
    assert server_bound_to("unix:/run/factcheck.sock").reuse_port is False
    assert server_bound_to("127.0.0.1:8000", "fd://3").reuse_port is False
    monkeypatch.setenv("LISTEN_FDS", "1")
    assert server_bound_to("127.0.0.1:8000").reuse_port is False


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
        env={**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'unused.sqlite3'}"},
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
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_a_worker_keeps_what_it_loaded_out_of_the_collectors_sight():
    gc.unfreeze()
    assert gc.get_freeze_count() == 0
    try:
        gunicorn_conf.post_worker_init(worker=None)
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
