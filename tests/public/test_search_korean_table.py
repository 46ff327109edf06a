"""
Readers find claims by the words they type in Korean and English, and by what
they remember of a story (its evidence, sources, estimates and corrections),
and both databases find the same ones: this table runs on SQLite and, with
DATABASE_URL set, on PostgreSQL.

The story is built once for the module (a transaction around its tests,
rolled back at its end; each test rolls back its own changes inside it):
six published claims, five of them with a Korean version beside the English
one, and a draft. Each row names the claims the search must find and those it
must not, by their key in STORY.
"""

import io
from datetime import date

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from claims.analysis import korean_stem, normalise_numbers, raw_words, read_number
from claims.models import Correction, RelatedWords, Revision
from claims.search import mixes_scripts, parse
from tests.factories import (
    make_claim,
    make_evidence,
    make_published_claim,
    make_source,
    make_user,
    publish_draft,
    publish_translation,
)
from tests.figure_data import make_estimate, make_figure

A, B, C, D, E, F, G = "toll", "dead", "kursk", "sent", "officers", "sympathisers", "draft"
PUBLISHED = {A, B, C, D, E, F}
KOREAN_VERSIONS = {A, B, C, D, E}
STORY = {
    A: "ko-toll-4700",
    B: "ko-dead-600",
    C: "ko-troops-in-kursk",
    D: "ko-troops-15000",
    E: "ko-officers-killed",
    F: "ko-sympathisers",
    G: "ko-remains-cremated",
}


