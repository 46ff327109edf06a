"""
The names of sources, affiliations, topics and figures in a page's language.

Staff keep one name of each on its row, in the newsroom's language. A name
in another language is published with a claim's translation (the text slots
"source.<slug>", "topic.<slug>", "figure.<slug>.name"... of
claims.models.translations), so it is public once a published claim naming
it has a current revision in that language: the newest such revision's name
is the one readers see. A page in another language than the newsroom's
reads them in one query, whatever the number of languages; a name no
revision publishes in the page's language stays the row's own, and the
object says which language it is in (`<field>_lang`) for the page's `lang`.
"""

from django.conf import settings
from django.db.models import Q, Subquery
from django.db.models.fields.json import KT
from django.utils.translation import get_language, get_supported_language_variant

from claims.models import Revision, RevisionName
from claims.models.translations import NAME_KEYS, text_slots

# What each kind of row is named by in a record: the RevisionName kinds
# that say a revision names it.
NAMING_KINDS = {
    "source": [RevisionName.CLAIMANT, RevisionName.SOURCE],
    "figure": [RevisionName.FIGURE],
}


def newsroom_language():
    """The language staff name rows in: the newsroom's."""
    return settings.LANGUAGE_CODE


def page_language():
    """The language the request is served in, as LANGUAGES names it ("en", "ko")."""
    return get_supported_language_variant(get_language() or settings.LANGUAGE_CODE)


def naming_revision(language, kind, slug):
    """
    The newest current revision in `language` of a claim readers see whose
    current original names the `kind` row `slug`, as a subquery of its pk.
    """
    if kind == "topic":
        claims = Revision.objects.current().filter(topic_slug=slug).values("claim")
    else:
        claims = RevisionName.objects.filter(
            kind__in=NAMING_KINDS[kind], key=slug, revision__in=Revision.objects.current()
        ).values("revision__claim")
    newest = (
        Revision.objects.seen_by_readers(language)
        .filter(claim__in=claims)
        .order_by("-first_published_at", "-id")
        .values("pk")[:1]
    )
    return Subquery(newest)


def published_names(language, wanted):
    """
    The names revisions in `language` publish (slot key -> text) of the rows
    in `wanted` ((kind, slug) pairs: kind "source", "topic" or "figure"),
    read from one revision per row, in one query; {} with nothing wanted.
    An affiliation is named with its sources.
    """
    wanted = sorted(set(wanted))
    if not wanted:
        return {}
    found = Q()
    for kind, slug in wanted:
        found |= Q(pk=naming_revision(language, kind, slug))
    names = {}
    documents = Revision.objects.filter(found).order_by("-first_published_at", "-id")
    for document in documents.values_list("document", flat=True):
        for key, container, field, _target, _label in text_slots(document):
            if key.startswith(NAME_KEYS):
                names.setdefault(key, container[field])
    return names


def shown_source_names(language):
    """
    The name each source is shown by in `language` where a revision in it
    publishes one (slug -> text), for every source a current original names
    and a current revision in `language` translates: what a list of every
    source sorts by. Two queries, whatever the number of sources.
    """
    translated = Revision.objects.seen_by_readers(language).values("claim")
    slugs = (
        RevisionName.objects.filter(
            kind__in=NAMING_KINDS["source"],
            revision__in=Revision.objects.current(),
            revision__claim__in=translated,
        )
        .values_list("key", flat=True)
        .distinct()
    )
    names = published_names(language, [("source", slug) for slug in slugs])
    prefix = "source."
    return {key.removeprefix(prefix): text for key, text in names.items() if key.startswith(prefix)}


def name_row(row, names, key, fields=("name",)):
    """
    Give `row` (a Source, Topic, Affiliation or Figure) each of `fields` as
    `names` has it under `key` (for a figure, `key`.<field>), where it differs
    from the row's own; else mark the field as in the newsroom's language
    (`<field>_lang`). The row is for display only: it is never saved.
    """
    if row is None or hasattr(row, f"{fields[0]}_lang"):
        # Named already (an affiliation shared by two sources): its own name is gone.
        return row
    for field in fields:
        slot = key if fields == ("name",) else f"{key}.{field}"
        own = getattr(row, field)
        text = names.get(slot, "")
        if text and text != own:
            setattr(row, field, text)
            setattr(row, f"{field}_lang", "")
        else:
            setattr(row, f"{field}_lang", newsroom_language() if own else "")
    return row


def in_page_language(language, *, sources=(), topics=(), figures=()):
    """
    Name `sources` (and their affiliations), `topics` and `figures` (live
    rows) as published in `language` (name_row). Nothing is read or changed
    on a page in the newsroom's language: the rows' names are in it.
    """
    if language == newsroom_language():
        return
    sources = [source for source in sources if source is not None]
    wanted = [("source", source.slug) for source in sources]
    wanted += [("topic", topic.slug) for topic in topics]
    wanted += [("figure", figure.slug) for figure in figures]
    names = published_names(language, wanted)
    for source in sources:
        name_row(source, names, f"source.{source.slug}")
        # Only an affiliation read with its source: naming one reads nothing more.
        if source.affiliation_id and type(source).affiliation.is_cached(source):
            affiliation = source.affiliation
            name_row(affiliation, names, f"affiliation.{affiliation.slug}")
    for topic in topics:
        name_row(topic, names, f"topic.{topic.slug}")
    for figure in figures:
        name_row(figure, names, f"figure.{figure.slug}", ("name", "short_name", "unit"))


def headlines_in(language, links):
    """
    Give each ClaimLink in `links` its claim's headline in `language` where
    the claim is published in it (one query), else mark it as in its own
    (`lang`): a page lists each claim in the page's language where it can.
    """
    claims = {link.claim_id for link in links if link.language != language}
    if not claims:
        return
    headlines = dict(
        Revision.objects.seen_by_readers(language)
        .filter(claim__in=claims)
        .values_list("claim", KT("document__headline"))
    )
    for link in links:
        if (headline := headlines.get(link.claim_id)) is not None:
            link.headline, link.language = headline, language
        link.lang = "" if link.language == language else link.language
