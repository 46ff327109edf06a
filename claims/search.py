"""
Reader search over claims: PostgreSQL full text, a plain fallback elsewhere.

On PostgreSQL migration 0003 adds claims_claim.search_document, a stored
tsvector of the headline (weight A), the wording (B) and the verdict summary
(C), with a GIN index. The model does not declare it, so that SQLite (which
has no such column) keeps working: only this module refers to it.
"""

import re

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorField
from django.db import connection
from django.db.models import Q
from django.db.models.expressions import Col, RawSQL

from claims.models import Claim, Source

SEARCH_CONFIG = "english"
# Ranking reads every candidate's vector, and a word in most claims ("troops")
# matches tens of thousands: rank only the newest RANKED_MATCHES matches. The
# cost: an old claim that fits better than all of them is not found until the
# reader adds a word (or a filter) that leaves fewer matches. A desk's readers
# look for recent verdicts, and nobody reads 25 pages of results.
RANKED_MATCHES = 500


# The column, described to the ORM without declaring it on the model.
SEARCH_DOCUMENT = SearchVectorField()
SEARCH_DOCUMENT.set_attributes_from_name("search_document")
SEARCH_DOCUMENT.model = Claim


def ranked_matches():
    """How many matches a search ranks at most, or None where it ranks none (SQLite)."""
    return RANKED_MATCHES if connection.vendor == "postgresql" else None


def search_document():
    """
    The column as an expression. A column reference rather than raw SQL, so
    that it follows the claims table when a query becomes a subquery and
    Django renames the table's alias.
    """
    return Col(Claim._meta.db_table, SEARCH_DOCUMENT)


def web_search(text):
    return SearchQuery(text, search_type="websearch", config=SEARCH_CONFIG)


def newest_matches(claims, text):
    """
    The keys of the newest RANKED_MATCHES of `claims` that match `text` on
    PostgreSQL: the text index finds rare words, the date index walks to the
    newest few of common ones.
    """
    # Claimant names live in another table, which the claims index cannot
    # cover: look the few matching sources up first (whole words only, so that
    # "NIS" does not find "Ministry"), keeping the claims query on its indexes.
    claimants = list(
        Source.objects.filter(name__iregex=rf"\m{re.escape(text)}\M").values_list("pk", flat=True)
    )
    return (
        claims.alias(document=search_document())
        .filter(Q(document=web_search(text)) | Q(claimant__in=claimants))
        .order_by("-published_at", "-pk")
        .values_list("pk", flat=True)[:RANKED_MATCHES]
    )


def search_claims(claims, text):
    """
    Narrow `claims` to those matching `text`, best match first; on
    PostgreSQL, only the newest RANKED_MATCHES matches.

    Matches the headline, the wording, the verdict summary and the claimant's
    name. On PostgreSQL `text` takes web search syntax ("quoted phrase", -not,
    or) and is stemmed, so "deploying" finds "deployed".
    """
    if connection.vendor != "postgresql":
        return claims.filter(
            Q(headline__icontains=text)
            | Q(wording__icontains=text)
            | Q(verdict_summary__icontains=text)
            | Q(claimant__name__icontains=text)
        )
    # Fetched, not left as a subquery: given the keys, the planner looks them
    # up, where a subquery it misjudges leads it to scan every claim. One array
    # parameter, because 500 placeholders cost more to build than the query.
    newest = list(newest_matches(claims, text))
    keys = RawSQL("SELECT unnest(%s::bigint[])", (newest,))  # noqa: S611
    return (
        claims.filter(pk__in=keys)
        .annotate(rank=SearchRank(search_document(), web_search(text)))
        .order_by("-rank", "-published_at", "-pk")
    )
