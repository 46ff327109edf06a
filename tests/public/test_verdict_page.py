"""A verdict page shows the verdict, why, what we don't know, the evidence's origins and history."""

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from django.contrib.staticfiles import finders
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from claims.choices import Action, ClaimStatus, Stance
from claims.models import Caveat, Claim, Correction, ReviewEvent
from tests.factories import (
    make_evidence,
    make_source,
    make_user,
    page_text,
    publish_changes,
    publish_draft,
)
from tests.seed import CLAIM, SOURCE

CASUALTIES = f"/claims/{CLAIM.casualties}/"
KURSK = f"/claims/{CLAIM.kursk}/"


def test_the_4700_page_is_unverified_with_its_caveats_and_a_single_origin(seed, client):
    response = client.get(CASUALTIES)
    text = page_text(response)
    assert response.status_code == 200
    assert "Our verdict: Unverified" in text
    for caveat in Caveat.objects.filter(claim__slug=CLAIM.casualties):
        assert caveat.text in text
    assert "Single origin: South Korean government (National Intelligence Service (NIS))" in text
    assert (
        "National Intelligence Service (NIS) → relayed by South Korean lawmakers briefed by the NIS"
        in text
    )
    assert "National Intelligence Service (NIS) → relayed by Community-5" in text


def test_the_kursk_page_is_corroborated_by_independent_origins(seed, client):
    text = page_text(client.get(KURSK))
    assert "Our verdict: Corroborated" in text
    assert "independent origins" in text
    for label in ["Russian government", "North Korean government", "South Korean government"]:
        assert label in text
    assert (
        "General Staff of the Russian Armed Forces → relayed by NK News: Russia's General Staff "
        "confirms North Korean troops fought in Kursk" in text
    )
    assert "Korean Central News Agency (KCNA) → relayed by Business Recorder" in text
    assert "Government of North Korea → relayed by Community-5" in text


def test_the_verdict_badge_names_the_verdict_in_text_with_its_definition(seed, client):
    content = client.get(KURSK).content.decode()
    assert '<span class="badge badge--corroborated">Corroborated</span>' in content
    assert "Corroborated means: Supporting evidence comes from at least two origins" in (
        page_text(client.get(KURSK))
    )


def test_what_we_dont_know_comes_right_after_the_verdict(seed, client):
    # On a phone the caveats must show without scrolling past the summary.
    text = page_text(client.get(CASUALTIES))
    unknowns = text.index("What we don't know")
    assert text.index("Our verdict: Unverified") < unknowns
    assert unknowns < text.index("Why South Korea's intelligence service")
    assert unknowns < text.index("The claim as made") < text.index("The evidence")


def test_a_published_claim_in_review_shows_its_previous_verdict(seed, client, publisher):
    assert "Under review" not in page_text(client.get(KURSK))
    Claim.objects.get(slug=CLAIM.kursk).reopen(
        by=publisher, note="A new report.", public_note="We are checking a new report."
    )
    assert Claim.objects.get(slug=CLAIM.kursk).previous_status == (ClaimStatus.CORROBORATED)
    text = page_text(client.get(KURSK))
    assert "Under review — previous verdict: Corroborated" in text
    assert "Our verdict: Corroborated" in text


def test_a_verdict_past_its_review_date_may_be_outdated_once_published(seed, client, publisher):
    assert "may be outdated" not in page_text(client.get(KURSK))
    claim = Claim.objects.get(slug=CLAIM.kursk)
    claim.review_by = timezone.localdate() - timedelta(days=1)
    claim.save()
    # A review-by date is part of what readers see: a draft until published.
    assert "may be outdated" not in page_text(client.get(KURSK))
    publish_changes(claim, publisher, "We set a date to review this verdict.")
    assert "may be outdated" in page_text(client.get(KURSK))
    assert Claim.objects.get(pk=claim.pk).review_by < timezone.localdate()


def test_evidence_is_grouped_by_stance_with_grades_in_words(seed, client, publisher):
    claim = Claim.objects.get(slug=CLAIM.casualties)
    make_evidence(
        claim,
        make_source("Sceptical analyst", reliability="B"),
        stance=Stance.CONTRADICTS,
        title="Analyst doubts the scale",
        credibility=4,
    )
    publish_changes(claim, publisher, "We added an analyst's doubts.")
    text = page_text(client.get(CASUALTIES))
    assert "Supports the claim (2)" in text
    assert "Contradicts the claim (1)" in text
    assert text.index("Supports the claim") < text.index("Contradicts the claim")
    assert "source reliability B: usually reliable" in text
    assert "Credibility 4: doubtful" in text
    assert "Credibility 3: possibly true" in text
    # Contradicting evidence is not an origin of support.
    assert "Single origin: South Korean government" in text


def test_links_out_are_noopener_nofollow_with_archive_links(seed, client, publisher):
    claim = Claim.objects.get(slug=CLAIM.casualties)
    make_evidence(
        claim,
        make_source("Wire"),
        title="Wire report",
        url="https://wire.example/report",
        archive_url="https://archive.example/report",
    )
    publish_changes(claim, publisher, "We added a wire report.")
    content = client.get(CASUALTIES).content.decode()
    rel = 'rel="noopener nofollow"'
    assert f'<a href="https://wire.example/report" {rel}>Wire report</a>' in content
    assert f'<a href="https://archive.example/report" {rel}>Archived copy</a>' in content


