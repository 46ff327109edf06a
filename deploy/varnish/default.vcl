# The desk's edge cache: Varnish 7 with the xkey vmod (Debian: varnish,
# varnish-modules). It keeps public pages that the origin marks for it
# (Surrogate-Control) under their surrogate keys (xkey), and drops them when
# the desk purges those keys after every change (claims.edge.VarnishPurge).
#
# The origins and their health probes are in origins.vcl, found on vcl_path
# (scripts/edge.py writes one for the gunicorns it starts).
vcl 4.1;

import directors;
import std;
import xkey;

include "origins.vcl";

# Who may purge: the desk's own hosts.
acl purgers {
    "127.0.0.1";
    "::1";
}

sub vcl_recv {
    if (req.method == "PURGE") {
        if (client.ip !~ purgers) {
            return (synth(403, "Forbidden"));
        }
        if (req.http.xkey-purge) {
            # A hard purge: a withdrawn page must never come back from grace.
            set req.http.n-gone = xkey.purge(req.http.xkey-purge);
        } elsif (req.http.xkey-softpurge) {
            # A soft purge: a changed page expires now but is kept (vcl_hit).
            set req.http.n-gone = xkey.softpurge(req.http.xkey-softpurge);
        } else {
            return (synth(400, "Name the keys to purge in xkey-purge or xkey-softpurge"));
        }
        return (synth(200, "Purged " + req.http.n-gone + " objects"));
    }
    # Set by vcl_hit only (below), on a restart: drop the page the desk
    # changed, then look it up again (vcl_purge): a miss, on which readers
    # asking at the same time wait for one fetch rather than each sending one.
    if (req.restarts == 0) {
        unset req.http.edge-fetch-anew;
    } elsif (req.http.edge-fetch-anew == "drop") {
        set req.http.edge-fetch-anew = "dropped";
        return (purge);
    }
    set req.backend_hint = origins.backend(resolve=LAZY);
    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    # The admin, staff with a session and the readers' forms (which carry a
    # CSRF cookie) go to the origin. Any other cookie (none of the public
    # pages reads one) must not split the cache, nor make a page uncached.
    if (req.url ~ "^/(admin|healthz|ask|unsubscribe)(/|$)"
        || req.url ~ "^/claims/[^/]+/(preview|report)/") {
        return (pass);
    }
    if (req.http.Authorization || req.http.Cookie ~ "(^|;\s*)(__Host-)?sessionid=") {
        return (pass);
    }
    unset req.http.Cookie;
    # htmx's headers count as present ("true") or absent, whatever a client
    # sends: four variants of a page at most.
    if (req.http.HX-Request == "true") {
        set req.http.HX-Request = "true";
    } else {
        unset req.http.HX-Request;
    }
    if (req.http.HX-History-Restore-Request != "true") {
        unset req.http.HX-History-Restore-Request;
    }
    set req.url = std.querysort(req.url);
    # A search is as many pages as there are strings to type: never kept.
    if (req.url ~ "[?&]q=[^&]") {
        return (pass);
    }
    return (hash);
}

# A page soft-purged (the desk changed it) is told from one whose lifetime
# simply ran out by its age and what is left of its lifetime: they add up to
# less than the lifetime it was given. While an origin is healthy, and for a
# few seconds after the change, readers get it while one fetch brings the new
# page (no reader waits on the origin); otherwise, in an outage above all,
# it is never served: it is dropped and fetched anew, or not served at all.
sub vcl_hit {
    if (obj.ttl <= 0s
        && obj.ttl + obj.age < std.duration(obj.http.edge-lifetime, 0s) - 1s
        && (obj.ttl < -5s || !std.healthy(req.backend_hint))) {
        set req.http.edge-fetch-anew = "drop";
        return (restart);
    }
}

sub vcl_purge {
    if (req.http.edge-fetch-anew == "dropped") {
        return (restart);
    }
}

# Each address has its origin (the shard director hashes the URL), and each
# retry the next one: a request the first could not answer goes to another,
# never back to the same one, whatever other readers are asking meanwhile.
# A sick origin is skipped.
sub vcl_backend_fetch {
    unset bereq.http.edge-fetch-anew;
    set bereq.backend = origins.backend(by=URL, alt=bereq.retries, healthy=ALL);
}

sub vcl_backend_response {
    if (bereq.uncacheable) {
        return (deliver);
    }
    # The origin failed while a stale page was being refreshed: keep serving
    # the stale page (grace) rather than the error.
    if (beresp.status >= 500 && bereq.is_bgfetch) {
        return (abandon);
    }
    # Kept only when the origin says so: a public page or a withdrawal's
    # notice, asked for by its canonical address, with no cookie.
    if ((beresp.status == 200 || beresp.status == 410)
        && beresp.http.Surrogate-Control ~ "max-age=[0-9]+"
        && !beresp.http.Set-Cookie) {
        set beresp.ttl = std.duration(
            regsub(beresp.http.Surrogate-Control, "^.*max-age=([0-9]+).*$", "\1s"), 0s);
        # The lifetime given, which vcl_hit compares.
        set beresp.http.edge-lifetime = beresp.ttl + "s";
        # Served past its lifetime while the origin is down or failing.
        set beresp.grace = std.duration(
            regsub(beresp.http.Surrogate-Control, "^.*stale-if-error=([0-9]+).*$", "\1s"), 0s);
        set beresp.keep = 0s;
        return (deliver);
    }
    # Static files: as their Cache-Control says (Varnish's built-in rules).
    if (bereq.url ~ "^/static/") {
        return (deliver);
    }
    # Anything else (an error, a 404, a redirect, a page asked for by a
    # non-canonical address) is passed on and never kept.
    set beresp.uncacheable = true;
    set beresp.ttl = 0s;
    set beresp.grace = 0s;
    set beresp.keep = 0s;
    return (deliver);
}

# An origin that failed before answering (refused, or it closed the
# connection: stopped or stopping, before its probe says so): ask the next
# origin (vcl_backend_fetch). Only reads: a form sent once is not sent twice.
sub vcl_backend_error {
    if (bereq.retries < 2 && (bereq.method == "GET" || bereq.method == "HEAD")) {
        return (retry);
    }
    # Varnish's own 503: the object is new and at once past its lifetime, so
    # without this mark it would be labelled STALE, as though it were a page.
    set beresp.http.X-Cache = "ERROR";
}

sub vcl_deliver {
    # What only the edge needs to know.
    unset resp.http.xkey;
    unset resp.http.Surrogate-Key;
    unset resp.http.Cache-Tag;
    unset resp.http.Surrogate-Control;
    unset resp.http.edge-lifetime;
    unset resp.http.CDN-Cache-Control;
    unset resp.http.Via;
    unset resp.http.X-Varnish;
    if (resp.http.X-Cache == "ERROR") {
        # No origin answered (vcl_backend_error): nothing stale in it.
    } elsif (obj.uncacheable) {
        set resp.http.X-Cache = "PASS";
    } elsif (obj.ttl <= 0s) {
        # Past its lifetime or soft-purged: served while it is fetched again
        # (or from grace, while the origins fail).
        set resp.http.X-Cache = "STALE";
    } elsif (obj.hits > 0) {
        set resp.http.X-Cache = "HIT";
    } else {
        set resp.http.X-Cache = "MISS";
    }
}
