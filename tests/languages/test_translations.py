"""
A claim's record in another language is a published revision in it: drafted
by one person, published by another, shown only once published, and never
silently out of date.
"""

import html
import re
from types import SimpleNamespace

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.utils.translation import override

from claims.choices import Action
from claims.invariants import find_violations
from claims.models import Claim, ReviewEvent, Revision, Translation
from claims.views import language_versions
from claims.workflow import WorkflowError, WorkflowForbidden
from tests.claimreview_documents import claimreview_of
from tests.factories import (
    forget_cached_pages,
    make_published_claim,
    make_user,
    page_text,
    publish_changes,
    sitemap_pages,
    translate,
)
from tests.seed import CLAIM

CASUALTIES = f"/claims/{CLAIM.casualties}/"
DRAFT_MARK = "초안표지"


@pytest.fixture
def other_publisher(db):
    return make_user("second-publisher", "Publishers")


def korean_revisions(claim):
    return Revision.objects.filter(claim=claim, language="ko")


def test_one_person_cannot_publish_a_translation_they_drafted(editor, publisher, other_publisher):
    claim = make_published_claim(editor)
    draft = translate(claim, drafted_by=publisher)
    with pytest.raises(WorkflowForbidden, match="You drafted this translation"):
        draft.publish(by=publisher)
    assert not korean_revisions(claim).exists()
    revision = draft.publish(by=other_publisher)
    assert revision.translation_of == Revision.objects.current().get(claim=claim)
    assert (revision.language, revision.number, revision.is_current) == ("ko", 1, True)
    event = ReviewEvent.objects.get(claim=claim, action=Action.PUBLISH_TRANSLATION)
    assert (event.actor, event.revision_digest) == (other_publisher, revision.digest)
    assert not Translation.objects.get(pk=draft.pk).drafted_by.exists()
    assert [str(v) for v in find_violations() if "translation" in v.rule] == []


def test_a_translator_drafts_but_cannot_publish(editor, translator, publisher):
    claim = make_published_claim(editor)
    draft = translate(claim, drafted_by=translator)
    with pytest.raises(WorkflowForbidden, match="Only a publisher"):
        draft.publish(by=translator)
    assert not korean_revisions(claim).exists()
    assert list(draft.drafted_by.all()) == [translator]


def test_an_incomplete_translation_is_refused_and_nothing_changes(editor, translator, publisher):
    claim = make_published_claim(editor)
    draft = translate(claim, drafted_by=translator, headline="")
    version = Claim.objects.get(pk=claim.pk).version
    with pytest.raises(WorkflowError, match="Headline"):
        draft.publish(by=publisher)
    assert not korean_revisions(claim).exists()
    assert Claim.objects.get(pk=claim.pk).version == version


@pytest.mark.django_db
def test_an_unpublished_translation_is_on_no_public_surface(client, editor, translator):
    claim = make_published_claim(editor, verdict_summary="Why, for readers.")
    translate(claim, drafted_by=translator, headline=f"{DRAFT_MARK} 제목", summary=DRAFT_MARK)
    forget_cached_pages()
    address = f"/claims/{claim.slug}/"
    korean = client.get(f"/ko{address}")
    # No Korean version: the Korean address shows the original, saying so,
    # and sends search engines to the original's address.
    assert korean.status_code == 200
    assert "translation-banner--missing" in korean.content.decode()
    assert claim.headline in page_text(korean)
    canonical = re.search(r'<link rel="canonical" href="([^"]+)"', korean.content.decode())
    assert canonical[1].endswith(address)
    assert "/ko/" not in canonical[1]
    surfaces = [
        address,
        f"/ko{address}",
        "/",
        "/ko/",
        "/feed/",
        "/ko/feed/",
        "/claims.json",
        "/ko/claims.json",
        *sitemap_pages(client),
    ]
    for surface in surfaces:
        assert DRAFT_MARK not in client.get(surface).content.decode(), surface
    # The switcher on the English page says there is no Korean version.
    assert "/ko" + address not in client.get(address).content.decode()
    assert not korean_revisions(claim).exists()


def test_the_korean_page_shows_the_published_translation_labelled_as_one(client, seed):
    page = client.get(f"/ko{CASUALTIES}")
    text = page_text(page)
    assert page.status_code == 200
    korean = Revision.objects.current_translations("ko").get(claim__slug=CLAIM.casualties)
    assert korean.document["headline"] in text
    # The wording stays as made, with the desk's translation beside it.
    original = Revision.objects.current().get(claim__slug=CLAIM.casualties)
    assert original.document["wording"] in text
    assert korean.document["wording_translation"] in text
    assert "translation-banner--out-of-date" not in page.content.decode()
    # The English page's switcher leads to it.
    assert f'href="/ko{CASUALTIES}"' in client.get(CASUALTIES).content.decode()


