from django import forms
from django.forms.models import ModelChoiceIterator
from django.utils.functional import cached_property
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from claims.constraints import no_control_characters
from claims.models import Source, Topic
from claims.ratings import PUBLIC_RATINGS
from claims.search import parse, search_claims
from claims.tips import PlainTextField


class MenuSelect(forms.Select):
    """
    A <select> whose options are written by its own template's loop, not
    each through the form renderer's option template: a fifth of the list
    page's time went there. Options only: no groups, no per-option attributes.
    """

    template_name = "claims/widgets/select.html"


class VisibleChoices(ModelChoiceIterator):
    """A field's choices that read its queryset only when listed."""

    def __init__(self, field):
        self.field = field

    @property
    def queryset(self):
        return self.field.queryset


class VisibleChoiceField(forms.ModelChoiceField):
    """
    A choice among the rows readers may see, `visible()`: a queryset built the
    first time a choice is checked or the menu is written, not with the form.
    Building it (an Exists over published claims) cost a list page more than
    its query, and most requests name no topic or claimant.
    """

    iterator = VisibleChoices

    def __init__(self, visible, **kwargs):
        self.visible = visible
        super().__init__(queryset=None, **kwargs)

    @property
    def queryset(self):
        if self._queryset is None:
            self._queryset = self.visible()
        return self._queryset

    @queryset.setter
    def queryset(self, queryset):
        self._queryset = None if queryset is None else queryset.all()
        self.widget.choices = self.choices

    def __deepcopy__(self, memo):
        result = super(forms.ChoiceField, self).__deepcopy__(memo)
        # Menu choices of the copy's own, still unbuilt (see ModelChoiceField).
        result.queryset = None
        return result


class PublishedChoiceField(VisibleChoiceField):
    """A choice among rows readers may see, each labelled with its published name."""

    def label_from_instance(self, obj):
        return obj.published_name


def public_topics():
    return Topic.objects.public().with_published_names().order_by("published_name", "slug")


class ClaimFilterForm(forms.Form):
    """The reader's filters on `/`. Invalid values are reported and ignored."""

    # One reason for a NUL, not Django's "null character" beside the desk's.
    q = PlainTextField(
        label=_("Search"),
        max_length=200,
        required=False,
        widget=forms.SearchInput,
        validators=[no_control_characters],
    )
    verdict = forms.ChoiceField(
        label=_("Verdict"),
        required=False,
        widget=MenuSelect,
        choices=[("", _("Any verdict"))] + [(r.slug, r.label) for r in PUBLIC_RATINGS],
    )
    # Only what readers can see: topics and claimants of current revisions,
    # named as published.
    topic = PublishedChoiceField(
        public_topics,
        label=_("Topic"),
        required=False,
        empty_label=_("Any topic"),
        to_field_name="slug",
        widget=MenuSelect,
    )
    # A desk has thousands of claimants, too many for a menu: readers reach
    # this filter from a source's page, and the list shows it as removable.
    source = PublishedChoiceField(
        Source.objects.public_claimants,
        label=_("Claimant"),
        required=False,
        to_field_name="slug",
        widget=forms.HiddenInput,
    )

    def filter(self, revisions, kept=None):
        """
        Apply the valid filters and the search to `revisions` (current ones,
        in every language), ignoring invalid ones: each claim once, in its
        own language.

        Newest first, or best match first when searching (`kept`: see
        claims.search.search_claims).
        """
        self.is_valid()
        data = self.cleaned_data
        if verdict := data.get("verdict"):
            revisions = revisions.filter(rating=verdict)
        if topic := data.get("topic"):
            revisions = revisions.filter(topic_slug=topic.slug)
        if source := data.get("source"):
            revisions = revisions.filter(claimant_slug=source.slug)
        revisions = revisions.order_by("-first_published_at", "-pk")
        if text := data.get("q"):
            # Every language's version is searched; each claim is listed once.
            return search_claims(revisions, text, kept, lambda: self.search_terms)
        return revisions.originals()

    @cached_property
    def search_terms(self):
        """The search's terms (claims.search.parse), read once for the page's every use."""
        return parse(self.cleaned_data.get("q") or "")

    @property
    def active(self):
        """Whether any valid filter or search narrows the list."""
        return any(self.cleaned_data.get(name) for name in self.fields)

    @property
    def has_filters(self):
        """Whether the reader asked for any filter or search, valid or not: something to clear."""
        return any(self.data.get(name, "").strip() for name in self.fields)

    def describe(self):
        """The valid filters and search in words, for the page's title: `“Kursk”, Corroborated`."""
        data = self.cleaned_data
        parts = []
        if data.get("q"):
            parts.append(gettext("“%(query)s”") % {"query": data["q"]})
        if data.get("verdict"):
            parts.append(dict(self.fields["verdict"].choices)[data["verdict"]])
        if data.get("topic"):
            parts.append(data["topic"].published_name)
        if data.get("source"):
            parts.append(gettext("claimed by %(name)s") % {"name": data["source"].published_name})
        return ", ".join(map(str, parts))
