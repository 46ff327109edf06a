"""
Parts of the list pages rendered once and kept in Django's cache (while
settings.PUBLIC_FRAGMENT_CACHE is on): each list card (claims/card.html),
the list's filter menus, each published claim's ClaimReview document, and
the evidence and origins sections of its verdict page. Kept because
rendering them is most of what those pages cost: without them, an uncached
`/` or `/claims.json` took four times the CPU, a verdict page 1.7 times
(README, Benchmark).

A card, a ClaimReview and the evidence sections show one published revision
of a claim, which never changes: each is kept under the revision's digest, a hash of its content,
with the code that turns it into HTML or JSON (the templates and
claims/records.py, claims/claimreview.py) and the settings it depends on, so
a card that starts showing a new field is a new card, and none needs
retirement. Not under its id: a database restored or refilled gives
ids again to other revisions, while pages kept in Redis stay.

The filter form's menus (the #menus partial of claims/claim_list.html: all
but the search box) show the topics of current revisions; the number of a
filter's matches depends on the query and the current revisions. Both are
kept under the query (without its page or search) and the list's content
versions (claims.page_versions.LIST), which every published or withdrawn
revision replaces (ListParts).

Every key names the language the part is rendered in: its labels, dates
and links differ by language, the revision does not.

Twenty cards cost one cache round trip (get_many) instead of twenty template
renders.
"""

import hashlib
import json
import logging
from functools import cache as once
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.core.serializers.json import DjangoJSONEncoder
from django.template.loader import get_template, render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from claims import claimreview, records
from claims.caching import PUBLIC, content_versions
from claims.claimreview import CLAIM_REVIEW_PARTS, claim_review
from claims.models import Revision
from claims.page_versions import LIST
from claims.records import ClaimRecord, language_record

logger = logging.getLogger(__name__)

CARD_TEMPLATE = "claims/card.html"
LIST_TEMPLATE = "claims/claim_list.html"
# Templates a card includes: a change to either makes every card new.
CARD_TEMPLATES = [CARD_TEMPLATE, "claims/badge.html"]
# What a card shows of a revision's document: only these are read for one.
CARD_PARTS = ("slug", "headline", "claimant", "topic", "status", "previous_status", "published_at")


@once
def code_digest():
    """A hash of what turns a revision into a card or a ClaimReview, as this process loaded it."""
    sources = [get_template(name).template.source for name in CARD_TEMPLATES]
    sources += [Path(module.__file__).read_text() for module in (records, claimreview)]
    return hashlib.sha256("\x00".join(sources).encode()).hexdigest()[:16]


def revision_key(kind, digest, *shown):
    """The cache key of what `kind` shows of the revision with `digest`, under `shown`
    (templates, settings), in the active language."""
    parts = [digest, get_language(), *shown]
    digest = hashlib.sha256("\x1f".join(map(str, parts)).encode()).hexdigest()
    return f"{kind}:{digest[:40]}"


def card_key(digest, translation_digest=""):
    """The cache key of the card of the revision with `digest` (in its translation's words)."""
    return revision_key("claim-card", digest, settings.TIME_ZONE, code_digest(), translation_digest)


def rendered_cards(revisions):
    """
    The card of each revision in the queryset `revisions` (current originals),
    in order, as safe HTML, in the active language: a claim published in it
    shows its translation there (claims.languages.language_record), others
    their original. From the cache, or rendered (fetching only those
    revisions' documents) and stored. A list in another language than its
    claims' reads their translations in one more query.
    """
    language = get_language()
    if not settings.PUBLIC_FRAGMENT_CACHE:
        shown = revisions.showing(CARD_PARTS)
        translations = translations_of(
            [(revision.claim_id, revision.language) for revision, _document in shown], language
        )
        return [
            render_card(revision, document, translations.get(revision.claim_id))
            for revision, document in shown
        ]
    rows = list(revisions.values_list("pk", "digest", "claim_id", "language"))
    translations = translations_of([(claim, lang) for _pk, _d, claim, lang in rows], language)
    keys = [
        card_key(digest, translations[claim].digest if claim in translations else "")
        for _pk, digest, claim, _language in rows
    ]
    found = cached_many(keys)
    missing = {pk: key for (pk, *_), key in zip(rows, keys, strict=True) if key not in found}
    rendered = {}
    if missing:
        for revision, document in Revision.objects.filter(pk__in=missing).showing(CARD_PARTS):
            translation = translations.get(revision.claim_id)
            rendered[missing[revision.pk]] = render_card(revision, document, translation)
        store_many(rendered)
    return [found.get(key) or rendered[key] for key in keys]


