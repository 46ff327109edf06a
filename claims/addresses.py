"""
Public addresses without a reverse() per link.

A verdict page links to its claimant and every evidence source, a list page
to twenty claims and their claimants: reverse() on each cost more than the
rest of the link. The pattern around the slug is reversed once per URL name
(script prefix and language), and a slug, which never needs quoting, put
in it. The site's fixed addresses (the masthead's and the footer's links, on
every page) are reversed once per URL name, script prefix, URLconf and
language too.
"""

from functools import lru_cache

from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language

SLUG_MARK = "slug-mark"


@lru_cache(maxsize=128)
def slug_pattern(url_name, script_prefix, language):
    prefix, _, suffix = reverse(url_name, args=[SLUG_MARK]).partition(SLUG_MARK)
    return prefix, suffix


def address(url_name, slug):
    """What reverse(url_name, args=[slug]) gives, for a URL whose only argument is a slug."""
    prefix, suffix = slug_pattern(url_name, get_script_prefix(), get_language())
    return f"{prefix}{slug}{suffix}"


@lru_cache(maxsize=128)
def reversed_once(url_name, script_prefix, urlconf, language):
    return reverse(url_name, urlconf=urlconf)


def fixed_address(url_name):
    """What reverse(url_name) gives, for a URL that takes no argument."""
    return reversed_once(url_name, get_script_prefix(), get_urlconf(), get_language())
