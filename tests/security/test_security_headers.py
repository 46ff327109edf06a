"""Under production settings: __Host- cookies, HSTS and the other security headers.

The values come from factcheck.settings itself, loaded in a subprocess with
FACTCHECK_ENV=production, and are applied over the test settings: the tests
exercise what production runs, not a hand-copied imitation of it.
"""

import json
import os
import secrets
import subprocess
import sys

import pytest
from django.contrib.sessions.models import Session

HOST = "desk.example.org"
PRODUCTION_ENVIRONMENT = {
    "FACTCHECK_ENV": "production",
    "SECRET_KEY": secrets.token_urlsafe(64),
    "ALLOWED_HOSTS": HOST,
}
# The test database stays; static files are hashed by collectstatic at deploy
# time, which the tests do not run.
NOT_APPLIED = {"DATABASES", "STORAGES", "WHITENOISE_USE_FINDERS", "WHITENOISE_AUTOREFRESH"}
DUMP_SETTINGS = """
import json
import factcheck.settings as s
values = {}
for name in dir(s):
    if name.isupper():
        try:
            values[name] = json.loads(json.dumps(getattr(s, name)))
        except TypeError:
            pass
print(json.dumps(values))
"""


def production_process(*args):
    # Nothing the test run set for itself (the browser tests allow Django's
    # ORM inside Playwright's event loop, which the deploy check reports).
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("SECURE_", "SESSION_", "DEBUG", "TRUST_", "DJANGO_ALLOW_"))
    }
    env.update(PRODUCTION_ENVIRONMENT)
    return subprocess.run(
        [sys.executable, *args], env=env, capture_output=True, text=True, check=False
    )


@pytest.fixture(scope="session")
def production_values():
    result = production_process("-c", DUMP_SETTINGS)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture
def production(settings, production_values):
    """Apply every production value that differs from the test settings."""
    applied = {}
    for name, value in production_values.items():
        current = json.loads(json.dumps(getattr(settings, name, None), default=repr))
        if name not in NOT_APPLIED and value != current:
            setattr(settings, name, value)
            applied[name] = value
    # Guard against the fixture silently applying nothing.
    assert applied["SESSION_COOKIE_NAME"] == "__Host-sessionid"
    return applied


def get(client, url, **extra):
    return client.get(url, secure=True, headers={"host": HOST}, **extra)


def post(client, url, data):
    return client.post(url, data, secure=True, headers={"host": HOST})


def test_production_settings_pass_the_deploy_check():
    result = production_process("manage.py", "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


@pytest.mark.django_db
def test_admin_login_sets_only_host_prefixed_secure_http_only_cookies(
    production, client, publisher
):
    login_page = get(client, "/admin/login/")
    assert login_page.status_code == 200
    response = post(
        client,
        "/admin/login/",
        {"username": "publisher", "password": "publisher-password-1", "next": "/admin/"},
    )
    assert response.status_code == 302
    assert response.url == "/admin/"

    cookies = [login_page.cookies["__Host-csrftoken"], *response.cookies.values()]
    assert sorted(response.cookies) == ["__Host-csrftoken", "__Host-sessionid"]
    for cookie in cookies:
        header = cookie.output(header="")
        assert cookie["secure"] is True, header
        assert cookie["httponly"] is True, header
        assert cookie["path"] == "/", header
        assert cookie["domain"] == "", header
        assert "Domain=" not in header
        assert cookie["samesite"] == "Lax", header

    session = response.cookies["__Host-sessionid"]
    assert session["max-age"] == 8 * 60 * 60
    stored = Session.objects.get(session_key=session.value).get_decoded()
    assert stored["_auth_user_id"] == str(publisher.pk)


@pytest.mark.django_db
def test_every_response_carries_the_security_headers(production, client, publisher):
    client.force_login(publisher)
    for url in ["/admin/login/", "/admin/", "/"]:
        response = get(client, url, follow=True)
        assert response.status_code == 200, url
        hsts = dict(
            part.strip().partition("=")[::2]
            for part in response.headers["Strict-Transport-Security"].split(";")
        )
        assert int(hsts["max-age"]) >= 365 * 24 * 60 * 60
        assert {"includeSubDomains", "preload"} <= set(hsts)
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "same-origin"
        assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"
        assert response.headers["X-Frame-Options"] == "DENY"
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert Session.objects.count() == 1


@pytest.mark.django_db
def test_plain_http_is_redirected_to_https_before_anything_else(production, client):
    response = client.get("/admin/login/", headers={"host": HOST})
    assert response.status_code == 301
    assert response.url == f"https://{HOST}/admin/login/"
    assert not response.cookies
    assert not Session.objects.exists()


def test_development_keeps_plain_cookie_names(settings):
    # Browsers refuse __Host- cookies over plain http, so `make run` on a
    # laptop must not use them; production must.
    assert settings.SESSION_COOKIE_NAME == "sessionid"
    assert settings.CSRF_COOKIE_NAME == "csrftoken"
