"""The patient's accounting of disclosures (42 CFR § 2.25): who received their record,
when, why, what and under which consent, for the last ``accounting_years`` years, as a
page and as CSV; and their requests to restrict disclosures (§ 2.26) with the answers."""

from __future__ import annotations

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from clonacare.accounts.actors import actor_from_request
from clonacare.accounts.decorators import patient_required
from clonacare.core.errors import ClinicalError
from clonacare.patients.accounting import (
    accounting_csv,
    accounting_of_disclosures,
    accounting_since,
)
from clonacare.patients.actions import do_request_restriction
from clonacare.patients.part2 import part2
from clonacare.portal.own import own_patient


class RestrictionForm(forms.Form):
    request = forms.CharField(
        max_length=600,
        label=gettext_lazy("What would you like the program not to share, and with whom?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": gettext_lazy("Write what you ask to restrict.")},
    )


@require_http_methods(["GET", "POST"])
@patient_required
def accounting(request: HttpRequest) -> HttpResponse:
    """The accounting page; a POST asks for a restriction of disclosures."""
    patient = own_patient(request, "portal.disclosures")
    form = RestrictionForm(request.POST or None)
    error = None
    if request.method == "POST" and form.is_valid():
        try:
            do_request_restriction(
                actor_from_request(request),
                patient,
                form.cleaned_data["request"],
                now=timezone.now(),
            )
        except ClinicalError as exc:
            error = exc.message
        else:
            return redirect("portal:disclosures")
    now = timezone.now()
    context = {
        "patient": patient,
        "disclosures": accounting_of_disclosures(patient, now=now),
        "since": accounting_since(now),
        "years": part2().accounting_years,
        "restrictions": patient.restriction_requests.all(),
        "form": form,
        "error": error,
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "portal/disclosures.html", context, status=status)


@require_GET
@patient_required
def accounting_export(request: HttpRequest) -> HttpResponse:
    """The patient's accounting of disclosures as CSV."""
    patient = own_patient(request, "portal.disclosures.export")
    text = accounting_csv(accounting_of_disclosures(patient, now=timezone.now()))
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="accounting-of-disclosures.csv"'
    return response
