"""`/` lists published verdicts newest first; filters, searches and pages, with or without htmx."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from claims.caching import content_version
from claims.choices import ClaimStatus
from claims.models import Claim, Topic
from tests.factories import forget_cached_pages, make_published_claim, make_source
from tests.seed import CLAIM, SOURCE, TOPIC

HTMX = {"HX-Request": "true"}


def listed_slugs(response):
    return [claim.slug for claim in response.context["page_obj"]]


@pytest.mark.usefixtures("template_context")
def test_lists_published_claims_newest_first(seed, client):
    response = client.get("/")
    assert response.status_code == 200
    assert listed_slugs(response) == [
        CLAIM.sympathisers,
        CLAIM.kursk,
        CLAIM.deaths,
        CLAIM.casualties,
    ]
    assert listed_slugs(response) == list(
        Claim.objects.published().order_by("-published_at").values_list("slug", flat=True)
    )


@pytest.mark.usefixtures("template_context")
def test_filters_by_verdict_topic_and_claimant(seed, client):
    assert listed_slugs(client.get("/", {"verdict": "corroborated"})) == [CLAIM.kursk]
    assert listed_slugs(client.get("/", {"topic": TOPIC.south_korean_politics})) == [
        CLAIM.sympathisers
    ]
    assert listed_slugs(client.get("/", {"source": SOURCE.nis, "verdict": "unverified"})) == [
        CLAIM.deaths,
        CLAIM.casualties,
    ]


@pytest.mark.usefixtures("template_context")
def test_a_claim_in_review_is_filed_under_its_previous_verdict(seed, client, publisher):
    Claim.objects.get(slug=CLAIM.kursk).reopen(
        by=publisher, note="A new report.", public_note="We are checking a new report."
    )
    assert Claim.objects.get(slug=CLAIM.kursk).previous_status == (ClaimStatus.CORROBORATED)
    assert listed_slugs(client.get("/", {"verdict": "corroborated"})) == [CLAIM.kursk]
    # Not a reader's verdict: no such page.
    assert client.get("/", {"verdict": "in_review"}).status_code == 404


def test_filter_choices_offer_only_what_published_claims_use(seed, client):
    Topic.objects.create(name="Unused topic", slug="unused-topic")
    content = client.get("/").content.decode()
    assert f'value="{TOPIC.north_korea_russia}"' in content
    assert 'value="unused-topic"' not in content


def test_the_claimant_filter_shows_as_removable_and_refuses_unpublished_claimants(seed, client):
    content = client.get("/", {"source": SOURCE.nis, "verdict": "unverified"}).content.decode()
    assert f'<input type="hidden" name="source" value="{SOURCE.nis}"' in content
    assert (
        f'Claims by <a href="/sources/{SOURCE.nis}/">National Intelligence Service (NIS)</a>'
        in content
    )
    assert 'href="/?verdict=unverified" data-hx-get="/?verdict=unverified">Show everyone' in content
    # The seed article is the claimant of unpublished claims only: no such page.
    response = client.get("/", {"source": SOURCE.seed_article})
    assert response.status_code == 404
    assert SOURCE.seed_article not in response.content.decode()


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ({"verdict": "bogus"}, 404),
        ({"page": "abc"}, 404),
        ({"page": "99999"}, 404),
        ({"page": "-1"}, 404),
        ({"page": "9" * 5000}, 404),
        ({"topic": "nope"}, 404),
        ({"source": "<script>"}, 404),
        ({"q": "x" * 1000}, 200),
        ({"q": "nul\x00byte"}, 200),
        ({"q": '"unbalanced -quote OR'}, 200),
    ],
)
def test_bad_query_parameters_never_break_the_page(seed, client, query, status):
    response = client.get("/", query)
    assert response.status_code == status
    assert "<script>" not in response.content.decode().split("</head>", 1)[1]
    assert Claim.objects.published().count() == 4


@pytest.mark.usefixtures("template_context")
def test_an_ignored_search_says_so(seed, client):
    response = client.get("/", {"q": "x" * 1000})
    assert "It was ignored." in response.content.decode()
    assert len(listed_slugs(response)) == 4


@pytest.mark.usefixtures("template_context")
@pytest.mark.django_db
def test_a_page_past_the_last_does_not_exist(editor, client, settings):
    settings.PUBLIC_PAGE_SIZE = 2
    for _ in range(5):
        make_published_claim(editor)
    assert listed_slugs(client.get("/", {"page": "3"})) == ["claim-1"]
    assert client.get("/", {"page": "4"}).status_code == 404
    assert Claim.objects.published().count() == 5


@pytest.mark.django_db
def test_pagination_links_are_real_links_that_keep_the_filters(editor, client, settings):
    settings.PUBLIC_PAGE_SIZE = 2
    topic = Topic.objects.create(name="Elections", slug="elections")
    for _ in range(5):
        make_published_claim(editor, topic=topic)
    content = client.get("/", {"topic": "elections"}).content.decode()
    assert 'href="?topic=elections&amp;page=2"' in content
    assert 'hx-get="/?topic=elections&amp;page=2"' in content


def test_the_filter_form_is_a_plain_get_form_that_htmx_enhances(seed, client):
    content = client.get("/").content.decode()
    assert '<form class="filters" method="get" action="/"' in content
    assert 'hx-push-url="true"' in content
    assert "csrfmiddlewaretoken" not in content
    # htmx is django-htmx's own copy, loaded when the reader reaches for the form.
    assert (
        '<script src="/static/js/htmx-on-intent.js" '
        'data-htmx-src="/static/django_htmx/htmx-2.min.js" defer></script>'
    ) in content
    assert client.get("/static/django_htmx/htmx-2.min.js").status_code == 200
    # Nothing loaded from another host: every script and stylesheet is ours.
    assert not re.search(r'<script[^>]+src="(?:https?:)?//', content)
    assert not re.search(r'<link[^>]+rel="stylesheet"[^>]+href="(?:https?:)?//', content)


def test_an_htmx_request_gets_only_the_form_and_results_with_the_title(seed, client):
    response = client.get("/", {"verdict": "unverified"}, headers=HTMX)
    content = response.content.decode()
    assert response.status_code == 200
    assert content.lstrip().startswith("<title>Verdicts: Unverified · Factcheck Desk</title>")
    assert '<div id="verdicts"' in content
    assert "<html" not in content
    # The form comes along, so that Back and Forward show each search in its box.
    assert '<option value="unverified" selected>' in content
    assert "<title>Verdicts: Unverified · Factcheck Desk</title>" in content
    assert 'href="/" data-hx-get="/">Clear</a>' in content
    assert CLAIM.casualties in content
    assert CLAIM.kursk not in content
    assert "HX-Request" in response["Vary"]


def test_a_plain_request_gets_the_whole_page(seed, client):
    response = client.get("/", {"verdict": "unverified"})
    content = response.content.decode()
    assert content.startswith("<!doctype html>")
    assert '<section id="results"' in content
    assert "<form" in content
    assert "HX-Request" in response["Vary"]


def test_htmx_restoring_history_gets_the_whole_page(seed, client):
    headers = HTMX | {"HX-History-Restore-Request": "true"}
    response = client.get("/", headers=headers)
    assert response.content.decode().startswith("<!doctype html>")
    assert "HX-History-Restore-Request" in response["Vary"]


def count_list_queries(client):
    """Queries to render `/`, and a filtered htmx fragment of it, from empty caches."""
    forget_cached_pages()
    with CaptureQueriesContext(connection) as full:
        assert client.get("/").status_code == 200
    forget_cached_pages()
    with CaptureQueriesContext(connection) as fragment:
        assert client.get("/", {"topic": "topic-1"}, headers=HTMX).status_code == 200
    return len(full), len(fragment)


@pytest.mark.django_db
def test_query_count_is_the_same_with_5_and_50_claims(editor, client):
    def add_claims(count):
        start = Claim.objects.count()
        for number in range(start, start + count):
            make_published_claim(
                editor,
                claimant=make_source(f"Claimant {number}"),
                topic=Topic.objects.get_or_create(
                    slug=f"topic-{number % 7}", defaults={"name": f"Topic {number % 7}"}
                )[0],
                published_at=timezone.now() - timedelta(minutes=number),
            )

    add_claims(5)
    # The site-wide content version exists once any page was served.
    content_version()
    with_5 = count_list_queries(client)
    add_claims(45)
    assert Claim.objects.published().count() == 50
    with_50 = count_list_queries(client)
    assert with_5 == with_50
    # The page's content versions, the count, the revisions on the page, those
    # whose cards are not cached (here all), and the topic menu; the fragment
    # carries the form, so it also checks the topic filter.
    assert with_50 == (5, 6)


@pytest.mark.usefixtures("template_context")
def test_the_title_says_what_was_searched_and_filtered(seed, client):
    response = client.get("/", {"q": "Kursk", "verdict": "corroborated"})
    assert response.status_code == 200
    assert "<title>Verdicts: “Kursk”, Corroborated · Factcheck Desk</title>" in (
        response.content.decode()
    )
    assert [claim.slug for claim in response.context["page_obj"]] == [CLAIM.kursk]
    plain = client.get("/").content.decode()
    assert "<title>Latest verdicts · Factcheck Desk</title>" in plain


@pytest.mark.parametrize(
    ("query", "clear"),
    [
        ({"q": "", "verdict": "", "topic": ""}, False),
        ({"q": "Kursk"}, True),
        ({"q": "x" * 1000}, True),
        ({"topic": TOPIC.north_korea_russia}, True),
    ],
)
def test_clear_is_offered_whenever_a_filter_is_set(seed, client, query, clear):
    for headers in [{}, HTMX]:
        response = client.get("/", query, headers=headers)
        assert response.status_code == 200
        assert (">Clear</a>" in response.content.decode()) is clear


@pytest.mark.django_db
def test_the_count_and_the_page_number_read_as_one_phrase(editor, client, settings):
    settings.PUBLIC_PAGE_SIZE = 2
    for _ in range(4):
        make_published_claim(editor)
    content = client.get("/", {"page": "2"}).content.decode()
    heading = re.search(r'<h2 id="results-heading"[^>]*>(.*?)</h2>', content, flags=re.S)
    # page_text() closes up a space before a comma, which would hide this one.
    assert " ".join(re.sub(r"<[^>]+>", "", heading.group(1)).split()) == "4 verdicts, page 2 of 2"
    assert Claim.objects.published().count() == 4
