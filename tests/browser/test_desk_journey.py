"""Editor → reviewer → publisher → reader, in a real Chromium."""

import re

import pytest
from playwright.sync_api import expect

from claims.models import Affiliation, Claim, Source
from tests.factories import log_in_page
from tests.seed import AFFILIATION, CLAIM

pytestmark = pytest.mark.browser

HEADLINE = "The defence ministry confirms North Korean troops in Kursk"


def choose(page, field_id, text):
    """Pick `text` in one of the admin's autocomplete (select2) widgets."""
    page.locator(f"#{field_id} + .select2 .select2-selection").click()
    page.locator(".select2-search__field").last.fill(text)
    page.locator(".select2-results__option", has_text=text).first.click()


def open_claim(page, headline):
    page.goto("/admin/claims/claim/")
    page.get_by_role("link", name=headline).click()


def workflow_button(page, label):
    return page.locator(".workflow-steps").get_by_role("button", name=label, exact=True)


@pytest.fixture
def ministry(desk):
    return Source.objects.create(
        name="Ministry of National Defense",
        slug="rok-defence-ministry",
        kind="government",
        reliability="B",
        affiliation=Affiliation.objects.get(slug=AFFILIATION.south_korea),
    )


def enter_claim(page):
    """The editor enters a claim with a caveat and two items from one government."""
    page.goto("/admin/claims/claim/add/")
    page.get_by_label("Headline").fill(HEADLINE)
    page.get_by_label("Claim as made").fill("North Korean troops are fighting in Kursk.")
    choose(page, "id_claimant", "Ministry of National Defense")
    page.get_by_label("Verdict summary").fill("Two governments say so independently.")
    page.locator("#id_caveats-0-kind").select_option("interested_party")
    page.locator("#id_caveats-0-text").fill("Both sides have a stake in the story.")
    page.locator("#id_evidence-0-stance").select_option("supports")
    page.locator("#id_evidence-0-credibility").select_option("2")
    choose(page, "id_evidence-0-source", "National Intelligence Service")
    page.locator("#id_evidence-0-title").fill("NIS briefing to lawmakers")
    page.locator("#id_evidence-0-url").fill("https://example.org/nis-briefing")
    page.get_by_text("Add another Evidence").click()
    page.locator("#id_evidence-1-stance").select_option("supports")
    page.locator("#id_evidence-1-credibility").select_option("2")
    choose(page, "id_evidence-1-source", "Ministry of National Defense")
    page.locator("#id_evidence-1-title").fill("Ministry statement")
    page.get_by_role("button", name="Save and continue editing").last.click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")


