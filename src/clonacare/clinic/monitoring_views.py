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
from clonacare.monitoring.trend import (
    WEEKS_SHOWN,
    ciwa_b_sum_maximum,
    dose_days,
    trend_chart_data_uri,
    trend_rows,
)
from clonacare.patients.access import PatientNotFound, access_patient_by_id
from clonacare.patients.models import DOSE_TIMES

# The dose log grid shows the last four weeks; older logs are in the API.
DOSE_DAYS_SHOWN = 28


@require_GET
@staff_required
def patient_monitoring(request: HttpRequest, patient_id: int) -> HttpResponse:
    actor = actor_from_request(request)
    try:
        patient = access_patient_by_id(actor, patient_id, purpose="monitoring.view")
    except PatientNotFound:
        raise Http404("No such patient.") from None
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
    }
    return render(request, "clinic/monitoring.html", context)
