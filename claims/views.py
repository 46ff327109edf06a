"""
The public pages. Everything here reads what readers see of claims from their
current published revisions (Revision.objects.current(), rendered through
claims.records.ClaimRecord), never from the live rows editors draft in; sets
no cookie and is cacheable (see claims.caching.public_page). The staff
preview alone renders the draft.
"""

import json
from dataclasses import dataclass

from django.conf import settings
from django.core.paginator import InvalidPage, Paginator
from django.db.models import Count, Exists, F, OuterRef, Q, Subquery, Sum, Value
from django.db.models.fields.json import KT
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import get_language, get_language_info, override
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from django.views.decorators.vary import vary_on_headers

from claims.caching import public_page
from claims.choices import (
    Action,
    CaveatKind,
    ClaimStatus,
    Credibility,
    Reliability,
    Stance,
    TipState,
    Withdrawal,
)
from claims.claimreview import absolute_url, as_json_ld, claim_review
from claims.feeds import FEED_SIZE
from claims.forms import ClaimFilterForm
from claims.fragments import ListParts, claim_review_documents, rendered_cards, rendered_evidence
from claims.languages import address_in, available_languages, record_language
from claims.models import Claim, ReviewEvent, Revision, RevisionName, Source, Tip
from claims.models.figures import revisions_since
from claims.models.revisions import EvidenceNaming, TextPart
from claims.names import (
    headlines_in,
    in_page_language,
    newsroom_language,
    page_language,
    shown_source_names,
)
from claims.page_versions import BROWSE, CLAIM_REVIEWS, LIST, SITEMAP, claim_page, source_page
from claims.permissions import can_preview_claims
from claims.ratings import BEST_RATING, PUBLIC_RATINGS, RATINGS, WORST_RATING
from claims.records import (
    ClaimLink,
    ClaimRecord,
    EvidenceRecord,
    language_record,
    record_differences,
)
from claims.search import matching_figures, matching_sources, ranked_matches
from claims.sitemaps import section_pages

# One document per published claim would run to hundreds of megabytes at
# newsroom scale; aggregators follow `next` instead.
CLAIM_REVIEWS_PER_PAGE = 100
# How far `/` counts and pages: 500 pages of 20.
LISTED_CLAIMS = 10_000
# How many items of evidence a source's page lists.
SOURCE_EVIDENCE_LIMIT = 100
# /sources/: how many a page lists, and its orders (name breaks ties).
SOURCES_PER_PAGE = 200
SOURCE_SORTS = {"name": ("name", "slug"), "verdicts": ("-verdicts", "name", "slug")}

STANCE_HEADINGS = {
    Stance.SUPPORTS: _("Supports the claim"),
    Stance.CONTRADICTS: _("Contradicts the claim"),
    Stance.CONTEXT: _("Context"),
}


class CappedPaginator(Paginator):
    """
    Pages through at most `limit` items, and counts no further than one past it.

    At newsroom scale an exact count walks tens of thousands of index entries
    on every request (8 ms for 66,000 published claims), and no reader pages
    to the 3,000th page: filters, search and the sitemap reach old claims.
    Each page first finds its keys by an index-only walk to its offset, then
    reads only those rows, so a deep page does not read every row before it.
    """

    def __init__(self, object_list, per_page, limit, counted=None):
        super().__init__(object_list, per_page)
        self.limit = limit
        # counted(count) may answer from a cache instead of calling count().
        self.counted = counted or (lambda count: count())

    @cached_property
    def found(self):
        # Keys only, unordered: a search's rank is not computed to be counted.
        return self.counted(
            lambda: self.object_list.order_by().values("pk")[: self.limit + 1].count()
        )

    @cached_property
    def count(self):
        return min(self.found, self.limit)

    @property
    def has_more(self):
        """Whether more than `limit` items match (the rest are not offered)."""
        return self.found > self.limit

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = min(bottom + self.per_page, self.count)
        keys = self.object_list.values("pk")[bottom:top]
        return self._get_page(self.object_list.filter(pk__in=keys), number, self)


# Filters that name what exists: any other value is a page that does not exist.
EXISTING_FILTERS = {"verdict", "topic", "source"}


