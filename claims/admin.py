from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.text import slugify
from django.utils.translation import ngettext

from claims.choices import Action, ClaimStatus, CorrectionKind, Credibility, Stance
from claims.models import (
    Affiliation,
    Article,
    Caveat,
    Claim,
    Correction,
    Estimate,
    Evidence,
    Figure,
    ReviewEvent,
    Source,
    Topic,
)
from claims.models.claim import READER_FACING_FIELDS
from claims.permissions import can_add_sources, can_publish
from claims.workflow import SUMMARY_THROUGH_REVISION, TRANSITIONS, WorkflowError, WorkflowForbidden


class SlugSetOnceMixin:
    """
    A slug is a public address and the natural key that fixtures, backups
    and each claim's reader fingerprint use to name the row: it is set when
    the row is added and never changed after.
    """

    def get_readonly_fields(self, request, obj=None):
        readonly = super().get_readonly_fields(request, obj)
        return [*readonly, "slug"] if obj else readonly

    def get_prepopulated_fields(self, request, obj=None):
        return {} if obj else super().get_prepopulated_fields(request, obj)


admin.site.unregister(get_user_model())


@admin.register(get_user_model())
class StaffAdmin(UserAdmin):
    """Django's user admin. Staff first names sign the public review timelines,
    so a change to a person retires the cached pages (claims.page_versions)."""


