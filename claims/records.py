"""
A published revision's document, read as the objects the public templates,
ClaimReview and the workflow's rules expect of a claim: `record.headline`,
`record.claimant.name`, `item.root_source.independence_key`, and so on.

Nothing here reads the database: a page rendered from a record shows exactly
what was published, whatever the live rows say since.
"""

import difflib
from dataclasses import dataclass
from datetime import date, datetime
from functools import cached_property

from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from claims.choices import (
    Action,
    CaveatKind,
    ClaimStatus,
    CorrectionKind,
    Credibility,
    Qualifier,
    Reliability,
    SourceKind,
    Stance,
)
from claims.independence import independent_origins
from claims.permissions import ROLE_BY_GROUP
from claims.workflow import ClaimState


def parse_date(value):
    return date.fromisoformat(value) if value else None


def parse_datetime(value):
    return datetime.fromisoformat(value) if value else None


def label(choices, value):
    try:
        return choices(value).label
    except ValueError:
        return str(value)


@dataclass(frozen=True)
class Named:
    """A topic or an affiliation as published: its slug and name."""

    slug: str
    name: str


class SourceRecord:
    """A source as a revision names it."""

    def __init__(self, data):
        self.slug = data["slug"]
        self.name = data["name"]
        self.kind = data["kind"]
        self.reliability = data["reliability"]
        self.url = data["url"]
        affiliation = data.get("affiliation")
        self.affiliation = Named(**affiliation) if affiliation else None

    def __eq__(self, other):
        return isinstance(other, SourceRecord) and other.slug == self.slug

    def __hash__(self):
        return hash(self.slug)

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("source_detail", args=[self.slug])

    def get_reliability_display(self):
        return label(Reliability, self.reliability)

    @property
    def is_person(self):
        return self.kind == SourceKind.PERSON

    @property
    def independence_key(self):
        """Sources with equal keys are not independent (as Source.independence_key)."""
        if self.affiliation:
            return ("affiliation", self.affiliation.slug)
        return ("source", self.slug)

    @property
    def independence_label(self):
        return self.affiliation.name if self.affiliation else self.name


class EvidenceRecord:
    """An item of evidence as published."""

    def __init__(self, data):
        self.pk = data["id"]
        self.stance = data["stance"]
        self.title = data["title"]
        # In a translation's record, the title's language: the original's
        # until it is translated (claims.models.translations); else "".
        self.title_language = data.get("title_language", "")
        self.url = data["url"]
        self.archive_url = data["archive_url"]
        self.excerpt = data["excerpt"]
        # The desk's translation of the quote, beside it (a translation's record).
        self.excerpt_translation = data.get("excerpt_translation", "")
        self.published_on = parse_date(data["published_on"])
        self.credibility = data["credibility"]
        self.note = data["note"]
        self.source = SourceRecord(data["source"])
        self.origin = SourceRecord(data["origin"]) if data["origin"] else None

    def get_credibility_display(self):
        return label(Credibility, self.credibility)

    def get_stance_display(self):
        return label(Stance, self.stance)

    @property
    def root_source(self):
        return self.origin or self.source

    @property
    def relays(self):
        """Whether the item relays someone else (its origin) rather than being first-hand."""
        return self.origin is not None and self.origin != self.source

    @property
    def chain(self):
        """Who relayed whom, origin first (as Evidence.chain)."""
        return [self.origin, self.source] if self.relays else [self.source]


class CaveatRecord:
    def __init__(self, data):
        self.kind = data["kind"]
        self.text = data["text"]

    def get_kind_display(self):
        return label(CaveatKind, self.kind)


class CorrectionRecord:
    """
    A correction as published: `number` counts from 1 in its claim's record
    (its anchor on the verdict page, #correction-<number>), `claim` is that
    record.
    """

    def __init__(self, data, number=None, claim=None):
        self.kind = data["kind"]
        self.note = data["note"]
        self.published_at = parse_datetime(data["published_at"])
        self.number = number
        self.claim = claim
        # In a translation's record, the note's language: the original's
        # until the note is translated.
        self.language = data.get("language", "")

    @property
    def is_untranslated(self):
        return bool(self.language) and self.language != self.claim.language

    def get_kind_display(self):
        return label(CorrectionKind, self.kind)