def translations_of(claims, language):
    """
    The current translations into `language` of `claims` ((claim id, its
    original's language) pairs), by claim id: no query when every one of
    them is in `language` already.
    """
    wanted = [claim for claim, original_language in claims if original_language != language]
    if not wanted:
        return {}
    return {
        translation.claim_id: translation
        for translation in Revision.objects.current_translations(language)
        .filter(claim__in=wanted)
        .order_by()
    }


def render_card(revision, document, translation=None):
    """
    The card of `revision`, from `document` (its CARD_PARTS), in the words of
    its `translation` where the list is in the translation's language.
    """
    claim = language_record(revision, translation, document=document)
    return get_template(CARD_TEMPLATE).render({"claim": claim, "list_url": reverse("claim_list")})


def cached_many(keys):
    """The fragments cached under `keys` ({key: safe HTML or text}); {} with the cache down."""
    # Fragments are this module's own renders, escaped as they were made.
    return {key: mark_safe(value) for key, value in cached_values(keys).items()}  # noqa: S308


def cached_values(keys):
    """The values cached under `keys`, as stored; {} with the cache down."""
    try:
        return cache.get_many(keys)
    except Exception as error:
        # The cache only saves work: with it down, render everything.
        logger.warning("Fragment cache unavailable, rendering: %r", error)
        return {}


def store_many(fragments):
    try:
        cache.set_many(fragments, settings.PUBLIC_CACHE_SECONDS)
    except Exception as error:
        logger.warning("Fragment cache unavailable, not storing: %r", error)


class ListParts:
    """
    Parts of one list request that depend on the published claims and the
    query but not on the page: the filter form's menus (its #menus partial,
    everything but the search box), the number of matches, a search's newest
    matches and the sources and figures listed beside them. Kept under the
    list's content versions (LIST, which every change to a published claim
    replaces) and the query without its page, so that every page of one
    filter, and its htmx partial, share them. All are read in one round trip
    to the cache, and what was made is written in one (store()).

    What is kept is bounded by what exists: the menus are kept under the
    query without the search (a filter naming nothing that exists answers 404
    before anything is stored), and a search's count, matches and what is
    beside them not at all, since there are as many searches as strings to
    type.
    """

    def __init__(self, request):
        self.request = request
        self.keys, self.found, self.made = {}, {}, {}
        if not settings.PUBLIC_FRAGMENT_CACHE:
            return
        query = request.GET.copy()
        query.pop("page", None)
        searched = query.pop("q", None)
        self.keys["menus"] = self.key("menus", request, query)
        if not searched:
            self.keys |= {kind: self.key(kind, request, query) for kind in ("count", "matches")}
        self.found = cached_values(list(self.keys.values()))

    @staticmethod
    def key(kind, request, query):
        shown = [
            *list_versions(request),
            get_language(),
            query.urlencode(),
            list_template_digest(),
        ]
        return (
            f"list-{kind}:{hashlib.sha256(chr(31).join(map(str, shown)).encode()).hexdigest()[:40]}"
        )

    def kept(self, kind, make):
        """The part `kind` from the cache, or make() (kept by store())."""
        key = self.keys.get(kind)
        if (value := self.found.get(key)) is None:
            value = self.made[kind] = make()
        return value

    def menus(self, form):
        """The filter form's menus' HTML (the #menus partial of claims/claim_list.html)."""
        # The HTML is this module's own render, escaped as it was made.
        return mark_safe(self.kept("menus", lambda: render_menus(self.request, form)))  # noqa: S308

    def counted(self, count):
        """The number count() gives, counted once per query and list version."""
        return self.kept("count", count)

    def store(self):
        """Keep what this request made (nothing with the fragment cache off)."""
        if self.keys and self.made:
            made = {kind: value for kind, value in self.made.items() if kind in self.keys}
            store_many({self.keys[kind]: value for kind, value in made.items()})


