"""
Who may do what on the desk, in one place: the roles and the permissions each
holds, who may take each workflow step on a claim in each state (publishing
its draft changes included), who may preview, and which role readers are
shown for a step whose actor has no first name on file.

No other module names a permission. Callers ask `permissions_for(user,
claim)`, one object per user and claim in the shape of Wagtail's
PagePermissionTester, or the user-level helpers at the end. The workflow
(claims.workflow) says what a step needs of the claim; this module says who
may take it.
"""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from claims.choices import Action, ClaimStatus
from claims.workflow import TRANSITIONS, puts_published_claim_under_review


@dataclass(frozen=True)
class Role:
    """One of the desk's roles: its group, how sentences name someone holding
    it, and the permission that marks it."""

    group: str
    one: str | Promise  # "a reviewer"
    many: str | Promise  # "reviewers"
    permission: str


EDITOR = Role("Editors", _("an editor"), _("editors"), "claims.change_claim")
REVIEWER = Role("Reviewers", _("a reviewer"), _("reviewers"), "claims.review_claim")
PUBLISHER = Role("Publishers", _("a publisher"), _("publishers"), "claims.publish_claim")
TRANSLATOR = Role("Translators", _("a translator"), _("translators"), "claims.change_translation")

VIEW_CLAIMS = "claims.view_claim"
ADD_SOURCES = "claims.add_source"

# Readers' tips and correction requests: every role triages them; the
# desk chief's roles may also ban a submitter.
TRIAGE_TIPS = "claims.change_tip"
TRIAGE_REQUESTS = "claims.change_correctionrequest"
TRIAGE_PERMISSIONS = [
    "claims.view_tip",
    TRIAGE_TIPS,
    "claims.view_correctionrequest",
    TRIAGE_REQUESTS,
]
BAN_SUBMITTERS = "claims.ban_tip"

# What each role's group holds (claims.roles.sync_roles gives it to them).
# Each role has every permission of the one before it.
EDITOR_PERMISSIONS = [
    "claims.add_claim",
    EDITOR.permission,
    VIEW_CLAIMS,
    "claims.add_evidence",
    "claims.change_evidence",
    "claims.delete_evidence",
    "claims.view_evidence",
    "claims.add_caveat",
    "claims.change_caveat",
    "claims.delete_caveat",
    "claims.view_caveat",
    ADD_SOURCES,
    "claims.change_source",
    "claims.view_source",
    "claims.add_article",
    "claims.change_article",
    "claims.view_article",
    "claims.add_affiliation",
    "claims.change_affiliation",
    "claims.view_affiliation",
    "claims.add_topic",
    "claims.change_topic",
    "claims.view_topic",
    "claims.view_reviewevent",
    "claims.view_correction",
    "claims.view_revision",
    "claims.add_figure",
    "claims.change_figure",
    "claims.view_figure",
    "claims.add_estimate",
    "claims.change_estimate",
    "claims.delete_estimate",
    "claims.view_estimate",
    *TRIAGE_PERMISSIONS,
    # The words reader search takes as standing for others.
    "claims.add_relatedwords",
    "claims.change_relatedwords",
    "claims.delete_relatedwords",
    "claims.view_relatedwords",
]
REVIEWER_PERMISSIONS = [*EDITOR_PERMISSIONS, REVIEWER.permission, BAN_SUBMITTERS]
# Drafting a translation of a claim's published record: a publisher may too,
# but never publish one they drafted.
TRANSLATION_PERMISSIONS = [
    "claims.add_translation",
    TRANSLATOR.permission,
    "claims.view_translation",
]
PUBLISHER_PERMISSIONS = [
    *REVIEWER_PERMISSIONS,
    PUBLISHER.permission,
    *TRANSLATION_PERMISSIONS,
]
# Translators read what they translate, and change nothing else.
TRANSLATOR_PERMISSIONS = [
    VIEW_CLAIMS,
    "claims.view_evidence",
    "claims.view_caveat",
    "claims.view_source",
    "claims.view_topic",
    "claims.view_figure",
    "claims.view_revision",
    "claims.view_correction",
    "claims.view_reviewevent",
    *TRANSLATION_PERMISSIONS,
]

ROLES = {
    EDITOR.group: EDITOR_PERMISSIONS,
    REVIEWER.group: REVIEWER_PERMISSIONS,
    PUBLISHER.group: PUBLISHER_PERMISSIONS,
    TRANSLATOR.group: TRANSLATOR_PERMISSIONS,
}

# Who takes each step of the workflow (claims.workflow.TRANSITIONS), and who
# enters a claim. step_role() gives the one exception.
STEP_ROLES = {
    Action.CREATE: EDITOR,
    Action.START_REVIEW: EDITOR,
    Action.CORROBORATE: REVIEWER,
    Action.DISPUTE: REVIEWER,
    Action.REFUTE: REVIEWER,
    Action.MARK_UNVERIFIABLE: REVIEWER,
    Action.REOPEN: REVIEWER,
    Action.PUBLISH: PUBLISHER,
    Action.PUBLISH_CHANGES: PUBLISHER,
    Action.UNPUBLISH: PUBLISHER,
    Action.PUBLISH_TRANSLATION: PUBLISHER,
}


def step_role(action, is_published):
    """
    The role that may take `action` on a claim that is published or not.
    Putting a published claim under review changes what readers see, so it
    is a reviewer's step whichever button does it, as Reopen is.
    """
    action = Action(action)
    if action in TRANSITIONS and puts_published_claim_under_review(action, is_published):
        return REVIEWER
    return STEP_ROLES[action]


