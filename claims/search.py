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
from django.db.models.expressions import RawSQL

from claims.models import Claim, Source

SEARCH_CONFIG = "english"


def search_document():
    """The column as an expression. Its SQL is a constant: no input reaches it."""
    column = f'"{Claim._meta.db_table}"."search_document"'
    return RawSQL(column, (), output_field=SearchVectorField())  # noqa: S611


def search_claims(claims, text):
    """
    Narrow `claims` to those matching `text`, best match first.

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
    query = SearchQuery(text, search_type="websearch", config=SEARCH_CONFIG)
    # Claimant names live in another table, which the claims index cannot
    # cover: look the few matching sources up first (whole words only, so that
    # "NIS" does not find "Ministry"), keeping the claims query on its indexes.
    claimants = list(
        Source.objects.filter(name__iregex=rf"\m{re.escape(text)}\M").values_list("pk", flat=True)
    )
    document = search_document()
    return (
        claims.annotate(document=document, rank=SearchRank(document, query))
        .filter(Q(document=query) | Q(claimant__in=claimants))
        .order_by("-rank", "-published_at", "-pk")
    )
