"""
Rules on stored text the database and the forms both hold: web addresses are
http or https, text carries no invisible control characters, long text has a
stated limit, a choice is one of its enum's values.
"""

import re

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, URLValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual

HTTP_URL_CONDITION = r"^https?://"


def http_url_constraint(field_name, name):
    """A blank URL, or one whose scheme is http or https: never javascript: or data:."""
    return models.CheckConstraint(
        # Case-insensitive, as URL schemes are: HTTPS://… is a valid https address.
        condition=Q(**{field_name: ""}) | Q(**{f"{field_name}__iregex": HTTP_URL_CONDITION}),
        name=name,
        violation_error_message="Only http:// and https:// addresses are allowed.",
    )


http_url_validator = URLValidator(schemes=["http", "https"])

# C0 control characters other than tab and the line breaks (line feed, and the
# carriage return browsers send before it): invisible in the admin, they make
# the feed's XML invalid, and PostgreSQL refuses NUL outright.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def no_control_characters(value):
    """Refuse text holding a C0 control character other than tab, LF or CR."""
    if match := CONTROL_CHARACTERS.search(str(value)):
        raise ValidationError(
            "Remove the invisible control character U+%(code)04X at character %(position)d: "
            "text pasted from other programs sometimes carries one.",
            code="control_character",
            params={"code": ord(match[0]), "position": match.start() + 1},
        )


def without_control_characters(text):
    """`text` with any C0 control character other than tab, LF or CR taken out."""
    return CONTROL_CHARACTERS.sub("", text)


def bounded_text(verbose_name=None, *, limit, help_text="", **options):
    """
    A TextField of at most `limit` characters, free of control characters.

    The limit is checked on the server, with a message stating it, rather than
    by a maxlength attribute, with which a browser cuts a long paste silently.
    The database holds it too (length_constraint).
    """
    help_text = f"{help_text} At most {limit:,} characters.".strip()
    return models.TextField(
        verbose_name,
        validators=[MaxLengthValidator(limit), no_control_characters],
        help_text=help_text,
        **options,
    )


def length_constraint(field_name, limit, name):
    return models.CheckConstraint(
        condition=Q(LessThanOrEqual(Length(field_name), limit)), name=name
    )


def choices_constraint(field_name, choices, name):
    return models.CheckConstraint(condition=Q(**{f"{field_name}__in": choices.values}), name=name)
