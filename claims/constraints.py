"""
Rules on stored values the database and the forms both hold: web addresses
are http or https, text carries no character XML cannot carry, long text has
a stated limit, a choice is one of its enum's values, a date is one the desk
can have recorded.
"""

import re
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, URLValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.utils.formats import date_format
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

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

# The characters stored text may not hold: every one XML 1.0 cannot carry,
# so that a feed built from any stored text is well-formed. That is the C0
# controls other than tab and the line breaks (line feed, and the carriage
# return browsers send before it), U+FFFE and U+FFFF, and lone surrogates;
# and besides, DEL, invisible like the controls, and every other Unicode
# noncharacter (U+FDD0 to U+FDEF, the last two code points of each plane),
# which no text meant for people holds. Invisible in the admin, they hide
# text from a reviewer's eyes; PostgreSQL refuses NUL outright.
#
# As a pattern both Python and the databases read alike (SQLite's regexp is
# Python's; PostgreSQL's regular expressions know these escapes too), so
# the database refuses what the forms refuse (text_allowed_constraint).
# Lone surrogates are left out of it: neither database can store one.
FORBIDDEN_CHARACTERS_SQL = (
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufdd0-\ufdef"
    + "".join(rf"\U{plane:04x}fffe\U{plane:04x}ffff" for plane in range(17))
    + "]"
)
FORBIDDEN_CHARACTERS = re.compile(FORBIDDEN_CHARACTERS_SQL[:-1] + r"\ud800-\udfff]")


def no_control_characters(value):
    """
    Refuse text holding a character stored text may not: a control character
    other than tab, LF or CR, a noncharacter or a lone surrogate
    (FORBIDDEN_CHARACTERS). The message names the first and where it is.
    """
    if match := FORBIDDEN_CHARACTERS.search(str(value)):
        code = ord(match[0])
        message = (
            _(
                "Remove the invisible control character U+%(code)04X at character "
                "%(position)d: text pasted from other programs sometimes carries one."
            )
            if code < 0x80
            else _(
                "Remove the invisible character U+%(code)04X at character %(position)d: "
                "text pasted from other programs sometimes carries one."
            )
        )
        raise ValidationError(
            message,
            code="control_character",
            params={"code": code, "position": match.start() + 1},
        )


def without_control_characters(text):
    """`text` with every character stored text may not hold (FORBIDDEN_CHARACTERS) taken out."""
    return FORBIDDEN_CHARACTERS.sub("", text)


def text_allowed_constraint(field_name, name):
    """The database's side of no_control_characters: `field_name` holds none
    of FORBIDDEN_CHARACTERS (but lone surrogates, which it cannot store)."""
    return models.CheckConstraint(
        condition=~Q(**{f"{field_name}__regex": FORBIDDEN_CHARACTERS_SQL}),
        name=name,
        violation_error_message="Remove the invisible characters: control characters and "
        "noncharacters are not allowed.",
    )


# Every date the desk records (when something was said, published, read,
# stated or corrected, and review-by dates) falls in these. Outside them a
# date is a typo (0205 for 2025), and a page charting one far enough out
# could not lay it out.
EARLIEST_DATE = date(1800, 1, 1)
LATEST_DATE = date(2100, 12, 31)


def day_text(day):
    return f"{day.day} {day:%B} {day.year}"


def within_date_bounds(value):
    """Refuse a date, or a moment, before EARLIEST_DATE or after LATEST_DATE."""
    day = value.date() if isinstance(value, datetime) else value
    if not EARLIEST_DATE <= day <= LATEST_DATE:
        raise ValidationError(
            _(
                "Enter a date from %(earliest)s to %(latest)s: %(day)s is outside the dates "
                "the desk records, and is most likely a typo."
            ),
            code="date_out_of_bounds",
            params={
                # In the language of the page that shows it.
                "earliest": date_format(EARLIEST_DATE),
                "latest": date_format(LATEST_DATE),
                "day": day.isoformat(),
            },
        )


def bounded_text(verbose_name=None, *, limit, help_text="", **options):
    """
    A TextField of at most `limit` characters, free of control characters.

    The limit is checked on the server, with a message stating it, rather than
    by a maxlength attribute, with which a browser cuts a long paste silently.
    The database holds it too (length_constraint).
    """
    # Lazy, so that the admin states it in the staff member's language.
    limit_text = format_lazy(_("At most {limit} characters."), limit=f"{limit:,}")
    help_text = format_lazy("{} {}", help_text, limit_text) if help_text else limit_text
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
