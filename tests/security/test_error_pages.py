"""With DEBUG off, a failing view shows a generic page and keeps the details in the log."""

import pytest
from django.contrib.sessions.models import Session
from django.test import Client

from tests.urls import SECRET_DETAIL


@pytest.mark.urls("tests.urls")
@pytest.mark.django_db
def test_a_failing_view_shows_the_generic_500_page(settings, caplog):
    assert settings.DEBUG is False
    client = Client(raise_request_exception=False)
    response = client.get("/test-only/broken/")
    assert response.status_code == 500
    body = response.content.decode()
    assert "Something went wrong on our side" in body
    for leak in [SECRET_DETAIL, "Traceback", "RuntimeError", settings.SECRET_KEY, "DATABASES"]:
        assert leak not in body
    assert "Content-Security-Policy" in response.headers
    # The operator still gets the whole story, in the log.
    logged = [record for record in caplog.records if record.name == "django.request"]
    assert len(logged) == 1
    assert SECRET_DETAIL in str(logged[0].exc_info[1])
    assert not Session.objects.exists()
