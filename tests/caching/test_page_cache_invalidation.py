"""
With the page cache on, readers see every published change at once: workflow
steps, publication and the changes a publisher publishes. Edits made in the
admin are drafts: no public page shows them until they are published, and
then every page does at once.
"""

import json

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from claims.choices import CaveatKind, ClaimStatus
from claims.models import Affiliation, Article, Caveat, Claim, Correction, Source, Topic
from tests.factories import claim_form_data, make_claim, make_source, page_text, publish_changes
from tests.seed import AFFILIATION, ARTICLE, CLAIM, SOURCE, TOPIC

CASUALTIES = f"/claims/{CLAIM.casualties}/"
KURSK = f"/claims/{CLAIM.kursk}/"


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run what waits for the commit: each test's transaction is never committed."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def seed_reviewer(seed):
    """The seed's reviewer, also a publisher; the seed's claims were entered by its editor."""
    return get_user_model().objects.get(username="reviewer")


def warm(client, *paths):
    """Read each page once, so that the next read comes from the cache."""
    return {path: page_text(client.get(path)) for path in paths}


def published(slug, publisher, committed):
    """Publish the draft of the claim `slug` through the workflow, committed."""
    with committed():
        publish_changes(Claim.objects.get(slug=slug), publisher, "We updated this fact-check.")


def claim_reviews(client):
    return {
        review["claimReviewed"]: review
        for review in client.get("/claims.json").json()["claimReviews"]
    }


def test_reopening_a_published_verdict_shows_at_once(
    seed, client, page_cache, seed_reviewer, committed
):
    before = warm(client, KURSK, "/", "/feed/")
    assert "Under review" not in before[KURSK]
    claim = Claim.objects.get(slug=CLAIM.kursk)
    with committed():
        claim.reopen(
            by=seed_reviewer,
            note="Tip from a colleague.",
            public_note="A new report questions the location.",
        )
    page = page_text(client.get(KURSK))
    assert "Under review — previous verdict: Corroborated" in page
    assert "Verdict changed from Corroborated to under review" in page
    assert "under review" in page_text(client.get("/"))
    assert "A new report questions the location." in client.get("/feed/").content.decode()
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.IN_REVIEW
    assert claim.corrections.count() == 1


def test_a_verdict_issued_after_review_shows_at_once(
    seed, client, page_cache, seed_reviewer, committed
):
    claim = Claim.objects.get(slug=CLAIM.kursk)
    claim.reopen(by=seed_reviewer, note="Checking the new report.", public_note="Re-checking.")
    warm(client, KURSK, "/claims.json")
    with committed():
        claim.corroborate(by=seed_reviewer, public_note="The report does not change the picture.")
    page = page_text(client.get(KURSK))
    assert "Under review" not in page
    assert "Verdict Corroborated confirmed after review" in page
    review = claim_reviews(client)[claim.headline]
    assert len(review["correction"]) == 2
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.CORROBORATED


def test_unpublishing_and_publishing_show_at_once(
    seed, client, page_cache, seed_reviewer, committed
):
    claim = Claim.objects.get(slug=CLAIM.casualties)
    before = warm(client, CASUALTIES, "/", f"/sources/{SOURCE.nis}/", "/feed/", "/claims.json")
    assert claim.headline in before["/"]
    assert claim.headline in before[f"/sources/{SOURCE.nis}/"]

    with committed():
        claim.unpublish(
            by=seed_reviewer, note="Pending a second source.", public_note="Withdrawn for checks."
        )
    assert client.get(CASUALTIES).status_code == 410
    assert claim.headline not in page_text(client.get("/"))
    assert claim.headline not in page_text(client.get(f"/sources/{SOURCE.nis}/"))
    # The feed tells of the withdrawal, not of the verdict.
    assert f"Withdrawn: {claim.headline}" in client.get("/feed/").content.decode()
    assert claim.headline not in claim_reviews(client)

    with committed():
        claim.publish(by=seed_reviewer)
    assert client.get(CASUALTIES).status_code == 200
    assert claim.headline in page_text(client.get("/"))
    assert claim.headline in claim_reviews(client)
    assert Claim.objects.get(pk=claim.pk).is_published


def test_a_new_publication_shows_at_once(
    seed, client, page_cache, seed_reviewer, committed, editor
):
    claim = make_claim(editor, claimant=make_source("Ministry"), verdict_summary="Not yet known.")
    Caveat.objects.create(claim=claim, kind=CaveatKind.SINGLE_SOURCE, text="Only the ministry.")
    warm(client, "/", "/claims.json", "/feed/")
    assert client.get(claim.get_absolute_url()).status_code == 404
    with committed():
        claim.publish(by=seed_reviewer)
    assert claim.headline in page_text(client.get("/"))
    assert claim.headline in claim_reviews(client)
    assert claim.headline in client.get("/feed/").content.decode()
    assert client.get(claim.get_absolute_url()).status_code == 200
    assert Claim.objects.published().filter(pk=claim.pk).exists()