class EventRecord:
    """A step of the review timeline, as readers see it."""

    def __init__(self, data):
        self.action = data["action"]
        self.from_status = data["from_status"]
        self.to_status = data["to_status"]
        self.created_at = parse_datetime(data["created_at"])
        self.public_note = data["public_note"]
        self.language = data.get("language", "")
        self.actor_first_name = data["actor_first_name"]
        self.role = ROLE_BY_GROUP[data["role"]]

    def get_action_display(self):
        return label(Action, self.action)


@dataclass(frozen=True)
class FigureRecord:
    """A figure as a revision names it."""

    slug: str
    name: str
    short_name: str
    unit: str

    def get_absolute_url(self):
        return reverse("figure_detail", args=[self.slug])


class StatedEstimateRecord:
    """An estimate a claim states, with its figure, as published."""

    def __init__(self, data):
        self.pk = data["id"]
        self.figure = FigureRecord(**data["figure"])
        self.figure_short_name = self.figure.short_name
        self.figure_unit = self.figure.unit
        self.low = data["low"]
        self.high = data["high"]
        self.qualifier = data["qualifier"]
        self.stated_on = parse_date(data["stated_on"])
        self.origin = SourceRecord(data["origin"])

    def figure_url(self):
        return self.figure.get_absolute_url()

    @property
    def value_text(self):
        """The value as a reader says it: 'about 4,700'."""
        return Qualifier.value_text(self.qualifier, self.low, self.high)


class ClaimRecord(ClaimState):
    """
    A claim as one revision published it. `revision` is the Revision it
    comes from (None for a preview of live rows, which is not published).

    Each part is read from `document` when first asked for, so that a list
    can pass only the parts its rows show (RevisionQuerySet.showing): asking
    for a part it did not read is a KeyError, never a blank.
    """

    def __init__(self, document, revision=None):
        self.document = document
        self.revision = revision
        # Every language its claim is published in, where the page read them.
        self.published_languages = ()

    @cached_property
    def language(self):
        """The record's language: a translation's own, else its revision's."""
        return self.document.get("language") or (self.revision.language if self.revision else "")

    @cached_property
    def original_language(self):
        """
        The language the claim was made in, which quotes stay in: a
        translation's record has it from its original (in_language).
        """
        return self.document.get("original_language") or self.language

    @cached_property
    def wording_translation(self):
        """A translation's wording, shown beside the wording as made, labelled as the desk's."""
        return self.document.get("wording_translation", "")

    @cached_property
    def slug(self):
        return self.document["slug"]

    @cached_property
    def headline(self):
        return self.document["headline"]

    @cached_property
    def wording(self):
        return self.document["wording"]

    @cached_property
    def claimant(self):
        return SourceRecord(self.document["claimant"])

    @cached_property
    def made_on(self):
        return parse_date(self.document["made_on"])

    @cached_property
    def appearance_url(self):
        return self.document["appearance_url"]

    @cached_property
    def appeared_in(self):
        article = self.document["appeared_in"]
        if not article:
            return None
        return ArticleRecord(article["title"], article["url"], parse_date(article["published_on"]))

    @cached_property
    def context(self):
        return self.document["context"]

    @cached_property
    def topic(self):
        topic = self.document["topic"]
        return Named(**topic) if topic else None

    @cached_property
    def review_by(self):
        return parse_date(self.document["review_by"])

    @cached_property
    def status(self):
        return self.document["status"]

    @cached_property
    def previous_status(self):
        return self.document["previous_status"]

    @cached_property
    def verdict_summary(self):
        return self.document["summary"]

    @cached_property
    def published_at(self):
        return parse_datetime(self.document["published_at"])

    def __str__(self):
        return self.headline

    def get_absolute_url(self):
        return reverse("claim_detail", args=[self.slug])

    @property
    def is_translation(self):
        return self.revision is not None and self.revision.translation_of_id is not None

    @cached_property
    def caveats(self):
        return [CaveatRecord(data) for data in self.document["caveats"]]

    @cached_property
    def evidence(self):
        return [EvidenceRecord(data) for data in self.document["evidence"]]

    @cached_property
    def estimates(self):
        return [StatedEstimateRecord(data) for data in self.document["estimates"]]

    @cached_property
    def corrections(self):
        return [
            CorrectionRecord(data, number, self)
            for number, data in enumerate(self.document["corrections"], start=1)
        ]

    @property
    def modified_at(self):
        """When readers were shown this record, if it is not the claim's first revision."""
        if self.revision is not None and self.revision.number > 1:
            return self.revision.published_at
        return None

    @cached_property
    def events(self):
        return [EventRecord(data) for data in self.document["events"]]

    def independent_origins(self, stance=Stance.SUPPORTS, evidence=None):
        """The published evidence of one stance by independent origin (claims.independence)."""
        return independent_origins(
            self.claimant, self.evidence if evidence is None else evidence, stance
        )


