"""
Which languages a public page exists in, and its address in each.

Every page of the interface exists in every language of settings.LANGUAGES.
A verdict page exists in a language only where its claim is published in
it: available_languages() is the one answer to that, read by the verdict
page's switcher and alternates, ClaimReview, the feeds and the sitemap.
"""

from dataclasses import dataclass

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils.translation import (
    get_language,
    get_language_info,
    get_supported_language_variant,
    override,
)

# The language of every record published before records named their own.
ORIGINAL_LANGUAGE = "en"


def record_language(record):
    """The language `record` (a claims.records.ClaimRecord) was published in."""
    return record.language or ORIGINAL_LANGUAGE


def available_languages(record):
    """
    The codes of the languages `record`'s claim is published in, in settings
    order: those its page read with it (`published_languages`, set by
    claims.views.language_versions), else its own.
    """
    published = set(record.published_languages) | {record_language(record)}
    return [code for code, _ in settings.LANGUAGES if code in published]


def supported_language(code):
    """
    `code` as one of settings.LANGUAGES ("en-gb" is "en"), else the
    newsroom's: a language stored before the desk spoke two (a reader's
    address) still gives addresses that exist.
    """
    try:
        return get_supported_language_variant(code)
    except LookupError:
        return settings.LANGUAGE_CODE


def language_codes():
    return [code for code, _ in settings.LANGUAGES]


def address_in(language, view_name, args=(), kwargs=None):
    """The path of the page `view_name` names, in `language`; None if it has none."""
    with override(language):
        try:
            return reverse(view_name, args=args, kwargs=kwargs)
        except NoReverseMatch:
            return None


@dataclass(frozen=True)
class LanguageVersion:
    """
    One language of a page: its code, its name in it and in the page's, its
    address, and whether it is the page's language and the newsroom's.
    """

    code: str
    name_local: str
    name_translated: str
    url: str | None
    current: bool
    default: bool


def language_versions(resolver_match, available=None, query=""):
    """
    The page `resolver_match` names in every language, in settings order:
    with its path (and `query`, a urlencoded string) where it exists there
    (every language, or those in `available`), else url None. A page of no
    name (a 404) is the front page in each language.
    """
    current = get_language()
    versions = []
    for code in language_codes():
        url = None
        if available is None or code in available:
            if resolver_match is not None and resolver_match.view_name:
                url = address_in(
                    code, resolver_match.view_name, resolver_match.args, resolver_match.kwargs
                )
            else:
                url = address_in(code, "claim_list")
            if url and query:
                url = f"{url}?{query}"
        info = get_language_info(code)
        versions.append(
            LanguageVersion(
                code,
                info["name_local"],
                info["name_translated"],
                url,
                current=code == current,
                default=code == settings.LANGUAGE_CODE,
            )
        )
    return versions
