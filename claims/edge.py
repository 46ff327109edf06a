"""
The edge cache in front of the desk: what public responses tell it, and how
it is told to drop pages (settings.EDGE_PURGE_BACKEND).

Every public page names what it shows by the content versions it reads
(claims.page_versions: "public", "claim:<slug>", "pages:list"...). The same
names are its surrogate keys at the edge, so that a change purges exactly the
pages it retires: `xkey` for Varnish, `Surrogate-Key` for Fastly,
`Cache-Tag` for Cloudflare. Every page carries "public", so purging it
purges everything.

Backends send purges over HTTP and raise PurgeFailed when the edge does not
acknowledge one; claims.purges keeps the keys and tries again.
"""

import json
import urllib.error
import urllib.request
from email.utils import parsedate_to_datetime

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

# Documented limits: Fastly purges up to 256 surrogate keys in one request
# (API reference, "Purge multiple surrogate key tags"); Cloudflare's purge by
# tag took 30 tags a call, 100 since its 2025 purge limits: 30 holds for both.
FASTLY_KEYS_PER_REQUEST = 256
CLOUDFLARE_TAGS_PER_REQUEST = 30
# How long a purge request may take before the edge counts as down.
PURGE_TIMEOUT_SECONDS = 5


class PurgeFailed(Exception):
    """The edge did not acknowledge a purge; `retry_after` (seconds) if it said when to retry."""

    def __init__(self, message, retry_after=None):
        super().__init__(message)
        self.retry_after = retry_after


def batches(keys, size):
    keys = sorted(keys)
    return [keys[start : start + size] for start in range(0, len(keys), size)]


def retry_after_seconds(value):
    """A Retry-After header's delay in seconds (either form), or None."""
    if not value:
        return None
    if value.strip().isdigit():
        return int(value)
    try:
        return max(0, (parsedate_to_datetime(value) - timezone.now()).total_seconds())
    except (TypeError, ValueError):
        return None


def send(request):
    """Send `request`; raise PurgeFailed unless the edge answers 2xx."""
    if not request.full_url.startswith(("http://", "https://")):
        raise PurgeFailed(f"Not an HTTP address: {request.full_url!r}.")
    try:
        # Only http(s), checked above.
        with urllib.request.urlopen(request, timeout=PURGE_TIMEOUT_SECONDS) as response:  # noqa: S310
            response.read()
    except urllib.error.HTTPError as error:
        retry_after = retry_after_seconds(error.headers.get("Retry-After"))
        if error.code == 429:
            raise PurgeFailed("Rate limited by the edge.", retry_after or 60) from error
        raise PurgeFailed(f"The edge answered {error.code} to a purge.", retry_after) from error
    except (OSError, ValueError) as error:
        raise PurgeFailed(f"The edge could not be reached: {error}") from error


def post(url, body, headers):
    return urllib.request.Request(url, data=body, method="POST", headers=headers)  # noqa: S310


class NoEdge:
    """No edge cache in front: nothing to purge."""

    def purge(self, keys, soft=False):
        pass

    def purge_all(self):
        pass


class VarnishPurge:
    """
    Varnish with the xkey vmod (deploy/varnish/default.vcl): a PURGE request
    naming the keys in `xkey-purge`, to each Varnish in EDGE_VARNISH_URLS.
    A hard purge: a withdrawn page is never served again, not even in grace.
    A soft one (`xkey-softpurge`) lets the edge serve a changed page for the
    moment it takes to fetch the new one, while an origin is up, rather than
    have every reader of it wait; default.vcl never serves it in an outage.
    """

    def __init__(self, urls):
        self.urls = urls

    def purge(self, keys, soft=False):
        header = "xkey-softpurge" if soft else "xkey-purge"
        for url in self.urls:
            # xkey takes keys separated by spaces; a header stays well under
            # Varnish's 8 KB limit at 100 keys of up to ~60 characters.
            for batch in batches(keys, 100):
                headers = {header: " ".join(batch)}
                send(urllib.request.Request(url, method="PURGE", headers=headers))  # noqa: S310

    def purge_all(self):
        self.purge(["public"])


class FastlyPurge:
    """
    Fastly's batch purge by surrogate key. Always hard, even when `soft`: a
    soft-purged page is stale, and stale pages are what Fastly serves while
    the origin fails (stale-if-error), so a changed verdict would come back
    during an outage.
    """

    def __init__(self, service_id, api_token, api_url="https://api.fastly.com"):
        self.endpoint = f"{api_url.rstrip('/')}/service/{service_id}/purge"
        self.api_token = api_token

    def purge(self, keys, soft=False):
        headers = {"Fastly-Key": self.api_token, "Content-Type": "application/json"}
        for batch in batches(keys, FASTLY_KEYS_PER_REQUEST):
            body = json.dumps({"surrogate_keys": batch}).encode()
            send(post(self.endpoint, body, headers))

    def purge_all(self):
        self.purge(["public"])


class CloudflarePurge:
    """Cloudflare's purge by cache tag, on one zone (it has no soft purge)."""

    def __init__(self, zone_id, api_token, api_url="https://api.cloudflare.com/client/v4"):
        self.endpoint = f"{api_url.rstrip('/')}/zones/{zone_id}/purge_cache"
        self.api_token = api_token

    def purge(self, keys, soft=False):
        headers = {
            "Authorization": f"Bearer {self.api_token}",
            "Content-Type": "application/json",
        }
        for batch in batches(keys, CLOUDFLARE_TAGS_PER_REQUEST):
            body = json.dumps({"tags": batch}).encode()
            send(post(self.endpoint, body, headers))

    def purge_all(self):
        self.purge(["public"])


BACKENDS = {
    "none": "claims.edge.NoEdge",
    "varnish": "claims.edge.VarnishPurge",
    "fastly": "claims.edge.FastlyPurge",
    "cloudflare": "claims.edge.CloudflarePurge",
}


def purge_backend():
    """The backend settings.EDGE_PURGE_BACKEND names, built from its options."""
    return import_string(BACKENDS[settings.EDGE_PURGE_BACKEND])(**settings.EDGE_PURGE_OPTIONS)


def edge_headers(response, keys):
    """
    Let the edge keep `response` for EDGE_CACHE_SECONDS (and serve it up to
    EDGE_GRACE_SECONDS longer while the origin fails), indexed under `keys`.
    Browsers read only Cache-Control, which asks them to revalidate.
    """
    lifetime = (
        f"max-age={settings.EDGE_CACHE_SECONDS}, stale-if-error={settings.EDGE_GRACE_SECONDS}"
    )
    response.headers["Surrogate-Control"] = lifetime
    response.headers["CDN-Cache-Control"] = lifetime
    keys = sorted(keys)
    response.headers["xkey"] = " ".join(keys)
    response.headers["Surrogate-Key"] = " ".join(keys)
    response.headers["Cache-Tag"] = ",".join(keys)
