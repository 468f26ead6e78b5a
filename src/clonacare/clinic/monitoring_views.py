"""The clinic's page of how a patient's taper is going: the CIWA-B trend of their
check-ins with sleep, anxiety and craving, every check-in of the last weeks, the dose
log day by day, and the proposals the rules made. Read through the patient's gate
(audited as ``monitoring.view``); nothing is written here."""

from __future__ import annotations

import datetime as dt

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from clonacare.accounts.actors import actor_from_request
from clonacare.accounts.decorators import staff_required
from clonacare.monitoring.access import check_ins_of, dose_logs_of, proposals_visible_to
from clonacare.monitoring.follow_up import follow_up_state
from clonacare.monitoring.trend import (
    WEEKS_SHOWN,
    ciwa_b_sum_maximum,
    dose_days,
    trend_chart_data_uri,
    trend_rows,
)
from clonacare.patients.access import PatientNotFound, access_patient_by_id
from clonacare.patients.models import DOSE_TIMES, Patient

# The dose log grid shows the last four weeks; older logs are in the API.
DOSE_DAYS_SHOWN = 28


def patient_of(request: HttpRequest, patient_id: int, purpose: str) -> Patient:
    """The patient ``patient_id`` through its gate (audited as ``purpose``); 404 when the
    signed-in staff member may not see them."""
    try:
        return access_patient_by_id(actor_from_request(request), patient_id, purpose=purpose)
    except PatientNotFound:
        raise Http404("No such patient.") from None


@require_GET
@staff_required
def patient_monitoring(request: HttpRequest, patient_id: int) -> HttpResponse:
    return monitoring_page(request, patient_of(request, patient_id, "monitoring.view"))


def monitoring_page(
    request: HttpRequest,
    patient: Patient,
    *,
    follow_up_form: dict[str, str] | None = None,
    follow_up_error: str = "",
    status: int = 200,
) -> HttpResponse:
    """The page of ``patient`` (read through the gate already), with the form of the
    check-ins after the taper as posted (``follow_up_form``) and its refusal, if any."""
    actor = actor_from_request(request)
    today = timezone.localdate()
    rows = trend_rows(check_ins_of(patient), today - dt.timedelta(weeks=WEEKS_SHOWN))
    logs = dose_logs_of(patient)
    since = today - dt.timedelta(days=DOSE_DAYS_SHOWN - 1)
    logged = set(logs.filter(day__gte=since).values_list("day", "dose_time"))
    dose_times = [t for t in DOSE_TIMES if t in {time for _, time in logged}]
    # From the first day logged in the window: the days before it say nothing.
    since = min((day for day, _ in logged), default=since)
    context = {
        "patient": patient,
        "rows": list(reversed(rows)),
        "chart": trend_chart_data_uri(rows),
        "ciwa_b_maximum": ciwa_b_sum_maximum(),
        "weeks": WEEKS_SHOWN,
        "dose_times": dose_times,
        "dose_days": dose_days(logs, dose_times, since, today) if dose_times else [],
        "dose_days_shown": DOSE_DAYS_SHOWN,
        "proposals": proposals_visible_to(actor).filter(patient=patient).order_by("-made_at"),
        "follow_up": follow_up_state(actor, patient, today),
        "follow_up_form": follow_up_form or {},
        "follow_up_error": follow_up_error,
    }
    return render(request, "clinic/monitoring.html", context, status=status)
