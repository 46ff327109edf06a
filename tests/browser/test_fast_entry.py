"""
Entering a claim is fast: an editor logs in, enters one claim with four
evidence items, three of them from sources new to the desk, and starts its
review within a budget of clicks and page loads, in Chromium, with no popup.

Clicks are counted as a mouse user makes them: a button or link is one, a
choice from a menu or an autocomplete is two (open it, pick). Typing, and Tab
from one field to the next, are not clicks. Page loads are every `load` event
in the browser, popup windows included.
"""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from claims.choices import ClaimStatus
from claims.models import Claim, Source
from tests.factories import make_claim, make_source, password_for
from tests.seed import SOURCE

pytestmark = pytest.mark.browser

CLICK_BUDGET = 25
LOAD_BUDGET = 8
# How many lines of text an element takes.
LINES = """element => {
  const style = getComputedStyle(element);
  const line = parseFloat(style.lineHeight) || parseFloat(style.fontSize) * 1.2;
  return element.getBoundingClientRect().height / line;
}"""
HEADLINE = "North Korea sent 3,000 more soldiers to Russia this year"


class Journey:
    """A page whose clicks and loads (its own and any popup's) are counted."""

    def __init__(self, page):
        self.page = page
        self.clicks = 0
        self.loaded = []
        self.popups = 0
        page.on("load", self._loaded)
        page.context.on("page", self._opened)

    def _loaded(self, page):
        self.loaded.append(page.url)

    @property
    def loads(self):
        # The last page's load event may come after the check that ended the journey.
        self.page.wait_for_load_state("load")
        return len(self.loaded)

    def _opened(self, popup):
        self.popups += 1
        popup.on("load", self._loaded)

    def click(self, locator):
        locator.click()
        self.clicks += 1

    def choose(self, select, value):
        """Pick `value` in a plain menu: open it, pick (two clicks)."""
        select.select_option(value)
        self.clicks += 2

    def autocomplete(self, field_id, text):
        """Pick `text` in one of the admin's autocomplete widgets (two clicks)."""
        self.click(self.page.locator(f"#{field_id} + .select2 .select2-selection"))
        self.page.locator(".select2-search__field").last.fill(text)
        self.click(self.page.locator(".select2-results__option", has_text=text).first)


def evidence(journey, index, *, title, credibility, new_source=None, source=None, **fields):
    page = journey.page
    if index:
        journey.click(page.get_by_text("Add another Evidence"))
    row = f"#id_evidence-{index}"
    if stance := fields.pop("stance", None):
        journey.choose(page.locator(f"{row}-stance"), stance)
    journey.choose(page.locator(f"{row}-credibility"), str(credibility))
    if new_source:
        page.locator(f"{row}-new_source").fill(new_source)
    else:
        journey.autocomplete(f"id_evidence-{index}-source", source)
    page.locator(f"{row}-title").fill(title)
    for name, value in fields.items():
        page.locator(f"{row}-{name}").fill(value)


def test_an_editor_enters_a_claim_with_four_items_and_three_new_sources_within_budget(
    desk, new_page
):
    sources_before = Source.objects.count()
    journey = Journey(new_page())
    page = journey.page

    page.goto("/admin/login/")
    page.get_by_label("Username").fill("editor")
    page.get_by_label("Password").fill(password_for("editor"))
    journey.click(page.get_by_role("button", name="Log in"))
    journey.click(page.locator(".model-claim").get_by_role("link", name="Add"))

    page.get_by_label("Headline").fill(HEADLINE)
    page.get_by_label("Claim as made").fill(
        "North Korea has sent about 3,000 more soldiers to Russia since January."
    )
    journey.autocomplete("id_claimant", "National Intelligence Service")
    journey.autocomplete("id_topic", "North Korea and Russia")
    page.get_by_label("Date made").fill("2025-03-27")
    page.get_by_label("Appearance URL").fill("https://example.org/nis-march-briefing")

    evidence(
        journey,
        0,
        new_source="Yonhap News Agency",
        title="Yonhap relays the NIS briefing",
        credibility=3,
        url="https://example.org/yonhap",
        excerpt="about 3,000 additional troops",
    )
    evidence(
        journey,
        1,
        new_source="Reuters",
        title="Reuters confirms with a second official",
        credibility=2,
        url="https://example.org/reuters",
    )
    evidence(
        journey,
        2,
        new_source="TASS",
        title="Moscow denies any new deployment",
        credibility=4,
        stance="contradicts",
    )
    evidence(
        journey, 3, source="The Korea Herald", title="The Korea Herald reports it", credibility=3
    )
    journey.click(page.get_by_role("button", name="Save and continue editing").last)
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    expect(page.locator(".messagelist")).to_contain_text(
        "New sources: Yonhap News Agency, Reuters, TASS"
    )

    journey.click(page.get_by_role("button", name="Start reviewing", exact=True))
    expect(page.locator(".messagelist")).to_contain_text("is now In review")

    claim = Claim.objects.get(headline=HEADLINE)
    assert claim.status == ClaimStatus.IN_REVIEW
    assert claim.claimant.slug == SOURCE.nis and claim.topic.name == "North Korea and Russia"
    items = {item.title: item for item in claim.evidence.select_related("source")}
    assert len(items) == 4
    assert items["Moscow denies any new deployment"].stance == "contradicts"
    assert {item.source.name for item in items.values()} == {
        "Yonhap News Agency",
        "Reuters",
        "TASS",
        "The Korea Herald",
    }
    assert Source.objects.count() == sources_before + 3
    assert {Source.objects.get(name=name).slug for name in ["Yonhap News Agency", "TASS"]} == {
        "yonhap-news-agency",
        "tass",
    }
    assert [event.action for event in claim.events.all()] == ["create", "start_review"]

    assert journey.popups == 0
    assert journey.clicks <= CLICK_BUDGET, f"{journey.clicks} clicks"
    assert journey.loads <= LOAD_BUDGET, f"{journey.loads} page loads: {journey.loaded}"
    assert new_page.problems == []


def test_the_claim_list_fits_1280_px_with_every_column_on_screen(desk, new_page):
    make_claim(
        desk["editor"],
        headline="Ministry says the troops who returned in March were all rotated to Kursk",
        claimant=make_source(
            "Spokesperson of the Ministry of Foreign Affairs of the Russian Federation"
        ),
        review_by=timezone.localdate(),
    )
    page = new_page(width=1280, height=900, signed_in_as="editor")
    page.goto("/admin/claims/claim/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    table = page.locator("#result_list")
    assert table.evaluate(
        "table => table.parentElement.scrollWidth <= table.parentElement.clientWidth"
    )
    for header in ["Created by", "Review by", "Claimant", "State"]:
        box = page.locator("#result_list thead th", has_text=header).bounding_box()
        assert box["x"] + box["width"] <= 1280, header
    headlines = page.locator("#result_list .field-headline_cell span")
    expect(headlines).to_have_count(Claim.objects.count())
    for headline in headlines.all():
        lines = headline.evaluate(LINES)
        assert lines <= 2.05, f"{headline.get_attribute('title')}: {lines} lines"
    titles = {headline.get_attribute("title") for headline in headlines.all()}
    assert titles == set(Claim.objects.values_list("headline", flat=True))
    assert new_page.problems == []
