"""Compression of the public pages."""

from django.conf import settings
from django.middleware.gzip import GZipMiddleware
from django.utils.cache import has_vary_header

PRIVATE_PREFIXES = ("/admin/",)


class PublicGZipMiddleware(GZipMiddleware):
    """
    Gzip what readers are sent, and nothing of the admin.

    Public pages carry no secret (no session, no CSRF token, nothing per
    user), so BREACH, which reads a secret from the size of compressed pages,
    has nothing to find there. The admin does carry them, so it is sent as it
    is; so is anything that varies by cookie. Static files are left to
    WhiteNoise, which serves them precompressed.
    """

    def process_response(self, request, response):
        if (
            request.path_info.startswith(PRIVATE_PREFIXES)
            or request.path_info.startswith(f"/{settings.STATIC_URL.lstrip('/')}")
            or response.cookies
            or has_vary_header(response, "Cookie")
        ):
            return response
        return super().process_response(request, response)
