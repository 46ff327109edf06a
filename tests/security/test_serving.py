"""How gunicorn serves the desk (factcheck/gunicorn_conf.py): as deployed, as measured."""

import gc
import importlib

import pytest

from factcheck import gunicorn_conf


def settings_with(monkeypatch, **environment):
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    return importlib.reload(gunicorn_conf)


def test_workers_default_to_two_a_core_and_follow_web_concurrency(monkeypatch):
    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    assert importlib.reload(gunicorn_conf).workers >= 2
    assert settings_with(monkeypatch, WEB_CONCURRENCY="3").workers == 3
    assert gunicorn_conf.worker_class == "gthread"
    # Each worker its own listening socket, for the kernel to spread connections.
    assert gunicorn_conf.reuse_port is True


@pytest.mark.parametrize("value", ["four", "0", "-2", "2.5"])
def test_a_bad_web_concurrency_is_named_at_start(monkeypatch, value):
    with pytest.raises(SystemExit, match=f"WEB_CONCURRENCY must be a number of workers.*{value}"):
        settings_with(monkeypatch, WEB_CONCURRENCY=value)
    monkeypatch.delenv("WEB_CONCURRENCY")
    importlib.reload(gunicorn_conf)


def test_a_worker_keeps_what_it_loaded_out_of_the_collectors_sight():
    gc.unfreeze()
    assert gc.get_freeze_count() == 0
    try:
        gunicorn_conf.post_worker_init(worker=None)
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
