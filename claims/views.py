"""
The public pages. Everything here is read through Claim.objects.published(),
sets no cookie and is cacheable (see claims.caching.public_page).
"""

import json

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import F, Prefetch, Q
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.functional import cached_property
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from django.views.decorators.vary import vary_on_headers

from claims.caching import public_page
from claims.choices import CaveatKind, ClaimStatus, Credibility, Reliability, Stance
from claims.claimreview import absolute_url, as_json_ld, claim_review
from claims.feeds import FEED_SIZE
from claims.forms import ClaimFilterForm
from claims.fragments import ListParts, claim_review_documents, rendered_cards, rendered_evidence
from claims.models import Caveat, Claim, Correction, Estimate, Evidence, ReviewEvent, Source
from claims.models.figures import revisions_since, stated_estimates
from claims.page_versions import CLAIM_REVIEWS, LIST, SITEMAP, claim_page, source_page
from claims.permissions import can_preview_claims
from claims.prepared import ClaimRead, preload
from claims.ratings import BEST_RATING, PUBLIC_RATINGS, RATINGS, WORST_RATING
from claims.search import ranked_matches
from claims.sitemaps import section_pages

# One document per published claim would run to hundreds of megabytes at
# newsroom scale; aggregators follow `next` instead.
CLAIM_REVIEWS_PER_PAGE = 100
# How far `/` counts and pages: 500 pages of 20.
LISTED_CLAIMS = 10_000

