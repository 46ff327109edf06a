"""
A slug is a public address and a natural key: the admin asks for it when a
row is added and shows it read-only after, for every model that has one.
"""

import pytest
from django.urls import reverse

from claims.models import Affiliation, Article, Claim, Figure, Source, Topic
from tests.factories import claim_form_data, make_claim, make_source, opened_digest
from tests.figure_data import make_figure

pytestmark = pytest.mark.django_db


def change_form(client, obj):
    return client.get(reverse(f"admin:claims_{obj._meta.model_name}_change", args=[obj.pk]))


def add_form(client, model):
    return client.get(reverse(f"admin:claims_{model._meta.model_name}_add"))


@pytest.mark.parametrize(
    ("model", "make"),
    [
        (Affiliation, lambda editor: Affiliation.objects.create(name="Kremlin", slug="kremlin")),
        (Topic, lambda editor: Topic.objects.create(name="Casualties", slug="casualties")),
        (Source, lambda editor: make_source("Yonhap")),
        (Article, lambda editor: Article.objects.create(title="A report", slug="a-report")),
        (Figure, lambda editor: make_figure("Soldiers killed")),
        (Claim, lambda editor: make_claim(editor)),
    ],
)
def test_a_slug_is_asked_for_when_adding_and_read_only_after(admin_client, editor, model, make):
    assert 'name="slug"' in add_form(admin_client, model).content.decode()
    obj = make(editor)
    content = change_form(admin_client, obj).content.decode()
    assert 'name="slug"' not in content
    assert f'<div class="readonly">{obj.slug}</div>' in content
    assert model.objects.get(pk=obj.pk).slug == obj.slug


def test_a_posted_figure_slug_is_ignored_after_adding(client, editor):
    figure = make_figure("Soldiers killed")
    client.force_login(editor)
    data = {
        "name": "Soldiers killed",
        "slug": "a-new-address",
        "short_name": figure.short_name,
        "unit": figure.unit,
        "definition": "Killed in combat.",
        "estimates-TOTAL_FORMS": 0,
        "estimates-INITIAL_FORMS": 0,
        "row_digest": opened_digest(figure),
    }
    response = client.post(reverse("admin:claims_figure_change", args=[figure.pk]), data)
    assert response.status_code == 302
    stored = Figure.objects.get(pk=figure.pk)
    assert (stored.slug, stored.definition) == ("soldiers-killed", "Killed in combat.")


def test_a_posted_affiliation_slug_is_ignored_after_adding(client, admin_user):
    kremlin = Affiliation.objects.create(name="Kremlin", slug="kremlin")
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:claims_affiliation_change", args=[kremlin.pk]),
        {"name": "The Kremlin", "slug": "the-kremlin", "row_digest": opened_digest(kremlin)},
    )
    assert response.status_code == 302
    assert Affiliation.objects.get(pk=kremlin.pk).slug == "kremlin"
    assert Affiliation.objects.get(pk=kremlin.pk).name == "The Kremlin"


def test_a_posted_claim_slug_is_ignored_after_adding(client, editor):
    claim = make_claim(editor)
    client.force_login(editor)
    data = claim_form_data(claim, slug="another-address", context="Edited.")
    response = client.post(reverse("admin:claims_claim_change", args=[claim.pk]), data)
    assert response.status_code == 302
    stored = Claim.objects.get(pk=claim.pk)
    assert (stored.slug, stored.context) == (claim.slug, "Edited.")


@pytest.mark.parametrize(
    ("model", "fields", "slug"),
    [
        (Topic, {"name": "북한과 러시아"}, "bughangwa-leosia"),
        (Affiliation, {"name": "대한민국 정부"}, "daehanmingug-jeongbu"),
    ],
)
def test_a_row_named_in_korean_gets_its_address_from_its_name(admin_client, model, fields, slug):
    response = admin_client.post(
        reverse(f"admin:claims_{model._meta.model_name}_add"), {**fields, "slug": ""}
    )
    assert response.status_code == 302
    assert model.objects.get(**fields).slug == slug


def test_a_name_with_no_letter_asks_for_an_address_and_adds_nothing(admin_client):
    response = admin_client.post(reverse("admin:claims_topic_add"), {"name": "…", "slug": ""})
    assert response.status_code == 200
    assert "the name has no letter or digit to make one of" in response.content.decode()
    assert not Topic.objects.filter(name="…").exists()


@pytest.mark.parametrize("model", [Topic, Affiliation])
def test_a_name_too_long_gets_its_length_error_alone_and_adds_nothing(admin_client, model):
    rows = model.objects.count()
    response = admin_client.post(
        reverse(f"admin:claims_{model._meta.model_name}_add"), {"name": "x" * 5_000, "slug": ""}
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "(it has 5000)" in content
    assert "the name has no letter or digit" not in content
    assert model.objects.count() == rows
