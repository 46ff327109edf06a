"""A reader on a phone switches a verdict page's language and stays on the same claim."""

import pytest
from playwright.sync_api import expect

from claims.models import Revision, Translation
from tests.seed import CLAIM

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
VERDICT = f"/claims/{CLAIM.casualties}/"
HEADLINE = "About 4,700 North Korean soldiers"


def test_a_reader_switches_a_verdict_between_korean_and_english(desk, new_page):
    korean = Revision.objects.current_translations("ko").get(slug=CLAIM.casualties)
    page = new_page(**PHONE)
    page.goto(VERDICT)
    languages = page.get_by_role("navigation", name="Language")
    # The switcher fits the phone: nothing scrolls sideways.
    expect(languages).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    languages.get_by_role("link", name="한국어").click()
    page.wait_for_url(f"**/ko{VERDICT}")
    expect(page.locator("html")).to_have_attribute("lang", "ko")
    expect(page.get_by_role("heading", level=1)).to_have_text(korean.document["headline"])
    expect(page.locator(".verdict__name")).to_contain_text("판정: 미확인")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    page.get_by_role("navigation", name="언어").get_by_role("link", name="English").click()
    page.wait_for_url(f"**{VERDICT}")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_contain_text(HEADLINE)
    assert new_page.problems == []
    assert Revision.objects.current().filter(slug=CLAIM.casualties).exists()


def test_a_verdict_not_published_in_korean_says_so_without_a_link(desk, new_page):
    # The claim's Korean version taken away, as if never published.
    Translation.objects.filter(claim__slug=CLAIM.casualties).update(published=None)
    Revision.objects.filter(claim__slug=CLAIM.casualties, language="ko").delete()
    page = new_page(**PHONE)
    page.goto(VERDICT)
    languages = page.get_by_role("navigation", name="Language")
    expect(languages).to_contain_text("한국어: not published in Korean")
    expect(languages.get_by_role("link")).to_have_count(0)
    # From the Korean interface, the reader reaches the claim in English.
    page.goto(f"/ko{VERDICT}")
    page.get_by_role("navigation", name="언어").get_by_role("link", name="English").click()
    page.wait_for_url(f"**{VERDICT}")
    expect(page.get_by_role("heading", level=1)).to_contain_text(HEADLINE)
    assert new_page.problems == []