def page_or_404(paginator, number):
    """The page `number` of `paginator`; 404 for a page past the last or not a number."""
    try:
        return paginator.page(number or 1)
    except InvalidPage:
        raise Http404("No such page.") from None


@require_safe
@public_page(params=("q", "verdict", "topic", "source", "page"), shows=[LIST])
@vary_on_headers("HX-Request", "HX-History-Restore-Request")
def claim_list(request):
    """
    Published verdicts, newest first, filtered, searched and paginated. A
    verdict, topic or claimant that no published claim has, or a page past
    the last, answers 404: every page kept is one that exists.

    Template: claims/claim_list.html, or only its #results partial (the form
    and the results, with the page's <title> for htmx to apply) for an htmx
    request; htmx asks for the whole page when it restores history.
    Context: form (ClaimFilterForm), page_obj (of a CappedPaginator, counting
    through claims.fragments.ListParts), cards (each claim's card on the page,
    as HTML), menus (the form's menus' HTML: both from claims.fragments),
    ranked_matches (how many matches a search ranks; None when not searching),
    matching_sources and matching_figures ((address, name) pairs of the
    public sources and the figures whose names match the search, on its
    first page; else empty: kept with the list, and so brought up to date by
    the next publication),
    partial (whether only the partial is rendered).
    """
    form = ClaimFilterForm(request.GET)
    parts = ListParts(request)
    claims = form.filter(Revision.objects.current_in_every_language(), kept=parts.kept)
    if EXISTING_FILTERS & form.errors.keys():
        raise Http404("No published claim has that verdict, topic or claimant.")
    paginator = CappedPaginator(
        claims, settings.PUBLIC_PAGE_SIZE, LISTED_CLAIMS, counted=parts.counted
    )
    page_obj = page_or_404(paginator, request.GET.get("page"))
    partial = bool(request.htmx) and not request.htmx.history_restore_request
    text = form.cleaned_data.get("q")
    figures, sources = [], []
    if text and page_obj.number == 1:
        figures, sources = parts.kept("beside", lambda: names_beside(form.search_terms))
    context = {
        "form": form,
        "page_obj": page_obj,
        "cards": rendered_cards(page_obj.object_list),
        "menus": parts.menus(form),
        "ranked_matches": ranked_matches() if text else None,
        "matching_sources": sources,
        "matching_figures": figures,
        "partial": partial,
    }
    parts.store()
    return render(
        request, "claims/claim_list.html#results" if partial else "claims/claim_list.html", context
    )


def names_beside(terms):
    """
    The figures and public sources matching a search's `terms`, as
    (address, name) pairs, to list beside its claims: plain values, for the
    cache to keep with the list.
    """
    figures, sources = list(matching_figures(terms)), list(matching_sources(terms))
    in_page_language(page_language(), sources=sources, figures=figures)
    return (
        [(figure.get_absolute_url(), figure.name) for figure in figures],
        [(source.get_absolute_url(), source.name) for source in sources],
    )


def current_revision(slug):
    """The revision readers see under `slug`, or None."""
    return Revision.objects.current().filter(slug=slug).first()


@dataclass(frozen=True)
class LanguageVersions:
    """
    What a verdict page in one language reads: the claim's current original
    revision, its current translation into the page's language (None when
    the page is in the original's language or no translation is published),
    and every language the claim is published in, the original's first.
    """

    original: Revision
    translation: Revision | None
    languages: tuple
    # How many readers asked us to check the claim (Tip.readers_asking).
    readers_asking: int = 0

    @property
    def is_out_of_date(self):
        """Whether the translation translates an earlier revision than readers see now."""
        return self.translation is not None and (
            self.translation.translation_of_id != self.original.pk
        )

    def record(self):
        """The ClaimRecord the page shows (claims.records.language_record)."""
        return language_record(self.original, self.translation, self.languages)


