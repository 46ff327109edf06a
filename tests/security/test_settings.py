"""Settings come from the environment and refuse bad values loudly."""

import pytest

from tests.factories import read_settings


def engine_and_debug(result):
    return result.values["DATABASES"]["default"]["ENGINE"], result.values["DEBUG"]


def test_debug_is_off_unless_asked_for():
    result = read_settings("DEBUG", "DATABASES")
    assert result.returncode == 0, result.stderr
    assert engine_and_debug(result) == ("django.db.backends.sqlite3", False)


def test_postgres_when_database_url_is_set():
    result = read_settings(
        "DEBUG", "DATABASES", DATABASE_URL="postgres://postgres@127.0.0.1:5432/x"
    )
    assert result.returncode == 0, result.stderr
    assert engine_and_debug(result) == ("django.db.backends.postgresql", False)


@pytest.mark.parametrize(
    ("environment", "message"),
    [
        ({"DEBUG": "maybe"}, "DEBUG='maybe' is not a boolean"),
        ({"FACTCHECK_ENV": "staging"}, "FACTCHECK_ENV='staging' is not one of"),
        ({"FACTCHECK_ENV": "production", "ALLOWED_HOSTS": "x.org"}, "SECRET_KEY must be set"),
        ({"DATABASE_URL": "mysql://root@localhost/x"}, "PostgreSQL or SQLite"),
        ({"PUBLIC_CACHE_SECONDS": "soon"}, "PUBLIC_CACHE_SECONDS='soon' is not a whole number"),
        ({"FACTCHECK_BENCHMARK": "maybe"}, "FACTCHECK_BENCHMARK='maybe' is not a boolean"),
        ({"NEWSROOM_TIME_ZONE": "Seoul"}, "NEWSROOM_TIME_ZONE='Seoul' is not a time zone"),
        (
            {"REDIS_URL": "redis://127.0.0.1:6379/3", "REDIS_TIMEOUT": "soon"},
            "REDIS_TIMEOUT='soon' is not a number of seconds",
        ),
        (
            {"REDIS_URL": "redis://127.0.0.1:6379/3", "REDIS_CONNECT_TIMEOUT": "0"},
            "REDIS_CONNECT_TIMEOUT='0' must be between 0.01 and 30 seconds",
        ),
        (
            {"NEWSROOM_CONTACT_EMAIL": "https://example.org/contact"},
            "NEWSROOM_CONTACT_EMAIL='https://example.org/contact' is not an email address",
        ),
    ],
)
def test_bad_values_fail_with_a_clear_message(environment, message):
    result = read_settings(**environment)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr


def test_times_are_shown_in_the_newsrooms_zone_utc_unless_told():
    assert read_settings("TIME_ZONE").values == {"TIME_ZONE": "UTC"}
    seoul = read_settings("TIME_ZONE", NEWSROOM_TIME_ZONE="Asia/Seoul")
    assert seoul.values == {"TIME_ZONE": "Asia/Seoul"}


def test_every_redis_call_has_short_timeouts_unless_told_otherwise():
    options = read_settings("CACHES", REDIS_URL="redis://127.0.0.1:6379/3").values["CACHES"][
        "default"
    ]["OPTIONS"]
    assert options == {
        "socket_connect_timeout": 0.5,
        "socket_timeout": 0.5,
        "unreachable_pause": 5,
    }
    slower = read_settings(
        "CACHES",
        REDIS_URL="redis://127.0.0.1:6379/3",
        REDIS_TIMEOUT="2",
        REDIS_CONNECT_TIMEOUT="1.5",
        REDIS_RETRY_AFTER="30",
    )
    assert slower.values["CACHES"]["default"]["OPTIONS"] == {
        "socket_connect_timeout": 1.5,
        "socket_timeout": 2.0,
        "unreachable_pause": 30.0,
    }
