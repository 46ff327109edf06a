"""
The desk behind a real Varnish (deploy/varnish/default.vcl, xkey): every
change reaches readers at the edge within a second of its commit, a purge
the edge missed is delivered once it is back, and an origin outage serves
published pages from grace, never a withdrawn one.

Needs varnishd and the xkey vmod (Debian: varnish, varnish-modules). Skipped
with the reason where they are missing, except where
FACTCHECK_REQUIRE_VARNISH=1 (CI) makes that a failure.
"""

import os
import time
import urllib.error
import urllib.request

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from claims.choices import Action, ClaimStatus
from claims.models import Claim, PendingPurge, Source
from scripts.edge import Varnish, free_port, missing_varnish
from tests.factories import publish_changes
from tests.seed import CLAIM, SOURCE

TRIALS = 20
# How long the edge may take to show a change once it has committed.
FRESH_WITHIN_SECONDS = 1.0

# A varnishd of its own per test worker: not in make test-quick.
pytestmark = [pytest.mark.processes]
if reason := missing_varnish():
    if os.environ.get("FACTCHECK_REQUIRE_VARNISH") == "1":
        pytest.fail(f"FACTCHECK_REQUIRE_VARNISH=1, but {reason}.", pytrace=False)
    pytestmark.append(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="module")
def edge(live_server, worker_id):
    """
    Varnish in front of the test server, probing it every second: a port of
    this test worker's own (workers run side by side, each with its server).
    """
    port = int(live_server.url.rsplit(":", 1)[1])
    with Varnish(free_port(), [port], admin_port=free_port()) as varnish:
        yield varnish


@pytest.fixture
def desk(edge, transactional_db, seed, settings):
    """The seed desk, purging the edge as each change commits (tasks run at once)."""
    settings.EDGE_PURGE_BACKEND = "varnish"
    settings.EDGE_PURGE_OPTIONS = {"urls": [f"{edge.base}/"]}
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    settings.ALLOWED_HOSTS = ["*"]
    call_command("purge_all", stdout=open(os.devnull, "w"))  # noqa: SIM115
    return get_user_model().objects.get(username="reviewer")


def fetch(edge, path):
    """(status, text, X-Cache) of `path` through the edge."""
    try:
        with urllib.request.urlopen(f"{edge.base}{path}", timeout=10) as response:  # noqa: S310
            return response.status, response.read().decode(), response.headers["X-Cache"]
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(), error.headers["X-Cache"]


def held(edge, path):
    """
    Read `path` until the edge holds it, fresh: not a stale copy, served
    while the edge fetches the page again (which would come in after a change
    the test makes next, with the page as it was before); its text.
    """
    for _ in range(50):
        status, text, cache = fetch(edge, path)
        if cache == "HIT":
            return text
        if cache == "STALE":
            time.sleep(0.01)
    raise AssertionError(f"The edge does not keep {path} ({status}, {cache}).")


def seconds_until(edge, path, shows):
    """How long after now the edge serves `path` as shows(status, text) wants; inf past 1 s."""
    started = time.monotonic()
    while time.monotonic() - started <= FRESH_WITHIN_SECONDS:
        status, text, _ = fetch(edge, path)
        if shows(status, text):
            return time.monotonic() - started
        time.sleep(0.01)
    return float("inf")


def claim(slug):
    return Claim.objects.get(slug=slug)


KURSK = f"/claims/{CLAIM.kursk}/"
CASUALTIES = f"/claims/{CLAIM.casualties}/"


def test_an_unpublish_and_a_republish_reach_the_edge_within_a_second(edge, desk):
    delays = []
    for trial in range(TRIALS):
        held(edge, KURSK)
        claim(CLAIM.kursk).unpublish(by=desk, note="Legal.", public_note=f"Checking {trial}.")
        delays.append(
            seconds_until(edge, KURSK, lambda s, t, n=trial: s == 410 and f"Checking {n}." in t)
        )
        held(edge, KURSK)
        claim(CLAIM.kursk).publish(by=desk, public_note=f"Back {trial}.")
        delays.append(seconds_until(edge, KURSK, lambda s, t: s == 200 and "Corroborated" in t))
    assert max(delays) <= FRESH_WITHIN_SECONDS, delays
    print(f"unpublish/republish: slowest {max(delays) * 1000:.0f} ms of {len(delays)}")
    assert claim(CLAIM.kursk).is_published
    assert not PendingPurge.objects.exists()