def language_versions(slug, language):
    """
    The LanguageVersions of the claim readers see under `slug`, for a page
    in `language`, in one query however many languages the desk publishes
    in; None when no published claim is under `slug`.
    """
    claim = Revision.objects.current().filter(slug=slug).values("claim")[:1]
    published_in = {
        f"in_{code}": Exists(
            Revision.objects.current_translations(code).filter(claim=OuterRef("claim"))
        )
        for code, _name in settings.LANGUAGES
    }
    # Read in the same query: the count is the page's, like its languages.
    asking = (
        Tip.objects.filter(claim=OuterRef("claim"), state=TipState.ON_CLAIM)
        .order_by()
        .values("claim")
        .annotate(total=Sum("readers_asking"))
        .values("total")
    )
    rows = list(
        Revision.objects.current_in_every_language()
        .filter(claim__in=claim)
        .filter(Q(translation_of__isnull=True) | Q(language=language))
        .annotate(**published_in, readers_asking=Coalesce(Subquery(asking), 0))
    )
    original = next((row for row in rows if row.translation_of_id is None), None)
    if original is None:
        return None
    translation = next((row for row in rows if row.translation_of_id is not None), None)
    languages = (original.language,) + tuple(
        code
        for code, _name in settings.LANGUAGES
        if code != original.language and getattr(original, f"in_{code}")
    )
    return LanguageVersions(original, translation, languages, original.readers_asking)


def moved(slug, to):
    """
    A 301 to where a claim once published under `slug` is now, `to(new
    slug)`, or 404: a public address never breaks. The slug is looked up
    among every claim's revisions; the newest claim to have used it wins.
    """
    claims = Revision.objects.filter(slug=slug).values("claim")
    found = (
        Revision.objects.current()
        .filter(claim__in=claims)
        .order_by("-first_published_at", "-id")
        .values_list("slug", flat=True)
        .first()
    )
    if found is None or found == slug:
        raise Http404("No such claim.")
    return HttpResponsePermanentRedirect(to(found))


def evidence_context(claim):
    """What the page's #evidence partial shows of `claim` (a ClaimRecord): the
    evidence by stance, and its origins."""
    evidence = claim.evidence
    by_stance = [
        (stance, heading, [item for item in evidence if item.stance == stance])
        for stance, heading in STANCE_HEADINGS.items()
    ]
    origins = claim.independent_origins(evidence=evidence)
    return {
        "claim": claim,
        "evidence_by_stance": [group for group in by_stance if group[2]],
        "origins": origins,
        "counted_origins": [group for group in origins if not group.is_claimant],
    }


def render_claim_page(
    request, claim, *, preview=False, version=None, translation=None, readers_asking=0
):
    """
    The verdict page of `claim`, a ClaimRecord: of its current revision, of
    an earlier one (`version`: what claims/claim_detail.html's version
    banner shows), or of the draft (`preview`). Only the current revision
    carries ClaimReview and is for search engines.
    """
    evidence_html = None if preview else rendered_evidence(request, claim, evidence_context)
    languages = available_languages(claim)
    # Where the claim is not published in the page's language, the page shows
    # the record in its own, and search engines are sent to that page.
    canonical_language = get_language() if get_language() in languages else languages[0]
    with override(canonical_language):
        canonical_url = absolute_url(claim.get_absolute_url())
    return render(
        request,
        "claims/claim_detail.html",
        {
            **({} if evidence_html else evidence_context(claim)),
            "evidence_html": evidence_html,
            "claim": claim,
            "rating": RATINGS[claim.public_status],
            "canonical_url": canonical_url,
            "available_languages": languages,
            "record_language": record_language(claim),
            "claimreview": None if preview or version else as_json_ld(claim_review(claim)),
            "preview": preview,
            "version": version,
            "stated_estimates": claim.estimates,
            "revisions": revisions_since(claim.estimates),
            # For a page in another language than the original's: whether its
            # translation is out of date, and where the original is.
            "translation": translation
            if claim.is_translation or (translation and translation["missing"])
            else None,
            # Counted, never shown: what readers wrote stays with the desk.
            "readers_asking": readers_asking,
        },
    )


