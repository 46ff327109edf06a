"""
A reader's tip becomes a published verdict, in a real Chromium: a reader at
phone width, writing in Korean, sees the matching verdicts first (found
through their Korean versions) and sends the tip; an editor makes a claim of
it, in Korean as the tip is; a reviewer rates it; a publisher publishes it;
the reader's email arrives in Korean with the address of the Korean verdict.
"""

import re

import pytest
from django.core import mail
from django.utils import translation
from playwright.sync_api import expect

from claims.models import Claim, Tip
from tests.factories import log_in_page, run_worker
from tests.seed import CLAIM

pytestmark = pytest.mark.browser

TIP = "11월에 북한군 1만2천 명이 쿠르스크에 추가로 파병됐다는 글을 봤어요"
HEADLINE = "북한군 1만2천 명, 11월 쿠르스크에 추가 파병"
SLUG = "north-korean-troops-kursk-november"
# The seed's Korean version of the Kursk verdict, which the tip should find.
SEED_KOREAN_HEADLINE = "북한, 쿠르스크 지역에서 러시아를 위해 싸울 병력 파병"


def korean(text, **values):
    """`text` as the Korean catalogue renders it: the words a Korean reader sees."""
    with translation.override("ko"):
        rendered = translation.gettext(text)
    assert rendered != text, f"not in the Korean catalogue: {text}"
    return rendered % values if values else rendered


def choose(page, field_id, text):
    """Pick `text` in one of the admin's autocomplete (select2) widgets."""
    page.locator(f"#{field_id} + .select2 .select2-selection").click()
    page.locator(".select2-search__field").last.fill(text)
    page.locator(".select2-results__option", has_text=text).first.click()


def workflow_button(page, label):
    return page.locator(".workflow-steps").get_by_role("button", name=label, exact=True)


def test_a_readers_tip_becomes_a_verdict_and_the_reader_hears_of_it(
    desk, new_page, live_server, settings
):
    settings.SITE_URL = live_server.url
    # A person types for longer than the time trap's three seconds; the journey need not wait.
    settings.TIP_MIN_SECONDS = 0

    reader = new_page(width=390, height=844)
    reader.goto("/ko/ask/")
    expect(reader.locator("html")).to_have_attribute("lang", "ko")
    claim_field = reader.get_by_label(korean("The claim you want us to check"))
    claim_field.press_sequentially(TIP, delay=5)
    # As the reader types, the verdicts that match come first, in Korean.
    expect(reader.locator("#matches .card").first).to_be_visible()
    expect(reader.locator("#matches")).to_contain_text(SEED_KOREAN_HEADLINE)
    expect(reader.locator(f'#matches a[href="/ko/claims/{CLAIM.kursk}/"]').first).to_be_visible()
    assert reader.locator("#matches").bounding_box()["y"] < claim_field.bounding_box()["y"]
    reader.get_by_label(korean("Where you saw it (optional)")).fill(
        "https://example.com/forum/post/77"
    )
    reader.get_by_label(korean("Your email address (optional)")).fill("reader@example.com")
    expect(
        reader.get_by_text(
            korean(
                "Giving your email address is optional. You may refuse; the only "
                "consequence is that we cannot tell you when the verdict is out."
            )
        )
    ).to_be_visible()
    reader.get_by_role("button", name=korean("Send my claim"), exact=True).click()
    # The matching verdict again, before anything is kept.
    expect(reader.locator(".notice")).to_contain_text(
        korean(
            "We found verdicts that may answer your question, listed above. "
            "If none does, send your claim to us."
        )
    )
    expect(reader.locator("#matches")).to_contain_text(SEED_KOREAN_HEADLINE)
    assert Tip.objects.count() == 0
    reader.get_by_role("button", name=korean("None answers it: send my claim")).click()
    expect(reader.get_by_role("heading", level=1)).to_have_text(
        korean("Thank you: it reached our desk")
    )
    tip = Tip.objects.get()
    assert (tip.text, tip.language) == (TIP, "ko")
    assert tip.where_seen == "https://example.com/forum/post/77"
    assert tip.addresses.get().language == "ko"

    editor = new_page()
    log_in_page(editor, "editor")
    editor.get_by_role("link", name=re.compile("New tips from readers")).click()
    editor.get_by_role("link", name="New claim from this tip").click()
    expect(editor.locator("#id_wording")).to_have_value(TIP)
    expect(editor.locator("#id_language")).to_have_value("ko")
    expect(editor.locator("#id_appearance_url")).to_have_value("https://example.com/forum/post/77")
    # A Korean headline gives no Latin slug: the editor writes one first,
    # which the headline then leaves as it is.
    editor.locator("#id_slug").fill(SLUG)
    editor.get_by_label("Headline").fill(HEADLINE)
    expect(editor.locator("#id_slug")).to_have_value(SLUG)
    choose(editor, "id_claimant", "Unnamed commenter")
    editor.get_by_label("Verdict summary").fill("두 번째 파병을 확인한 곳은 아직 없습니다.")
    editor.locator("#id_caveats-0-kind").select_option("unverifiable")
    editor.locator("#id_caveats-0-text").fill("익명 게시글 하나만 이를 전합니다.")
    editor.get_by_role("button", name="Save and continue editing").last.click()
    expect(editor.locator(".messagelist")).to_contain_text("was added successfully")
    claim = Claim.objects.get(headline=HEADLINE)
    tip.refresh_from_db()
    assert tip.claim == claim
    assert claim.appearance_url == "https://example.com/forum/post/77"
    workflow_button(editor, "Start reviewing").click()
    expect(editor.locator(".messagelist")).to_contain_text("is now In review")

    reviewer = new_page(signed_in_as="reviewer")
    reviewer.goto(f"/admin/claims/claim/{claim.pk}/change/")
    workflow_button(reviewer, "Rate as unverifiable").click()
    expect(reviewer.locator(".messagelist")).to_contain_text("is now Unverifiable")

    publisher = new_page(signed_in_as="publisher")
    publisher.goto(f"/admin/claims/claim/{claim.pk}/change/")
    workflow_button(publisher, "Publish").click()
    expect(publisher.locator(".messagelist")).to_contain_text("Published")
    claim.refresh_from_db()
    assert claim.is_published

    run_worker()
    [message] = [message for message in mail.outbox if message.to == ["reader@example.com"]]
    # A claim made in Korean is published in Korean: the reader is sent its Korean page.
    verdict_url = f"{live_server.url}/ko/claims/{SLUG}/"
    assert claim.slug == SLUG
    assert message.subject == korean("Our verdict is out: %(headline)s", headline=HEADLINE)
    assert korean("You asked us to check a claim. We have published our verdict on it:") in (
        message.body
    )
    assert verdict_url in message.body
    assert korean("Stop these emails and delete your address:") in message.body
    reader.goto(verdict_url)
    expect(reader.locator("html")).to_have_attribute("lang", "ko")
    expect(reader.get_by_role("heading", level=1)).to_have_text(HEADLINE)
    # The page counts the reader who asked.
    with translation.override("ko"):
        asked = translation.ngettext(
            "%(counter)s reader asked us to check this.",
            "%(counter)s readers asked us to check this.",
            1,
        ) % {"counter": 1}
    expect(reader.locator(".readers-asking")).to_contain_text(asked)
    assert CLAIM.kursk != claim.slug
    assert new_page.problems == []
