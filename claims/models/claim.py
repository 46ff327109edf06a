"""
The claim: what readers are told, its state in the review workflow, and its
verbs (start_review, corroborate, …, publish, revise), each one audited step
written by write_step().

It reads its rules from claims.workflow (the transition table, each step's
rule, the workflow's errors) and claims.independence, and writes its audit
trail through claims.models.history. Evidence, caveats, sources and figures
point to it from the modules above it.
"""

from django.conf import settings
from django.db import models, transaction
from django.db.models import Case, F, Q, When
from django.db.models.functions import Length
from django.db.models.lookups import GreaterThan, LessThanOrEqual
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from claims.choices import Action, ClaimStatus, CorrectionKind, Stance, Withdrawal
from claims.constraints import (
    bounded_text,
    choices_constraint,
    http_url_constraint,
    http_url_validator,
    length_constraint,
    no_control_characters,
    within_date_bounds,
)
from claims.independence import independent_origins
from claims.models.history import Correction, ReviewEvent
from claims.models.revisions import Revision, as_document, claim_record, for_records
from claims.natural_keys import SlugNaturalKey, SlugNaturalKeyManager
from claims.permissions import permissions_for
from claims.records import record_differences
from claims.workflow import (
    TRANSITIONS,
    VERDICT_RULES,
    ClaimState,
    StaleClaim,
    WorkflowError,
    WorkflowForbidden,
    caveat_problems,
    changes_public_record,
    correction_text,
    needs_internal_note,
    public_problems,
    step_taken,
    step_updates,
)

# Claim.public_status in SQL: a claim under review shows its previous rating.
# An index on this expression serves the verdict filter in date order, which
# an OR on status and previous_status cannot.
PUBLIC_STATUS_SQL = Case(
    When(
        Q(status=ClaimStatus.IN_REVIEW) & ~Q(previous_status=""),
        then=F("previous_status"),
    ),
    default=F("status"),
)


class ClaimQuerySet(models.QuerySet):
    def published(self):
        """The one visibility rule: what readers, feeds and machines may see."""
        return self.filter(is_published=True)

    def rated_as(self, status):
        """Claims whose rating readers see (Claim.public_status) is `status`."""
        return self.alias(rating=PUBLIC_STATUS_SQL).filter(rating=status)

    def for_listing(self):
        return self.select_related("claimant", "topic", "appeared_in")

    def with_records(self):
        """With everything a claim's record reads: a dozen queries for any number of claims."""
        return for_records(self)

    def draft_documents(self):
        """
        {pk: the record readers would see if it were published now} for each
        claim: all read together, in the same dozen queries as one claim's.
        """
        return {claim.pk: claim.read_draft_document() for claim in self.with_records()}


