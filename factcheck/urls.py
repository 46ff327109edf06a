from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from claims.urls import data_urlpatterns
from factcheck.views import health

urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz", health, name="health"),
    # set_language: staff choose the admin's language (a cookie).
    path("i18n/", include("django.conf.urls.i18n")),
    *data_urlpatterns,
    # The newsroom's language keeps unprefixed addresses; others are "/ko/...".
    *i18n_patterns(path("", include("claims.urls")), prefix_default_language=False),
]
