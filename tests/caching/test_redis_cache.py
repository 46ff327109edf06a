"""The Redis cache backend works as Django's does."""

import secrets

import pytest

from factcheck.redis_cache import RedisCache

REDIS_URL = "redis://127.0.0.1:6379/15"


@pytest.fixture
def redis_cache():
    cache = RedisCache(REDIS_URL, {"KEY_PREFIX": f"test-{secrets.token_hex(4)}"})
    try:
        cache.get("probe")
    except Exception as error:  # any failure to connect
        pytest.skip(f"no Redis at {REDIS_URL}: {error}")
    yield cache
    cache.delete_many(["page", "version"])


def test_it_stores_and_reads_back_pages(redis_cache):
    redis_cache.set("page", {"body": b"<p>ok</p>"}, 30)
    redis_cache.set("version", "abc", None)
    assert redis_cache.get_many(["version", "page", "missing"]) == {
        "version": "abc",
        "page": {"body": b"<p>ok</p>"},
    }