@require_safe
@public_page(shows=lambda slug: [claim_page(slug)])
def claim_detail(request, slug):
    """
    The verdict page of one published claim, from its current revision; a
    slug it was published under before answers 301.

    A claim withdrawn since answers 410 with a notice (withdrawal_notice).

    Template: claims/claim_detail.html. Context: claim (a ClaimRecord),
    rating, evidence_by_stance ((stance, heading, items) for each stance with
    items), origins (independent origins of the supporting evidence),
    counted_origins (those besides the claimant's own), evidence_html (the
    same, rendered, when the fragment cache has it), canonical_url,
    claimreview (JSON-LD), preview (False), version (None), stated_estimates
    (the estimates the revision states), revisions (LaterEstimates: later
    live estimates from the same origin), readers_asking (how many readers
    asked us to check the claim: their tips on it, quarantined and spam ones
    aside; a new one retires the page, claims.page_versions).
    """
    language = page_language()
    versions = language_versions(slug, language)
    if versions is None:
        if withdrawn := Revision.objects.withdrawals().filter(slug=slug).order_by("-pk").first():
            return withdrawal_notice(request, withdrawn)
        return moved(slug, lambda found: reverse("claim_detail", args=[found]))
    original = versions.original
    # Not published in the page's language: the record in its own language,
    # saying so, with its canonical address there (render_claim_page).
    translation = {
        "out_of_date": versions.is_out_of_date,
        "missing": language != original.language and versions.translation is None,
        "original_language": original.language,
        "original_url": address_in(original.language, "claim_detail", [slug]),
    }
    return render_claim_page(
        request,
        versions.record(),
        translation=translation,
        readers_asking=versions.readers_asking,
    )


def withdrawal_notice(request, revision):
    """
    What readers find where a withdrawn verdict was: 410 Gone, with the date
    and the public note under the headline, or, for a legal removal, the date
    alone. No verdict, no evidence, not for search engines.

    Template: claims/claim_withdrawn.html. Context: legal, headline,
    withdrawn_at, note.
    """
    legal = revision.withdrawal == Withdrawal.LEGAL
    response = render(
        request,
        "claims/claim_withdrawn.html",
        {
            "legal": legal,
            "headline": "" if legal else revision.document["headline"],
            "withdrawn_at": revision.published_at,
            "note": "" if legal else revision.withdrawal_note,
        },
        status=410,
    )
    response.headers["X-Robots-Tag"] = "noindex"
    return response


def shown_revisions(claim_id):
    """
    The revisions of a claim readers were shown, oldest first, as a queryset:
    every one but those recording a withdrawal (published by an Unpublish
    step, never current, and holding the draft as it stood then).
    """
    withdrawal = ReviewEvent.objects.filter(
        claim=OuterRef("claim"), action=Action.UNPUBLISH, created_at=OuterRef("published_at")
    )
    return (
        Revision.objects.originals()
        .filter(claim=claim_id)
        .exclude(Exists(withdrawal))
        .order_by("number")
    )


def history(original, language):
    """
    The versions of the claim whose current original revision is `original`
    that a page in `language` lists, oldest first, as a queryset: its
    versions in that language (translations, each published and numbered on
    its own) where it has any, else the original's (shown_revisions). A
    reader of the Korean page follows the Korean text's history; the
    original's is a link away, in its language.
    """
    if language != original.language:
        translated = Revision.objects.translations().filter(
            claim=original.claim_id, language=language
        )
        if translated.exists():
            return translated.order_by("number")
    return shown_revisions(original.claim_id)


def other_history(original, language):
    """
    Where a page listing the versions of `original`'s claim in `language`
    sends readers for the versions in the original's language (its name, in
    the page's, and address), or None when the page lists those.
    """
    if language == original.language:
        return None
    return {
        "language": original.language,
        "name": get_language_info(original.language)["name_translated"],
        "url": address_in(original.language, "claim_versions", [original.slug]),
    }


