"""Unpublished claims answer 404 everywhere and appear nowhere readers or machines look."""

import re

import pytest

from claims.models import Claim
from tests.factories import (
    make_claim,
    make_evidence,
    make_published_claim,
    make_source,
    publish_draft,
    sitemap_pages,
)
from tests.seed import CLAIM, SOURCE

# Words from each unpublished seed claim, to search for it by.
SEARCHES = ["repatriated", "cremated", "treaty", "increase", "lethal", "humanitarian"]


def unpublished_slugs():
    return list(Claim.objects.filter(is_published=False).values_list("slug", flat=True))


def public_urls(client):
    """Every public page and document that lists claims, source pages included."""
    urls = ["/", "/?page=1", "/feed/", "/sitemap.xml", "/claims.json", "/methodology/"]
    urls += [f"/?q={word}" for word in SEARCHES]
    urls += [f"/?verdict={verdict}" for verdict in ["unverified", "corroborated"]]
    pages = sitemap_pages(client)
    urls += pages
    for page in pages:
        urls += re.findall(r"<loc>https?://[^/]+(/sources/[^<]+)</loc>", client.get(page).text)
    return urls


def test_every_unpublished_seed_claim_answers_404(seed, client):
    slugs = unpublished_slugs()
    assert len(slugs) == 5
    for slug in slugs:
        assert client.get(f"/claims/{slug}/").status_code == 404


def test_no_unpublished_seed_claim_appears_in_any_list_feed_sitemap_json_or_source_page(
    seed, client
):
    slugs = unpublished_slugs()
    urls = public_urls(client)
    assert f"/sources/{SOURCE.nis}/" in urls
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        content = response.content.decode()
        for slug in slugs:
            assert slug not in content, (slug, url)


def test_searching_for_an_unpublished_claim_finds_nothing(seed, client):
    for word in SEARCHES:
        response = client.get("/", {"q": word})
        assert "0 verdicts" in response.content.decode(), word


def test_unpublishing_a_claim_takes_it_off_every_page(seed, client, publisher):
    for url in [f"/claims/{CLAIM.kursk}/", "/", "/feed/", f"/sources/{SOURCE.north_korea}/"]:
        assert client.get(url).status_code == 200, url
    Claim.objects.get(slug=CLAIM.kursk).unpublish(
        by=publisher,
        note="Withdrawn pending a legal review.",
        public_note="We withdrew this verdict while we check it again.",
    )
    assert not Claim.objects.get(slug=CLAIM.kursk).is_published
    # Its address tells readers it was withdrawn, and nothing of the verdict.
    notice = client.get(f"/claims/{CLAIM.kursk}/")
    assert notice.status_code == 410
    assert "We withdrew this verdict while we check it again." in notice.content.decode()
    assert "Corroborated" not in notice.content.decode()
    for url in ["/", *sitemap_pages(client), "/claims.json", f"/sources/{SOURCE.nis}/"]:
        assert CLAIM.kursk not in client.get(url).content.decode(), url
    # The feed tells its readers of the withdrawal, and of nothing else of it.
    feed = client.get("/feed/").content.decode()
    assert feed.count(CLAIM.kursk) == 2  # the withdrawal's link and id
    assert f"/claims/{CLAIM.kursk}/#withdrawn" in feed
    # North Korea's government backed only that claim: its page goes too.
    assert client.get(f"/sources/{SOURCE.north_korea}/").status_code == 404


@pytest.mark.django_db
def test_a_source_seen_only_on_unpublished_claims_answers_404(editor, client):
    secret = make_source("Confidential informant")
    claim = make_claim(editor, claimant=make_source("Minister"))
    make_evidence(claim, secret)
    assert client.get("/sources/confidential-informant/").status_code == 404
    assert client.get("/sources/minister/").status_code == 404
    for page in sitemap_pages(client):
        assert "confidential-informant" not in client.get(page).content.decode()


@pytest.mark.django_db
def test_sources_become_visible_with_the_published_claim_they_back(editor, client):
    agency = make_source("Agency")
    claim = make_published_claim(editor, claimant=make_source("Minister"))
    make_evidence(claim, make_source("Wire"), origin=agency)
    # Evidence added to a published claim is a draft until a revision publishes it.
    assert client.get("/sources/minister/").status_code == 200
    for slug in ["agency", "wire"]:
        assert client.get(f"/sources/{slug}/").status_code == 404, slug
    publish_draft(claim, editor)
    for slug in ["agency", "minister", "wire"]:
        assert client.get(f"/sources/{slug}/").status_code == 200, slug


@pytest.mark.django_db
def test_unknown_source_answers_404(client):
    assert client.get("/sources/nobody/").status_code == 404


def test_public_pages_only_answer_get_and_head(seed, client):
    for url in ["/", f"/claims/{CLAIM.casualties}/", f"/sources/{SOURCE.nis}/", "/claims.json"]:
        assert client.post(url).status_code == 405, url
        assert client.head(url).status_code == 200, url
