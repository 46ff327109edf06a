"""
What the page cache keeps is bounded by what exists, whatever readers send:
a new `page`, `topic`, `verdict` or `source` that names nothing answers 404
and is not kept, a search is never kept, unknown parameters share the page
they decorate, and the htmx headers count only as present or absent.
Measured in Redis (DB 14), where a script could otherwise fill memory.
"""

import pytest
import redis
from django.core.cache import cache

from claims.models import Claim
from tests.seed import TOPIC

REDIS_URL = "redis://127.0.0.1:6379/14"
FLOOD = 50


class KeptInRedis:
    """What this test's page cache holds in Redis, under a key prefix of its own."""

    def __init__(self, client, prefix):
        self.client, self.prefix = client, prefix

    def keys(self, pattern="*"):
        return self.client.keys(f"{self.prefix}:*{pattern}")

    def dbsize(self):
        return len(self.keys())

    def clear(self):
        if keys := self.keys():
            self.client.delete(*keys)


@pytest.fixture
def redis_pages(settings, seed, worker_id):
    """
    The page cache in Redis DB 14, under a prefix of this test worker's own
    (workers run side by side), empty.
    """
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("Redis is not running at 127.0.0.1:6379")
    prefix = f"flood-test-{worker_id}"
    settings.CACHES = {
        "default": {
            "BACKEND": "factcheck.redis_cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": prefix,
        }
    }
    cache.close()
    kept = KeptInRedis(client, prefix)
    kept.clear()
    yield kept
    kept.clear()


def pages_kept(kept):
    """The pages the page cache holds (besides the cards and parts of lists)."""
    return len(kept.keys("public-page:*"))


FLOODS = {
    "page": lambda n: ("/", {"page": str(n + 2)}, {}),
    "topic": lambda n: ("/", {"topic": f"topic-{n}"}, {}),
    "verdict": lambda n: ("/", {"verdict": f"verdict-{n}"}, {}),
    "source": lambda n: ("/", {"source": f"source-{n}"}, {}),
    "q": lambda n: ("/", {"q": f"word{n}"}, {}),
    "unknown parameter": lambda n: ("/", {"utm_source": f"s{n}"}, {}),
    "HX-Request": lambda n: ("/", {}, {"HX-Request": f"value-{n}"}),
    "HX-History-Restore-Request": lambda n: (
        "/",
        {},
        {"HX-Request": "true", "HX-History-Restore-Request": f"value-{n}"},
    ),
    "claims.json page": lambda n: ("/claims.json", {"page": str(n + 2)}, {}),
}


@pytest.mark.parametrize("kind", FLOODS)
def test_flooding_a_parameter_or_header_keeps_the_cache_bounded(client, redis_pages, kind):
    client.get("/")
    client.get("/", headers={"HX-Request": "true"})
    before = redis_pages.dbsize()
    statuses = set()
    for n in range(FLOOD):
        path, query, headers = FLOODS[kind](n)
        statuses.add(client.get(path, query, headers=headers).status_code)
    # At most the page itself and its htmx variants, whatever was sent.
    assert redis_pages.dbsize() <= before + 2, statuses
    assert Claim.objects.published().count() == 4


def test_a_filter_naming_nothing_answers_404_and_is_not_kept(client, redis_pages):
    for query in [{"topic": "no-such-topic"}, {"verdict": "bogus"}, {"page": "9"}]:
        response = client.get("/", query)
        assert response.status_code == 404
        assert "Surrogate-Control" not in response.headers
    assert redis_pages.dbsize() == 0
    assert client.get("/", {"topic": TOPIC.north_korea_russia}).status_code == 200
    assert pages_kept(redis_pages) == 1


def test_only_a_canonical_address_is_for_the_edge(client, redis_pages):
    canonical = client.get("/", {"topic": TOPIC.north_korea_russia})
    assert canonical["Surrogate-Control"].startswith("max-age=")
    assert canonical["xkey"] == "pages:list public"
    assert canonical["Surrogate-Key"] == "pages:list public"
    assert canonical["Cache-Tag"] == "pages:list,public"
    assert canonical["Cache-Control"] == "public, no-cache"
    noisy = client.get("/", {"topic": TOPIC.north_korea_russia, "utm_source": "x"})
    assert noisy.content == canonical.content
    assert "Surrogate-Control" not in noisy.headers
    search = client.get("/", {"q": "Kursk"})
    assert search.status_code == 200 and "Surrogate-Control" not in search.headers
    assert pages_kept(redis_pages) == 1