@require_safe
@public_page(shows=lambda slug: [claim_page(slug)])
def claim_versions(request, slug):
    """
    Every version of a published claim readers were shown, newest first, each
    with its date, its public note and its own address: in the page's
    language where the claim is published in it (history()), with a link to
    the original's versions. Not for search engines: the verdict page is.

    Template: claims/claim_versions.html. Context: claim (the ClaimRecord of
    the newest version listed), versions (Revisions, newest first, each with
    `link`, a ClaimLink as it published the claim), original_history (see
    other_history(); None where the versions listed are the original's),
    in_other_language (the name of the language of the versions listed,
    where they are not in the page's: the claim is not published in it).
    """
    revision = current_revision(slug)
    if revision is None:
        return moved(slug, lambda found: reverse("claim_versions", args=[found]))
    language = page_language()
    # Each version's headline, not its whole record: a claim revised daily has hundreds.
    versions = (
        history(revision, language)
        .defer("document")
        .annotate(headline=TextPart("headline", "document"))
    )
    versions = list(versions)[::-1]
    for version in versions:
        version.link = ClaimLink(version.slug, version.headline, version.rating)
    translated = versions[0].is_translation
    shown = Revision.objects.get(pk=versions[0].pk) if translated else revision
    response = render(
        request,
        "claims/claim_versions.html",
        {
            "claim": ClaimRecord(shown.document, shown),
            "versions": versions,
            "original_history": other_history(revision, language) if translated else None,
            "in_other_language": None
            if translated or revision.language == language
            else get_language_info(revision.language)["name_translated"],
        },
    )
    response.headers["X-Robots-Tag"] = "noindex"
    return response


@require_safe
@public_page(shows=lambda slug, number: [claim_page(slug)])
def claim_version(request, slug, number):
    """
    One version of a published claim as readers saw it, at its permanent
    address, with its date, its public note and what changed from the
    version before (claims.records.record_differences): in the page's
    language, the version of that number in it where the claim is published
    in it (history()). Not for search engines, and without ClaimReview.

    Template: claims/claim_detail.html, with version: number, published_at,
    public_note, changes (PartChanges from the version before), previous
    (its number), replaced_at (when the next version replaced it, or None
    for the current one), current_url.
    """
    revision = current_revision(slug)
    if revision is None:
        return moved(slug, lambda found: reverse("claim_version", args=[found, number]))
    versions = list(history(revision, page_language()))
    index = next((i for i, shown in enumerate(versions) if shown.number == number), None)
    if index is None:
        raise Http404("No such version of this claim.")
    shown = versions[index]
    before = versions[index - 1] if index else None
    following = versions[index + 1] if index + 1 < len(versions) else None
    version = {
        "number": shown.number,
        "published_at": shown.published_at,
        "public_note": shown.public_note,
        "previous": before.number if before else None,
        "changes": record_differences(before.document, shown.document) if before else [],
        "replaced_at": following.published_at if following else None,
        "current_url": revision_url(revision),
    }
    claim = ClaimRecord(shown.document, shown)
    response = render_claim_page(request, claim, version=version)
    response.headers["X-Robots-Tag"] = "noindex"
    return response


def revision_url(revision):
    return reverse("claim_detail", args=[revision.slug])


@require_safe
@never_cache
def claim_preview(request, slug):
    """
    A claim's draft (what readers would see if it were published now) in the
    verdict page's template, under a "Preview" banner, for the admin's "View
    on site". Only for staff who can view claims; anyone else gets 404, as
    for any unpublished claim. Never cached, never indexed.

    Template: claims/claim_detail.html, with preview True and no ClaimReview;
    claim is ClaimRecord(claim.draft_document()), and published_url the
    address readers see it at, when they do.
    """
    # Asked before the claim is read: whether it exists is not for others to learn.
    if not can_preview_claims(request.user):
        raise Http404("No such claim.")
    claim = get_object_or_404(Claim.objects.all(), slug=slug)
    response = render_claim_page(request, ClaimRecord(claim.draft_document()), preview=True)
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


