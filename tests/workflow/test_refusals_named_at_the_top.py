"""
A refused save names each reason at the top of the page, with the field it
is on; and a headline over its limit is refused by the server in words,
never cut by the browser, with a live count beside it.
"""

import pytest
from django.http import HttpResponse
from django.urls import reverse

from claims.models import Claim, Evidence, Source
from tests.factories import (
    as_post_data,
    claim_form_data,
    make_source,
    page_text,
    submitted_fields,
)
from tests.seed import CLAIM, SOURCE

ADD_URL = reverse("admin:claims_claim_add")
INJURED = CLAIM.injured_repatriated
KURSK = CLAIM.kursk
LONG_HEADLINE = "Seoul says Pyongyang sent three thousand more soldiers to Kursk in a week"
assert len(LONG_HEADLINE + " of May") == 80


def change_url(claim):
    return reverse("admin:claims_claim_change", args=[claim.pk])


def top_of_page(response):
    """The page's HTML before the claim's form and its workflow panel."""
    content = response.content.decode()
    marks = [content.find(mark) for mark in ('<section class="workflow-panel"', 'id="claim_form"')]
    return content[: min(mark for mark in marks if mark >= 0)]


def top_text(response):
    """The text a reader sees at the top of the page (top_of_page)."""
    return page_text(HttpResponse(top_of_page(response)))


def new_claim(claimant, **fields):
    return {
        "headline": "Seoul says Pyongyang sent more troops",
        "slug": "",
        "wording": "North Korea has sent another 3,000 soldiers to Russia.",
        "claimant": claimant.pk,
        "caveats-TOTAL_FORMS": 0,
        "caveats-INITIAL_FORMS": 0,
        "evidence-TOTAL_FORMS": 0,
        "evidence-INITIAL_FORMS": 0,
        **fields,
    }


@pytest.mark.django_db
def test_an_over_long_headline_is_refused_in_words_and_kept_whole(client, editor):
    headline = LONG_HEADLINE + " of May"
    client.force_login(editor)
    response = client.post(ADD_URL, new_claim(make_source("NIS"), headline=headline))
    assert response.status_code == 200
    content = response.content.decode()
    top = top_text(response)
    assert "Headline: This has 80 characters; at most 75 fit. Shorten it and save again" in top
    # Kept whole, and no maxlength for the browser to cut it with.
    assert f'value="{headline}"' in content
    assert 'maxlength="75"' not in content
    assert 'data-limit="75"' in content
    assert not Claim.objects.exists()


@pytest.mark.django_db
def test_the_headline_shows_its_limit_with_a_same_origin_script(client, editor):
    client.force_login(editor)
    content = client.get(ADD_URL).content.decode()
    tag = content[content.rindex("<input", 0, content.index('name="headline"')) :]
    tag = tag[: tag.index(">")]
    assert 'data-limit="75"' in tag
    assert "maxlength" not in tag
    assert '<script src="/static/admin-desk/count.js"' in content
    assert not Claim.objects.exists()


def test_publish_changes_with_an_over_long_headline_is_refused_and_kept(seed, client, publisher):
    kursk = Claim.objects.get(slug=KURSK)
    shown = kursk.current_revision()
    headline = LONG_HEADLINE + " of May"
    client.force_login(publisher)
    page = client.get(change_url(kursk))
    data = as_post_data(
        submitted_fields(page, "claim_form"),
        headline=headline,
        workflow_public_note="A longer headline.",
        _workflow_action="publish_changes",
    )
    response = client.post(change_url(kursk), data)
    assert response.status_code == 200
    content = response.content.decode()
    assert "Headline</a>: This has 80 characters; at most 75 fit." in top_of_page(response)
    assert f'value="{headline}"' in content
    assert "A longer headline.</textarea>" in content
    assert 'maxlength="75"' not in content
    assert '<script src="/static/admin-desk/count.js"' in content
    stored = Claim.objects.get(pk=kursk.pk)
    assert stored.headline == kursk.headline
    assert stored.current_revision() == shown
    assert not stored.draft_authors.exists()


def test_publish_changes_without_a_public_note_is_named_at_the_top(seed, client, editor, publisher):
    kursk = Claim.objects.get(slug=KURSK)
    shown = kursk.current_revision()
    client.force_login(editor)
    data = as_post_data(
        submitted_fields(client.get(change_url(kursk)), "claim_form"),
        context="Context the editor added.",
    )
    assert client.post(change_url(kursk), data).status_code == 302
    client.force_login(publisher)
    data = as_post_data(
        submitted_fields(client.get(change_url(kursk)), "claim_form"),
        _workflow_action="publish_changes",
    )
    response = client.post(change_url(kursk), data)
    assert response.status_code == 200
    assert "Nothing was changed. This claim is published: write a public note telling readers" in (
        top_text(response)
    )
    stored = Claim.objects.get(pk=kursk.pk)
    assert stored.current_revision() == shown
    assert stored.context == "Context the editor added."


def test_an_evidence_rows_error_is_named_at_the_top_with_its_row_and_field(seed, client, reviewer):
    injured = Claim.objects.get(slug=INJURED)
    row = injured.evidence.first()
    index = list(injured.evidence.all()).index(row)
    client.force_login(reviewer)
    data = claim_form_data(injured, **{f"evidence-{index}-url": f"htp//{SOURCE.kbs}"})
    response = client.post(change_url(injured), data)
    assert response.status_code == 200
    top = top_of_page(response)
    assert "Nothing was changed. Correct this, then try again." in top
    assert (
        f'<a href="#id_evidence-{index}-url">Evidence “{row}”, URL</a>: Enter a valid URL.' in top
    )
    assert Evidence.objects.get(pk=row.pk).url == row.url


def test_a_refused_step_is_named_at_the_top_of_the_page(seed, client, reviewer):
    injured = Claim.objects.get(slug=INJURED)
    client.force_login(reviewer)
    data = claim_form_data(injured, context="Typed first.", _workflow_action="corroborate")
    response = client.post(change_url(injured), data)
    assert response.status_code == 200
    top = top_text(response)
    assert "Nothing was changed. Corroboration needs supporting evidence graded 1–3" in top
    assert "Typed first." in response.content.decode()
    stored = Claim.objects.get(pk=injured.pk)
    assert (stored.status, stored.context) == (injured.status, injured.context)


def test_every_error_on_a_refused_save_is_listed_at_the_top(seed, client, editor):
    draft = Claim.objects.get(slug=CLAIM.cremated)
    client.force_login(editor)
    data = claim_form_data(
        draft,
        headline=LONG_HEADLINE + " of May",
        appearance_url="javascript:alert(1)",
        **{"evidence-TOTAL_FORMS": draft.evidence.count() + 1},
        **{f"evidence-{draft.evidence.count()}-title": "No source given"},
    )
    response = client.post(change_url(draft), data)
    assert response.status_code == 200
    top = top_text(response)
    assert "Correct these 5 things" in top
    assert "Headline: This has 80 characters" in top
    assert "Appearance URL: Enter a valid URL." in top
    new_row = f"Evidence #{draft.evidence.count() + 1}"
    assert f"{new_row}, Credibility: This field is required." in top
    assert f"{new_row}, Source: Choose who published this item" in top
    assert Claim.objects.get(pk=draft.pk).headline == draft.headline
    assert not Source.objects.filter(name="No source given").exists()
