"""Compression of the public pages; the language of every page."""

from django.conf import settings
from django.middleware.gzip import GZipMiddleware
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.cache import has_vary_header, patch_vary_headers

PRIVATE_PREFIXES = ("/admin/",)
# Staff pages, in the language each person chose: the admin, and the view
# that records the choice (django.views.i18n.set_language).
STAFF_PREFIXES = ("/admin/", "/i18n/")


class DeskLocaleMiddleware(LocaleMiddleware):
    """
    A public page is in the language its address names: "/ko/..." in Korean,
    an unprefixed one in the newsroom's (settings.LANGUAGE_CODE), whatever
    the reader's browser asks for, so that one address is one page for every
    reader and every cache, with no Vary. Staff pages are in the language
    the person chose (the language cookie, which the admin's header sets),
    else their browser's (Accept-Language), and vary on both.
    """

    def process_request(self, request):
        if request.path_info.startswith(STAFF_PREFIXES):
            language = translation.get_language_from_request(request, check_path=False)
        else:
            language = translation.get_language_from_path(request.path_info)
        translation.activate(language or settings.LANGUAGE_CODE)
        request.LANGUAGE_CODE = translation.get_language()

    def process_response(self, request, response):
        if request.path_info.startswith(STAFF_PREFIXES):
            patch_vary_headers(response, ("Accept-Language", "Cookie"))
        response.headers.setdefault("Content-Language", translation.get_language())
        return response


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
