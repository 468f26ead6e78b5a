"""The portal's one way to the signed-in patient's own record, for every portal page."""

from __future__ import annotations

from django.http import Http404, HttpRequest

from clonacare.accounts.actors import actor_from_request
from clonacare.patients.access import PatientNotFound, access_patient_by_id, patients_visible_to
from clonacare.patients.models import Patient


def own_patient(request: HttpRequest, purpose: str) -> Patient:
    """The signed-in patient's own record, read through its gate and audited as
    ``purpose``; 404 for an account with no record."""
    actor = actor_from_request(request)
    own = patients_visible_to(actor).values_list("pk", flat=True).first()
    if own is None:
        raise Http404("No record.")
    try:
        return access_patient_by_id(actor, own, purpose=purpose)
    except PatientNotFound:
        raise Http404("No record.") from None
