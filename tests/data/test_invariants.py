"""check_invariants names every row that breaks a rule, and is quiet when all hold."""

from contextlib import contextmanager
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from claims.choices import Stance
from claims.invariants import Violation, find_violations
from claims.models import Affiliation, Caveat, Claim, Evidence, ReviewEvent, Revision, Source
from tests.factories import (
    make_claim,
    make_evidence,
    make_published_claim,
    make_source,
    publish_draft,
)
from tests.seed import AFFILIATION, CLAIM, SOURCE


def check_invariants():
    """Run the command; return (succeeded, stdout, stderr)."""
    out, err = StringIO(), StringIO()
    try:
        call_command("check_invariants", stdout=out, stderr=err)
    except CommandError as error:
        return False, out.getvalue(), err.getvalue() + str(error)
    return True, out.getvalue(), err.getvalue()


@contextmanager
def constraint_not_enforced(model, name):
    """Let in a row the constraint would refuse, as a restore without constraints would."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA ignore_check_constraints = ON")
            try:
                yield
            finally:
                cursor.execute("PRAGMA ignore_check_constraints = OFF")
    else:
        # Dropped inside the test's transaction, so it comes back at rollback.
        constraint = next(c for c in model._meta.constraints if c.name == name)
        with connection.schema_editor() as schema:
            schema.remove_constraint(model, constraint)
        yield


def seed_claim(slug):
    return Claim.objects.get(slug=slug)


def test_the_seed_holds_every_invariant(seed):
    assert find_violations() == []
    succeeded, out, err = check_invariants()
    assert succeeded
    assert out == "All 9 claims hold every invariant.\n"
    assert err == ""


@pytest.mark.django_db
def test_an_empty_desk_holds_every_invariant():
    assert check_invariants() == (True, "All 0 claims hold every invariant.\n", "")


def test_a_status_changed_outside_the_workflow_is_named(seed):
    Claim.objects.filter(slug=CLAIM.casualties).update(status="corroborated")
    assert sorted(str(v) for v in find_violations()) == [
        f"claims.Claim {CLAIM.casualties}: Its status is corroborated, but its review "
        "events leave it unverified.",
        f"claims.Claim {CLAIM.casualties}: Readers see it as unverified, but it is "
        "corroborated: its status changed outside the workflow.",
    ]
    succeeded, out, err = check_invariants()
    assert not succeeded
    assert "Readers see it as unverified, but it is corroborated" in err
    assert "All" not in out


def test_a_corroboration_published_on_a_single_origin_is_named(seed, publisher):
    Claim.objects.filter(slug=CLAIM.casualties).update(status="corroborated")
    publish_draft(seed_claim(CLAIM.casualties), by=publisher)
    violation = Violation(
        "claims.Claim",
        CLAIM.casualties,
        "Corroboration needs supporting evidence graded 1–3 from 2 independent origins "
        "besides the claimant; this claim has 0. Evidence tracing back to the claimant "
        "(South Korean government) does not count.",
    )
    assert violation in find_violations()
    assert Revision.objects.current().get(slug=CLAIM.casualties).rating == "corroborated"


def test_merging_two_origins_is_a_draft_until_published_and_then_caught(seed, publisher):
    # Re-affiliating sources is drafting: readers still see the verdict as
    # published. Publishing it around the workflow is what the check names.
    Source.objects.filter(
        slug__in=[SOURCE.russian_general_staff, SOURCE.north_korea, SOURCE.kcna]
    ).update(affiliation=Affiliation.objects.get(slug=AFFILIATION.south_korea))
    assert find_violations() == []
    publish_draft(seed_claim(CLAIM.kursk), by=publisher)
    assert [str(v) for v in find_violations()] == [
        f"claims.Claim {CLAIM.kursk}: Corroboration needs supporting evidence "
        "graded 1–3 from 2 independent origins besides the claimant; this claim has 0. "
        "Evidence tracing back to the claimant "
        "(South Korean government) does not count."
    ]
    assert seed_claim(CLAIM.kursk).status == "corroborated"


def test_a_published_unverified_record_without_caveats_is_named(seed, publisher):
    Caveat.objects.filter(claim__slug=CLAIM.deaths).delete()
    assert find_violations() == []
    publish_draft(seed_claim(CLAIM.deaths), by=publisher)
    assert [str(v) for v in find_violations()] == [
        f"claims.Claim {CLAIM.deaths}: An unverified claim can be published only "
        "with at least one caveat saying what we don't know."
    ]
    assert seed_claim(CLAIM.deaths).is_published


def test_a_public_claim_in_review_needs_a_publishable_previous_rating(seed, publisher):
    Claim.objects.filter(slug=CLAIM.kursk).update(status="in_review", previous_status="in_review")
    publish_draft(seed_claim(CLAIM.kursk), by=publisher)
    rules = {v.rule for v in find_violations() if v.row == CLAIM.kursk}
    assert "A claim in review is public only while its previous rating could be published." in (
        rules
    )


@pytest.mark.parametrize(
    ("status", "rule"),
    [
        ("disputed", "A dispute needs at least one supporting and one contradicting item"),
        ("false", "A false rating needs contradicting evidence graded 1–2"),
        ("unverifiable", "An unverifiable rating needs at least one caveat saying why."),
        ("corroborated", "Corroboration needs supporting evidence graded 1–3"),
    ],
)
def test_each_published_verdict_must_meet_its_evidence_rule(editor, publisher, status, rule):
    claim = make_published_claim(editor)
    make_evidence(claim, make_source("Wire"), stance=Stance.SUPPORTS, credibility=1)
    Claim.objects.filter(pk=claim.pk).update(status=status)
    publish_draft(claim, by=publisher)
    violations = [v for v in find_violations() if v.model == "claims.Claim"]
    assert any(v.row == claim.slug and v.rule.startswith(rule) for v in violations), violations
    assert Claim.objects.get(pk=claim.pk).status == status


@pytest.mark.parametrize(
    ("model", "constraint", "update"),
    [
        (Claim, "claims_claim_status_valid", {"status": "approved"}),
        (Claim, "claims_claim_appearance_url_http", {"appearance_url": "javascript:alert(1)"}),
        (Evidence, "claims_evidence_url_http", {"url": "JaVaScRiPt:alert(1)"}),
        (Evidence, "claims_evidence_archive_url_http", {"archive_url": "data:text/html,x"}),
        (Evidence, "claims_evidence_credibility_valid", {"credibility": 9}),
        (Source, "claims_source_url_http", {"url": "vbscript:msgbox(1)"}),
        (Claim, "claims_claim_published_has_date", {"published_at": None}),
    ],
)
def test_rows_the_database_should_have_refused_are_named_by_constraint(
    seed, model, constraint, update
):
    row = {
        Claim: Claim.objects.filter(slug=CLAIM.casualties),
        Evidence: Evidence.objects.filter(claim__slug=CLAIM.cremated),
        Source: Source.objects.filter(slug=SOURCE.nis),
    }[model]
    with constraint_not_enforced(model, constraint):
        assert row.update(**update) >= 1
    named = {(v.model, v.rule) for v in find_violations()}
    assert (model._meta.label, constraint) in named
    succeeded, _, err = check_invariants()
    assert not succeeded
    assert constraint in err


def test_a_status_change_without_its_review_event_is_named(seed):
    Claim.objects.filter(slug=CLAIM.cremated).update(status="in_review")
    assert [str(v) for v in find_violations()] == [
        f"claims.Claim {CLAIM.cremated}: Its status is in_review, "
        "but its review events leave it unverified."
    ]


def test_a_review_event_from_nowhere_and_from_the_future_is_named(seed, editor):
    claim = seed_claim(CLAIM.cremated)
    ReviewEvent.objects.create(
        claim=claim,
        version=claim.version + 5,
        action="start_review",
        from_status="disputed",
        to_status="unverified",
        actor=editor,
        created_at=timezone.now(),
    )
    rows = {(v.row, v.rule) for v in find_violations()}
    assert rows == {
        (
            f"{CLAIM.cremated} v{claim.version + 5}",
            f"Its version is later than the claim's (v{claim.version}).",
        ),
        (
            f"{CLAIM.cremated} v{claim.version + 5}",
            "It starts from disputed, but the claim was unverified before it.",
        ),
    }


@pytest.mark.postgresql(reason="SQLite cannot drop a table's unique constraint in place")
def test_two_review_events_with_one_version_are_named(seed, editor):
    event = ReviewEvent.objects.filter(claim__slug=CLAIM.cremated).last()
    with constraint_not_enforced(ReviewEvent, "claims_reviewevent_unique_version"):
        event.pk = None
        event.save()
    assert (
        Violation(
            "claims.ReviewEvent",
            f"{CLAIM.cremated} v{event.version}",
            "2 events share this version.",
        )
        in find_violations()
    )


def test_the_check_costs_the_same_few_queries_however_many_claims(
    seed, editor, reviewer, publisher
):
    with CaptureQueriesContext(connection) as on_the_seed:
        assert find_violations() == []
    for number in range(3):
        claim = make_claim(editor, verdict_summary="Two independent origins.")
        make_evidence(claim, make_source(f"Wire {number}"))
        make_evidence(claim, make_source(f"Ministry {number}"))
        claim.start_review(by=editor)
        claim.corroborate(by=reviewer)
        claim.publish(by=publisher)
    with CaptureQueriesContext(connection) as on_more_claims:
        assert find_violations() == []
    assert Claim.objects.published().filter(status="corroborated").count() == 1 + 3
    assert len(on_more_claims) == len(on_the_seed)
