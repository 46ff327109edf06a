from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap

from claims.figures import Figure
from claims.models import Claim, Source


class SiteUrlSitemap(Sitemap):
    """Addresses built from settings.SITE_URL, never from the request's Host."""

    def get_protocol(self, protocol=None):
        return urlsplit(settings.SITE_URL).scheme

    def get_domain(self, site=None):
        return urlsplit(settings.SITE_URL).netloc


class ClaimSitemap(SiteUrlSitemap):
    def items(self):
        return Claim.objects.published().only("slug", "updated_at").order_by("-published_at", "-pk")

    def lastmod(self, claim):
        return claim.updated_at


class SourceSitemap(SiteUrlSitemap):
    def items(self):
        return Source.objects.public().only("slug").order_by("slug")


class FigureSitemap(SiteUrlSitemap):
    def items(self):
        return Figure.objects.only("slug").order_by("slug")


SITEMAPS = {"claims": ClaimSitemap, "sources": SourceSitemap, "figures": FigureSitemap}
