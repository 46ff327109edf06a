"""
Reader search over published claims, in English and Korean, with the same
rules on PostgreSQL and SQLite. It reads what readers see, the current
revisions (Revision), never the draft in the live rows, and every current
revision of a claim in every language: a Korean query finds a claim through
its Korean version, and lists the claim once.

A claim matches when one of its current revisions has every word of the
query (a query mixing Korean and Latin words: when its versions have them
between them) in what search reads of it (claims.analysis.search_text): its
headline, wording and verdict summary, and what readers remember of the
story: the claimant's name, the evidence's titles, quotes and sources, the
estimates it states and who stated them, its public corrections. Words match
as readers expect (claims.analysis says how words are read):

- numbers are read without their thousands separators or Korean units, and a
  counter is not part of one, so `4700`, `4,700명` and `4천700명이` find
  "4,700"; a number matches only itself, so `600` does not find "6000";
- English words are stemmed and match as prefixes, so `casualty` finds
  "casualties" and `korea` finds "Korean";
- Korean words lose their particles and match as prefixes, so `북한군이`
  finds 북한군, and `북한` finds 북한군 too;
- "a quoted phrase" matches those words in that order, and `-word` (or
  `-"a phrase"`) leaves out the claims that have it in any language;
- words too common to mean anything ("the", "of", "or") are ignored on their own;
- words stand for others a claim may use instead, as editors list them
  (RelatedWords, in the admin).

Every text is analysed in Python, when its revision is published and on the
query, so both databases compare the same words. On PostgreSQL migration
0022 indexes Revision.search_text as claims_revision.search_document, a
stored tsvector (the `simple` configuration: the words are already analysed)
of its headline (weight A), wording (B), summary (C) and the rest (D), with a
GIN index over current revisions; the query becomes a tsquery of prefixes
and whole numbers, and ts_rank orders the matches. The model does not
declare the column, so that SQLite (which has no such column) keeps working:
only this module refers to it. On SQLite the same text is searched with
LIKE, row by row: a full scan, fine for a development desk.

Search also lists the public sources and the figures whose names match
(matching_sources, matching_figures).
"""

import re
from dataclasses import dataclass

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorField
from django.db import connection
from django.db.models import BigIntegerField, F, Func, IntegerField, Q, Value
from django.db.models.expressions import Col, RawSQL
from django.db.models.functions import Cast

from claims.analysis import analysed, analysed_name, is_korean, is_number, raw_words, stem
from claims.models import Estimate, Figure, RelatedWords, Revision, Source
from claims.models.search_words import listed_words

SEARCH_CONFIG = "simple"
# Ranking reads every candidate's vector, and a word in most claims ("troops")
# matches tens of thousands: rank only the newest RANKED_MATCHES matches. The
# cost: an old claim that fits better than all of them is not found until the
# reader adds a word (or a filter) that leaves fewer matches. A desk's readers
# look for recent verdicts, and nobody reads 25 pages of results.
RANKED_MATCHES = 500
# Longer queries are cut here: each term is one more condition to test.
MAX_TERMS = 12
# How many sources and figures a search lists beside the claims.
LISTED_NAMES = 10

# A query part: an optional "-", then a quoted phrase (straight or curly
# quotes, the closing one optional) or a run of other characters.
QUERY_PART = r'(-?)(?:["“”]([^"“”]*)["“”]?|([^\s"“”]+))'

# PostgreSQL's English stop words (tsearch_data/english.stop), ignored in
# queries on both databases.
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


@dataclass(frozen=True)
class Term:
    """One thing a claim must (or, negated, must not) contain: analysed words."""

    words: tuple
    negated: bool = False
    alternatives: tuple = ()

    @property
    def is_phrase(self):
        return len(self.words) > 1

    def prefix(self, word):
        """Whether `word` matches the words it begins (all but numbers and phrases)."""
        return not self.is_phrase and not is_number(word)

    def tsquery(self):
        """This term as PostgreSQL tsquery text, for to_tsquery('simple', ...)."""
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
        alternatives = [
            f"'{word}':*" if is_korean(word) else f"'{word}'" for word in self.alternatives
        ]
        return f"({' | '.join([text, *alternatives])})"

    def text_patterns(self):
        """What Revision.search_text must contain for this term, any one of them."""
        end = "" if self.prefix(self.words[0]) else " "
        patterns = [" " + " ".join(self.words) + end]
        patterns += [f" {word}" + ("" if is_korean(word) else " ") for word in self.alternatives]
        return patterns

    def found_in(self, words):
        """Whether the analysed `words` (a list, in order) contain this term."""
        if self.is_phrase:
            size = len(self.words)
            return any(
                tuple(words[i : i + size]) == self.words for i in range(len(words) - size + 1)
            )
        word = self.words[0]
        for found in words:
            if found == word or self.prefix(word) and found.startswith(word):
                return True
            if found in self.alternatives or any(
                is_korean(other) and found.startswith(other) for other in self.alternatives
            ):
                return True
        return False


