"""
The admin translates a claim beside its original, publishes a drafted
translation in three clicks, and queues what needs translating, awaits
publication or is out of date.
"""

import html
import re

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from claims.admin import queue_counts
from claims.admin_forms import translation_digest
from claims.choices import Action
from claims.models import Claim, ReviewEvent, Revision, Translation
from claims.workflow import WorkflowError
from tests.factories import korean_texts, make_user, page_text, publish_changes, translate
from tests.seed import CLAIM


@pytest.fixture
def second_publisher(db):
    return make_user("second-publisher", "Publishers")


def translate_url(claim):
    return reverse("admin:claims_claim_translate", args=[claim.pk, "ko"])


def form_data(claim, texts):
    """The translation page's form, as opened now, filled with `texts` (key -> text)."""
    response_keys = list(korean_texts(claim))
    draft = Translation.objects.filter(claim=claim, language="ko").first()
    opened = translation_digest(
        Revision.objects.current().get(claim=claim), draft or Translation(texts={})
    )
    return {
        "opened": opened,
        **{f"text-{number}": texts.get(key, "") for number, key in enumerate(response_keys, 1)},
    }


def queues(rf, user):
    request = rf.get("/admin/")
    request.user = user
    return {queue.key: count for queue, count, _url in queue_counts(request)}


def test_the_original_and_its_translation_side_by_side_and_a_get_writes_nothing(
    client, seed, translator
):
    claim = Claim.objects.get(slug=CLAIM.kursk)
    client.force_login(translator)
    response = client.get(translate_url(claim))
    assert response.status_code == 200
    original = Revision.objects.current().get(claim=claim)
    korean = Revision.objects.current_translations("ko").get(claim=claim)
    text = page_text(response)
    assert original.document["headline"] in text
    # The draft the seed published is offered beside it.
    assert korean.document["headline"] in response.content.decode()
    assert "Translation published" not in text
    assert Translation.objects.filter(claim=claim).count() == 1


def test_a_translator_saves_a_draft_and_a_publisher_publishes_it(
    client, seed, translator, publisher, rf
):
    claim = Claim.objects.get(slug=CLAIM.kursk)
    texts = korean_texts(claim)
    client.force_login(translator)
    saved = client.post(translate_url(claim), {**form_data(claim, texts), "_save": "1"})
    assert saved.status_code == 302
    draft = Translation.objects.get(claim=claim, language="ko")
    assert draft.texts["headline"] == texts["headline"]
    assert list(draft.drafted_by.all()) == [translator]
    assert queues(rf, publisher)["translation_awaiting_publication"] == 1
    # The translator cannot publish it.
    refused = client.post(translate_url(claim), {**form_data(claim, texts), "_publish": "1"})
    assert "Only a publisher" in page_text(refused)
    assert Revision.objects.current_translations("ko").get(claim=claim).number == 1

    client.force_login(publisher)
    published = client.post(translate_url(claim), {**form_data(claim, texts), "_publish": "1"})
    assert published.status_code == 302
    korean = Revision.objects.current_translations("ko").get(claim=claim)
    assert (korean.number, korean.document["headline"]) == (2, texts["headline"])
    assert queues(rf, publisher)["translation_awaiting_publication"] == 0


def test_a_save_from_a_page_opened_before_someone_elses_is_refused_and_keeps_the_typing(
    seed, translator, publisher
):
    claim = Claim.objects.get(slug=CLAIM.kursk)
    texts = korean_texts(claim)
    translators_tab, publishers_tab = Client(), Client()
    translators_tab.force_login(translator)
    publishers_tab.force_login(publisher)
    # Both open the page; the translator saves a new headline first.
    opened_by_publisher = form_data(claim, texts)
    translators_tab.post(
        translate_url(claim),
        {**form_data(claim, {**texts, "headline": "번역가가 고친 제목"}), "_save": "1"},
    )
    assert Translation.objects.get(claim=claim).texts["headline"] == "번역가가 고친 제목"
    # The publisher's page still holds the old headline, and changes the claim as made.
    data = {**opened_by_publisher, "_save": "1"}
    wording_box = f"text-{list(texts).index('wording') + 1}"
    data[wording_box] = "발행인이 고친 주장"
    response = publishers_tab.post(translate_url(claim), data)
    assert response.status_code == 200
    assert "changed by someone else since you opened it" in page_text(response)
    # Nothing typed is lost: the page comes back with it.
    assert "발행인이 고친 주장" in html.unescape(response.content.decode())
    draft = Translation.objects.get(claim=claim)
    assert draft.texts["headline"] == "번역가가 고친 제목"
    assert draft.texts.get("wording") != "발행인이 고친 주장"
    assert list(draft.drafted_by.all()) == [translator]
    # Opened again, the same change saves over the translator's.
    data = form_data(claim, {**draft.texts, "wording": "발행인이 고친 주장"})
    assert publishers_tab.post(translate_url(claim), {**data, "_save": "1"}).status_code == 302
    draft = Translation.objects.get(claim=claim)
    assert draft.texts["headline"] == "번역가가 고친 제목"
    assert draft.texts["wording"] == "발행인이 고친 주장"