@require_safe
@public_page(shows=lambda slug: [source_page(slug)])
def source_detail(request, slug):
    """
    A source's public record: its own (live) grade, affiliation and siblings,
    and, as their current revisions publish them, the claims it made and the
    claims it serves on as evidence or origin.

    Template: claims/source_detail.html. Context: source, claims, evidence,
    siblings (other public sources sharing its affiliation).
    """
    source = get_object_or_404(Source.objects.public().select_related("affiliation"), slug=slug)
    current = Revision.objects.current().order_by("-first_published_at", "-id")
    claims = [
        ClaimLink(*row)
        for row in current.filter(claimant_slug=slug).values_list(
            "slug", KT("document__headline"), "rating", "claim", "language"
        )[:50]
    ]
    evidence = evidence_naming(current, slug)
    siblings = public_siblings(source)
    language = page_language()
    in_page_language(language, sources=[source, *siblings])
    # Staff write a source's description in the newsroom's language only.
    source.description_lang = "" if language == newsroom_language() else newsroom_language()
    for item in evidence:
        # An item's title is not translated: it stays in its claim's language.
        item.lang = "" if item.claim.language == language else item.claim.language
    headlines_in(language, claims + [item.claim for item in evidence])
    return render(
        request,
        "claims/source_detail.html",
        {"source": source, "claims": claims, "evidence": evidence, "siblings": siblings},
    )


def evidence_naming(revisions, slug):
    """
    The first SOURCE_EVIDENCE_LIMIT items of evidence on `revisions` (newest
    claims first) whose source or origin is the source `slug`, as published,
    each with `claim`, a ClaimLink to its verdict.
    """
    named = revisions.naming([RevisionName.SOURCE], slug).values_list(
        "slug",
        KT("document__headline"),
        "rating",
        "claim",
        "language",
        EvidenceNaming(slug),
    )
    found = []
    for *columns, evidence in named[:SOURCE_EVIDENCE_LIMIT]:
        link = ClaimLink(*columns)
        for data in evidence:
            # Read as a record only when it names the source: most items do not.
            if slug in {data["source"]["slug"], data["origin"] and data["origin"]["slug"]}:
                item = EvidenceRecord(data)
                item.claim = link
                found.append(item)
        if len(found) >= SOURCE_EVIDENCE_LIMIT:
            break
    return found[:SOURCE_EVIDENCE_LIMIT]


def public_siblings(source):
    """The other public sources sharing `source`'s affiliation (its own, live, part)."""
    if not source.affiliation_id:
        return []
    return list(
        Source.objects.public().filter(affiliation=source.affiliation_id).exclude(pk=source.pk)
    )


@require_safe
@public_page(shows=[SITEMAP])
def sitemap_index(request):
    """
    /sitemap.xml: the address of each page of each section (claims, sources,
    figures), as Django's sitemap index lists them, but built from SITE_URL.

    Template: claims/sitemap_index.xml. Context: pages.
    """
    return render(
        request,
        "claims/sitemap_index.xml",
        {"pages": section_pages()},
        content_type="application/xml",
    )


@require_safe
@public_page
def follow(request):
    """
    How to follow the verdicts in a feed reader, for readers who clicked
    *Feed*: a browser shows the feed itself as raw XML. Template:
    claims/follow.html. Context: feed_url (absolute), feed_size.
    """
    return render(
        request,
        "claims/follow.html",
        {"feed_url": absolute_url(reverse("feed")), "feed_size": FEED_SIZE},
    )


@require_safe
@public_page
def methodology(request):
    """
    How the desk rates claims, and who runs it. Template: claims/methodology.html.
    Context: ratings (all), public_ratings (those a published claim can
    show), best_rating, worst_rating, reliability, credibility, caveat_kinds,
    caveat_list (their names in a line),
    owner, funding, contact_email, corrections_email (each empty when its
    NEWSROOM_* setting is not given, and the page then leaves it out).
    """
    return render(
        request,
        "claims/methodology.html",
        {
            "ratings": [RATINGS[status] for status in ClaimStatus],
            "public_ratings": PUBLIC_RATINGS,
            "best_rating": BEST_RATING,
            "worst_rating": WORST_RATING,
            "reliability": Reliability.choices,
            "credibility": Credibility.choices,
            "caveat_kinds": CaveatKind.choices,
            "caveat_list": ", ".join(str(label).lower() for _, label in CaveatKind.choices),
            "owner": settings.NEWSROOM_OWNER,
            "funding": settings.NEWSROOM_FUNDING,
            "contact_email": settings.NEWSROOM_CONTACT_EMAIL,
            "corrections_email": settings.NEWSROOM_CORRECTIONS_EMAIL,
        },
    )


