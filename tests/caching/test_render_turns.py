"""
After an edit, a page is rendered once, not once by every reader who asks for
it before the first rendering is kept: the first reader to miss takes the
render turn, the others wait for its page. What they are served is still
never a page readers should no longer see.

Another process is played here by the hook that stands in for the waiting
reader's sleep: each time the reader looks, the "other process" does its part.
"""

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache, caches
from django.test import RequestFactory

from claims import caching
from claims.caching import RECENT_PAGES, RenderTurn, current_versions, page_cache_key
from claims.models import Claim
from claims.page_versions import claim_page
from tests.factories import page_text
from tests.seed import CLAIM

KURSK = f"/claims/{CLAIM.kursk}/"


def kursk():
    return Claim.objects.get(slug=CLAIM.kursk)


@pytest.fixture
def renders(monkeypatch):
    """The number of times a public view ran, through the page cache's render path."""
    calls = []
    render_and_keep = caching.render_and_keep

    def counted(*args, **kwargs):
        calls.append(args[1].path)
        return render_and_keep(*args, **kwargs)

    monkeypatch.setattr(caching, "render_and_keep", counted)
    return calls


@pytest.fixture
def another_process(monkeypatch):
    """
    Set `another_process.step` to what the other process does while the
    reader waits; it runs at the reader's first look, and the reader's
    looks are counted.
    """

    class AnotherProcess:
        step = None
        looks = 0

        def sleep(self, seconds):
            self.looks += 1
            if self.looks == 1 and self.step:
                self.step()

    other = AnotherProcess()
    monkeypatch.setattr(caching.time, "sleep", other.sleep)
    return other


def kursk_rendered_and_forgotten(client):
    """Kursk's page as rendered now, then dropped from both caches; its key and turn."""
    assert client.get(KURSK).status_code == 200
    key = page_cache_key(RequestFactory().get(KURSK))
    entry = cache.get(key)
    cache.delete(key)
    RECENT_PAGES.clear()
    turn = RenderTurn(key, current_versions(KURSK))
    return entry, key, turn


def test_a_reader_who_misses_while_another_renders_is_served_its_page(
    seed, client, page_cache, renders, another_process
):
    entry, key, turn = kursk_rendered_and_forgotten(client)
    renders.clear()
    assert cache.add(turn.turn_key, 1)  # the other process misses first

    def the_other_keeps_its_page():
        cache.set(key, entry)
        cache.delete(turn.turn_key)

    another_process.step = the_other_keeps_its_page
    response = client.get(KURSK)
    assert response.status_code == 200
    assert renders == []
    assert another_process.looks == 1
    assert response.headers["ETag"] == entry["etag"]
    assert "Our verdict: Corroborated" in page_text(response)
    assert kursk().is_published


def test_a_takedown_while_a_reader_waits_is_not_undone_by_the_page_it_waited_for(
    seed, client, page_cache, renders, another_process
):
    entry, key, turn = kursk_rendered_and_forgotten(client)
    assert cache.add(turn.turn_key, 1)
    publisher = get_user_model().objects.get(username="reviewer")

    def the_other_keeps_its_page_after_a_takedown():
        kursk().unpublish(by=publisher, note="Pulled on lawyer advice.", public_note="Withdrawn.")
        # Rendered before the takedown committed, under the old versions.
        cache.set(key, entry)
        cache.delete(turn.turn_key)

    another_process.step = the_other_keeps_its_page_after_a_takedown
    assert client.get(KURSK).status_code == 404
    assert not kursk().is_published


def test_a_reader_renders_the_page_itself_when_the_other_keeps_none(
    seed, client, page_cache, renders, another_process
):
    _, key, turn = kursk_rendered_and_forgotten(client)
    renders.clear()
    assert cache.add(turn.turn_key, 1)
    # The other process's render failed or answered other than 200.
    another_process.step = lambda: cache.delete(turn.turn_key)
    response = client.get(KURSK)
    assert response.status_code == 200
    assert renders == [KURSK]
    assert cache.get(key)["version"] == current_versions(KURSK)
    assert kursk().is_published


def test_a_reader_waits_no_longer_than_the_limit_for_a_slow_render(
    seed, client, page_cache, renders, monkeypatch
):
    _, key, turn = kursk_rendered_and_forgotten(client)
    renders.clear()
    assert cache.add(turn.turn_key, 1)  # and never given back
    monkeypatch.setattr(caching, "RENDER_WAIT_SECONDS", 0.05)
    response = client.get(KURSK)
    assert response.status_code == 200
    assert renders == [KURSK]
    assert cache.get(key)["version"] == current_versions(KURSK)
    # The turn is still the other process's: this reader did not take it.
    assert cache.get(turn.turn_key) == 1


def test_a_reader_whose_render_fails_gives_the_turn_back(seed, client, page_cache, monkeypatch):
    _, key, turn = kursk_rendered_and_forgotten(client)

    def failing_render(*args, **kwargs):
        raise RuntimeError("the template could not be rendered")

    monkeypatch.setattr(caching, "render_and_keep", failing_render)
    with pytest.raises(RuntimeError):
        client.get(KURSK)
    assert cache.get(turn.turn_key) is None
    assert cache.get(key) is None
    assert kursk().is_published


def test_a_reader_renders_when_the_cache_refuses_the_turn(
    seed, client, page_cache, renders, monkeypatch, caplog
):
    kursk_rendered_and_forgotten(client)
    renders.clear()

    def unreachable(*args, **kwargs):
        raise ConnectionError("Redis is down")

    monkeypatch.setattr(type(caches["default"]), "add", unreachable)
    response = client.get(KURSK)
    assert response.status_code == 200
    assert renders == [KURSK]
    assert "Page cache unavailable, rendering" in caplog.text
    assert kursk().is_published


def test_the_reader_who_takes_the_turn_gives_it_back_with_the_page_kept(
    seed, client, page_cache, renders
):
    _, key, turn = kursk_rendered_and_forgotten(client)
    renders.clear()
    assert client.get(KURSK).status_code == 200
    assert renders == [KURSK]
    assert cache.get(turn.turn_key) is None
    assert cache.get(key)["version"] == current_versions(KURSK)
    # Given back: the next reader to miss takes it without waiting.
    assert cache.add(turn.turn_key, 1)


def test_a_turn_is_for_one_version_of_a_page(seed, page_cache):
    key = page_cache_key(RequestFactory().get(KURSK))
    version = current_versions(KURSK)
    newer = (*version[:-1], "newer")
    assert RenderTurn(key, version).turn_key != RenderTurn(key, newer).turn_key
    with RenderTurn(key, version) as first, RenderTurn(key, version) as second:
        assert first.ours
        assert not second.ours
    assert cache.get(RenderTurn(key, version).turn_key) is None


def test_a_page_kept_by_another_process_under_new_versions_is_served_over_this_processs_old_one(
    seed, client, page_cache, renders
):
    assert client.get(KURSK).status_code == 200
    key = page_cache_key(RequestFactory().get(KURSK))
    old = RECENT_PAGES.get(key)
    caching.public_content_changed([claim_page(CLAIM.kursk)])
    # Another process rendered the page under the new versions and kept it.
    cache.set(
        key,
        {**old, "version": current_versions(KURSK), "body": b"<p>Rendered elsewhere.</p>"},
    )
    renders.clear()
    response = client.get(KURSK)
    assert response.content == b"<p>Rendered elsewhere.</p>"
    assert renders == []
    assert RECENT_PAGES.get(key)["version"] == current_versions(KURSK)
    assert kursk().is_published
