"""
The admin's forms and formsets: the claim's change form with its workflow
step, evidence and caveat rows, the forms of the rows claims share (sources,
articles, figures…) that refuse a stale save, the page that publishes the
verdicts a shared row changed, and what they share (the live character count,
rows in pages, the list of errors for the top of the page). The ModelAdmins
that use them are in claims.admin.
"""

import hashlib
import json

from anyascii import anyascii
from django import forms
from django.contrib.admin import widgets as admin_widgets
from django.contrib.admin.widgets import AdminTextInputWidget
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.paginator import Paginator
from django.db.models import Model
from django.forms.utils import pretty_name
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.text import slugify
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from claims.analysis import read_number
from claims.choices import (
    Action,
    ClaimStatus,
    CorrectionKind,
    Credibility,
    RequestState,
    Stance,
    Withdrawal,
)
from claims.constraints import EARLIEST_DATE, LATEST_DATE, no_control_characters
from claims.models import Claim, CorrectionRequest, Estimate, ReviewEvent, Revision, Source, Tip
from claims.models.revisions import canonical_json
from claims.models.translations import field_limit, is_required, text_limit, translatable_texts
from claims.workflow import TRANSITIONS

# The change form's workflow buttons: <button name=STEP_BUTTON value=action>.
STEP_BUTTON = "_workflow_action"
# Steps taken before the edits sent with them are saved, not after: on a
# published claim each publishes the record readers saw (under review, or
# withdrawn), and the edits stay a draft for Publish changes or the verdict.
STEPS_BEFORE_EDITS = {Action.REOPEN, Action.START_REVIEW, Action.UNPUBLISH}

TOO_LONG = _(
    "This has %(show_value)d characters; at most %(limit_value)d fit. Shorten it and save "
    "again: nothing of what you typed was cut."
)


class CountedMixin:
    """
    A text box that shows its limit as a live count (admin-desk/count.js)
    instead of a `maxlength`, with which the browser would cut pasted text
    without a word. Without the script, the server's refusal says the same.
    """

    class Media:
        js = ["admin-desk/count.js"]

    def __init__(self, limit, attrs=None):
        attrs = {key: value for key, value in (attrs or {}).items() if key != "maxlength"}
        super().__init__(attrs={**attrs, "data-limit": limit})

    def build_attrs(self, base_attrs, extra_attrs=None):
        # The form field adds its maxlength when the widget is bound to it.
        attrs = super().build_attrs(base_attrs, extra_attrs)
        attrs.pop("maxlength", None)
        return attrs


class CountedTextInput(CountedMixin, AdminTextInputWidget):
    pass


class CountedTextarea(CountedMixin, forms.Textarea):
    pass


def count_characters(field):
    """Give the text `field` the live count and the refusal that names its limit."""
    field.widget = CountedTextInput(field.max_length, attrs=field.widget.attrs)
    field.error_messages["max_length"] = TOO_LONG


def error_summary(form, formsets=()):
    """
    Every error on a form and its formsets as (where, message, input id)
    rows in the order of the page, so that the top of the page can name each
    reason: `where` is the field's label with the row it is on (“Evidence
    “KCNA report”, URL”, or “Evidence #3, URL” for a new row), or '' for the
    form as a whole; the id is that of the input to correct, or ''.
    """
    rows = list(_form_errors(form, ""))
    for formset in formsets:
        rows += [("", message, "") for message in formset.non_form_errors()]
        name = formset.model._meta.verbose_name.capitalize()
        page = getattr(formset, "page", None)
        first = page.start_index() if page and page.start_index() else 1
        for index, row in enumerate(formset.forms, start=first):
            label = f"“{row.instance}”" if row.instance.pk else f"#{index}"
            rows += _form_errors(row, f"{name} {label}")
    return rows


