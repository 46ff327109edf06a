"""
A change to a row claims share (a source, an affiliation, an article, a topic,
a figure and its estimates) is drafting for every published verdict that shows
it: after saving, the page lists those whose draft it changed, each linked, and
records the editor as a draft author of each. A page publishes their updated
revisions with one public note, one by one through Publish changes: the
publish permission, four eyes per claim, the verdict's rule per claim.
"""

import pytest
from django.db import connection
from django.urls import reverse

from claims.choices import ClaimStatus
from claims.invariants import find_violations
from claims.models import Affiliation, Article, Claim, Figure, Source, Topic
from tests.factories import (
    as_post_data,
    make_published_claim,
    make_source,
    make_user,
    page_text,
    submitted_fields,
)
from tests.seed import AFFILIATION, ARTICLE, CLAIM, FIGURE, SOURCE, TOPIC

# The published claims naming the NIS: as claimant, and in their evidence.
NIS_VERDICTS = {CLAIM.casualties, CLAIM.deaths, CLAIM.kursk}
PUBLIC_NOTE = "We now name the agency as it names itself."


def admin_url(row, view="change"):
    return reverse(f"admin:claims_{row._meta.model_name}_{view}", args=[row.pk])


def save_in_admin(client, row, **changes):
    """`row`'s change form as the browser posts it, opened now, with `changes`; the page after."""
    url = admin_url(row)
    fields = submitted_fields(client.get(url), f"{row._meta.model_name}_form")
    return client.post(url, as_post_data(fields, **changes), follow=True)


def publish_page_post(client, row, **changes):
    """The publish page of `row` as the browser posts it, opened now, with `changes`."""
    url = admin_url(row, "publish_verdicts")
    fields = submitted_fields(client.get(url), "publish-verdicts-form")
    return client.post(url, as_post_data(fields, **changes), follow=True)


def published_records():
    """Each published claim's current revision and draft authors, by slug."""
    return {
        claim.slug: (
            claim.current_revision().pk,
            sorted(claim.draft_authors.values_list("username", flat=True)),
            claim.corrections.count(),
        )
        for claim in Claim.objects.published()
    }


def drafted_by(username):
    return {
        claim.slug
        for claim in Claim.objects.filter(draft_authors__username=username)
        if claim.is_published
    }


def nis():
    return Source.objects.get(slug=SOURCE.nis)


def estimate_index(fields, estimate):
    """The inline row of `estimate` on its figure's change form."""
    for name, value in fields:
        if name.startswith("estimates-") and name.endswith("-id") and value == str(estimate.pk):
            return int(name.split("-")[1])
    raise AssertionError(f"{estimate} is not on its figure's form")


def rename_estimate(client):
    figure = Figure.objects.get(slug=FIGURE.casualties)
    estimate = figure.estimates.get(low=4700)
    url = admin_url(figure)
    fields = submitted_fields(client.get(url), "figure_form")
    index = estimate_index(fields, estimate)
    return client.post(
        url, as_post_data(fields, **{f"estimates-{index}-low": "47000"}), follow=True
    )


