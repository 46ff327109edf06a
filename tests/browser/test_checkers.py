"""
The figure page, the verdict page that links it, the ask-us-to-check form,
and the Korean list and verdict pages pass axe in Chromium at desktop and
phone widths. (The Nu HTML checker runs over every public page in both
languages, these included, in tests/public/test_html_validity.py.)

axe-core comes from npm (`make checkers`). Without it these tests are skipped,
or fail when FACTCHECK_REQUIRE_BROWSER is set, as in CI.
"""

import os
from pathlib import Path

import pytest

from tests.seed import CLAIM, FIGURE, SOURCE

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CASUALTIES_FIGURE = f"/figures/{FIGURE.casualties}/"
DEATHS_FIGURE = f"/figures/{FIGURE.deaths}/"
DEATHS_VERDICT = f"/claims/{CLAIM.deaths}/"
# Its second version, with what changed from the first.
DEATHS_VERSION = f"/claims/{CLAIM.deaths}/versions/2/"
# Ask us to check, with the verdicts that match and the privacy notice.
ASK = "/ask/?claim=North+Korean+troops+in+Kursk"
# The Korean interface, over a record published in English (lang="en" on its text).
KOREAN_LIST = "/ko/"
KOREAN_VERDICT = f"/ko/claims/{CLAIM.deaths}/"
# Names published in Korean beside names kept in English (lang="en").
KOREAN_SOURCE = f"/ko/sources/{SOURCE.nis}/"
KOREAN_FIGURE = f"/ko/figures/{FIGURE.deaths}/"
WIDTHS = [(1280, 900), (390, 844)]


def require(present, what):
    if present:
        return
    reason = f"{what} not found: run `make checkers` (npm) and install Java."
    if os.environ.get("FACTCHECK_REQUIRE_BROWSER"):
        pytest.fail(f"{reason} FACTCHECK_REQUIRE_BROWSER is set, so this is an error.")
    pytest.skip(reason)


PAGES = [
    CASUALTIES_FIGURE,
    DEATHS_FIGURE,
    DEATHS_VERDICT,
    DEATHS_VERSION,
    ASK,
    KOREAN_LIST,
    KOREAN_VERDICT,
    KOREAN_SOURCE,
    KOREAN_FIGURE,
]


@pytest.mark.parametrize(("width", "height"), WIDTHS)
def test_axe_finds_no_violation(desk, browser, live_server, width, height):
    """Every page of PAGES in turn, in one browser tab: the violations found on each."""
    require(AXE.exists(), "axe-core")
    # The site's CSP admits no injected script; the checker's own context may.
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": width, "height": height}, bypass_csp=True
    )
    page = context.new_page()
    violations, checks_run = {}, {}
    for path in PAGES:
        response = page.goto(path)
        assert response.status == 200, path
        page.add_script_tag(path=str(AXE))
        results = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
        violations[path] = [
            (violation["id"], [node["target"] for node in violation["nodes"]])
            for violation in results["violations"]
        ]
        checks_run[path] = bool(results["passes"])
    context.close()
    assert violations == dict.fromkeys(PAGES, [])
    assert all(checks_run.values()), f"axe ran no check at all on some pages: {checks_run}"
