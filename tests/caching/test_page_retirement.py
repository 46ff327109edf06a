"""
A change retires the cached pages that show what it changed, and only those:
publishing a revision of one claim leaves every other claim's verdict page
cached, while each page that shows the claim is rendered again. A draft edit
retires nothing, since no public page shows it. Source edits (their own
pages), figure estimates, restores and shell edits retire what they show too.
"""

import json
import re
from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from claims.caching import cached_page, current_versions, page_cache_key
from claims.choices import Action, CaveatKind, ClaimStatus
from claims.models import Caveat, Claim, ContentVersion, Estimate, Evidence, Figure, Source
from tests.factories import make_published_claim, make_source, page_text, publish_changes
from tests.seed import CLAIM, FIGURE, SOURCE

CASUALTIES = f"/claims/{CLAIM.casualties}/"
DEATHS = f"/claims/{CLAIM.deaths}/"
KURSK = f"/claims/{CLAIM.kursk}/"
SYMPATHISERS = f"/claims/{CLAIM.sympathisers}/"
NEW_HEADLINE = "About 4,700 North Koreans killed or hurt fighting for Moscow"


@pytest.fixture
def seed_publisher(seed):
    """The seed's reviewer, also a publisher; the seed's claims were entered by its editor."""
    return get_user_model().objects.get(username="reviewer")


def is_cached(path):
    """Whether a page for `path` is cached under the content versions current now."""
    return (
        cached_page(page_cache_key(RequestFactory().get(path)), current_versions(path)) is not None
    )


