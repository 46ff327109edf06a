"""Under production settings: __Host- cookies, HSTS and the other security headers.

The values come from factcheck.settings itself, loaded in a subprocess with
FACTCHECK_ENV=production, and are applied over the test settings: the tests
exercise what production runs, not a hand-copied imitation of it.
"""

import json
import secrets

import pytest
from django.contrib.sessions.models import Session

from tests.factories import json_value, read_settings, run_python

HOST = "desk.example.org"
PRODUCTION_ENVIRONMENT = {
    "FACTCHECK_ENV": "production",
    "SECRET_KEY": secrets.token_urlsafe(64),
    "ALLOWED_HOSTS": HOST,
}
# The test database stays; static files are hashed by collectstatic at deploy
# time, which the tests do not run.
NOT_APPLIED = {"DATABASES", "STORAGES", "WHITENOISE_USE_FINDERS", "WHITENOISE_AUTOREFRESH"}


def carried_by_json(value):
    try:
        json.dumps(value)
    except TypeError:
        return False
    return True


@pytest.fixture(scope="session")
def production_values():
    result = read_settings(**PRODUCTION_ENVIRONMENT)
    assert result.returncode == 0, result.stderr
    return result.values


@pytest.fixture
def production(settings, production_values):
    """Apply every production value that differs from the test settings."""
    applied = {}
    for name, value in production_values.items():
        current = getattr(settings, name, None)
        if name in NOT_APPLIED or json_value(current) == value:
            continue
        # What JSON cannot carry (durations, paths) comes back as text, which
        # cannot be applied: such a setting must not differ.
        assert carried_by_json(current), f"Production's {name} differs and cannot be applied."
        setattr(settings, name, value)
        applied[name] = value
    # Guard against the fixture silently applying nothing.
    assert applied["SESSION_COOKIE_NAME"] == "__Host-sessionid"
    return applied


def get(client, url, **extra):
    return client.get(url, secure=True, headers={"host": HOST}, **extra)


def post(client, url, data):
    return client.post(url, data, secure=True, headers={"host": HOST})


@pytest.mark.processes
def test_production_settings_pass_the_deploy_check():
    result = run_python(
        "manage.py", "check", "--deploy", "--fail-level", "WARNING", **PRODUCTION_ENVIRONMENT
    )
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
