"""
HTTP caching for the public pages: no cookies, Cache-Control, ETag, 304,
surrogate keys for the edge (claims.edge), and a page cache in Django's cache
(settings.PUBLIC_PAGE_CACHE) for a deployment without an edge.

The page cache can never serve a page readers should no longer see:

- Every page is cached with the content versions it was rendered under:
  tokens in the database (claims.models.ContentVersion), one for the whole
  site ("public") and one for what the page shows (its claim, its source, its
  figure, or a listing: `/`, the feed, the sitemap, `/claims.json`). A change
  replaces the tokens of every page that shows what it changed, in its own
  transaction (claims.page_versions says which pages show what), and queues
  the same names for the edge to purge once it commits (claims.purges).
- Before serving a cached page, each process reads the page's tokens (one
  query, whatever their number) and serves the page only if it was rendered
  under exactly those, so a change shows at once in every process.
- The tokens are read before the page is rendered: a page rendered while a
  change commits is kept under the old tokens, which are never current again.

What is kept is bounded by what exists. A page is cached under its
language, its path and only the query parameters it reads (public_page's
`params`), normalised, and whether it is an htmx request; a filter naming
nothing that exists answers 404, which is never kept; a search is never kept.
The path names the language ("/ko/..."), but the key names it too, so that no
page is ever served in a language other than the one it was rendered in,
whatever the address. The edge keeps only pages asked for by their canonical
address (edge_keeps).
"""

import hashlib
import logging
import secrets
from functools import wraps
from urllib.parse import parse_qsl, urlsplit

from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.dispatch import Signal
from django.http import HttpResponse, QueryDict
from django.urls import resolve
from django.utils import translation
from django.utils.cache import get_conditional_response, patch_cache_control

from claims.edge import edge_headers
from claims.models import ContentVersion
from claims.purges import queue_purges

logger = logging.getLogger(__name__)

# The ContentVersion every public page is checked against, besides its own.
PUBLIC = "public"
# Sent on every lookup in the page cache (request, hit): nothing listens in
# production; the benchmark counts hits and misses with it.
page_cache_looked_up = Signal()
# What is kept of a page: a verdict's page, or the notice of its withdrawal.
KEPT_STATUSES = {200, 410}
# Headers the wrapper or the middleware set on every response, never replayed.
NOT_REPLAYED = {"cache-control", "etag", "content-length"}


def content_etag(content):
    """
    A weak ETag of the page as readers see it: hashing the output rather than
    a timestamp means the tag changes whenever anything on the page changes,
    with nothing to keep in step. Weak, because gzip may change the bytes.
    """
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


