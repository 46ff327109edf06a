"""
The Fastly and Cloudflare purge backends against a local stand-in for their
APIs, which checks each request's endpoint, headers and keys: Fastly takes at
most 256 surrogate keys a request, Cloudflare 30 cache tags a call, and a 429
(rate limited) leaves the keys pending for a retry after the time it asks.
"""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from claims.caching import public_content_changed
from claims.edge import (
    CLOUDFLARE_TAGS_PER_REQUEST,
    FASTLY_KEYS_PER_REQUEST,
    CloudflarePurge,
    FastlyPurge,
    PurgeFailed,
)
from claims.models import Claim, PendingPurge
from claims.purges import PURGE_AGAIN_AFTER_SECONDS, deliver_purges, purge_again
from tests.seed import CLAIM

TOKEN = "secret-token"


class FakeEdgeAPI(ThreadingHTTPServer):
    """Records each request; answers `answers` in turn (status, headers), then 200."""

    def __init__(self):
        super().__init__(("127.0.0.1", 0), RecordingHandler)
        self.requests, self.answers = [], []
        self.url = f"http://127.0.0.1:{self.server_address[1]}"


class RecordingHandler(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.requests.append(
            {"path": self.path, "headers": dict(self.headers), "body": json.loads(body)}
        )
        status, headers = self.server.answers.pop(0) if self.server.answers else (200, {})
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(b'{"success": true}')

    def do_PURGE(self):
        # Varnish's purge: the keys are in its headers.
        headers = {name.lower(): value for name, value in self.headers.items()}
        self.server.requests.append({"path": self.path, "headers": headers, "body": None})
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def api():
    server = FakeEdgeAPI()
    # A short poll, so that shutdown() at the end waits milliseconds, not half a second.
    thread = threading.Thread(target=server.serve_forever, args=(0.01,), daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def keys(count):
    return [f"claim:claim-{number}" for number in range(count)]


def test_fastly_purges_by_surrogate_key_256_at_a_time(api):
    FastlyPurge("SERVICE1", TOKEN, api_url=api.url).purge(keys(600))
    assert [len(request["body"]["surrogate_keys"]) for request in api.requests] == [256, 256, 88]
    for request in api.requests:
        assert request["path"] == "/service/SERVICE1/purge"
        assert request["headers"]["Fastly-Key"] == TOKEN
        assert request["headers"]["Content-Type"] == "application/json"
        # Hard: a soft-purged page would be served stale during an outage.
        assert "Fastly-Soft-Purge" not in request["headers"]
    sent = [key for request in api.requests for key in request["body"]["surrogate_keys"]]
    assert sorted(sent) == sorted(keys(600))
    assert FASTLY_KEYS_PER_REQUEST == 256


def test_cloudflare_purges_by_cache_tag_30_at_a_time(api):
    CloudflarePurge("ZONE1", TOKEN, api_url=api.url).purge(keys(65))
    assert [len(request["body"]["tags"]) for request in api.requests] == [30, 30, 5]
    for request in api.requests:
        assert request["path"] == "/zones/ZONE1/purge_cache"
        assert request["headers"]["Authorization"] == f"Bearer {TOKEN}"
        assert request["headers"]["Content-Type"] == "application/json"
    sent = [tag for request in api.requests for tag in request["body"]["tags"]]
    assert sorted(sent) == sorted(keys(65))
    assert CLOUDFLARE_TAGS_PER_REQUEST == 30


@pytest.mark.parametrize("backend", [FastlyPurge, CloudflarePurge])
def test_a_rate_limited_purge_says_when_to_retry(api, backend):
    api.answers = [(429, {"Retry-After": "7"})]
    with pytest.raises(PurgeFailed) as failure:
        backend("ID", TOKEN, api_url=api.url).purge(keys(3))
    assert failure.value.retry_after == 7
    assert len(api.requests) == 1


@pytest.fixture
def cloudflare(api, settings):
    settings.EDGE_PURGE_BACKEND = "cloudflare"
    settings.EDGE_PURGE_OPTIONS = {"zone_id": "ZONE1", "api_token": TOKEN, "api_url": api.url}
    return api


def test_a_rate_limited_delivery_keeps_the_keys_and_retries_when_asked(
    cloudflare, db, django_capture_on_commit_callbacks
):
    cloudflare.answers = [(429, {"Retry-After": "30"})]
    with django_capture_on_commit_callbacks(execute=True):
        public_content_changed(["claim:kursk", "pages:list"])
    # The change's commit enqueued a delivery; the worker runs it.
    [queued] = DBTaskResult.objects.filter(task_path="claims.purges.deliver_purges")
    deliver_purges.call(**queued.args_kwargs["kwargs"])
    pending = PendingPurge.objects.order_by("key")
    assert [(row.key, row.attempts) for row in pending] == [("claim:kursk", 1), ("pages:list", 1)]
    assert "Rate limited" in pending[0].last_error
    retry = DBTaskResult.objects.exclude(pk=queued.pk).get()
    assert retry.args_kwargs["kwargs"] == {"attempt": 2}
    assert 29 <= (retry.run_after - retry.enqueued_at).total_seconds() <= 31
    # The retry gets through: the keys go, once.
    deliver_purges.call(attempt=2)
    assert not PendingPurge.objects.exists()
    assert [request["body"]["tags"] for request in cloudflare.requests] == [
        ["claim:kursk", "pages:list"]
    ] * 2


def test_a_change_rolled_back_queues_no_purge(cloudflare, db):
    with pytest.raises(RuntimeError), transaction.atomic():
        public_content_changed(["claim:kursk"])
        raise RuntimeError("the change fails")
    assert not PendingPurge.objects.exists()
    assert not cloudflare.requests


def test_a_key_queued_again_during_a_delivery_stays_pending(cloudflare, db, monkeypatch):
    public_content_changed(["claim:kursk"])
    purge = CloudflarePurge.purge

    def purge_while_another_change_commits(self, keys):
        purge(self, keys)
        public_content_changed(["claim:kursk"])

    monkeypatch.setattr(CloudflarePurge, "purge", purge_while_another_change_commits)
    deliver_purges.call()
    # The second change's purge may have missed the page the first refilled.
    assert PendingPurge.objects.filter(key="claim:kursk").exists()


def pending_purges():
    return dict(PendingPurge.objects.values_list("key", "hard"))


def test_a_key_queued_both_soft_and_hard_is_purged_hard(cloudflare, db):
    public_content_changed(["claim:kursk", "pages:list"], soft=True)
    public_content_changed(["claim:kursk"])
    assert pending_purges() == {"claim:kursk": True, "pages:list": False}
    # A later soft change does not soften what a withdrawal queued.
    public_content_changed(["claim:kursk"], soft=True)
    assert pending_purges() == {"claim:kursk": True, "pages:list": False}


def test_a_withdrawal_is_purged_hard_and_a_new_revision_soft(cloudflare, seed, publisher):
    kursk = Claim.objects.get(slug=CLAIM.kursk)
    kursk.unpublish(by=publisher, note="Legal.", public_note="Withdrawn for a check.")
    assert pending_purges()[f"claim:{CLAIM.kursk}"] is True
    deliver_purges.call()
    assert pending_purges() == {}
    kursk.refresh_from_db()
    kursk.publish(by=publisher, public_note="Back after the check.")
    assert pending_purges()[f"claim:{CLAIM.kursk}"] is False
    assert Claim.objects.get(slug=CLAIM.kursk).is_published


def test_varnish_is_told_which_keys_go_at_once_and_each_purge_is_sent_again(api, settings, db):
    settings.EDGE_PURGE_BACKEND = "varnish"
    settings.EDGE_PURGE_OPTIONS = {"urls": [f"{api.url}/"]}
    public_content_changed(["claim:kursk"], soft=True)
    public_content_changed(["claim:withdrawn"])
    deliver_purges.call()
    sent = [
        (request["headers"].get("xkey-purge"), request["headers"].get("xkey-softpurge"))
        for request in api.requests
    ]
    assert sent == [("claim:withdrawn", None), (None, "claim:kursk")]
    assert pending_purges() == {}
    # Once any fetch begun before the change has ended, the same purges again.
    [again] = DBTaskResult.objects.filter(task_path="claims.purges.purge_again")
    assert again.args_kwargs["kwargs"] == {"hard": ["claim:withdrawn"], "soft": ["claim:kursk"]}
    waits = (again.run_after - again.enqueued_at).total_seconds()
    assert PURGE_AGAIN_AFTER_SECONDS - 1 <= waits <= PURGE_AGAIN_AFTER_SECONDS + 1
    purge_again.call(**again.args_kwargs["kwargs"])
    assert len(api.requests) == 4 and api.requests[2:] == api.requests[:2]


def test_a_purge_sent_again_that_fails_goes_back_to_the_queue(cloudflare, db):
    cloudflare.answers = [(503, {})]
    assert purge_again.call(hard=["claim:withdrawn"], soft=["claim:kursk"]) == 0
    assert pending_purges() == {"claim:withdrawn": True, "claim:kursk": False}
    assert len(cloudflare.requests) == 1
