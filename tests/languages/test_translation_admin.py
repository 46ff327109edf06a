"""
The admin translates a claim beside its original, publishes a drafted
translation in three clicks, and queues what needs translating, awaits
publication or is out of date.
"""

import pytest
from django.urls import reverse

from claims.admin import queue_counts
from claims.models import Claim, Revision, Translation
from tests.factories import korean_texts, make_user, page_text, publish_changes
from tests.seed import CLAIM


@pytest.fixture
def second_publisher(db):
    return make_user("second-publisher", "Publishers")


def translate_url(claim):
    return reverse("admin:claims_claim_translate", args=[claim.pk, "ko"])


def form_data(claim, texts):
    """The translation page's form filled with `texts` (key -> text)."""
    response_keys = list(korean_texts(claim))
    return {f"text-{number}": texts.get(key, "") for number, key in enumerate(response_keys, 1)}


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
