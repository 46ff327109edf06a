from django.http import HttpResponse
from django.views.decorators.cache import never_cache


@never_cache
def health(request):
    """A constant answer for load balancers; also the benchmark's floor, since
    it passes through the same middleware as every page and touches nothing."""
    return HttpResponse("ok\n", content_type="text/plain")
