"""
The page cache serves public pages without rendering them again, keeps each
response's CSP nonce its own, keeps variants apart and never stores a miss.
"""

from django.contrib.auth import get_user_model
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from claims.caching import cached_page, current_versions, page_cache_key
from claims.choices import ClaimStatus
from claims.models import Claim
from tests.factories import page_text
from tests.seed import CLAIM

KURSK = f"/claims/{CLAIM.kursk}/"
HTMX = {"HX-Request": "true"}


def only_version_reads(queries):
    """Whether every query is the one primary-key read of the content version."""
    return all("claims_contentversion" in query["sql"] for query in queries.captured_queries)


def test_a_cached_page_is_served_with_one_query_for_its_version(seed, client, page_cache):
    first = client.get(KURSK)
    with CaptureQueriesContext(connection) as queries:
        second = client.get(KURSK)
    assert first.status_code == second.status_code == 200
    assert len(queries) == 1
    assert only_version_reads(queries)
    assert page_text(second) == page_text(first)
    assert second["ETag"] == first["ETag"]
    assert second["Cache-Control"] == first["Cache-Control"]
    assert "Set-Cookie" not in second.headers
    assert Claim.objects.get(slug=CLAIM.kursk).status == ClaimStatus.CORROBORATED


def test_a_public_page_holds_nothing_of_the_request_that_rendered_it(seed, client, page_cache):
    for path in [KURSK, "/"]:
        responses = [client.get(path) for _ in range(3)]
        # No nonce: the JSON-LD is data and the list's script is this site's own.
        assert len({response.content for response in responses}) == 1
        assert len({response["Content-Security-Policy"] for response in responses}) == 1
        assert "nonce" not in responses[0]["Content-Security-Policy"]
        assert "nonce" not in responses[0].content.decode()
    assert Claim.objects.published().filter(slug=CLAIM.kursk).exists()


def test_the_htmx_fragment_and_the_full_page_are_cached_apart(seed, client, page_cache):
    page = client.get("/")
    fragment = client.get("/", headers=HTMX)
    with CaptureQueriesContext(connection) as queries:
        page_again = client.get("/")
        fragment_again = client.get("/", headers=HTMX)
    assert len(queries) == 2
    assert only_version_reads(queries)
    assert page_again.content.startswith(b"<!doctype html>")
    assert not fragment_again.content.lstrip().startswith(b"<!doctype html>")
    assert page_text(fragment_again) == page_text(fragment)
    assert page_again["ETag"] == page["ETag"] != fragment_again["ETag"]
    assert "HX-Request" in page_again["Vary"] and "HX-Request" in fragment_again["Vary"]


def test_each_query_string_is_cached_apart(seed, client, page_cache):
    everything = client.get("/")
    unverified = client.get("/", {"verdict": "unverified"})
    assert "4 verdicts" in page_text(client.get("/"))
    assert "2 verdicts matching your search" in page_text(client.get("/?verdict=unverified"))
    assert everything["ETag"] != unverified["ETag"]
    assert Claim.objects.published().count() == 4


def test_a_cached_page_answers_a_matching_if_none_match_with_304(seed, client, page_cache):
    etag = client.get(KURSK)["ETag"]
    with CaptureQueriesContext(connection) as queries:
        response = client.get(KURSK, headers={"If-None-Match": etag})
    assert response.status_code == 304
    assert response.content == b""
    assert len(queries) == 1
    assert only_version_reads(queries)
    assert "nonce" not in response["Content-Security-Policy"]
    assert client.get(KURSK, headers={"If-None-Match": 'W/"stale"'}).status_code == 200


def test_cached_and_rendered_pages_carry_the_same_etag(seed, client, page_cache, settings):
    cached = client.get(KURSK)["ETag"]
    settings.PUBLIC_PAGE_CACHE = False
    assert client.get(KURSK)["ETag"] == cached


def is_cached(path):
    return (
        cached_page(page_cache_key(RequestFactory().get(path)), current_versions(path)) is not None
    )


def test_nothing_is_cached_for_a_missing_or_unpublished_claim(seed, client, page_cache):
    for path in [f"/claims/{CLAIM.cremated}/", "/claims/nothing-here/", "/sources/nobody/"]:
        assert client.get(path).status_code == 404
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path).status_code == 404
        assert not only_version_reads(queries)
        assert not is_cached(path)
    assert is_cached("/") is False
    client.get("/")
    assert is_cached("/")
    assert not Claim.objects.get(slug=CLAIM.cremated).is_published


def test_nothing_is_cached_when_the_page_cache_is_off(seed, client, uncached_pages):
    client.get(KURSK)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(KURSK).status_code == 200
    assert not only_version_reads(queries)
    assert not is_cached(KURSK)


def test_pages_and_workflow_steps_work_while_the_cache_is_down(
    seed, client, page_cache, settings, django_capture_on_commit_callbacks, caplog
):
    settings.CACHES = {
        "default": {
            "BACKEND": "factcheck.redis_cache.RedisCache",
            # Nothing listens on port 1: every cache call fails at once.
            "LOCATION": "redis://127.0.0.1:1/15",
        }
    }
    reviewer = get_user_model().objects.get(username="reviewer")
    assert client.get(KURSK).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        Claim.objects.get(slug=CLAIM.kursk).reopen(
            by=reviewer, note="Checking.", public_note="Checking."
        )
    response = client.get(KURSK)
    assert response.status_code == 200
    assert "Under review" in page_text(response)
    assert "Page cache unavailable" in caplog.text
    assert Claim.objects.get(slug=CLAIM.kursk).status == ClaimStatus.IN_REVIEW
