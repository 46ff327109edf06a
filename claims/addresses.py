"""
Public addresses without a reverse() per link.

A verdict page links to its claimant and every evidence source, a list page
to twenty claims and their claimants: reverse() on each cost more than the
rest of the link. The pattern around the slug is reversed once per URL name
(and script prefix), and a slug, which never needs quoting, put in it.
The site's fixed addresses (the masthead's and the footer's links, on every
page) are reversed once per URL name, script prefix and URLconf too.
"""

from functools import lru_cache

from django.urls import get_script_prefix, get_urlconf, reverse

SLUG_MARK = "slug-mark"


@lru_cache(maxsize=64)
def slug_pattern(url_name, script_prefix):
    prefix, _, suffix = reverse(url_name, args=[SLUG_MARK]).partition(SLUG_MARK)
    return prefix, suffix


def address(url_name, slug):
    """What reverse(url_name, args=[slug]) gives, for a URL whose only argument is a slug."""
    prefix, suffix = slug_pattern(url_name, get_script_prefix())
    return f"{prefix}{slug}{suffix}"


@lru_cache(maxsize=64)
def reversed_once(url_name, script_prefix, urlconf):
    return reverse(url_name, urlconf=urlconf)


def fixed_address(url_name):
    """What reverse(url_name) gives, for a URL that takes no argument."""
    return reversed_once(url_name, get_script_prefix(), get_urlconf())
