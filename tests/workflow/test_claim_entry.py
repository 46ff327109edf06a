"""
Entering a claim in the admin is fast: evidence rows name new sources by
typing them, every foreign key is an autocomplete, new rows start with
sensible defaults, and the claim list fits a laptop screen.
"""

import pytest
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.forms import ModelChoiceField
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from claims.admin_forms import ReadableChoicesMixin
from claims.models import Claim, Evidence, Source
from tests.factories import claim_form_data, make_claim, make_source, page_text

ADD_URL = reverse("admin:claims_claim_add")


def new_claim(claimant, *evidence, **fields):
    """The add form as posted: one claim and its evidence rows, no caveat."""
    data = {
        "headline": "Seoul says Pyongyang sent more troops",
        "slug": "",
        "wording": "North Korea has sent another 3,000 soldiers to Russia.",
        "claimant": claimant.pk,
        "caveats-TOTAL_FORMS": 0,
        "caveats-INITIAL_FORMS": 0,
        "evidence-TOTAL_FORMS": len(evidence),
        "evidence-INITIAL_FORMS": 0,
        **fields,
    }
    for index, row in enumerate(evidence):
        row = {"stance": "supports", "credibility": 2, "source": "", **row}
        data.update({f"evidence-{index}-{name}": value for name, value in row.items()})
    return data


@pytest.fixture
def nis(db):
    return make_source("National Intelligence Service", slug="nis")


def test_an_evidence_row_adds_a_source_typed_by_name(editor, client, nis):
    client.force_login(editor)
    response = client.post(
        ADD_URL,
        new_claim(
            nis,
            {"new_source": "  Yonhap   News Agency ", "title": "Yonhap relays the briefing"},
            {"source": nis.pk, "title": "The briefing"},
        ),
        follow=True,
    )
    assert response.status_code == 200
    yonhap = Source.objects.get(slug="yonhap-news-agency")
    assert (yonhap.name, yonhap.kind, yonhap.reliability, yonhap.affiliation) == (
        "Yonhap News Agency",
        "other",
        "F",
        None,
    )
    claim = Claim.objects.get(headline="Seoul says Pyongyang sent more troops")
    assert claim.evidence.get(title="Yonhap relays the briefing").source == yonhap
    assert claim.evidence.get(title="The briefing").added_by == editor
    text = page_text(response)
    assert "New sources: Yonhap News Agency. Set their grade and affiliation" in text
    source_url = reverse("admin:claims_source_change", args=[yonhap.pk])
    assert f'<a href="{source_url}">Yonhap News Agency</a>' in response.content.decode()


def test_the_slug_is_made_from_the_headline_when_left_empty(editor, client, nis):
    client.force_login(editor)
    response = client.post(ADD_URL, new_claim(nis, {"source": nis.pk, "title": "Briefing"}))
    assert response.status_code == 302
    assert Claim.objects.get().slug == "seoul-says-pyongyang-sent-more-troops"


def test_a_korean_headline_gives_a_romanised_address(editor, client, nis):
    client.force_login(editor)
    response = client.post(
        ADD_URL,
        new_claim(
            nis, {"source": nis.pk, "title": "Briefing"}, headline="북한 동조자가 많다는 주장"
        ),
    )
    assert response.status_code == 302
    assert Claim.objects.get().slug == "bughan-dongjojaga-manhdaneun-jujang"


def test_a_headline_whose_address_is_taken_gets_the_next_number(editor, client, nis):
    make_claim(editor, slug="seoul-says-pyongyang-sent-more-troops")
    make_claim(editor, slug="seoul-says-pyongyang-sent-more-troops-2")
    client.force_login(editor)
    response = client.post(ADD_URL, new_claim(nis, {"source": nis.pk, "title": "Briefing"}))
    assert response.status_code == 302
    assert Claim.objects.latest("pk").slug == "seoul-says-pyongyang-sent-more-troops-3"