def _form_errors(form, row):
    if not form.is_bound:
        return
    for name, messages in form.errors.items():
        field = form.fields.get(name)
        if name == NON_FIELD_ERRORS or field is None or field.widget.is_hidden:
            where, input_id = row, ""
        else:
            label = str(field.label or pretty_name(name))
            where = f"{row}, {label}" if row else label
            input_id = form[name].id_for_label or ""
        for message in messages:
            yield where, message, input_id


class PagedFormSet(forms.BaseInlineFormSet):
    """
    Rows shown `per_page` at a time (a page is `?<prefix>_page=N`), so that
    a form with hundreds of rows stays under Django's limit on the number of
    fields a request may carry (DATA_UPLOAD_MAX_NUMBER_FIELDS). Rows on
    other pages are neither shown nor changed by a save.
    """

    per_page = 25
    # Set by claims.admin.PagedInlineMixin from the request: the page asked
    # for, and the rest of the query string, which page links keep.
    page_number = 1
    other_query = {}

    def get_queryset(self):
        if not hasattr(self, "_page"):
            rows = super().get_queryset()
            # Every row's key in one query: a few thousand integers at most.
            paginator = Paginator(list(rows.values_list("pk", flat=True)), self.per_page)
            self._page = paginator.get_page(self.page_number)
            self._page_rows = rows.filter(pk__in=list(self._page.object_list))
        return self._page_rows

    @property
    def page(self):
        """The Paginator page shown, or None while the parent is being added."""
        if self.instance.pk is None:
            return None
        self.get_queryset()
        return self._page

    @property
    def page_links(self):
        """Each page's number and the query string that shows it ('' for the page shown)."""
        page, parameter = self.page, self.page_parameter()
        return [
            (
                number,
                "" if number == page.number else urlencode({**self.other_query, parameter: number}),
            )
            for number in page.paginator.page_range
        ]

    @classmethod
    def page_parameter(cls):
        return f"{cls.get_default_prefix()}_page"


class BlankRowOnAddMixin:
    """A new claim opens with one empty caveat and evidence row ready to fill."""

    def get_extra(self, request, obj=None, **kwargs):
        return 0 if obj else 1


class ReadableChoicesMixin:
    """
    Django's autocomplete shows the chosen rows again by looking them up, and
    a value their key cannot hold (a number sent as "abc") broke that lookup
    with a 500 after the form had refused the value: such a value is shown
    as no choice, beside the form's own error.
    """

    # The rows the form's instance was read with (set by ChosenRowsFormMixin):
    # a value that is one of them is shown without looking it up again.
    rows_read = ()

    def optgroups(self, name, value, attr=None):
        related = self.field.remote_field.model._meta
        key = related.get_field(getattr(self.field.remote_field, "field_name", related.pk.name))
        value = [item for item in value if readable(key, item)]
        known = {str(key.value_from_object(row)): row for row in self.rows_read}
        chosen = [known.get(str(item)) for item in dict.fromkeys(value)]
        if chosen and None not in chosen and (len(chosen) == 1 or self.allow_multiple_selected):
            return self.chosen_options(name, chosen, key)
        return super().optgroups(name, value, attr)

    def chosen_options(self, name, rows, key):
        """Django's options for the chosen rows: the blank choice when a single one
        may be cleared, then each row."""
        options = []
        if not self.is_required and not self.allow_multiple_selected:
            options.append(self.create_option(name, "", "", False, 0))
        for row in rows:
            label = self.choices.field.label_from_instance(row)
            options.append(
                self.create_option(name, key.value_from_object(row), label, True, len(options))
            )
        return [(None, options, 0)]


def readable(key, value):
    try:
        key.to_python(value)
    except ValidationError:
        return False
    return True


class AutocompleteSelect(ReadableChoicesMixin, admin_widgets.AutocompleteSelect):
    pass


class AutocompleteSelectMultiple(ReadableChoicesMixin, admin_widgets.AutocompleteSelectMultiple):
    pass


