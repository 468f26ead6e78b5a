"""Reads about dose orders that pages and the API share."""

from __future__ import annotations

from django.contrib.auth.models import User

from clonacare.accounts.models import Role
from clonacare.patients.models import DoseChange, Patient

ORDER_KINDS = (DoseChange.Order.VERBAL, DoseChange.Order.TELEPHONE)


def prescribers_on_care_team_ids(patient: Patient) -> frozenset[int]:
    """The user ids of the active prescribers of the patient's program on their care
    team: who may order a dose change or co-sign their own verbal order."""
    return frozenset(
        User.objects.filter(
            is_active=True,
            membership__role=Role.PRESCRIBER,
            membership__program_id=patient.program_id,
            care_assignments__patient=patient,
        ).values_list("pk", flat=True)
    )


def orders_no_one_can_cosign(patient: Patient) -> frozenset[int]:
    """The ids of the patient's pending verbal or telephone orders whose prescriber is no
    longer an active prescriber on the care team (taken off it, deactivated, or no longer
    a prescriber): only that prescriber co-signs, so nobody can (docs/records.md)."""
    on_team = prescribers_on_care_team_ids(patient)
    pending = patient.dose_changes.filter(order__in=ORDER_KINDS, cosigned_at__isnull=True)
    return frozenset(
        pk
        for pk, prescriber in pending.values_list("pk", "ordered_by_id")
        if prescriber not in on_team
    )
