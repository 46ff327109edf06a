from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.urls import reverse
from django.utils.translation import override

from claims.claimreview import absolute_url
from claims.models import Figure, Revision, Source


class SiteUrlSitemap(Sitemap):
    """
    Addresses built from settings.SITE_URL, never from the request's Host:
    each page once in each language it exists in, with its alternates in the
    others (hreflang) and the newsroom's language as x-default.
    """

    i18n = True
    alternates = True
    x_default = True

    # Pages of 5,000 addresses (the protocol allows 50,000): every claim change
    # retires the sitemap, and a page of 50,000 took seconds to render again.
    limit = 5_000

    def get_protocol(self, protocol=None):
        return urlsplit(settings.SITE_URL).scheme

    def get_domain(self, site=None):
        return urlsplit(settings.SITE_URL).netloc


class ClaimSitemap(SiteUrlSitemap):
    """
    Each published claim at the address its current revision has, as of that
    revision, in each language it is published in: its original's, and each
    of its current translations' (claims.models.translations).

    One row a page address, paged in the database (5,000 a page): Django's
    i18n sitemaps list every item in every language in memory for each page,
    which for 100,000 claims means reading them all to render any one page.
    """

    i18n = False

    def items(self):
        return (
            Revision.objects.seen_by_readers()
            .only("slug", "published_at", "language")
            .order_by("-first_published_at", "-pk")
        )

    def location(self, revision):
        with override(revision.language):
            return reverse("claim_detail", args=[revision.slug])

    def lastmod(self, revision):
        return revision.published_at


class SourceSitemap(SiteUrlSitemap):
    def items(self):
        return Source.objects.public().only("slug").order_by("slug")


class FigureSitemap(SiteUrlSitemap):
    def items(self):
        return Figure.objects.only("slug").order_by("slug")


class BrowseSitemap(SiteUrlSitemap):
    """The lists readers browse: every figure, every public source."""

    def items(self):
        """Each list that has anything in it."""
        lists = [("figure_list", Figure.objects), ("source_list", Source.objects.public())]
        return [url_name for url_name, rows in lists if rows.exists()]

    def location(self, url_name):
        return reverse(url_name)


SITEMAPS = {
    "claims": ClaimSitemap,
    "sources": SourceSitemap,
    "figures": FigureSitemap,
    "browse": BrowseSitemap,
}


def section_pages():
    """The address of every page of every section, for the sitemap index."""
    pages = []
    for section, sitemap in SITEMAPS.items():
        address = absolute_url(reverse("sitemap_section", kwargs={"section": section}))
        pages.append(address)
        pages += [f"{address}?p={number}" for number in range(2, sitemap().paginator.num_pages + 1)]
    return pages