def test_a_headline_with_no_letter_asks_for_an_address_and_keeps_the_typing(editor, client, nis):
    client.force_login(editor)
    response = client.post(
        ADD_URL,
        new_claim(
            nis,
            {"source": nis.pk, "title": "Briefing", "excerpt": "Typed quote."},
            headline="?!…",
        ),
    )
    assert response.status_code == 200
    assert "The headline has no letter or digit to make an address of" in page_text(response)
    assert "Typed quote." in response.content.decode()
    assert not Claim.objects.exists()


def test_a_source_typed_in_korean_gets_a_romanised_address(editor, client, nis):
    client.force_login(editor)
    response = client.post(
        ADD_URL,
        new_claim(nis, {"new_source": "연합뉴스", "title": "연합뉴스 보도"}),
    )
    assert response.status_code == 302
    yonhap = Source.objects.get(name="연합뉴스")
    assert yonhap.slug == "yeonhabnyuseu"
    assert Claim.objects.get().evidence.get().source == yonhap


def test_two_rows_naming_one_new_source_share_it(editor, client, nis):
    client.force_login(editor)
    response = client.post(
        ADD_URL,
        new_claim(
            nis,
            {"new_source": "Reuters", "title": "First wire"},
            {"new_source": "reuters", "title": "Second wire"},
        ),
    )
    assert response.status_code == 302
    reuters = Source.objects.get(slug="reuters")
    assert Evidence.objects.filter(source=reuters).count() == 2
    assert Source.objects.count() == 2


def test_a_typed_name_of_a_source_on_file_uses_it(editor, client, nis):
    client.force_login(editor)
    response = client.post(
        ADD_URL,
        new_claim(nis, {"new_source": "national intelligence SERVICE", "title": "Briefing"}),
    )
    assert response.status_code == 302
    assert Evidence.objects.get().source == nis
    assert Source.objects.count() == 1


def test_a_new_source_like_one_on_file_is_refused_and_nothing_is_lost(editor, client, nis):
    make_source("Reuters")
    client.force_login(editor)
    response = client.post(
        ADD_URL,
        new_claim(nis, {"new_source": "Reuters!", "title": "Wire", "excerpt": "Typed quote."}),
    )
    assert response.status_code == 200
    text = page_text(response)
    assert "“Reuters!” reads like the source on file “Reuters”: choose it from the list" in text
    content = response.content.decode()
    for typed in ["Reuters!", "Typed quote.", "Seoul says Pyongyang sent more troops"]:
        assert typed in content
    assert not Claim.objects.exists()
    assert Source.objects.count() == 2


def test_a_new_source_whose_name_reads_like_a_source_at_another_address_is_refused(
    editor, client, nis
):
    # As with one of the seed's sources, its address is not made from its name.
    make_source("Community-5", slug="community-post")
    client.force_login(editor)
    response = client.post(ADD_URL, new_claim(nis, {"new_source": "Community 5", "title": "Post"}))
    assert response.status_code == 200
    assert "“Community 5” reads like the source on file “Community-5”" in page_text(response)
    assert "Community 5" in response.content.decode()
    assert not Claim.objects.exists()
    assert Source.objects.count() == 2


@pytest.mark.parametrize(
    ("new_source", "error"),
    [
        ("Reuters\x01", "Remove the invisible control character U+0001 at character 8"),
        ("Reuters\uffff", "Remove the invisible character U+FFFF at character 8"),
        ("R" * 201, "Ensure this value has at most 200 characters (it has 201)."),
    ],
)
def test_a_new_source_name_refused_on_its_own_gets_that_one_error(
    editor, client, nis, new_source, error
):
    client.force_login(editor)
    response = client.post(ADD_URL, new_claim(nis, {"new_source": new_source, "title": "Wire"}))
    assert response.status_code == 200
    text = page_text(response)
    assert error in text
    # A name was typed: the row is not also told to choose a source.
    assert "Choose who published this item" not in text
    assert not Claim.objects.exists()
    assert Source.objects.count() == 1