def was_published_before(event):
    """
    Whether the claim was published just before `event`, as its audit trail
    tells: the last publish or unpublish before it. Reads the claim's events
    once; none when they were read with the claim (the verdict page's are).
    """
    published = False
    earlier = sorted(
        (other for other in event.claim.events.all() if other.version < event.version),
        key=lambda other: other.version,
    )
    for other in earlier:
        if other.action == Action.PUBLISH:
            published = True
        elif other.action == Action.UNPUBLISH:
            published = False
    return published


ROLE_BY_GROUP = {role.group: role for role in (EDITOR, REVIEWER, PUBLISHER, TRANSLATOR)}


def role_for_step(action, from_status, was_published):
    """
    The role that could take `action` on a claim in `from_status`, published
    or not: what readers are told of an actor with no first name on file.
    """
    action = Action(action)
    if action == Action.REVISE:
        # Before published revisions a claim's text was revised in place: by
        # a publisher once published, a reviewer under a verdict, else an editor.
        if was_published:
            return PUBLISHER
        return REVIEWER if from_status in ClaimStatus.verdicts() else EDITOR
    if action == Action.CREATE:
        return STEP_ROLES[action]
    return step_role(action, was_published)


def role_of(event):
    """
    The role that could have taken `event`'s step in the state the claim was
    in then (its `from_status`, and whether it was published): what readers
    are told of an actor with no first name on file.
    """
    return role_for_step(event.action, event.from_status, was_published_before(event))


class ClaimPermissions:
    """What `user` may do with `claim` as it stands, each refusal as a sentence."""

    def __init__(self, user, claim):
        self.user = user
        self.claim = claim

    def has(self, role):
        return self.user.has_perm(role.permission)

    def step_problem(self, action):
        """Why the user may not take `action` on the claim, or '' (the claim's own
        rules, such as its status or evidence, are the workflow's to say)."""
        action = Action(action)
        spec = TRANSITIONS[action]
        role = step_role(action, self.claim.is_published)
        if not self.has(role):
            if role != STEP_ROLES[action]:
                return gettext(
                    "Only %(role)s can %(step)s while it is published: "
                    "readers then see it under review."
                ) % {"role": role.one, "step": spec.phrase}
            return gettext("Only %(role)s can %(step)s.") % {"role": role.one, "step": spec.phrase}
        if spec.is_verdict and self.user.pk == self.claim.created_by_id:
            return gettext("You entered this claim, so another reviewer must issue its verdict.")
        if action == Action.PUBLISH_CHANGES and self.drafted_changes():
            return gettext(
                "You made some of these changes, so another publisher must publish them."
            )
        if action == Action.PUBLISH:
            return self.publication_problem()
        return ""

    def publication_problem(self):
        """
        Why the user may not publish the claim when readers do not see it,
        or '' (four eyes, as for Publish changes): whoever entered a claim
        never published, or wrote any of what readers would see since it was
        last published, leaves its publication to another publisher.
        """
        if self.claim.published_at is None and self.user.pk == self.claim.created_by_id:
            return gettext("You entered this claim, so another publisher must publish it.")
        if self.drafted_changes():
            return gettext(
                "You wrote some of what readers would see, so another publisher must publish it."
            )
        return ""

    def drafted_changes(self):
        """Whether the user changed what readers would see since the last publication
        (Claim.note_draft_author), the claim published or not."""
        return self.claim.draft_authors.filter(pk=self.user.pk).exists()

    def translation_problem(self, translation):
        """
        Why the user may not publish `translation` (a draft of this claim's
        record in another language), or '': a publisher who did not draft it.
        """
        if not self.has(PUBLISHER):
            return gettext("Only a publisher can publish a translation.")
        if translation.pk is not None and translation.drafted_by.filter(pk=self.user.pk).exists():
            return gettext("You drafted this translation, so another publisher must publish it.")
        return ""

    def can_draft_translation(self):
        return can_translate(self.user)

    def can_take(self, action):
        return not self.step_problem(action)

    def can_preview(self):
        return can_preview_claims(self.user)

    def role_of(self, event):
        return role_of(event)


def permissions_for(user, claim):
    """What `user` may do with `claim` (ClaimPermissions)."""
    return ClaimPermissions(user, claim)


# User-level answers, for pages that ask before (or without) reading a claim.


def can_preview_claims(user):
    """Staff who may view claims in the admin may see an unpublished one as readers would."""
    return user.is_active and user.is_staff and user.has_perm(VIEW_CLAIMS)


def can_publish(user):
    """Whether `user` may publish and unpublish claims (and so their bulk action)."""
    return user.has_perm(PUBLISHER.permission)


def can_review(user):
    """Whether `user` may issue and reopen verdicts."""
    return user.has_perm(REVIEWER.permission)


def can_translate(user):
    """Whether `user` may draft translations of published records."""
    return user.has_perm(TRANSLATOR.permission)


def can_add_sources(user):
    """Whether `user` may add a source, as evidence rows typed by name do."""
    return user.has_perm(ADD_SOURCES)


def can_triage_tips(user):
    """Whether `user` may see the tip queue and act on a tip."""
    return user.has_perm(TRIAGE_TIPS)


def can_triage_requests(user):
    """Whether `user` may answer, accept or decline correction requests."""
    return user.has_perm(TRIAGE_REQUESTS)


def can_ban_submitters(user):
    """Whether `user` may ban a submitter, quarantining all they sent."""
    return user.has_perm(BAN_SUBMITTERS)


def told_of_step(user, role):
    """Whether `user` is told by email when a claim awaits `role`'s step."""
    return user.is_active and bool(user.email) and user.has_perm(role.permission)


def told_of_overdue_claims(user):
    """Whether `user` gets the daily digest of claims past their review-by date."""
    return user.is_active and bool(user.email) and user.has_perm(EDITOR.permission)
