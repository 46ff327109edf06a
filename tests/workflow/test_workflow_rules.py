"""The evidence rules, four eyes, notes and corrections of the review workflow."""

import pytest
from django.utils import timezone

from claims.choices import Action, ClaimStatus, Stance
from claims.models import Caveat, Claim, Correction, Evidence, ReviewEvent
from claims.workflow import StaleClaim, WorkflowError, WorkflowForbidden, public_problems
from tests.factories import in_review, make_claim, make_evidence, make_source, publish_draft
from tests.seed import CLAIM


def test_the_4700_claim_cannot_be_corroborated_on_one_origin(seed, reviewer):
    claim = Claim.objects.get(slug=CLAIM.casualties)
    claim.start_review(by=reviewer, note="Checking again.", public_note="We are checking again.")
    with pytest.raises(WorkflowError) as error:
        claim.corroborate(by=reviewer, public_note="Corroborated.")
    assert error.value.messages == [
        "Corroboration needs supporting evidence graded 1–3 from 2 independent origins "
        "besides the claimant; this claim has 0. Evidence tracing back to the claimant "
        "(South Korean government) does not count."
    ]
    stored = Claim.objects.get(pk=claim.pk)
    assert stored.status == "in_review"
    assert stored.events.last().action == "start_review"


def test_the_kursk_claim_can_be_corroborated_by_a_reviewer_who_did_not_enter_it(seed, reviewer):
    claim = Claim.objects.get(slug=CLAIM.kursk)
    claim.reopen(by=reviewer, note="Re-checking the admission.", public_note="Re-checking.")
    claim.corroborate(by=reviewer, public_note="Still two independent origins.")
    stored = Claim.objects.get(pk=claim.pk)
    assert stored.status == "corroborated"
    assert list(stored.events.values_list("action", flat=True))[-2:] == ["reopen", "corroborate"]


@pytest.mark.django_db
def test_the_creator_cannot_issue_a_verdict_on_their_own_claim(reviewer, publisher):
    claim = in_review(make_claim(reviewer))
    Caveat.objects.create(claim=claim, kind="opinion", text="An opinion.")
    with pytest.raises(WorkflowForbidden, match="another reviewer must issue its verdict"):
        claim.mark_unverifiable(by=reviewer)
    assert Claim.objects.get(pk=claim.pk).status == "in_review"
    claim.mark_unverifiable(by=publisher)
    assert Claim.objects.get(pk=claim.pk).status == "unverifiable"


@pytest.mark.django_db
def test_an_editor_cannot_publish(editor):
    claim = make_claim(editor, verdict_summary="Summary.")
    Caveat.objects.create(claim=claim, kind="single_source", text="One source.")
    with pytest.raises(WorkflowForbidden, match="Only a publisher can publish a claim\\."):
        claim.publish(by=editor)
    assert not Claim.objects.get(pk=claim.pk).is_published
    assert not ReviewEvent.objects.exists()


@pytest.mark.django_db
def test_an_unverified_claim_is_published_only_with_a_caveat(editor, publisher):
    claim = make_claim(editor, verdict_summary="Summary.")
    with pytest.raises(WorkflowError, match="only with at least one caveat"):
        claim.publish(by=publisher)
    assert not Claim.objects.get(pk=claim.pk).is_published
    Caveat.objects.create(claim=claim, kind="single_source", text="One source.")
    claim.publish(by=publisher)
    stored = Claim.objects.get(pk=claim.pk)
    assert stored.is_published and stored.published_at is not None


@pytest.mark.django_db
def test_corroboration_is_refused_while_strong_contradicting_evidence_stands(editor, reviewer):
    claim = make_claim(editor)
    make_evidence(claim, make_source("One"))
    make_evidence(claim, make_source("Two"))
    make_evidence(claim, make_source("Three"), stance=Stance.CONTRADICTS, credibility=2)
    claim = in_review(claim)
    with pytest.raises(WorkflowError, match="1 contradicting item"):
        claim.corroborate(by=reviewer)
    assert Claim.objects.get(pk=claim.pk).status == "in_review"


@pytest.mark.django_db
def test_weakly_graded_origins_do_not_count_towards_corroboration(editor, reviewer):
    claim = make_claim(editor)
    make_evidence(claim, make_source("One"), credibility=2)
    make_evidence(claim, make_source("Two"), credibility=4)
    claim = in_review(claim)
    with pytest.raises(WorkflowError, match="this claim has 1 \\(One\\)"):
        claim.corroborate(by=reviewer)
    assert Claim.objects.get(pk=claim.pk).status == "in_review"