# Each shared row readers see, a change to it as an editor makes it, and the
# published verdicts it changes.
CHANGES = {
    "source name": (
        lambda client: save_in_admin(client, nis(), name="National Intelligence Agency"),
        NIS_VERDICTS,
    ),
    "source grade": (lambda client: save_in_admin(client, nis(), reliability="E"), NIS_VERDICTS),
    "source URL": (
        lambda client: save_in_admin(client, nis(), url="https://example.org/spy-agency"),
        NIS_VERDICTS,
    ),
    "source kind": (lambda client: save_in_admin(client, nis(), kind="other"), NIS_VERDICTS),
    "source affiliation": (
        lambda client: save_in_admin(
            client,
            nis(),
            affiliation=Affiliation.objects.get(slug=AFFILIATION.ukraine).pk,
        ),
        NIS_VERDICTS,
    ),
    "affiliation name": (
        lambda client: save_in_admin(
            client,
            Affiliation.objects.get(slug=AFFILIATION.south_korea),
            name="Government of South Korea",
        ),
        NIS_VERDICTS,
    ),
    "article title": (
        lambda client: save_in_admin(
            client, Article.objects.get(slug=ARTICLE.nis_casualties), title="Another title"
        ),
        NIS_VERDICTS | {CLAIM.sympathisers},
    ),
    "article URL": (
        lambda client: save_in_admin(
            client,
            Article.objects.get(slug=ARTICLE.nis_casualties),
            url="https://other-site.example/piece",
        ),
        NIS_VERDICTS | {CLAIM.sympathisers},
    ),
    "estimate value": (rename_estimate, {CLAIM.casualties}),
    "figure name": (
        lambda client: save_in_admin(
            client, Figure.objects.get(slug=FIGURE.casualties), name="Casualties, all kinds"
        ),
        {CLAIM.casualties},
    ),
    "topic name": (
        lambda client: save_in_admin(
            client, Topic.objects.get(slug=TOPIC.south_korean_politics), name="Politics in Seoul"
        ),
        {CLAIM.sympathisers},
    ),
}


@pytest.mark.parametrize("change", CHANGES)
def test_a_change_to_a_shared_row_lists_the_verdicts_it_changes_and_drafts_them(
    seed, client, editor, change
):
    make_change, changed = CHANGES[change]
    before = published_records()
    client.force_login(editor)
    response = make_change(client)
    assert response.redirect_chain[-1][1] == 302, page_text(response)
    content = response.content.decode()
    count = len(changed)
    verdicts = "published verdict" if count == 1 else "published verdicts"
    assert f"It changes what readers would see of {count} {verdicts}:" in page_text(response)
    for slug in changed:
        claim = Claim.objects.get(slug=slug)
        assert f'<a href="{admin_url(claim)}">{claim.headline}</a>' in content
    assert drafted_by("editor") == changed
    # Readers see what they saw: no revision, no correction.
    after = published_records()
    assert {slug: record[0::2] for slug, record in after.items()} == {
        slug: record[0::2] for slug, record in before.items()
    }
    for slug in changed:
        assert Claim.objects.get(slug=slug).has_draft_changes()
    assert find_violations() == []


def test_a_change_readers_do_not_see_lists_no_verdict(seed, client, editor):
    before = published_records()
    client.force_login(editor)
    response = save_in_admin(client, nis(), description="South Korea's spy agency.")
    assert response.redirect_chain[-1][1] == 302
    assert "It changes what readers would see" not in page_text(response)
    assert Source.objects.get(slug=SOURCE.nis).description == "South Korea's spy agency."
    assert published_records() == before


# The page that publishes them ---------------------------------------------------------


@pytest.fixture
def renamed(seed, client, editor):
    """The NIS renamed by the editor: three published verdicts with a draft."""
    client.force_login(editor)
    save_in_admin(client, nis(), name="National Intelligence Agency")
    client.logout()
    return nis()


@pytest.fixture
def other_publisher(db):
    return make_user("pat", "Publishers")


def test_the_publish_page_lists_each_verdict_with_its_changes(renamed, client, other_publisher):
    before = published_records()
    client.force_login(other_publisher)
    response = client.get(admin_url(renamed, "publish_verdicts"))
    assert response.status_code == 200
    text = page_text(response)
    content = response.content.decode()
    assert "3 published verdicts with changes not yet public" in text
    for slug in NIS_VERDICTS:
        claim = Claim.objects.get(slug=slug)
        assert f'<a href="{admin_url(claim)}">{claim.headline}</a>' in content
        assert f'name="verdicts" value="{claim.pk}" id="verdict-{claim.pk}" checked' in content
    assert "Claimed by Removed: National Intelligence Service (NIS)" in text
    assert "Added: National Intelligence Agency" in text
    # A plain form: no script needed to publish.
    assert '<form method="post" id="publish-verdicts-form"' in content
    assert '<button type="submit" class="default">Publish changes</button>' in content
    assert published_records() == before


