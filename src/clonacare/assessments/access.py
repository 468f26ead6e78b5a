"""The gate to safety alerts: an alert is visible exactly when its patient is (through
``patients.access``); a missing or forbidden alert raises the same error, and every read
is audited.
"""

from __future__ import annotations

from clonacare.assessments.models import SafetyAlert
from clonacare.audit.log import Actor, record
from clonacare.patients.access import PatientNotFound, access_patient_by_id


class AlertNotFound(Exception):
    """No alert with that id on a patient this actor may see (missing and forbidden alike)."""


def access_alert_by_id(actor: Actor, alert_id: int, *, purpose: str) -> SafetyAlert:
    """The alert with ``alert_id`` if ``actor`` may see its patient; records the read.

    The patient is checked by ``access_patient_by_id`` (which audits it); an alert that
    does not exist is audited here as ``<purpose>.denied``. Raises AlertNotFound for both.
    """
    patient_id = SafetyAlert.objects.filter(pk=alert_id).values_list("patient_id", flat=True)
    found = patient_id.first()
    if found is None:
        record(actor, f"{purpose}.denied", detail={"alert_id": alert_id})
        raise AlertNotFound(alert_id)
    try:
        patient = access_patient_by_id(actor, found, purpose=purpose)
    except PatientNotFound:
        raise AlertNotFound(alert_id) from None
    alert = SafetyAlert.objects.select_related("acknowledged_by").get(pk=alert_id)
    alert.patient = patient
    return alert