@pytest.mark.django_db
def test_a_false_rating_needs_an_origin_independent_of_the_claimant(editor, reviewer):
    claimant = make_source("Ministry", affiliation="Government A")
    claim = make_claim(editor, claimant=claimant)
    same_side = make_source("Agency", affiliation="Government A")
    make_evidence(claim, same_side, stance=Stance.CONTRADICTS, credibility=1)
    claim = in_review(claim)
    with pytest.raises(WorkflowError, match="independent of the claimant"):
        claim.refute(by=reviewer)
    assert Claim.objects.get(pk=claim.pk).status == "in_review"


@pytest.mark.django_db
def test_a_dispute_needs_both_sides(editor, reviewer):
    claim = make_claim(editor)
    make_evidence(claim, make_source("One"))
    claim = in_review(claim)
    with pytest.raises(WorkflowError, match="this claim has no contradicting evidence\\."):
        claim.dispute(by=reviewer)
    assert Claim.objects.get(pk=claim.pk).status == "in_review"


@pytest.mark.django_db
def test_reopening_needs_a_note(editor, reviewer):
    claim = make_claim(editor)
    Claim.objects.filter(pk=claim.pk).update(status=ClaimStatus.DISPUTED)
    claim = Claim.objects.get(pk=claim.pk)
    with pytest.raises(WorkflowError, match="an internal note is required"):
        claim.reopen(by=reviewer, note="   ")
    assert Claim.objects.get(pk=claim.pk).status == "disputed"
    assert not ReviewEvent.objects.exists()


def test_a_verdict_change_on_a_published_claim_writes_a_public_correction(seed, reviewer):
    claim = Claim.objects.get(slug=CLAIM.kursk)
    claim.reopen(
        by=reviewer,
        note="A contact at the ministry says the imagery is new.",
        public_note="New satellite imagery to weigh.",
    )
    assert list(Correction.objects.filter(claim=claim).values_list("note", flat=True)) == [
        "Verdict changed from Corroborated to under review: New satellite imagery to weigh."
    ]
    stored = Claim.objects.get(pk=claim.pk)
    assert stored.is_published
    assert stored.public_status == ClaimStatus.CORROBORATED

    Evidence.objects.create(
        claim=stored,
        source=make_source("Observer"),
        stance=Stance.CONTRADICTS,
        title="Imagery analysis",
        credibility=3,
    )
    stored.dispute(by=reviewer, public_note="Imagery contradicts the timeline.")
    assert Correction.objects.filter(claim=claim).last().note == (
        "Verdict changed from Corroborated to Disputed: Imagery contradicts the timeline."
    )


def test_unpublished_claims_get_no_correction(seed, reviewer):
    claim = Claim.objects.get(slug=CLAIM.significant_increase)
    Claim.objects.filter(pk=claim.pk).update(status=ClaimStatus.DISPUTED)
    Claim.objects.get(pk=claim.pk).reopen(by=reviewer, note="Recheck.")
    assert not Correction.objects.filter(claim=claim).exists()


@pytest.mark.django_db
class TestEvidenceUnderAVerdict:
    """Evidence and caveats under a standing verdict are a draft: they change
    freely, and publishing them is refused while they break the verdict's rule."""

    @pytest.fixture
    def rated(self, editor):
        claim = make_claim(editor, verdict_summary="An opinion, not a fact.")
        evidence = make_evidence(claim, make_source("One"))
        caveat = Caveat.objects.create(claim=claim, kind="opinion", text="An opinion.")
        Claim.objects.filter(pk=claim.pk).update(status=ClaimStatus.UNVERIFIABLE)
        claim = make_published_claim_of(claim, editor)
        return claim, evidence, caveat

    def test_evidence_changes_as_a_draft(self, rated, publisher):
        claim, evidence, _ = rated
        shown = claim.current_revision()
        make_evidence(claim, make_source("Two"), title="Second item")
        evidence.credibility = 1
        evidence.save()
        assert Evidence.objects.filter(claim=claim).count() == 2
        assert claim.current_revision() == shown
        assert [part.name for part in claim.draft_changes()] == ["evidence"]
        claim.transition(
            Action.PUBLISH_CHANGES, by=publisher, public_note="We added a second item."
        )
        published = Claim.objects.get(pk=claim.pk).current_revision()
        assert published.number == shown.number + 1
        assert [item["title"] for item in published.document["evidence"]] == [
            evidence.title,
            "Second item",
        ]

    def test_removing_the_caveat_an_unverifiable_rating_needs_cannot_be_published(
        self, rated, publisher
    ):
        claim, _, caveat = rated
        shown = claim.current_revision()
        caveat.delete()
        assert not Caveat.objects.filter(claim=claim).exists()
        with pytest.raises(WorkflowError, match="An unverifiable rating needs at least one caveat"):
            claim.transition(Action.PUBLISH_CHANGES, by=publisher, public_note="Caveat removed.")
        stored = Claim.objects.get(pk=claim.pk)
        assert stored.current_revision() == shown
        assert not stored.corrections.exists()


def make_published_claim_of(claim, by):
    """`claim` marked published with a first revision of it as it stands."""
    Claim.objects.filter(pk=claim.pk).update(is_published=True, published_at=timezone.now())
    claim = Claim.objects.get(pk=claim.pk)
    publish_draft(claim, by)
    return claim


@pytest.mark.django_db
def test_the_last_caveat_of_a_published_unverified_claim_may_go_but_not_out_to_readers(
    editor, publisher
):
    claim = make_claim(editor, verdict_summary="Summary.")
    caveat = Caveat.objects.create(claim=claim, kind="single_source", text="One source.")
    claim.publish(by=publisher)
    caveat.delete()
    stored = Claim.objects.get(pk=claim.pk)
    with pytest.raises(WorkflowError, match="only with at least one caveat"):
        stored.transition(Action.PUBLISH_CHANGES, by=publisher, public_note="No caveat.")
    assert stored.current_revision().document["caveats"] == [
        {"kind": "single_source", "text": "One source."}
    ]


@pytest.mark.django_db
def test_a_published_claim_under_review_of_an_unverified_rating_keeps_its_caveats_for_readers(
    editor, publisher
):
    claim = make_claim(editor, verdict_summary="Summary.")
    Caveat.objects.create(claim=claim, kind="single_source", text="One source.")
    Caveat.objects.create(claim=claim, kind="other", text="No count of its own.")
    claim.publish(by=publisher)
    claim.start_review(by=publisher, note="A new count.", public_note="Checking a new count.")
    Caveat.objects.filter(claim=claim).delete()
    stored = Claim.objects.get(pk=claim.pk)
    with pytest.raises(WorkflowError, match="only with at least one caveat"):
        stored.transition(Action.PUBLISH_CHANGES, by=publisher, public_note="No caveats.")
    assert len(stored.current_revision().document["caveats"]) == 2


@pytest.mark.parametrize(
    ("status", "previous_status", "published"),
    [
        (ClaimStatus.UNVERIFIED, "", True),
        (ClaimStatus.UNVERIFIED, "", False),
        (ClaimStatus.IN_REVIEW, ClaimStatus.UNVERIFIED, True),
        (ClaimStatus.IN_REVIEW, ClaimStatus.FALSE, True),
        (ClaimStatus.CORROBORATED, "", True),
        (ClaimStatus.DISPUTED, "", True),
    ],
)
def test_a_claim_needs_caveats_exactly_when_readers_would_see_it_refused_without(
    status, previous_status, published
):
    claim = Claim(status=status, previous_status=previous_status, is_published=published)
    refused = any("at least one caveat" in problem for problem in public_problems(claim, []))
    assert claim.needs_caveats == (published and refused)
    assert public_problems(claim, [Caveat(kind="other", text="Unknown.")]) == [
        problem for problem in public_problems(claim, []) if "at least one caveat" not in problem
    ]


@pytest.mark.django_db
def test_a_step_taken_on_a_stale_copy_is_refused(editor, reviewer):
    claim = make_claim(editor)
    stale_copy = Claim.objects.get(pk=claim.pk)
    claim.start_review(by=editor)
    with pytest.raises(StaleClaim, match="changed by someone else"):
        stale_copy.start_review(by=reviewer)
    assert Claim.objects.get(pk=claim.pk).version == 2
    assert ReviewEvent.objects.filter(claim=claim).count() == 1


@pytest.mark.django_db
def test_publishing_keeps_the_first_publication_date(editor, publisher):
    claim = make_claim(editor, verdict_summary="Summary.")
    Caveat.objects.create(claim=claim, kind="single_source", text="One source.")
    claim.publish(by=publisher)
    first = Claim.objects.get(pk=claim.pk).published_at
    claim.unpublish(by=publisher, note="Legal check.", public_note="Withdrawn for a check.")
    claim.publish(by=publisher)
    stored = Claim.objects.get(pk=claim.pk)
    assert stored.published_at == first
    assert stored.published_at <= timezone.now()
