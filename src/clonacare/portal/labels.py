"""The portal's words for the choices the record stores about a patient's care: the
roles of their care team, their own status, their counselling sessions' kinds and
statuses, and their support-group attendance (issue 16); the last three from
``therapy.labels``, which the recovery timeline shares.

A portal page shows them in its language: ``portal_label(kind, code)``, or the template
filter ``{{ code|portal_label:"role" }}`` (``{% load portal_labels %}``). The English
words are the models' own labels, unchanged (a test holds them equal); the stored codes,
the clinic's pages and the API keep the models' English.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import pgettext_lazy

from clonacare.accounts.models import Role
from clonacare.patients.models import Patient
from clonacare.therapy.labels import ATTENDANCE, SESSION_KINDS, SESSION_STATUSES

LABELS: dict[str, dict[str, Promise]] = {
    # The role of someone on the patient's care team, after their name.
    "role": {
        Role.PATIENT: pgettext_lazy("care team role", "Patient"),
        Role.PRESCRIBER: pgettext_lazy("care team role", "Prescriber"),
        Role.NURSE: pgettext_lazy("care team role", "Nurse"),
        Role.COUNSELLOR: pgettext_lazy("care team role", "Counsellor"),
        Role.PROGRAM_ADMIN: pgettext_lazy("care team role", "Program admin"),
        Role.SITE_ADMIN: pgettext_lazy("care team role", "Site admin"),
    },
    # Where the patient is in their care, under their name on the portal's home.
    "patient-status": {
        Patient.Status.ASSESSMENT: pgettext_lazy("patient status", "Being assessed"),
        Patient.Status.TAPERING: pgettext_lazy("patient status", "Tapering"),
        Patient.Status.MAINTENANCE: pgettext_lazy("patient status", "Holding a stable dose"),
        Patient.Status.RECOVERY: pgettext_lazy(
            "patient status", "In recovery (off benzodiazepines)"
        ),
        Patient.Status.DISCHARGED: pgettext_lazy("patient status", "Discharged"),
        Patient.Status.INVITED: pgettext_lazy("patient status", "Invited to an assessment"),
    },
    "session-kind": SESSION_KINDS,
    "session-status": SESSION_STATUSES,
    "attendance": ATTENDANCE,
}


def portal_label(kind: str, code: str) -> str:
    """The word for ``code`` of ``kind`` (a key of ``LABELS``) in the page's language;
    a code the portal has no word for is shown as it is. An unknown ``kind`` raises
    ValueError naming the kinds there are (a mistake in a template)."""
    words = LABELS.get(kind)
    if words is None:
        raise ValueError(f"Unknown kind of label {kind!r}; use one of: {', '.join(LABELS)}.")
    label = words.get(code)
    return str(label) if label is not None else code