def test_a_new_original_revision_marks_the_translation_out_of_date_until_it_is_translated(
    client, seed, publisher, other_publisher
):
    claim = Claim.objects.get(slug=CLAIM.casualties)
    Claim.objects.filter(pk=claim.pk).update(verdict_summary="A new explanation.")
    publish_changes(claim, other_publisher, public_note="We rewrote the summary.")
    forget_cached_pages()
    page = client.get(f"/ko{CASUALTIES}")
    assert "translation-banner--out-of-date" in page.content.decode()
    assert f'href="{CASUALTIES}"' in page.content.decode()
    # The new correction is shown in the original, marked with its language.
    assert '<span lang="en">We rewrote the summary.</span>' in page.content.decode()
    versions = language_versions(CLAIM.casualties, "ko")
    assert versions.is_out_of_date
    translate(claim, drafted_by=publisher, published_by=other_publisher)
    forget_cached_pages()
    page = client.get(f"/ko{CASUALTIES}")
    assert "translation-banner--out-of-date" not in page.content.decode()
    assert not language_versions(CLAIM.casualties, "ko").is_out_of_date
    assert find_violations() == []


def test_the_rating_shown_in_korean_is_always_the_current_one(seed, reviewer):
    claim = Claim.objects.get(slug=CLAIM.kursk)
    claim.reopen(by=reviewer, note="New reports.", public_note="We are looking again.")
    versions = language_versions(CLAIM.kursk, "ko")
    record = versions.record()
    assert versions.is_out_of_date
    assert record.public_status == versions.original.document["status"] or record.is_under_review
    assert record.status == Claim.objects.get(pk=claim.pk).status
    # The old translation's words stay, under the current state.
    assert record.headline == versions.translation.document["headline"]


def test_a_tampered_translation_is_named_by_the_invariants(seed):
    korean = Revision.objects.current_translations("ko").get(claim__slug=CLAIM.kursk)
    document = korean.document | {"rating": "false", "status": "false"}
    Revision.objects.filter(pk=korean.pk).update(document=document)
    problems = [str(violation) for violation in find_violations()]
    assert any("ko translation 1" in problem for problem in problems)


def test_the_verdict_page_reads_as_many_queries_in_any_language(client, seed):
    forget_cached_pages()
    with CaptureQueriesContext(connection) as english:
        assert client.get(CASUALTIES).status_code == 200
    forget_cached_pages()
    with CaptureQueriesContext(connection) as korean:
        assert client.get(f"/ko{CASUALTIES}").status_code == 200
    assert len(korean) == len(english)


def test_the_korean_feed_carries_the_korean_versions_under_the_current_rating(client, seed):
    forget_cached_pages()
    feed = client.get("/ko/feed/").content.decode()
    korean = Revision.objects.current_translations("ko").get(claim__slug=CLAIM.kursk)
    assert korean.document["headline"] in feed
    assert f"/ko/claims/{CLAIM.kursk}/" in feed
    english = client.get("/feed/").content.decode()
    assert korean.document["headline"] not in english
    assert Revision.objects.current_translations("ko").count() == 4


def test_a_withdrawn_claim_is_withdrawn_once_in_every_language(
    client, seed, publisher, other_publisher
):
    claim = Claim.objects.get(slug=CLAIM.kursk)
    # More Korean revisions than English ones: each language is numbered apart.
    for _ in range(3):
        translate(claim, drafted_by=publisher, published_by=other_publisher)
    korean_headline = (
        Revision.objects.current_translations("ko").get(claim=claim).document["headline"]
    )
    claim = Claim.objects.get(pk=claim.pk)
    claim.unpublish(by=publisher, note="Legal asked.", public_note="We are checking.")
    forget_cached_pages()
    withdrawn = list(Revision.objects.withdrawals().filter(claim=claim))
    assert [revision.translation_of for revision in withdrawn] == [None]
    assert client.get(f"/ko/claims/{CLAIM.kursk}/").status_code == 410
    for feed in ("/feed/", "/ko/feed/"):
        content = client.get(feed).content.decode()
        assert content.count(f'claims/{CLAIM.kursk}/#withdrawn"') == 1, feed
        assert korean_headline not in content, feed


