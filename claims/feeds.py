from datetime import UTC, datetime

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.translation import get_language, gettext

from claims.choices import Withdrawal
from claims.claimreview import absolute_url
from claims.constraints import without_control_characters
from claims.models import Revision
from claims.records import CorrectionRecord, language_record

FEED_SIZE = 30
# What an entry shows of a revision's document, a verdict's or a correction's
# (with its claim's headline and address): only these are read.
ENTRY_PARTS = (
    "slug",
    "headline",
    "status",
    "previous_status",
    "summary",
    "wording",
    "published_at",
)
CORRECTED_PARTS = ("slug", "headline", "corrections")


EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class AtomFeed(Atom1Feed):
    """
    Atom, dated by its newest entry as Django's is, or when it has none (every
    verdict withdrawn), by the desk's last publication or withdrawal rather
    than the moment it is read: the same feed, the same bytes.
    """

    def latest_post_date(self):
        if self.items:
            return super().latest_post_date()
        return self.feed["last_published"] or EPOCH


class WithdrawalRecord:
    """A withdrawn verdict as the feed tells of it; a legal removal without its headline."""

    def __init__(self, revision, document):
        self.legal = revision.withdrawal == Withdrawal.LEGAL
        self.headline = "" if self.legal else document["headline"]
        self.note = "" if self.legal else revision.withdrawal_note
        self.published_at = revision.published_at
        # Its own entry, not the verdict's: the verdict's page is now the notice.
        self.url = reverse("claim_detail", args=[document["slug"]]) + "#withdrawn"


class VerdictFeed(Feed):
    """
    Published verdicts, the corrections on them and the verdicts withdrawn,
    newest first, as Atom, from the revisions: a verdict is updated when a
    revision of it is published, never by an edit of its draft. One feed per
    language (`/feed/`, `/ko/feed/`), of the verdicts published in it.

    Stored text is refused with a character XML cannot carry (a control
    character, U+FFFE, U+FFFF: claims.constraints.FORBIDDEN_CHARACTERS): a row
    that has one anyway (a hand edit, an old import) loses it here rather
    than making the feed an error for every reader.
    """

    feed_type = AtomFeed

    def title(self):
        return without_control_characters(
            gettext("%(name)s: verdicts and corrections") % {"name": settings.NEWSROOM_NAME}
        )

    def subtitle(self):
        return gettext(
            "Published fact-check verdicts, with what we don't know, and every correction."
        )

    def link(self):
        return absolute_url(reverse("claim_list"))

    def feed_url(self):
        return absolute_url(reverse("feed"))

    def author_name(self):
        return without_control_characters(settings.NEWSROOM_NAME)

    def feed_extra_kwargs(self, obj):
        latest = Revision.objects.order_by("-published_at").values_list("published_at", flat=True)
        return {"last_published": latest.first()}

    def items(self):
        """
        The newest FEED_SIZE of the current revisions' claims (ClaimRecords) and
        corrections (CorrectionRecords). The revisions latest corrected hold
        the newest corrections: each correction is at most as new as its
        revision's latest (Revision.corrected_at).
        """
        current = Revision.objects.current()
        newest = current.order_by("-first_published_at", "-id")[:FEED_SIZE]
        corrected = current.filter(corrected_at__isnull=False).order_by("-corrected_at", "-id")
        # Each claim in the feed's language, where it is published in it.
        language = get_language()
        items = records_in(language, newest.showing(ENTRY_PARTS))
        for record in records_in(language, corrected[:FEED_SIZE].showing(CORRECTED_PARTS)):
            items += record.corrections
        withdrawn = Revision.objects.withdrawals().order_by("-published_at", "-id")[:FEED_SIZE]
        items += [
            WithdrawalRecord(revision, document)
            for revision, document in withdrawn.showing(["slug", "headline"])
        ]
        return sorted(items, key=lambda item: item.published_at, reverse=True)[:FEED_SIZE]

    # Atom titles are plain text (the XML writer escapes them), unlike
    # Syndication's RSS-minded default, which escapes them as HTML.
    def item_title(self, item):
        if isinstance(item, WithdrawalRecord):
            if item.legal:
                return gettext("Removed: a verdict was removed")
            return without_control_characters(
                gettext("Withdrawn: %(headline)s") % {"headline": item.headline}
            )
        if isinstance(item, CorrectionRecord):
            label, headline = item.get_kind_display(), item.claim.headline
        else:
            label, headline = item.public_status.label, item.headline
        return without_control_characters(
            gettext("%(label)s: %(headline)s") % {"label": label, "headline": headline}
        )

    # Atom summaries are type="html": stored text must be escaped as HTML.
    def item_description(self, item):
        if isinstance(item, WithdrawalRecord):
            return escape(without_control_characters(item.note))
        if isinstance(item, CorrectionRecord):
            return escape(without_control_characters(item.note))
        return escape(without_control_characters(item.verdict_summary or item.wording))

    def item_link(self, item):
        if isinstance(item, WithdrawalRecord):
            return absolute_url(item.url)
        if isinstance(item, CorrectionRecord):
            return absolute_url(f"{item.claim.get_absolute_url()}#correction-{item.number}")
        return absolute_url(item.get_absolute_url())

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        """A correction's or a withdrawal's date; a verdict's latest revision's."""
        if isinstance(item, CorrectionRecord | WithdrawalRecord):
            return item.published_at
        return item.revision.published_at


def records_in(language, shown):
    """
    The ClaimRecords of the current original revisions `shown` ((revision,
    document) pairs, RevisionQuerySet.showing) that are published in
    `language`, in their order, each in it: one query for the translations,
    however many revisions.
    """
    wanted = [original.claim_id for original, _doc in shown if original.language != language]
    translated = (
        {
            translation.claim_id: translation
            for translation in Revision.objects.current_translations(language)
            .filter(claim__in=wanted)
            .order_by()
        }
        if wanted
        else {}
    )
    records = []
    for original, document in shown:
        if original.language == language:
            records.append(language_record(original, None, [language], document))
        elif original.claim_id in translated:
            translation = translated[original.claim_id]
            languages = [original.language, language]
            records.append(language_record(original, translation, languages, document))
    return records