@pytest.mark.parametrize(
    ("row", "error"),
    [
        ({"title": "Nobody"}, "Choose who published this item, or type the name of a new source."),
        (
            {"source": "SOURCE", "new_source": "Reuters", "title": "Both"},
            "Choose a source from the list or type a new one, not both.",
        ),
        ({"new_source": "!!!", "title": "Punctuation"}, "a name with letters or digits"),
    ],
)
def test_an_evidence_row_needs_one_source(editor, client, nis, row, error):
    row = {name: nis.pk if value == "SOURCE" else value for name, value in row.items()}
    client.force_login(editor)
    response = client.post(ADD_URL, new_claim(nis, row))
    assert response.status_code == 200
    assert error in page_text(response)
    assert not Claim.objects.exists()
    assert Source.objects.count() == 1


def test_staff_who_may_not_add_sources_cannot_add_one_by_name(client, nis):
    user = get_user_model().objects.create_user("intern", password="x", is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label="claims",
            codename__in=["add_claim", "change_claim", "view_claim", "add_evidence", "view_source"],
        )
    )
    client.force_login(user)
    response = client.post(ADD_URL, new_claim(nis, {"new_source": "Reuters", "title": "Wire"}))
    assert response.status_code == 200
    assert "Only staff who may add sources can add one here." in page_text(response)
    assert not Source.objects.filter(slug="reuters").exists()
    assert not Claim.objects.exists()


def test_two_rows_with_one_new_source_and_title_are_refused(editor, client, nis):
    client.force_login(editor)
    response = client.post(
        ADD_URL,
        new_claim(
            nis,
            {"new_source": "Reuters", "title": "Wire"},
            {"new_source": "Reuters", "title": "wire"},
        ),
    )
    assert response.status_code == 200
    assert "Two evidence rows have the same source and title" in page_text(response)
    assert not Source.objects.filter(slug="reuters").exists()


@pytest.mark.usefixtures("template_context")
def test_a_new_evidence_row_starts_supporting_read_today_and_ungraded(editor, client):
    client.force_login(editor)
    response = client.get(ADD_URL)
    row = response.context["inline_admin_formsets"][1].formset.forms[0]
    assert row["stance"].value() == "supports"
    assert row["accessed_on"].value() == timezone.localdate()
    assert row["credibility"].value() is None
    assert '<option value="" selected>Choose a grade</option>' in response.content.decode()
    assert not Claim.objects.exists()


def test_an_evidence_row_must_be_graded(editor, client, nis):
    client.force_login(editor)
    response = client.post(
        ADD_URL, new_claim(nis, {"source": nis.pk, "title": "Ungraded", "credibility": ""})
    )
    assert response.status_code == 200
    assert "This field is required." in page_text(response)
    assert not Evidence.objects.exists()


def claims_admins():
    """Every ModelAdmin of the desk, and every inline of each."""
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label != "claims":
            continue
        yield model_admin
        yield from (inline(model, admin.site) for inline in model_admin.inlines)


def test_every_foreign_key_in_the_desks_admin_is_an_autocomplete(admin_user):
    request = RequestFactory().get("/admin/")
    request.user = admin_user
    checked = []
    for model_admin in claims_admins():
        parent_key = None
        if not model_admin.has_change_permission(request):
            continue  # the audit trail: nothing to choose, nobody writes it
        if isinstance(model_admin, admin.options.InlineModelAdmin):
            formset = model_admin.get_formset(request)
            form, parent_key = formset.form, formset.fk.name  # set by the formset itself
        else:
            form = model_admin.get_form(request)
        for name, field in form.base_fields.items():
            # A hidden key (the tip a claim is made from) is set by the page, not chosen.
            if (
                not isinstance(field, ModelChoiceField)
                or name == parent_key
                or field.widget.is_hidden
            ):
                continue
            widget = getattr(field.widget, "widget", field.widget)
            assert isinstance(widget, AutocompleteSelect | AutocompleteSelectMultiple), (
                f"{type(model_admin).__name__}.{name}"
            )
            # The desk's, which shows a tampered value as no choice.
            assert isinstance(widget, ReadableChoicesMixin), f"{type(model_admin).__name__}.{name}"
            checked.append(f"{model_admin.model.__name__}.{name}")
    assert {"Claim.claimant", "Claim.topic", "Claim.appeared_in", "Evidence.source"} <= set(checked)
    assert {"Evidence.origin", "Estimate.origin", "Estimate.relayed_by", "Source.affiliation"} <= (
        set(checked)
    )


