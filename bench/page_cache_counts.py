"""
Hits and misses of the page cache, counted by the server for the soak: every
lookup in claims.caching (the page_cache_looked_up signal) adds one to its
path's count, and each worker adds its counts to Redis every FLUSH_SECONDS,
shared by all workers, which scripts/soak.py reads (after waiting out one
flush) and resets. Connected only where the bench app is installed, Redis is
set and FACTCHECK_COUNT_PAGE_CACHE is on (the soak sets it; the benchmark
does not).

Counted in memory and sent in batches: a round trip to Redis per request
took 12% of the soak's reads a second, which readers of a real desk would not
lose.
"""

import logging
import os
import threading
import time
from collections import Counter
from functools import cache

from django.conf import settings

logger = logging.getLogger(__name__)

HITS = "bench:page-cache:hits"
MISSES = "bench:page-cache:misses"
FLUSH_SECONDS = 0.25

counts = Counter()
counts_lock = threading.Lock()


@cache
def redis_client():
    import redis

    return redis.Redis.from_url(settings.REDIS_URL)


@cache
def start_flushing():
    """Send this process's counts to Redis every FLUSH_SECONDS, from a thread of its own."""
    threading.Thread(target=flush_forever, name="page-cache-counts", daemon=True).start()


def flush_forever():
    while True:
        time.sleep(FLUSH_SECONDS)
        try:
            flush()
        except Exception as error:
            # Kept for the next try (flush() put them back): a Redis that
            # is briefly unreachable must not stop the counting.
            logger.warning("Page cache counts not sent, kept for the next try: %r", error)


def flush():
    global counts
    with counts_lock:
        taken, counts = counts, Counter()
    if not taken:
        return
    pipeline = redis_client().pipeline(transaction=False)
    for (hash_name, path), number in taken.items():
        pipeline.hincrby(hash_name, path, number)
    try:
        pipeline.execute()
    except Exception:
        with counts_lock:
            counts.update(taken)
        raise


def count_lookup(sender, request, hit, **kwargs):
    with counts_lock:
        counts[HITS if hit else MISSES, request.path] += 1
    start_flushing()


def connect():
    from claims.caching import page_cache_looked_up

    if settings.REDIS_URL and os.environ.get("FACTCHECK_COUNT_PAGE_CACHE") == "1":
        page_cache_looked_up.connect(count_lookup, dispatch_uid="bench-page-cache-counts")
