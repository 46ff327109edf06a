"""
The desk finds its work from queues: newly entered claims have one, the
claim list shows unpublished claims first, and the admin's home page counts
every queue.
"""

import re

import pytest
from django.urls import reverse

from claims.models import Claim
from tests.factories import claim_form_data, make_claim, make_user, page_text, publish_changes
from tests.seed import CLAIM

CHANGELIST = reverse("admin:claims_claim_changelist")
ENTERED = {CLAIM.cremated, CLAIM.treaty, CLAIM.no_lethal_aid}


def listed(client, **query):
    return [claim.slug for claim in client.get(CHANGELIST, query).context["cl"].result_list]


@pytest.mark.usefixtures("template_context")
def test_claims_entered_and_not_yet_in_review_have_a_queue(seed, client, editor, reviewer):
    fresh = make_claim(editor, slug="just-entered")
    client.force_login(reviewer)
    assert set(listed(client, queue="entered")) == ENTERED | {"just-entered"}
    fresh.start_review(by=editor)
    assert set(listed(client, queue="entered")) == ENTERED
    assert Claim.objects.get(pk=fresh.pk).status == "in_review"


@pytest.mark.usefixtures("template_context")
def test_the_claim_list_shows_unpublished_claims_first_newest_first(seed, client, reviewer):
    make_claim(reviewer, slug="just-entered")
    client.force_login(reviewer)
    slugs = listed(client)
    published = set(Claim.objects.filter(is_published=True).values_list("slug", flat=True))
    assert slugs[0] == "just-entered"
    first_published = min(slugs.index(slug) for slug in published)
    assert not published & set(slugs[:first_published])
    assert set(slugs[first_published:]) == published


def test_the_admin_home_page_counts_each_queue(seed, client, reviewer):
    client.force_login(reviewer)
    response = client.get(reverse("admin:index"))
    text = page_text(response)
    assert "Claim queues" in text
    for label, count in [
        ("My claims", 0),
        ("Entered, not yet in review", 3),
        ("Awaiting review", 2),
        ("Awaiting publication", 0),
        ("Changes awaiting publication", 0),
    ]:
        assert f"{label} {count}" in text
    assert f'href="{CHANGELIST}?queue=entered"' in response.content.decode()
    assert Claim.objects.filter(status="unverified", is_published=False).count() == 3


def test_staff_who_may_not_see_claims_are_shown_no_queues(seed, client):
    client.force_login(make_user("clerk"))
    response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    assert "Claim queues" not in page_text(response)


@pytest.mark.usefixtures("template_context")
def test_the_publication_filter_is_titled_in_words(seed, client, editor):
    client.force_login(editor)
    text = page_text(client.get(CHANGELIST))
    assert "By publication" in text
    assert not re.search(r"By is published", text)
    unpublished = set(listed(client, published="no"))
    assert unpublished == set(
        Claim.objects.filter(is_published=False).values_list("slug", flat=True)
    )
    assert set(listed(client, published="yes")).isdisjoint(unpublished)


@pytest.mark.usefixtures("template_context")
def test_published_claims_with_changes_to_publish_have_a_queue_of_their_own(
    seed, client, reviewer, publisher
):
    kursk = Claim.objects.get(slug=CLAIM.kursk)
    client.force_login(reviewer)
    saved = client.post(
        reverse("admin:claims_claim_change", args=[kursk.pk]),
        claim_form_data(kursk, verdict_summary="Seen by three agencies, now four."),
    )
    assert saved.status_code == 302
    response = client.get(reverse("admin:index"))
    text = page_text(response)
    assert "Changes awaiting publication 1" in text
    assert "Awaiting publication 0" in text
    assert f'href="{CHANGELIST}?queue=changes_awaiting_publication"' in response.content.decode()
    assert listed(client, queue="changes_awaiting_publication") == [CLAIM.kursk]

    publish_changes(kursk, by=publisher, public_note="The summary names the fourth agency.")
    assert "Changes awaiting publication 0" in page_text(client.get(reverse("admin:index")))
    assert listed(client, queue="changes_awaiting_publication") == []
    stored = Claim.objects.get(pk=kursk.pk)
    assert stored.current_revision().document["summary"] == "Seen by three agencies, now four."
    assert not stored.draft_authors.exists()
