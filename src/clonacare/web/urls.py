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
handler400 = "clonacare.web.errors.bad_request"
handler403 = "clonacare.web.errors.permission_denied"
handler500 = "clonacare.web.errors.server_error"
