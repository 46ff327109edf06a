"""
Reader search over published claims, with the same rules on PostgreSQL and
SQLite. It reads what readers see, the current revisions (Revision), never
the draft in the live rows.

A claim matches when every word of the query is in its headline, wording,
verdict summary or claimant's name as published. Words match as readers expect:

- numbers are read without their thousands separators, so `4700` finds
  "4,700" and `4,700` finds "4700";
- words are stemmed (Snowball English, PostgreSQL's `english` configuration)
  and match as prefixes, so `casualty` finds "casualties" and `korea` finds
  "Korean"; a number matches only itself, so `600` does not find "6000";
- "a quoted phrase" matches those words in that order, and `-word` (or
  `-"a phrase"`) leaves out the claims that have it;
- words too common to mean anything ("the", "of", "or") are ignored, as
  PostgreSQL ignores them;
- a few words stand for others a claim may use instead (RELATED_WORDS).

On PostgreSQL migration 0016 adds claims_revision.search_document, a stored
tsvector of the revision document's number-normalised headline (weight A),
wording (B), summary (C) and claimant's name (D), with a GIN index over
current revisions; the query becomes a tsquery of stemmed prefixes, and
ts_rank orders the matches. The model does not declare the column, so that
SQLite (which has no such column) keeps working: only this module refers to
it. On SQLite the same document is computed row by row by a Python function
(registered in claims.apps) over the same texts, which stems with the same
Snowball algorithm: a full scan, fine for a development desk.
"""

import re
from dataclasses import dataclass
from functools import lru_cache

import snowballstemmer
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorField
from django.db import connection
from django.db.models import Func, Q, TextField, Value
from django.db.models.expressions import Col, RawSQL
from django.db.models.fields.json import KT
from django.db.models.functions import Coalesce, Concat

from claims.models import Revision

SEARCH_CONFIG = "english"
# Ranking reads every candidate's vector, and a word in most claims ("troops")
# matches tens of thousands: rank only the newest RANKED_MATCHES matches. The
# cost: an old claim that fits better than all of them is not found until the
# reader adds a word (or a filter) that leaves fewer matches. A desk's readers
# look for recent verdicts, and nobody reads 25 pages of results.
RANKED_MATCHES = 500
# Longer queries are cut here: each term is one more condition to test.
MAX_TERMS = 12

# A thousands separator (comma, no-break space, narrow no-break space) between
# digits. Migration 0006 applies the same pattern to the PostgreSQL document.
THOUSANDS_SEPARATOR = r"(\d)[,\u00a0\u202f](?=\d{3}(?:\D|$))"
# A decimal number, or a run of letters and digits: what PostgreSQL's parser
# makes a word of, near enough for readers' queries.
TOKEN = re.compile(r"\d+(?:\.\d+)+|[^\W_]+")
NUMBER = re.compile(r"\d+(?:\.\d+)*")
# A query part: an optional "-", then a quoted phrase (straight or curly
# quotes, the closing one optional) or a run of other characters.
QUERY_PART = re.compile(r'(-?)(?:["“”]([^"“”]*)["“”]?|([^\s"“”]+))')

# PostgreSQL's English stop words (tsearch_data/english.stop), ignored in
# queries on both databases so that both find the same claims.
STOP_WORDS = frozenset(
    """
    i me my myself we our ours ourselves you your yours yourself yourselves he
    him his himself she her hers herself it its itself they them their theirs
    themselves what which who whom this that these those am is are was were be
    been being have has had having do does did doing a an the and but if or
    because as until while of at by for with about against between into
    through during before after above below to from up down in out on off over
    under again further then once here there when where why how all any both
    each few more most other some such no nor not only own same so than too
    very s t can will just don should now
    """.split()
)

# A query word (by its stem) and the words a claim may use for it instead.
# "Casualties" are the killed and the wounded; spellings differ across the
# Atlantic. Each related word matches whole, not as a prefix.
RELATED_WORDS = {
    "casualti": ("killed", "wounded", "injured", "dead", "deaths", "died"),
    "defenc": ("defense",),
    "defens": ("defence",),
}

_STEMMER = snowballstemmer.stemmer("english")


@lru_cache(maxsize=4096)
def stem(word):
    return _STEMMER.stemWord(word)


def normalise_numbers(text):
    """The text with thousands separators taken out of its numbers: "4,700" → "4700"."""
    return re.sub(THOUSANDS_SEPARATOR, r"\1", text)


def words(text):
    """The lower-cased words of `text`, numbers normalised, in order."""
    return [word.lower() for word in TOKEN.findall(normalise_numbers(text))]


def document_text(text):
    """
    The SQLite search document: every word of `text`, stemmed, between spaces,
    so that " stem" finds a word beginning with it and " a b " a phrase.
    """
    return " " + " ".join(stem(word) for word in words(text or "")) + " "


@dataclass(frozen=True)
class Term:
    """One thing a claim must (or, negated, must not) contain."""

    words: tuple
    negated: bool = False
    alternatives: tuple = ()

    @property
    def is_phrase(self):
        return len(self.words) > 1

    def prefix(self, word):
        return not self.is_phrase and not NUMBER.fullmatch(word)

    def tsquery(self):
        """This term as PostgreSQL tsquery text, for to_tsquery('english', ...)."""
        # Words are letters and digits only: quoting them is all the escaping needed.
        if self.is_phrase:
            text = " <-> ".join(f"'{word}'" for word in self.words)
        else:
            word = self.words[0]
            text = f"'{word}'"
            if self.prefix(word):
                # The whole word as well as the prefix, though the prefix covers
                # it: PostgreSQL estimates a prefix's matches at a flat 2 %, but
                # knows a word's from its statistics, and so walks the date
                # index for a common word instead of reading all its matches.
                text += f" | '{word}':*"
        if self.alternatives:
            text = " | ".join([text, *(f"'{word}'" for word in self.alternatives)])
        return f"({text})"

    def document_patterns(self):
        """What the SQLite document must contain for this term, any one of them."""
        stems = [stem(word) for word in self.words]
        end = "" if self.prefix(self.words[0]) else " "
        patterns = [" " + " ".join(stems) + end]
        patterns += [f" {stem(word)} " for word in self.alternatives]
        return patterns


