"""
Abuse is held off and nothing is lost: a flood meets the limits per address
and overall, every tip inside them is stored, nothing fails; bots that fill
the honeypot or post at once store nothing; the limits hold with Redis down.
"""

import time

import pytest

from claims import abuse
from claims.choices import TipState
from claims.models import SubmitterSalt, Tip
from tests.factories import page_text, send_tip, served_earlier, tip_data

ADDRESSES = [f"198.51.100.{number}" for number in range(1, 51)]


@pytest.fixture
def frozen_clock(monkeypatch):
    """The limits' clock stopped: the whole flood falls in one minute's window."""
    now = time.time()
    monkeypatch.setattr(abuse, "clock", lambda: now)
    return now


def flood(client, tips=1_000):
    """`tips` different tips, round-robin from 50 addresses; the statuses answered."""
    served = served_earlier()
    statuses = []
    for number in range(tips):
        response = client.post(
            "/ask/",
            tip_data(claim=f"Flood tip number {number}", served=served, confirmed="1"),
            REMOTE_ADDR=ADDRESSES[number % len(ADDRESSES)],
        )
        statuses.append(response.status_code)
        if response.status_code == 429:
            assert "Please try again later" in page_text(response)
            assert int(response["Retry-After"]) > 0
    return statuses


def expected_stored(tips, per_address, per_minute):
    """Which flood tips the limits let through, counted as the desk counts them."""
    by_address, everyone, stored = {}, 0, set()
    for number in range(tips):
        address = ADDRESSES[number % len(ADDRESSES)]
        by_address[address] = by_address.get(address, 0) + 1
        if by_address[address] > per_address:
            continue
        everyone += 1
        if everyone <= per_minute:
            stored.add(f"Flood tip number {number}")
    return stored


def assert_limits_held(statuses, tips, settings):
    stored = expected_stored(
        tips, settings.TIP_LIMIT_PER_ADDRESS_HOUR, settings.TIP_LIMIT_PER_MINUTE
    )
    assert set(statuses) <= {302, 429}
    assert statuses.count(302) == len(stored)
    assert set(Tip.objects.values_list("text", flat=True)) == stored


def test_a_flood_of_1000_tips_from_50_addresses_meets_both_limits_and_loses_none_inside_them(
    db, client, settings, redis_limits, frozen_clock
):
    settings.TIP_LIMIT_PER_ADDRESS_HOUR = 10
    settings.TIP_LIMIT_PER_MINUTE = 300
    statuses = flood(client)
    # 500 within their address's limit; the first 300 of those within the minute's.
    assert statuses.count(302) == 300
    assert_limits_held(statuses, 1_000, settings)
    assert Tip.objects.filter(state=TipState.NEW).count() == 300
    assert redis_limits.keys(f"{settings.TIP_LIMITS_PREFIX}:*")


def test_one_address_over_its_limit_does_not_use_up_everyones(
    db, client, settings, redis_limits, frozen_clock
):
    settings.TIP_LIMIT_PER_ADDRESS_HOUR = 3
    settings.TIP_LIMIT_PER_MINUTE = 5
    for number in range(20):
        send_tip(client, claim=f"Same sender {number}", address="192.0.2.66")
    response = send_tip(client, claim="Someone else", address="192.0.2.1")
    assert response.status_code == 302
    assert Tip.objects.count() == 4
    response = send_tip(client, claim="Over the hour <3", address="192.0.2.66")
    assert response.status_code == 429
    assert "many messages from your connection" in page_text(response)
    # What the reader wrote comes back to copy, escaped, though none of it is kept.
    assert '<textarea id="written" class="written" rows="6" readonly>Over the hour &lt;3' in (
        response.text
    )
    assert not Tip.objects.filter(text__startswith="Over the hour").exists()


def test_with_redis_down_each_process_counts_and_the_limits_still_hold(
    db, client, settings, frozen_clock, caplog
):
    # Nothing listens there: every call to Redis fails at once.
    settings.TIP_LIMITS_REDIS_URL = "redis://127.0.0.1:8799/0"
    settings.TIP_LIMIT_PER_ADDRESS_HOUR = 2
    settings.TIP_LIMIT_PER_MINUTE = 60
    statuses = flood(client, tips=200)
    assert statuses.count(302) == 60
    assert_limits_held(statuses, 200, settings)
    assert "Submission limits counted in this process: Redis failed" in caplog.text
    # Redis is tried again only every few seconds, not by every reader.
    assert caplog.text.count("Redis failed") < 20


def test_a_filled_honeypot_stores_nothing_and_looks_like_success(db, client):
    response = send_tip(client, website="https://spam.example")
    assert response.status_code == 302
    assert response["Location"] == "/ask/sent/"
    assert Tip.objects.count() == 0


def test_a_form_posted_within_seconds_of_being_served_is_refused_and_offered_again(db, client):
    response = send_tip(client, served=served_earlier(1))
    assert response.status_code == 200
    assert "Please send it again: nothing is wrong with what you wrote" in page_text(response)
    assert "Kim Jong Un said the moon is made of cheese." in response.text
    assert Tip.objects.count() == 0


def test_a_form_served_more_than_a_day_ago_or_forged_is_refused(db, client):
    for served in [served_earlier(24 * 60 * 60 + 5), "1700000000:forged", ""]:
        response = send_tip(client, served=served)
        assert response.status_code == 200
        assert "send it again" in page_text(response)
    assert Tip.objects.count() == 0


def test_the_time_trap_refuses_what_the_form_did_not_sign(settings):
    assert abuse.too_fast_or_stale(served_earlier(10)) is False
    assert abuse.too_fast_or_stale(served_earlier(2)) is True
    assert abuse.too_fast_or_stale(served_earlier(settings.TIP_FORM_MAX_AGE + 1)) is True


def test_the_client_address_comes_from_the_trusted_proxy_header_and_is_kept_hashed(
    db, client, settings
):
    settings.TRUSTED_PROXY_COUNT = 1
    client.post(
        "/ask/",
        {**tip_data(claim="Behind a proxy"), "confirmed": "1"},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.50",
    )
    send_tip(client, claim="Directly", address="203.0.113.50")
    first, second = Tip.objects.order_by("pk")
    assert first.submitter == second.submitter
    assert "203.0.113.50" not in first.submitter


def test_salts_rotate_and_old_ones_are_forgotten(db, settings):
    period_length = settings.TIP_SALT_ROTATION_DAYS * abuse.DAY
    now = time.time()
    old = abuse.salt_for(abuse.salt_period(now - 2 * period_length))
    current = abuse.salt_for(abuse.salt_period(now))
    assert old != current
    assert abuse.forget_old_salts(now) == 1
    assert list(SubmitterSalt.objects.values_list("salt", flat=True)) == [current]


def test_junk_posts_get_the_form_back_never_an_error(db, client):
    for data in [{}, {"claim": ""}]:
        response = client.post("/ask/", data, REMOTE_ADDR="203.0.113.7")
        assert response.status_code == 400
        assert 'name="claim"' in response.text
    # Fields sent twice: the last of each is read, and the forged serving time refused.
    response = client.post(
        "/ask/", {"claim": ["a", "b"], "served": ["x", "y"]}, REMOTE_ADDR="203.0.113.7"
    )
    assert response.status_code == 200
    assert "send it again" in page_text(response)
    response = client.post("/claims/no-such-claim/report/", tip_data(), REMOTE_ADDR="203.0.113.7")
    assert response.status_code == 404
    assert Tip.objects.count() == 0
