"""
Before a verdict the reviewer sees which of the claim's sources are still
ungraded (graded F, as a source typed by name starts), linked to be graded.
"""

import pytest
from django.http import HttpResponse
from django.urls import reverse

from claims.models import Source
from tests.factories import in_review, make_claim, make_evidence, make_source, page_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def claim_with_ungraded_sources(editor):
    claimant = make_source("Unnamed official")
    wire = make_source("Wire", reliability="B")
    channel = make_source("Anonymous channel")
    blog = make_source("War blog")
    claim = make_claim(editor, claimant=claimant)
    make_evidence(claim, wire, origin=channel, title="Wire report")
    make_evidence(claim, blog, origin=claimant, title="Blog post")
    return claim


def workflow_step(response):
    """The workflow step fieldset: the verdict buttons and what sits beside them."""
    content = response.content.decode()
    start = content.index('id="workflow-step"')
    return content[start : content.index("</fieldset>", start)]


def test_a_reviewer_sees_each_ungraded_source_beside_the_verdict_buttons(
    client, reviewer, claim_with_ungraded_sources
):
    claim = in_review(claim_with_ungraded_sources)
    client.force_login(reviewer)
    step = workflow_step(client.get(reverse("admin:claims_claim_change", args=[claim.pk])))
    assert "3 of this claim's sources are still ungraded" in page_text(HttpResponse(step))
    for name, roles in [
        ("Unnamed official", "claimant, origin"),
        ("Anonymous channel", "origin"),
        ("War blog", "evidence source"),
    ]:
        source = Source.objects.get(name=name)
        link = reverse("admin:claims_source_change", args=[source.pk])
        assert f'<a href="{link}">Grade {name}</a> ({roles};' in step
    assert "Grade Wire" not in step
    assert step.index("ungraded") < step.index('name="_workflow_action"')


def test_a_graded_source_leaves_the_list(client, reviewer, claim_with_ungraded_sources):
    claim = in_review(claim_with_ungraded_sources)
    Source.objects.filter(name__in=["Anonymous channel", "War blog"]).update(reliability="C")
    client.force_login(reviewer)
    step = workflow_step(client.get(reverse("admin:claims_claim_change", args=[claim.pk])))
    assert "1 of this claim's sources is still ungraded" in page_text(HttpResponse(step))
    assert "Grade Unnamed official" in step and "Grade War blog" not in step
    assert Source.objects.filter(reliability="F").count() == 1


def test_no_list_is_shown_before_the_review_starts(client, editor, claim_with_ungraded_sources):
    client.force_login(editor)
    response = client.get(
        reverse("admin:claims_claim_change", args=[claim_with_ungraded_sources.pk])
    )
    assert response.status_code == 200
    assert "still ungraded" not in response.content.decode()
    assert claim_with_ungraded_sources.status == "unverified"
