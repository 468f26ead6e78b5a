"""The patient's own check-ins in the portal: how their withdrawal symptoms, sleep,
anxiety and craving have gone over the last weeks, as a chart and a list (the same read
model as the clinic's page, ``monitoring.trend``)."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from clonacare.accounts.decorators import patient_required
from clonacare.monitoring.access import check_ins_of
from clonacare.monitoring.trend import (
    WEEKS_SHOWN,
    ciwa_b_sum_maximum,
    trend_chart_data_uri,
    trend_rows,
)
from clonacare.portal.own import own_patient


@require_GET
@patient_required
def my_check_ins(request: HttpRequest) -> HttpResponse:
    patient = own_patient(request, "portal.check-ins")
    since = timezone.localdate() - dt.timedelta(weeks=WEEKS_SHOWN)
    rows = trend_rows(check_ins_of(patient), since)
    context = {
        "patient": patient,
        "rows": list(reversed(rows)),
        "chart": trend_chart_data_uri(rows),
        "ciwa_b_maximum": ciwa_b_sum_maximum(),
        "weeks": WEEKS_SHOWN,
    }
    return render(request, "portal/check_ins.html", context)
