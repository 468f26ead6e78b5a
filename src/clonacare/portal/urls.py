from __future__ import annotations

from django.urls import path

from clonacare.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("questionnaires/<slug:instrument_id>/", views.questionnaire, name="questionnaire"),
    path("responses/<int:response_id>/", views.response, name="response"),
    path("consents/<int:consent_id>/revoke/", views.revoke_consent, name="revoke-consent"),
]