class Claim(ClaimState, SlugNaturalKey):
    slug = models.SlugField(max_length=100, unique=True, verbose_name=_("slug"))
    headline = models.CharField(
        max_length=75,
        help_text=_("Short form for readers and ClaimReview, 75 characters at most."),
        validators=[no_control_characters],
        verbose_name=_("headline"),
    )
    wording = bounded_text(_("claim as made"), limit=5_000)
    claimant = models.ForeignKey(
        "claims.Source", on_delete=models.PROTECT, related_name="claims", verbose_name=_("claimant")
    )
    made_on = models.DateField(
        _("date made"), null=True, blank=True, validators=[within_date_bounds]
    )
    appeared_in = models.ForeignKey(
        "claims.Article",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="claims",
        verbose_name=_("appeared in"),
    )
    appearance_url = models.URLField(
        _("appearance URL"),
        blank=True,
        validators=[http_url_validator, no_control_characters],
        help_text=_(
            "Where the claim was first made or reported (its first appearance); the article "
            "on file may only relay it."
        ),
    )
    context = bounded_text(blank=True, limit=5_000, verbose_name=_("context"))
    language = models.CharField(
        max_length=8,
        default="en",
        validators=[no_control_characters],
        help_text="The language the claim was made in: its record is published in it first.",
        verbose_name=_("language"),
    )
    topic = models.ForeignKey(
        "claims.Topic",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="claims",
        verbose_name=_("topic"),
    )
    status = models.CharField(
        max_length=20,
        choices=ClaimStatus,
        default=ClaimStatus.UNVERIFIED,
        editable=False,
        verbose_name=_("status"),
    )
    previous_status = models.CharField(
        max_length=20,
        choices=ClaimStatus,
        blank=True,
        editable=False,
        verbose_name=_("previous status"),
    )
    verdict_summary = bounded_text(
        blank=True,
        limit=3_000,
        help_text=_("Why, in plain words, for readers."),
        verbose_name=_("verdict summary"),
    )
    is_published = models.BooleanField(
        default=False, editable=False, verbose_name=_("is published")
    )
    published_at = models.DateTimeField(
        null=True, blank=True, editable=False, verbose_name=_("published at")
    )
    review_by = models.DateField(
        null=True,
        blank=True,
        validators=[within_date_bounds],
        help_text=_("After this date readers are told it may be outdated."),
        verbose_name=_("review by"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="claims_created",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(
        default=timezone.now, editable=False, verbose_name=_("created at")
    )
    updated_at = models.DateTimeField(
        default=timezone.now, editable=False, verbose_name=_("updated at")
    )
    version = models.PositiveIntegerField(default=1, editable=False, verbose_name=_("version"))
    draft_authors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        editable=False,
        related_name="drafts_changed",
        help_text=_("Who changed what readers would see since the claim was last published."),
        verbose_name=_("draft authors"),
    )

    objects = SlugNaturalKeyManager.from_queryset(ClaimQuerySet)()

    class Meta:
        verbose_name = _("claim")
        verbose_name_plural = _("claims")
        ordering = ["-published_at", "-created_at"]
        permissions = [
            ("review_claim", "Can issue and reopen verdicts"),
            ("publish_claim", "Can publish and unpublish claims"),
        ]
        constraints = [
            choices_constraint("status", ClaimStatus, "claims_claim_status_valid"),
            models.CheckConstraint(
                condition=Q(previous_status="") | Q(previous_status__in=ClaimStatus.values),
                name="claims_claim_previous_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(is_published=False) | Q(published_at__isnull=False),
                name="claims_claim_published_has_date",
            ),
            models.CheckConstraint(
                condition=Q(
                    LessThanOrEqual(Length("headline"), 75), GreaterThan(Length("headline"), 0)
                ),
                name="claims_claim_headline_length",
            ),
            models.CheckConstraint(condition=~Q(slug=""), name="claims_claim_slug_not_empty"),
            models.CheckConstraint(condition=~Q(language=""), name="claims_claim_language"),
            models.CheckConstraint(
                condition=Q(version__gte=1), name="claims_claim_version_positive"
            ),
            # A claim in review is public only when it had a public rating before.
            models.CheckConstraint(
                condition=~Q(is_published=True, status=ClaimStatus.IN_REVIEW, previous_status=""),
                name="claims_claim_published_review_has_previous",
            ),
            http_url_constraint("appearance_url", "claims_claim_appearance_url_http"),
            length_constraint("wording", 5_000, "claims_claim_wording_length"),
            length_constraint("context", 5_000, "claims_claim_context_length"),
            length_constraint("verdict_summary", 3_000, "claims_claim_verdict_summary_length"),
        ]
        # The public list's orders and filters, over published claims only:
        # each page and count walks one of these (id breaks date ties).
        indexes = [
            models.Index(
                fields=["-published_at", "-id"],
                name="claims_published_recent",
                condition=Q(is_published=True),
            ),
            # status and previous_status ride along so that counts and page
            # keys come from the index alone: PostgreSQL does not see that the
            # expression is all a query needs of them.
            models.Index(
                PUBLIC_STATUS_SQL,
                F("published_at").desc(),
                F("id").desc(),
                "status",
                "previous_status",
                name="claims_published_by_status",
                condition=Q(is_published=True),
            ),
            models.Index(
                fields=["topic", "-published_at", "-id"],
                name="claims_published_by_topic",
                condition=Q(is_published=True),
            ),
            models.Index(fields=["status"], name="claims_claim_status"),
        ]

    def __str__(self):
        return self.headline

    def get_absolute_url(self):
        return reverse("claim_detail", args=[self.slug])

    @property
    def needs_caveats(self):
        """Whether readers see the claim and the caveat rule (caveat_problems)
        would refuse it without caveats: a published unverified claim."""
        return self.is_published and bool(caveat_problems(self, []))

    # The workflow. Every verb goes through transition(); nothing else
    # changes status, publication or version. Each takes two notes: `note` is
    # internal (the audit trail and the admin, never a public page: it may
    # name a confidential source); `public_note` is for readers, and is
    # required by a step that changes what readers see of a published claim,
    # where it becomes the public Correction.

    def start_review(self, *, by, note="", public_note=""):
        return self.transition(Action.START_REVIEW, by=by, note=note, public_note=public_note)

    def corroborate(self, *, by, note="", public_note=""):
        return self.transition(Action.CORROBORATE, by=by, note=note, public_note=public_note)

    def dispute(self, *, by, note="", public_note=""):
        return self.transition(Action.DISPUTE, by=by, note=note, public_note=public_note)

    def refute(self, *, by, note="", public_note=""):
        return self.transition(Action.REFUTE, by=by, note=note, public_note=public_note)

    def mark_unverifiable(self, *, by, note="", public_note=""):
        return self.transition(Action.MARK_UNVERIFIABLE, by=by, note=note, public_note=public_note)

    def reopen(self, *, by, note="", public_note=""):
        return self.transition(Action.REOPEN, by=by, note=note, public_note=public_note)

    def publish(self, *, by, note="", public_note=""):
        return self.transition(Action.PUBLISH, by=by, note=note, public_note=public_note)

    def unpublish(self, *, by, note="", public_note="", withdrawal=Withdrawal.NOTICE):
        """Withdraw the verdict; `withdrawal` says what readers then find at its address."""
        return self.transition(
            Action.UNPUBLISH, by=by, note=note, public_note=public_note, withdrawal=withdrawal
        )

    def transition(
        self,
        action,
        *,
        by,
        note="",
        public_note="",
        expected_version=None,
        verdict_summary=None,
        correction_kind=CorrectionKind.UPDATE,
        withdrawal=None,
    ):
        """
        Take one workflow step, or raise and change nothing.

        Locks the claim's row, checks that its version is still the one the
        caller read (`expected_version`, else this instance's), then the
        permission and the evidence guard against the locked state, and
        writes the step with its ReviewEvent (and, when the step changes what
        readers see of a published claim, a public Correction from
        `public_note`) in the same transaction (write_step). Two reviewers
        racing on one claim take turns on the lock; the second finds a new
        version. Raises WorkflowForbidden, WorkflowError or StaleClaim.

        A verdict step may carry `verdict_summary`, the summary readers get
        with the verdict, written by the same save, so a new verdict need not
        stand over the old one's explanation. None keeps the summary as it is.

        A step that leaves the claim published publishes a new revision of
        its record in the same transaction (write_step); `correction_kind`
        names the correction readers get for Publish changes.
        """
        action = Action(action)
        spec = TRANSITIONS[action]
        if action == Action.UNPUBLISH:
            withdrawal = Withdrawal(withdrawal or Withdrawal.NOTICE)
        elif withdrawal:
            raise WorkflowError("Only a withdrawal says what readers find in its place.")
        note, public_note = note.strip(), public_note.strip()
        if verdict_summary is not None and not spec.is_verdict:
            raise WorkflowError("Only a verdict carries a new summary: edit the claim instead.")
        expected_version = self.version if expected_version is None else expected_version
        with transaction.atomic():
            current = Claim.objects.select_for_update().get(pk=self.pk)
            if current.version != expected_version:
                raise StaleClaim(
                    "This claim was changed by someone else since you opened it. "
                    "Reload it, check what changed and try again."
                )
            if problem := permissions_for(by, current).step_problem(action):
                raise WorkflowForbidden(problem)
            problems = current.guard_problems(
                action, note=note, public_note=public_note, require_note=True
            )
            if verdict_summary is not None:
                verdict_summary = verdict_summary.strip()
                if current.is_published and not verdict_summary:
                    problems.append("A published claim keeps a summary for readers.")
            if problems:
                raise WorkflowError(problems)
            now = timezone.now()
            updates = step_updates(current, action, now)
            wrote_summary = verdict_summary is not None and (
                verdict_summary != current.verdict_summary.strip()
            )
            if verdict_summary is not None:
                updates["verdict_summary"] = verdict_summary
            event = current.write_step(
                updates,
                action=action,
                by=by,
                now=now,
                note=note,
                public_note=public_note,
                correction=correction_text(current, action, public_note),
                correction_kind=correction_kind,
                withdrawal=withdrawal or "",
            )
            if wrote_summary and not current.is_published:
                # Readers' text, written with the verdict: the reviewer leaves
                # its publication to another publisher. A published claim's
                # verdict went out with it (write_step).
                current.note_draft_author(by)
        for name, value in updates.items():
            setattr(self, name, value)
        return event

    def write_step(
        self,
        updates,
        *,
        action,
        by,
        now,
        note,
        public_note,
        correction="",
        correction_kind=CorrectionKind.UPDATE,
        withdrawal="",
    ):
        """
        Write one audited step to this claim, read under its row lock in the
        caller's transaction: the field values `updates`, the ReviewEvent, the
        public Correction saying `correction` when there is one, and, when the
        claim is published after the step, the revision readers then see. A
        withdrawal publishes one too, never current, so that the chain of
        revisions holds every correction readers were shown. Only publishing
        and a verdict publish the draft; other steps change the record's state
        and timeline alone.

        The claim is written through save(), so that its signals retire the
        public pages it changes; the event and the correction go in by
        bulk_create, which sends none: they appear only on those same pages.
        """
        from_status = self.status
        for name, value in updates.items():
            setattr(self, name, value)
        self.save(update_fields=list(updates))
        event = ReviewEvent(
            claim=self,
            version=self.version,
            action=action,
            from_status=from_status,
            to_status=self.status,
            actor=by,
            created_at=now,
            note=note,
            public_note=public_note,
            withdrawal=withdrawal,
        )
        ReviewEvent.objects.bulk_create([event])
        if correction:
            Correction.objects.bulk_create(
                [Correction(claim=self, kind=correction_kind, note=correction, published_at=now)]
            )
        self.revisions.current().update(is_current=False)
        if self.is_published or action == Action.UNPUBLISH:
            # Publishing and a verdict go out with the draft they were checked
            # against; any other step changes only the claim's state on the
            # record, and the draft waits for Publish changes. A withdrawal is
            # on the record too: its revision is never current.
            with_draft = action in (Action.PUBLISH, Action.PUBLISH_CHANGES)
            with_draft = with_draft or TRANSITIONS[action].is_verdict
            revision = Revision.publish(
                self,
                by=by,
                at=now,
                public_note=correction,
                current=self.is_published,
                with_draft=with_draft,
            )
            # The step's event keeps the revision's digest, so that a revision
            # rewritten with a digest to match is still told apart.
            event.revision_digest = revision.digest
            ReviewEvent.objects.filter(pk=event.pk).update(revision_digest=revision.digest)
            if with_draft:
                self.draft_authors.clear()
        step_taken.send(sender=Claim, claim=self, event=event, corrected=bool(correction))
        return event

    def current_revision(self):
        """The revision readers see, or None when the claim is not published."""
        return self.revisions.current().first()

    def draft_document(self):
        """The record readers would see if the claim were published now, read afresh."""
        return Claim.objects.filter(pk=self.pk).draft_documents()[self.pk]

    def read_draft_document(self):
        """
        The record readers would see if the claim were published now, from
        this instance's own fields and rows: read it through
        ClaimQuerySet.with_records(), or each relation costs a query.
        """
        return as_document(claim_record(self))

    def draft_changes(self, draft=None):
        """
        What readers would see change if the draft were published now: a list
        of (part, published, draft) for each part of the record that differs
        from the current revision's (claims.records.record_differences), empty
        when none does or the claim is not published.

        Reading the whole draft costs a dozen queries, and one admin page asks
        three times (the panel, the steps offered, the publish-changes guard),
        so the answer is kept on this instance until it is saved or reloaded.
        A step reads its claim afresh under the row lock, so never from here.
        `draft` is the draft document when it was read with other claims'
        (ClaimQuerySet.draft_documents).
        """
        if (changes := self.__dict__.get("_draft_changes")) is None:
            revision = self.current_revision()
            changes = (
                []
                if revision is None
                else record_differences(revision.document, draft or self.draft_document())
            )
            self._draft_changes = changes
        return changes

    def forget_draft_changes(self):
        self.__dict__.pop("_draft_changes", None)

    def save(self, *args, **kwargs):
        self.forget_draft_changes()
        super().save(*args, **kwargs)

    def refresh_from_db(self, *args, **kwargs):
        self.forget_draft_changes()
        super().refresh_from_db(*args, **kwargs)

    def has_draft_changes(self):
        return bool(self.draft_changes())

    def note_draft_author(self, user):
        """
        Record that `user` changed the draft of this claim, so that someone
        else publishes the change (four eyes): Publish changes on a published
        claim, Publish on one readers do not see (never published, or
        withdrawn). Publication clears the record (write_step).
        """
        if user is not None and user.pk is not None:
            self.draft_authors.add(user)

    def guard_problems(self, action, *, note="", public_note="", require_note=False):
        """
        What the rules say is missing before `action` can be taken, as a list
        of sentences (empty when it can): the step's status, then its guard
        (TRANSITIONS). Reads evidence and caveats; call it under the row lock
        when the answer must hold. With `require_note`, the notes the step
        needs are checked too.
        """
        action = Action(action)
        spec = TRANSITIONS[action]
        if self.status not in spec.from_statuses:
            status = ClaimStatus(self.status).label.lower()
            return [f"You cannot {spec.phrase} while it is {status}."]
        problems = []
        if require_note and needs_internal_note(self, action) and not note:
            problems.append(f"Say why: an internal note is required to {spec.phrase}.")
        if require_note and changes_public_record(self, action) and not public_note:
            problems.append(
                "This claim is published: write a public note telling readers what changed "
                "and why. It becomes the correction on the verdict page."
            )
        if require_note:
            problems += ReviewEvent.note_problems(note, public_note)
        if spec.guard is not None:
            problems += spec.guard(self, self._evidence_for_guard(), list(self.caveats.all()))
        return problems

    def state_problems(self):
        """
        Which workflow rules the claim's stored state breaks, as sentences
        (empty when it holds): a verdict still meets the rule that issued it
        (VERDICT_RULES), and a public claim is in a state readers may see.
        These are the transitions' own checks, read back by check_invariants
        and loaddata.
        """
        problems = []
        caveats = list(self.caveats.all())
        if self.has_verdict:
            problems += VERDICT_RULES[self.status](self, self._evidence_for_guard(), caveats)
        if self.is_published:
            problems += public_problems(self, caveats)
        return problems

    def _evidence_for_guard(self):
        # The admin's workflow panel reads it once for every step it offers
        # (claims.admin.ClaimAdmin.workflow_context); a transition reads it
        # fresh under the row lock.
        if (evidence := getattr(self, "evidence_with_origins", None)) is not None:
            return evidence
        return list(self.evidence.with_origins())

    def available_transitions(self, user):
        """Each step with the reason it is unavailable to `user` ('' when it is)."""
        steps = []
        for action, spec in TRANSITIONS.items():
            if self.status not in spec.from_statuses:
                continue
            problems = [permissions_for(user, self).step_problem(action)]
            problems += self.guard_problems(action)
            steps.append((action, " ".join(problem for problem in problems if problem)))
        return steps

    def record_entry(self, by):
        """The first row of the audit trail: who entered the claim."""
        return ReviewEvent.objects.create(
            claim=self,
            version=self.version,
            action=Action.CREATE,
            from_status=self.status,
            to_status=self.status,
            actor=by,
            created_at=self.created_at,
        )

    def independent_origins(self, stance=Stance.SUPPORTS, evidence=None):
        """
        The claim's evidence of one stance grouped by independent origin
        (claims.independence), largest first. Pass `evidence` to reuse items
        already fetched (with source, origin and their affiliations).
        """
        if evidence is None:
            evidence = self.evidence.with_origins()
        return independent_origins(self.claimant, evidence, stance)
