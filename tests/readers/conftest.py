"""Fixtures for readers writing in: limits counted in a Redis of the tests' own."""

import os
import secrets

import pytest
import redis

from claims.abuse import local_counter

# A Redis database of the suite's own (the benchmark uses 15).
TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/10")


@pytest.fixture
def redis_limits(settings):
    """The submission limits counted in Redis under a prefix of this test's own."""
    client = redis.Redis.from_url(TEST_REDIS_URL, socket_connect_timeout=0.5)
    try:
        client.ping()
    except redis.RedisError as error:
        pytest.skip(f"no Redis at {TEST_REDIS_URL}: {error}")
    prefix = f"test-limits-{secrets.token_hex(4)}"
    settings.TIP_LIMITS_REDIS_URL = TEST_REDIS_URL
    settings.TIP_LIMITS_PREFIX = prefix
    local_counter.clear()
    yield client
    keys = list(client.scan_iter(f"{prefix}:*"))
    if keys:
        client.delete(*keys)
    client.close()
