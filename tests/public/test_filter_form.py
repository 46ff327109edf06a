"""
The list's filter form reads topics and claimants only when it needs them:
to check a topic or claimant a reader named, or to write the topic menu.
"""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from claims.forms import ClaimFilterForm
from claims.models import Claim, Revision, Source, Topic
from tests.factories import publish_changes
from tests.seed import CLAIM, SOURCE, TOPIC


def test_a_search_alone_reads_no_topic_or_claimant(seed):
    with CaptureQueriesContext(connection) as queries:
        form = ClaimFilterForm({"q": "troops", "verdict": "corroborated"})
        assert form.is_valid()
    assert len(queries) == 0
    assert Revision.objects.current().filter(rating="corroborated").exists()


def test_a_named_topic_is_checked_against_the_topics_readers_see(seed):
    Topic.objects.create(name="Unused topic", slug="unused-topic")
    unused = ClaimFilterForm({"topic": "unused-topic"})
    used = ClaimFilterForm({"topic": TOPIC.north_korea_russia})
    assert not unused.is_valid()
    assert "topic" in unused.errors
    assert used.is_valid()
    assert used.cleaned_data["topic"] == Topic.objects.get(slug=TOPIC.north_korea_russia)
    assert not Topic.objects.public().filter(slug="unused-topic").exists()


def test_a_named_claimant_is_checked_against_the_claimants_readers_see(seed):
    assert ClaimFilterForm({"source": SOURCE.nis}).is_valid()
    unpublished = ClaimFilterForm({"source": SOURCE.seed_article})
    assert not unpublished.is_valid()
    assert "source" in unpublished.errors
    assert not Source.objects.public_claimants().filter(slug=SOURCE.seed_article).exists()


def test_each_form_writes_its_topic_menu_as_published_in_one_query(seed, publisher):
    first = ClaimFilterForm({})
    assert ">South Korean politics</option>" in str(first["topic"])
    topic = Topic.objects.get(slug=TOPIC.south_korean_politics)
    topic.name = "Politics in the South"
    topic.save()
    second = ClaimFilterForm({})
    second.is_valid()
    with CaptureQueriesContext(connection) as queries:
        menu = str(second["topic"])
    assert len(queries) == 1
    # A topic's name is part of the claims filed under it: a draft until published.
    assert ">South Korean politics</option>" in menu
    assert ">Any topic</option>" in menu
    publish_changes(Claim.objects.get(slug=CLAIM.sympathisers), publisher, "We renamed the topic.")
    assert ">Politics in the South</option>" in str(ClaimFilterForm({})["topic"])
    assert Topic.objects.get(slug=TOPIC.south_korean_politics).name == "Politics in the South"
