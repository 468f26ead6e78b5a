from __future__ import annotations

from django.urls import path

from clonacare.clinic import views

app_name = "clinic"
urlpatterns = [
    path("", views.caseload, name="caseload"),
    path("patients/<int:patient_id>/", views.patient, name="patient"),
    path(
        "patients/<int:patient_id>/instruments/<slug:instrument_id>/",
        views.rate_instrument,
        name="rate",
    ),
    path("patients/<int:patient_id>/level-of-care/", views.level_of_care, name="level-of-care"),
    path("patients/<int:patient_id>/consents/new/", views.add_consent, name="add-consent"),
    path(
        "patients/<int:patient_id>/consents/<int:consent_id>/revoke/",
        views.revoke_consent,
        name="revoke-consent",
    ),
    path("patients/<int:patient_id>/disclose/", views.disclose, name="disclose"),
    path("alerts/<int:alert_id>/acknowledge/", views.acknowledge_alert, name="acknowledge"),
    path("audit/", views.audit_log, name="audit"),
    path("audit/export.csv", views.audit_export, name="audit-export"),
]