def public_content_changed(names=(PUBLIC,), using=DEFAULT_DB_ALIAS, *, soft=False):
    """
    Retire the cached pages that read any of `names`: give each a new token,
    in the current transaction, so that it commits with the change or not at
    all, and queue the same names for the edge to purge once it commits. The
    default, PUBLIC, retires every page. `soft`: the pages changed, and none
    was withdrawn, so the edge may serve them while it fetches them again
    (claims.purges.queue_purges).

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
    queue_purges(names, using, soft=soft)


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


def is_canonical(request, normalised):
    """Whether the request asked for the page by its one address: the query it reads, sorted."""
    asked = sorted(parse_qsl(request.META.get("QUERY_STRING", ""), keep_blank_values=True))
    return asked == list(normalised.items())


def htmx_headers(request):
    """The htmx headers the page switches on, read as present or absent (as django-htmx does)."""
    htmx = request.headers.get("HX-Request") == "true"
    return htmx, htmx and request.headers.get("HX-History-Restore-Request") == "true"


def page_cache_key(request):
    """
    The language, the path, the (normalised) query the page reads, and the
    htmx headers it switches on.
    """
    parts = [
        translation.get_language() or "",
        request.path,
        request.GET.urlencode(),
        *map(str, htmx_headers(request)),
    ]
    return "public-page:" + hashlib.sha256("\n".join(parts).encode()).hexdigest()


def cached_page(key, version):
    """The page cached under `key` if it was rendered under `version`, else None."""
    try:
        entry = cache.get(key)
    except Exception as error:
        # The page cache only saves work: with Redis down, render.
        logger.warning("Page cache unavailable, rendering: %r", error)
        return None
    if entry is None or entry["version"] != version:
        return None
    return entry


def page_entry(response, version):
    """What the cache keeps of a rendered page: status, ETag, headers, body."""
    headers = [
        (name, value)
        for name, value in response.headers.items()
        if name.lower() not in NOT_REPLAYED
    ]
    return {
        "version": version,
        "status": response.status_code,
        "etag": response.headers["ETag"],
        "headers": headers,
        "body": response.content,
    }


def response_from_entry(entry):
    response = HttpResponse(entry["body"], status=entry["status"])
    for name, value in entry["headers"]:
        response.headers[name] = value
    response.headers["ETag"] = entry["etag"]
    return response


def render_and_keep(view, request, args, kwargs, key, version):
    """The view's response, with its ETag; kept in the page cache under `key` if given."""
    response = view(request, *args, **kwargs)
    if response.status_code not in KEPT_STATUSES:
        return response
    if hasattr(response, "render") and not response.is_rendered:
        response.render()
    response.headers["ETag"] = content_etag(response.content)
    if key:
        try:
            cache.set(key, page_entry(response, version), settings.PUBLIC_CACHE_SECONDS)
        except Exception as error:
            logger.warning("Page cache unavailable, not storing: %r", error)
    return response


def public_page(view=None, *, params=(), shows=()):
    """
    Make a public view's responses cacheable by anyone.

    Adds `Cache-Control: public, no-cache` (browsers store the page, but
    revalidate on every use, so that a takedown reaches them on the next
    click) and an ETag, and answers a matching If-None-Match with 304 Not
    Modified. The view itself must not touch the session, the user or the
    CSRF token, so that no cookie is set and nothing varies on Cookie.

    The view sees only the query parameters named in `params` (normalised by
    read_only()), so its page depends on nothing its cache key leaves out.

    A page (200) or a withdrawal's notice (410) asked for by its canonical
    address, and not a search, is for the edge to keep too, under surrogate
    keys naming the content versions it reads (claims.edge.edge_headers).

    With settings.PUBLIC_PAGE_CACHE on, such a response is also kept in
    Django's cache for PUBLIC_CACHE_SECONDS and served from there, without
    running the view, while the content versions it was rendered under are
    current: the site-wide one and those `shows` names, either a list of
    names or a function of the view's URL arguments returning one
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
        query = read_only(params, request.GET)
        canonical = is_canonical(request, query)
        request.GET = query
        names = names_read_by(kwargs)
        # A search is as many pages as there are strings to type: none is kept.
        kept = "q" not in query
        version = content_versions(names) if settings.PUBLIC_PAGE_CACHE and kept else None
        # The list's cached parts are kept under the same versions (one read).
        request.content_versions_read = dict(zip(names, version or (), strict=False))
        key = page_cache_key(request) if version else None
        entry = cached_page(key, version) if key else None
        if key:
            page_cache_looked_up.send(public_page, request=request, hit=entry is not None)
        if entry:
            response = response_from_entry(entry)
        else:
            response = render_and_keep(view, request, args, kwargs, key, version)
        if response.status_code not in KEPT_STATUSES:
            return response
        if canonical and kept:
            edge_headers(response, names)
        patch_cache_control(response, public=True, no_cache=True)
        return get_conditional_response(request, etag=response.headers["ETag"], response=response)

    wrapper.names_read_by = names_read_by
    return wrapper


def current_versions(path):
    """The content versions a page cached for `path` must carry to be served now."""
    path = urlsplit(path).path
    # A language's addresses resolve only while it is active.
    with translation.override(translation.get_language_from_path(path) or settings.LANGUAGE_CODE):
        match = resolve(path)
    return content_versions(match.func.names_read_by(match.kwargs))