def test_a_claim_goes_from_entry_to_publication(desk, ministry, new_page):
    editor = new_page()
    log_in_page(editor, "editor")
    enter_claim(editor)
    claim = Claim.objects.get(headline=HEADLINE)
    assert claim.evidence.count() == 2
    assert [group.is_claimant for group in claim.independent_origins()] == [True]

    workflow_button(editor, "Start reviewing").click()
    expect(editor.locator(".messagelist")).to_contain_text("is now In review")
    assert Claim.objects.get(pk=claim.pk).status == "in_review"

    # Four eyes: the editor may also review, but not her own claim.
    expect(workflow_button(editor, "Corroborate")).to_be_disabled()
    expect(editor.locator(".workflow-steps")).to_contain_text(
        "You entered this claim, so another reviewer must issue its verdict."
    )

    reviewer = new_page(signed_in_as="reviewer")
    open_claim(reviewer, HEADLINE)
    expect(workflow_button(reviewer, "Corroborate")).to_be_disabled()
    # Both items trace back to the claimant's own government: neither counts.
    expect(reviewer.locator(".workflow-steps")).to_contain_text(
        "besides the claimant; this claim has 0."
    )
    for index, (source, title) in enumerate(
        [
            ("Government of North Korea", "North Korea's admission"),
            ("General Staff of the Russian", "Russia's acknowledgement"),
        ],
        start=2,
    ):
        reviewer.get_by_text("Add another Evidence").click()
        reviewer.locator(f"#id_evidence-{index}-stance").select_option("supports")
        reviewer.locator(f"#id_evidence-{index}-credibility").select_option("2")
        choose(reviewer, f"id_evidence-{index}-source", source)
        reviewer.locator(f"#id_evidence-{index}-title").fill(title)
    reviewer.get_by_role("button", name="Save and continue editing").last.click()
    expect(reviewer.locator(".messagelist")).to_contain_text("was changed successfully")
    expect(reviewer.locator(".workflow-origins")).to_contain_text(
        "2 independent origins besides the claimant"
    )
    reviewer.get_by_label(re.compile("Internal note for the audit trail")).fill(
        "Moscow and Pyongyang agree."
    )
    workflow_button(reviewer, "Corroborate").click()
    expect(reviewer.locator(".messagelist")).to_contain_text("is now Corroborated")
    claim.refresh_from_db()
    assert claim.status == "corroborated"
    assert claim.events.last().actor == desk["reviewer"]

    publisher = new_page(signed_in_as="publisher")
    open_claim(publisher, HEADLINE)
    workflow_button(publisher, "Publish").click()
    expect(publisher.locator(".messagelist")).to_contain_text("Published")
    claim.refresh_from_db()
    assert claim.is_published
    assert list(claim.events.values_list("action", flat=True)) == [
        "create",
        "start_review",
        "corroborate",
        "publish",
    ]

    reader = new_page(width=390, height=844)
    reader.goto("/")
    reader.evaluate("window.notReloaded = true")
    reader.get_by_label("Search", exact=True).fill("defence ministry")
    reader.get_by_label("Search", exact=True).press("Enter")
    reader.wait_for_url("**/?q=defence*")
    expect(reader.locator(".card")).to_have_count(1)
    assert reader.evaluate("window.notReloaded") is True  # updated in place, not reloaded
    reader.get_by_role("link", name=HEADLINE).click()
    expect(reader.get_by_role("heading", level=1)).to_have_text(HEADLINE)
    expect(reader.locator(".badge").first).to_have_text("Corroborated")
    expect(reader.get_by_text("Both sides have a stake in the story.")).to_be_visible()
    expect(reader.get_by_text("2 independent origins besides the claimant")).to_be_visible()
    for title in [
        "NIS briefing to lawmakers",
        "Ministry statement",
        "North Korea's admission",
        "Russia's acknowledgement",
    ]:
        expect(reader.locator(".evidence .item__title", has_text=title)).to_be_visible()
    assert new_page.problems == []


def test_a_reader_cannot_find_an_unpublished_claim(desk, new_page):
    draft = Claim.objects.get(slug=CLAIM.cremated)
    assert not draft.is_published
    reader = new_page()
    reader.goto("/")
    reader.get_by_label("Search", exact=True).fill("cremated")
    reader.get_by_label("Search", exact=True).press("Enter")
    reader.wait_for_url("**/?q=cremated*")
    expect(reader.locator(".card")).to_have_count(0)
    response = reader.goto(f"/claims/{draft.slug}/")
    assert response.status == 404
    expect(reader.locator("body")).not_to_contain_text("cremated in Russia")


def test_the_public_pages_work_by_keyboard_alone(desk, new_page):
    reader = new_page()
    reader.goto("/")
    reader.keyboard.press("Tab")
    expect(reader.get_by_role("link", name="Skip to content")).to_be_focused()
    search = reader.get_by_label("Search", exact=True)
    for _ in range(10):
        reader.keyboard.press("Tab")
        if search.evaluate("element => element === document.activeElement"):
            break
    expect(search).to_be_focused()
    reader.keyboard.type("Kursk")
    reader.keyboard.press("Enter")
    reader.wait_for_url("**/?q=Kursk*")
    result = reader.get_by_role("link", name="North Korea has sent troops to fight for Russia")
    for _ in range(15):
        reader.keyboard.press("Tab")
        if result.evaluate("element => element === document.activeElement"):
            break
    expect(result).to_be_focused()
    reader.keyboard.press("Enter")
    reader.wait_for_url(f"**/claims/{CLAIM.kursk}/")
    expect(reader.locator(".badge").first).to_have_text("Corroborated")
    # Every link and control on the verdict page can take the focus, visibly.
    reader.keyboard.press("Tab")
    outline = reader.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
    assert new_page.problems == []
