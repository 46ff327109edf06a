from django.contrib.sitemaps.views import sitemap
from django.urls import path
from django.views.decorators.http import require_safe

from claims import figure_views, tip_views, views
from claims.caching import public_page
from claims.feeds import VerdictFeed
from claims.page_versions import FEED, SITEMAP
from claims.sitemaps import SITEMAPS

# Pages in a language: at their address in the newsroom's language, and under
# each other language's prefix ("/ko/claims/<slug>/"): factcheck.urls.
urlpatterns = [
    path("", views.claim_list, name="claim_list"),
    path("claims/<slug:slug>/", views.claim_detail, name="claim_detail"),
    path("claims/<slug:slug>/versions/", views.claim_versions, name="claim_versions"),
    path("claims/<slug:slug>/versions/<int:number>/", views.claim_version, name="claim_version"),
    path("claims/<slug:slug>/preview/", views.claim_preview, name="claim_preview"),
    path("claims/<slug:slug>/report/", tip_views.report_error, name="report_error"),
    path("ask/", tip_views.ask, name="ask"),
    path("ask/sent/", tip_views.ask_sent, name="ask_sent"),
    path("unsubscribe/<str:token>/", tip_views.unsubscribe, name="unsubscribe"),
    path("sources/", views.source_list, name="source_list"),
    path("sources/<slug:slug>/", views.source_detail, name="source_detail"),
    path("methodology/", views.methodology, name="methodology"),
    path("follow/", views.follow, name="follow"),
    path("figures/", figure_views.figure_list, name="figure_list"),
    path("figures/<slug:slug>/", figure_views.figure_detail, name="figure_detail"),
    path("feed/", require_safe(public_page(VerdictFeed(), shows=[FEED])), name="feed"),
]

# Data in no language, at one address: a figure's numbers, every ClaimReview
# (each names its own language), and the sitemap, which names every page in
# every language (claims.sitemaps).
data_urlpatterns = [
    path("claims.json", views.claim_reviews, name="claim_reviews"),
    path("figures/<slug:slug>.csv", figure_views.figure_csv, name="figure_csv"),
    path("figures/<slug:slug>.json", figure_views.figure_json, name="figure_json"),
    path("sitemap.xml", views.sitemap_index, name="sitemap"),
    path(
        "sitemap-<slug:section>.xml",
        require_safe(public_page(sitemap, params=("p",), shows=[SITEMAP])),
        {"sitemaps": SITEMAPS},
        name="sitemap_section",
    ),
]
