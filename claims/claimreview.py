"""
schema.org ClaimReview for a published claim, built from the revision readers
see (claims.records.ClaimRecord), never from the live rows.

The shape is pinned by claims/schemas/claimreview.schema.json, which the tests
validate every document against.
"""

import json

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, override

from claims.choices import SourceKind
from claims.languages import record_language
from claims.ratings import BEST_RATING, RATINGS, WORST_RATING

# Inside <script> only these can end the element or start markup; escaped the
# same way as django.utils.html.json_script.
SCRIPT_SAFE_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def absolute_url(path):
    """An address on this site that never depends on the request's Host header."""
    return f"{settings.SITE_URL}{path}"


# What claim_review() reads of a revision's document: only these are read
# where many ClaimReviews are built together (/claims.json).
CLAIM_REVIEW_PARTS = (
    "slug",
    "headline",
    "published_at",
    "claimant",
    "made_on",
    "appearance_url",
    "appeared_in",
    "status",
    "previous_status",
    "summary",
    "caveats",
    "corrections",
)


def claim_review(claim):
    """
    The ClaimReview of one published claim, `claim` a ClaimRecord of its
    current revision, as a JSON-ready dict: `dateModified` is the date of
    that revision when it is not the claim's first. It is in the record's
    language (`inLanguage`), with that language's address and rating names,
    whatever page carries it.
    """
    language = record_language(claim)
    with override(language):
        return claim_review_in(claim, language)


def claim_review_in(claim, language):
    rating = RATINGS[claim.public_status]
    review_rating = {
        "@type": "Rating",
        "alternateName": str(rating.label),
        "ratingExplanation": rating_explanation(claim, rating),
    }
    if rating.value is not None:
        review_rating |= {
            "ratingValue": rating.value,
            "bestRating": BEST_RATING,
            "worstRating": WORST_RATING,
        }
    document = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": absolute_url(claim.get_absolute_url()),
        "inLanguage": language,
        "claimReviewed": claim.headline,
        "datePublished": claim.published_at.date().isoformat(),
        **(
            {"dateModified": claim.modified_at.date().isoformat()}
            if claim.modified_at is not None
            else {}
        ),
        "author": {
            "@type": "Organization",
            "name": settings.NEWSROOM_NAME,
            "url": settings.NEWSROOM_URL,
        },
        "itemReviewed": item_reviewed(claim),
        "reviewRating": review_rating,
    }
    corrections = [
        {
            "@type": "CorrectionComment",
            "text": f"{correction.get_kind_display()}: {correction.note}",
            "datePublished": correction.published_at.date().isoformat(),
        }
        for correction in claim.corrections
    ]
    if corrections:
        document["correction"] = corrections
    return document


def item_reviewed(claim):
    claimant = claim.claimant
    author = {
        "@type": "Person" if claimant.kind == SourceKind.PERSON else "Organization",
        "name": claimant.name,
    }
    if claimant.url:
        author["url"] = claimant.url
    item = {"@type": "Claim", "author": author}
    if claim.made_on:
        item["datePublished"] = claim.made_on.isoformat()
    if appearances := claim_appearances(claim):
        item["appearance"] = appearances
        item["firstAppearance"] = appearances[0]
    return item


def claim_appearances(claim):
    """
    Where the claim appeared, as CreativeWorks with their addresses, first
    appearance first: where it was made or first reported (appearance_url),
    then the article on file that carries it.
    """
    works = []
    if claim.appearance_url:
        works.append({"@type": "CreativeWork", "url": claim.appearance_url})
    article = claim.appeared_in
    if article and article.url and article.url != claim.appearance_url:
        work = {"@type": "CreativeWork", "url": article.url, "headline": article.title}
        if article.published_on:
            work["datePublished"] = article.published_on.isoformat()
        works.append(work)
    return works


def rating_explanation(claim, rating):
    """The summary readers see, then what we don't know."""
    caveats = " ".join(caveat.text for caveat in claim.caveats)
    parts = [claim.verdict_summary or str(rating.definition)]
    if caveats:
        parts.append(gettext("What we don't know: %(caveats)s") % {"caveats": caveats})
    return " ".join(parts)


def as_json_ld(document):
    """JSON for a <script type="application/ld+json"> element, safe to embed in HTML."""
    text = json.dumps(document, cls=DjangoJSONEncoder, ensure_ascii=False)
    return mark_safe(text.translate(SCRIPT_SAFE_ESCAPES))  # noqa: S308
