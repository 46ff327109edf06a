"""
HTTP caching for the public pages: no cookies, Cache-Control, ETag, 304, and
a page cache in Django's cache (settings.PUBLIC_PAGE_CACHE).

The page cache is invalidated wholesale: every cached page carries the
"public content version" it was rendered under, a token that
Claim.transition() and the admin's save and delete paths replace once their
transaction commits (public_content_changed), and a page whose version is not
the current one is rendered again. Working out which pages one edit touches (a
source's name is on thousands of pages) would be slower and easier to get
wrong than re-rendering what readers ask for next.
"""

import hashlib
import logging
import secrets
import threading
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.middleware.csp import get_nonce
from django.utils.cache import get_conditional_response, patch_cache_control

logger = logging.getLogger(__name__)

VERSION_KEY = "public-content-version"
# Where a cached body had the nonce of the request that rendered it. Stored
# text never produces it: HTML escapes "<" and ">" in everything it prints.
NONCE_PLACEHOLDER = b"<csp-nonce>"
# Headers the wrapper or the middleware set on every response, never replayed.
NOT_REPLAYED = {"cache-control", "etag", "content-length"}


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


def new_public_content_version():
    return secrets.token_hex(8)


def public_content_changed():
    """
    Retire every cached public page, once the current transaction commits.

    After commit, or a reader between the bump and the commit would cache the
    old page as current. A random token rather than a counter: a counter the
    cache evicted would start again at a number already used.
    """
    # Robust: the edit has committed; a cache that cannot be reached must not
    # turn it into an error page (its pages expire within PUBLIC_CACHE_SECONDS).
    transaction.on_commit(
        lambda: cache.set(VERSION_KEY, new_public_content_version(), timeout=None), robust=True
    )


def page_cache_key(request):
    """The full path with its query, and the htmx headers the views switch on."""
    parts = [
        request.get_full_path(),
        request.headers.get("HX-Request", ""),
        request.headers.get("HX-History-Restore-Request", ""),
    ]
    return "public-page:" + hashlib.sha256("\n".join(parts).encode()).hexdigest()


class RecentPages:
    """
    The pages this process served last, up to `limit_bytes` of bodies, oldest
    dropped first: a hit saves fetching and unpickling the body from a shared
    cache (Redis). The version still comes from the shared cache on every
    request, so a change shows at once in every process.
    """

    def __init__(self, limit_bytes):
        self.limit_bytes = limit_bytes
        self.pages = {}
        self.size = 0
        self.lock = threading.Lock()

    def get(self, key):
        return self.pages.get(key)

    def put(self, key, entry):
        size = len(entry["body"])
        if size > self.limit_bytes:
            return
        with self.lock:
            if (old := self.pages.pop(key, None)) is not None:
                self.size -= len(old["body"])
            while self.pages and self.size + size > self.limit_bytes:
                self.size -= len(self.pages.pop(next(iter(self.pages)))["body"])
            self.pages[key] = entry
            self.size += size


RECENT_PAGES = RecentPages(limit_bytes=16 * 1024 * 1024)


def cached_page(key):
    """
    The current version and the page cached under `key`, if it is current:
    one round trip to the cache. An entry carries the version read before it
    was rendered, so a page rendered while an edit committed is never current.
    """
    recent = RECENT_PAGES.get(key)
    if recent is not None:
        found = {VERSION_KEY: cache.get(VERSION_KEY), key: recent}
    else:
        found = cache.get_many([VERSION_KEY, key])
    version = found.get(VERSION_KEY)
    if version is None:
        # Lost (a restart, an eviction): whatever is cached is of unknown age.
        cache.add(VERSION_KEY, new_public_content_version(), timeout=None)
        return cache.get(VERSION_KEY), None
    entry = found.get(key)
    if entry is None or entry["version"] != version:
        return version, None
    if recent is None:
        RECENT_PAGES.put(key, entry)
    return version, entry


def page_entry(request, response, version):
    """What the cache keeps of a rendered page: ETag, headers, body with the nonce taken out."""
    nonce = get_nonce(request)
    body = response.content
    has_nonce = bool(nonce) and str(nonce).encode() in body
    if has_nonce:
        body = body.replace(str(nonce).encode(), NONCE_PLACEHOLDER)
    headers = [
        (name, value)
        for name, value in response.headers.items()
        if name.lower() not in NOT_REPLAYED
    ]
    return {
        "version": version,
        "etag": response.headers["ETag"],
        "headers": headers,
        "body": body,
        "nonce": has_nonce,
    }


def response_from_entry(request, entry):
    """The cached page, with this request's own nonce where the renderer's was."""
    body = entry["body"]
    if entry["nonce"]:
        # Reading the nonce generates it, so the CSP header carries the same one.
        body = body.replace(NONCE_PLACEHOLDER, str(get_nonce(request)).encode())
    response = HttpResponse(body)
    for name, value in entry["headers"]:
        response.headers[name] = value
    response.headers["ETag"] = entry["etag"]
    return response


def conditional(request, response):
    """Cache-Control on every answer; 304 Not Modified when If-None-Match matches."""
    patch_cache_control(response, public=True, max_age=settings.PUBLIC_CACHE_SECONDS)
    result = get_conditional_response(request, etag=response.headers["ETag"], response=response)
    if result is not response:
        # A 304 keeps the browser's stored copy, whose nonce matches the CSP
        # it was stored with; a fresh policy here would carry a new nonce.
        result._csp_config = {}
        result._csp_ro_config = {}
    return result


def public_page(view):
    """
    Make a public view's successful responses cacheable by anyone.

    Adds `Cache-Control: public, max-age=PUBLIC_CACHE_SECONDS` and an ETag, and
    answers a matching If-None-Match with 304 Not Modified. The view itself
    must not touch the session, the user or the CSRF token, so that no cookie
    is set and nothing varies on Cookie.

    With settings.PUBLIC_PAGE_CACHE on, a 200 is also kept in Django's cache
    for PUBLIC_CACHE_SECONDS (the time a CDN may hold it anyway) and served
    from there, without running the view, until public content changes.
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD"):
            return view(request, *args, **kwargs)
        key = page_cache_key(request) if settings.PUBLIC_PAGE_CACHE else None
        if key:
            try:
                version, entry = cached_page(key)
            except Exception as error:
                # The page cache only saves work: with Redis down, render.
                logger.warning("Page cache unavailable, rendering: %r", error)
                key = entry = None
            if entry:
                return conditional(request, response_from_entry(request, entry))
        response = view(request, *args, **kwargs)
        if response.status_code != 200:
            return response
        if hasattr(response, "render") and not response.is_rendered:
            response.render()
        response.headers["ETag"] = content_etag(request, response.content)
        if key:
            entry = page_entry(request, response, version)
            try:
                cache.set(key, entry, settings.PUBLIC_CACHE_SECONDS)
            except Exception as error:
                logger.warning("Page cache unavailable, not storing: %r", error)
            else:
                RECENT_PAGES.put(key, entry)
        return conditional(request, response)

    return wrapper