def test_claims_json_lists_each_language_under_the_current_rating_and_no_withdrawn_claim(
    client, seed, publisher, reviewer
):
    def korean_review(slug):
        listed = client.get("/claims.json").json()["claimReviews"]
        found = [item for item in listed if item["url"].endswith(f"/ko/claims/{slug}/")]
        return found[0] if found else None

    assert korean_review(CLAIM.kursk)["reviewRating"]["alternateName"] == "사실 확인됨"
    claim = Claim.objects.get(slug=CLAIM.kursk)
    # A new state of the original changes the rating the old translation's carries.
    claim.reopen(by=reviewer, note="New reports.", public_note="We are looking again.")
    forget_cached_pages()
    review = korean_review(CLAIM.kursk)
    assert review == claimreview_of(client, CLAIM.kursk, language="ko")
    # The translation is of the earlier revision; the review is the page's, under the new state.
    korean = Revision.objects.current_translations("ko").get(claim=claim)
    assert not korean.translation_of.is_current
    assert review["datePublished"] and review["inLanguage"] == "ko"
    assert korean_review(CLAIM.deaths) is not None
    claim = Claim.objects.get(slug=CLAIM.deaths)
    claim.unpublish(by=publisher, note="Legal asked.", public_note="We are checking.")
    forget_cached_pages()
    assert korean_review(CLAIM.deaths) is None
    assert Revision.objects.current_translations("ko").filter(claim=claim).exists()


def test_the_out_of_date_notice_points_down_to_the_verdict_it_stands_above(
    client, seed, other_publisher
):
    claim = Claim.objects.get(slug=CLAIM.casualties)
    Claim.objects.filter(pk=claim.pk).update(verdict_summary="A new explanation.")
    publish_changes(claim, other_publisher, public_note="We rewrote the summary.")
    forget_cached_pages()
    body = client.get(f"/ko{CASUALTIES}").content.decode()
    notice = body.index("translation-banner--out-of-date")
    # The notice is above the fold, over the verdict: it says so.
    assert notice < body.index('class="verdict ')
    assert "아래에 보이는 판정은 현재의 것" in body
    assert "위의 판정은 현재의 것" not in body
    assert language_versions(CLAIM.casualties, "ko").is_out_of_date
    # An English translation of a Korean claim says it the same way.
    state = SimpleNamespace(
        missing=False, out_of_date=True, original_language="ko", original_url="/ko/"
    )
    with override("en"):
        banner = render_to_string("claims/translation_banner.html", {"translation": state})
    assert "The verdict shown below is the current one" in banner
    assert "above" not in banner


def evidence_titles(body):
    """Each evidence title of a verdict page as (its lang attribute or "", its text)."""
    found = re.findall(r'<p class="item__title"(?: lang="([a-z]+)")?>(.*?)</p>', body, flags=re.S)
    return [(lang, re.sub(r"<[^>]+>", "", text).strip()) for lang, text in found]


def test_evidence_titles_are_translated_and_an_untranslated_one_keeps_its_language(
    client, seed, translator, other_publisher
):
    claim = Claim.objects.get(slug=CLAIM.kursk)
    items = Revision.objects.current().get(claim=claim).document["evidence"]
    first, second = items[0], items[1]
    translate(
        claim,
        drafted_by=translator,
        published_by=other_publisher,
        **{
            f"evidence.{first['id']}.title": "한국어로 옮긴 제목",
            f"evidence.{second['id']}.title": "",
        },
    )
    korean = Revision.objects.current_translations("ko").get(claim=claim)
    shown = {item["id"]: item for item in korean.document["evidence"]}
    assert (shown[first["id"]]["title"], shown[first["id"]]["title_language"]) == (
        "한국어로 옮긴 제목",
        "ko",
    )
    assert (shown[second["id"]]["title"], shown[second["id"]]["title_language"]) == (
        second["title"],
        "en",
    )
    forget_cached_pages()
    titles = evidence_titles(client.get(f"/ko/claims/{CLAIM.kursk}/").content.decode())
    assert ("", "한국어로 옮긴 제목") in titles
    assert ("en", html.escape(second["title"], quote=True)) in titles
    assert find_violations() == []


def test_a_translation_published_before_titles_could_be_shows_them_in_the_original_language(
    client, seed
):
    claim = Claim.objects.get(slug=CLAIM.kursk)
    korean = Revision.objects.current_translations("ko").get(claim=claim)
    assert all("title_language" not in item for item in korean.document["evidence"])
    body = client.get(f"/ko/claims/{CLAIM.kursk}/").content.decode()
    titles = evidence_titles(body)
    assert titles
    assert all(lang == "en" for lang, _title in titles)
    # Quotes stay as said, marked so, from the cached fragment as from a fresh one.
    quotes = re.findall(r'<blockquote class="item__excerpt"[^>]*>', body)
    assert quotes
    assert all('lang="en"' in quote for quote in quotes)
    assert Revision.objects.current_translations("ko").get(claim=claim).pk == korean.pk
