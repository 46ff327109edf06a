"""
The page cache never serves a page readers should no longer see: the content
version lives in the database, changes with the change itself, and is read
before every cached page is served. (tests/test_takedown_multiprocess.py runs
the same against real gunicorn workers.)
"""

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import transaction
from django.test import RequestFactory
from django.urls import reverse

from claims.caching import current_versions, page_cache_key
from claims.models import Claim
from tests.factories import page_text, publish_changes
from tests.seed import CLAIM

KURSK = f"/claims/{CLAIM.kursk}/"


@pytest.fixture
def publisher(seed):
    return get_user_model().objects.get(username="reviewer")


def kursk():
    return Claim.objects.get(slug=CLAIM.kursk)


def unpublish(claim, publisher):
    claim.unpublish(by=publisher, note="Pulled on lawyer advice.", public_note="Withdrawn.")


def test_the_content_version_changes_with_the_change_or_not_at_all(seed, page_cache, publisher):
    before = current_versions(KURSK)
    with pytest.raises(RuntimeError), transaction.atomic():
        unpublish(kursk(), publisher)
        assert current_versions(KURSK) != before  # inside the transaction, with the change
        raise RuntimeError("the change fails after the step")
    assert current_versions(KURSK) == before
    assert kursk().is_published
    unpublish(kursk(), publisher)
    assert current_versions(KURSK) != before
    assert not kursk().is_published


def test_a_takedown_while_the_cache_is_down_holds_when_it_returns(
    seed, client, page_cache, publisher, monkeypatch
):
    assert client.get(KURSK).status_code == 200
    key = page_cache_key(RequestFactory().get(KURSK))

    def unreachable(*args, **kwargs):
        raise ConnectionError("the cache is down")

    with monkeypatch.context() as outage:
        for method in ["get", "set", "get_many", "add", "delete"]:
            outage.setattr(cache, method, unreachable)
        unpublish(kursk(), publisher)
        assert client.get(KURSK).status_code == 410
    # Back, with the old page still in it (as Redis keeps its data).
    assert cache.get(key)["body"]
    assert [client.get(KURSK).status_code for _ in range(3)] == [410] * 3
    assert not kursk().is_published


def test_unknown_query_parameters_share_one_cached_page(seed, client, page_cache):
    client.get("/?verdict=corroborated")
    key = page_cache_key(RequestFactory().get("/?verdict=corroborated"))
    for noisy in [
        "/?verdict=corroborated&utm_source=a",
        "/?utm_source=b&verdict=corroborated",
        "/?verdict=unverified&verdict=corroborated&page=",
    ]:
        response = client.get(noisy)
        assert response.status_code == 200
        assert "utm_source" not in response.content.decode()
    stored = [name for name in cache._cache if "public-page" in name]
    assert len(stored) == 1
    assert cache.get(key) is not None
    assert Claim.objects.published().rated_as("corroborated").count() == 1


def test_a_page_never_echoes_a_parameter_it_does_not_read(seed, client, page_cache):
    response = client.get("/?utm_campaign=%3Cscript%3E&verdict=corroborated")
    content = response.content.decode()
    assert "utm_campaign" not in content
    assert ">Clear</a>" in content  # verdict is a parameter the list reads
    assert "utm_campaign" not in client.get("/", headers={"HX-Request": "true"}).content.decode()
    assert Claim.objects.published().count() == 4


@pytest.mark.usefixtures("template_context")
def test_a_staff_name_change_shows_with_the_next_published_revision(
    seed, client, page_cache, publisher
):
    assert "Corroborated by Daniel" in page_text(client.get(KURSK))
    root = get_user_model().objects.create_superuser("root", password="root-password-1")
    reviewer = get_user_model().objects.get(username="reviewer")
    client.force_login(root)
    url = reverse("admin:auth_user_change", args=[reviewer.pk])
    form = client.get(url).context["adminform"].form
    data = {name: form[name].value() for name in form.fields if name != "password"}
    data = {name: "" if value is None else value for name, value in data.items() if value != []}
    data |= {"first_name": "Femi", "date_joined_0": "2026-11-01", "date_joined_1": "09:00:00"}
    data |= {"groups": [group.pk for group in reviewer.groups.all()]}
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    client.logout()
    # The timeline names each step's actor as the revision published it.
    assert "Corroborated by Daniel" in page_text(client.get(KURSK))
    claim = kursk()
    claim.context = "Both governments had denied it for months."
    claim.save()
    publish_changes(claim, publisher, "We added what both governments had said.")
    assert "Corroborated by Femi" in page_text(client.get(KURSK))
    assert get_user_model().objects.get(pk=reviewer.pk).first_name == "Femi"
