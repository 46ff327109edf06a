"""
Hits and misses of the page cache, counted by the server for the soak: every
lookup in claims.caching (the page_cache_looked_up signal) adds one to its
path's count in Redis, shared by all workers, which scripts/soak.py reads and
resets. Connected only where the bench app is installed, Redis is set and
FACTCHECK_COUNT_PAGE_CACHE is on (the soak sets it; the benchmark does not,
as the count costs a round trip per request).
"""

import os
from functools import cache

from django.conf import settings

HITS = "bench:page-cache:hits"
MISSES = "bench:page-cache:misses"


@cache
def redis_client():
    import redis

    return redis.Redis.from_url(settings.REDIS_URL)


def count_lookup(sender, request, hit, **kwargs):
    redis_client().hincrby(HITS if hit else MISSES, request.path, 1)


def connect():
    from claims.caching import page_cache_looked_up

    if settings.REDIS_URL and os.environ.get("FACTCHECK_COUNT_PAGE_CACHE") == "1":
        page_cache_looked_up.connect(count_lookup, dispatch_uid="bench-page-cache-counts")
