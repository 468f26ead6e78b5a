from __future__ import annotations

from django.urls import include, path

urlpatterns = [
    path("", include("clonacare.education.urls")),
]

handler404 = "clonacare.education.views.not_found"
