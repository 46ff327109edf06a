"""Admin logins are throttled: repeated failures lock a username out from one address."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt, AccessLog
from django.conf import settings as django_settings

from factcheck.proxies import client_ip
from tests.factories import read_settings, run_python

LOGIN_URL = "/admin/login/"
ATTACKER = "203.0.113.7"
LOCKED_OUT = "too many login attempts"


def log_in(client, username, password, address=ATTACKER, forwarded_for=None):
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
    return client.post(
        LOGIN_URL,
        {"username": username, "password": password, "next": "/admin/"},
        REMOTE_ADDR=address,
        headers=headers,
    )


def fail_until_locked(client, username, **where):
    responses = [
        log_in(client, username, "wrong-password", **where)
        for _ in range(django_settings.AXES_FAILURE_LIMIT)
    ]
    assert [response.status_code for response in responses[:-1]] == [200] * (len(responses) - 1)
    assert responses[-1].status_code == 429
    return responses


def is_logged_in(client):
    return "_auth_user_id" in client.session


@pytest.mark.django_db
def test_the_right_password_logs_in_before_the_limit(client, publisher):
    for _ in range(django_settings.AXES_FAILURE_LIMIT - 1):
        assert log_in(client, "publisher", "wrong-password").status_code == 200
    response = log_in(client, "publisher", "publisher-password-1")
    assert response.status_code == 302
    assert response.url == "/admin/"
    assert is_logged_in(client)
    # A success clears the slate: earlier typos do not count towards a later lock-out.
    assert not AccessAttempt.objects.filter(username="publisher").exists()


@pytest.mark.django_db
def test_after_the_limit_even_the_right_password_is_refused(client, publisher):
    fail_until_locked(client, "publisher")
    response = log_in(client, "publisher", "publisher-password-1")
    assert response.status_code == 429
    assert LOCKED_OUT in response.content.decode()
    assert not is_logged_in(client)
    attempt = AccessAttempt.objects.get(username="publisher", ip_address=ATTACKER)
    assert attempt.failures_since_start >= django_settings.AXES_FAILURE_LIMIT


@pytest.mark.django_db
def test_a_spoofed_x_forwarded_for_neither_spreads_nor_resets_the_count(client, publisher):
    for attempt in range(django_settings.AXES_FAILURE_LIMIT):
        response = log_in(client, "publisher", "wrong", forwarded_for=f"198.51.100.{attempt}")
    assert response.status_code == 429
    response = log_in(client, "publisher", "publisher-password-1", forwarded_for="192.0.2.99")
    assert response.status_code == 429
    assert not is_logged_in(client)
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == [ATTACKER]


@pytest.mark.django_db
def test_behind_a_trusted_proxy_the_address_the_proxy_saw_is_locked(client, publisher, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    proxy, client_address = "10.0.0.2", "198.51.100.20"
    # Whatever the client writes to the left of the proxy's entry is ignored.
    for attempt in range(django_settings.AXES_FAILURE_LIMIT):
        response = log_in(
            client,
            "publisher",
            "wrong",
            proxy,
            forwarded_for=f"192.0.2.{attempt}, {client_address}",
        )
    assert response.status_code == 429
    forged = f"192.0.2.77, {client_address}"
    response = log_in(client, "publisher", "publisher-password-1", proxy, forwarded_for=forged)
    assert response.status_code == 429
    assert not is_logged_in(client)
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == [client_address]


@pytest.mark.parametrize(
    ("proxies", "forwarded_for", "expected"),
    [
        (0, "192.0.2.1", "10.0.0.2"),
        (1, "192.0.2.1, 198.51.100.20", "198.51.100.20"),
        (2, "192.0.2.1, 198.51.100.20, 10.0.0.1", "198.51.100.20"),
        # Fewer entries than trusted proxies: the request did not come through
        # them all, so nothing in the header is believed.
        (2, "198.51.100.20", "10.0.0.2"),
    ],
)
def test_the_locked_address_is_counted_from_the_right_past_trusted_proxies(
    rf, settings, proxies, forwarded_for, expected
):
    settings.TRUSTED_PROXY_COUNT = proxies
    request = rf.post(LOGIN_URL, REMOTE_ADDR="10.0.0.2", headers={"X-Forwarded-For": forwarded_for})
    assert client_ip(request) == expected


@pytest.mark.django_db
def test_the_lock_holds_one_username_at_one_address(client, publisher, editor):
    fail_until_locked(client, "publisher")
    # Another colleague behind the same address, and publisher from elsewhere,
    # still get in: the lock does not become a way to shut the newsroom out.
    assert log_in(client, "editor", "editor-password-1").status_code == 302
    client.logout()
    assert (
        log_in(client, "publisher", "publisher-password-1", address="192.0.2.50").status_code == 302
    )
    assert is_logged_in(client)
    assert AccessAttempt.objects.filter(username="publisher", ip_address=ATTACKER).exists()


@pytest.mark.django_db
def test_the_lock_lifts_after_the_cool_off(client, publisher):
    fail_until_locked(client, "publisher")
    cool_off = django_settings.AXES_COOLOFF_TIME
    attempt = AccessAttempt.objects.get(username="publisher")
    attempt.attempt_time -= cool_off + timedelta(minutes=1)
    attempt.save(update_fields=["attempt_time"])
    response = log_in(client, "publisher", "publisher-password-1")
    assert response.status_code == 302
    assert is_logged_in(client)
    assert not AccessAttempt.objects.filter(username="publisher").exists()


@pytest.mark.django_db
def test_logins_and_failures_are_logged_with_username_and_address(client, publisher, caplog):
    caplog.set_level("INFO", logger="axes")
    log_in(client, "publisher", "wrong-password")
    log_in(client, "publisher", "publisher-password-1")
    failures = [r.getMessage() for r in caplog.records if "login failure" in r.getMessage()]
    successes = [r.getMessage() for r in caplog.records if "Successful login" in r.getMessage()]
    assert len(failures) == 1
    assert len(successes) == 1
    for message in failures + successes:
        assert "publisher" in message
        assert ATTACKER in message
        assert "publisher-password-1" not in message
        assert "wrong-password" not in message
    assert is_logged_in(client)
    # The database keeps the same trail, readable in the admin.
    assert AccessLog.objects.filter(username="publisher", ip_address=ATTACKER).count() == 1


def throttling(result):
    values = result.values
    return [
        values["AXES_FAILURE_LIMIT"],
        values["AXES_COOLOFF_TIME"],
        values["TRUSTED_PROXY_COUNT"],
    ]


def read_throttling_settings(**environment):
    return read_settings(
        "AXES_FAILURE_LIMIT", "AXES_COOLOFF_TIME", "TRUSTED_PROXY_COUNT", **environment
    )


def test_throttling_defaults_to_five_failures_fifteen_minutes_and_no_trusted_proxy():
    result = read_throttling_settings()
    assert result.returncode == 0, result.stderr
    assert throttling(result) == [5, "0:15:00", 0]


def test_throttling_is_configured_from_the_environment():
    result = read_throttling_settings(
        AXES_FAILURE_LIMIT="3", AXES_COOLOFF_MINUTES="60", TRUSTED_PROXY_COUNT="1"
    )
    assert result.returncode == 0, result.stderr
    assert throttling(result) == [3, "1:00:00", 1]


@pytest.mark.parametrize(
    ("environment", "message"),
    [
        ({"AXES_FAILURE_LIMIT": "0"}, "AXES_FAILURE_LIMIT=0 must be at least 1"),
        ({"AXES_COOLOFF_MINUTES": "soon"}, "AXES_COOLOFF_MINUTES='soon' is not a whole number"),
        ({"TRUSTED_PROXY_COUNT": "-1"}, "TRUSTED_PROXY_COUNT=-1 must be at least 0"),
    ],
)
def test_bad_throttling_values_fail_with_a_clear_message(environment, message):
    result = read_throttling_settings(**environment)
    assert result.returncode != 0
    assert message in result.stderr


@pytest.mark.django_db
def test_the_lock_out_page_says_for_how_long_and_offers_a_way_back(client, publisher, settings):
    settings.AXES_COOLOFF_TIME = timedelta(minutes=15)
    response = fail_until_locked(client, "publisher")[-1]
    content = response.content.decode()
    assert response.status_code == 429
    assert "Wait 15 minutes" in content
    assert "<strong>publisher</strong>" in content
    assert 'href="/admin/login/"' in content
    assert 'href="/"' in content
    # The admin's own stylesheet, not a bare line of text.
    assert "admin/css/base.css" in content
    attempt = AccessAttempt.objects.get(username="publisher")
    assert attempt.failures_since_start == django_settings.AXES_FAILURE_LIMIT


def test_commands_print_no_axes_banner():
    result = run_python("manage.py", "check")
    assert result.returncode == 0, result.stderr
    assert "AXES: BEGIN" not in result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
