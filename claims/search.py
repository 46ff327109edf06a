"""
Reader search over claims: PostgreSQL full text, a plain fallback elsewhere.

SEARCH_VECTOR is the expression migration 0003 indexes (GIN, PostgreSQL only);
the query must use the very same expression or the index goes unused.
"""

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import Q

from claims.models import Source

SEARCH_CONFIG = "english"
SEARCH_FIELDS = ("headline", "wording", "verdict_summary")
SEARCH_VECTOR = SearchVector(*SEARCH_FIELDS, config=SEARCH_CONFIG)


def search_claims(claims, text):
    """
    Narrow `claims` to those matching `text`, best match first.

    Matches the headline, the wording, the verdict summary and the claimant's
    name. On PostgreSQL `text` takes web search syntax ("quoted phrase", -not,
    or).
    """
    if connection.vendor != "postgresql":
        return claims.filter(
            Q(headline__icontains=text)
            | Q(wording__icontains=text)
            | Q(verdict_summary__icontains=text)
            | Q(claimant__name__icontains=text)
        )
    query = SearchQuery(text, search_type="websearch", config=SEARCH_CONFIG)
    # Claimant names live in another table, which a claims index cannot cover:
    # look the few matching sources up first, so that the claims query stays an
    # index scan (text index OR claimant index) instead of a join.
    claimants = list(
        Source.objects.annotate(document=SearchVector("name", config=SEARCH_CONFIG))
        .filter(document=query)
        .values_list("pk", flat=True)
    )
    return (
        claims.annotate(document=SEARCH_VECTOR, rank=SearchRank(SEARCH_VECTOR, query))
        .filter(Q(document=query) | Q(claimant__in=claimants))
        .order_by("-rank", "-published_at", "-pk")
    )
