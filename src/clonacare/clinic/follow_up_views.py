"""The clinic's form that keeps on or ends the monthly check-ins after a patient's taper
(``do_set_follow_up``), on the patient's monitoring page. Stored: back to the page's
section. Refused: the page again with the message and the status of its kind (403 for
staff not on the care team, 400 for a missing reason or nothing to change)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from clonacare.accounts.actors import actor_from_request
from clonacare.accounts.decorators import staff_required
from clonacare.clinic.monitoring_views import monitoring_page, patient_of
from clonacare.core.errors import ClinicalError
from clonacare.monitoring.actions import do_set_follow_up

CHOICE_MISSING = "Choose whether the check-ins after the taper continue or end."
CHOICES = {"on": True, "off": False}


@require_POST
@staff_required
def set_follow_up(request: HttpRequest, patient_id: int) -> HttpResponse:
    patient = patient_of(request, patient_id, "monitoring.follow-up")
    posted = {
        "follow_up": request.POST.get("follow_up", ""),
        "reason": request.POST.get("reason", ""),
    }
    on = CHOICES.get(posted["follow_up"])
    try:
        if on is None:
            raise ClinicalError("missing", CHOICE_MISSING)
        do_set_follow_up(
            actor_from_request(request), patient, on, posted["reason"], now=timezone.now()
        )
    except ClinicalError as exc:
        return monitoring_page(
            request,
            patient,
            follow_up_form=posted,
            follow_up_error=exc.message,
            status=exc.kind.status,
        )
    return redirect(reverse("clinic:patient-monitoring", args=[patient.pk]) + "#follow-up-title")
