"""
The desk's admin: claims with their evidence, caveats and workflow steps,
the sources and figures they cite, and the queues the desk works from. The
forms and formsets are in claims.admin_forms.

Editing is drafting: a save changes the live rows, never what readers see,
which is the claim's current published revision. On a published claim the
change page shows the draft's changes, and a publisher who did not make them
publishes them with the workflow step Publish changes. A change to a row
claims share (a source, an article, a figure…) lists the published verdicts
it changes and offers to publish them together (SharedRowAdmin).
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Exists, F, OuterRef, Q
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.translation import gettext, gettext_noop, ngettext
from django.utils.translation import gettext_lazy as _

from claims.admin_forms import (
    STEP_BUTTON,
    STEPS_BEFORE_EDITS,
    AutocompleteSelect,
    AutocompleteSelectMultiple,
    BlankRowOnAddMixin,
    CaveatFormSet,
    ClaimAdminForm,
    CorrectionRequestForm,
    EstimateForm,
    EvidenceForm,
    EvidenceFormSet,
    FigureForm,
    InlineRowForm,
    PagedFormSet,
    PublishVerdictsForm,
    SharedRowForm,
    TranslationForm,
    draft_digest,
    translation_digest,
)
from claims.choices import (
    Action,
    ClaimStatus,
    CorrectionKind,
    Reliability,
    RequestState,
    TipState,
    Withdrawal,
)
from claims.languages import supported_language
from claims.models import (
    Affiliation,
    Article,
    BannedSubmitter,
    Caveat,
    Claim,
    Correction,
    CorrectionRequest,
    Estimate,
    Evidence,
    Figure,
    PendingPurge,
    RelatedWords,
    ReviewEvent,
    Revision,
    Source,
    Tip,
    Topic,
    Translation,
)
from claims.models.tips import announce_counted_tips
from claims.page_versions import claim_page
from claims.permissions import (
    can_add_sources,
    can_ban_submitters,
    can_publish,
    can_translate,
    can_triage_requests,
    can_triage_tips,
    permissions_for,
)
from claims.records import record_differences
from claims.tasks import tell_reader_of_answer, tell_readers_of_tip
from claims.workflow import TRANSITIONS, StaleClaim, WorkflowError, WorkflowForbidden

# Words of Django's admin, and of the apps it lists, that their own Korean
# catalogues lack: marked here so that makemessages keeps them in ours,
# which Django reads before theirs (LOCALE_PATHS).
CATALOGUE_GAPS = (
    gettext_noop("- Select an option -"),
    gettext_noop("Filter by %(field_name)s"),
    gettext_noop("No %s matches the given query."),
    gettext_noop("access attempt"),
    gettext_noop("access attempts"),
    gettext_noop("access attempt expiration"),
    gettext_noop("access attempt expirations"),
    gettext_noop("access failure"),
    gettext_noop("access failures"),
    gettext_noop("access log"),
    gettext_noop("access logs"),
    gettext_noop("Task Result"),
    gettext_noop("Task Results"),
)


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


def showing(row):
    """
    The Q selecting the claims whose record (claims.models.revisions.claim_record)
    shows `row`, one of the rows claims share: as claimant, evidence source or
    origin, or the origin of an estimate they state (a source, or any source
    of an affiliation), where they appeared (an article), their topic, or the
    estimates they state (a figure's).
    """
    if isinstance(row, Affiliation):
        return Q(claimant__affiliation=row) | showing_sources(Q(affiliation=row))
    if isinstance(row, Source):
        return Q(claimant=row) | showing_sources(Q(pk=row.pk))
    if isinstance(row, Article):
        return Q(appeared_in=row)
    if isinstance(row, Topic):
        return Q(topic=row)
    if isinstance(row, Figure):
        return Q(
            pk__in=Estimate.claims.through.objects.filter(estimate__figure=row).values("claim")
        )
    raise TypeError(f"No claim shows a {type(row).__name__} in its record.")


def showing_sources(sources):
    """The Q selecting claims whose evidence or stated estimates name a source in `sources`."""
    named = Source.objects.filter(sources).values("pk")
    return Q(
        pk__in=Evidence.objects.filter(Q(source__in=named) | Q(origin__in=named)).values("claim")
    ) | Q(pk__in=Estimate.claims.through.objects.filter(estimate__origin__in=named).values("claim"))


def published_claims_showing(row):
    """The published claims whose record shows `row` (showing())."""
    return Claim.objects.published().filter(showing(row)).order_by("headline")


def verdicts_with_draft_changes(claims):
    """
    Each of `claims` (a queryset) whose draft differs from its current
    revision, with those changes and its draft document, the drafts all read
    together.
    """
    drafts = claims.draft_documents()
    pending = []
    for claim in claims:
        if changes := claim.draft_changes(drafts[claim.pk]):
            pending.append((claim, changes, drafts[claim.pk]))
    return pending


class ReadableAutocompleteMixin:
    """The admin's autocompletes, showing a tampered value as no choice (ReadableChoicesMixin)."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = AutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = AutocompleteSelectMultiple(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class SharedRowAdmin(ReadableAutocompleteMixin, SlugSetOnceMixin, admin.ModelAdmin):
    """
    The admin of a row claims share (a source, an affiliation, an article, a
    topic, a figure with its estimates). Its form (SharedRowForm) refuses a
    stale save and gives a new row its address from its name. A save is
    drafting for every published claim whose record shows the row: after
    it, the page lists the verdicts whose draft it changed, records the
    editor as a draft author of each (so that someone else publishes them),
    and links to a page that publishes their updated revisions together, one
    by one, through Publish changes.
    """

    form = SharedRowForm
    change_form_template = "admin/claims/shared_row_change_form.html"

    class Media:
        css = {"all": ["admin-desk/workflow.css"]}

    def get_urls(self):
        opts = self.opts
        return [
            path(
                "<path:object_id>/publish-verdicts/",
                self.admin_site.admin_view(self.publish_verdicts_view),
                name=f"{opts.app_label}_{opts.model_name}_publish_verdicts",
            ),
            *super().get_urls(),
        ]

    def publish_verdicts_url(self, row):
        opts = self.opts
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_publish_verdicts", args=[row.pk])

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if change and obj is not None:
            context["publish_verdicts_url"] = self.publish_verdicts_url(obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def save_model(self, request, obj, form, change):
        if change:
            # The drafts as they were: the save below is compared with them.
            request.drafts_before = published_claims_showing(obj).draft_documents()
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if change:
            changed = self.verdicts_changed(form.instance, request.drafts_before)
            for claim in changed:
                claim.note_draft_author(request.user)
            self.message_changed_verdicts(request, form.instance, changed)

    def verdicts_changed(self, row, before):
        """
        The published claims, among those showing `row` before the save
        (`before`, their drafts then) or after it, whose draft the save
        changed and which now differ from what readers see.
        """
        claims = Claim.objects.published().filter(Q(pk__in=before) | showing(row))
        drafts = claims.draft_documents()
        changed = []
        for claim in claims.order_by("headline"):
            document = drafts[claim.pk]
            if document == before.get(claim.pk):
                continue
            revision = claim.current_revision()
            if revision is not None and record_differences(revision.document, document):
                changed.append(claim)
        return changed

    def message_changed_verdicts(self, request, row, changed):
        if not changed:
            return
        links = format_html_join(
            ", ",
            '<a href="{}">{}</a>',
            ((reverse("admin:claims_claim_change", args=[claim.pk]), claim) for claim in changed),
        )
        count = ngettext(
            "%(count)d published verdict", "%(count)d published verdicts", len(changed)
        ) % {"count": len(changed)}
        messages.warning(
            request,
            format_html(
                gettext(
                    "This change is not public yet. It changes what readers would see of {}: {}. "
                    "Readers see them as they were until their updated revisions are published: "
                    '<a href="{}">publish them with a public note</a> (a publisher who did not '
                    "make the change)."
                ),
                count,
                links,
                self.publish_verdicts_url(row),
            ),
        )

    def publish_verdicts_view(self, request, object_id):
        """
        The published verdicts whose record shows the row and whose draft
        differs from what readers see, each with its changes, and a form that
        publishes them with one public note (PublishVerdictsForm). Each is
        published on its own through Publish changes, under its own rules
        (the publish permission, four eyes, the verdict's evidence rule): a
        refusal is listed by claim and leaves that claim as it was. GET
        changes nothing. Template: admin/claims/publish_verdicts.html.
        """
        row = self.get_object(request, unquote(object_id))
        if row is None:
            raise Http404(f"No {self.opts.verbose_name} with this key.")
        if not self.has_view_or_change_permission(request, row):
            raise PermissionDenied
        pending = verdicts_with_draft_changes(published_claims_showing(row))
        may_publish = can_publish(request.user)
        if request.method == "POST" and not may_publish:
            raise PermissionDenied(gettext("Only a publisher can publish changes to a claim."))
        form = PublishVerdictsForm(request.POST or None, pending=pending)
        refused = []
        if request.method == "POST" and form.is_valid():
            published, refused = publish_each(request.user, form.cleaned_data)
            if published:
                messages.success(
                    request,
                    gettext(
                        "Published changes: %(claims)s. "
                        "Readers see them now, with your public note."
                    )
                    % {"claims": ", ".join(f"“{claim}”" for claim in published)},
                )
            if not refused:
                return HttpResponseRedirect(
                    reverse(
                        f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[row.pk]
                    )
                )
            # The page again, as it stands now, with what was typed and the
            # refused verdicts still ticked: their drafts may have changed.
            pending = verdicts_with_draft_changes(published_claims_showing(row))
            typed = {
                name: form.cleaned_data[name] for name in ("public_note", "correction_kind", "note")
            }
            form = PublishVerdictsForm(
                initial={**typed, "verdicts": [claim.pk for claim, _ in refused]}, pending=pending
            )
        chosen = {str(key) for key in form["verdicts"].value() or []}
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "row": row,
            "title": gettext("Publish the verdicts “%(row)s” changes") % {"row": row},
            "pending": [
                (claim, changes, publication_problem(claim, request.user), str(claim.pk) in chosen)
                for claim, changes, _ in pending
            ],
            "refused": refused,
            "form": form,
            "may_publish": may_publish,
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "admin/claims/publish_verdicts.html", context)


def publication_problem(claim, user):
    """Why `user` cannot publish `claim`'s draft changes now, or ''."""
    problems = [permissions_for(user, claim).step_problem(Action.PUBLISH_CHANGES)]
    problems += claim.guard_problems(Action.PUBLISH_CHANGES)
    return " ".join(problem for problem in problems if problem)


def publish_each(user, data):
    """
    Publish the draft changes of each verdict in `data["verdicts"]` through
    Publish changes, one at a time and each in its own transaction, with the
    notes in `data`; only a draft still the one the page showed
    (`data["seen"]`). Returns the claims published and (claim, reason) for
    each one refused, which is left as it was.
    """
    published, refused = [], []
    for claim in data["verdicts"]:
        try:
            with transaction.atomic():
                locked = Claim.objects.select_for_update().get(pk=claim.pk)
                if data["seen"].get(str(claim.pk)) != draft_digest(locked):
                    raise StaleClaim(
                        gettext(
                            "Its draft changed since you opened this page: check its changes "
                            "below and publish again."
                        )
                    )
                locked.transition(
                    Action.PUBLISH_CHANGES,
                    by=user,
                    note=data["note"],
                    public_note=data["public_note"],
                    correction_kind=data["correction_kind"],
                )
            published.append(claim)
        except (WorkflowError, WorkflowForbidden) as error:
            refused.append((claim, error_text(error)))
    return published, refused


@admin.register(Affiliation)
class AffiliationAdmin(SharedRowAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Topic)
class TopicAdmin(SharedRowAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(RelatedWords)
class RelatedWordsAdmin(admin.ModelAdmin):
    """
    The words reader search takes as standing for others. A change reaches
    readers' searches at once: nothing is published, and no claim changes.
    """

    list_display = ["__str__", "language"]
    list_filter = ["language"]
    search_fields = ["words", "wider"]
    fields = ["language", "words", "wider"]


@admin.register(Source)
class SourceAdmin(SharedRowAdmin):
    list_display = ["name", "kind", "reliability", "affiliation", "country"]
    list_filter = ["reliability", "kind", "affiliation"]
    search_fields = ["name", "description", "affiliation__name"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["affiliation"]


@admin.register(Article)
class ArticleAdmin(SharedRowAdmin):
    list_display = ["title", "publisher", "published_on"]
    search_fields = ["title", "url"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["publisher"]


class PagedInlineMixin:
    """
    An inline whose rows come in pages (admin_forms.PagedFormSet), with links
    to the other pages above them; `?<prefix>_page=N` picks the page.
    """

    template = "admin/claims/edit_inline/paged_stacked.html"

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        parameter = formset.page_parameter()
        formset.page_number = request.GET.get(parameter, 1)
        formset.other_query = {key: value for key, value in request.GET.items() if key != parameter}
        return formset


class EvidenceInline(
    ReadableAutocompleteMixin, PagedInlineMixin, BlankRowOnAddMixin, admin.StackedInline
):
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

    def get_queryset(self, request):
        # What a row chooses comes with it: InlineRowForm cleans an unchanged row from it.
        return super().get_queryset(request).select_related("source", "origin")

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.form.can_add_sources = can_add_sources(request.user)
        return formset


class CaveatInline(BlankRowOnAddMixin, admin.TabularInline):
    model = Caveat
    form = InlineRowForm
    formset = CaveatFormSet


class ReviewEventInline(admin.TabularInline):
    model = ReviewEvent
    extra = 0
    can_delete = False
    fields = [
        "created_at",
        "action",
        "from_status",
        "to_status",
        "actor",
        "shown_note",
        "public_note",
    ]
    readonly_fields = fields

    def get_queryset(self, request):
        # Each row names its claim (its title) and its actor: read with the
        # events, not once a row.
        return super().get_queryset(request).select_related("claim", "actor")

    @admin.display(description=_("internal note"))
    def shown_note(self, event):
        return event.shown_note()

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@dataclass(frozen=True)
class Queue:
    """One of the desk's work lists: a filter of the claim list, counted on the admin index."""

    key: str
    label: str | Promise
    condition: Callable  # the request -> the Q that selects the queue's claims


def changed_since_published():
    """
    A published claim someone changed since its last publication: its draft
    waits for Publish changes. Every save that changes a published claim's
    record names its author (Claim.note_draft_author), and publishing clears
    them, so the names stand for the changes in one query, without reading
    each draft. A change undone by hand leaves its author named until the
    next publication.
    """
    authors = Claim.draft_authors.through.objects.filter(claim=OuterRef("pk"))
    return Q(is_published=True) & Q(Exists(authors))


QUEUES = [
    Queue("mine", _("My claims"), lambda request: Q(created_by=request.user)),
    Queue(
        "entered",
        _("Entered, not yet in review"),
        lambda request: Q(status=ClaimStatus.UNVERIFIED, is_published=False),
    ),
    Queue("awaiting_review", _("Awaiting review"), lambda request: Q(status=ClaimStatus.IN_REVIEW)),
    Queue(
        "awaiting_publication",
        _("Awaiting publication"),
        lambda request: Q(status__in=ClaimStatus.verdicts(), is_published=False),
    ),
    Queue(
        "changes_awaiting_publication",
        _("Changes awaiting publication"),
        lambda request: changed_since_published(),
    ),
    Queue(
        "past_review_date",
        _("Past their review-by date"),
        lambda request: Q(review_by__lt=timezone.localdate()),
    ),
]


def lacks_translation():
    """A published claim not yet published in some language of the desk but its own."""
    lacking = Q()
    for code, _name in settings.LANGUAGES:
        translated = Revision.objects.current_translations(code).filter(claim=OuterRef("pk"))
        lacking |= ~Q(language=code) & ~Exists(translated)
    return Q(is_published=True) & lacking


def translation_awaiting_publication():
    """A draft translation changed since it was last published (or never published)."""
    drafts = Translation.objects.awaiting_publication().filter(claim=OuterRef("pk"))
    return Q(Exists(drafts))


def translation_out_of_date():
    """
    A published claim with a translation of an earlier original revision
    than readers see now: its translation's original is no longer current.
    """
    stale = Revision.objects.current_translations().filter(
        claim=OuterRef("pk"), translation_of__is_current=False
    )
    return Q(is_published=True) & Q(Exists(stale))


QUEUES += [
    Queue("needs_translation", _("Needs translation"), lambda request: lacks_translation()),
    Queue(
        "translation_awaiting_publication",
        _("Translation awaiting publication"),
        lambda request: translation_awaiting_publication(),
    ),
    Queue(
        "translation_out_of_date",
        _("Translation out of date"),
        lambda request: translation_out_of_date(),
    ),
]


@dataclass(frozen=True)
class TranslationState:
    """A published claim in one other language, as its change page lists it."""

    code: str
    name: str
    url: str
    state: str


def translation_states(claim):
    """Each other language of a published claim: where its translation stands."""
    if not claim.is_published:
        return []
    current = {
        row.language: row for row in Revision.objects.current_translations().filter(claim=claim)
    }
    original = claim.current_revision()
    drafts = set(
        Translation.objects.awaiting_publication()
        .filter(claim=claim)
        .values_list("language", flat=True)
    )
    states = []
    for code, name in settings.LANGUAGES:
        if code == claim.language:
            continue
        published = current.get(code)
        if published is None:
            state = gettext("not published")
        elif original is not None and published.translation_of_id != original.pk:
            state = gettext("out of date: it translates an earlier revision")
        else:
            state = gettext("up to date")
        if code in drafts:
            state += gettext("; a draft awaits publication")
        url = reverse("admin:claims_claim_translate", args=[claim.pk, code])
        states.append(TranslationState(code, name, url, state))
    return states


def queue_counts(request):
    """Each queue with how many claims are in it and its address, counted in one query."""
    counts = Claim.objects.aggregate(
        **{queue.key: Count("pk", filter=queue.condition(request)) for queue in QUEUES}
    )
    changelist = reverse("admin:claims_claim_changelist")
    return [
        (
            queue,
            counts[queue.key],
            f"{changelist}?{urlencode({QueueFilter.parameter_name: queue.key})}",
        )
        for queue in QUEUES
    ]


class QueueFilter(admin.SimpleListFilter):
    title = _("queue")
    parameter_name = "queue"

    def lookups(self, request, model_admin):
        return [(queue.key, queue.label) for queue in QUEUES]

    def queryset(self, request, queryset):
        for queue in QUEUES:
            if self.value() == queue.key:
                return queryset.filter(queue.condition(request))
        return queryset


class PublicationFilter(admin.SimpleListFilter):
    title = _("publication")
    parameter_name = "published"

    def lookups(self, request, model_admin):
        return [("yes", _("Published")), ("no", _("Not published"))]

    def queryset(self, request, queryset):
        match self.value():
            case "yes":
                return queryset.filter(is_published=True)
            case "no":
                return queryset.filter(is_published=False)
        return queryset


class StepRefused(Exception):
    """The step sent with the change form was refused: its edits roll back with it."""

    def __init__(self, error):
        super().__init__(error_text(error))


class StepWithEditsMixin:
    """
    The change form's workflow buttons: a step is taken with the edits on
    the form, in one transaction, both or neither; a refused step brings the
    form back as it was typed, with the reason. The whole round trip:

    1. Rendering (render_change_form, so never for a POST that redirects)
       works out the steps the claim offers (offered_steps), each a
       <button name=STEP_BUTTON value=action> at the foot of the form.
    2. A button posts the whole form. ClaimAdminForm.clean() reads the step
       (form.step) and, under the claim's row lock, checks the version the
       form was opened at.
    3. ModelAdmin.changeform_view runs in one transaction: save_model saves
       the claim, save_related its inline rows, and take_step takes the step
       through Claim.transition(), after the edits (so that a verdict counts
       the evidence sent with it, and a first publication shows it) or, for
       STEPS_BEFORE_EDITS, before them (a published claim reopened or
       withdrawn is on the record as readers saw it; the edits are a draft).
    4. If the workflow refuses, take_step raises StepRefused, which leaves
       that transaction and so rolls back every edit with the step.
    5. changeform_view catches it and runs the view again on the same POST
       with the refusal on the request. get_form hands it to the form
       (form.step_refusal), whose clean() makes it a form error: the invalid
       form is rendered with everything typed, inline rows included, and the
       reason both at the top of the page and beside the buttons.
    6. When the step is taken, save_related says so (only then: a message
       written earlier would outlive a rollback) and response_change leads
       back to the claim, where its next steps are.
    """

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except StepRefused as refusal:
            request.refused_step = [
                gettext("Nothing was changed. %(reason)s") % {"reason": refusal}
            ]
            return super().changeform_view(request, object_id, form_url, extra_context)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        form.step_refusal = getattr(request, "refused_step", None)
        return form

    def save_model(self, request, obj, form, change):
        if not change:
            super().save_model(request, obj, form, change)
            return
        if form.step in STEPS_BEFORE_EDITS:
            self.take_step(request, obj, form)
        if form.changes_claim:
            # Drafting: someone other than its author publishes it (four eyes).
            obj.note_draft_author(request.user)
            self.move_version_on(obj)
            super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if change and any(formset.has_changed() for formset in formsets):
            claim = form.instance
            claim.note_draft_author(request.user)
            if not form.changes_claim and not form.step:
                # Only its caveats or evidence changed: the version still
                # moves on, so that a form opened before is refused.
                self.move_version_on(claim)
                claim.save(update_fields=["version", "updated_at"])
        if form.step and form.step not in STEPS_BEFORE_EDITS:
            self.take_step(request, form.instance, form)
        if form.step:
            claim = form.instance
            state = claim.get_status_display() + (", published" if claim.is_published else "")
            edited = form.edits or any(formset.has_changed() for formset in formsets)
            messages.success(
                request,
                f"{Action(form.step).label}: “{claim}” is now {state}."
                + (" Your edits were saved with it." if edited else ""),
            )

    @staticmethod
    def move_version_on(claim):
        """A save that changes the claim or its rows moves its version on; one
        that changes nothing records nothing (the step moves it by itself)."""
        claim.version += 1
        claim.updated_at = timezone.now()

    def take_step(self, request, claim, form):
        """Take the step the form's button asked for, or raise StepRefused."""
        summary = {}
        if form.step_summary is not None:
            summary["verdict_summary"] = form.step_summary
        if form.step == Action.UNPUBLISH:
            summary["withdrawal"] = form.cleaned_data.get("withdrawal") or Withdrawal.NOTICE
        try:
            claim.transition(
                form.step,
                by=request.user,
                note=form.cleaned_data["workflow_note"],
                public_note=form.cleaned_data["workflow_public_note"],
                # Checked by the form under the row lock, and moved on by the
                # save of the edits: nobody else can have changed it since.
                expected_version=claim.version,
                correction_kind=form.cleaned_data.get("correction_kind")
                or CorrectionKind.CORRECTION,
                **summary,
            )
        except (WorkflowError, WorkflowForbidden) as error:
            raise StepRefused(error) from error

    def response_change(self, request, obj):
        if STEP_BUTTON in request.POST:
            return HttpResponseRedirect(request.get_full_path())
        return super().response_change(request, obj)


def offered_steps(claim, user, has_draft_changes):
    """
    The workflow steps that fit the claim as it stands, each as (action,
    label, why `user` cannot take it or ''): publishing only while
    unpublished, unpublishing only while published, publishing changes only
    when the draft has some (`has_draft_changes`).
    """
    steps = []
    for action, problem in claim.available_transitions(user):
        if action == Action.PUBLISH and claim.is_published:
            continue
        if action == Action.UNPUBLISH and not claim.is_published:
            continue
        # Offered once there are changes: the draft panel shows them.
        if action == Action.PUBLISH_CHANGES and not (claim.is_published and has_draft_changes):
            continue
        steps.append((action, TRANSITIONS[action].button_text, problem))
    return steps


def ungraded_sources(claim, evidence):
    """
    The claim's sources still graded F (“reliability cannot be judged”, as
    a source typed by name starts), each with what it is to the claim:
    [(source, ["claimant", "evidence source", "origin"])], claimant first.
    """
    roles = {}
    sources = [(claim.claimant, gettext("claimant"))]
    for item in evidence:
        sources += [(item.source, gettext("evidence source")), (item.origin, gettext("origin"))]
    for source, role in sources:
        if source is None or source.reliability != Reliability.F:
            continue
        if role not in (kept := roles.setdefault(source, [])):
            kept.append(role)
    return list(roles.items())


@admin.register(Claim)
class ClaimAdmin(ReadableAutocompleteMixin, StepWithEditsMixin, SlugSetOnceMixin, admin.ModelAdmin):
    form = ClaimAdminForm
    list_display = [
        "headline_cell",
        "state",
        "claimant_cell",
        "created_by",
        "review_by",
        "translations_cell",
    ]
    list_filter = [QueueFilter, "status", PublicationFilter, "topic", "claimant"]
    list_select_related = ["claimant", "created_by"]
    # Claims not yet published first, newest entered first: the model's
    # order (by publication) would put them below every published one.
    ordering = [F("published_at").desc(nulls_first=True), "-created_at"]
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

    @admin.display(description=_("headline"), ordering="headline")
    def headline_cell(self, claim):
        # At most two lines in the list (workflow.css), the whole headline on hover.
        return format_html('<span title="{}">{}</span>', claim.headline, claim.headline)

    @admin.display(description=_("state"), ordering="status")
    def state(self, claim):
        state = str(claim.get_status_display())
        if claim.is_published:
            state = gettext("%(state)s · published") % {"state": state}
        if claim.is_under_review and claim.previous_status:
            previous = gettext("previous rating: %(rating)s") % {
                "rating": claim.get_previous_status_display()
            }
            return format_html('<span title="{}">{}</span>', previous, state)
        return state

    @admin.display(description=_("claimant"), ordering="claimant__name")
    def claimant_cell(self, claim):
        return format_html('<span title="{}">{}</span>', claim.claimant, claim.claimant)

    @admin.display(description=_("translations"))
    def translations_cell(self, claim):
        """A link to the side-by-side page in each other language, for a published claim."""
        if not claim.is_published:
            return ""
        return format_html_join(
            " ",
            '<a href="{}" hreflang="{}">{}</a>',
            (
                (reverse("admin:claims_claim_translate", args=[claim.pk, code]), code, name)
                for code, name in settings.LANGUAGES
                if code != claim.language
            ),
        )

    def get_urls(self):
        translate = self.admin_site.admin_view(self.translate_view)
        return [
            path(
                "<path:object_id>/translate/<str:language>/",
                translate,
                name="claims_claim_translate",
            ),
            *super().get_urls(),
        ]

    def translate_view(self, request, object_id, language):
        """
        The current original and its translation into `language` side by
        side: a translator saves the draft; a publisher who did not draft it
        publishes it (Translation.publish), from the same page.
        """
        if not (can_translate(request.user) or can_publish(request.user)):
            raise PermissionDenied
        claim = self.get_object(request, unquote(object_id))
        languages = dict(settings.LANGUAGES)
        if claim is None or language not in languages or language == claim.language:
            raise Http404("No such translation.")
        original = claim.revisions.current().first()
        if original is None:
            raise Http404("The claim is not published: there is nothing to translate.")
        # A GET changes nothing: the draft row is written by its first save.
        draft = Translation.objects.filter(claim=claim, language=language).first()
        draft = draft or Translation(claim=claim, language=language)
        # Names the desk already gave in other drafts are offered, not saved.
        texts = Translation.objects.glossary(language) | draft.texts
        form = TranslationForm(
            original.document,
            request.POST or None,
            texts=texts,
            opened=translation_digest(original, draft),
        )
        if request.method == "POST" and form.is_valid():
            try:
                with transaction.atomic():
                    original, draft = self.translation_to_save(claim, language, form)
                    typed = {key: text.strip() for key, text in form.texts().items()}
                    # What is typed for publication is drafted first, and kept
                    # when the publication is refused: its typist may not
                    # publish it, someone else must.
                    if {key: text for key, text in typed.items() if text} != draft.texts:
                        draft.save_texts(typed, by=request.user)
                if "_publish" in request.POST:
                    draft.publish(by=request.user, note=form.public_note())
                    done = gettext("The %(language)s version is published.") % {
                        "language": languages[language]
                    }
                else:
                    done = gettext("The translation is saved as a draft.")
                self.message_user(request, done)
                return HttpResponseRedirect(request.path)
            except (WorkflowError, WorkflowForbidden, ValidationError) as error:
                self.message_user(request, error_text(error), messages.ERROR)
        elif request.method == "POST":
            # The page comes back with everything typed, each refusal beside its box.
            self.message_user(
                request,
                gettext("Nothing was saved or published: correct the texts marked below."),
                messages.ERROR,
            )
        published = Revision.objects.current_translations(language).filter(claim=claim).first()
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "claim": claim,
            "title": gettext("Translate into %(language)s") % {"language": languages[language]},
            "language": language,
            "language_name": languages[language],
            "original": original,
            "draft": draft,
            "form": form,
            "published": published,
            "out_of_date": published is not None and published.translation_of_id != original.pk,
            "publish_problem": permissions_for(request.user, claim).translation_problem(draft)
            or " ".join(draft.publication_problems(original)),
            "awaiting": draft.pk is not None
            and Translation.objects.awaiting_publication().filter(pk=draft.pk).exists(),
        }
        return TemplateResponse(request, "admin/claims/claim/translate.html", context)

    def translation_to_save(self, claim, language, form):
        """
        The claim's current revision and its draft translation into
        `language`, read again under the claim's row lock (so that two saves
        of one translation take turns), or ValidationError when either changed
        since `form`'s page was opened: a second tab would otherwise send back
        the texts it showed over what someone saved since.
        """
        Claim.objects.select_for_update().filter(pk=claim.pk).first()
        original = claim.revisions.current().first()
        draft = Translation.objects.filter(claim=claim, language=language).first()
        draft = draft or Translation(claim=claim, language=language)
        if original is None or form.is_stale(original, draft):
            raise ValidationError(
                gettext(
                    "This translation was changed by someone else since you opened it. Your "
                    "texts were not saved and are still below: open the translation again in "
                    "another tab to see what changed, then apply them there."
                ),
                code="stale",
            )
        return original, draft

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
        first = {"fields": ["headline", "slug", "wording", "claimant", "topic"]}
        if obj is None:
            # Its revisions are numbered in it: set once, when the claim is entered.
            first["fields"].insert(3, "language")
        if obj is not None and obj.is_published:
            first["description"] = gettext(
                "Readers see this claim as it was last published. What you save here, "
                "evidence and caveats included, is a draft: a publisher who did not make "
                "the change publishes it with Publish changes, at the foot of the page."
            )
        return [
            (None, first),
            (
                _("Where and when"),
                {"fields": ["made_on", "appeared_in", "appearance_url", "context"]},
            ),
            (_("For readers"), {"fields": for_readers}),
        ]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "language":
            return forms.TypedChoiceField(
                label="Language it was made in",
                choices=settings.LANGUAGES,
                initial=settings.LANGUAGE_CODE,
                # Left out, it is the newsroom's own.
                required=False,
                empty_value=settings.LANGUAGE_CODE,
                help_text=db_field.help_text,
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_queryset(self, request):
        # The change form shows these rows: read with the claim, none is looked
        # up again (ChosenRowsFormMixin).
        return (
            super()
            .get_queryset(request)
            .select_related("claimant", "topic", "appeared_in", "created_by")
        )

    def get_inlines(self, request, obj):
        # A claim being added has no review events yet: no empty table for them.
        return self.inlines if obj else [CaveatInline, EvidenceInline]

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is not None and obj.is_under_review and kwargs.get("fields") is not None:
            kwargs["fields"] = [*kwargs["fields"], "verdict_summary"]
        return super().get_form(request, obj, change, **kwargs)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if change and obj is not None:
            context.update(self.workflow_context(request, obj.pk))
        return super().render_change_form(request, context, add, change, form_url, obj)

    def workflow_context(self, request, pk):
        """
        What the workflow panel and steps show, read from the claim as stored
        (the form's instance carries what was typed): its steps, the origins
        its supporting evidence counts, and its sources still ungraded.
        """
        # One read serves the panel and the draft record the changes are
        # worked out from: the record reads every row the panel does.
        claim = Claim.objects.filter(pk=pk).with_records().select_related("created_by").get()
        # The guards of every step offered read the evidence from here too.
        claim.evidence_with_origins = evidence = list(claim.evidence.all())
        groups = claim.independent_origins(evidence=evidence)
        draft_changes = claim.draft_changes(claim.read_draft_document())
        return {
            "translations": translation_states(claim),
            "workflow_steps": offered_steps(claim, request.user, bool(draft_changes)),
            "draft_changes": draft_changes,
            "origin_groups": groups,
            "counted_origins": [group for group in groups if not group.is_claimant],
            "ungraded_sources": ungraded_sources(claim, evidence) if claim.is_under_review else [],
            "pending_purge": PendingPurge.objects.filter(key=claim_page(claim.slug)).first(),
        }

    def get_changeform_initial_data(self, request):
        """A claim made from a reader's tip (?from_tip=ID) starts as the tip says."""
        initial = super().get_changeform_initial_data(request)
        try:
            # The form's own rule: a value that names no tip is refused, not a 500.
            tip = self.form.base_fields["from_tip"].clean(initial.pop("from_tip", None))
        except ValidationError as error:
            tip = None
            messages.error(request, error.messages[0])
        if tip is not None:
            initial.update(
                from_tip=tip.pk,
                headline=tip.headline_suggestion(),
                wording=tip.text,
                appearance_url=tip.where_seen,
                # The reader's words are the claim's: it is made in their language.
                language=supported_language(tip.language),
            )
        return initial

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        obj.created_by = request.user
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            obj.record_entry(by=request.user)
            if tip := form.cleaned_data.get("from_tip"):
                tip.attach(obj)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Only now, when the step is taken and nothing can be refused any
        # more: a message written earlier would outlive the rollback.
        self.message_new_sources(request, formsets)

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
                gettext(
                    "New sources: {}. Set their grade and affiliation: until then each "
                    "counts as an origin of its own."
                ),
                links,
            ),
        )

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
            messages.success(
                request,
                gettext("%(step)s: %(claims)s.") % {"step": Action(action).label, "claims": claims},
            )
        for message in refused:
            messages.error(request, gettext("Not changed: %(reason)s") % {"reason": message})

    @admin.action(description=_("Start the review of the selected claims"))
    def start_review_action(self, request, queryset):
        self._bulk(request, queryset, Action.START_REVIEW)

    @admin.action(description=_("Publish the selected claims"), permissions=["publish"])
    def publish_action(self, request, queryset):
        self._bulk(request, queryset, Action.PUBLISH)

    def has_publish_permission(self, request):
        return can_publish(request.user)


def error_text(error):
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error)


@admin.register(PendingPurge)
class PendingPurgeAdmin(admin.ModelAdmin):
    """
    The edge purges not yet delivered (claims.purges): while one is listed,
    readers may still get the pages under its key as they were. The task
    worker retries each until the edge acknowledges it.
    """

    list_display = ["key", "hard", "queued_at", "attempts", "last_error"]
    list_display_links = None

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ReviewEvent)
class ReviewEventAdmin(admin.ModelAdmin):
    """The audit trail: readable by the desk, writable by nobody."""

    list_display = ["created_at", "claim", "action", "from_status", "to_status", "actor"]
    list_filter = ["action", "to_status"]
    search_fields = ["claim__headline", "note"]

    def get_fields(self, request, obj=None):
        # The internal note as the desk's own notes read in the admin's language.
        return [
            "shown_note" if name == "note" else name for name in super().get_fields(request, obj)
        ]

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "shown_note"]

    @admin.display(description=_("internal note"))
    def shown_note(self, event):
        return event.shown_note()

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Correction)
class CorrectionAdmin(admin.ModelAdmin):
    """
    The corrections readers were shown: readable by the desk, written only by
    the workflow step that publishes them with a revision (a verdict on a
    published claim, Publish changes, Unpublish), never added, changed or
    deleted here, so that each stays as its revision published it.
    """

    list_display = ["published_at", "claim", "kind"]
    list_filter = ["kind"]
    search_fields = ["claim__headline", "note"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class EstimateInline(ReadableAutocompleteMixin, PagedInlineMixin, admin.StackedInline):
    model = Estimate
    form = EstimateForm
    formset = PagedFormSet
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

    def get_queryset(self, request):
        # What a row chooses comes with it: its autocompletes show it and
        # InlineRowForm cleans an unchanged row from it (ChosenRowsFormMixin).
        return (
            super()
            .get_queryset(request)
            .select_related("origin", "relayed_by")
            .prefetch_related("claims")
        )


@admin.register(Figure)
class FigureAdmin(SharedRowAdmin):
    """A figure and every estimate of it, entered inline, oldest first: a
    stale save is refused for the figure and its estimates alike."""

    form = FigureForm
    list_display = ["name", "unit", "estimate_count"]
    search_fields = ["name", "definition"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [EstimateInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(estimate_total=Count("estimates"))

    @admin.display(description=_("estimates"), ordering="estimate_total")
    def estimate_count(self, figure):
        return figure.estimate_total


# Readers writing in: the desk's triage of tips and correction requests.


def reader_queue_counts(request):
    """The readers' queues the user may work, each with its count and address, for the index."""
    queues = []
    if can_triage_tips(request.user):
        count = Tip.objects.filter(state=TipState.NEW).count()
        url = reverse("admin:claims_tip_changelist") + "?state__exact=new"
        queues.append(("new_tips", gettext("New tips from readers, most asked first"), count, url))
    if can_triage_requests(request.user):
        count = CorrectionRequest.objects.filter(state=RequestState.OPEN).count()
        url = reverse("admin:claims_correctionrequest_changelist") + "?state__exact=open"
        queues.append(("open_requests", gettext("Open correction requests"), count, url))
    return queues


class BanSubmitterMixin:
    """The action banning the submitters of the selected rows, for reviewers and publishers."""

    @admin.action(
        description=_("Ban the submitters (all they sent is quarantined)"), permissions=["ban"]
    )
    def ban_submitters(self, request, queryset):
        submitters = set(queryset.values_list("submitter", flat=True))
        quarantined = sum(
            BannedSubmitter.ban(submitter, by=request.user) for submitter in submitters
        )
        messages.success(
            request,
            ngettext(
                "Banned %(count)d submitter: %(rows)d tips and requests quarantined.",
                "Banned %(count)d submitters: %(rows)d tips and requests quarantined.",
                len(submitters),
            )
            % {"count": len(submitters), "rows": quarantined},
        )

    def has_ban_permission(self, request):
        return can_ban_submitters(request.user)


@admin.register(Tip)
class TipAdmin(ReadableAutocompleteMixin, BanSubmitterMixin, admin.ModelAdmin):
    """
    Readers' tips, most asked first. Each can become a claim (prefilled, its
    address as where the claim appeared), go on a claim already entered, be
    marked spam, or have its submitter banned.
    """

    list_display = [
        "tip_text",
        "readers_asking",
        "state",
        "where_seen_link",
        "claim",
        "last_asked_at",
        "make_claim",
    ]
    list_filter = ["state"]
    search_fields = ["text"]
    list_select_related = ["claim"]
    fields = [
        "text",
        "where_seen",
        "readers_asking",
        "language",
        "created_at",
        "last_asked_at",
        "state",
        "claim",
    ]
    readonly_fields = [
        "text",
        "where_seen",
        "readers_asking",
        "language",
        "created_at",
        "last_asked_at",
    ]
    autocomplete_fields = ["claim"]
    actions = ["mark_spam", "ban_submitters"]

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("tip"))
    def tip_text(self, tip):
        return format_html('<span title="{}">{}</span>', tip.text, tip.text[:160])

    @admin.display(description=_("where seen"))
    def where_seen_link(self, tip):
        if not tip.where_seen:
            return "—"
        return format_html(
            '<a href="{}" rel="noreferrer nofollow ugc">{}</a>', tip.where_seen, tip.where_seen[:60]
        )

    @admin.display(description="")
    def make_claim(self, tip):
        if tip.claim_id or tip.state != TipState.NEW:
            return ""
        url = reverse("admin:claims_claim_add") + "?" + urlencode({"from_tip": tip.pk})
        return format_html('<a class="button" href="{}">New claim from this tip</a>', url)

    def save_model(self, request, obj, form, change):
        # A claim chosen puts the tip on it; its readers hear of a verdict already out.
        if obj.claim_id and obj.state in (TipState.NEW, TipState.ON_CLAIM):
            obj.state = TipState.ON_CLAIM
        elif obj.claim_id is None and obj.state == TipState.ON_CLAIM:
            obj.state = TipState.NEW
        super().save_model(request, obj, form, change)
        if obj.state == TipState.ON_CLAIM and "claim" in form.changed_data:
            transaction.on_commit(partial(tell_readers_of_tip.enqueue, obj.pk))

    @admin.action(description=_("Mark the selected tips as spam"))
    def mark_spam(self, request, queryset):
        with transaction.atomic():
            # Spam counts on no verdict page: retire those it counted on.
            announce_counted_tips(queryset)
            count = queryset.update(state=TipState.SPAM)
        messages.success(
            request,
            ngettext("%(count)d tip marked spam.", "%(count)d tips marked spam.", count)
            % {"count": count},
        )


@admin.register(CorrectionRequest)
class CorrectionRequestAdmin(BanSubmitterMixin, admin.ModelAdmin):
    """
    Readers' correction requests, oldest open first: each answered, accepted
    with the revision that corrected the verdict, or declined with a note; the
    reader, if they left an address, is emailed the answer.
    """

    form = CorrectionRequestForm
    list_display = ["claim", "request_text", "state", "created_at", "answered_at"]
    list_filter = ["state"]
    search_fields = ["text", "claim__headline"]
    list_select_related = ["claim"]
    fields = [
        "claim",
        "text",
        "evidence_link",
        "language",
        "created_at",
        "state",
        "response_note",
        "revision_number",
        "answered_by",
        "answered_at",
    ]
    readonly_fields = [
        "claim",
        "text",
        "evidence_link",
        "language",
        "created_at",
        "answered_by",
        "answered_at",
    ]
    actions = ["ban_submitters"]

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("what is wrong"))
    def request_text(self, request_row):
        return format_html('<span title="{}">{}</span>', request_row.text, request_row.text[:160])

    @admin.display(description=_("evidence"))
    def evidence_link(self, request_row):
        if not request_row.evidence_url:
            return "—"
        return format_html(
            '<a href="{}" rel="noreferrer nofollow ugc">{}</a>',
            request_row.evidence_url,
            request_row.evidence_url,
        )

    def save_model(self, request, obj, form, change):
        answered = "state" in form.changed_data and obj.state in RequestState.closed()
        if answered:
            obj.answered_at = timezone.now()
            obj.answered_by = request.user
        super().save_model(request, obj, form, change)
        if answered:
            # The reader, if they left an address, hears the answer once it is committed.
            transaction.on_commit(partial(tell_reader_of_answer.enqueue, obj.pk))
