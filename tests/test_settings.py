"""Settings come from the environment and refuse bad values loudly."""

import os
import subprocess
import sys

import pytest


def load_settings(**environment):
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DEBUG", "SECRET_KEY", "DATABASE_URL", "FACTCHECK_ENV", "ALLOWED_HOSTS"}
    }
    env.update(environment)
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import factcheck.settings as s; print(s.DEBUG, s.DATABASES['default']['ENGINE'])",
        ],
        env=env,
        capture_output=True,
        text=True,
    )


def test_debug_is_off_unless_asked_for():
    result = load_settings()
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "django.db.backends.sqlite3"]


def test_postgres_when_database_url_is_set():
    result = load_settings(DATABASE_URL="postgres://postgres@127.0.0.1:5432/x")
    assert result.stdout.split() == ["False", "django.db.backends.postgresql"]


@pytest.mark.parametrize(
    ("environment", "message"),
    [
        ({"DEBUG": "maybe"}, "DEBUG='maybe' is not a boolean"),
        ({"FACTCHECK_ENV": "staging"}, "FACTCHECK_ENV='staging' is not one of"),
        ({"FACTCHECK_ENV": "production", "ALLOWED_HOSTS": "x.org"}, "SECRET_KEY must be set"),
        ({"DATABASE_URL": "mysql://root@localhost/x"}, "PostgreSQL or SQLite"),
        ({"PUBLIC_CACHE_SECONDS": "soon"}, "PUBLIC_CACHE_SECONDS='soon' is not a whole number"),
        (
            {"NEWSROOM_CONTACT_EMAIL": "https://example.org/contact"},
            "NEWSROOM_CONTACT_EMAIL='https://example.org/contact' is not an email address",
        ),
    ],
)
def test_bad_values_fail_with_a_clear_message(environment, message):
    result = load_settings(**environment)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr
