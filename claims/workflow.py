"""
The review workflow's rules: which step goes from which statuses to which,
and what it needs of the claim, each step naming its rule. Who may take each
step is claims.permissions' to say.

The steps themselves are Claim's verbs (Claim.corroborate(), Claim.publish(),
…), which all go through Claim.transition(). A guard reads only the claim and
the evidence and caveats it is given, so it can be called on unsaved rows; a
verdict's guard is also its standing rule, read back by Claim.state_problems().
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.dispatch import Signal
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext, ngettext, override
from django.utils.translation import gettext_lazy as _

from claims.choices import Action, ClaimStatus, Stance
from claims.independence import independent_origins
from claims.languages import ORIGINAL_LANGUAGE


class WorkflowError(ValidationError):
    """A transition the rules refuse: the message says what is missing."""


class StaleClaim(WorkflowError):
    """The claim changed since the caller read it."""


class WorkflowForbidden(PermissionDenied):
    """The user may not take this step on this claim."""


# Sent by Claim.write_step inside the step's transaction, with `claim`,
# `event` (its ReviewEvent) and `corrected` (whether it wrote a public
# correction): for what must hear of a step outside the desk's own records,
# the emails (claims.tasks), which wait for the commit.
step_taken = Signal()


def public_rating(status, previous_status):
    """The rating readers see of a claim: under review, its previous rating."""
    if status == ClaimStatus.IN_REVIEW and previous_status:
        return ClaimStatus(previous_status)
    return ClaimStatus(status)


class ClaimState:
    """
    What a claim's state means to readers and to the rules, for anything with
    `status`, `previous_status` and `review_by`: a live claim (Claim) or the
    record a revision published (claims.records.ClaimRecord).
    """

    @property
    def public_status(self):
        """The rating readers see: in review, the previous public rating."""
        return public_rating(self.status, self.previous_status)

    @property
    def has_verdict(self):
        return self.status in ClaimStatus.verdicts()

    @property
    def is_under_review(self):
        return self.status == ClaimStatus.IN_REVIEW

    @property
    def is_past_review_date(self):
        return self.review_by is not None and self.review_by < timezone.localdate()


def graded(evidence, stance, at_best):
    """The items of `stance` graded `at_best` or better (1 is best)."""
    return [item for item in evidence if item.stance == stance and item.credibility <= at_best]


# Each guard takes the claim, its evidence (with sources, origins and their
# affiliations) and its caveats, and returns what is missing as sentences.


def corroboration_problems(claim, evidence, caveats):
    """Supporting evidence graded 1–3 from two independent origins besides the
    claimant, and no contradicting item graded 1–2."""
    strong = [
        group
        for group in independent_origins(claim.claimant, evidence, Stance.SUPPORTS)
        if group.best_credibility <= 3
    ]
    # The claimant repeating its claim is the claim, not evidence for it.
    counted = [group for group in strong if not group.is_claimant]
    problems = []
    if len(counted) < 2:
        named = f" ({', '.join(group.label for group in counted)})" if counted else ""
        problem = ngettext(
            "Corroboration needs supporting evidence graded 1–3 from 2 independent "
            "origins besides the claimant; this claim has %(count)d%(named)s.",
            "Corroboration needs supporting evidence graded 1–3 from 2 independent "
            "origins besides the claimant; this claim has %(count)d%(named)s.",
            len(counted),
        ) % {"count": len(counted), "named": named}
        if own := [group.label for group in strong if group.is_claimant]:
            problem += " " + gettext(
                "Evidence tracing back to the claimant (%(origin)s) does not count."
            ) % {"origin": own[0]}
        problems.append(problem)
    if strong_against := len(graded(evidence, Stance.CONTRADICTS, 2)):
        problems.append(
            ngettext(
                "Corroboration is refused while %(count)d contradicting item is graded 1–2.",
                "Corroboration is refused while %(count)d contradicting items are graded 1–2.",
                strong_against,
            )
            % {"count": strong_against}
        )
    return problems


def dispute_problems(claim, evidence, caveats):
    """At least one supporting and one contradicting item."""
    stances = {item.stance for item in evidence}
    missing = [stance for stance in (Stance.SUPPORTS, Stance.CONTRADICTS) if stance not in stances]
    if len(missing) == 2:
        return [
            gettext(
                "A dispute needs at least one supporting and one contradicting item; "
                "this claim has no supporting and no contradicting evidence."
            )
        ]
    if missing == [Stance.SUPPORTS]:
        return [
            gettext(
                "A dispute needs at least one supporting and one contradicting item; "
                "this claim has no supporting evidence."
            )
        ]
    if missing == [Stance.CONTRADICTS]:
        return [
            gettext(
                "A dispute needs at least one supporting and one contradicting item; "
                "this claim has no contradicting evidence."
            )
        ]
    return []


def refutation_problems(claim, evidence, caveats):
    """Contradicting evidence graded 1–2 from an origin independent of the
    claimant, and no supporting item graded 1–2."""
    independent = [
        group
        for group in independent_origins(claim.claimant, evidence, Stance.CONTRADICTS)
        if group.best_credibility <= 2 and not group.is_claimant
    ]
    problems = []
    if not independent:
        problems.append(
            gettext(
                "A false rating needs contradicting evidence graded 1–2 from an origin "
                "independent of the claimant."
            )
        )
    if strong_for := len(graded(evidence, Stance.SUPPORTS, 2)):
        problems.append(
            ngettext(
                "A false rating is refused while %(count)d supporting item is graded 1–2.",
                "A false rating is refused while %(count)d supporting items are graded 1–2.",
                strong_for,
            )
            % {"count": strong_for}
        )
    return problems


def unverifiable_problems(claim, evidence, caveats):
    """A caveat saying why the claim cannot be verified."""
    if not caveats:
        return [gettext("An unverifiable rating needs at least one caveat saying why.")]
    return []


def caveat_problems(claim, caveats):
    """
    The caveat rule, for a claim readers see or are about to see: one rated
    unverified says what we don't know, in at least one caveat. [] when
    `caveats` (those the claim has, or would keep after an edit) meet it,
    else the sentence saying what is missing.
    """
    if claim.public_status == ClaimStatus.UNVERIFIED and not caveats:
        return [
            gettext(
                "An unverified claim can be published only with at least one caveat "
                "saying what we don't know."
            )
        ]
    return []


def public_problems(claim, caveats):
    """What must hold for as long as readers can see the claim."""
    problems = caveat_problems(claim, caveats)
    if claim.status == ClaimStatus.IN_REVIEW and claim.previous_status not in PUBLISHABLE:
        problems.append(
            gettext(
                "A claim in review is public only while its previous rating could be published."
            )
        )
    return problems


def publication_problems(claim, evidence, caveats):
    """Not yet published, in a state readers may see, with a summary for
    readers and a review-by date (if any) after today."""
    problems = []
    if claim.is_published:
        problems.append(gettext("This claim is already published."))
    if claim.has_verdict:
        # Evidence, caveats and sources may have changed since the verdict.
        problems += VERDICT_RULES[claim.status](claim, evidence, caveats)
    problems += public_problems(claim, caveats)
    if not claim.verdict_summary.strip():
        problems.append(
            gettext(
                "Write the summary for readers and save it: then a publisher who did not write it "
                "publishes the claim."
            )
        )
    # Readers are told a verdict past its review-by date may be outdated:
    # none may go out saying so on the day it is published.
    if claim.review_by is not None and claim.review_by <= timezone.localdate():
        problems.append(
            gettext(
                "The review-by date, %(date)s, is not after today: set a later date, "
                "or clear it, before publishing."
            )
            % {"date": date_format(claim.review_by, "DATE_FORMAT")}
        )
    return problems


def change_publication_problems(claim, evidence, caveats):
    """
    Published, with draft changes to publish, and the draft holds every rule
    the published claim is held to: its verdict's (VERDICT_RULES), what
    readers may see (public_problems) and a summary for readers.
    """
    if not claim.is_published:
        return [
            gettext("This claim is not published: publish it, and readers see it as it stands.")
        ]
    problems = []
    if not claim.has_draft_changes():
        problems.append(gettext("Nothing to publish: readers already see the claim as it stands."))
    if claim.has_verdict:
        problems += VERDICT_RULES[claim.status](claim, evidence, caveats)
    problems += public_problems(claim, caveats)
    if not claim.verdict_summary.strip():
        problems.append(gettext("A published claim keeps a summary for readers: write one."))
    return problems


def unpublication_problems(claim, evidence, caveats):
    """Published."""
    return [] if claim.is_published else [gettext("This claim is not published.")]


@dataclass(frozen=True)
class Transition:
    button_text: str | Promise
    from_statuses: tuple
    target: str | None  # None: the status stays, only publication changes
    # The step done to a claim, for sentences: "rate a claim as false".
    phrase: str | Promise
    guard: Callable | None = None
    is_verdict: bool = False
    needs_note: bool = False


# The rule each verdict is issued under, by the status it leaves: every
# revision published while the verdict stands must meet it.
VERDICT_RULES = {
    ClaimStatus.CORROBORATED: corroboration_problems,
    ClaimStatus.DISPUTED: dispute_problems,
    ClaimStatus.FALSE: refutation_problems,
    ClaimStatus.UNVERIFIABLE: unverifiable_problems,
}

VERDICT_FROM = (ClaimStatus.IN_REVIEW,)
REOPENABLE = tuple(ClaimStatus.verdicts())
PUBLISHABLE = (ClaimStatus.UNVERIFIED, *ClaimStatus.verdicts())

TRANSITIONS = {
    Action.START_REVIEW: Transition(
        _("Start reviewing"),
        (ClaimStatus.UNVERIFIED,),
        ClaimStatus.IN_REVIEW,
        phrase=_("start the review of a claim"),
    ),
    Action.CORROBORATE: Transition(
        _("Corroborate"),
        VERDICT_FROM,
        ClaimStatus.CORROBORATED,
        phrase=_("corroborate a claim"),
        guard=corroboration_problems,
        is_verdict=True,
    ),
    Action.DISPUTE: Transition(
        _("Dispute"),
        VERDICT_FROM,
        ClaimStatus.DISPUTED,
        phrase=_("dispute a claim"),
        guard=dispute_problems,
        is_verdict=True,
    ),
    Action.REFUTE: Transition(
        _("Rate as false"),
        VERDICT_FROM,
        ClaimStatus.FALSE,
        phrase=_("rate a claim as false"),
        guard=refutation_problems,
        is_verdict=True,
    ),
    Action.MARK_UNVERIFIABLE: Transition(
        _("Rate as unverifiable"),
        VERDICT_FROM,
        ClaimStatus.UNVERIFIABLE,
        phrase=_("rate a claim as unverifiable"),
        guard=unverifiable_problems,
        is_verdict=True,
    ),
    Action.REOPEN: Transition(
        _("Reopen"),
        REOPENABLE,
        ClaimStatus.IN_REVIEW,
        phrase=_("reopen a claim"),
        needs_note=True,
    ),
    Action.PUBLISH: Transition(
        _("Publish"),
        PUBLISHABLE,
        None,
        phrase=_("publish a claim"),
        guard=publication_problems,
    ),
    Action.PUBLISH_CHANGES: Transition(
        _("Publish changes"),
        tuple(ClaimStatus),
        None,
        phrase=_("publish changes to a claim"),
        guard=change_publication_problems,
    ),
    Action.UNPUBLISH: Transition(
        _("Unpublish"),
        tuple(ClaimStatus),
        None,
        phrase=_("unpublish a claim"),
        guard=unpublication_problems,
        needs_note=True,
    ),
}


def puts_published_claim_under_review(action, is_published):
    """
    Whether `action` puts a published claim under review: Reopen, or Start
    reviewing a published unverified claim. Readers then see "Under review"
    over its rating, so the step is taken as Reopen is: it needs both notes,
    and the public one becomes a Correction.
    """
    return is_published and TRANSITIONS[Action(action)].target == ClaimStatus.IN_REVIEW


def needs_internal_note(claim, action):
    """Whether `action` on `claim` needs an internal note saying why."""
    return TRANSITIONS[Action(action)].needs_note or puts_published_claim_under_review(
        action, claim.is_published
    )


def changes_public_record(claim, action):
    """
    Whether `action` changes what readers see of `claim`: a verdict issued,
    the claim put under review, or the claim withdrawn, while it is published.
    Such a step needs a public note, which becomes a Correction.
    """
    spec = TRANSITIONS[Action(action)]
    return claim.is_published and (
        spec.is_verdict
        or puts_published_claim_under_review(action, claim.is_published)
        or action in (Action.UNPUBLISH, Action.PUBLISH_CHANGES)
    )


def step_updates(claim, action, now):
    """The field values `action` leaves on `claim`, taken at `now`."""
    spec = TRANSITIONS[Action(action)]
    updates = {"version": claim.version + 1, "updated_at": now}
    if spec.target is not None:
        updates["status"] = spec.target
        updates["previous_status"] = claim.status
    if action == Action.PUBLISH:
        updates["is_published"] = True
        # The first publication date stays: ClaimReview's datePublished.
        updates["published_at"] = claim.published_at or now
    elif action == Action.UNPUBLISH:
        updates["is_published"] = False
    return updates


def correction_text(claim, action, public_note):
    """
    The Correction readers get when `action` changes the published `claim`, or ''.
    Part of the published record, so in the record's language (English), never
    in the language of the person taking the step.
    """
    if not changes_public_record(claim, action):
        return ""
    with override(ORIGINAL_LANGUAGE):
        return correction_in_record_language(claim, action, public_note)


def correction_in_record_language(claim, action, public_note):
    if action == Action.UNPUBLISH:
        return f"Withdrawn from publication: {public_note}"
    if action == Action.PUBLISH_CHANGES:
        return public_note
    before = str(ClaimStatus(claim.previous_status or claim.status).label)
    if puts_published_claim_under_review(action, claim.is_published):
        before, after = str(ClaimStatus(claim.status).label), "under review"
    else:
        after = str(ClaimStatus(TRANSITIONS[Action(action)].target).label)
    if before == after:
        return f"Verdict {after} confirmed after review: {public_note}"
    return f"Verdict changed from {before} to {after}: {public_note}"
