from __future__ import annotations

from django.urls import include, path

from clonacare.api.v1 import api

urlpatterns = [
    path("", include("clonacare.education.urls")),
    path("accounts/", include("clonacare.accounts.urls")),
    path("portal/", include("clonacare.portal.urls")),
    path("clinic/", include("clonacare.clinic.urls")),
    path("api/v1/", api.urls),
]

handler404 = "clonacare.education.views.not_found"
