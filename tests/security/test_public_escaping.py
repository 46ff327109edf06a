"""Stored text is escaped on every public page and cannot break out of the JSON-LD."""

import json
import re

import pytest

from claims.models import Caveat, Claim
from tests.factories import make_evidence, make_published_claim, make_source

HOSTILE = '</script><script>alert("x")</script>&'


@pytest.fixture
def hostile_claim(editor):
    claim = make_published_claim(
        editor,
        headline="<script>alert(1)</script> & friends",
        wording=HOSTILE,
        verdict_summary=HOSTILE,
        claimant=make_source('<img src=x onerror="alert(2)">', slug="hostile"),
    )
    Caveat.objects.create(claim=claim, kind="other", text=HOSTILE)
    make_evidence(claim, make_source("Wire"), title=HOSTILE, excerpt=HOSTILE)
    return claim


@pytest.mark.django_db
def test_stored_text_renders_escaped_on_the_verdict_page(hostile_claim, client):
    content = client.get(hostile_claim.get_absolute_url()).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; friends" in content
    assert "<script>alert" not in content
    assert "<img src=x" not in content
    # The only script element is the JSON-LD data block.
    assert len(re.findall(r"<script\b", content)) == 1


@pytest.mark.django_db
def test_stored_text_cannot_break_out_of_the_json_ld(hostile_claim, client):
    content = client.get(hostile_claim.get_absolute_url()).content.decode()
    [block] = re.findall(r'<script type="application/ld\+json"[^>]*>(.*?)</script>', content, re.S)
    assert "<" not in block
    assert ">" not in block
    assert "&" not in block
    assert "\\u003Cscript\\u003Ealert(1)" in block
    document = json.loads(block)
    assert document["claimReviewed"] == "<script>alert(1)</script> & friends"


@pytest.mark.django_db
def test_stored_text_renders_escaped_in_lists_sources_and_the_feed(hostile_claim, client):
    for url in ["/", "/?q=friends", "/sources/hostile/", "/sources/wire/"]:
        content = client.get(url).content.decode()
        assert "<script>alert" not in content, url
        assert "<img src=x" not in content, url
    feed = client.get("/feed/").content.decode()
    assert "<script>" not in feed
    assert Claim.objects.get(pk=hostile_claim.pk).headline.startswith("<script>")
