"""The project's URLs plus two that exist only for the tests."""

from django.http import HttpResponse
from django.template import RequestContext, Template
from django.urls import path

from factcheck.urls import urlpatterns as project_urlpatterns

SECRET_DETAIL = "connection to db-primary.internal refused for user factcheck_owner"

NONCED_PAGE = Template(
    '<!doctype html><title>nonce</title><script nonce="{{ csp_nonce }}">var ok = 1;</script>'
)


def nonced_script(request):
    """A page with an inline script carrying the request's CSP nonce."""
    return HttpResponse(NONCED_PAGE.render(RequestContext(request)))


def broken(request):
    """Fails the way a real bug would, with internals in the exception."""
    raise RuntimeError(SECRET_DETAIL)


urlpatterns = [
    path("test-only/nonced/", nonced_script),
    path("test-only/broken/", broken),
    *project_urlpatterns,
]