def list_versions(request):
    """
    The list's content versions: those the page cache read for this request
    (so that a page and its parts are kept under the same ones), else read now.
    """
    read = getattr(request, "content_versions_read", {})
    if PUBLIC in read and LIST in read:
        return read[PUBLIC], read[LIST]
    return content_versions([PUBLIC, LIST])


def render_menus(request, form):
    return render_to_string(f"{LIST_TEMPLATE}#menus", {"form": form}, request)


@once
def list_template_digest():
    source = get_template(LIST_TEMPLATE).template.source
    return hashlib.sha256(source.encode()).hexdigest()[:16]


def claim_review_documents(rows):
    """
    The ClaimReview of each revision in `rows` ((pk, digest, its claim's
    current original's digest) triples), in order, as JSON text: from the
    cache, else built (fetching only those revisions, and for translations
    their originals). A translation's is kept under its original's digest
    too: a new verdict changes the rating it carries.
    """
    newsroom = [settings.SITE_URL, settings.NEWSROOM_NAME, settings.NEWSROOM_URL, code_digest()]
    keys = [
        revision_key("claim-review", digest, *newsroom, "" if original == digest else original)
        for _, digest, original in rows
    ]
    revision_ids = [pk for pk, *_digests in rows]
    found = cached_many(keys) if settings.PUBLIC_FRAGMENT_CACHE else {}
    missing = {pk for pk, key in zip(revision_ids, keys, strict=True) if key not in found}
    built = {}
    if missing:
        built = {
            revision.pk: json.dumps(claim_review(record), cls=DjangoJSONEncoder)
            for revision, record in claim_review_records(missing)
        }
        if settings.PUBLIC_FRAGMENT_CACHE:
            store_many(
                {key: built[pk] for pk, key in zip(revision_ids, keys, strict=True) if pk in built}
            )
    return [found.get(key) or built[pk] for pk, key in zip(revision_ids, keys, strict=True)]


def claim_review_records(revision_ids):
    """
    (revision, ClaimRecord) for each revision of `revision_ids`: an
    original's record from its CLAIM_REVIEW_PARTS, a translation's in its
    words under its claim's current original (language_record), in three
    queries at most however many languages are listed.
    """
    rows = Revision.objects.filter(pk__in=revision_ids)
    shown = rows.originals().showing(CLAIM_REVIEW_PARTS)
    records = [(revision, ClaimRecord(document, revision)) for revision, document in shown]
    translations = rows.translations().showing(CLAIM_REVIEW_PARTS)
    if translations:
        claims = {translation.claim_id for translation, _document in translations}
        originals = {
            revision.claim_id: (revision, document)
            for revision, document in Revision.objects.current()
            .filter(claim__in=claims)
            .showing(CLAIM_REVIEW_PARTS)
        }
        for translation, translated in translations:
            original, document = originals[translation.claim_id]
            record = language_record(
                original, translation, document=document, translated=translated
            )
            records.append((translation, record))
    return records


DETAIL_TEMPLATE = "claims/claim_detail.html"


@once
def detail_template_digest():
    source = get_template(DETAIL_TEMPLATE).template.source
    return hashlib.sha256(source.encode()).hexdigest()[:16]


def rendered_evidence(request, claim, context_for):
    """
    The verdict page's evidence and origins sections (its #evidence partial)
    of `claim`, a ClaimRecord of a revision, as HTML: from the cache, else
    rendered with context_for(claim) and stored; None with the fragment
    cache off, or for a record of no revision (a preview of the draft).
    """
    if not settings.PUBLIC_FRAGMENT_CACHE or claim.revision is None:
        return None
    shown = [detail_template_digest(), code_digest(), settings.TIME_ZONE]
    key = revision_key("claim-evidence", claim.revision.digest, *shown)
    if (html := cached_many([key]).get(key)) is None:
        html = render_to_string(f"{DETAIL_TEMPLATE}#evidence", context_for(claim), request)
        store_many({key: html})
    return html