def test_a_published_revision_reaches_the_edge_within_a_second(edge, desk):
    delays = []
    for trial in range(TRIALS):
        held(edge, CASUALTIES)
        held(edge, "/")
        casualties = claim(CLAIM.casualties)
        casualties.headline = f"About 4,700 casualties, revision {trial}"
        casualties.save()
        publish_changes(casualties, desk, f"We retitled it ({trial}).")
        for path in [CASUALTIES, "/"]:
            delays.append(seconds_until(edge, path, lambda s, t, n=trial: f"revision {n}<" in t))
    assert max(delays) <= FRESH_WITHIN_SECONDS, delays
    assert claim(CLAIM.casualties).headline.endswith(f"revision {TRIALS - 1}")


def test_a_verdict_change_reaches_the_edge_within_a_second(edge, desk):
    delays = []
    for trial in range(TRIALS):
        held(edge, KURSK)
        kursk = claim(CLAIM.kursk)
        if kursk.is_under_review:
            kursk.corroborate(by=desk, note="Rechecked.", public_note=f"Confirmed {trial}.")
            expected = f"Confirmed {trial}."
        else:
            kursk.reopen(by=desk, note="New report.", public_note=f"Checking {trial}.")
            expected = f"Checking {trial}."
        delays.append(seconds_until(edge, KURSK, lambda s, t, e=expected: e in t))
    assert max(delays) <= FRESH_WITHIN_SECONDS, delays
    assert claim(CLAIM.kursk).status in (ClaimStatus.CORROBORATED, ClaimStatus.IN_REVIEW)


def test_revisions_published_after_a_sources_edit_reach_the_edge_within_a_second(edge, desk):
    source_page = f"/sources/{SOURCE.nis}/"
    delays = []
    for trial in range(TRIALS):
        held(edge, CASUALTIES)
        held(edge, source_page)
        name = f"National Intelligence Service, renamed {trial}"
        Source.objects.filter(slug=SOURCE.nis).update(name=name)
        Source.objects.get(slug=SOURCE.nis).save()  # as the admin saves it: with signals
        # Its own page shows the new name at once; a verdict page, once republished.
        delays.append(seconds_until(edge, source_page, lambda s, t, n=name: n in t))
        publish_changes(claim(CLAIM.casualties), desk, f"The NIS was renamed ({trial}).")
        delays.append(seconds_until(edge, CASUALTIES, lambda s, t, n=name: n in t))
    assert max(delays) <= FRESH_WITHIN_SECONDS, delays
    assert Source.objects.get(slug=SOURCE.nis).name.endswith(f"renamed {TRIALS - 1}")


def test_a_purge_the_edge_missed_is_delivered_once_it_is_back(edge, desk, settings, admin_client):
    assert "Corroborated" in held(edge, KURSK)
    # The edge cannot be reached (as while Varnish restarts): the purge fails.
    settings.EDGE_PURGE_OPTIONS = {"urls": [f"http://127.0.0.1:{free_port()}/"]}
    claim(CLAIM.kursk).transition(
        Action.UNPUBLISH, by=desk, note="Legal.", public_note="Withdrawn for a check."
    )
    assert PendingPurge.objects.filter(key=f"claim:{CLAIM.kursk}").exists()
    # Readers at the edge still get the old page, and the desk is told so.
    status, text, cache = fetch(edge, KURSK)
    assert (status, cache) == (200, "HIT") and "Corroborated" in text
    claim_page = admin_client.get(f"/admin/claims/claim/{claim(CLAIM.kursk).pk}/change/")
    assert "Purge pending" in claim_page.content.decode()
    assert f"claim:{CLAIM.kursk}" in admin_client.get("/admin/claims/pendingpurge/").text
    # The edge is back: the queue delivers what it kept.
    settings.EDGE_PURGE_OPTIONS = {"urls": [f"{edge.base}/"]}
    call_command("deliver_purges", stdout=open(os.devnull, "w"))  # noqa: SIM115
    status, text, _ = fetch(edge, KURSK)
    assert status == 410 and "Withdrawn for a check." in text
    assert not PendingPurge.objects.exists()