def test_a_correction_published_in_the_admin_shows_at_once(
    seed, client, page_cache, seed_reviewer, committed
):
    claim = Claim.objects.get(slug=CLAIM.casualties)
    warm(client, CASUALTIES, "/feed/", "/claims.json")
    url = reverse("admin:claims_claim_change", args=[claim.pk])
    client.force_login(get_user_model().objects.get(username="editor"))
    context = "The briefing was on Thursday, not Wednesday."
    with committed():
        assert client.post(url, claim_form_data(claim, context=context)).status_code == 302
    client.force_login(seed_reviewer)
    data = claim_form_data(
        Claim.objects.get(pk=claim.pk),
        workflow_public_note="The briefing was on Thursday, not Wednesday.",
        correction_kind="correction",
        _workflow_action="publish_changes",
    )
    with committed():
        response = client.post(url, data)
    assert response.status_code == 302
    client.logout()
    assert "The briefing was on Thursday, not Wednesday." in page_text(client.get(CASUALTIES))
    assert "Thursday, not Wednesday" in client.get("/feed/").content.decode()
    assert "Thursday, not Wednesday" in json.dumps(claim_reviews(client)[claim.headline])
    assert Correction.objects.filter(claim=claim, kind="correction").count() == 1


def test_changes_published_in_the_admin_show_at_once(
    seed, client, page_cache, seed_reviewer, committed
):
    claim = Claim.objects.get(slug=CLAIM.kursk)
    headline = "North Korean troops fight for Russia in Kursk"
    warm(client, KURSK, "/", "/claims.json")
    url = reverse("admin:claims_claim_change", args=[claim.pk])
    client.force_login(get_user_model().objects.get(username="editor"))
    with committed():
        assert client.post(url, claim_form_data(claim, headline=headline)).status_code == 302
    client.force_login(seed_reviewer)
    data = claim_form_data(
        Claim.objects.get(pk=claim.pk),
        workflow_public_note="A shorter headline.",
        _workflow_action="publish_changes",
    )
    with committed():
        response = client.post(url, data)
    assert response.status_code == 302
    client.logout()
    assert headline in page_text(client.get(KURSK))
    assert headline in page_text(client.get("/"))
    assert headline in claim_reviews(client)
    assert Claim.objects.get(pk=claim.pk).current_revision().document["headline"] == headline


def test_a_correction_written_outside_the_workflow_shows_nowhere(
    seed, client, page_cache, committed
):
    claim = Claim.objects.get(slug=CLAIM.casualties)
    before = warm(client, CASUALTIES, "/feed/", "/claims.json")
    with committed():
        Correction.objects.create(
            claim=claim,
            kind="correction",
            note="The briefing was on Thursday, not Wednesday.",
            published_at=timezone.now(),
        )
    assert warm(client, CASUALTIES, "/feed/", "/claims.json") == before
    assert "Thursday, not Wednesday" not in json.dumps(claim_reviews(client)[claim.headline])
    assert Correction.objects.filter(claim=claim, kind="correction").count() == 1


def test_an_admin_edit_of_a_claims_headline_shows_once_published(
    seed, client, page_cache, seed_reviewer, publisher, committed
):
    claim = Claim.objects.get(slug=CLAIM.kursk)
    before = warm(client, KURSK, "/", "/claims.json")
    client.force_login(seed_reviewer)
    headline = "North Korean troops fight for Russia in Kursk"
    with committed():
        response = client.post(
            reverse("admin:claims_claim_change", args=[claim.pk]),
            claim_form_data(claim, headline=headline),
        )
    assert response.status_code == 302
    client.logout()
    assert warm(client, KURSK, "/", "/claims.json") == before
    published(CLAIM.kursk, publisher, committed)
    assert headline in page_text(client.get(KURSK))
    assert headline in page_text(client.get("/"))
    assert headline in claim_reviews(client)
    assert Claim.objects.get(pk=claim.pk).headline == headline


def test_an_admin_edit_of_a_claims_context_shows_once_published(
    seed, client, page_cache, seed_reviewer, publisher, committed
):
    claim = Claim.objects.get(slug=CLAIM.kursk)
    warm(client, KURSK)
    client.force_login(seed_reviewer)
    with committed():
        response = client.post(
            reverse("admin:claims_claim_change", args=[claim.pk]),
            claim_form_data(claim, context="Both governments had denied it for months."),
        )
    assert response.status_code == 302
    client.logout()
    assert "Both governments had denied it for months." not in page_text(client.get(KURSK))
    published(CLAIM.kursk, publisher, committed)
    assert "Both governments had denied it for months." in page_text(client.get(KURSK))
    assert Claim.objects.get(pk=claim.pk).context == "Both governments had denied it for months."


def test_an_admin_edit_of_evidence_shows_once_published(
    seed, client, page_cache, seed_reviewer, publisher, committed
):
    claim = Claim.objects.get(slug=CLAIM.casualties)
    item = claim.evidence.first()
    warm(client, CASUALTIES)
    client.force_login(seed_reviewer)
    with committed():
        response = client.post(
            reverse("admin:claims_claim_change", args=[claim.pk]),
            claim_form_data(claim, **{"evidence-0-title": "Lawmakers relay the NIS figure"}),
        )
    assert response.status_code == 302
    client.logout()
    assert "Lawmakers relay the NIS figure" not in page_text(client.get(CASUALTIES))
    published(CLAIM.casualties, publisher, committed)
    assert claim.evidence.all()[0].pk == item.pk
    assert "Lawmakers relay the NIS figure" in page_text(client.get(CASUALTIES))
    assert claim.evidence.filter(title="Lawmakers relay the NIS figure").count() == 1


