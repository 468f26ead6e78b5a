from __future__ import annotations

from django.urls import path
from django.views.generic import RedirectView

from clonacare.accounts import converters  # noqa: F401 - registers <id:...>
from clonacare.clinic import (
    follow_up_views,
    group_edit_views,
    group_views,
    monitoring_views,
    outcomes_views,
    part2_views,
    plan_views,
    population_views,
    proposal_views,
    record_views,
    recovery_views,
    review_views,
    safety_plan_views,
    session_views,
    therapy_views,
    views,
    worklist_views,
)

app_name = "clinic"
urlpatterns = [
    path("", worklist_views.worklist, name="worklist"),
    path("caseload/", views.caseload, name="caseload"),
    path("content-review/", review_views.content_review, name="content-review"),
    path(
        "content-review/<slug:kind>/<slug:slug>/",
        review_views.review_page,
        name="content-review-page",
    ),
    # The worklist's first address: kept answering, with its ?role= filter.
    path(
        "worklist/",
        RedirectView.as_view(pattern_name="clinic:worklist", query_string=True),
        name="worklist-moved",
    ),
    path("patients/new/", record_views.register_patient, name="register"),
    path("patients/<id:patient_id>/", views.patient, name="patient"),
    path("patients/<id:patient_id>/status/", record_views.change_status, name="change-status"),
    path(
        "patients/<id:patient_id>/benzodiazepine/",
        record_views.change_benzodiazepine,
        name="change-benzodiazepine",
    ),
    path(
        "patients/<id:patient_id>/dose-changes/<id:change_id>/cosign/",
        record_views.cosign_dose_change,
        name="cosign-dose-change",
    ),
    path(
        "patients/<id:patient_id>/medications/new/",
        record_views.add_medication,
        name="add-medication",
    ),
    path(
        "patients/<id:patient_id>/medications/<id:medication_id>/end/",
        record_views.end_medication,
        name="end-medication",
    ),
    path(
        "patients/<id:patient_id>/conditions/new/",
        record_views.add_condition,
        name="add-condition",
    ),
    path("patients/<id:patient_id>/care-team/", record_views.care_team, name="care-team"),
    path(
        "patients/<id:patient_id>/care-team/<id:user_id>/remove/",
        record_views.remove_care_team_member,
        name="remove-care-team-member",
    ),
    path(
        "patients/<id:patient_id>/instruments/<slug:instrument_id>/",
        views.rate_instrument,
        name="rate",
    ),
    path("patients/<id:patient_id>/level-of-care/", views.level_of_care, name="level-of-care"),
    path("patients/<id:patient_id>/consents/new/", views.add_consent, name="add-consent"),
    path(
        "patients/<id:patient_id>/consents/<id:consent_id>/revoke/",
        views.revoke_consent,
        name="revoke-consent",
    ),
    path("patients/<id:patient_id>/disclose/", part2_views.disclose, name="disclose"),
    path(
        "patients/<id:patient_id>/disclosures/<id:disclosure_id>/package.zip",
        part2_views.disclosure_package,
        name="disclosure-package",
    ),
    path(
        "patients/<id:patient_id>/disclosures/emergency/",
        part2_views.emergency_disclosure,
        name="emergency-disclosure",
    ),
    path("patients/<id:patient_id>/disclosures/", part2_views.accounting, name="accounting"),
    path(
        "patients/<id:patient_id>/disclosures/accounting.csv",
        part2_views.accounting_export,
        name="accounting-export",
    ),
    path(
        "patients/<id:patient_id>/restrictions/<id:request_id>/answer/",
        part2_views.answer_restriction,
        name="answer-restriction",
    ),
    path(
        "patients/<id:patient_id>/monitoring/",
        monitoring_views.patient_monitoring,
        name="patient-monitoring",
    ),
    path(
        "patients/<id:patient_id>/monitoring/follow-up/",
        follow_up_views.set_follow_up,
        name="follow-up",
    ),
    path("patients/<id:patient_id>/modules/", therapy_views.patient_modules, name="modules"),
    path("patients/<id:patient_id>/sessions/", session_views.patient_sessions, name="sessions"),
    path("patients/<id:patient_id>/timeline/", recovery_views.patient_timeline, name="timeline"),
    path(
        "patients/<id:patient_id>/safety-plan/",
        safety_plan_views.patient_safety_plan,
        name="safety-plan",
    ),
    path("patients/<id:patient_id>/plans/", plan_views.patient_plans, name="plans"),
    path("patients/<id:patient_id>/plans/new/", plan_views.draft_plan, name="plan-new"),
    path(
        "patients/<id:patient_id>/plans/preview/",
        plan_views.preview_fragment,
        name="plan-preview",
    ),
    path("plans/<id:plan_id>/", plan_views.plan_page, name="plan"),
    path("plans/<id:plan_id>/approve/", plan_views.approve_plan, name="plan-approve"),
    path("plans/<id:plan_id>/pharmacy.pdf", plan_views.pharmacy_pdf, name="plan-pdf"),
    path("plans/<id:plan_id>/revisions/", plan_views.revise_plan, name="plan-revise"),
    path("proposals/<id:proposal_id>/", proposal_views.proposal_page, name="proposal"),
    path(
        "proposals/<id:proposal_id>/accept/",
        proposal_views.accept_proposal,
        name="proposal-accept",
    ),
    path(
        "proposals/<id:proposal_id>/reject/",
        proposal_views.reject_proposal,
        name="proposal-reject",
    ),
    path("alerts/<id:alert_id>/acknowledge/", views.acknowledge_alert, name="acknowledge"),
    path("audit/", views.audit_log, name="audit"),
    path("audit/export.csv", views.audit_export, name="audit-export"),
    path("groups/", group_views.groups, name="groups"),
    path("groups/<id:group_id>/", group_views.group, name="group"),
    path("groups/<id:group_id>/edit/", group_edit_views.edit_group, name="group-edit"),
    path("groups/<id:group_id>/close/", group_edit_views.close_group, name="group-close"),
    path("programs/<id:program_id>/outcomes/", outcomes_views.outcomes_page, name="outcomes"),
    path("programs/<id:program_id>/outcomes.csv", outcomes_views.outcomes_csv, name="outcomes-csv"),
    path(
        "programs/<id:program_id>/screens/",
        population_views.screens,
        name="population-screens",
    ),
    path("screens/<id:screen_id>/", population_views.screen, name="population-screen"),
    path(
        "screens/<id:screen_id>/invitations/",
        population_views.invite,
        name="population-invite",
    ),
    path(
        "invitations/<id:invitation_id>/",
        population_views.invitation,
        name="population-invitation",
    ),
    path(
        "invitations/<id:invitation_id>/answer/",
        population_views.answer_invitation,
        name="population-invitation-answer",
    ),
]