@admin.register(Affiliation)
class AffiliationAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Topic)
class TopicAdmin(SlugSetOnceMixin, admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Source)
class SourceAdmin(SlugSetOnceMixin, admin.ModelAdmin):
    list_display = ["name", "kind", "reliability", "affiliation", "country"]
    list_filter = ["reliability", "kind", "affiliation"]
    search_fields = ["name", "description", "affiliation__name"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["affiliation"]


@admin.register(Article)
class ArticleAdmin(SlugSetOnceMixin, admin.ModelAdmin):
    list_display = ["title", "publisher", "published_on"]
    search_fields = ["title", "url"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["publisher"]


# The change form's workflow buttons: <button name=STEP_BUTTON value=action>.
STEP_BUTTON = "_workflow_action"
# Steps that open the claim for the edits sent with them (evidence is frozen
# under a verdict): taken before those edits are saved, not after.
STEPS_BEFORE_EDITS = {Action.REOPEN}


class BlankRowOnAddMixin:
    """A new claim opens with one empty caveat and evidence row ready to fill."""

    def get_extra(self, request, obj=None, **kwargs):
        return 0 if obj else 1


class OpenClaimFormSet(forms.BaseInlineFormSet):
    """
    Refuses evidence and caveat changes while a verdict stands, unless the
    form's step reopens the claim: that step is taken before they are saved.
    """

    def clean(self):
        super().clean()
        changed = any(form.has_changed() for form in self.forms) or self.deleted_forms
        reopening = self.data.get(STEP_BUTTON) in STEPS_BEFORE_EDITS
        if changed and self.instance.pk and self.instance.has_verdict and not reopening:
            try:
                self.instance.ensure_open_for_evidence()
            except WorkflowError as error:
                raise ValidationError(error.messages) from None


class CaveatFormSet(OpenClaimFormSet):
    """Also keeps at least one caveat on a claim readers see as unverified."""

    def clean(self):
        super().clean()
        kept = [
            form
            for form in self.forms
            if form not in self.deleted_forms and (form.instance.pk or form.has_changed())
        ]
        if self.instance.pk and self.instance.needs_caveats and not kept:
            raise ValidationError(
                "This claim is published as unverified, so it must tell readers what we "
                "don't know: keep at least one caveat, or unpublish it first. Nothing was "
                "deleted."
            )


def new_source_slug(name):
    """The address a source typed by name gets: its name as a slug."""
    return slugify(name)[: Source._meta.get_field("slug").max_length]


class EvidenceForm(forms.ModelForm):
    """
    One evidence row. Its source is chosen from the list or, when it is not
    there yet, typed by name: the source is then added with the row, so that
    entering a claim needs no popup window. New rows start as what evidence
    most often is: supporting, read today; the credibility grade is left for
    the editor to choose, as it decides verdicts.
    """

    new_source = forms.CharField(
        label="or a new source",
        max_length=200,
        required=False,
        help_text="Not in the list? Type its name: it is added with this item, graded F with "
        "no affiliation until you set them on its page.",
    )

    # Whether the user may add sources; set by EvidenceInline.get_formset.
    can_add_sources = False
    # The source this row added, if any: the admin names it after saving.
    created_source = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Either this or a new source's name; clean() asks for one of them.
        self.fields["source"].required = self.fields["source"].widget.is_required = False
        credibility = self.fields["credibility"]
        credibility.choices = [("", "Choose a grade"), *Credibility.choices]
        credibility.required = True
        if self.instance.pk is None:
            # A grade of 6 would never count for a verdict, silently: ask instead.
            credibility.initial = None
            self.fields["stance"].initial = Stance.SUPPORTS
            self.fields["accessed_on"].initial = timezone.localdate()

    def clean(self):
        cleaned_data = super().clean()
        name = " ".join(cleaned_data.get("new_source", "").split())
        source = cleaned_data.get("source")
        if name and source:
            self.add_error(
                "new_source", "Choose a source from the list or type a new one, not both."
            )
        elif name:
            self._clean_new_source(name)
        elif source is None and "source" not in self.errors:
            self.add_error(
                "source", "Choose who published this item, or type the name of a new source."
            )
        return cleaned_data

    def _clean_new_source(self, name):
        existing = Source.objects.filter(name__iexact=name).first()
        if existing is not None:
            # The name typed is a source on file: use it rather than a duplicate,
            # which would count as a second, independent origin.
            self.cleaned_data["source"] = existing
            self.cleaned_data["new_source"] = ""
            return
        if not self.can_add_sources:
            self.add_error("new_source", "Only staff who may add sources can add one here.")
            return
        slug = new_source_slug(name)
        if not slug:
            self.add_error("new_source", "Give the new source a name with letters or digits.")
        elif similar := Source.objects.filter(slug=slug).first():
            self.add_error(
                "new_source",
                f"“{name}” reads like the source on file “{similar.name}”: choose it from the "
                "list, or type a more distinct name.",
            )
        else:
            self.cleaned_data["new_source"] = name

    def save(self, commit=True):
        if name := self.cleaned_data.get("new_source"):
            # Two rows naming the same new source share it.
            self.instance.source, created = Source.objects.get_or_create(
                slug=new_source_slug(name), defaults={"name": name}
            )
            if created:
                self.created_source = self.instance.source
        return super().save(commit)


class EvidenceFormSet(OpenClaimFormSet):
    """Refuses two rows with one source and title, new sources included."""

    def clean(self):
        super().clean()
        seen = set()
        for form in self.forms:
            if not form.has_changed() or form in self.deleted_forms or form.errors:
                continue
            data = form.cleaned_data
            source = data["source"].slug if data.get("source") else data.get("new_source", "")
            key = (new_source_slug(source), data.get("title", "").casefold())
            if key in seen:
                raise ValidationError(
                    "Two evidence rows have the same source and title: merge them or "
                    "tell them apart by their title."
                )
            seen.add(key)


class EvidenceInline(BlankRowOnAddMixin, admin.StackedInline):
    model = Evidence
    form = EvidenceForm
    formset = EvidenceFormSet
    fields = [
        ("stance", "credibility"),
        ("source", "new_source"),
        "origin",
        "title",
        ("url", "archive_url"),
        "excerpt",
        ("published_on", "accessed_on"),
        "note",
    ]
    autocomplete_fields = ["source", "origin"]

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.form.can_add_sources = can_add_sources(request.user)
        return formset


class CaveatInline(BlankRowOnAddMixin, admin.TabularInline):
    model = Caveat
    formset = CaveatFormSet


class ReviewEventInline(admin.TabularInline):
    model = ReviewEvent
    extra = 0
    can_delete = False
    fields = ["created_at", "action", "from_status", "to_status", "actor", "note", "public_note"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ClaimAdminForm(forms.ModelForm):
    """
    The claim's fields; the version the editor opened, so that a stale form is
    refused instead of overwriting someone else's change; and the workflow
    step one of its buttons asks for, with its notes, taken with the edits
    (see ClaimAdmin.changeform_view).
    """

    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    workflow_note = forms.CharField(
        label="Internal note for the audit trail",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Never shown to readers. Required to reopen or unpublish.",
    )
    workflow_public_note = forms.CharField(
        label="Public note for readers",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    keep_summary = forms.BooleanField(label="Keep the summary as it is", required=False)

    class Meta:
        model = Claim
        fields = [
            "headline",
            "slug",
            "wording",
            "claimant",
            "topic",
            "made_on",
            "appeared_in",
            "appearance_url",
            "context",
            "verdict_summary",
            "review_by",
        ]

    # Why the step sent with this form was refused; set by ClaimAdmin.get_form
    # when it shows the form again (the edits were rolled back with the step).
    step_refusal = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        claim = self.instance
        self.fields["expected_version"].initial = claim.version
        self.step = None
        self.step_summary = None
        self.fields["workflow_public_note"].help_text = (
            "Required to issue a verdict, reopen or unpublish, as this claim is published: "
            "it becomes the correction on the verdict page."
            if claim.is_published
            else "Shown with this step in the public review timeline once the claim is published."
        )
        if "verdict_summary" in self.fields and claim.is_under_review:
            summary = self.fields["verdict_summary"]
            summary.label = "Summary for readers"
            summary.help_text = "Why, in plain words: readers see it with the verdict you issue."
            if claim.is_on_the_record:
                summary.help_text += " On this published claim it changes only with a verdict."
        if "slug" in self.fields and claim.pk is None:
            self.fields["slug"].required = False
            self.fields["slug"].help_text = "Its address: made from the headline if left empty."

    @property
    def summary_written_for(self):
        """
        The rating the claim's current summary explains, when a verdict could
        leave it standing over another rating: the one readers saw (on a
        published claim) or the verdict reopened. None otherwise.
        """
        claim = self.instance
        if not claim.is_under_review or not claim.verdict_summary.strip():
            return None
        if claim.is_published or claim.previous_status in ClaimStatus.verdicts():
            return ClaimStatus(claim.previous_status)
        return None

    def clean(self):
        cleaned_data = super().clean()
        claim = self.instance
        if claim.pk:
            # Locked until the admin's transaction ends: no change can slip in
            # between this check and the save.
            current = Claim.objects.select_for_update().only("version").get(pk=claim.pk)
            if cleaned_data.get("expected_version") != current.version:
                raise ValidationError(
                    "This claim was changed by someone else since you opened it. Your edits "
                    "were not saved and are still below: open the claim again in another tab "
                    "to see what changed, then apply them there.",
                    code="stale",
                )
            claim.version = current.version
        elif not cleaned_data.get("slug") and (headline := cleaned_data.get("headline")):
            cleaned_data["slug"] = slugify(headline)[: Claim._meta.get_field("slug").max_length]
        self._clean_step(cleaned_data)
        if self.step_refusal:
            raise ValidationError(self.step_refusal, code="step_refused")
        return cleaned_data

    def _clean_step(self, cleaned_data):
        requested = self.data.get(STEP_BUTTON, "")
        if not requested:
            self._clean_summary_without_verdict()
            return
        if requested not in TRANSITIONS or not self.instance.pk:
            raise ValidationError("Unknown workflow step; nothing was changed.")
        self.step = Action(requested)
        if not TRANSITIONS[self.step].is_verdict:
            self._clean_summary_without_verdict()
        elif "verdict_summary" in cleaned_data:
            self._clean_summary_for(TRANSITIONS[self.step].target, cleaned_data)
            # Not saved with the edits: the verdict step writes it (step_summary).
            self.step_summary = cleaned_data.pop("verdict_summary", None)

    def _clean_summary_without_verdict(self):
        if "verdict_summary" in self.changed_data and self.instance.is_on_the_record:
            self.add_error(
                "verdict_summary",
                "This claim is published: its summary changes with a verdict, or through "
                "Revise what readers see.",
            )

    def _clean_summary_for(self, target, cleaned_data):
        """A summary explaining another rating stays only if the reviewer says so."""
        written_for = self.summary_written_for
        if (
            written_for is not None
            and written_for != target
            and "verdict_summary" not in self.changed_data
            and not cleaned_data.get("keep_summary")
        ):
            self.add_error(
                "verdict_summary",
                f"This summary explains the {written_for.label} rating. Rewrite it for "
                f"{ClaimStatus(target).label}, or tick “Keep the summary as it is”.",
            )

    @property
    def edits(self):
        """The claim's own fields that were edited (not the step's notes)."""
        return [name for name in self.changed_data if name in self._meta.fields]

    @property
    def changes_claim(self):
        """Whether saving the claim's row is needed: edits besides a summary the step writes."""
        carried = {"verdict_summary"} if self.step_summary is not None else set()
        return bool(set(self.edits) - carried)


class ReviseForm(forms.ModelForm):
    """
    What readers see of a claim on the record, and the notes its revision
    needs. Validated on a copy of the claim; Claim.revise() applies it.
    """

    public_note = forms.CharField(
        label="Public note for readers",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What you changed and why. Required on a published claim: it becomes a "
        "correction on the verdict page.",
    )
    kind = forms.ChoiceField(
        label="Listed as", choices=CorrectionKind.choices, initial=CorrectionKind.CORRECTION
    )
    note = forms.CharField(
        label="Internal note for the audit trail",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Never shown to readers.",
    )
    expected_version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = Claim
        fields = READER_FACING_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["expected_version"].initial = self.instance.version

    def revise(self, claim, user):
        """Revise `claim` as the form says; False, with the refusal on the form, if refused."""
        changes = {
            name: self.cleaned_data[name]
            for name in self.changed_data
            if name in READER_FACING_FIELDS
        }
        try:
            claim.revise(
                by=user,
                changes=changes,
                note=self.cleaned_data["note"],
                public_note=self.cleaned_data["public_note"],
                kind=self.cleaned_data["kind"],
                expected_version=self.cleaned_data["expected_version"],
            )
        except WorkflowError as error:  # StaleClaim too
            if hasattr(error, "error_dict"):
                for name, errors in error.error_dict.items():
                    self.add_error(name if name in self.fields else None, errors)
            else:
                self.add_error(None, error.messages)
            return False
        except WorkflowForbidden as error:
            self.add_error(None, str(error))
            return False
        return True


class QueueFilter(admin.SimpleListFilter):
    title = "queue"
    parameter_name = "queue"

    def lookups(self, request, model_admin):
        return [
            ("mine", "My claims"),
            ("awaiting_review", "Awaiting review"),
            ("awaiting_publication", "Awaiting publication"),
            ("past_review_date", "Past their review-by date"),
        ]

    def queryset(self, request, queryset):
        match self.value():
            case "mine":
                return queryset.filter(created_by=request.user)
            case "awaiting_review":
                return queryset.filter(status=ClaimStatus.IN_REVIEW)
            case "awaiting_publication":
                return queryset.filter(status__in=ClaimStatus.verdicts(), is_published=False)
            case "past_review_date":
                return queryset.filter(review_by__lt=timezone.localdate())
        return queryset


class StepRefused(Exception):
    """The step sent with the change form was refused: its edits roll back with it."""

    def __init__(self, error):
        super().__init__(error_text(error))
        self.messages = error.messages if isinstance(error, ValidationError) else [str(error)]


def offered_steps(claim, user):
    """
    The workflow steps that fit the claim as it stands, each as (action,
    label, why `user` cannot take it or ''): publishing only while
    unpublished, unpublishing only while published.
    """
    steps = []
    for action, problem in claim.available_transitions(user):
        if action == Action.PUBLISH and claim.is_published:
            continue
        if action == Action.UNPUBLISH and not claim.is_published:
            continue
        steps.append((action, TRANSITIONS[action].button_text, problem))
    return steps


@admin.register(Claim)
class ClaimAdmin(admin.ModelAdmin):
    form = ClaimAdminForm
    list_display = ["headline_cell", "state", "claimant_cell", "created_by", "review_by"]
    list_filter = [QueueFilter, "status", "is_published", "topic", "claimant"]
    list_select_related = ["claimant", "created_by"]
    search_fields = ["headline", "wording", "slug", "claimant__name"]
    prepopulated_fields = {"slug": ["headline"]}
    autocomplete_fields = ["claimant", "topic", "appeared_in"]
    readonly_fields = ["status", "is_published", "published_at", "version", "created_by"]
    inlines = [CaveatInline, EvidenceInline, ReviewEventInline]
    actions = ["start_review_action", "publish_action"]
    # The save buttons come first in the form, so that Enter in a field saves
    # rather than pressing the first workflow button.
    save_on_top = True

    class Media:
        css = {"all": ["admin-desk/workflow.css"]}

    @admin.display(description="headline", ordering="headline")
    def headline_cell(self, claim):
        # At most two lines in the list (workflow.css), the whole headline on hover.
        return format_html('<span title="{}">{}</span>', claim.headline, claim.headline)

    @admin.display(description="state", ordering="status")
    def state(self, claim):
        state = claim.get_status_display() + (" · published" if claim.is_published else "")
        if claim.is_under_review and claim.previous_status:
            previous = f"previous rating: {claim.get_previous_status_display()}"
            return format_html('<span title="{}">{}</span>', previous, state)
        return state

    @admin.display(description="claimant", ordering="claimant__name")
    def claimant_cell(self, claim):
        return format_html('<span title="{}">{}</span>', claim.claimant, claim.claimant)

    def changelist_view(self, request, extra_context=None):
        # The desk's busiest page gets the whole width: at 1280 px the
        # navigation sidebar would leave the list some 700 px.
        extra_context = {"is_nav_sidebar_enabled": False, **(extra_context or {})}
        return super().changelist_view(request, extra_context)

    def view_on_site(self, obj):
        """The public page, or for a claim readers cannot see, the staff preview."""
        if obj.is_published:
            return obj.get_absolute_url()
        return reverse("claim_preview", args=[obj.slug])

    def get_fieldsets(self, request, obj=None):
        # Under review the summary is asked for with the verdict steps, below
        # the evidence (change_form.html), rather than here.
        for_readers = (
            ["review_by"] if obj and obj.is_under_review else ["verdict_summary", "review_by"]
        )
        return [
            (None, {"fields": ["headline", "slug", "wording", "claimant", "topic"]}),
            ("Where and when", {"fields": ["made_on", "appeared_in", "appearance_url", "context"]}),
            ("For readers", {"fields": for_readers}),
        ]

    def get_inlines(self, request, obj):
        # A claim being added has no review events yet: no empty table for them.
        return self.inlines if obj else [CaveatInline, EvidenceInline]

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is not None and obj.is_under_review and kwargs.get("fields") is not None:
            kwargs["fields"] = [*kwargs["fields"], "verdict_summary"]
        form = super().get_form(request, obj, change, **kwargs)
        # Set by changeform_view when it shows the form again after a refusal.
        form.step_refusal = getattr(request, "refused_step", None)
        return form

    def get_readonly_fields(self, request, obj=None):
        readonly = super().get_readonly_fields(request, obj)
        # On the record, what readers see changes only through a revision,
        # or, for the summary, with the verdict a review ends in.
        if obj is not None and obj.is_on_the_record:
            locked = READER_FACING_FIELDS
            if obj.is_under_review:
                locked = [name for name in locked if name != "verdict_summary"]
            return [*locked, *readonly]
        return readonly

    def get_prepopulated_fields(self, request, obj=None):
        # The slug follows the headline only while the claim is being added.
        return {} if obj else super().get_prepopulated_fields(request, obj)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        """
        Add or change a claim; a workflow button also takes its step, in the
        same transaction as the edits: both happen, or neither.

        When the step is refused the admin's transaction has rolled the edits
        back with it; the form is then shown again as it was posted (inline
        rows included) with the refusal, so nothing typed is lost.
        """
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except StepRefused as refusal:
            request.refused_step = [f"Nothing was changed. {refusal}"]
            return super().changeform_view(request, object_id, form_url, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        claim = self.get_object(request, unquote(object_id))
        if claim is not None:
            extra_context = {
                **(extra_context or {}),
                "workflow_steps": offered_steps(claim, request.user),
                "revise_problem": claim.revise_permission_problem(request.user),
                "summary_through_revision": SUMMARY_THROUGH_REVISION,
                "origin_groups": (groups := claim.independent_origins()),
                "counted_origins": [group for group in groups if not group.is_claimant],
            }
        return super().change_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
            with transaction.atomic():
                super().save_model(request, obj, form, change)
                obj.record_entry(by=request.user)
            return
        if form.step in STEPS_BEFORE_EDITS:
            self.take_step(request, obj, form)
        if form.changes_claim or not form.step:
            obj.version += 1
            obj.updated_at = timezone.now()
            super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if form.step and form.step not in STEPS_BEFORE_EDITS:
            self.take_step(request, form.instance, form)
        # Only now, when nothing can be refused any more: a message written
        # earlier would outlive the rollback of a refused step.
        self.message_new_sources(request, formsets)
        if form.step:
            claim = form.instance
            state = claim.get_status_display() + (", published" if claim.is_published else "")
            edited = form.edits or any(formset.has_changed() for formset in formsets)
            messages.success(
                request,
                f"{Action(form.step).label}: “{claim}” is now {state}."
                + (" Your edits were saved with it." if edited else ""),
            )

    def take_step(self, request, claim, form):
        """Take the step the form's button asked for, or raise StepRefused."""
        summary = {}
        if form.step_summary is not None:
            summary["verdict_summary"] = form.step_summary
        try:
            claim.transition(
                form.step,
                by=request.user,
                note=form.cleaned_data["workflow_note"],
                public_note=form.cleaned_data["workflow_public_note"],
                # Checked by the form under the row lock, and moved on by the
                # save of the edits: nobody else can have changed it since.
                expected_version=claim.version,
                **summary,
            )
        except (WorkflowError, WorkflowForbidden) as error:
            raise StepRefused(error) from error

    def save_formset(self, request, form, formset, change):
        for instance in formset.save(commit=False):
            if isinstance(instance, Evidence) and instance.added_by_id is None:
                instance.added_by = request.user
            instance.save()
        for instance in formset.deleted_objects:
            instance.delete()
        formset.save_m2m()

    def message_new_sources(self, request, formsets):
        """Name the sources the evidence rows added, each linked to be completed."""
        added = [
            row.created_source
            for formset in formsets
            for row in formset.forms
            if getattr(row, "created_source", None)
        ]
        if not added:
            return
        links = format_html_join(
            ", ",
            '<a href="{}">{}</a>',
            ((reverse("admin:claims_source_change", args=[s.pk]), s.name) for s in added),
        )
        messages.info(
            request,
            format_html(
                "New sources: {}. Set their grade and affiliation: until then each "
                "counts as an origin of its own.",
                links,
            ),
        )

    def response_change(self, request, obj):
        # After a step, back to the claim: its next steps are there.
        if STEP_BUTTON in request.POST:
            return HttpResponseRedirect(request.path)
        return super().response_change(request, obj)

    def get_urls(self):
        return [
            path(
                "<path:object_id>/revise/",
                self.admin_site.admin_view(self.revise_view),
                name="claims_claim_revise",
            ),
            *super().get_urls(),
        ]

    def revise_view(self, request, object_id):
        """
        Revise what readers see of a claim on the record: a plain form (no
        JavaScript needed) with the reader-facing fields and the notes. A
        refusal shows the form again with what was typed and why.
        """
        claim = self.get_object(request, unquote(object_id))
        if claim is None or not self.has_change_permission(request, claim):
            raise Http404("No such claim.")
        form = ReviseForm(request.POST or None, instance=Claim.objects.get(pk=claim.pk))
        if request.method == "POST" and form.is_valid() and form.revise(claim, request.user):
            messages.success(request, f"Revised: “{claim}” (version {claim.version}).")
            return HttpResponseRedirect(reverse("admin:claims_claim_change", args=[claim.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": f"Revise what readers see: {claim}",
            "opts": self.opts,
            "original": claim,
            "form": form,
            "permission_problem": claim.revise_permission_problem(request.user),
        }
        return TemplateResponse(request, "admin/claims/claim/revise.html", context)

    def _bulk(self, request, queryset, action):
        done, refused = 0, []
        for claim in queryset:
            try:
                claim.transition(action, by=request.user)
                done += 1
            except (WorkflowError, WorkflowForbidden) as error:
                refused.append(f"“{claim}”: {error_text(error)}")
        if done:
            claims = ngettext("%(count)d claim", "%(count)d claims", done) % {"count": done}
            messages.success(request, f"{Action(action).label}: {claims}.")
        for message in refused:
            messages.error(request, f"Not changed: {message}")

    @admin.action(description="Start the review of the selected claims")
    def start_review_action(self, request, queryset):
        self._bulk(request, queryset, Action.START_REVIEW)

    @admin.action(description="Publish the selected claims", permissions=["publish"])
    def publish_action(self, request, queryset):
        self._bulk(request, queryset, Action.PUBLISH)

    def has_publish_permission(self, request):
        return can_publish(request.user)


def error_text(error):
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error)


@admin.register(ReviewEvent)
class ReviewEventAdmin(admin.ModelAdmin):
    """The audit trail: readable by the desk, writable by nobody."""

    list_display = ["created_at", "claim", "action", "from_status", "to_status", "actor"]
    list_filter = ["action", "to_status"]
    search_fields = ["claim__headline", "note"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Correction)
class CorrectionAdmin(admin.ModelAdmin):
    list_display = ["published_at", "claim", "kind"]
    list_filter = ["kind"]
    search_fields = ["claim__headline", "note"]
    autocomplete_fields = ["claim"]


class EstimateInline(admin.StackedInline):
    model = Estimate
    extra = 1
    fields = [
        ("stated_on", "qualifier"),
        ("low", "high"),
        ("origin", "relayed_by"),
        "url",
        "excerpt",
        "note",
        ("period_start", "period_end"),
        "supersedes_earlier",
        "claims",
    ]
    autocomplete_fields = ["origin", "relayed_by", "claims"]


@admin.register(Figure)
class FigureAdmin(admin.ModelAdmin):
    """A figure and every estimate of it, entered inline, oldest first."""

    list_display = ["name", "unit", "estimate_count"]
    search_fields = ["name", "definition"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [EstimateInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(estimate_total=Count("estimates"))

    @admin.display(description="estimates", ordering="estimate_total")
    def estimate_count(self, figure):
        return figure.estimate_total
