from __future__ import annotations

from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path, re_path

from clonacare.api import errors as api_errors
from clonacare.api.v1 import api
from clonacare.web.language import set_language

# Staff pages and the API: English only, at the paths they always had.
urlpatterns = [
    path("clinic/", include("clonacare.clinic.urls")),
    path("api/v1/", api.urls),
    # Any other path under /api/ (/api/v1 without its slash, /api/v2/...): the API's JSON 404.
    re_path(r"^api/", api_errors.not_found_view),
    path("language/", set_language, name="set-language"),
]
# The public site, signing in and the portal: English at these paths and Spanish at the
# same paths under /es/ (docs/content.md, "Languages").
urlpatterns += i18n_patterns(
    path("", include("clonacare.education.urls")),
    path("accounts/", include("clonacare.accounts.urls")),
    path("portal/", include("clonacare.portal.urls")),
    prefix_default_language=False,
)

handler404 = "clonacare.web.errors.not_found"
handler400 = "clonacare.web.errors.bad_request"
handler403 = "clonacare.web.errors.permission_denied"
handler500 = "clonacare.web.errors.server_error"