def parse(text):
    """
    The terms of a reader's query, at most MAX_TERMS; stop words dropped, and
    terms that are nothing but stop words with them.
    """
    terms = []
    for sign, phrase, word in QUERY_PART.findall(text):
        found = words(phrase if phrase else word)
        negated = sign == "-"
        if phrase or len(found) > 1 and negated:
            # PostgreSQL drops stop words at a phrase's ends (and keeps their
            # place inside it): so does the SQLite pattern.
            while found and found[0] in STOP_WORDS:
                found.pop(0)
            while found and found[-1] in STOP_WORDS:
                found.pop()
            if found:
                terms.append(Term(tuple(found), negated))
            continue
        for word in found:
            if word in STOP_WORDS:
                continue
            terms.append(Term((word,), negated, RELATED_WORDS.get(stem(word), ())))
    return terms[:MAX_TERMS]


# The texts of a revision's document that a search reads, weightiest first.
DOCUMENT_TEXTS = ("document__headline", "document__wording", "document__summary")
CLAIMANT_NAME = "document__claimant__name"


def search_document():
    """
    The revision's search document as an expression: the stored column on
    PostgreSQL (a column reference rather than raw SQL, so that it follows the
    revisions table when a query becomes a subquery and Django renames the
    table's alias), the Python function over its texts on SQLite.
    """
    if connection.vendor == "postgresql":
        return Col(Revision._meta.db_table, SEARCH_DOCUMENT)
    parts = []
    for path in (*DOCUMENT_TEXTS, CLAIMANT_NAME):
        parts += [Coalesce(KT(path), Value("")), Value(" ")]
    text = Concat(*parts[:-1], output_field=TextField())
    return Func(text, function=SQLITE_FUNCTION, output_field=TextField())


def tsquery(terms):
    return SearchQuery(
        " & ".join(term.tsquery() for term in terms), search_type="raw", config=SEARCH_CONFIG
    )


def matches(document, term):
    """A condition: `document` (a lookup name) contains `term`."""
    if connection.vendor == "postgresql":
        return Q(**{document: tsquery([term])})
    condition = Q()
    for pattern in term.document_patterns():
        condition |= Q(**{f"{document}__contains": pattern})
    return condition


def matching(revisions, terms):
    """`revisions` narrowed to those that contain every term (and no negated one)."""
    revisions = revisions.alias(document_text=search_document())
    wanted = [term for term in terms if not term.negated]
    if wanted and connection.vendor == "postgresql":
        # Gathered into one tsquery: one pass over the text index.
        revisions = revisions.filter(document_text=tsquery(wanted))
    else:
        for term in wanted:
            revisions = revisions.filter(matches("document_text", term))
    for term in terms:
        if term.negated:
            revisions = revisions.exclude(matches("document_text", term))
    return revisions


def ranked_matches():
    """How many matches a search ranks at most, or None where it ranks none (SQLite)."""
    return RANKED_MATCHES if connection.vendor == "postgresql" else None


def newest_matches(revisions, text):
    """
    The keys of the newest RANKED_MATCHES of `revisions` that match `text` on
    PostgreSQL: the text index finds rare words, the date index walks to the
    newest few of common ones.
    """
    return (
        matching(revisions, parse(text))
        .order_by("-first_published_at", "-pk")
        .values_list("pk", flat=True)[:RANKED_MATCHES]
    )


def search_claims(revisions, text, kept=None):
    """
    Narrow `revisions` (current ones) to those matching `text` (see the module's docstring),
    best match first on PostgreSQL, and there only the newest RANKED_MATCHES
    matches; newest first on SQLite. A query of nothing but stop words finds
    nothing. kept("matches", find) may answer from a cache instead of find()
    (claims.fragments.ListParts), which every page of one search then shares.
    """
    terms = parse(text)
    if not terms:
        return revisions.none()
    if connection.vendor != "postgresql":
        return matching(revisions, terms)

    # Fetched, not left as a subquery: given the keys, the planner looks them
    # up, where a subquery it misjudges leads it to scan every claim. One array
    # parameter, because 500 placeholders cost more to build than the query,
    # written as its text: psycopg adapts a list element by element, in
    # Python, again for each query that reads the keys (count, page, cards).
    def find():
        return "{" + ",".join(map(str, newest_matches(revisions, text))) + "}"

    newest = kept("matches", find) if kept else find()
    keys = RawSQL("SELECT unnest(%s::bigint[])", (newest,))  # noqa: S611
    wanted = [term for term in terms if not term.negated]
    if not wanted:
        return revisions.filter(pk__in=keys)
    return (
        revisions.filter(pk__in=keys)
        .annotate(rank=SearchRank(search_document(), tsquery(wanted)))
        .order_by("-rank", "-first_published_at", "-pk")
    )


# The column, described to the ORM without declaring it on the model.
SEARCH_DOCUMENT = SearchVectorField()
SEARCH_DOCUMENT.set_attributes_from_name("search_document")
SEARCH_DOCUMENT.model = Revision

# The SQLite function that computes document_text (registered in claims.apps).
SQLITE_FUNCTION = "claims_search_document"


def register_sqlite_function(sender, connection, **kwargs):
    """connection_created receiver: give each SQLite connection the document function."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(SQLITE_FUNCTION, 1, document_text, deterministic=True)
