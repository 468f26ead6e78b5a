"""What the record exchange keeps: plans received from another program.

An ``OutsidePlan`` is a CarePlan and its MedicationRequests as another program sent them
in a FHIR Bundle, kept apart from Clonacare's own taper plans: never a draft, never
approved, never dosed from, read by nothing that reads an approved plan. It is exported
again as received (its references pointed at the new record) with its provenance: the
Provenance resources that came with it and one for the import.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models

from clonacare.patients.models import Patient


class OutsidePlan(models.Model):
    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="outside_plans")
    received_from = models.CharField(
        max_length=200, help_text="The sending program, as its Organization names it."
    )
    source_bundle = models.CharField(
        max_length=200, help_text="The identifier (or id) of the Bundle it came in."
    )
    care_plan = models.JSONField(help_text="The CarePlan as received.")
    medication_requests = models.JSONField(
        default=list, help_text="The CarePlan's MedicationRequests as received."
    )
    provenance = models.JSONField(
        default=list, help_text="The Provenance resources that came with them."
    )
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    imported_at = models.DateTimeField()

    class Meta:
        ordering: ClassVar[list[str]] = ["imported_at", "id"]

    def __str__(self) -> str:
        return f"Outside plan {self.pk} of patient {self.patient_id} from {self.received_from}"