def test_an_admin_edit_of_a_caveat_shows_once_published(
    seed, client, page_cache, seed_reviewer, publisher, committed
):
    claim = Claim.objects.get(slug=CLAIM.casualties)
    warm(client, CASUALTIES)
    client.force_login(seed_reviewer)
    with committed():
        response = client.post(
            reverse("admin:claims_claim_change", args=[claim.pk]),
            claim_form_data(claim, **{"caveats-0-text": "Only the NIS has counted."}),
        )
    assert response.status_code == 302
    client.logout()
    assert "Only the NIS has counted." not in page_text(client.get(CASUALTIES))
    published(CLAIM.casualties, publisher, committed)
    assert "Only the NIS has counted." in page_text(client.get(CASUALTIES))
    assert claim.caveats.filter(text="Only the NIS has counted.").exists()


def admin_change_data(client, model, obj, **changes):
    """The admin change form's current values, as the browser would post them, with changes."""
    url = reverse(f"admin:claims_{model._meta.model_name}_change", args=[obj.pk])
    form = client.get(url).context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    data = {name: "" if value is None else value for name, value in data.items()}
    return url, {**data, **changes}


# A source's own page shows its own record at once; what a verdict shows of
# it (and of an affiliation, topic or article) changes once the claims naming
# it are published again (`published`: those claims).
@pytest.mark.parametrize(
    ("model", "slug", "field", "value", "path", "claims"),
    [
        (Source, SOURCE.nis, "name", "South Korea's spy agency", f"/sources/{SOURCE.nis}/", []),
        (Source, SOURCE.nis, "name", "South Korea's spy agency", CASUALTIES, [CLAIM.casualties]),
        (Source, SOURCE.nis, "name", "South Korea's spy agency", "/", [CLAIM.kursk]),
        (
            Affiliation,
            AFFILIATION.south_korea,
            "name",
            "Seoul government",
            CASUALTIES,
            [CLAIM.casualties],
        ),
        (Topic, TOPIC.north_korea_russia, "name", "Pyongyang and Moscow", KURSK, [CLAIM.kursk]),
        (Article, ARTICLE.nis_casualties, "title", "NIS: 4,700 casualties", KURSK, [CLAIM.kursk]),
    ],
)
@pytest.mark.usefixtures("template_context")
def test_an_admin_edit_of_what_a_page_shows_appears_once_published(
    seed,
    client,
    page_cache,
    seed_reviewer,
    publisher,
    committed,
    model,
    slug,
    field,
    value,
    path,
    claims,
):
    obj = model.objects.get(slug=slug)
    assert value not in warm(client, path)[path]
    client.force_login(seed_reviewer)
    url, data = admin_change_data(client, model, obj, **{field: value})
    with committed():
        response = client.post(url, data)
    assert response.status_code == 302
    client.logout()
    if claims:
        assert value not in page_text(client.get(path))
    for claim in claims:
        published(claim, publisher, committed)
    assert value in page_text(client.get(path))
    assert getattr(model.objects.get(pk=obj.pk), field) == value


def test_a_caveat_removed_in_the_admin_disappears_once_published(
    seed, client, page_cache, seed_reviewer, publisher, committed
):
    claim = Claim.objects.get(slug=CLAIM.casualties)
    caveat = claim.caveats.first()
    assert caveat.text in warm(client, CASUALTIES)[CASUALTIES]
    client.force_login(seed_reviewer)
    with committed():
        response = client.post(
            reverse("admin:claims_claim_change", args=[claim.pk]),
            claim_form_data(claim, **{"caveats-0-DELETE": "on"}),
        )
    assert response.status_code == 302
    client.logout()
    assert caveat.text in page_text(client.get(CASUALTIES))
    published(CLAIM.casualties, publisher, committed)
    assert caveat.text not in page_text(client.get(CASUALTIES))
    assert not Caveat.objects.filter(pk=caveat.pk).exists()


def test_a_published_correction_cannot_be_deleted_in_the_admin(
    seed, client, page_cache, seed_reviewer, committed
):
    claim = Claim.objects.get(slug=CLAIM.kursk)
    claim.reopen(by=seed_reviewer, note="Checking the new report.", public_note="Re-checking.")
    correction = claim.corrections.get()
    assert correction.note in warm(client, KURSK)[KURSK]
    url = reverse("admin:claims_correction_delete", args=[correction.pk])
    client.force_login(seed_reviewer)
    with committed():
        response = client.post(url, {"post": "yes"})
    assert response.status_code == 403
    client.logout()
    assert correction.note in page_text(client.get(KURSK))
    assert Correction.objects.filter(pk=correction.pk).exists()
