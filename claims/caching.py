"""
HTTP caching for the public pages: no cookies, Cache-Control, ETag, 304, and
a page cache in Django's cache (settings.PUBLIC_PAGE_CACHE).

The page cache can never serve a page readers should no longer see:

- Every page is cached with the content versions it was rendered under:
  tokens in the database (claims.models.ContentVersion), one for the whole
  site ("public") and one for what the page shows (its claim, its source, its
  figure, or a listing: `/`, the feed, the sitemap, `/claims.json`). A change
  replaces the tokens of every page that shows what it changed, in its own
  transaction (claims.page_versions says which pages show what). So the new
  tokens commit or roll back with the change, and no cache outage, eviction
  or restart of Redis can lose them.
- Before serving a cached page, each process reads the page's tokens (one
  query, whatever their number) and serves the page only if it was rendered
  under exactly those. So a change shows at once in every process, with local
  memory or Redis, and a page cached before a Redis outage is never current
  again once it returns.
- The tokens are read before the page is rendered: a page rendered while a
  change commits is kept under the old tokens, which are never current again.
- The process's own memo of recent pages holds each for PUBLIC_CACHE_SECONDS
  at most, like the shared cache.

An edit to one claim therefore leaves every other claim's verdict page
cached, while the listings, which count every claim, are rendered again:
once, by the first reader to ask (RenderTurn), whose page the readers asking
meanwhile are served, if their versions are still current when it comes.

A page is cached under its language, its path and only the query
parameters it reads (public_page's `params`), normalised, so that
`?utm_source=...` and other noise share one entry instead of each storing a
copy. The path names the language ("/ko/..."), but the key names it too, so
that no page is ever served in a language other than the one it was
rendered in, whatever the address.
"""

import hashlib
import logging
import secrets
import threading
import time
from functools import wraps
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.dispatch import Signal
from django.http import HttpResponse, QueryDict
from django.middleware.csp import get_nonce
from django.urls import resolve
from django.utils import translation
from django.utils.cache import get_conditional_response, patch_cache_control

from claims.models import ContentVersion

logger = logging.getLogger(__name__)

# The ContentVersion every public page is checked against, besides its own.
PUBLIC = "public"
# Where a cached body had the nonce of the request that rendered it. Stored
# text never produces it: HTML escapes "<" and ">" in everything it prints.
NONCE_PLACEHOLDER = b"<csp-nonce>"
# Sent on every lookup in the page cache (request, hit): nothing listens in
# production; the benchmark counts hits and misses with it.
page_cache_looked_up = Signal()
# One render of a page at a time (RenderTurn): how long a turn may be held,
# how long other readers wait for its page, and how often they look (every
# 5 ms at first, then less often, up to every 50 ms).
RENDER_TURN_SECONDS = 10
RENDER_WAIT_SECONDS = 2.0
RENDER_POLL_SECONDS = 0.005
RENDER_POLL_MAX_SECONDS = 0.05
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


def content_versions(names):
    """
    The current tokens of `names`, as a tuple in their order: one query.

    A name never changed reads as None, except the site-wide PUBLIC, made
    with a random token the first time it is read: a new or refilled
    database then never matches a page some earlier database left in Redis.
    """
    # Every cached page pays for this read: plain SQL, without building an
    # ORM query each time, which costs more than the index lookup itself.
    placeholders = ", ".join(["%s"] * len(names))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT name, token FROM {ContentVersion._meta.db_table} "  # noqa: S608
            f"WHERE name IN ({placeholders})",
            list(names),
        )
        tokens = dict(cursor.fetchall())
    if PUBLIC in names and PUBLIC not in tokens:
        version, _ = ContentVersion.objects.get_or_create(
            name=PUBLIC, defaults={"token": secrets.token_hex(8)}
        )
        tokens[PUBLIC] = version.token
    return tuple(tokens.get(name) for name in names)


def content_version(name=PUBLIC):
    """The current token of one name (see content_versions)."""
    return content_versions([name])[0]


