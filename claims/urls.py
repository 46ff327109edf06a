from django.urls import path

from claims import views

urlpatterns = [
    path("", views.claim_list, name="claim_list"),
    path("claims/<slug:slug>/", views.claim_detail, name="claim_detail"),
    path("sources/<slug:slug>/", views.source_detail, name="source_detail"),
]
