from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone

from claims.caching import public_content_changed
from claims.models import (
    READER_FACING_FIELDS,
    TRANSITIONS,
    Action,
    Affiliation,
    Article,
    Caveat,
    Claim,
    ClaimStatus,
    Correction,
    CorrectionKind,
    Estimate,
    Evidence,
    Figure,
    ReviewEvent,
    Source,
    Topic,
    WorkflowError,
    WorkflowForbidden,
)


class RetiresCachedPagesMixin:
    """
    Saving or deleting here can change public pages: retire the cached ones,
    in the admin's own transaction. After the inline rows (evidence, caveats),
    which are saved in the same transaction, so that the content version's
    row is the last lock it takes, as in every workflow step.
    """

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        public_content_changed()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        public_content_changed()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        public_content_changed()


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
class StaffAdmin(RetiresCachedPagesMixin, UserAdmin):
    """Django's user admin. Staff first names sign the public review timelines,
    so a change to a person retires the cached pages."""


@admin.register(Affiliation)
class AffiliationAdmin(RetiresCachedPagesMixin, admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Topic)
class TopicAdmin(SlugSetOnceMixin, RetiresCachedPagesMixin, admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Source)
class SourceAdmin(SlugSetOnceMixin, RetiresCachedPagesMixin, admin.ModelAdmin):
    list_display = ["name", "kind", "reliability", "affiliation", "country"]
    list_filter = ["reliability", "kind", "affiliation"]
    search_fields = ["name", "description", "affiliation__name"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["affiliation"]


@admin.register(Article)
class ArticleAdmin(SlugSetOnceMixin, RetiresCachedPagesMixin, admin.ModelAdmin):
    list_display = ["title", "publisher", "published_on"]
    search_fields = ["title", "url"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["publisher"]


class BlankRowOnAddMixin:
    """A new claim opens with one empty caveat and evidence row ready to fill."""

    def get_extra(self, request, obj=None, **kwargs):
        return 0 if obj else 1


class OpenClaimFormSet(forms.BaseInlineFormSet):
    """Refuses evidence and caveat changes while a verdict stands."""

    def clean(self):
        super().clean()
        changed = any(form.has_changed() for form in self.forms) or self.deleted_forms
        if changed and self.instance.pk and self.instance.has_verdict:
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


class EvidenceInline(BlankRowOnAddMixin, admin.StackedInline):
    model = Evidence
    formset = OpenClaimFormSet
    fields = [
        ("stance", "credibility"),
        ("source", "origin"),
        "title",
        ("url", "archive_url"),
        "excerpt",
        ("published_on", "accessed_on"),
        "note",
    ]
    autocomplete_fields = ["source", "origin"]


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
    """The claim's fields, plus the version the editor opened, so that a
    stale form is refused instead of overwriting someone else's change."""

    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["expected_version"].initial = self.instance.version

    def clean(self):
        cleaned_data = super().clean()
        if self.instance.pk:
            # Locked until the admin's transaction ends: no change can slip in
            # between this check and the save.
            current = Claim.objects.select_for_update().only("version").get(pk=self.instance.pk)
            if cleaned_data.get("expected_version") != current.version:
                raise ValidationError(
                    "This claim was changed by someone else since you opened it. "
                    "Your edits were not saved: copy them, reload the page and apply them again.",
                    code="stale",
                )
            self.instance.version = current.version
        return cleaned_data


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


@admin.register(Claim)
class ClaimAdmin(RetiresCachedPagesMixin, admin.ModelAdmin):
    form = ClaimAdminForm
    list_display = ["headline", "status", "is_published", "claimant", "created_by", "review_by"]
    list_filter = [QueueFilter, "status", "is_published", "topic", "claimant"]
    list_select_related = ["claimant", "created_by"]
    search_fields = ["headline", "wording", "slug", "claimant__name"]
    prepopulated_fields = {"slug": ["headline"]}
    autocomplete_fields = ["claimant", "appeared_in"]
    readonly_fields = ["status", "is_published", "published_at", "version", "created_by"]
    inlines = [CaveatInline, EvidenceInline, ReviewEventInline]
    actions = ["start_review_action", "publish_action"]
    fieldsets = [
        (None, {"fields": ["headline", "slug", "wording", "claimant", "topic"]}),
        ("Where and when", {"fields": ["made_on", "appeared_in", "appearance_url", "context"]}),
        ("For readers", {"fields": ["verdict_summary", "review_by"]}),
        (
            "Workflow",
            {
                "fields": [
                    "status",
                    "is_published",
                    "published_at",
                    "version",
                    "created_by",
                    "expected_version",
                ]
            },
        ),
    ]

    def view_on_site(self, obj):
        """The public page, or for a claim readers cannot see, the staff preview."""
        if obj.is_published:
            return obj.get_absolute_url()
        return reverse("claim_preview", args=[obj.slug])

    def get_readonly_fields(self, request, obj=None):
        readonly = super().get_readonly_fields(request, obj)
        # On the record, what readers see changes only through a revision.
        if obj is not None and obj.is_on_the_record:
            return [*READER_FACING_FIELDS, *readonly]
        return readonly

    def get_prepopulated_fields(self, request, obj=None):
        # The slug follows the headline only while the claim is being added.
        return {} if obj else super().get_prepopulated_fields(request, obj)

    def save_model(self, request, obj, form, change):
        if change:
            obj.version += 1
            obj.updated_at = timezone.now()
            super().save_model(request, obj, form, change)
            return
        obj.created_by = request.user
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            obj.record_entry(by=request.user)

    def save_formset(self, request, form, formset, change):
        for instance in formset.save(commit=False):
            if isinstance(instance, Evidence) and instance.added_by_id is None:
                instance.added_by = request.user
            instance.save()
        for instance in formset.deleted_objects:
            instance.delete()
        formset.save_m2m()

    def get_urls(self):
        return [
            path(
                "<path:object_id>/transition/",
                self.admin_site.admin_view(self.transition_view),
                name="claims_claim_transition",
            ),
            path(
                "<path:object_id>/revise/",
                self.admin_site.admin_view(self.revise_view),
                name="claims_claim_revise",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        claim = self.get_object(request, unquote(object_id))
        if claim is not None:
            extra_context = {
                **(extra_context or {}),
                "workflow_steps": [
                    (action, TRANSITIONS[action].label, problem)
                    for action, problem in claim.available_transitions(request.user)
                ],
                "origin_groups": (groups := claim.independent_origins()),
                "counted_origins": [group for group in groups if not group.is_claimant],
                "workflow_note": request.session.pop(f"workflow-note-{claim.pk}", ""),
                "workflow_public_note": request.session.pop(f"workflow-public-note-{claim.pk}", ""),
                "workflow_version": claim.version,
                "revise_problem": claim.revise_permission_problem(request.user),
            }
        return super().change_view(request, object_id, form_url, extra_context)

    def transition_view(self, request, object_id):
        """Take one workflow step from the change page's buttons (POST only)."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        claim = self.get_object(request, unquote(object_id))
        if claim is None or not self.has_view_or_change_permission(request, claim):
            raise Http404("No such claim.")
        change_url = reverse("admin:claims_claim_change", args=[claim.pk])
        action = request.POST.get("action", "")
        note = request.POST.get("note", "")
        public_note = request.POST.get("public_note", "")
        try:
            expected_version = int(request.POST.get("version", ""))
        except ValueError:
            expected_version = -1
        if action not in TRANSITIONS:
            messages.error(request, "Unknown workflow step; nothing was changed.")
            return HttpResponseRedirect(change_url)
        try:
            claim.transition(
                action,
                by=request.user,
                note=note,
                public_note=public_note,
                expected_version=expected_version,
            )
        except (WorkflowError, WorkflowForbidden) as error:
            messages.error(request, f"Nothing was changed. {error_text(error)}")
            # Keep what the reviewer typed: both notes come back in the form.
            request.session[f"workflow-note-{claim.pk}"] = note
            request.session[f"workflow-public-note-{claim.pk}"] = public_note
        else:
            messages.success(
                request, f"{Action(action).label}: “{claim}” is now {claim.get_status_display()}."
            )
        return HttpResponseRedirect(change_url)

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
            messages.success(request, f"{Action(action).label}: {done} claim(s).")
        for message in refused:
            messages.error(request, f"Not changed: {message}")

    @admin.action(description="Start the review of the selected claims")
    def start_review_action(self, request, queryset):
        self._bulk(request, queryset, Action.START_REVIEW)

    @admin.action(description="Publish the selected claims", permissions=["publish"])
    def publish_action(self, request, queryset):
        self._bulk(request, queryset, Action.PUBLISH)

    def has_publish_permission(self, request):
        return request.user.has_perm("claims.publish_claim")


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
class CorrectionAdmin(RetiresCachedPagesMixin, admin.ModelAdmin):
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
class FigureAdmin(RetiresCachedPagesMixin, admin.ModelAdmin):
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