def related_words():
    """
    {analysed word: the analysed words a claim may use for it instead}, from
    the RelatedWords editors keep: each word of a set stands for the others,
    and a set's wider word for all of them.
    """
    related = {}

    def add(word, others):
        related.setdefault(word, set()).update(other for other in others if other != word)

    for words, wider in RelatedWords.objects.values_list("words", "wider"):
        members = [found for word in listed_words(words) for found in analysed(word)[:1]]
        if wider.strip():
            for found in analysed(wider.strip())[:1]:
                add(found, members)
        else:
            for member in members:
                add(member, members)
    return {word: tuple(sorted(others)) for word, others in related.items()}


def parse(text, related=None):
    """
    The terms of a reader's query, at most MAX_TERMS; stop words dropped, and
    terms that are nothing but stop words with them. `related`: as
    related_words() answers, read from the database when not given.
    """
    if related is None:
        related = related_words()
    terms = []
    for sign, phrase, word in re.findall(QUERY_PART, text):
        found = raw_words(phrase if phrase else word)
        negated = sign == "-"
        if phrase or len(found) > 1 and negated:
            # Stop words at a phrase's ends are dropped, and kept inside it.
            while found and found[0] in STOP_WORDS:
                found.pop(0)
            while found and found[-1] in STOP_WORDS:
                found.pop()
            if found:
                terms.append(Term(tuple(analysed(" ".join(found))), negated))
            continue
        for raw in found:
            if raw in STOP_WORDS:
                continue
            word = raw if is_number(raw) else stem(raw)
            terms.append(Term((word,), negated, related.get(word, ())))
    return terms[:MAX_TERMS]


def search_document():
    """
    The revision's search document as an expression: the stored tsvector on
    PostgreSQL (a column reference rather than raw SQL, so that it follows the
    revisions table when a query becomes a subquery and Django renames the
    table's alias), the analysed text on SQLite.
    """
    if connection.vendor == "postgresql":
        return Col(Revision._meta.db_table, SEARCH_DOCUMENT)
    return F("search_text")


def tsquery(terms):
    return SearchQuery(
        " & ".join(term.tsquery() for term in terms), search_type="raw", config=SEARCH_CONFIG
    )


def matches(document, term):
    """A condition: `document` (a lookup name) contains `term`."""
    if connection.vendor == "postgresql":
        return Q(**{document: tsquery([term])})
    condition = Q()
    for pattern in term.text_patterns():
        condition |= Q(**{f"{document}__contains": pattern})
    return condition


def claims_with(term):
    """The claims one of whose current revisions, in any language, contains `term`."""
    found = Revision.objects.current_in_every_language().alias(document_text=search_document())
    return found.filter(matches("document_text", term)).values("claim_id")


def mixes_scripts(terms):
    """Whether `terms` hold both Korean words and words in another script (numbers aside)."""
    words = [word for term in terms for word in term.words if not is_number(word)]
    korean = [is_korean(word) for word in words]
    return any(korean) and not all(korean)


def matching(revisions, terms):
    """
    `revisions` narrowed to those that contain every term, leaving out the
    claims with any revision containing a negated one. A query mixing Korean
    and other words finds a claim whose versions have them between them.
    """
    revisions = revisions.alias(document_text=search_document())
    wanted = [term for term in terms if not term.negated]
    if mixes_scripts(wanted):
        # "NIS 사상자": each word may be in another language's version.
        for term in wanted:
            revisions = revisions.filter(claim_id__in=claims_with(term))
    elif wanted and connection.vendor == "postgresql":
        # Gathered into one tsquery: one pass over the text index.
        revisions = revisions.filter(document_text=tsquery(wanted))
    else:
        for term in wanted:
            revisions = revisions.filter(matches("document_text", term))
    for term in terms:
        if term.negated:
            revisions = revisions.exclude(claim_id__in=claims_with(term))
    return revisions


def ranked_matches():
    """How many matches a search ranks at most, or None where it ranks none (SQLite)."""
    return RANKED_MATCHES if connection.vendor == "postgresql" else None