def public_content_changed(names=(PUBLIC,), using=DEFAULT_DB_ALIAS):
    """
    Retire the cached pages that read any of `names`: give each a new token,
    in the current transaction, so that it commits with the change or not at
    all. The default, PUBLIC, retires every page.

    A reader who read the old tokens before the commit may still render and
    cache the page, but under the old tokens, which are never current again.
    Random tokens rather than counters: a database restored from a backup
    would count again through numbers pages were already cached under.
    The rows are written in name order, so that two changes retiring
    overlapping pages take their row locks in the same order.
    """
    names = sorted(set(names))
    if not names:
        return
    table = ContentVersion._meta.db_table
    token = secrets.token_hex(8)
    # Plain SQL, as for the read: every workflow step writes here.
    with connections[using].cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (name, token) VALUES "  # noqa: S608
            + ", ".join(["(%s, %s)"] * len(names))
            + " ON CONFLICT (name) DO UPDATE SET token = EXCLUDED.token",
            [value for name in names for value in (name, token)],
        )


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
    """
    The language, the path, the (normalised) query the page reads, and the
    htmx headers it switches on.
    """
    parts = [
        translation.get_language() or "",
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
    The page cached under `key` if it was rendered under `version` (the
    tokens of its content versions), else None:
    from this process's memo, or one round trip to the cache. An entry carries
    the version read before it was rendered, so a page rendered while an edit
    committed is never current.
    """
    entry = RECENT_PAGES.get(key)
    if entry is not None and entry["version"] == version:
        return entry
    # Not in the memo, or kept there under older versions: another process
    # may already have rendered the page under these.
    try:
        entry = cache.get(key)
    except Exception as error:
        # The page cache only saves work: with Redis down, render.
        logger.warning("Page cache unavailable, rendering: %r", error)
        return None
    if entry is None or entry["version"] != version:
        return None
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
    # A browser may store the page but asks again before showing it (a 304
    # when nothing changed), so that a takedown or a correction reaches the
    # reader on the next click. Holding pages for long is an edge cache's job.
    patch_cache_control(response, public=True, no_cache=True)
    result = get_conditional_response(request, etag=response.headers["ETag"], response=response)
    if result is not response:
        # A 304 keeps the browser's stored copy, whose nonce matches the CSP
        # it was stored with; a fresh policy here would carry a new nonce.
        result._csp_config = {}
        result._csp_ro_config = {}
    return result


def render_and_keep(view, request, args, kwargs, key, version):
    """The view's response, with its ETag; a 200 is kept in the page cache under `key` if given."""
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


class RenderTurn:
    """
    One render of a page under one version at a time, across processes.

    After an edit retires a page, every reader who asks for it before its
    new rendering is kept would render it too: at 2,000 reads a second,
    `/` was rendered three or four times for each edit, and those renders
    were most of what readers waited for. The first reader to miss takes the
    turn (an add to the shared cache, which only one process wins); the
    others wait for the page it keeps, up to RENDER_WAIT_SECONDS, and render
    it themselves if it does not come (the renderer failed, answered other
    than 200, or is slow) or the cache is unreachable.

    The turn is for the page's key and version together, so a render under
    old versions never holds up one under new versions.
    """

    def __init__(self, key, version):
        self.key = key
        digest = hashlib.sha256(f"{key}\n{version!r}".encode()).hexdigest()
        # Not under the pages' own prefix, so that nothing counts a turn as a page.
        self.turn_key = f"render-turn:{digest}"
        self.version = version
        self.ours = True

    def __enter__(self):
        try:
            self.ours = cache.add(self.turn_key, 1, RENDER_TURN_SECONDS)
        except Exception as error:
            logger.warning("Page cache unavailable, rendering: %r", error)
        return self

    def wait_for_page(self):
        """The page the turn's holder keeps, if it comes in time under this version, else None."""
        deadline = time.monotonic() + RENDER_WAIT_SECONDS
        pause = RENDER_POLL_SECONDS
        try:
            # Only the small turn key while it is held: the page's own key
            # still holds the page as it was, which would be fetched for nothing.
            while True:
                time.sleep(pause)
                if cache.get(self.turn_key) is None:
                    break
                if time.monotonic() >= deadline:
                    return None
                pause = min(2 * pause, RENDER_POLL_MAX_SECONDS)
            entry = cache.get(self.key)
        except Exception as error:
            logger.warning("Page cache unavailable, rendering: %r", error)
            return None
        # None when its holder finished without keeping a page under this version.
        return entry if entry is not None and entry["version"] == self.version else None

    def __exit__(self, *exc):
        if self.ours:
            try:
                cache.delete(self.turn_key)
            except Exception as error:
                logger.warning("Page cache unavailable, turn left to expire: %r", error)


def public_page(view=None, *, params=(), shows=()):
    """
    Make a public view's successful responses cacheable by anyone.

    Adds `Cache-Control: public, no-cache` (stored, but revalidated on every
    use) and an ETag, and answers a matching If-None-Match with 304 Not
    Modified. The view itself must not touch the session, the user or the
    CSRF token, so that no cookie is set and nothing varies on Cookie.

    The view sees only the query parameters named in `params` (normalised by
    read_only()), so its page depends on nothing its cache key leaves out.

    With settings.PUBLIC_PAGE_CACHE on, a 200 is also kept in Django's cache
    for PUBLIC_CACHE_SECONDS and served from there, without running the view,
    while the content versions it was rendered under are current: the
    site-wide one and those `shows` names, either a list of names or a
    function of the view's URL arguments returning one
    (claims.page_versions: `claim_page(slug)`, `LIST`...).
    """
    if view is None:
        return lambda view: public_page(view, params=params, shows=shows)

    def names_read_by(kwargs):
        return [PUBLIC, *(shows(**kwargs) if callable(shows) else shows)]

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD"):
            return view(request, *args, **kwargs)
        request.GET = read_only(params, request.GET)
        names = names_read_by(kwargs)
        version = content_versions(names) if settings.PUBLIC_PAGE_CACHE else None
        # The view's own cached parts are kept under the same versions (one read).
        request.content_versions_read = dict(zip(names, version or (), strict=False))
        key = page_cache_key(request) if version else None
        if key and (entry := cached_page(key, version)):
            page_cache_looked_up.send(public_page, request=request, hit=True)
            return conditional(request, response_from_entry(request, entry))
        if key:
            page_cache_looked_up.send(public_page, request=request, hit=False)
            with RenderTurn(key, version) as turn:
                # A page rendered elsewhere while this request waited is
                # still current only if no change has committed since.
                if (
                    not turn.ours
                    and (entry := turn.wait_for_page())
                    and content_versions(names) == version
                ):
                    RECENT_PAGES.put(key, entry)
                    return conditional(request, response_from_entry(request, entry))
                return render_and_keep(view, request, args, kwargs, key, version)
        return render_and_keep(view, request, args, kwargs, key, version)

    wrapper.names_read_by = names_read_by
    return wrapper


def current_versions(path):
    """The content versions a page cached for `path` must carry to be served now."""
    path = urlsplit(path).path
    # A language's addresses resolve only while it is active.
    with translation.override(translation.get_language_from_path(path) or settings.LANGUAGE_CODE):
        match = resolve(path)
    return content_versions(match.func.names_read_by(match.kwargs))