def test_the_claim_as_made_names_claimant_date_and_place(seed, client, publisher):
    claim = Claim.objects.get(slug=CLAIM.kursk)
    claim.made_on = date(2026, 11, 19)
    claim.appearance_url = "https://news.example/briefing"
    claim.appeared_in = None
    claim.save()
    publish_changes(claim, publisher, "We added where and when the claim was made.")
    content = client.get(KURSK).content.decode()
    text = page_text(client.get(KURSK))
    assert "North Korea has deployed troops to assist Russia in the Kursk region." in text
    assert "Claimed by National Intelligence Service (NIS)" in text
    assert f'<a href="/sources/{SOURCE.nis}/">' in content
    assert "When 19 November 2026" in text
    assert '<a href="https://news.example/briefing" rel="noopener nofollow">' in content


def test_the_review_timeline_names_first_names_or_roles_never_emails(seed, client):
    # A publisher with no first name on record: the page names the role instead.
    nameless = make_user("k.lee", "Publishers")
    claim = Claim.objects.get(slug=CLAIM.kursk)
    ReviewEvent.objects.create(
        claim=claim,
        version=claim.version + 1,
        action=Action.UNPUBLISH,
        from_status=claim.status,
        to_status=claim.status,
        actor=nameless,
        created_at=timezone.now(),
    )
    publish_draft(claim, nameless)
    text = page_text(client.get(KURSK))
    assert "Entered by Eun-ji" in text
    assert "Corroborated by Daniel" in text
    assert "Unpublished by a publisher" in text
    assert "UTC" in text
    assert "@" not in text
    assert "factcheck.invalid" not in client.get(KURSK).content.decode()
    assert "k.lee" not in text


def test_times_are_shown_in_the_newsrooms_zone_with_its_name(seed, client, settings):
    settings.TIME_ZONE = "Asia/Seoul"
    claim = Claim.objects.get(slug=CLAIM.kursk)
    at = datetime(2025, 5, 2, 5, 5, tzinfo=UTC)
    Claim.objects.filter(pk=claim.pk).update(published_at=at)
    Correction.objects.create(claim=claim, kind="update", note="Names the region.", published_at=at)
    ReviewEvent.objects.filter(claim=claim).update(created_at=at)
    publish_draft(Claim.objects.get(pk=claim.pk), claim.created_by)
    response = client.get(KURSK)
    text = page_text(response)
    assert response.status_code == 200
    assert "Published 2 May 2025, 14:05 KST; updated" in text
    assert "2 May 2025, 14:05 KST Update: Names the region." in text
    assert "2 May 2025, 14:05 KST Entered by Eun-ji" in text
    assert "UTC" not in text
    # Machines still read the instant itself, in UTC.
    assert '<time datetime="2025-05-02T05:05:00+00:00">' in response.content.decode()
    assert Correction.objects.get(claim=claim).published_at == at


def test_times_are_in_utc_and_say_so_by_default(seed, client):
    text = page_text(client.get(KURSK))
    assert re.search(r"Published \d+ \w+ \d{4}, \d\d:\d\d UTC\.", text)


def test_corrections_are_logged_on_the_page_once_published(seed, client, publisher):
    claim = Claim.objects.get(slug=CLAIM.kursk)
    claim.context = "In the Kursk region, not Kharkiv."
    claim.save()
    publish_changes(
        claim,
        publisher,
        "We misnamed the region in an earlier version.",
        correction_kind="correction",
    )
    content = client.get(KURSK).content.decode()
    assert 'id="correction-1"' in content
    assert Correction.objects.get(claim=claim).kind == "correction"
    assert "Correction: We misnamed the region in an earlier version." in page_text(
        client.get(KURSK)
    )


def test_open_graph_and_canonical_come_from_site_url(seed, client, settings):
    settings.SITE_URL = "https://desk.example.org"
    settings.ALLOWED_HOSTS = ["evil.example"]
    content = client.get(KURSK, HTTP_HOST="evil.example").content.decode()
    canonical = f"https://desk.example.org/claims/{CLAIM.kursk}/"
    assert f'<link rel="canonical" href="{canonical}">' in content
    assert f'<meta property="og:url" content="{canonical}">' in content
    assert '<meta property="og:title" content="Corroborated: North Korea has sent troops' in content
    assert "evil.example" not in content


def test_the_page_needs_no_javascript(seed, client):
    content = client.get(CASUALTIES).content.decode()
    scripts = re.findall(r"<script\b[^>]*>", content)
    assert len(scripts) == 1
    # Data, not script: it needs no nonce, so the page holds nothing of one request.
    assert scripts[0] == '<script type="application/ld+json">'
    assert not re.search(r"<[^>]+\son[a-z]+\s*=", content)
    assert "hx-" not in content


@pytest.mark.parametrize("prefix", ["", "/ko"])
def test_the_4700_page_and_its_css_weigh_under_50_kb(seed, client, prefix):
    html_bytes = len(client.get(f"{prefix}{CASUALTIES}").content)
    with open(finders.find("css/site.css"), "rb") as css:
        css_bytes = len(css.read())
    assert html_bytes + css_bytes < 50_000


def estimate_reads(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response, [query for query in queries if 'FROM "claims_estimate" ' in query["sql"]]


def test_a_claim_that_states_no_estimate_costs_no_query_for_them(seed, client):
    response, reads = estimate_reads(client, f"/claims/{CLAIM.kursk}/")
    assert reads == []
    assert "The figure claimed is" not in page_text(response)
    assert not Claim.objects.get(slug=CLAIM.kursk).estimates.exists()


def test_a_claim_that_states_an_estimate_shows_it(seed, client):
    response, reads = estimate_reads(client, CASUALTIES)
    # The estimates it states come with its revision: only the later ones are read.
    assert len(reads) == 1
    assert "The figure claimed is National Intelligence Service (NIS)’s estimate" in page_text(
        response
    )
    assert Claim.objects.get(slug=CLAIM.casualties).estimates.count() == 1