@require_safe
@public_page(params=("page",), shows=[CLAIM_REVIEWS])
def claim_reviews(request):
    """
    Every published ClaimReview, newest first, for aggregators, in pages of
    CLAIM_REVIEWS_PER_PAGE: `next` is the absolute address of the following
    page, or null on the last one; a page past the last answers 404. A claim
    published in several languages has one in each (`inLanguage`, with that
    language's address), the original's first; a translation's is of the
    claim as its page shows it, under the current rating. Each document
    comes ready-encoded from claims.fragments; the JSON is what JsonResponse
    would write.
    """
    original = Revision.objects.current().filter(claim=OuterRef("claim"))
    revisions = (
        Revision.objects.current_in_every_language()
        .filter(Exists(original))
        .annotate(original_digest=Subquery(original.values("digest")[:1]))
        .order_by("-first_published_at", "claim", F("translation_of").asc(nulls_first=True), "pk")
        .values_list("pk", "digest", "original_digest")
    )
    page = page_or_404(Paginator(revisions, CLAIM_REVIEWS_PER_PAGE), request.GET.get("page"))
    next_url = None
    if page.has_next():
        next_url = absolute_url(f"{reverse('claim_reviews')}?page={page.next_page_number()}")
    head = json.dumps({"count": page.paginator.count, "next": next_url})
    documents = ", ".join(claim_review_documents(list(page)))
    return HttpResponse(
        f'{head[:-1]}, "claimReviews": [{documents}]}}', content_type="application/json"
    )


@require_safe
@public_page(params=("sort", "page"), shows=[BROWSE])
def source_list(request):
    """
    Every public source (Source.objects.public()) with its track record: how
    many of its claims have a published verdict, by rating, as their current
    revisions publish them. Sorted by name (`?sort=name`, the default) or by
    the number of verdicts (`?sort=verdicts`, most first), SOURCES_PER_PAGE a page;
    a page past the last answers 404.

    Template: claims/source_list.html. Context: page_obj (of sources, each
    with `verdicts`, its count, and `record`, (Rating, count) pairs in the
    ratings' order), sort, sorts.
    """
    sort = request.GET.get("sort")
    if sort not in SOURCE_SORTS:
        sort = "name"
    verdicts = (
        Revision.objects.current()
        .filter(claimant_slug=OuterRef("slug"))
        .order_by()
        .values("claimant_slug")
        .annotate(total=Count("pk"))
        .values("total")
    )
    sources = Source.objects.public().annotate(verdicts=Coalesce(Subquery(verdicts), Value(0)))
    language = page_language()
    if language == newsroom_language():
        sources = sources.order_by(*SOURCE_SORTS[sort])
    else:
        # Sorted by the name readers see, as the page's language publishes it:
        # every source is read to sort them before the page is cut.
        names = shown_source_names(language)

        def shown(source):
            return (names.get(source.slug) or source.name).casefold()

        sources = sorted(sources, key=lambda source: (shown(source), source.slug))
        if sort == "verdicts":
            sources.sort(key=lambda source: -source.verdicts)
    page_obj = page_or_404(Paginator(sources, SOURCES_PER_PAGE), request.GET.get("page"))
    listed = list(page_obj.object_list)
    counts = (
        Revision.objects.current()
        .filter(claimant_slug__in=[source.slug for source in listed])
        .values_list("claimant_slug", "rating")
        .annotate(total=Count("pk"))
        .order_by()
    )
    by_source = {}
    for slug, rating, total in counts:
        by_source.setdefault(slug, {})[rating] = total
    for source in listed:
        ratings = by_source.get(source.slug, {})
        source.record = [
            (RATINGS[status], ratings[status]) for status in ClaimStatus if status in ratings
        ]
    in_page_language(language, sources=listed)
    page_obj.object_list = listed
    return render(
        request,
        "claims/source_list.html",
        {
            "page_obj": page_obj,
            "sort": sort,
            "sorts": [("name", _("Name")), ("verdicts", _("Verdicts"))],
        },
    )
