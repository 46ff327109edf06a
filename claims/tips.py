"""
The forms readers write in with (ask us to check; report an error) and the
rules on what they send: every field has a size limit, no control
characters, no HTML. Each form carries a honeypot field (`website`, which
people never see and bots fill in) and its signed serving time
(claims.abuse). A tip's text is normalised to tell readers asking the
same thing apart from new tips (text_key).
"""

import hashlib
import re
import unicodedata

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from claims.abuse import form_token
from claims.constraints import (
    http_url_validator,
    no_control_characters,
    without_control_characters,
)
from claims.models.tips import REQUEST_TEXT_LIMIT, TIP_TEXT_LIMIT, URL_LIMIT

# Anything shaped like a tag or an entity: readers write plain text.
HTML = re.compile(r"<\s*/?\s*[a-zA-Z!?][^>]*>|&#?\w+;")

TOO_LONG = _(
    "This has %(show_value)d characters; at most %(limit_value)d fit. "
    "Shorten it and send again: nothing you typed was lost."
)


def no_html(value):
    if HTML.search(value):
        raise ValidationError(_("Please write plain text: no HTML tags or entities."), code="html")


def text_key(text):
    """
    What makes two tips the same: their words, case, width and punctuation
    set aside (Unicode NFKC, casefolded). A SHA-256, so the key is fixed-size.
    """
    folded = unicodedata.normalize("NFKC", text).casefold()
    return hashlib.sha256(" ".join(re.findall(r"\w+", folded)).encode()).hexdigest()


class FirstReasonMixin:
    """
    A field that names only the first rule a value breaks. Django's rules
    and the desk's overlap (a javascript: address is no web address to both;
    a NUL is a control character and a null character), and one reason said
    twice reads as two problems.
    """

    def run_validators(self, value):
        if value in self.empty_values:
            return
        for validator in self.validators:
            try:
                validator(value)
            except ValidationError as error:
                if getattr(error, "code", None) in self.error_messages:
                    error.message = self.error_messages[error.code]
                raise


class PlainTextField(FirstReasonMixin, forms.CharField):
    def prepare_value(self, value):
        # Shown again as typed, but for the characters its error asks to take
        # out: HTML cannot carry a NUL or most control characters, and the
        # page that names one would itself stop being valid HTML.
        value = super().prepare_value(value)
        return without_control_characters(value) if isinstance(value, str) else value


class WebAddressField(FirstReasonMixin, forms.URLField):
    pass


def plain_text_field(label, limit, **options):
    return PlainTextField(
        label=label,
        strip=True,
        validators=[MaxLengthValidator(limit, TOO_LONG), no_control_characters, no_html],
        **options,
    )


class ReaderForm(forms.Form):
    """What every form readers write in with carries against bots."""

    # The honeypot: hidden from people by the stylesheet and from assistive
    # technology by aria-hidden; a bot filling every field fills it.
    website = forms.CharField(required=False, label=_("Leave this empty"))
    served = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["served"] = form_token()
        self.fields["website"].widget.attrs.update(
            {"autocomplete": "off", "tabindex": "-1", "class": "trap__input"}
        )

    def is_bot(self):
        """Whether the honeypot was filled in (call after is_valid())."""
        return bool(self.data.get("website", "").strip())


class EmailField(FirstReasonMixin, forms.EmailField):
    def __init__(self, **kwargs):
        super().__init__(
            required=False,
            max_length=254,
            validators=[no_control_characters],
            widget=forms.EmailInput(attrs={"autocomplete": "email"}),
            **kwargs,
        )


class TipForm(ReaderForm):
    claim = plain_text_field(
        _("The claim you want us to check"),
        TIP_TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("In your own words or copied from where you saw it."),
    )
    where_seen = WebAddressField(
        label=_("Where you saw it (optional)"),
        required=False,
        max_length=URL_LIMIT,
        validators=[http_url_validator, no_control_characters],
        assume_scheme="https",
        help_text=_("The address of the page or post."),
    )
    email = EmailField(
        label=_("Your email address (optional)"),
        help_text=_("Only if you want us to tell you when we publish a verdict on it."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # As the reader types, htmx asks for the verdicts that match (a
        # pause of half a second first, so not at every key).
        self.fields["claim"].widget.attrs.update(
            {
                "data-hx-get": reverse("ask"),
                "data-hx-trigger": "input changed delay:500ms",
                "data-hx-target": "#matches",
                "data-hx-swap": "outerHTML",
                "aria-controls": "matches",
            }
        )


class CorrectionRequestForm(ReaderForm):
    text = plain_text_field(
        _("What is wrong"),
        REQUEST_TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Tell us what you think is wrong and why."),
    )
    evidence_url = WebAddressField(
        label=_("A link to your evidence (optional)"),
        required=False,
        max_length=URL_LIMIT,
        validators=[http_url_validator, no_control_characters],
        assume_scheme="https",
    )
    email = EmailField(
        label=_("Your email address (optional)"),
        help_text=_(
            "Only if you want us to tell you how we answer your request and when we correct "
            "this verdict."
        ),
    )
