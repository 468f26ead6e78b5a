from __future__ import annotations

from django.urls import path

from clonacare.accounts import converters  # noqa: F401 - registers <id:...>
from clonacare.portal import (
    group_views,
    monitoring_views,
    part2_views,
    plan_views,
    recovery_views,
    safety_plan_views,
    session_views,
    therapy_views,
    views,
)

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("questionnaires/<slug:instrument_id>/", views.questionnaire, name="questionnaire"),
    path("responses/<id:response_id>/", views.response, name="response"),
    path("consents/<id:consent_id>/revoke/", views.revoke_consent, name="revoke-consent"),
    path("disclosures/", part2_views.accounting, name="disclosures"),
    path("disclosures/accounting.csv", part2_views.accounting_export, name="disclosures-export"),
    path("seizure/", views.report_seizure, name="report-seizure"),
    path("seizure/<id:report_id>/", views.seizure_reported, name="seizure-reported"),
    path("plan/", plan_views.plan_today, name="plan"),
    path("plan/calendar.ics", plan_views.calendar_download, name="plan-calendar"),
    path("plan/calendar-link/", plan_views.calendar_link, name="calendar-link"),
    path("calendar/<str:token>.ics", plan_views.calendar_feed, name="calendar-feed"),
    path("doses/", plan_views.dose_log, name="dose-log"),
    path("check-in/", plan_views.check_in, name="check-in"),
    path("check-in/<id:check_in_id>/", plan_views.check_in_saved, name="check-in-saved"),
    path("check-ins/", monitoring_views.my_check_ins, name="check-ins"),
    path("modules/", therapy_views.my_modules, name="modules"),
    path("modules/<slug:slug>/", therapy_views.my_module, name="module"),
    path("safety-plan/", safety_plan_views.my_safety_plan, name="safety-plan"),
    path("safety-plan/edit/", safety_plan_views.add_to_safety_plan, name="safety-plan-edit"),
    path("safety-plan/print/", safety_plan_views.print_safety_plan, name="safety-plan-print"),
    path("groups/", group_views.my_groups, name="groups"),
    path("sessions/", session_views.my_sessions, name="sessions"),
    path("recovery/", recovery_views.my_recovery, name="recovery"),
]