def test_an_origin_outage_serves_published_pages_from_grace_but_no_withdrawn_one(
    edge, desk, settings
):
    # Pages the edge holds for a second, then may serve for an hour while
    # the origin is down.
    settings.EDGE_CACHE_SECONDS = 1
    settings.EDGE_GRACE_SECONDS = 3600
    call_command("purge_all", stdout=open(os.devnull, "w"))  # noqa: SIM115
    casualties = held(edge, CASUALTIES)
    held(edge, KURSK)
    claim(CLAIM.kursk).unpublish(by=desk, note="Legal.", public_note="Withdrawn.")
    edge.set_health(1, "sick")
    try:
        time.sleep(1.1)  # past their lifetime: only grace can serve them now
        status, text, cache = fetch(edge, CASUALTIES)
        assert (status, text, cache) == (200, casualties, "STALE")
        status, text, cache = fetch(edge, KURSK)
        assert (status, cache) == (503, "ERROR")
        assert "Corroborated" not in text
    finally:
        edge.set_health(1, "auto")
    assert not claim(CLAIM.kursk).is_published


FLOODED_AT_THE_EDGE = [
    ("/?page={n}", {}),
    ("/?topic=topic-{n}", {}),
    ("/?verdict=verdict-{n}", {}),
    ("/?q=word{n}", {}),
    ("/?utm_source=s{n}", {}),
    ("/", {"HX-Request": "value-{n}"}),
    ("/", {"HX-Request": "true", "HX-History-Restore-Request": "value-{n}"}),
    ("/", {"Cookie": "tracker={n}"}),
]


def test_flooding_the_edge_keeps_what_it_holds_bounded(edge, desk):
    held(edge, "/")
    before = edge.objects()
    for template, headers in FLOODED_AT_THE_EDGE:
        for n in range(2, 14):
            url = f"{edge.base}{template.format(n=n)}"
            request = urllib.request.Request(  # noqa: S310
                url, headers={name: value.format(n=n) for name, value in headers.items()}
            )
            try:
                urllib.request.urlopen(request, timeout=10).read()  # noqa: S310
            except urllib.error.HTTPError as error:
                assert error.code == 404, url
    # The list's htmx variant at most: nothing else is kept. (What the edge
    # passed on expires at once, freed by its expiry thread a moment later.)
    deadline = time.monotonic() + 3
    while edge.objects() > before + 1 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert edge.objects() <= before + 1
    assert Claim.objects.published().count() == 4


def test_a_changed_page_is_served_for_a_moment_while_fetched_but_never_in_an_outage(edge, desk):
    held(edge, KURSK)
    claim(CLAIM.kursk).reopen(by=desk, note="New report.", public_note="Checking again.")
    # The next reader does not wait on the origin: the page as it was, while
    # the edge fetches the new one, which the readers after get.
    status, text, cache = fetch(edge, KURSK)
    assert (status, cache) == (200, "STALE") and "Checking again." not in text
    assert seconds_until(edge, KURSK, lambda s, t: "Checking again." in t) <= FRESH_WITHIN_SECONDS
    # A change just before an outage: the page it replaced is not served.
    held(edge, KURSK)
    claim(CLAIM.kursk).corroborate(by=desk, note="Rechecked.", public_note="Confirmed again.")
    edge.set_health(1, "sick")
    try:
        status, text, cache = fetch(edge, KURSK)
        assert (status, cache) == (503, "ERROR") and "Checking again." not in text
    finally:
        edge.set_health(1, "auto")
    # It was dropped, not kept: once the origin is back, the next reader
    # waits for the new page instead of getting the old one again.
    status, text, cache = fetch(edge, KURSK)
    assert (status, cache) == (200, "MISS") and "Confirmed again." in text
    assert claim(CLAIM.kursk).status == ClaimStatus.CORROBORATED
