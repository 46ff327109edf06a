"""Django's Redis cache backend, reusing its redis-py clients."""

from django.core.cache.backends import redis


class ReusingRedisCacheClient(redis.RedisCacheClient):
    """
    Django builds a new redis-py client for every cache call, and building one
    costs more than the round trip to a local Redis (it copies the client's
    table of response callbacks). A client is only a handle on its connection
    pool, safe to share between threads, so keep one per pool.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        if (client := self._clients.get(id(pool))) is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient
