"""
HTTP caching for the public pages: no cookies, Cache-Control, ETag, 304, and
a page cache in Django's cache (settings.PUBLIC_PAGE_CACHE).

The page cache can never serve a page readers should no longer see:

- Every cached page carries the content version it was rendered under: a
  token in the database (claims.models.ContentVersion) that every workflow
  step and admin edit replaces in its own transaction (public_content_changed).
  It commits or rolls back with the change, and no cache outage, eviction or
  restart of Redis can lose it.
- Before serving a cached page, each process reads the token (one primary-key
  query) and serves the page only if it was rendered under that token. So a
  change shows at once in every process, with local memory or Redis, and a
  page cached before a Redis outage is never current again once it returns.
- The process's own memo of recent pages holds each for PUBLIC_CACHE_SECONDS
  at most, like the shared cache.

The cache is retired wholesale: working out which pages one edit touches (a
source's name is on thousands of pages) would be slower and easier to get
wrong than re-rendering what readers ask for next. ContentVersion's names
leave room to retire pages by what they show instead.

A page is cached under its path and only the query parameters it reads
(public_page's `params`), normalised, so that `?utm_source=...` and other
noise share one entry instead of each storing a copy.
"""

import hashlib
import logging
import secrets
import threading
import time
from functools import wraps

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connection
from django.http import HttpResponse, QueryDict
from django.middleware.csp import get_nonce
from django.utils.cache import get_conditional_response, patch_cache_control

logger = logging.getLogger(__name__)

# The ContentVersion every public page is checked against.
PUBLIC = "public"
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


def content_version(name=PUBLIC):
    """The current token of `name`: one primary-key read (and a write, the first time)."""
    ContentVersion = apps.get_model("claims", "ContentVersion")
    # Every cached page pays for this read: plain SQL, without building an
    # ORM query each time, which costs more than the index lookup itself.
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT token FROM {ContentVersion._meta.db_table} WHERE name = %s",  # noqa: S608
            [name],
        )
        row = cursor.fetchone()
    token = row[0] if row else None
    if token is None:
        version, _ = ContentVersion.objects.get_or_create(
            name=name, defaults={"token": secrets.token_hex(8)}
        )
        token = version.token
    return token


def public_content_changed(name=PUBLIC, using=DEFAULT_DB_ALIAS):
    """
    Retire every cached public page: replace the content version, in the
    current transaction, so that it commits with the change or not at all.

    A reader who read the old token before the commit may still render and
    cache the page, but under the old token, which is never current again. A
    random token rather than a counter: a database restored from a backup
    would count again through numbers pages were already cached under.
    Call it last in a transaction: its row is the one lock every change shares.
    """
    versions = apps.get_model("claims", "ContentVersion").objects.using(using)
    token = secrets.token_hex(8)
    if not versions.filter(name=name).update(token=token):
        versions.update_or_create(name=name, defaults={"token": token})


def read_only(params, query):
    """
    `query` (a QueryDict) cut down to `params`, each with the last value given
    (as views read it), empty ones dropped, in a fixed order.
    """
    normalised = QueryDict(mutable=True)
    for name in sorted(params):
        if value := query.get(name, ""):
            normalised[name] = value
    normalised._mutable = False
    return normalised


def page_cache_key(request):
    """The path, the (normalised) query the page reads, and the htmx headers it switches on."""
    parts = [
        request.path,
        request.GET.urlencode(),
        request.headers.get("HX-Request", ""),
        request.headers.get("HX-History-Restore-Request", ""),
    ]
    return "public-page:" + hashlib.sha256("\n".join(parts).encode()).hexdigest()


class RecentPages:
    """
    The pages this process served last, up to `limit_bytes` of bodies, oldest
    dropped first, each for `max_age` seconds at most: a hit saves fetching
    and unpickling the body from a shared cache (Redis). Whether a page is
    still current is decided by its version, read from the database on every
    request; the age limit only keeps the memo from holding what nobody asks for.
    """

    def __init__(self, limit_bytes, max_age=None):
        self.limit_bytes = limit_bytes
        self.max_age = max_age
        self.pages = {}
        self.size = 0
        self.lock = threading.Lock()

    def get(self, key):
        found = self.pages.get(key)
        if found is None:
            return None
        stored_at, entry = found
        max_age = settings.PUBLIC_CACHE_SECONDS if self.max_age is None else self.max_age
        if time.monotonic() - stored_at > max_age:
            self.drop(key)
            return None
        return entry

    def clear(self):
        with self.lock:
            self.pages.clear()
            self.size = 0

    def drop(self, key):
        with self.lock:
            if (old := self.pages.pop(key, None)) is not None:
                self.size -= len(old[1]["body"])

    def put(self, key, entry):
        size = len(entry["body"])
        if size > self.limit_bytes:
            return
        with self.lock:
            if (old := self.pages.pop(key, None)) is not None:
                self.size -= len(old[1]["body"])
            while self.pages and self.size + size > self.limit_bytes:
                self.size -= len(self.pages.pop(next(iter(self.pages)))[1]["body"])
            self.pages[key] = (time.monotonic(), entry)
            self.size += size


RECENT_PAGES = RecentPages(limit_bytes=16 * 1024 * 1024)


def cached_page(key, version):
    """
    The page cached under `key` if it was rendered under `version`, else None:
    from this process's memo, or one round trip to the cache. An entry carries
    the version read before it was rendered, so a page rendered while an edit
    committed is never current.
    """
    entry = RECENT_PAGES.get(key)
    from_memo = entry is not None
    if entry is None:
        try:
            entry = cache.get(key)
        except Exception as error:
            # The page cache only saves work: with Redis down, render.
            logger.warning("Page cache unavailable, rendering: %r", error)
            return None
    if entry is None or entry["version"] != version:
        return None
    if not from_memo:
        RECENT_PAGES.put(key, entry)
    return entry


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


def public_page(view=None, *, params=()):
    """
    Make a public view's successful responses cacheable by anyone.

    Adds `Cache-Control: public, max-age=PUBLIC_CACHE_SECONDS` and an ETag, and
    answers a matching If-None-Match with 304 Not Modified. The view itself
    must not touch the session, the user or the CSRF token, so that no cookie
    is set and nothing varies on Cookie.

    The view sees only the query parameters named in `params` (normalised by
    read_only()), so its page depends on nothing its cache key leaves out.

    With settings.PUBLIC_PAGE_CACHE on, a 200 is also kept in Django's cache
    for PUBLIC_CACHE_SECONDS (the time a CDN may hold it anyway) and served
    from there, without running the view, while the content version it was
    rendered under is current.
    """
    if view is None:
        return lambda view: public_page(view, params=params)

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD"):
            return view(request, *args, **kwargs)
        request.GET = read_only(params, request.GET)
        version = content_version() if settings.PUBLIC_PAGE_CACHE else None
        key = page_cache_key(request) if version else None
        if key and (entry := cached_page(key, version)):
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
