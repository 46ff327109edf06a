"""Bad input gets a clear error, never a 500, and loses nothing: control
characters, oversized pastes; the last caveat of a published claim stays
with readers."""

import xml.etree.ElementTree as ET

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import IntegrityError, close_old_connections, connection, models, transaction
from django.urls import reverse

from claims.constraints import no_control_characters
from claims.models import Caveat, Claim, Correction
from claims.workflow import WorkflowError
from tests.factories import (
    as_post_data,
    claim_form_data,
    make_claim,
    make_published_claim,
    page_text,
    publish_draft,
    submitted_fields,
)
from tests.seed import CLAIM

HUNDRED_KB = "The NIS says so. " * 6_024  # 102,408 characters


@pytest.fixture
def editor(seed):
    return get_user_model().objects.get(username="editor")


@pytest.fixture
def publisher(seed):
    return get_user_model().objects.get(username="reviewer")


def change_url(claim):
    return reverse("admin:claims_claim_change", args=[claim.pk])


def draft():
    return Claim.objects.get(slug=CLAIM.cremated)


# Control characters ------------------------------------------------------------


@pytest.mark.usefixtures("template_context")
@pytest.mark.parametrize("character", ["\x00", "\x01", "\x07", "\x1b", "\x1f", "\x0b"])
def test_the_claim_form_refuses_a_control_character(client, editor, character):
    claim = draft()
    client.force_login(editor)
    response = client.post(
        change_url(claim), claim_form_data(claim, wording=f"Cremated{character} in Russia.")
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    if character == "\x00":
        # Django's own form field refuses NUL first, in its own words.
        assert errors["wording"] == ["Null characters are not allowed."]
    else:
        assert errors["wording"] == [
            f"Remove the invisible control character U+{ord(character):04X} at character 9: "
            "text pasted from other programs sometimes carries one."
        ]
    # What was typed comes back, to be fixed rather than typed again.
    assert "Cremated" in response.content.decode()
    assert Claim.objects.get(pk=claim.pk).wording == claim.wording


def test_tabs_and_line_breaks_are_text(client, editor):
    claim = draft()
    client.force_login(editor)
    wording = "First line,\r\nsecond line,\tindented."
    response = client.post(change_url(claim), claim_form_data(claim, wording=wording))
    assert response.status_code == 302
    assert Claim.objects.get(pk=claim.pk).wording == wording


def test_an_evidence_excerpt_with_a_control_character_is_refused(client, editor):
    claim = draft()
    client.force_login(editor)
    item = claim.evidence.get()
    data = claim_form_data(claim, **{"evidence-0-excerpt": "Cremated\x08 in Russia"})
    response = client.post(change_url(claim), data)
    assert response.status_code == 200
    assert "control character U+0008" in response.content.decode()
    assert claim.evidence.get().excerpt == item.excerpt


def test_model_validation_refuses_control_characters(editor):
    claim = make_claim(editor, headline="Fine\x02headline")
    with pytest.raises(ValidationError) as refused:
        claim.full_clean()
    assert "U+0002" in refused.value.message_dict["headline"][0]
    assert Claim.objects.get(pk=claim.pk).headline == "Fine\x02headline"  # only the ORM let it in


def test_a_workflow_note_with_a_control_character_is_refused(publisher):
    claim = Claim.objects.get(slug=CLAIM.kursk)
    with pytest.raises(WorkflowError) as refused:
        claim.reopen(by=publisher, note="Tip\x01", public_note="Checking again.")
    assert refused.value.messages == [
        "Internal note: Remove the invisible control character U+0001 at character 4: "
        "text pasted from other programs sometimes carries one."
    ]
    stored = Claim.objects.get(pk=claim.pk)
    assert (stored.status, stored.version) == ("corroborated", claim.version)


def test_publish_changes_refuses_a_control_character_in_the_edits_sent_with_it(client, publisher):
    claim = Claim.objects.get(slug=CLAIM.kursk)
    shown = claim.current_revision()
    client.force_login(publisher)
    data = claim_form_data(
        claim,
        headline="Troops\x1b in Kursk",
        workflow_public_note="Shorter.",
        _workflow_action="publish_changes",
    )
    response = client.post(change_url(claim), data)
    assert response.status_code == 200
    assert "control character U+001B" in response.content.decode()
    stored = Claim.objects.get(pk=claim.pk)
    assert stored.headline == claim.headline
    assert stored.current_revision() == shown


def test_the_feed_strips_control_characters_rather_than_fail(client, editor):
    # Rows written around validation (an old import, a hand edit).
    claim = make_published_claim(
        editor, headline="Troops\x01 in Kursk", verdict_summary="Confirmed\x0b twice.\x02"
    )
    Correction.objects.create(claim=claim, note="Fixed\x1f a date.")
    # Readers see the correction once a revision publishes it.
    publish_draft(claim, editor)
    response = client.get("/feed/")
    assert response.status_code == 200
    root = ET.fromstring(response.content)  # noqa: S314 (our own output)
    texts = " ".join(element.text or "" for element in root.iter())
    assert "Unverified: Troops in Kursk" in texts
    assert "Confirmed twice." in texts
    assert "Fixed a date." in texts
    assert Claim.objects.get(pk=claim.pk).headline == "Troops\x01 in Kursk"


def test_a_search_with_a_control_character_is_ignored_not_an_error(seed, client):
    response = client.get("/", {"q": "troops\x00"})
    assert response.status_code == 200
    assert "It was ignored" in page_text(response)
    assert "4 verdicts" in page_text(response)
    assert Claim.objects.published().count() == 4


# Sizes ---------------------------------------------------------------------


def long_text_fields():
    """Every text field anyone types into (not one the code derives: a search text)."""
    for model in apps.get_app_config("claims").get_models():
        for field in model._meta.fields:
            if isinstance(field, models.TextField) and field.editable:
                yield model, field


def test_every_long_text_field_has_a_limit_in_forms_and_in_the_database():
    fields = list(long_text_fields())
    assert len(fields) >= 10
    for model, field in fields:
        limits = [v.limit_value for v in field.validators if isinstance(v, MaxLengthValidator)]
        assert limits, (model, field.name)
        assert no_control_characters in field.validators, (model, field.name)
        assert f"At most {limits[0]:,} characters." in field.help_text, (model, field.name)
        names = {constraint.name for constraint in model._meta.constraints}
        assert f"claims_{model._meta.model_name}_{field.name}_length" in names


@pytest.mark.usefixtures("template_context")
def test_a_100_kb_summary_is_refused_with_the_limit_stated(client, editor):
    claim = draft()
    client.force_login(editor)
    response = client.post(change_url(claim), claim_form_data(claim, verdict_summary=HUNDRED_KB))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["verdict_summary"] == [
        f"Ensure this value has at most 3000 characters (it has {len(HUNDRED_KB.strip())})."
    ]
    # No maxlength attribute, which would have cut the paste silently.
    assert 'maxlength="3000"' not in response.content.decode()
    assert Claim.objects.get(pk=claim.pk).verdict_summary == claim.verdict_summary


def test_a_100_kb_summary_is_refused_with_publish_changes_too(client, publisher):
    claim = Claim.objects.get(slug=CLAIM.kursk)
    shown = claim.current_revision()
    client.force_login(publisher)
    data = claim_form_data(
        claim,
        verdict_summary=HUNDRED_KB,
        workflow_public_note="Longer.",
        _workflow_action="publish_changes",
    )
    response = client.post(change_url(claim), data)
    assert response.status_code == 200
    assert "Ensure this value has at most 3000 characters" in response.content.decode()
    assert "Nothing was changed. Correct this, then try again." in response.content.decode()
    stored = Claim.objects.get(pk=claim.pk)
    assert stored.verdict_summary == claim.verdict_summary
    assert stored.current_revision() == shown


def test_a_100_kb_public_note_is_refused_by_publish_changes(publisher):
    claim = Claim.objects.get(slug=CLAIM.kursk)
    Claim.objects.filter(pk=claim.pk).update(context="A new context.")
    shown = claim.current_revision()
    with pytest.raises(WorkflowError, match="at most 2000 characters"):
        claim.transition("publish_changes", by=publisher, public_note=HUNDRED_KB)
    stored = Claim.objects.get(pk=claim.pk)
    assert stored.current_revision() == shown
    assert stored.corrections.count() == claim.corrections.count()


def test_a_100_kb_public_note_is_refused(publisher):
    claim = Claim.objects.get(slug=CLAIM.kursk)
    with pytest.raises(WorkflowError, match="at most 2000 characters"):
        claim.reopen(by=publisher, note="Checking.", public_note=HUNDRED_KB)
    assert Claim.objects.get(pk=claim.pk).status == "corroborated"


def test_the_database_refuses_an_oversized_summary_written_around_validation(seed):
    with pytest.raises(IntegrityError), transaction.atomic():
        Claim.objects.filter(slug=CLAIM.casualties).update(verdict_summary=HUNDRED_KB)
    assert len(Claim.objects.get(slug=CLAIM.casualties).verdict_summary) < 3_000


# The last caveat ------------------------------------------------------------------


def test_every_caveat_of_a_published_unverified_claim_deleted_is_a_draft_readers_never_get(
    client, editor, publisher
):
    claim = Claim.objects.get(slug=CLAIM.casualties)
    shown = claim.current_revision()
    data = claim_form_data(claim)
    for index in range(claim.caveats.count()):
        data[f"caveats-{index}-DELETE"] = "on"
    client.force_login(editor)
    assert client.post(change_url(claim), data).status_code == 302
    assert not claim.caveats.exists()
    client.force_login(publisher)
    stored = Claim.objects.get(pk=claim.pk)
    data = as_post_data(
        submitted_fields(client.get(change_url(stored)), "claim_form"),
        workflow_public_note="No caveats.",
        _workflow_action="publish_changes",
    )
    response = client.post(change_url(stored), data)
    assert response.status_code == 200
    assert "You made some of these changes" not in page_text(response)
    assert (
        "Nothing was changed. An unverified claim can be published only with at least one "
        "caveat saying what we don't know."
    ) in page_text(response)
    stored = Claim.objects.get(pk=claim.pk)
    assert stored.current_revision() == shown
    assert shown.document["caveats"]


def test_the_last_caveat_can_be_replaced_in_one_save(client, editor):
    claim = Claim.objects.get(slug=CLAIM.deaths)
    data = claim_form_data(claim)
    count = claim.caveats.count()
    for index in range(count):
        data[f"caveats-{index}-DELETE"] = "on"
    data |= {
        "caveats-TOTAL_FORMS": count + 1,
        f"caveats-{count}-kind": "single_source",
        f"caveats-{count}-text": "Only the NIS has counted.",
    }
    client.force_login(editor)
    response = client.post(change_url(claim), data)
    assert response.status_code == 302
    assert list(claim.caveats.values_list("text", flat=True)) == ["Only the NIS has counted."]


def test_an_unpublished_claim_may_lose_all_its_caveats(client, editor):
    claim = draft()
    Caveat.objects.create(claim=claim, kind="single_source", text="Only the NIS says so.")
    data = claim_form_data(claim)
    for index in range(claim.caveats.count()):
        data[f"caveats-{index}-DELETE"] = "on"
    client.force_login(editor)
    assert client.post(change_url(claim), data).status_code == 302
    assert not Caveat.objects.filter(claim=claim).exists()


# Connections ---------------------------------------------------------------------


def test_dropped_database_connections_are_replaced_not_an_error(settings):
    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True
    assert settings.DATABASES["default"]["CONN_MAX_AGE"] >= 0


@pytest.mark.django_db(transaction=True)
def test_a_request_after_the_database_dropped_the_connection_succeeds(client, editor):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite opens a connection per request (CONN_MAX_AGE 0): nothing to drop")
    import psycopg

    make_published_claim(editor, slug="kept", verdict_summary="Kept.")
    assert client.get("/claims/kept/").status_code == 200
    connection.ensure_connection()
    pid = connection.connection.info.backend_pid
    try:
        with psycopg.connect(
            f"host={connection.settings_dict['HOST']} port={connection.settings_dict['PORT']} "
            f"user={connection.settings_dict['USER']} dbname=postgres",
            autocommit=True,
        ) as admin:
            admin.execute("SELECT pg_terminate_backend(%s)", [pid])
        # What every request starts with in production; the test client skips it.
        close_old_connections()
        assert client.get("/claims/kept/").status_code == 200
        assert connection.connection.info.backend_pid != pid
    finally:
        connection.close()
    assert Claim.objects.filter(slug="kept", is_published=True).exists()