def test_a_publisher_who_changes_the_draft_cannot_publish_it(
    client, seed, publisher, second_publisher
):
    claim = Claim.objects.get(slug=CLAIM.kursk)
    client.force_login(publisher)
    texts = korean_texts(claim)
    response = client.post(translate_url(claim), {**form_data(claim, texts), "_publish": "1"})
    assert "You drafted this translation" in page_text(response)
    assert Revision.objects.current_translations("ko").get(claim=claim).number == 1
    client.force_login(second_publisher)
    client.post(translate_url(claim), {**form_data(claim, texts), "_publish": "1"})
    assert Revision.objects.current_translations("ko").get(claim=claim).number == 2


def test_the_queues_count_what_needs_translating_and_what_is_out_of_date(
    seed, rf, publisher, second_publisher
):
    assert queues(rf, publisher)["needs_translation"] == 0
    assert queues(rf, publisher)["translation_out_of_date"] == 0
    claim = Claim.objects.get(slug=CLAIM.casualties)
    Claim.objects.filter(pk=claim.pk).update(verdict_summary="A new explanation.")
    publish_changes(claim, second_publisher)
    counts = queues(rf, publisher)
    assert counts["translation_out_of_date"] == 1
    assert counts["needs_translation"] == 0
    assert Claim.objects.published().count() == 4


def test_a_translated_headline_longer_than_the_originals_limit_is_refused_and_kept(
    client, seed, translator, publisher
):
    claim = Claim.objects.get(slug=CLAIM.kursk)
    draft_before = Translation.objects.get(claim=claim, language="ko").texts
    long_headline = "가" * 108
    texts = korean_texts(claim, headline=long_headline)
    client.force_login(publisher)
    response = client.post(translate_url(claim), {**form_data(claim, texts), "_publish": "1"})
    assert response.status_code == 200
    text = page_text(response)
    assert "Nothing was saved or published" in text
    assert "This has 108 characters; at most 75 fit." in text
    # Everything typed comes back, the over-long headline too.
    body = html.unescape(response.content.decode())
    assert long_headline in body
    assert texts["summary"] in body
    assert Translation.objects.get(claim=claim, language="ko").texts == draft_before
    assert Revision.objects.current_translations("ko").get(claim=claim).number == 1

    client.force_login(translator)
    saved = client.post(translate_url(claim), {**form_data(claim, texts), "_save": "1"})
    assert saved.status_code == 200
    assert Translation.objects.get(claim=claim, language="ko").texts == draft_before


def test_each_translated_text_has_its_originals_limit_as_a_live_count(client, seed, translator):
    claim = Claim.objects.get(slug=CLAIM.kursk)
    client.force_login(translator)
    response = client.get(translate_url(claim))
    body = response.content.decode()
    headline = re.search(r'<input[^>]*name="text-1"[^>]*>', body).group()
    assert 'data-limit="75"' in headline
    # No maxlength: the browser would cut a long paste without a word.
    assert "maxlength" not in headline
    assert re.search(r'<textarea[^>]*data-limit="3000"', body)
    assert "admin-desk/count.js" in body
    assert Translation.objects.filter(claim=claim).count() == 1


def test_a_draft_kept_with_an_over_long_headline_is_not_published(seed, translator, publisher):
    claim = Claim.objects.get(slug=CLAIM.kursk)
    draft = translate(claim, translator)
    # Kept before translated texts had their originals' limits.
    Translation.objects.filter(pk=draft.pk).update(texts=draft.texts | {"headline": "가" * 108})
    draft.refresh_from_db()
    with pytest.raises(WorkflowError, match="at most 75 fit"):
        draft.publish(by=publisher)
    korean = Revision.objects.current_translations("ko").get(claim=claim)
    assert (korean.number, len(korean.document["headline"]) <= 75) == (1, True)
    with pytest.raises(ValidationError, match="at most 75 fit"):
        draft.save_texts(draft.texts, by=translator)