def in_language(original, translation):
    """
    The document readers see of a claim in a translation's language: the
    `translation`'s words (a published document), under the state of the
    current `original` (its rating, review state, timeline and corrections),
    so that a new verdict never stands under an old translation's summary
    unmarked and every correction shows in every language. Corrections and
    timeline notes the translation has words for are shown in them; the
    rest in the original's language, each saying which it is in. `original`
    may hold only some parts (RevisionQuerySet.showing): those it holds are
    taken from it.
    """
    language = translation["language"]
    original_language = original.get("language", "")
    document = translation | {
        part: original[part] for part in ("status", "previous_status", "rating") if part in original
    }
    document["original_language"] = original_language
    if "evidence" in translation:
        # A translation published before evidence titles could be translated
        # shows each in the original's language.
        document["evidence"] = [
            {"title_language": original_language} | item for item in translation["evidence"]
        ]
    if "corrections" in original:
        notes = {
            item["published_at"]: item["note"]
            for item in translation["corrections"]
            if item.get("language") == language
        }
        document["corrections"] = [
            item
            | {
                "note": notes.get(item["published_at"], item["note"]),
                "language": language if item["published_at"] in notes else original_language,
            }
            for item in original["corrections"]
        ]
    if "events" in original:
        public_notes = {
            event["created_at"]: event["public_note"]
            for event in translation["events"]
            if event.get("language") == language
        }
        document["events"] = [
            event
            | {
                "public_note": public_notes.get(event["created_at"], event["public_note"]),
                "language": language
                if event["created_at"] in public_notes or not event["public_note"]
                else original_language,
            }
            for event in original["events"]
        ]
    return document


@dataclass
class ClaimLink:
    """
    A published claim as a list links to it: address, headline and rating;
    with `claim_id` and the headline's `language` where a page in another
    language looks for the claim's headline in it (claims.views.headlines_in),
    and `lang`, the language to mark the headline with where it is not the
    page's.
    """

    slug: str
    headline: str
    rating: str
    claim_id: int | None = None
    language: str = ""
    lang: str = ""

    @property
    def public_status(self):
        return ClaimStatus(self.rating)

    def get_absolute_url(self):
        return reverse("claim_detail", args=[self.slug])


@dataclass(frozen=True)
class ArticleRecord:
    title: str
    url: str
    published_on: date | None


# The parts of a record readers see change, in page order, each with the
# words the admin and the "Earlier versions" pages name it by.
RECORD_PARTS = [
    ("headline", _("Headline")),
    ("rating", _("Rating")),
    ("status", _("Review state")),
    ("summary", _("Summary for readers")),
    ("caveats", _("What we don't know")),
    ("wording", _("The claim as made")),
    ("claimant", _("Claimed by")),
    ("made_on", _("When")),
    ("appearance_url", _("Where it was first made")),
    ("appeared_in", _("Article carrying it")),
    ("estimates", _("Estimates it states")),
    ("context", _("Context")),
    ("topic", _("Topic")),
    ("review_by", _("Review-by date")),
    ("evidence", _("Evidence")),
    ("corrections", _("Corrections")),
]


