from django import forms

from claims.models import Source, Topic, no_control_characters
from claims.ratings import PUBLIC_RATINGS
from claims.search import search_claims


class MenuSelect(forms.Select):
    """
    A <select> whose options are written by its own template's loop, not
    each through the form renderer's option template: a fifth of the list
    page's time went there. Options only: no groups, no per-option attributes.
    """

    template_name = "claims/widgets/select.html"


class ClaimFilterForm(forms.Form):
    """The reader's filters on `/`. Invalid values are reported and ignored."""

    q = forms.CharField(
        label="Search",
        max_length=200,
        required=False,
        widget=forms.SearchInput,
        validators=[no_control_characters],
    )
    verdict = forms.ChoiceField(
        label="Verdict",
        required=False,
        widget=MenuSelect,
        choices=[("", "Any verdict")] + [(r.slug, r.label) for r in PUBLIC_RATINGS],
    )
    topic = forms.ModelChoiceField(
        label="Topic",
        required=False,
        queryset=Topic.objects.none(),
        to_field_name="slug",
        widget=MenuSelect,
    )
    # A desk has thousands of claimants, too many for a menu: readers reach
    # this filter from a source's page, and the list shows it as removable.
    source = forms.ModelChoiceField(
        label="Claimant",
        required=False,
        queryset=Source.objects.none(),
        to_field_name="slug",
        widget=forms.HiddenInput,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Only what readers can see: topics and claimants of published claims.
        self.fields["topic"].queryset = Topic.objects.public()
        self.fields["topic"].empty_label = "Any topic"
        self.fields["source"].queryset = Source.objects.public_claimants()

    def filter(self, claims):
        """
        Apply the valid filters and the search to `claims`, ignoring invalid ones.

        Newest first, or best match first when searching.
        """
        self.is_valid()
        data = self.cleaned_data
        if verdict := data.get("verdict"):
            claims = claims.rated_as(verdict)
        if topic := data.get("topic"):
            claims = claims.filter(topic=topic)
        if source := data.get("source"):
            claims = claims.filter(claimant=source)
        claims = claims.order_by("-published_at", "-pk")
        if text := data.get("q"):
            claims = search_claims(claims, text)
        return claims

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
            parts.append(f"“{data['q']}”")
        if data.get("verdict"):
            parts.append(dict(self.fields["verdict"].choices)[data["verdict"]])
        if data.get("topic"):
            parts.append(data["topic"].name)
        if data.get("source"):
            parts.append(f"claimed by {data['source'].name}")
        return ", ".join(parts)