@pytest.fixture(scope="module")
def story(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        build_story()
        yield STORY
        transaction.set_rollback(True)


def build_story():
    editor = make_user("story-editor", "Editors")
    nis = make_source("National Intelligence Service", slug="ko-intelligence-service")
    zelensky = make_source("Volodymyr Zelensky", slug="ko-president-of-ukraine")
    kcna = make_source("Korean Central News Agency", slug="ko-central-news-agency")
    commenter = make_source("A commenter", slug="ko-a-commenter")
    make_source("Unnamed briefer", slug="ko-unnamed-briefer")  # named by no published claim

    toll = make_claim(
        editor,
        slug=STORY[A],
        headline="About 4,700 North Korean soldiers killed or wounded",
        wording="The NIS told lawmakers that about 4,700 North Korean soldiers have been "
        "killed or wounded fighting for Russia.",
        verdict_summary="Only the NIS has given this figure.",
        claimant=nis,
    )
    make_evidence(
        toll,
        zelensky,
        title="Zelensky: North Korean losses mount",
        excerpt="3,000 North Korean soldiers killed or wounded",
    )
    publish_new(toll, editor)
    publish_translation(
        toll,
        editor,
        headline="북한군 사상자 약 4,700명",
        wording="국정원(NIS)은 러시아를 위해 싸우던 북한군 약 4,700명이 죽거나 다쳤다고 "
        "국회 정보위원회에 보고했다.",
        summary="이 수치는 국정원만 내놓았다.",
        claimant_name="국가정보원",
        evidence_titles=["젤렌스키 대통령: 북한군 손실 늘어"],
        evidence_excerpts=["북한군 3천 명 사상"],
        evidence_sources=["볼로디미르 젤렌스키"],
    )

    dead = make_published_claim(
        editor,
        slug=STORY[B],
        headline="About 600 North Korean soldiers have died",
        wording="The NIS said about 600 of the North Korean soldiers sent to Russia have died.",
        claimant=nis,
    )
    Correction.objects.create(
        claim=dead,
        note="On 2 September 2025 the NIS put the death toll at about 2,000.",
        published_at=timezone.now(),
    )
    publish_draft(dead, editor)
    publish_translation(
        dead,
        editor,
        headline="북한군 약 600명 사망",
        wording="국정원은 러시아에 파병된 북한군 가운데 약 600명이 사망했다고 밝혔다.",
        claimant_name="국가정보원",
        correction_notes=["국정원은 2025년 9월 2일 사망자를 약 2천 명으로 늘려 잡았다."],
    )

    kursk = make_claim(
        editor,
        slug=STORY[C],
        headline="North Korea sent troops to the Kursk region",
        wording="North Korean troops fight for Russia in the Kursk region.",
        claimant=nis,
    )
    make_evidence(
        kursk,
        kcna,
        title="KCNA confirms the deployment",
        excerpt="units of our armed forces took part in the liberation of Kursk",
    )
    figure = make_figure(
        "North Korean casualties", slug="ko-north-korean-casualties", short_name="the losses"
    )
    make_estimate(figure, origin=zelensky, stated_on=date(2025, 2, 1), low=3000).claims.add(kursk)
    publish_new(kursk, editor)
    publish_translation(
        kursk,
        editor,
        headline="북한군, 러시아 쿠르스크에 파병",
        wording="북한은 러시아 쿠르스크 지역에 군대를 보냈다.",
        claimant_name="국가정보원",
        evidence_titles=["조선중앙통신, 파병 확인"],
    )

    sent = make_published_claim(
        editor,
        slug=STORY[D],
        headline="About 15,000 North Korean troops were sent to Russia",
        wording="The NIS said North Korea has sent about 15,000 soldiers.",
        claimant=nis,
    )
    publish_translation(
        sent,
        editor,
        headline="북한군 1만5천 명 러시아 파병",
        wording="국정원은 북한이 병력 약 1만5천명을 보냈다고 밝혔다.",
        claimant_name="국가정보원",
    )

    officers = make_published_claim(
        editor,
        slug=STORY[E],
        headline="North Korean officers were killed in action",
        wording="Several North Korean officers died in battle near Kursk, Ukraine's "
        "intelligence said.",
        claimant=zelensky,
    )
    publish_translation(
        officers,
        editor,
        headline="북한군 장교 여럿 전사",
        wording="우크라이나 정보당국은 북한군 장교 여러 명이 전사했다고 밝혔다.",
        claimant_name="볼로디미르 젤렌스키",
    )

    make_published_claim(
        editor,
        slug=STORY[F],
        headline="Many North Korea sympathisers live in the South",
        wording="There are many North Korea sympathisers in South Korea.",
        claimant=commenter,
    )
    make_claim(
        editor,
        slug=STORY[G],
        headline="North Korean remains were cremated in Russia",
        wording="북한군 유해는 러시아에서 화장됐다.",
        claimant=make_source("Unnamed briefer"),
    )


def publish_new(claim, editor):
    """Publish `claim` with the evidence and estimates added since it was made."""
    claim.is_published = True
    claim.published_at = timezone.now()
    claim.save(update_fields=["is_published", "published_at"])
    publish_draft(claim, editor)


EVERYONE_BUT = PUBLISHED.__sub__

# query, must find, must not find (the draft is never found: checked on every row)
TABLE = [
    # Particles are stripped: 북한군이, 국정원은, 쿠르스크에서, 러시아를, 정보위원회에.
    ("북한군이", KOREAN_VERSIONS, {F}),
    ("북한군은", KOREAN_VERSIONS, {F}),
    ("국정원은", {A, B, D}, {C, E, F}),
    ("쿠르스크에서", {C}, {A, B, D, E, F}),
    ("러시아를", {A, B, C, D}, {E, F}),
    ("정보위원회에", {A}, EVERYONE_BUT({A})),
    ("다쳤다고", {A}, EVERYONE_BUT({A})),
    # Counters are split from numbers, whatever the number's form.
    ("4700명", {A}, EVERYONE_BUT({A})),
    ("4,700명이", {A}, EVERYONE_BUT({A})),
    ("4천700명", {A}, EVERYONE_BUT({A})),
    ("4천700명이라고", {A}, EVERYONE_BUT({A})),
    # Korean numerals are numbers, in Korean and English text alike.
    ("1만5천", {D}, EVERYONE_BUT({D})),
    ("1만5천명", {D}, EVERYONE_BUT({D})),
    ("15,000명", {D}, EVERYONE_BUT({D})),
    ("2천명", {B}, EVERYONE_BUT({B})),
    ("3천", {A, C}, {B, D, E, F}),
    # Two-syllable words, and a word as the start of a compound: 북한 finds 북한군.
    ("북한", KOREAN_VERSIONS, {F}),
    ("사상", {A}, {B, C, D, E, F}),
    ("파병", {B, C, D}, {A, E, F}),
    # Related words: 사망 and 전사 stand for each other; 사상자 for both and 부상.
    ("사망", {B, E}, {A, C, D, F}),
    ("전사", {B, E}, {A, C, D, F}),
    ("사상자", {A, B, E}, {C, D, F}),
    ("북한 -사망", {A, C, D}, {B, E, F}),
    # Mixed scripts: the words may be in different versions of one claim.
    ("NIS 사상자", {A, B}, {C, D, E, F}),
    ("Kursk 북한군", {C, E}, {A, B, D, F}),
    ("Zelensky 사상자", {A, E}, {B, C, D, F}),
    # Sources and evidence in Korean.
    ("젤렌스키", {A, E}, {B, C, D, F}),
    ("조선중앙통신", {C}, EVERYONE_BUT({C})),
    # What readers remember in English: evidence titles and quotes, sources, estimates.
    ("Zelensky", {A, C, E}, {B, D, F}),
    ("losses mount", {A}, EVERYONE_BUT({A})),
    ("liberation", {C}, EVERYONE_BUT({C})),
    ("Central News Agency", {C}, EVERYONE_BUT({C})),
    ("3,000", {A, C}, {B, D, E, F}),
    # Public corrections.
    ("2,000", {B}, EVERYONE_BUT({B})),
    ("2000", {B}, EVERYONE_BUT({B})),
    # Numbers in English.
    ("4700", {A}, EVERYONE_BUT({A})),
    ("15000", {D}, EVERYONE_BUT({D})),
    # Related words in English: killed, died, dead, deaths; casualties for them and wounded.
    ("killed", {A, B, E}, {D, F}),
    ("died", {A, B, E}, {C, D, F}),
    ("deaths", {A, B, E}, {C, D, F}),
    ("casualties", {A, B, E}, {D, F}),
    ('"killed in action"', {E}, EVERYONE_BUT({E})),
    # Claimants, stems, prefixes and exclusions as before.
    ("NIS", {A, B, D}, {E, F}),
    ("National Intelligence Service", {A, B, C, D}, {E, F}),
    ("sympathiser", {F}, EVERYONE_BUT({F})),
    ("korea", PUBLISHED, set()),
    ("troops -Kursk", {D}, {C, E}),
    ("soldiers -사망", {A, D}, {B, E, F}),
    # A draft is never found, in either language.
    ("cremated", set(), PUBLISHED),
    ("화장", set(), PUBLISHED),
]


@pytest.mark.usefixtures("template_context")
@pytest.mark.parametrize(("query", "must_find", "must_not_find"), TABLE)
def test_readers_find_what_they_type_in_either_language(
    story, db, client, query, must_find, must_not_find
):
    response = client.get("/", {"q": query})
    assert response.status_code == 200
    listed = [revision.slug for revision in response.context["page_obj"]]
    found = {key for key, slug in STORY.items() if slug in listed}
    assert must_find <= found, f"{query!r} missed {must_find - found}"
    assert not found & must_not_find, f"{query!r} found {found & must_not_find}"
    assert G not in found
    # Each claim once, as its original-language revision, whichever version matched.
    assert len(listed) == len(set(listed))
    shown = Revision.objects.filter(
        pk__in=[revision.pk for revision in response.context["page_obj"]]
    )
    assert set(shown.values_list("language", flat=True)) <= {"en"}


def test_the_table_covers_forty_queries_twenty_korean_and_every_published_claim():
    korean = [query for query, _, _ in TABLE if any("\uac00" <= c <= "\ud7a3" for c in query)]
    assert len(TABLE) >= 40
    assert len(korean) >= 20
    assert set().union(*(must_find for _, must_find, _ in TABLE)) == PUBLISHED


@pytest.mark.usefixtures("template_context")
def test_a_korean_query_finds_the_claim_through_its_korean_version(story, db, client):
    response = client.get("/", {"q": "정보위원회에 보고했다"})
    [revision] = response.context["page_obj"]
    assert revision.slug == STORY[A]
    assert revision.language == "en"
    assert Revision.objects.current_translations("ko").filter(claim=revision.claim_id).exists()
    # The card shows the claim's own headline.
    assert "About 4,700 North Korean soldiers killed or wounded" in response.text


@pytest.mark.usefixtures("template_context")
def test_search_lists_the_matching_figures_and_public_sources_beside_the_claims(story, db, client):
    response = client.get("/", {"q": "Zelensky"})
    assert response.context["matching_sources"] == [
        ("/sources/ko-president-of-ukraine/", "Volodymyr Zelensky")
    ]
    assert response.context["matching_figures"] == [
        ("/figures/ko-north-korean-casualties/", "North Korean casualties")
    ]
    assert 'href="/sources/ko-president-of-ukraine/"' in response.text
    assert 'href="/figures/ko-north-korean-casualties/"' in response.text
    # A source no published claim names is not listed, however well it matches.
    response = client.get("/", {"q": "Unnamed briefer"})
    assert response.context["matching_sources"] == []
    assert "/sources/ko-unnamed-briefer/" not in response.text


@pytest.mark.usefixtures("template_context")
def test_editors_extend_the_related_words_and_searches_follow_at_once(story, db, client):
    assert client.get("/", {"q": "파견"}).context["page_obj"].paginator.count == 0
    editor = make_user("words-editor", "Editors")
    client.force_login(editor)
    response = client.post(
        "/admin/claims/relatedwords/add/", {"language": "ko", "words": "파병, 파견", "wider": ""}
    )
    assert response.status_code == 302
    assert RelatedWords.objects.filter(language="ko", words="파병, 파견").exists()
    client.logout()
    listed = {revision.slug for revision in client.get("/", {"q": "파견"}).context["page_obj"]}
    assert {STORY[C], STORY[D]} <= listed


def test_related_words_are_single_words():
    words = RelatedWords(language="en", words="killed, shot dead", wider="")
    with pytest.raises(Exception, match="One word each"):
        words.clean()


@pytest.mark.parametrize(
    ("typed", "number"),
    [
        ("4700", 4700),
        ("4,700", 4700),
        ("4 700", 4700),
        ("4천700", 4700),
        ("4천700명", 4700),
        ("약 4천700명", 4700),
        ("1만5천", 15000),
        ("1만 5천 명", 15000),
        ("2천", 2000),
        ("1.5만", 15000),
        ("3억2천만", 320_000_000),
        ("600명", 600),
        ("about 600", 600),
        ("four", None),
        ("4.5", None),
        ("4,70", None),
        ("600명의 사람", None),
        ("", None),
    ],
)
def test_the_number_reader_reads_what_the_desk_types(typed, number):
    assert read_number(typed) == number


def test_korean_words_lose_their_particles_but_keep_two_syllables():
    assert korean_stem("북한군이") == "북한군"
    assert korean_stem("평양에서는") == "평양"
    assert korean_stem("북한") == "북한"
    assert korean_stem("국가") == "국가"
    assert korean_stem("우크라이나") == "우크라이나"
    assert raw_words("NIS는 4,700명이라고") == ["nis", "4700"]
    assert raw_words("사망자 2천 명") == ["사망자", "2000"]
    assert normalise_numbers("1만5천명과 4천여명") == "15000명과 4000여명"
    assert mixes_scripts(parse("NIS 사상자", related={}))
    assert not mixes_scripts(parse("4700명 사상자", related={}))


def test_revisions_are_analysed_again_after_the_analysis_changes(story, db):
    revision = Revision.objects.get(slug=STORY[A], language="ko")
    Revision.objects.filter(pk=revision.pk).update(search_text=" stale |  |  |  ")
    output = io.StringIO()
    call_command("analyse_search", stdout=output)
    assert "1 read differently now" in output.getvalue()
    assert " 북한군 " in Revision.objects.get(pk=revision.pk).search_text
