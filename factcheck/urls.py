from django.contrib import admin
from django.urls import include, path

from factcheck.views import health

urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz", health, name="health"),
    path("", include("claims.urls")),
]