def source_line(data):
    if data is None:
        return gettext("first-hand")
    line = gettext("%(name)s (reliability %(reliability)s, %(kind)s") % data
    if data["affiliation"]:
        line += f", {data['affiliation']['name']}"
    if data["url"]:
        line += f", {data['url']}"
    return line + ")"


def part_lines(name, value):
    """One part of a record as lines of text, for comparing and showing."""
    if value in (None, "", []):
        return []
    if name == "rating" or name == "status":
        return [label(ClaimStatus, value)]
    if name == "claimant":
        return [source_line(value)]
    if name == "topic":
        return [value["name"]]
    if name == "appeared_in":
        # In a fixed order: PostgreSQL's jsonb keeps a document's keys in its own.
        parts = (value["title"], value["url"], value["published_on"])
        return [" · ".join(str(part) for part in parts if part)]
    if name == "caveats":
        return [f"{label(CaveatKind, item['kind'])}: {item['text']}" for item in value]
    if name == "corrections":
        return [
            f"{item['published_at'][:10]} {label(CorrectionKind, item['kind'])}: {item['note']}"
            for item in value
        ]
    if name == "estimates":
        return [
            f"{item['figure']['name']}: {item['low']}"
            + (f"–{item['high']}" if item["high"] else "")
            + gettext(" (%(qualifier)s), stated %(date)s by %(origin)s")
            % {
                "qualifier": item["qualifier"] or gettext("exact"),
                "date": item["stated_on"],
                "origin": source_line(item["origin"]),
            }
            for item in value
        ]
    if name == "evidence":
        lines = []
        for item in value:
            lines.append(
                gettext(
                    "%(stance)s: %(title)s — published by %(source)s, relying on %(origin)s; "
                    "credibility %(credibility)s"
                )
                % {
                    "stance": label(Stance, item["stance"]),
                    "title": item["title"],
                    "source": source_line(item["source"]),
                    "origin": source_line(item["origin"]),
                    "credibility": item["credibility"],
                }
                + "".join(
                    f"; {key.replace('_', ' ')} {item[key]}"
                    for key in ("url", "archive_url", "published_on", "excerpt", "note")
                    if item[key]
                )
            )
        return lines
    return str(value).splitlines() or [str(value)]


@dataclass(frozen=True)
class PartChange:
    """One part of the record as it was and as it is: `lines` as difflib marks them."""

    name: str
    label: str
    before: list
    after: list

    @property
    def lines(self):
        """(mark, text) pairs: '-' removed, '+' added, ' ' kept."""
        return [
            (line[0], line[2:])
            for line in difflib.ndiff(self.before, self.after)
            if line[0] in "-+ "
        ]


def record_differences(before, after):
    """
    The parts readers would see change from the record `before` to `after`
    (revision documents), as PartChanges in page order. The review timeline
    is left out: it grows with every step, which says so itself.
    """
    changes = []
    for name, words in RECORD_PARTS:
        old, new = part_lines(name, before.get(name)), part_lines(name, after.get(name))
        if old != new:
            changes.append(PartChange(name, words, old, new))
    return changes


def language_record(original, translation, languages=(), document=None, translated=None):
    """
    The ClaimRecord readers see of a claim whose current original revision is
    `original` (`document`: the parts of its document read, else all of it),
    in the language of `translation` (its current translation, or None for
    the original's own language; `translated`: the same parts of its
    document, else all of it): the translation's words under the original's
    current state (in_language). `languages`: those it is published in, for
    the switcher.
    """
    document = original.document if document is None else document
    if translation is None:
        record = ClaimRecord(document, original)
    else:
        translated = translation.document if translated is None else translated
        shown = in_language(
            document | {"language": original.language},
            translated | {"language": translation.language},
        )
        record = ClaimRecord(shown, translation)
    record.published_languages = tuple(languages)
    return record