def test_the_translate_page_offers_each_evidence_title_beside_the_original(
    client, seed, translator
):
    claim = Claim.objects.get(slug=CLAIM.kursk)
    client.force_login(translator)
    response = client.get(translate_url(claim))
    text = page_text(response)
    evidence = Revision.objects.current().get(claim=claim).document["evidence"]
    assert text.count("Evidence title") == len(evidence)
    assert all(item["title"] in text for item in evidence)
    assert Translation.objects.filter(claim=claim).count() == 1


def test_what_keeps_a_draft_from_publication_is_said_in_korean_under_the_korean_admin(
    client, seed, publisher
):
    claim = Claim.objects.get(slug=CLAIM.kursk)
    draft = Translation.objects.get(claim=claim, language="ko")
    texts = {key: text for key, text in draft.texts.items() if key != "summary"}
    Translation.objects.filter(pk=draft.pk).update(texts=texts)
    client.force_login(publisher)
    response = client.get(translate_url(claim), HTTP_ACCEPT_LANGUAGE="ko")
    assert response.status_code == 200
    text = page_text(response)
    assert "먼저 번역해야 할 항목: 독자용 요약." in text
    assert "Translate this first" not in text and "Summary for readers" not in text
    assert Translation.objects.get(pk=draft.pk).texts == texts
    assert Revision.objects.current_translations("ko").get(claim=claim).number == 1


def test_an_over_long_public_note_is_refused_beside_its_box_and_nothing_typed_is_cut(
    client, seed, publisher
):
    claim = Claim.objects.get(slug=CLAIM.kursk)
    draft = Translation.objects.get(claim=claim, language="ko")
    client.force_login(publisher)
    page = client.get(translate_url(claim)).content.decode()
    box = re.search(r'<input[^>]*name="public_note"[^>]*>', page).group()
    assert 'data-limit="2500"' in box
    assert "maxlength" not in box

    long_note = "번역을 고쳤습니다. " * 250
    data = {**form_data(claim, draft.texts), "public_note": long_note, "_publish": "1"}
    response = client.post(translate_url(claim), data)
    assert response.status_code == 200
    text = page_text(response)
    assert "Nothing was saved or published" in text
    assert f"This has {len(long_note.strip())} characters; at most 2500 fit." in text
    assert long_note.strip() in html.unescape(response.content.decode())
    assert Revision.objects.current_translations("ko").get(claim=claim).number == 1

    data["public_note"] = "번역을 고쳤습니다."
    published = client.post(translate_url(claim), data)
    assert published.status_code == 302
    korean = Revision.objects.current_translations("ko").get(claim=claim)
    assert (korean.number, korean.public_note) == (2, "번역을 고쳤습니다.")


def test_a_translations_publication_is_noted_by_its_language_name_shown_in_the_admins_language(
    client, seed, publisher
):
    claim = Claim.objects.get(slug=CLAIM.kursk)
    draft = Translation.objects.get(claim=claim, language="ko")
    client.force_login(publisher)
    client.post(translate_url(claim), {**form_data(claim, draft.texts), "_publish": "1"})
    event = ReviewEvent.objects.filter(claim=claim, action=Action.PUBLISH_TRANSLATION).last()
    assert event.note == "Published in Korean."
    url = reverse("admin:claims_reviewevent_change", args=[event.pk])
    assert "Published in Korean." in page_text(client.get(url))
    korean = client.get(url, HTTP_ACCEPT_LANGUAGE="ko")
    assert korean.status_code == 200
    assert "발행한 언어: 한국어." in page_text(korean)
    assert "Published in" not in page_text(korean)
    # A note stored before, with the language's code, is shown the same way.
    ReviewEvent.objects.filter(pk=event.pk).update(note="Published in ko.")
    change = client.get(f"/admin/claims/claim/{claim.pk}/change/", HTTP_ACCEPT_LANGUAGE="ko")
    assert "발행한 언어: 한국어." in page_text(change)
    assert ReviewEvent.objects.get(pk=event.pk).note == "Published in ko."
