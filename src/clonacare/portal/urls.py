from __future__ import annotations

from django.urls import path

from clonacare.accounts import converters  # noqa: F401 - registers <id:...>
from clonacare.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("questionnaires/<slug:instrument_id>/", views.questionnaire, name="questionnaire"),
    path("responses/<id:response_id>/", views.response, name="response"),
    path("consents/<id:consent_id>/revoke/", views.revoke_consent, name="revoke-consent"),
    path("seizure/", views.report_seizure, name="report-seizure"),
    path("seizure/<id:report_id>/", views.seizure_reported, name="seizure-reported"),
]
