"""Staff see a claim's draft as readers would see it published, under a banner; nobody else does."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from claims.models import Claim
from tests.factories import page_text
from tests.seed import CLAIM

PREVIEW = f"/claims/{CLAIM.cremated}/preview/"


@pytest.fixture
def editor(seed):
    return get_user_model().objects.get(username="editor")


def draft():
    return Claim.objects.get(slug=CLAIM.cremated)


def test_view_on_site_of_an_unpublished_claim_opens_the_preview(client, editor):
    client.force_login(editor)
    content = client.get(reverse("admin:claims_claim_change", args=[draft().pk])).content
    assert f'href="{PREVIEW}"'.encode() in content
    kursk = Claim.objects.get(slug=CLAIM.kursk)
    content = client.get(reverse("admin:claims_claim_change", args=[kursk.pk])).content
    assert f'href="/claims/{CLAIM.kursk}/"'.encode() in content


def test_staff_see_the_public_template_under_a_preview_banner(client, editor):
    client.force_login(editor)
    response = client.get(PREVIEW)
    content = response.content.decode()
    text = page_text(response)
    assert response.status_code == 200
    assert text.count("Preview of the draft: not published.") == 1
    assert draft().headline in text
    assert "What we don't know" in text
    assert '<meta name="robots" content="noindex, nofollow">' in content
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert "application/ld+json" not in content
    assert 'rel="canonical"' not in content
    assert not draft().is_published


def test_the_preview_is_never_cached(client, editor, page_cache):
    client.force_login(editor)
    first = client.get(PREVIEW)
    cache_control = {part.strip() for part in first["Cache-Control"].split(",")}
    assert {"no-cache", "no-store", "private"} <= cache_control
    assert "ETag" not in first.headers
    # Around the models' signals, which would retire a cached page: the
    # preview must show the change without any cache being told of it.
    Claim.objects.filter(slug=CLAIM.cremated).update(headline="Remains were cremated before return")
    assert "Remains were cremated before return" in page_text(client.get(PREVIEW))
    # The public address still answers 404, whoever asks.
    assert client.get(f"/claims/{CLAIM.cremated}/").status_code == 404
    assert not [key for key in page_cache._cache if "public-page" in key]


@pytest.mark.parametrize("who", ["anonymous", "staff without permission", "not staff"])
def test_anyone_else_gets_404(client, seed, django_user_model, who):
    if who != "anonymous":
        user = django_user_model.objects.create_user(
            username="someone", password="someone-password-1", is_staff=who != "not staff"
        )
        if who == "not staff":
            editors = get_user_model().objects.get(username="editor").groups.get()
            user.user_permissions.add(*editors.permissions.all())
        client.force_login(user)
    response = client.get(PREVIEW)
    assert response.status_code == 404
    assert "cremated" not in response.content.decode()
    assert not draft().is_published


def test_the_preview_of_a_published_claim_shows_its_draft_not_what_readers_see(client, editor):
    kursk = Claim.objects.get(slug=CLAIM.kursk)
    kursk.context = "A draft context nobody has published."
    kursk.save()
    client.force_login(editor)
    response = client.get(f"/claims/{CLAIM.kursk}/preview/")
    text = page_text(response)
    assert response.status_code == 200
    assert "A draft context nobody has published." in text
    assert "until then they see the published version" in text
    assert "application/ld+json" not in response.content.decode()
    client.logout()
    assert "A draft context nobody has published." not in page_text(
        client.get(f"/claims/{CLAIM.kursk}/")
    )
    assert Claim.objects.get(slug=CLAIM.kursk).is_published


def test_there_is_no_preview_of_a_claim_that_does_not_exist(client, editor):
    client.force_login(editor)
    assert client.get("/claims/no-such-claim/preview/").status_code == 404
    assert not Claim.objects.filter(slug="no-such-claim").exists()