def ranked_claims(revisions, terms):
    """
    The claims of the newest RANKED_MATCHES of `revisions` that match `terms`
    on PostgreSQL, best first (a claim ranks as its best-matching version),
    as an array's text: the text index finds rare words, the date index
    walks to the newest few of common ones.
    """
    wanted = [term for term in terms if not term.negated]
    found = matching(revisions, terms).order_by("-first_published_at", "-pk")
    if wanted:
        found = found.annotate(rank=SearchRank(search_document(), tsquery(wanted)))
        rows = found.values_list("claim_id", "rank", "first_published_at", "pk")
    else:
        rows = found.values_list("claim_id", Value(0.0), "first_published_at", "pk")
    best = {}
    for claim_id, rank, published, pk in rows[:RANKED_MATCHES]:
        key = (rank, published, pk)
        if claim_id not in best or key > best[claim_id]:
            best[claim_id] = key
    ordered = sorted(best, key=best.get, reverse=True)
    return "{" + ",".join(map(str, ordered)) + "}"


def search_claims(revisions, text, kept=None, terms_of=None):
    """
    Narrow `revisions` (current ones, in every language) to the claims
    matching `text` (see the module's docstring), each once, as its revision
    in its own language: best match first on PostgreSQL, and there only the
    newest RANKED_MATCHES matches; newest first on SQLite. A query of nothing
    but stop words finds nothing. kept("matches", find) may answer from a
    cache instead of find() (claims.fragments.ListParts), which every page of
    one search then shares. terms_of() gives parse(text), when the caller
    keeps it: it is read only when the matches are not kept.
    """
    terms_of = terms_of or (lambda: parse(text))
    if connection.vendor != "postgresql":
        terms = terms_of()
        if not terms:
            return revisions.none()
        return revisions.originals().filter(
            claim_id__in=matching(revisions, terms).values("claim_id")
        )

    # Fetched, not left as a subquery: given the keys, the planner looks them
    # up, where a subquery it misjudges leads it to scan every claim. One array
    # parameter, because 500 placeholders cost more to build than the query,
    # written as its text: psycopg adapts a list element by element, in
    # Python, again for each query that reads the keys (count, page, cards).
    def find():
        terms = terms_of()
        return ranked_claims(revisions, terms) if terms else ""

    ordered = kept("matches", find) if kept else find()
    if not ordered:
        # Nothing but stop words: nothing is found.
        return revisions.none()
    keys = RawSQL("SELECT unnest(%s::bigint[])", (ordered,))  # noqa: S611
    position = Func(
        Cast(Value(ordered), output_field=ArrayField(BigIntegerField())),
        "claim_id",
        function="array_position",
        output_field=IntegerField(),
    )
    return (
        revisions.originals()
        .filter(claim_id__in=keys)
        .annotate(rank=position)
        .order_by("rank", "-first_published_at", "-pk")
    )


def wanted_terms(terms):
    return [term for term in terms if not term.negated]


def name_filter(terms, field):
    """
    A condition narrowing rows to those whose `field` may hold the first
    word of `terms` that is no number (its stem's first letters, which its
    inflections share), so that only those are read and analysed.
    """
    for term in terms:
        word = term.words[0]
        if not is_number(word):
            start = word if is_korean(word) else word[: max(1, min(4, len(word) - 1))]
            return Q(**{f"{field}__icontains": start})
    return Q()


def found_in_all(terms, texts):
    words = [word for text in texts for word in analysed_name(text)]
    return all(term.found_in(words) for term in terms)


def matching_sources(terms):
    """The public sources (at most LISTED_NAMES) whose name has every word of `terms` (parse())."""
    terms = wanted_terms(terms)
    if not terms:
        return []
    candidates = Source.objects.public().filter(name_filter(terms, "name")).order_by("name")
    found = [source for source in candidates if found_in_all(terms, [source.name])]
    return found[:LISTED_NAMES]


def matching_figures(terms):
    """
    The figures (all public) that have every word of `terms` (parse()) in their names,
    the values of their estimates or the names of who stated or relayed
    them, at most LISTED_NAMES.
    """
    terms = wanted_terms(terms)
    if not terms:
        return []
    texts = {
        figure.pk: [figure.name, figure.short_name, figure.unit] for figure in Figure.objects.all()
    }
    stated = Estimate.objects.values_list(
        "figure_id", "low", "high", "origin__name", "relayed_by__name"
    )
    for figure_id, low, high, origin, relayed_by in stated:
        texts[figure_id] += [str(low), str(high or ""), origin, relayed_by or ""]
    matched = [pk for pk, figure_texts in texts.items() if found_in_all(terms, figure_texts)]
    return list(Figure.objects.filter(pk__in=matched[:LISTED_NAMES]).order_by("name"))


# The column, described to the ORM without declaring it on the model.
SEARCH_DOCUMENT = SearchVectorField()
SEARCH_DOCUMENT.set_attributes_from_name("search_document")
SEARCH_DOCUMENT.model = Revision