def test_the_verdicts_are_published_one_by_one_with_one_public_note(
    renamed, client, other_publisher
):
    shown = {slug: Claim.objects.get(slug=slug).current_revision() for slug in NIS_VERDICTS}
    client.force_login(other_publisher)
    response = publish_page_post(
        client,
        renamed,
        public_note=PUBLIC_NOTE,
        correction_kind="clarification",
        note="The agency asked us to.",
    )
    assert response.redirect_chain == [(admin_url(renamed), 302)]
    assert "Published changes:" in page_text(response)
    for slug in NIS_VERDICTS:
        claim = Claim.objects.get(slug=slug)
        current = claim.current_revision()
        assert current.number == shown[slug].number + 1
        assert current.document["claimant"]["name"] == "National Intelligence Agency"
        assert current.public_note == PUBLIC_NOTE
        assert current.published_by == other_publisher
        correction = claim.corrections.last()
        assert (correction.kind, correction.note) == ("clarification", PUBLIC_NOTE)
        event = claim.events.order_by("version").last()
        assert (event.action, event.actor, event.note, event.public_note) == (
            "publish_changes",
            other_publisher,
            "The agency asked us to.",
            PUBLIC_NOTE,
        )
        assert not claim.draft_authors.exists()
    assert Claim.objects.get(slug=CLAIM.sympathisers).current_revision().number == 1
    assert find_violations() == []
    # Nothing waits any more.
    page = client.get(admin_url(renamed, "publish_verdicts"))
    assert "No published verdict naming this source has changes waiting" in page_text(page)


def test_four_eyes_hold_per_claim(renamed, client, other_publisher):
    kursk = Claim.objects.get(slug=CLAIM.kursk)
    shown = kursk.current_revision()
    # The publisher also drafted a change of Kursk's own: someone else publishes that one.
    kursk.note_draft_author(other_publisher)
    client.force_login(other_publisher)
    page = client.get(admin_url(renamed, "publish_verdicts"))
    reason = "You made some of these changes, so another publisher must publish them."
    assert f'id="why-{kursk.pk}">Will be refused: {reason}' in page.content.decode()
    response = publish_page_post(client, renamed, public_note=PUBLIC_NOTE)
    assert response.redirect_chain == []
    assert response.status_code == 200
    text = page_text(response)
    assert f"1 verdict was not published and is as it was: {kursk.headline}: {reason}" in text
    assert PUBLIC_NOTE in text  # kept for another try
    stored = Claim.objects.get(pk=kursk.pk)
    assert stored.current_revision() == shown
    assert sorted(stored.draft_authors.values_list("username", flat=True)) == ["editor", "pat"]
    for slug in NIS_VERDICTS - {CLAIM.kursk}:
        assert Claim.objects.get(slug=slug).current_revision().public_note == PUBLIC_NOTE
    assert find_violations() == []


def test_a_verdict_whose_evidence_no_longer_holds_is_refused_and_the_others_go_out(
    seed, client, editor, other_publisher
):
    # Russia's General Staff moved into North Korea's government: Kursk, corroborated by
    # both, is left with one origin besides the claimant.
    general_staff = Source.objects.get(slug=SOURCE.russian_general_staff)
    client.force_login(editor)
    save_in_admin(
        client,
        general_staff,
        affiliation=Affiliation.objects.get(slug=AFFILIATION.north_korea).pk,
    )
    kursk = Claim.objects.get(slug=CLAIM.kursk)
    shown = kursk.current_revision()
    assert drafted_by("editor") == {CLAIM.kursk}
    client.force_login(other_publisher)
    response = publish_page_post(client, general_staff, public_note="Regrouped.")
    assert response.status_code == 200
    assert (
        f"{kursk.headline}: Corroboration needs supporting evidence graded 1–3 from 2 independent"
    ) in page_text(response)
    stored = Claim.objects.get(pk=kursk.pk)
    assert (stored.status, stored.current_revision()) == (ClaimStatus.CORROBORATED, shown)
    assert stored.corrections.count() == kursk.corrections.count()


