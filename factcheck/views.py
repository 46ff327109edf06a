import math

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache


@never_cache
def health(request):
    """A constant answer for load balancers; also the benchmark's floor, since
    it passes through the same middleware as every page and touches nothing."""
    return HttpResponse("ok\n", content_type="text/plain")


def locked_out(request, original_response=None, credentials=None):
    """
    The page django-axes shows a locked-out login (AXES_LOCKOUT_CALLABLE):
    who is locked, for how long, and the ways back, with HTTP 429.
    """
    from axes.helpers import get_client_username, get_cool_off, get_failure_limit

    cool_off = get_cool_off(request)
    context = {
        "username": get_client_username(request, credentials) or "",
        "failure_limit": get_failure_limit(request, credentials),
        # Rounded up: "wait 15 minutes" must not end a minute early.
        "cooloff_minutes": math.ceil(cool_off.total_seconds() / 60),
    }
    return render(request, "admin/locked_out.html", context, status=429)
