"""
Text XML cannot carry (control characters, U+FFFE and U+FFFF, every other
noncharacter, lone surrogates) is refused wherever it is typed, with the
character named and what was typed kept; the database refuses it where it holds
the rule; the feed stays well-formed even with a row written around the forms;
and check_invariants names any stored text field holding it.
"""

import xml.etree.ElementTree as ET
from io import StringIO

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import IntegrityError, models, transaction
from django.urls import reverse

from claims.constraints import no_control_characters
from claims.invariants import find_violations
from claims.models import Claim, Correction, Estimate, Evidence, Figure, Source
from tests.factories import claim_form_data, make_published_claim, make_source, publish_draft
from tests.figure_data import make_estimate, make_figure
from tests.seed import CLAIM, SOURCE

# U+FFFE and U+FFFF break XML 1.0; the other noncharacters are refused alike.
NONCHARACTERS = ["\ufffe", "\uffff", "\ufdd0", "\ufdef", "\U0001fffe", "\U0010ffff"]
TEXT = "Cremated in Russia"


def with_character(character, text=TEXT):
    return text[:8] + character + text[8:]


def refusal(character, position=9):
    kind = "control character" if ord(character) < 0x80 else "character"
    return (
        f"Remove the invisible {kind} U+{ord(character):04X} at character {position}: "
        "text pasted from other programs sometimes carries one."
    )


def draft():
    return Claim.objects.get(slug=CLAIM.cremated)


def change_url(claim):
    return reverse("admin:claims_claim_change", args=[claim.pk])


# Typed in the admin ------------------------------------------------------------


@pytest.mark.usefixtures("template_context")
@pytest.mark.parametrize("character", [*NONCHARACTERS, "\x7f"])
def test_the_claim_form_refuses_a_headline_with_a_character_xml_cannot_carry(
    client, seed, editor, character
):
    claim = draft()
    client.force_login(editor)
    headline = with_character(character)
    response = client.post(change_url(claim), claim_form_data(claim, headline=headline))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["headline"] == [refusal(character)]
    # What was typed comes back, to be fixed rather than typed again.
    assert f'value="{headline}"' in response.content.decode()
    assert Claim.objects.get(pk=claim.pk).headline == claim.headline


@pytest.mark.parametrize(
    "field",
    ["wording", "evidence-0-title", "evidence-0-excerpt", "evidence-0-note", "evidence-0-url"],
)
def test_the_claim_form_refuses_u_ffff_in_its_text_and_its_evidence(client, seed, editor, field):
    claim = draft()
    item = claim.evidence.get()
    client.force_login(editor)
    value = "https://news.example/a\uffffb" if field.endswith("url") else with_character("\uffff")
    response = client.post(change_url(claim), claim_form_data(claim, **{field: value}))
    assert response.status_code == 200
    content = response.content.decode()
    position = 23 if field.endswith("url") else 9
    assert refusal("\uffff", position) in content
    assert value in content
    assert Claim.objects.get(pk=claim.pk).wording == claim.wording
    stored = Evidence.objects.get(pk=item.pk)
    assert (stored.title, stored.excerpt, stored.note, stored.url) == (
        item.title,
        item.excerpt,
        item.note,
        item.url,
    )


def test_a_new_caveat_with_u_fffe_is_refused(client, seed, editor):
    claim = draft()
    client.force_login(editor)
    data = claim_form_data(claim)
    index = data["caveats-TOTAL_FORMS"]
    data |= {
        "caveats-TOTAL_FORMS": index + 1,
        f"caveats-{index}-kind": "single_source",
        f"caveats-{index}-text": with_character("\ufffe"),
    }
    response = client.post(change_url(claim), data)
    assert response.status_code == 200
    assert refusal("\ufffe") in response.content.decode()
    assert not claim.caveats.filter(text__startswith="Cremated").exists()