def test_only_publishers_may_publish_from_the_page(renamed, client, reviewer):
    before = published_records()
    client.force_login(reviewer)
    url = admin_url(renamed, "publish_verdicts")
    page = client.get(url)
    assert page.status_code == 200
    content = page.content.decode()
    assert '<button type="submit" disabled aria-describedby="why-publish-verdicts">' in content
    assert "Only a publisher can publish changes to a claim." in page_text(page)
    fields = submitted_fields(page, "publish-verdicts-form")
    response = client.post(url, as_post_data(fields, public_note=PUBLIC_NOTE))
    assert response.status_code == 403
    assert published_records() == before


def test_the_publish_page_needs_a_public_note(renamed, client, other_publisher):
    before = published_records()
    client.force_login(other_publisher)
    response = publish_page_post(client, renamed, note="Internal only.")
    assert response.status_code == 200
    assert "Nothing was published." in page_text(response)
    assert "Write a public note telling readers what changed and why" in page_text(response)
    assert "Internal only.</textarea>" in response.content.decode()
    assert published_records() == before


def test_a_draft_changed_after_the_page_was_opened_is_not_published(
    renamed, client, editor, other_publisher
):
    deaths = Claim.objects.get(slug=CLAIM.deaths)
    shown = deaths.current_revision()
    client.force_login(other_publisher)
    url = admin_url(renamed, "publish_verdicts")
    fields = submitted_fields(client.get(url), "publish-verdicts-form")
    # Meanwhile the editor changes the deaths claim's context.
    Claim.objects.filter(pk=deaths.pk).update(context="Changed while the page was open.")
    response = client.post(url, as_post_data(fields, public_note=PUBLIC_NOTE), follow=True)
    assert response.status_code == 200
    assert (
        f"{deaths.headline}: Its draft changed since you opened this page: check its changes "
        "below and publish again."
    ) in page_text(response)
    assert Claim.objects.get(pk=deaths.pk).current_revision() == shown
    for slug in NIS_VERDICTS - {CLAIM.deaths}:
        assert Claim.objects.get(slug=slug).current_revision().public_note == PUBLIC_NOTE
    # The page shows the claim again, with what changed since.
    assert "Changed while the page was open." in page_text(response)


def test_a_get_of_the_publish_page_changes_nothing(renamed, client, other_publisher):
    before = published_records()
    client.force_login(other_publisher)
    assert client.get(admin_url(renamed, "publish_verdicts")).status_code == 200
    assert published_records() == before


def test_a_source_forty_verdicts_show_is_saved_with_their_drafts_read_together(
    client, editor, publisher, other_publisher
):
    """
    A save compares each verdict's draft before and after it, and the publish
    page lists each verdict's changes. Read one claim at a time, that was a
    dozen queries a verdict (674 for the save of these 40, 726 for the page);
    read together, the drafts cost the same few queries however many there are.
    """
    wire = make_source("Wire agency")
    for number in range(40):
        make_published_claim(editor, published_by=publisher, slug=f"wire-{number}", claimant=wire)
    client.force_login(editor)
    url = admin_url(wire)
    data = as_post_data(submitted_fields(client.get(url), "source_form"), name="Wire, renamed")
    statements = []

    def count(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        response = client.post(url, data, follow=True)
    assert "It changes what readers would see of 40 published verdicts:" in page_text(response)
    assert len(statements) < 200
    assert drafted_by("editor") == {f"wire-{number}" for number in range(40)}
    assert Source.objects.get(pk=wire.pk).name == "Wire, renamed"

    client.force_login(other_publisher)
    statements.clear()
    with connection.execute_wrapper(count):
        page = client.get(admin_url(wire, "publish_verdicts"))
    assert page.status_code == 200
    assert page.content.decode().count('name="verdicts"') == 40
    assert len(statements) < 250