class ChosenRowsFormMixin:
    """
    A model form whose autocompletes show the rows its instance was read with
    (select_related, and the many-to-many links the form reads as its initial
    values) as they are, where Django would look each up again: a query a
    field, two an evidence row, fifty a page of them.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        chosen = {name: [row] for name, row in self.rows_read_with_the_instance().items() if row}
        if self.instance.pk is not None:
            # A stored instance's many-to-many links are read into the form's
            # initial values as rows (model_to_dict): one query, or none when
            # prefetched.
            for field in self.instance._meta.many_to_many:
                rows = self.initial.get(field.name)
                if isinstance(rows, list) and all(isinstance(row, Model) for row in rows):
                    chosen[field.name] = rows
        for name, rows in chosen.items():
            widget = getattr(self.fields.get(name), "widget", None)
            # The admin wraps a related field's widget in its add and change links.
            widget = getattr(widget, "widget", widget)
            if isinstance(widget, ReadableChoicesMixin):
                widget.rows_read = rows

    def rows_read_with_the_instance(self):
        """{field name: the row it chooses} of those read with the instance: the
        instance itself (its key), and each row read with it by select_related()."""
        options = self.instance._meta
        rows = {options.pk.name: self.instance}
        for field in options.concrete_fields:
            if field.many_to_one and field.is_cached(self.instance):
                rows[field.name] = getattr(self.instance, field.name)
        return rows


class InlineRowForm(ChosenRowsFormMixin, forms.ModelForm):
    """
    A row of an inline table. A stored row sent back as it was is not
    validated as a model again: it already holds every validator and
    constraint, which the database enforces too, and checking them costs
    queries (a claim of 22 evidence rows saved unchanged ran 554). A new or
    changed row is checked in full, and the formset still refuses two rows
    that are the same. `_post_clean` is the step in which a ModelForm copies
    the form onto its instance and validates the model.
    """

    def is_stored_and_unchanged(self):
        return self.instance.pk is not None and not self.has_changed()

    def _clean_fields(self):
        """
        Each field cleaned as Django cleans it, but for the rows a stored row
        sent back as it was chooses (its own key, its source...): they are
        the rows it was read with (the inline reads them with it), where
        Django would look each up again, a query a field (three an evidence
        row, seventy-five a page of them).
        """
        if not self.is_stored_and_unchanged():
            super()._clean_fields()
            return
        chosen = self.rows_read_with_the_instance()
        for name, field in self.fields.items():
            bound_field = self[name]
            try:
                if is_single_choice(field) and name in chosen:
                    self.cleaned_data[name] = chosen[name]
                else:
                    data = bound_field.initial if field.disabled else bound_field.data
                    self.cleaned_data[name] = field.clean(data)
                if hasattr(self, f"clean_{name}"):
                    self.cleaned_data[name] = getattr(self, f"clean_{name}")()
            except ValidationError as error:
                self.add_error(name, error)

    def _post_clean(self):
        if not self.is_stored_and_unchanged():
            super()._post_clean()


def is_single_choice(field):
    return isinstance(field, forms.ModelChoiceField) and not isinstance(
        field, forms.ModelMultipleChoiceField
    )


class CaveatFormSet(forms.BaseInlineFormSet):
    """The claim's caveats. Publishing checks that a claim readers see as
    unverified keeps one (claims.workflow.caveat_problems)."""


def slug_for(text, model):
    """
    The public address `text` (a name, a headline) gives a row of `model`
    when none is typed: its words in Latin letters, as a slug. A Korean
    name is romanised (연합뉴스 gives yeonhabnyuseu) rather than dropped:
    Django's slugify keeps only ASCII, and addresses in Hangul would be
    percent-encoded in every link and feed.
    """
    return slugify(anyascii(text))[: model._meta.get_field("slug").max_length].strip("-")


def new_source_slug(name):
    """The address a source typed by name gets: its name as a slug."""
    return slug_for(name, Source)


def refuse_days_after_today(form, reasons):
    """
    Add an error to each of `reasons`' fields ({field: what the date says})
    that was changed to a day after today in the newsroom's time zone: a
    year typed wrong (2062 for 2026) passes the desk's bounds. Rows already
    stored are left as they are until their date is changed.
    """
    today = timezone.localdate()
    for field, reason in reasons.items():
        day = form.cleaned_data.get(field)
        # Past the desk's bounds, the model's own rule says so.
        if field in form.changed_data and day is not None and today < day <= LATEST_DATE:
            form.add_error(
                field,
                gettext("%(day)s is after today (%(today)s): %(reason)s Check the year.")
                % {"day": day.isoformat(), "today": today.isoformat(), "reason": reason},
            )


def source_read_like(slug):
    """
    The source on file whose address, or whose name made into one, is
    `slug`: a new source typed by that name would be the same source twice,
    counted as a second, independent origin. Its address need not come from
    its name (the seed's "Community-5" is at seed-article), so every name is
    read: about 8 ms of Python a thousand names, and only when a source is
    typed by name.
    """
    if similar := Source.objects.filter(slug=slug).first():
        return similar
    return next(
        (
            source
            for source in Source.objects.only("pk", "name", "slug").iterator()
            if new_source_slug(source.name) == slug
        ),
        None,
    )


def unused_claim_slug(headline):
    """
    A claim's address from its headline, numbered (-2, -3…) where another
    claim has it: typing nothing must not be refused for a clash the editor
    never typed. "" where the headline has no letter or digit.
    """
    base = slug = slug_for(headline, Claim)
    number = 2
    while slug and Claim.objects.filter(slug=slug).exists():
        suffix = f"-{number}"
        slug = base[: Claim._meta.get_field("slug").max_length - len(suffix)].rstrip("-") + suffix
        number += 1
    return slug


class EvidenceForm(InlineRowForm):
    """
    One evidence row. Its source is chosen from the list or, when it is not
    there yet, typed by name: the source is then added with the row, so that
    entering a claim needs no popup window. New rows start as what evidence
    most often is: supporting, read today; the credibility grade is left for
    the editor to choose, as it decides verdicts.
    """

    new_source = forms.CharField(
        label=_("or a new source"),
        max_length=200,
        required=False,
        validators=[no_control_characters],
        help_text=_(
            "Not in the list? Type its name: it is added with this item, graded F with "
            "no affiliation until you set them on its page."
        ),
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
        credibility.choices = [("", _("Choose a grade")), *Credibility.choices]
        credibility.required = True
        if self.instance.pk is None:
            # A grade of 6 would never count for a verdict, silently: ask instead.
            credibility.initial = None
            self.fields["stance"].initial = Stance.SUPPORTS
            self.fields["accessed_on"].initial = timezone.localdate()

    def clean(self):
        cleaned_data = super().clean()
        refuse_days_after_today(
            self,
            {
                "published_on": gettext("an item cannot have been published in the future."),
                "accessed_on": gettext("an item cannot have been read in the future."),
            },
        )
        published, accessed = cleaned_data.get("published_on"), cleaned_data.get("accessed_on")
        if (
            published
            and accessed
            # Past the desk's bounds, the model's own rule says so.
            and EARLIEST_DATE <= accessed < published <= LATEST_DATE
            and {"published_on", "accessed_on"} & set(self.changed_data)
            and not self.has_error("accessed_on")
        ):
            self.add_error(
                "accessed_on",
                gettext(
                    "Read on %(accessed)s, before it was published on %(published)s: check "
                    "both dates."
                )
                % {"accessed": accessed.isoformat(), "published": published.isoformat()},
            )
        name = " ".join(cleaned_data.get("new_source", "").split())
        source = cleaned_data.get("source")
        if name and source:
            self.add_error(
                "new_source", gettext("Choose a source from the list or type a new one, not both.")
            )
        elif name:
            self._clean_new_source(name)
        elif source is None and not (self.has_error("source") or self.has_error("new_source")):
            self.add_error(
                "source",
                gettext("Choose who published this item, or type the name of a new source."),
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
            self.add_error(
                "new_source", gettext("Only staff who may add sources can add one here.")
            )
            return
        slug = new_source_slug(name)
        if not slug:
            self.add_error(
                "new_source", gettext("Give the new source a name with letters or digits.")
            )
        elif similar := source_read_like(slug):
            self.add_error(
                "new_source",
                gettext(
                    "“%(name)s” reads like the source on file “%(similar)s”: choose it from the "
                    "list, or type a more distinct name."
                )
                % {"name": name, "similar": similar.name},
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


class EvidenceFormSet(PagedFormSet):
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
                    gettext(
                        "Two evidence rows have the same source and title: merge them or "
                        "tell them apart by their title."
                    )
                )
            seen.add(key)


class ClaimAdminForm(ChosenRowsFormMixin, forms.ModelForm):
    """
    The claim's fields; the version the editor opened, so that a stale form is
    refused instead of overwriting someone else's change; and the workflow
    step one of its buttons asks for, with its notes, taken with the edits
    (claims.admin.StepWithEditsMixin tells the whole round trip).
    """

    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    workflow_note = forms.CharField(
        label=_("Internal note for the audit trail"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Never shown to readers. Required to reopen or unpublish."),
    )
    workflow_public_note = forms.CharField(
        label=_("Public note for readers"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    correction_kind = forms.ChoiceField(
        label=_("Listed for readers as"),
        choices=CorrectionKind.choices,
        initial=CorrectionKind.CORRECTION,
        required=False,
        help_text=_("How the public note of Publish changes is listed on the verdict page."),
    )
    keep_summary = forms.BooleanField(label=_("Keep the summary as it is"), required=False)
    # A claim made from a reader's tip (its id): the tip is put on it when it is saved.
    from_tip = forms.ModelChoiceField(
        queryset=Tip.objects.all(),
        widget=forms.HiddenInput,
        required=False,
        error_messages={
            "invalid_choice": _(
                "The reader's tip this claim was opened from is not on file. Open the "
                "tip again from the list of tips, or enter the claim without it."
            )
        },
    )
    withdrawal = forms.ChoiceField(
        label=_("If you unpublish, readers find"),
        choices=Withdrawal.choices,
        initial=Withdrawal.NOTICE,
        required=False,
        widget=forms.RadioSelect,
        help_text=_(
            "Both answer 410 Gone, with no verdict and no evidence. A legal "
            "removal shows no headline and no note, in the feed too."
        ),
    )

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

    # Why the step sent with this form was refused, when the form is shown
    # again after a refusal (StepWithEditsMixin.get_form sets it).
    step_refusal = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        claim = self.instance
        self.fields["expected_version"].initial = claim.version
        self.step = None
        self.step_summary = None
        if "headline" in self.fields:
            count_characters(self.fields["headline"])
        self.fields["workflow_public_note"].help_text = (
            gettext(
                "Required to publish changes, issue a verdict, put the claim under review or "
                "unpublish it, as it is published: it becomes the correction on the verdict page."
            )
            if claim.is_published
            else gettext(
                "Shown with this step in the public review timeline once the claim is published."
            )
        )
        if "verdict_summary" in self.fields and claim.is_under_review:
            summary = self.fields["verdict_summary"]
            summary.label = gettext("Summary for readers")
            summary.help_text = gettext(
                "Why, in plain words: readers see it with the verdict you issue."
            )
        if "slug" in self.fields and claim.pk is None:
            self.fields["slug"].required = False
            self.fields["slug"].help_text = gettext(
                "Its address: made from the headline if left empty."
            )

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
        refuse_days_after_today(
            self, {"made_on": gettext("a claim cannot have been made in the future.")}
        )
        claim = self.instance
        if claim.pk:
            # Locked until the admin's transaction ends: no change can slip in
            # between this check and the save.
            current = Claim.objects.select_for_update().only("version").get(pk=claim.pk)
            if cleaned_data.get("expected_version") != current.version:
                raise ValidationError(
                    gettext(
                        "This claim was changed by someone else since you opened it. Your edits "
                        "were not saved and are still below: open the claim again in another tab "
                        "to see what changed, then apply them there."
                    ),
                    code="stale",
                )
            claim.version = current.version
        elif not cleaned_data.get("slug") and (headline := cleaned_data.get("headline")):
            cleaned_data["slug"] = unused_claim_slug(headline)
            if not cleaned_data["slug"]:
                self.add_error(
                    "slug",
                    gettext(
                        "The headline has no letter or digit to make an address of: type "
                        "one (Latin letters, digits and hyphens)."
                    ),
                )
        self._clean_step(cleaned_data)
        if self.step_refusal:
            raise ValidationError(self.step_refusal, code="step_refused")
        return cleaned_data

    def _clean_step(self, cleaned_data):
        requested = self.data.get(STEP_BUTTON, "")
        if not requested:
            return
        if requested not in TRANSITIONS or not self.instance.pk:
            raise ValidationError(gettext("Unknown workflow step; nothing was changed."))
        self.step = Action(requested)
        if TRANSITIONS[self.step].is_verdict and "verdict_summary" in cleaned_data:
            self._clean_summary_for(TRANSITIONS[self.step].target, cleaned_data)
            # Not saved with the edits: the verdict step writes it (step_summary).
            self.step_summary = cleaned_data.pop("verdict_summary", None)

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
                gettext(
                    "This summary explains the %(written_for)s rating. Rewrite it for "
                    "%(target)s, or tick “Keep the summary as it is”."
                )
                % {"written_for": written_for.label, "target": ClaimStatus(target).label},
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


def row_values(row):
    """A row's stored values: every concrete field, and the keys of its many-to-many links."""
    values = {field.attname: field.value_from_object(row) for field in row._meta.concrete_fields}
    for field in row._meta.many_to_many:
        values[field.name] = sorted(related.pk for related in getattr(row, field.name).all())
    return values


def stored_digest(row, inline_relations=()):
    """
    A digest of `row` as the database holds it, with the rows of each of its
    `inline_relations` (the reverse relations its admin page edits inline):
    two reads of the same stored state give the same digest, any saved change
    gives another.
    """
    state = {"row": row_values(row)}
    for relation in inline_relations:
        related = getattr(row, relation).order_by("pk")
        # Each row's links in one query for all of them, not one a row.
        links = [field.name for field in related.model._meta.many_to_many]
        state[relation] = [row_values(item) for item in related.prefetch_related(*links)]
    return hashlib.sha256(canonical_json(state)).hexdigest()


class UnchangedSinceOpenedForm(forms.ModelForm):
    """
    The form of a row readers see (a source, an article, a figure…) that
    refuses to overwrite a change someone else saved after it was opened.
    It carries a digest of the row, and of its `inline_relations` rows, as
    stored when the page was rendered, and compares it under the row's lock
    when saved: a stale save is refused, with everything typed kept.
    """

    # The reverse relations the row's admin page edits inline (a figure's estimates).
    inline_relations = ()

    row_digest = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None and not self.is_bound:
            self.fields["row_digest"].initial = stored_digest(self.instance, self.inline_relations)

    def clean(self):
        cleaned_data = super().clean()
        row = self.instance
        if row.pk is None:
            return cleaned_data
        # Locked until the admin's transaction ends: no change can slip in
        # between this check and the save of the row and its inline rows.
        stored = type(row)._default_manager.select_for_update().get(pk=row.pk)
        if cleaned_data.get("row_digest") != stored_digest(stored, self.inline_relations):
            name = row._meta.verbose_name
            raise ValidationError(
                gettext(
                    "This %(row)s was changed by someone else since you opened it. Your edits "
                    "were not saved and are still below: open the %(row)s again in another tab "
                    "to see what changed, then apply them there."
                )
                % {"row": name},
                code="stale",
            )
        return cleaned_data


class SharedRowForm(UnchangedSinceOpenedForm):
    """
    A shared row's form, whose new row gets its address from its name (or an
    article's title) when none is typed: the admin's script fills the slug in
    the browser from Latin letters only, so a Korean name arrives without one.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None and "slug" in self.fields:
            self.fields["slug"].required = False

    def clean(self):
        cleaned_data = super().clean()
        if self.instance.pk is None and "slug" in self.fields and not cleaned_data.get("slug"):
            named = cleaned_data.get("name") or cleaned_data.get("title") or ""
            cleaned_data["slug"] = slug_for(named, self._meta.model)
            # A name refused on its own (too long, a control character) has
            # its error already: the address is made once it is corrected.
            if not cleaned_data["slug"] and not (self.has_error("name") or self.has_error("title")):
                self.add_error(
                    "slug",
                    gettext(
                        "Type an address (Latin letters, digits and hyphens): the name has no "
                        "letter or digit to make one of."
                    ),
                )
        return cleaned_data


class FigureForm(SharedRowForm):
    """A figure with its estimates, which its page edits inline."""

    inline_relations = ("estimates",)


class StatedNumberField(forms.IntegerField):
    """
    A whole number however the desk types it: 4700, 4,700, 4천700, 4천700명,
    1만5천 (claims.analysis.read_number), stored as its value.
    """

    widget = forms.TextInput
    default_error_messages = {
        "invalid": "Enter a whole number, in digits or with Korean units: 4700, 4,700, "
        "4천700명 or 1만5천. Nothing was saved."
    }

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, int):
            return value
        number = read_number(str(value))
        if number is None:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return number


class EstimateForm(InlineRowForm):
    """An estimate's row on its figure's page: its numbers as the desk types them."""

    class Meta:
        model = Estimate
        fields = ["low", "high"]
        field_classes = {"low": StatedNumberField, "high": StatedNumberField}


class PublishVerdictsForm(forms.Form):
    """
    Publish the updated revisions of the published verdicts a shared row
    changed, with one public note: each is published on its own, through
    Publish changes, and only if its draft is still the one shown (`seen`).
    """

    verdicts = forms.ModelMultipleChoiceField(
        label=_("Verdicts to publish"),
        queryset=Claim.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one verdict to publish.")},
    )
    public_note = forms.CharField(
        label=_("Public note for readers"),
        validators=ReviewEvent._meta.get_field("public_note").validators,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Say what changed and why: each verdict shows it as its correction."),
        error_messages={
            "required": _(
                "Write a public note telling readers what changed and why: it becomes "
                "the correction on each verdict page."
            )
        },
    )
    correction_kind = forms.ChoiceField(
        label=_("Listed for readers as"),
        choices=CorrectionKind.choices,
        initial=CorrectionKind.UPDATE,
    )
    note = forms.CharField(
        label=_("Internal note for the audit trail"),
        required=False,
        validators=ReviewEvent._meta.get_field("note").validators,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Never shown to readers."),
    )
    # The digest of each listed verdict's draft as the page showed it, by key.
    seen = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, pending, **kwargs):
        """`pending`: (claim, its changes, its draft document) for each verdict listed."""
        super().__init__(*args, **kwargs)
        self.fields["verdicts"].queryset = Claim.objects.filter(
            pk__in=[claim.pk for claim, _, _ in pending]
        )
        self.fields["verdicts"].initial = [claim.pk for claim, _, _ in pending]
        self.fields["seen"].initial = json.dumps(
            {str(claim.pk): draft_digest(claim, draft) for claim, _, draft in pending}
        )

    def clean_seen(self):
        try:
            seen = json.loads(self.cleaned_data["seen"] or "{}")
        except ValueError:
            seen = None
        if not isinstance(seen, dict):
            raise ValidationError(gettext("This page was damaged in transit: open it again."))
        return seen


def draft_digest(claim, draft=None):
    """
    A digest of what readers would see of `claim` if its draft were published
    now (`draft`, its draft document, when it was read with others').
    """
    return hashlib.sha256(canonical_json(draft or claim.draft_document())).hexdigest()


# The longest limit a one-line box is given for: a headline's, a name's.
ONE_LINE = 300


def translation_digest(original, draft):
    """
    The draft translation's texts as stored, with the revision they translate:
    what a translation page carries from the moment it was opened, so that a
    save from a page opened before someone else's is refused
    (TranslationForm.is_stale).
    """
    return hashlib.sha256(
        canonical_json({"original": original.pk, "texts": draft.texts})
    ).hexdigest()


class TranslationForm(forms.Form):
    """
    One text box for each text of the current original (translatable_texts),
    keyed as the draft keeps it, beside the original's words: the side-by-side
    page of ClaimAdmin.translate_view. Each box has its original's limit
    (text_limit) with the live count the claim's headline has: a one-line
    box for a headline or a name, a text area for the rest. `opened` is
    translation_digest of the page as it was rendered.
    """

    opened = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, original, *args, texts=None, opened="", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["opened"].initial = opened
        self.rows = []
        texts = texts or {}
        for number, (key, label, text) in enumerate(translatable_texts(original), start=1):
            name = f"text-{number}"
            limit = text_limit(key)
            self.fields[name] = forms.CharField(
                label=label,
                required=False,
                initial=texts.get(key, ""),
                max_length=limit,
                error_messages={"max_length": TOO_LONG},
                widget=CountedTextInput(limit)
                if limit <= ONE_LINE
                else CountedTextarea(limit, attrs={"rows": 2 if len(text) < 120 else 4}),
            )
            self.rows.append((key, label, text, name))
        # The note readers see beside the published translation: refused,
        # never cut, past the limit of a revision's public note.
        limit = field_limit(Revision._meta.get_field("public_note"))
        self.fields["public_note"] = forms.CharField(
            label=_("Public note (optional)"),
            required=False,
            max_length=limit,
            error_messages={"max_length": TOO_LONG},
            widget=CountedTextInput(limit),
        )

    def bound_rows(self):
        """(key, label, original text, bound field, required) for the template."""
        return [
            (key, label, text, self[name], is_required(key)) for key, label, text, name in self.rows
        ]

    def texts(self):
        return {key: self.cleaned_data[name] for key, _label, _text, name in self.rows}

    def public_note(self):
        return self.cleaned_data["public_note"]

    def is_stale(self, original, draft):
        """Whether the draft, or the revision it translates, changed since the page was opened."""
        return self.cleaned_data["opened"] != translation_digest(original, draft)


class CorrectionRequestForm(forms.ModelForm):
    """
    A correction request answered: accepted only with the published revision
    of its claim that corrected it (by its number), declined only with a
    note saying why.
    """

    revision_number = forms.IntegerField(
        label="Correcting revision",
        required=False,
        min_value=1,
        help_text="The number of the claim's published revision that corrected the verdict "
        "(its Earlier versions page lists them). Required to accept.",
    )

    class Meta:
        model = CorrectionRequest
        fields = ["state", "response_note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.revision_id:
            self.fields["revision_number"].initial = self.instance.revision.number

    def clean(self):
        data = super().clean()
        state = data.get("state")
        number = data.get("revision_number")
        revision = None
        if number:
            revision = (
                Revision.objects.originals()
                .filter(claim=self.instance.claim_id, number=number)
                .first()
            )
            if revision is None:
                self.add_error("revision_number", f"This claim has no published revision {number}.")
        if (
            state == RequestState.ACCEPTED
            and revision is None
            and not self.has_error("revision_number")
        ):
            self.add_error(
                "revision_number",
                "Name the published revision that corrected the verdict: publish the "
                "correction with Publish changes on the claim first.",
            )
        if state == RequestState.DECLINED and not data.get("response_note", "").strip():
            self.add_error("response_note", "Say why the request is declined.")
        self.instance.revision = revision
        return data