@pytest.mark.usefixtures("template_context")
def test_the_source_form_refuses_a_name_with_u_ffff(client, seed, editor):
    client.force_login(editor)
    name = with_character("\uffff", "New agency")
    response = client.post(
        reverse("admin:claims_source_add"),
        {"name": name, "slug": "new-agency", "kind": "other", "reliability": "F"},
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["name"] == [refusal("\uffff")]
    assert f'value="{name}"' in response.content.decode()
    assert not Source.objects.filter(slug="new-agency").exists()


def test_model_validation_refuses_a_lone_surrogate(seed):
    # No browser sends one, but an import or a script can.
    claim = draft()
    claim.headline = with_character("\ud800")
    with pytest.raises(ValidationError) as refused:
        claim.full_clean()
    assert refused.value.message_dict["headline"] == [refusal("\ud800")]
    assert Claim.objects.get(pk=claim.pk).headline != claim.headline


def test_tabs_line_breaks_emoji_and_the_replacement_character_are_text(db):
    for text in ["Line one,\r\nline two,\ttabbed.", "Troops 🪖 in Kursk", "Garbled � byte", "\x85"]:
        no_control_characters(text)
    figure = make_figure(definition="Soldiers 🪖 killed,\r\n\tcounted � once.")
    figure.full_clean()
    assert Figure.objects.get(pk=figure.pk).definition == figure.definition


# Written around the forms --------------------------------------------------------


@pytest.mark.parametrize(
    ("model", "field", "value"),
    [
        (Figure, "name", "Soldiers\uffff killed"),
        (Figure, "definition", "Killed\ufffe in combat."),
        (Estimate, "excerpt", "about 600\U0001ffff killed"),
        (Estimate, "note", "hidden\x7f"),
        (Estimate, "note", "hidden\ufdd0"),
    ],
)
def test_the_database_refuses_figure_text_xml_cannot_carry(db, model, field, value):
    estimate = make_estimate(make_figure())
    row = estimate if model is Estimate else estimate.figure
    with pytest.raises(IntegrityError), transaction.atomic():
        model.objects.filter(pk=row.pk).update(**{field: value})
    assert getattr(model.objects.get(pk=row.pk), field) == getattr(row, field)


def test_the_feed_stays_well_formed_with_noncharacters_written_around_the_forms(client, editor):
    claim = make_published_claim(
        editor,
        headline="Troops\uffff in \ufffeKursk",
        verdict_summary="Confirmed\U0001ffff twice.\ufdd0",
    )
    Correction.objects.create(claim=claim, note="Fixed\uffff a date.")
    # Readers see the correction once a revision publishes it.
    publish_draft(claim, editor)
    response = client.get("/feed/")
    assert response.status_code == 200
    root = ET.fromstring(response.content)  # noqa: S314 (our own output)
    texts = " ".join(element.text or "" for element in root.iter())
    assert "Unverified: Troops in Kursk" in texts
    assert "Confirmed twice." in texts
    assert "Fixed a date." in texts
    assert "\uffff" not in response.content.decode()
    assert Claim.objects.get(pk=claim.pk).headline == "Troops\uffff in \ufffeKursk"


def test_check_invariants_names_a_headline_with_u_ffff_written_around_the_forms(seed):
    Claim.objects.filter(slug=CLAIM.cremated).update(headline="Dead\uffff, cremated")
    Source.objects.filter(slug=SOURCE.nis).update(country="South\ufffe Korea")
    errors = StringIO()
    with pytest.raises(CommandError, match="2 invariant violations"):
        call_command("check_invariants", stderr=errors)
    assert sorted(errors.getvalue().splitlines()) == [
        f"claims.Claim {CLAIM.cremated}: Its headline holds the invisible character "
        "U+FFFF at character 5, which no stored text may hold.",
        f"claims.Source {SOURCE.nis}: Its country holds the invisible character U+FFFE "
        "at character 6, which no stored text may hold.",
    ]
    assert Claim.objects.get(slug=CLAIM.cremated).headline == "Dead\uffff, cremated"


class RolledBack(Exception):
    pass


def stored_text_fields():
    for model in apps.get_app_config("claims").get_models():
        for field in model._meta.fields:
            if isinstance(field, models.CharField | models.TextField):
                yield model, field


def test_every_text_field_people_type_into_refuses_what_xml_cannot_carry():
    typed = [
        (model, field)
        for model, field in stored_text_fields()
        if field.editable
        and not field.choices
        and not isinstance(field, models.SlugField)
        and model._meta.model_name != "contentversion"
    ]
    assert len(typed) >= 30
    for model, field in typed:
        assert no_control_characters in field.validators, (model, field.name)


def test_check_invariants_sees_the_rule_on_every_stored_text_field(seed):
    make_estimate(Figure.objects.first() or make_figure(), make_source("Kyiv"))
    checked = refused_by_the_database = 0
    for model, field in stored_text_fields():
        row = model._base_manager.order_by("pk").first()
        if row is None:
            continue
        kept = getattr(row, field.attname) or ""
        value = kept[: (field.max_length or 100) - 1] + "\uffff"
        try:
            with transaction.atomic():
                model._base_manager.filter(pk=row.pk).update(**{field.name: value})
                rules = [v.rule for v in find_violations() if "U+FFFF" in v.rule]
                assert rules, (model, field.name)
                assert str(field.verbose_name) in rules[0]
                checked += 1
                raise RolledBack
        except IntegrityError:
            # The database holds the rule itself (or its choices), before any check.
            refused_by_the_database += 1
        except RolledBack:
            pass
        assert getattr(model._base_manager.get(pk=row.pk), field.attname) == kept
    assert checked >= 30
    assert refused_by_the_database >= 4
