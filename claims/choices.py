"""The desk's enums: statuses, steps, stances and grades, each a closed set of values."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ClaimStatus(models.TextChoices):
    UNVERIFIED = "unverified", _("Unverified")
    IN_REVIEW = "in_review", _("In review")
    CORROBORATED = "corroborated", _("Corroborated")
    DISPUTED = "disputed", _("Disputed")
    FALSE = "false", _("False")
    UNVERIFIABLE = "unverifiable", _("Unverifiable")

    @classmethod
    def verdicts(cls):
        return [cls.CORROBORATED, cls.DISPUTED, cls.FALSE, cls.UNVERIFIABLE]


class Action(models.TextChoices):
    """
    The newsroom's verbs; each is one audited transition. Labelled in the
    context "review step": some are also ratings' words ("Corroborated"),
    which a language may say differently of a step.
    """

    CREATE = "create", pgettext_lazy("review step", "Entered")
    START_REVIEW = "start_review", pgettext_lazy("review step", "Review started")
    CORROBORATE = "corroborate", pgettext_lazy("review step", "Corroborated")
    DISPUTE = "dispute", pgettext_lazy("review step", "Disputed")
    REFUTE = "refute", pgettext_lazy("review step", "Rated false")
    MARK_UNVERIFIABLE = "mark_unverifiable", pgettext_lazy("review step", "Rated unverifiable")
    REOPEN = "reopen", pgettext_lazy("review step", "Reopened")
    PUBLISH = "publish", pgettext_lazy("review step", "Published")
    UNPUBLISH = "unpublish", pgettext_lazy("review step", "Unpublished")
    # Before published revisions, a claim's text was revised in place.
    REVISE = "revise", pgettext_lazy("review step", "Revised")
    PUBLISH_CHANGES = "publish_changes", pgettext_lazy("review step", "Changes published")
    # A translation of the record published; the claim's state stays.
    PUBLISH_TRANSLATION = (
        "publish_translation",
        pgettext_lazy("review step", "Translation published"),
    )


class Stance(models.TextChoices):
    SUPPORTS = "supports", _("Supports")
    CONTRADICTS = "contradicts", _("Contradicts")
    CONTEXT = "context", _("Context")


class Reliability(models.TextChoices):
    """Admiralty source reliability."""

    A = "A", _("A: completely reliable")
    B = "B", _("B: usually reliable")
    C = "C", _("C: fairly reliable")
    D = "D", _("D: not usually reliable")
    E = "E", _("E: unreliable")
    F = "F", _("F: reliability cannot be judged")


class Credibility(models.IntegerChoices):
    """Admiralty information credibility."""

    CONFIRMED = 1, _("1: confirmed by independent sources")
    PROBABLY_TRUE = 2, _("2: probably true")
    POSSIBLY_TRUE = 3, _("3: possibly true")
    DOUBTFUL = 4, _("4: doubtful")
    IMPROBABLE = 5, _("5: improbable")
    CANNOT_BE_JUDGED = 6, _("6: truth cannot be judged")


class SourceKind(models.TextChoices):
    INTELLIGENCE_AGENCY = "intelligence_agency", _("Intelligence agency")
    GOVERNMENT = "government", _("Government or ministry")
    STATE_MEDIA = "state_media", _("State media")
    LAWMAKER = "lawmaker", _("Lawmaker")
    WIRE = "wire", _("Wire service")
    NEWSPAPER = "newspaper", _("Newspaper or news site")
    BROADCASTER = "broadcaster", _("Broadcaster")
    PERSON = "person", _("Person")
    ORGANISATION = "organisation", _("Organisation")
    OTHER = "other", _("Other")


class CaveatKind(models.TextChoices):
    SINGLE_SOURCE = "single_source", _("Single source")
    INTERESTED_PARTY = "interested_party", _("Interested party")
    NO_METHOD = "no_method", _("Method not published")
    UNVERIFIABLE = "unverifiable", _("Cannot be verified independently")
    PARTIAL_DATA = "partial_data", _("Partial data")
    OPINION = "opinion", _("Opinion")
    OTHER = "other", _("Other")


class CorrectionKind(models.TextChoices):
    CORRECTION = "correction", _("Correction")
    UPDATE = "update", _("Update")
    CLARIFICATION = "clarification", _("Clarification")


class Qualifier(models.TextChoices):
    """How an estimate's number is meant: about it, at least it, and so on."""

    ABOUT = "about", _("about")
    AT_LEAST = "at_least", _("at least")
    MORE_THAN = "more_than", _("more than")
    UP_TO = "up_to", _("up to")
    NONE = "", _("(none: the exact number)")

    @staticmethod
    def number_text(low, high):
        """The number as a reader reads it: '4,700', or a range '4,000–5,000'."""
        return f"{low:,}–{high:,}" if high is not None else f"{low:,}"

    @classmethod
    def value_text(cls, qualifier, low, high):
        """A value as a reader says it: 'about 4,700', 'more than 3,000', '4,000–5,000'."""
        number = cls.number_text(low, high)
        return VALUE_TEXTS[cls(qualifier)] % {"number": number} if qualifier else number


class TipState(models.TextChoices):
    """Where a reader's tip stands in the desk's triage."""

    NEW = "new", _("New")
    ON_CLAIM = "on_claim", _("On a claim")
    SPAM = "spam", _("Spam")
    # Sent by a banned submitter: kept, out of every queue, and they are not told.
    QUARANTINED = "quarantined", _("Quarantined")


class RequestState(models.TextChoices):
    """Where a reader's correction request stands."""

    OPEN = "open", _("Open")
    ANSWERED = "answered", _("Answered")
    ACCEPTED = "accepted", _("Accepted: corrected")
    DECLINED = "declined", _("Declined")
    QUARANTINED = "quarantined", _("Quarantined")

    @classmethod
    def closed(cls):
        return [cls.ANSWERED, cls.ACCEPTED, cls.DECLINED]


# A qualified number as a sentence says it, in whatever order the language
# puts the qualifier (Korean: "3,000 초과").
VALUE_TEXTS = {
    Qualifier.ABOUT: _("about %(number)s"),
    Qualifier.AT_LEAST: _("at least %(number)s"),
    Qualifier.MORE_THAN: _("more than %(number)s"),
    Qualifier.UP_TO: _("up to %(number)s"),
}


class Withdrawal(models.TextChoices):
    """What readers find at the address of a verdict the desk unpublished."""

    NOTICE = "notice", _("Withdrawn: the headline, the date and the public note")
    LEGAL = "legal", _("Legal removal: the date only, no headline")


class Language(models.TextChoices):
    """The languages the desk publishes in: a revision's, a list of related words'."""

    ENGLISH = "en", "English"
    KOREAN = "ko", "Korean"