@pytest.mark.usefixtures("template_context")
def test_the_claim_list_shows_whole_headlines_in_their_title(seed, client, editor):
    client.force_login(editor)
    response = client.get(reverse("admin:claims_claim_changelist"))
    assert response.status_code == 200
    content = response.content.decode()
    headline = "Injured North Korean soldiers were repatriated between January and March"
    assert f'<span title="{headline}">{headline}</span>' in content
    assert "admin-desk/workflow.css" in content
    columns = response.context["cl"].list_display
    assert columns == ["action_checkbox", "headline_cell", "state", "claimant_cell"] + [
        "created_by",
        "review_by",
        "translations_cell",
    ]
    assert "Corroborated · published" in page_text(response)
    assert not response.context["is_nav_sidebar_enabled"]
    assert Claim.objects.count() == 9


def years_from_today(years):
    today = timezone.localdate()
    return today.replace(year=today.year + years, day=min(today.day, 28))


@pytest.mark.parametrize(
    ("fields", "row", "error"),
    [
        (
            {"made_on": "FUTURE"},
            {"new_source": "Reuters", "title": "Wire"},
            "a claim cannot have been made in the future. Check the year.",
        ),
        (
            {},
            {"new_source": "Reuters", "title": "Wire", "accessed_on": "FUTURE"},
            "an item cannot have been read in the future. Check the year.",
        ),
        (
            {},
            {"new_source": "Reuters", "title": "Wire", "published_on": "FUTURE"},
            "an item cannot have been published in the future. Check the year.",
        ),
        (
            {},
            {
                "new_source": "Reuters",
                "title": "Wire",
                "published_on": "2025-05-01",
                "accessed_on": "2025-04-30",
            },
            "Read on 2025-04-30, before it was published on 2025-05-01: check both dates.",
        ),
    ],
)
def test_a_date_typed_after_today_or_a_read_before_publication_is_refused(
    editor, client, nis, fields, row, error
):
    future = years_from_today(36).isoformat()
    fields = {name: future if value == "FUTURE" else value for name, value in fields.items()}
    row = {name: future if value == "FUTURE" else value for name, value in row.items()}
    client.force_login(editor)
    response = client.post(ADD_URL, new_claim(nis, row, **fields))
    assert response.status_code == 200
    text = page_text(response)
    assert error in text
    # Every date typed comes back in its box.
    for typed in [*fields.values(), row.get("published_on"), row.get("accessed_on")]:
        assert typed is None or f'value="{typed}"' in response.content.decode()
    assert not Claim.objects.exists()
    assert Source.objects.count() == 1


def test_a_stored_date_after_today_does_not_stop_other_edits(editor, client, nis):
    # Entered before the rule, or through the shell: it is kept until changed.
    claim = make_claim(editor, claimant=nis, made_on=years_from_today(1))
    client.force_login(editor)
    change_url = reverse("admin:claims_claim_change", args=[claim.pk])
    response = client.post(change_url, claim_form_data(claim, headline="Renamed"))
    assert response.status_code == 302, page_text(response)
    assert Claim.objects.get(pk=claim.pk).headline == "Renamed"


@pytest.mark.parametrize(
    ("fields", "row"),
    [
        ({"claimant": "abc"}, {"new_source": "Reuters", "title": "Wire"}),
        ({"topic": "abc"}, {"new_source": "Reuters", "title": "Wire"}),
        ({}, {"source": "abc", "title": "Wire"}),
        ({}, {"new_source": "Reuters", "origin": "abc", "title": "Wire"}),
    ],
)
def test_a_choice_that_is_not_a_key_is_refused_not_a_server_error(editor, client, nis, fields, row):
    client.force_login(editor)
    response = client.post(ADD_URL, {**new_claim(nis, row), **fields})
    assert response.status_code == 200
    assert "Select a valid choice" in page_text(response)
    assert "Seoul says Pyongyang sent more troops" in response.content.decode()
    assert not Claim.objects.exists()
    assert Source.objects.count() == 1
