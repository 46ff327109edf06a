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