STANCE_HEADINGS = {
    Stance.SUPPORTS: "Supports the claim",
    Stance.CONTRADICTS: "Contradicts the claim",
    Stance.CONTEXT: "Context",
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


@require_safe
@public_page(params=("q", "verdict", "topic", "source", "page"), shows=[LIST])
@vary_on_headers("HX-Request", "HX-History-Restore-Request")
def claim_list(request):
    """
    Published verdicts, newest first, filtered, searched and paginated.

    Template: claims/claim_list.html, or only its #results partial (the form
    and the results, with the page's <title> for htmx to apply) for an htmx
    request; htmx asks for the whole page when it restores history.
    Context: form (ClaimFilterForm), page_obj (of a CappedPaginator, counting
    through claims.fragments.ListParts), cards (each claim's card on the page,
    as HTML), filters (the form's HTML: both from claims.fragments),
    ranked_matches (how many matches a search ranks; None when not searching),
    partial (whether only the partial is rendered).
    """
    form = ClaimFilterForm(request.GET)
    parts = ListParts(request)
    claims = form.filter(Claim.objects.published().for_listing(), kept=parts.kept)
    paginator = CappedPaginator(
        claims, settings.PUBLIC_PAGE_SIZE, LISTED_CLAIMS, counted=parts.counted
    )
    page_obj = paginator.get_page(request.GET.get("page"))
    partial = bool(request.htmx) and not request.htmx.history_restore_request
    context = {
        "form": form,
        "page_obj": page_obj,
        "cards": rendered_cards(page_obj.object_list),
        "filters": parts.filters(form),
        "ranked_matches": ranked_matches() if form.cleaned_data.get("q") else None,
        "partial": partial,
    }
    parts.store()
    return render(
        request, "claims/claim_list.html#results" if partial else "claims/claim_list.html", context
    )


# What a verdict page lists of its claim, each one query (see claims.prepared).
PAGE_LISTS = {
    "caveats": ClaimRead(lambda claim_id: Caveat.objects.filter(claim_id=claim_id)),
    "events": ClaimRead(
        lambda claim_id: ReviewEvent.objects.filter(claim_id=claim_id).annotate(
            actor_first_name=F("actor__first_name")
        )
    ),
    "corrections": ClaimRead(lambda claim_id: Correction.objects.filter(claim_id=claim_id)),
}
STATED_ESTIMATES = ClaimRead(
    lambda claim_id: Estimate.claims.through.objects.filter(claim_id=claim_id).values("pk")
)


def claim_for_page(claims, slug, evidence=True):
    """
    The claim in `claims` with `slug`, or 404, with what its verdict page
    lists in a fixed number of queries: its caveats, review events (with each
    actor's first name as `actor_first_name`), corrections and whether it
    states an estimate. Without `evidence`, render_claim_page() reads the
    evidence if it needs it.
    """
    claims = claims.select_related("claimant__affiliation", "appeared_in", "topic")
    if evidence:
        claims = claims.prefetch_related(
            Prefetch("evidence", queryset=Evidence.objects.with_origins())
        )
    claim = get_object_or_404(claims, slug=slug)
    using = claim._state.db
    for name, read in PAGE_LISTS.items():
        preload(claim, name, read.rows(claim.pk, using))
    claim.states_estimates = STATED_ESTIMATES.exists(claim.pk, using)
    return claim


def evidence_context(claim):
    """What the page's #evidence partial shows: the evidence by stance, and its origins."""
    if "evidence" in getattr(claim, "_prefetched_objects_cache", {}):
        evidence = list(claim.evidence.all())
    else:
        evidence = list(Evidence.objects.with_origins().filter(claim=claim))
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


def render_claim_page(request, claim, preview=False):
    # A preview is of a claim readers cannot see: never from the fragment cache.
    evidence_html = None if preview else rendered_evidence(request, claim, evidence_context)
    estimates = stated_estimates(claim)
    return render(
        request,
        "claims/claim_detail.html",
        {
            **({} if evidence_html else evidence_context(claim)),
            "evidence_html": evidence_html,
            "claim": claim,
            "rating": RATINGS[claim.public_status],
            "canonical_url": absolute_url(claim.get_absolute_url()),
            # No ClaimReview for a claim nobody has published.
            "claimreview": None if preview else as_json_ld(claim_review(claim)),
            "preview": preview,
            "stated_estimates": estimates,
            "revisions": revisions_since(estimates),
        },
    )


@require_safe
@public_page(shows=lambda slug: [claim_page(slug)])
def claim_detail(request, slug):
    """
    The verdict page of one published claim.

    Template: claims/claim_detail.html. Context: claim, rating,
    evidence_by_stance ((stance, heading, items) for each stance with items),
    origins (independent origins of the supporting evidence), counted_origins
    (those besides the claimant's own), canonical_url, claimreview (JSON-LD),
    preview (False), stated_estimates (the estimates the claim states),
    revisions (claims.models.figures.Revision: later estimates from the same origin).
    """
    claim = claim_for_page(Claim.objects.published(), slug, evidence=False)
    return render_claim_page(request, claim)


@require_safe
@never_cache
def claim_preview(request, slug):
    """
    An unpublished claim in the verdict page's template, under a "Preview: not
    published" banner, for the admin's "View on site". Only for staff who can
    view claims; anyone else gets 404, as for any unpublished claim. Never
    cached, never indexed. A published claim redirects to its public page.

    Template: claims/claim_detail.html, with preview True and no ClaimReview.
    """
    # Asked before the claim is read: whether it exists is not for others to learn.
    if not can_preview_claims(request.user):
        raise Http404("No such claim.")
    claim = claim_for_page(Claim.objects.all(), slug)
    if claim.is_published:
        return HttpResponseRedirect(claim.get_absolute_url())
    response = render_claim_page(request, claim, preview=True)
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


@require_safe
@public_page(shows=lambda slug: [source_page(slug)])
def source_detail(request, slug):
    """
    A source's public record: grade, affiliation, the published claims it
    made and the published claims it serves on as evidence or origin.

    Template: claims/source_detail.html. Context: source, claims, evidence,
    siblings (other public sources sharing its affiliation).
    """
    source = get_object_or_404(Source.objects.public().select_related("affiliation"), slug=slug)
    published = Claim.objects.published()
    claims = list(published.filter(claimant=source).select_related("topic")[:50])
    evidence = list(
        Evidence.objects.filter(claim__in=published)
        .filter(Q(source=source) | Q(origin=source))
        .select_related("claim", "source", "origin")
        .order_by("-claim__published_at", "claim__pk", "pk")[:100]
    )
    siblings = []
    if source.affiliation_id:
        siblings = list(
            Source.objects.public().filter(affiliation=source.affiliation_id).exclude(pk=source.pk)
        )
    return render(
        request,
        "claims/source_detail.html",
        {"source": source, "claims": claims, "evidence": evidence, "siblings": siblings},
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
    page, or null on the last one. Each document comes ready-encoded from
    claims.fragments; the JSON is what JsonResponse would write.
    """
    claims = Claim.objects.published().order_by("-published_at", "-pk").values_list("pk", "slug")
    page = Paginator(claims, CLAIM_REVIEWS_PER_PAGE).get_page(request.GET.get("page"))
    next_url = None
    if page.has_next():
        next_url = absolute_url(f"{reverse('claim_reviews')}?page={page.next_page_number()}")
    head = json.dumps({"count": page.paginator.count, "next": next_url})
    documents = ", ".join(claim_review_documents(list(page)))
    return HttpResponse(
        f'{head[:-1]}, "claimReviews": [{documents}]}}', content_type="application/json"
    )
