"""
A Redis that accepts connections but never answers costs readers a short
timeout, not the page: the site serves uncached, as it does with Redis down.
"""

import socket
import threading
import time

import pytest
from django.core.cache import cache
from redis.exceptions import TimeoutError as RedisTimeoutError

from claims.caching import content_version
from claims.models import Claim, ContentVersion
from factcheck.redis_cache import RedisCache, RedisUnreachable
from tests.seed import CLAIM, FIGURE, SOURCE

PAGES = [
    "/",
    "/?q=troops",
    f"/claims/{CLAIM.kursk}/",
    f"/sources/{SOURCE.nis}/",
    f"/figures/{FIGURE.deaths}/",
    "/feed/",
    "/healthz",
]
TIMEOUT = 0.2


class SilentServer:
    """A TCP server on its own thread that accepts every connection and never says a word."""

    def __init__(self):
        self.listener = socket.create_server(("127.0.0.1", 0), backlog=64)
        self.port = self.listener.getsockname()[1]
        self.accepted = []
        self.thread = threading.Thread(target=self.accept_forever, daemon=True)
        self.thread.start()

    def accept_forever(self):
        while True:
            try:
                connection, _ = self.listener.accept()
            except OSError:
                return  # closed
            self.accepted.append(connection)

    def close(self):
        self.listener.close()
        for connection in self.accepted:
            connection.close()


@pytest.fixture
def silent_server():
    server = SilentServer()
    yield server
    server.close()


def redis_options(pause):
    return {
        "socket_connect_timeout": TIMEOUT,
        "socket_timeout": TIMEOUT,
        "unreachable_pause": pause,
    }


@pytest.fixture
def hanging_redis_cache(settings, silent_server):
    settings.PUBLIC_PAGE_CACHE = True
    settings.CACHES = {
        "default": {
            "BACKEND": "factcheck.redis_cache.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{silent_server.port}/3",
            "OPTIONS": redis_options(pause=5),
        }
    }
    return cache


def timed(call):
    started = time.monotonic()
    result = call()
    return result, time.monotonic() - started


def test_every_public_page_answers_at_once_while_redis_hangs(
    seed, client, hanging_redis_cache, silent_server
):
    content_version()  # the site's version exists before the snapshot
    versions = dict(ContentVersion.objects.values_list("name", "token"))
    claims = list(Claim.objects.values_list("slug", "status", "version", "is_published"))

    for path in PAGES * 2:
        response, seconds = timed(lambda path=path: client.get(path))
        assert response.status_code == 200, path
        assert seconds < 2, f"{path} took {seconds:.1f} s"
    assert silent_server.accepted  # Redis was asked, and never answered

    # Reading pages with the cache hanging wrote nothing: no page retired, no claim changed.
    assert dict(ContentVersion.objects.values_list("name", "token")) == versions
    assert list(Claim.objects.values_list("slug", "status", "version", "is_published")) == claims


def test_after_a_timeout_redis_is_left_alone_for_a_pause_then_asked_again(silent_server):
    hanging = RedisCache(
        f"redis://127.0.0.1:{silent_server.port}/3", {"OPTIONS": redis_options(pause=0.5)}
    )
    started = time.monotonic()
    with pytest.raises(RedisTimeoutError):
        hanging.get("page")
    assert TIMEOUT <= time.monotonic() - started < 1
    connections = len(silent_server.accepted)
    assert connections == 1

    with pytest.raises(RedisUnreachable):
        hanging.set("page", "body", 30)
    with pytest.raises(RedisUnreachable):
        hanging.get_many(["page", "card"])
    assert len(silent_server.accepted) == connections  # not asked while paused

    time.sleep(0.6)
    started = time.monotonic()
    with pytest.raises(RedisTimeoutError):
        hanging.get("page")
    assert TIMEOUT <= time.monotonic() - started < 1
