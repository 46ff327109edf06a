"""HTTP caching for the public pages: no cookies, Cache-Control, ETag, 304."""

import hashlib
from functools import wraps

from django.conf import settings
from django.middleware.csp import get_nonce
from django.utils.cache import get_conditional_response, patch_cache_control


def content_etag(request, content):
    """
    A weak ETag of the page as readers see it.

    Hashing the output rather than a timestamp means the tag changes whenever
    anything on the page changes (a claim, an evidence item, a source's grade,
    a template), with nothing to keep in step. The per-request CSP nonce is
    blanked first, or no two responses would ever match; the tag is weak
    because the bodies do still differ by that nonce.
    """
    nonce = get_nonce(request)
    if nonce:
        content = content.replace(str(nonce).encode(), b"")
    return f'W/"{hashlib.sha256(content).hexdigest()[:32]}"'


def public_page(view):
    """
    Make a public view's successful responses cacheable by anyone.

    Adds `Cache-Control: public, max-age=PUBLIC_CACHE_SECONDS` and an ETag, and
    answers a matching If-None-Match with 304 Not Modified. The view itself
    must not touch the session, the user or the CSRF token, so that no cookie
    is set and nothing varies on Cookie.
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if request.method not in ("GET", "HEAD") or response.status_code != 200:
            return response
        if hasattr(response, "render") and not response.is_rendered:
            response.render()
        patch_cache_control(response, public=True, max_age=settings.PUBLIC_CACHE_SECONDS)
        response.headers["ETag"] = content_etag(request, response.content)
        conditional = get_conditional_response(
            request, etag=response.headers["ETag"], response=response
        )
        if conditional is not response:
            # A 304 keeps the browser's stored copy, whose nonce matches the CSP
            # it was stored with; a fresh policy here would carry a new nonce.
            conditional._csp_config = {}
            conditional._csp_ro_config = {}
        return conditional

    return wrapper
