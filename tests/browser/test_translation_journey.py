"""
In Chromium: a translator drafts a claim's Korean version beside the
original, a publisher publishes it, and a reader sees it at its Korean
address; a revision of the English then marks the Korean page out of date.
"""

import pytest
from playwright.sync_api import expect

from claims.models import Claim, Revision, Translation
from tests.factories import make_published_claim, make_user, publish_changes
from tests.seed import CLAIM

pytestmark = pytest.mark.browser

KOREAN_HEADLINE = "시험용 한국어 제목"


def test_a_translator_drafts_a_publisher_publishes_and_a_reader_sees_it(desk, new_page):
    make_user("translator", "Translators")
    claim = make_published_claim(desk["editor"], verdict_summary="Why, for readers.")
    english = claim.get_absolute_url()
    translate_url = f"/admin/claims/claim/{claim.pk}/translate/ko/"

    # 1. The translator fills in the Korean beside the English, and saves.
    translator = new_page(signed_in_as="translator")
    translator.goto(translate_url)
    expect(translator.locator(".translate-table")).to_contain_text(claim.headline)
    headline = translator.get_by_label("Headline")
    # The original's limit as a live count, which warns and cuts nothing.
    headline.fill("가" * 80)
    expect(translator.locator(".character-count").first).to_have_text("80 / 75: 5 too many")
    assert headline.input_value() == "가" * 80
    headline.fill(KOREAN_HEADLINE)
    expect(translator.locator(".character-count").first).to_have_text(
        f"{len(KOREAN_HEADLINE)} / 75"
    )
    translator.get_by_label("The claim as made").fill("시험용 주장 번역")
    translator.get_by_label("Summary for readers").fill("시험용 요약")
    translator.get_by_role("button", name="Save draft").click()
    expect(translator.locator(".messagelist")).to_contain_text("saved as a draft")
    assert Translation.objects.get(claim=claim).texts["headline"] == KOREAN_HEADLINE
    assert not Revision.objects.filter(claim=claim, language="ko").exists()

    # 2. Readers see no Korean version yet: the English page offers none.
    reader = new_page(width=390)
    reader.goto(english)
    expect(reader.locator(f'a[href="/ko{english}"]')).to_have_count(0)

    # 3. A publisher publishes it from the queue: the queue, the row's link, the button.
    publisher = new_page(signed_in_as="publisher")
    publisher.goto("/admin/")
    publisher.get_by_role("link", name="Translation awaiting publication").click()
    publisher.locator('#result_list a[hreflang="ko"]').click()
    publisher.get_by_role("button", name="Publish").click()
    expect(publisher.locator(".messagelist")).to_contain_text("published")
    korean = Revision.objects.current_translations("ko").get(claim=claim)
    assert korean.translation_of == claim.current_revision()

    # 4. The reader sees it, labelled as a translation.
    reader.goto(f"/ko{english}")
    expect(reader.locator("h1")).to_have_text(KOREAN_HEADLINE)
    expect(reader.locator(".quote-translation")).to_contain_text("시험용 주장 번역")
    expect(reader.locator(".translation-banner--out-of-date")).to_have_count(0)
    assert not new_page.problems


def test_a_revision_of_the_english_marks_the_korean_page_out_of_date(desk, new_page):
    claim = Claim.objects.get(slug=CLAIM.casualties)
    english = claim.get_absolute_url()
    Claim.objects.filter(pk=claim.pk).update(verdict_summary="A rewritten explanation.")
    publish_changes(claim, desk["publisher"], public_note="We rewrote the summary.")

    reader = new_page(width=390)
    reader.goto(f"/ko{english}")
    banner = reader.locator(".translation-banner--out-of-date")
    expect(banner).to_be_visible()
    expect(banner.locator(f'a[href="{english}"]')).to_have_count(1)
    # Above the fold on a phone.
    assert banner.bounding_box()["y"] < 844
    expect(reader.locator('.corrections [lang="en"]')).to_contain_text("We rewrote the summary.")
    assert not new_page.problems
