"""The language switcher and the alternates of every public page (claims.languages)."""

from django import template
from django.utils.html import format_html
from django.utils.translation import get_language

from claims.claimreview import absolute_url
from claims.languages import language_versions, record_language

register = template.Library()


@register.simple_tag(takes_context=True)
def page_languages(context):
    """
    This page in every language (claims.languages.LanguageVersion): in those
    of the context's `available_languages` where a view gives it (a verdict
    page), else in all. The switcher keeps the reader's query; alternates
    and canonical addresses are built without it (see `absolute`).
    """
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    query = request.GET.urlencode() if request is not None else ""
    if "request_path" in context:
        # Django's page_not_found: the address (query included) has no page
        # to translate and must not be echoed; each language's front page.
        match, query = None, ""
    return language_versions(match, context.get("available_languages"), query)


@register.filter
def absolute(url):
    """`url` (a path, query dropped) as an address on SITE_URL, never the request's Host."""
    return absolute_url(url.partition("?")[0])


@register.filter
def lang_attr(record):
    """
    ` lang="en"` on an element showing `record`'s text (a ClaimRecord) where
    it is in another language than the page's; else nothing.
    """
    language = record_language(record)
    if language == get_language():
        return ""
    return format_html(' lang="{}"', language)


@register.simple_tag
def named(row, field="name"):
    """
    `row`'s `field` (a name claims.names gave in the page's language), in a
    span marking its language where it is not the page's; else the text alone.
    """
    text = getattr(row, field)
    if language := getattr(row, f"{field}_lang", ""):
        return format_html('<span lang="{}">{}</span>', language, text)
    return text
