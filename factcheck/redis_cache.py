"""Django's Redis cache backend, pausing while Redis fails."""

import threading
import time
from functools import wraps

from django.core.cache.backends import redis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

# The cache calls Django's client makes, each a round trip to Redis.
CACHE_CALLS = (
    "add",
    "get",
    "set",
    "touch",
    "delete",
    "get_many",
    "has_key",
    "incr",
    "set_many",
    "delete_many",
    "clear",
)


class RedisUnreachable(RedisConnectionError):
    """Redis failed to connect or answer a moment ago, so this call did not ask it."""


def paused_while_unreachable(call):
    @wraps(call)
    def wrapper(self, *args, **kwargs):
        if time.monotonic() < self.unreachable_until:
            raise RedisUnreachable(
                f"Redis did not answer; not asked again for {self.unreachable_pause:g} s."
            )
        try:
            return call(self, *args, **kwargs)
        except (RedisConnectionError, RedisTimeoutError):
            with self.lock:
                self.unreachable_until = time.monotonic() + self.unreachable_pause
            raise

    return wrapper


class PausingRedisCacheClient(redis.RedisCacheClient):
    """
    A call that cannot connect or times out (settings: socket_connect_timeout,
    socket_timeout) makes every call in this process fail at once for the next
    `unreachable_pause` seconds, without asking Redis. The site's callers treat
    a failed call as a miss, so a Redis that hangs costs readers one timeout
    every few seconds a process, not one on every call of every page.
    """

    def __init__(self, *args, unreachable_pause=5.0, **kwargs):
        super().__init__(*args, **kwargs)
        self.unreachable_pause = unreachable_pause
        self.unreachable_until = 0.0
        self.lock = threading.Lock()


for name in CACHE_CALLS:
    setattr(
        PausingRedisCacheClient,
        name,
        paused_while_unreachable(getattr(redis.RedisCacheClient, name)),
    )


class RedisCache(redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = PausingRedisCacheClient