def served_from_cache(client, path):
    """Fetch `path`; whether it was served with nothing but the one version read."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return len(queries) == 1 and "claims_contentversion" in queries[0]["sql"]


def without_nonce(content):
    return re.sub(rb'nonce="[^"]+"', b'nonce=""', content).replace(b"nonce-", b"")


def fresh_render(client, settings, path, **headers):
    """The page as rendered now, from the database alone: no page cache, no fragments."""
    settings.PUBLIC_PAGE_CACHE = False
    try:
        return client.get(path, headers=headers)
    finally:
        settings.PUBLIC_PAGE_CACHE = True


def revise_headline(claim, publisher):
    """Draft a new headline, then publish it (the seed's claims were entered by its editor)."""
    claim.headline = NEW_HEADLINE
    claim.save()
    claim.transition(
        Action.PUBLISH_CHANGES,
        by=publisher,
        note="Shorter.",
        public_note="We shortened the headline.",
    )


def versions():
    return dict(ContentVersion.objects.values_list("name", "token"))


def test_an_edit_to_one_claim_leaves_another_claims_page_cached(
    seed, client, page_cache, seed_publisher
):
    for path in [CASUALTIES, KURSK, SYMPATHISERS]:
        client.get(path)
    Claim.objects.get(slug=CLAIM.kursk).reopen(
        by=seed_publisher, note="Checking a report.", public_note="We are checking again."
    )
    assert not is_cached(KURSK)
    assert is_cached(CASUALTIES) and is_cached(SYMPATHISERS)
    assert served_from_cache(client, CASUALTIES)
    assert served_from_cache(client, SYMPATHISERS)
    assert "Under review" in page_text(client.get(KURSK))
    assert Claim.objects.get(slug=CLAIM.kursk).status == ClaimStatus.IN_REVIEW


# Each page that shows the 4,700 claim, and what it shows of its new headline.
PAGES_SHOWING_THE_CLAIM = {
    "verdict page": (CASUALTIES, NEW_HEADLINE),
    "list": ("/", NEW_HEADLINE),
    "filters": ("/?verdict=unverified", NEW_HEADLINE),
    "htmx results": ("/?verdict=unverified&page=1", NEW_HEADLINE),
    "feed": ("/feed/", NEW_HEADLINE),
    "claims.json": ("/claims.json", NEW_HEADLINE),
    "claimant's page": (f"/sources/{SOURCE.nis}/", NEW_HEADLINE),
    "evidence source's page": (f"/sources/{SOURCE.rok_lawmakers}/", NEW_HEADLINE),
    "figure page": (f"/figures/{FIGURE.casualties}/", NEW_HEADLINE),
}


@pytest.mark.parametrize("kind", PAGES_SHOWING_THE_CLAIM)
def test_a_published_revision_retires_each_page_that_shows_the_claim(
    seed, client, page_cache, settings, seed_publisher, kind
):
    path, shown = PAGES_SHOWING_THE_CLAIM[kind]
    headers = {"HX-Request": "true"} if kind == "htmx results" else {}
    assert shown not in client.get(path, headers=headers).content.decode()
    assert is_cached(path) or headers
    revise_headline(Claim.objects.get(slug=CLAIM.casualties), seed_publisher)
    assert not is_cached(path)
    cached = client.get(path, headers=headers)
    assert shown in cached.content.decode()
    again = client.get(path, headers=headers)
    assert without_nonce(again.content) == without_nonce(
        fresh_render(client, settings, path, **headers).content
    )
    assert Claim.objects.get(slug=CLAIM.casualties).headline == NEW_HEADLINE


def test_a_draft_edit_retires_no_page(seed, client, page_cache, editor):
    paths = [path for path, _ in PAGES_SHOWING_THE_CLAIM.values()]
    for path in paths:
        client.get(path)
    before = versions()
    claim = Claim.objects.get(slug=CLAIM.casualties)
    claim.headline = NEW_HEADLINE
    claim.save()
    Caveat.objects.create(claim=claim, kind=CaveatKind.OTHER, text="Nobody else has counted.")
    Evidence.objects.filter(claim=claim).update(title="Retitled")
    Estimate.objects.filter(figure__slug=FIGURE.deaths).first().claims.add(claim)
    assert versions() == before
    for path in paths:
        assert served_from_cache(client, path), path
    assert Claim.objects.get(pk=claim.pk).has_draft_changes()


def test_unpublishing_a_claim_retires_the_sitemap(
    seed, client, page_cache, settings, seed_publisher
):
    client.get("/sitemap.xml")
    before = client.get("/sitemap-claims.xml").content
    claim = Claim.objects.get(slug=CLAIM.casualties)
    claim.unpublish(by=seed_publisher, note="Pending a source.", public_note="Withdrawn.")
    assert not is_cached("/sitemap.xml")
    after = client.get("/sitemap-claims.xml").content
    assert CLAIM.casualties.encode() in before
    assert CLAIM.casualties.encode() not in after
    assert after == fresh_render(client, settings, "/sitemap-claims.xml").content
    assert not Claim.objects.get(pk=claim.pk).is_published


def test_a_source_edit_retires_its_own_page_and_no_verdict_shows_it(seed, client, page_cache):
    untouched = [KURSK, "/", SYMPATHISERS, f"/sources/{SOURCE.unnamed_commenter}/"]
    for path in [f"/sources/{SOURCE.nis}/", CASUALTIES, *untouched]:
        client.get(path)
    nis = Source.objects.get(slug=SOURCE.nis)
    nis.name = "South Korea's spy agency"
    nis.save()
    assert not is_cached(f"/sources/{SOURCE.nis}/")
    assert "South Korea's spy agency" in page_text(client.get(f"/sources/{SOURCE.nis}/"))
    # Its estimates' figures compare later estimates on the verdicts stating them:
    # those are rendered again, and still name the claimant as published.
    assert "South Korea's spy agency" not in page_text(client.get(CASUALTIES))
    for path in untouched:
        assert served_from_cache(client, path), path
    assert Source.objects.get(slug=SOURCE.nis).name == "South Korea's spy agency"


def test_a_new_source_retires_no_page_until_a_published_revision_names_it(
    seed, client, page_cache, seed_publisher
):
    pages = [CASUALTIES, f"/sources/{SOURCE.nis}/", "/"]
    for path in pages:
        client.get(path)
    versions = dict(ContentVersion.objects.values_list("name", "token"))
    nis = Source.objects.get(slug=SOURCE.nis)
    added = Source.objects.create(
        name="NIS press office", slug="nis-press-office", affiliation=nis.affiliation
    )
    # Not public yet: its page is not found, and no page that was cached changed.
    assert client.get("/sources/nis-press-office/").status_code == 404
    assert dict(ContentVersion.objects.values_list("name", "token")) == versions
    for path in pages:
        assert served_from_cache(client, path), path

    claim = Claim.objects.get(slug=CLAIM.casualties)
    Evidence.objects.create(
        claim=claim, source=added, origin=nis, stance="supports", title="Press office note"
    )
    assert dict(ContentVersion.objects.values_list("name", "token")) == versions
    assert client.get("/sources/nis-press-office/").status_code == 404
    publish_changes(claim, seed_publisher, "We added the press office's note.")
    assert "NIS press office" in page_text(client.get(CASUALTIES))
    assert "NIS press office" in page_text(client.get(f"/sources/{SOURCE.nis}/"))
    assert client.get("/sources/nis-press-office/").status_code == 200


def test_an_affiliation_edit_retires_the_pages_of_its_sources(seed, client, page_cache):
    for path in [KURSK, f"/sources/{SOURCE.kcna}/", SYMPATHISERS]:
        client.get(path)
    north_korea = Source.objects.get(slug=SOURCE.kcna).affiliation
    north_korea.name = "Government of the DPRK"
    north_korea.save()
    assert "Government of the DPRK" in page_text(client.get(f"/sources/{SOURCE.kcna}/"))
    # The verdict names origins as its revision published them.
    assert served_from_cache(client, KURSK)
    assert "Government of the DPRK" not in page_text(client.get(KURSK))
    assert served_from_cache(client, SYMPATHISERS)
    assert Source.objects.get(slug=SOURCE.kcna).affiliation.name == "Government of the DPRK"


def test_a_figures_new_estimate_retires_its_page_and_the_verdict_pages_stating_it(
    seed, client, page_cache, settings
):
    figure_page = f"/figures/{FIGURE.casualties}/"
    for path in [figure_page, CASUALTIES, DEATHS, KURSK]:
        client.get(path)
    figure = Figure.objects.get(slug=FIGURE.casualties)
    Estimate.objects.create(
        figure=figure,
        origin=Source.objects.get(slug=SOURCE.nis),
        stated_on=date(2025, 10, 1),
        low=6_100,
        qualifier="about",
        url="https://news.example/nis-october",
        excerpt="about 6,100 casualties",
    )
    assert not is_cached(figure_page) and not is_cached(CASUALTIES)
    assert "6,100" in page_text(client.get(figure_page))
    assert "6,100" in page_text(client.get(CASUALTIES))
    # The 600 claim states the other figure; the Kursk claim states none.
    assert served_from_cache(client, DEATHS)
    assert served_from_cache(client, KURSK)
    assert figure.estimates.filter(low=6_100).exists()


def test_publishing_a_stated_estimate_retires_the_claims_page_and_the_figures(
    seed, client, page_cache, seed_publisher
):
    figure_page = f"/figures/{FIGURE.deaths}/"
    for path in [figure_page, KURSK, SYMPATHISERS]:
        client.get(path)
    estimate = Estimate.objects.filter(figure__slug=FIGURE.deaths).first()
    estimate.claims.add(Claim.objects.get(slug=CLAIM.kursk))
    assert served_from_cache(client, figure_page) and served_from_cache(client, KURSK)
    publish_changes(
        Claim.objects.get(slug=CLAIM.kursk), seed_publisher, "We added the estimate it states."
    )
    assert not is_cached(figure_page) and not is_cached(KURSK)
    assert "North Korea has sent troops" in page_text(client.get(figure_page))
    assert served_from_cache(client, SYMPATHISERS)
    assert estimate.claims.filter(slug=CLAIM.kursk).exists()


def test_a_revision_retires_the_pages_of_the_sources_it_stops_naming(
    seed, client, page_cache, settings, seed_publisher
):
    for path in [CASUALTIES, KURSK, f"/sources/{SOURCE.rok_lawmakers}/"]:
        client.get(path)
    claim = Claim.objects.get(slug=CLAIM.casualties)
    Caveat.objects.create(claim=claim, kind=CaveatKind.OTHER, text="Nobody else has counted.")
    item = Evidence.objects.filter(claim=claim, source__slug=SOURCE.rok_lawmakers).first()
    item.source = Source.objects.get(slug=SOURCE.kbs)
    item.save()
    assert "Nobody else has counted." not in page_text(client.get(CASUALTIES))
    publish_changes(claim, seed_publisher, "We corrected who reported the briefing.")
    assert "Nobody else has counted." in page_text(client.get(CASUALTIES))
    # The item left the lawmakers' page: their page is retired with the claim's.
    assert not is_cached(f"/sources/{SOURCE.rok_lawmakers}/")
    for path in [f"/sources/{SOURCE.rok_lawmakers}/", f"/sources/{SOURCE.kbs}/"]:
        assert page_text(client.get(path)) == page_text(fresh_render(client, settings, path))
    assert served_from_cache(client, KURSK)
    assert Evidence.objects.get(pk=item.pk).source.slug == SOURCE.kbs


def test_a_restore_retires_every_page(seed, client, page_cache, tmp_path):
    client.get(CASUALTIES)
    client.get(SYMPATHISERS)
    nis = json.loads(
        call_command_output("dumpdata", "claims.source", "--natural-primary", "--natural-foreign")
    )
    for row in nis:
        if row["fields"]["slug"] == SOURCE.nis:
            row["fields"]["name"] = "National Intelligence Service (restored)"
    fixture = tmp_path / "sources.json"
    fixture.write_text(json.dumps(nis))
    call_command("loaddata", str(fixture), verbosity=0)
    assert not is_cached(CASUALTIES) and not is_cached(SYMPATHISERS)
    assert "National Intelligence Service (restored)" in page_text(
        client.get(f"/sources/{SOURCE.nis}/")
    )
    assert Source.objects.get(slug=SOURCE.nis).name == "National Intelligence Service (restored)"


def test_restored_content_versions_never_bring_back_a_page_cached_under_them(
    seed, client, page_cache, tmp_path, seed_publisher
):
    client.get(CASUALTIES)
    tokens = tmp_path / "versions.json"
    tokens.write_text(call_command_output("dumpdata", "claims.contentversion"))
    revise_headline(Claim.objects.get(slug=CLAIM.casualties), seed_publisher)
    # A restore of the versions alone, as from a backup taken before the edit.
    call_command("loaddata", str(tokens), verbosity=0)
    assert not is_cached(CASUALTIES)
    assert NEW_HEADLINE in page_text(client.get(CASUALTIES))
    assert ContentVersion.objects.filter(name="public").exists()


def call_command_output(*args):
    from io import StringIO

    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_a_shell_edit_outside_any_transaction_retires_the_pages_that_show_it(
    transactional_db, client, page_cache, editor
):
    """In a shell's autocommit the edit commits first; its pages are retired right after."""
    agency = make_source("Agency", affiliation="Government A")
    make_published_claim(editor, claimant=agency, headline="The agency says so")
    path = agency.get_absolute_url()
    assert "Agency" in page_text(client.get(path))
    assert is_cached(path)
    agency.name = "The Agency"
    agency.save()
    affiliation = agency.affiliation
    affiliation.name = "Government of A"
    affiliation.save()
    assert not is_cached(path)
    page = page_text(client.get(path))
    assert "The Agency" in page
    assert "Government of A" in page
    assert Source.objects.get(pk=agency.pk).name == "The Agency"
