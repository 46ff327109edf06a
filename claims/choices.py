"""The desk's enums: statuses, steps, stances and grades, each a closed set of values."""

from django.db import models


class ClaimStatus(models.TextChoices):
    UNVERIFIED = "unverified", "Unverified"
    IN_REVIEW = "in_review", "In review"
    CORROBORATED = "corroborated", "Corroborated"
    DISPUTED = "disputed", "Disputed"
    FALSE = "false", "False"
    UNVERIFIABLE = "unverifiable", "Unverifiable"

    @classmethod
    def verdicts(cls):
        return [cls.CORROBORATED, cls.DISPUTED, cls.FALSE, cls.UNVERIFIABLE]


class Action(models.TextChoices):
    """The newsroom's verbs; each is one audited transition."""

    CREATE = "create", "Entered"
    START_REVIEW = "start_review", "Review started"
    CORROBORATE = "corroborate", "Corroborated"
    DISPUTE = "dispute", "Disputed"
    REFUTE = "refute", "Rated false"
    MARK_UNVERIFIABLE = "mark_unverifiable", "Rated unverifiable"
    REOPEN = "reopen", "Reopened"
    PUBLISH = "publish", "Published"
    UNPUBLISH = "unpublish", "Unpublished"
    # Before published revisions, a claim's text was revised in place.
    REVISE = "revise", "Revised"
    PUBLISH_CHANGES = "publish_changes", "Changes published"


class Stance(models.TextChoices):
    SUPPORTS = "supports", "Supports"
    CONTRADICTS = "contradicts", "Contradicts"
    CONTEXT = "context", "Context"


class Reliability(models.TextChoices):
    """Admiralty source reliability."""

    A = "A", "A: completely reliable"
    B = "B", "B: usually reliable"
    C = "C", "C: fairly reliable"
    D = "D", "D: not usually reliable"
    E = "E", "E: unreliable"
    F = "F", "F: reliability cannot be judged"


class Credibility(models.IntegerChoices):
    """Admiralty information credibility."""

    CONFIRMED = 1, "1: confirmed by independent sources"
    PROBABLY_TRUE = 2, "2: probably true"
    POSSIBLY_TRUE = 3, "3: possibly true"
    DOUBTFUL = 4, "4: doubtful"
    IMPROBABLE = 5, "5: improbable"
    CANNOT_BE_JUDGED = 6, "6: truth cannot be judged"


class SourceKind(models.TextChoices):
    INTELLIGENCE_AGENCY = "intelligence_agency", "Intelligence agency"
    GOVERNMENT = "government", "Government or ministry"
    STATE_MEDIA = "state_media", "State media"
    LAWMAKER = "lawmaker", "Lawmaker"
    WIRE = "wire", "Wire service"
    NEWSPAPER = "newspaper", "Newspaper or news site"
    BROADCASTER = "broadcaster", "Broadcaster"
    PERSON = "person", "Person"
    ORGANISATION = "organisation", "Organisation"
    OTHER = "other", "Other"


class CaveatKind(models.TextChoices):
    SINGLE_SOURCE = "single_source", "Single source"
    INTERESTED_PARTY = "interested_party", "Interested party"
    NO_METHOD = "no_method", "Method not published"
    UNVERIFIABLE = "unverifiable", "Cannot be verified independently"
    PARTIAL_DATA = "partial_data", "Partial data"
    OPINION = "opinion", "Opinion"
    OTHER = "other", "Other"


class CorrectionKind(models.TextChoices):
    CORRECTION = "correction", "Correction"
    UPDATE = "update", "Update"
    CLARIFICATION = "clarification", "Clarification"


class Qualifier(models.TextChoices):
    """How an estimate's number is meant: about it, at least it, and so on."""

    ABOUT = "about", "about"
    AT_LEAST = "at_least", "at least"
    MORE_THAN = "more_than", "more than"
    UP_TO = "up_to", "up to"
    NONE = "", "(none: the exact number)"

    @staticmethod
    def number_text(low, high):
        """The number as a reader reads it: '4,700', or a range '4,000–5,000'."""
        return f"{low:,}–{high:,}" if high is not None else f"{low:,}"

    @classmethod
    def value_text(cls, qualifier, low, high):
        """A value as a reader says it: 'about 4,700', 'more than 3,000', '4,000–5,000'."""
        number = cls.number_text(low, high)
        return f"{cls(qualifier).label} {number}" if qualifier else number


class TipState(models.TextChoices):
    """Where a reader's tip stands in the desk's triage."""

    NEW = "new", "New"
    ON_CLAIM = "on_claim", "On a claim"
    SPAM = "spam", "Spam"
    # Sent by a banned submitter: kept, out of every queue, and they are not told.
    QUARANTINED = "quarantined", "Quarantined"


class RequestState(models.TextChoices):
    """Where a reader's correction request stands."""

    OPEN = "open", "Open"
    ANSWERED = "answered", "Answered"
    ACCEPTED = "accepted", "Accepted: corrected"
    DECLINED = "declined", "Declined"
    QUARANTINED = "quarantined", "Quarantined"

    @classmethod
    def closed(cls):
        return [cls.ANSWERED, cls.ACCEPTED, cls.DECLINED]


class Language(models.TextChoices):
    """The languages the desk publishes in: a revision's, a list of related words'."""

    ENGLISH = "en", "English"
    KOREAN = "ko", "Korean"
