"""The client's address, believed only as far as the deployment's proxies are trusted."""

from django.conf import settings


def client_ip(request):
    """
    The address login throttling locks: REMOTE_ADDR, unless TRUSTED_PROXY_COUNT
    proxies stand in front of the app. Each of those appends the address it saw
    to X-Forwarded-For, so the client is the entry that many places from the
    right; anything further left was written by the client and is never read.
    """
    count = settings.TRUSTED_PROXY_COUNT
    if count:
        header = request.META.get("HTTP_X_FORWARDED_FOR", "")
        hops = [hop.strip() for hop in header.split(",") if hop.strip()]
        if len(hops) >= count:
            return hops[-count]
    return request.META.get("REMOTE_ADDR")
