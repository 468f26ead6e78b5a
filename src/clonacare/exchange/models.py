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


class ReceivedResource(models.Model):
    """A resource another program sent that Clonacare keeps as it came and does not read
    into its own records: a questionnaire, a response and its score (answered there, not
    here: never an ``InstrumentResponse``, so no alert, chart or trigger reads it), a
    consent (given to the sending program: it covers none of this program's disclosures,
    42 CFR § 2.31), and the Provenance about them. Exported again as received, pointed at
    the new record, with one Provenance for the import (docs/fhir.md, "Import")."""

    patient = models.ForeignKey(
        Patient, on_delete=models.CASCADE, related_name="received_resources"
    )
    resource_type = models.CharField(max_length=40)
    resource = models.JSONField(help_text="The resource as received.")
    sender_patient_id = models.CharField(
        max_length=64, help_text="The Patient's id in the Bundle it came in."
    )
    received_from = models.CharField(
        max_length=200, help_text="The sending program, as its Organization names it."
    )
    source_bundle = models.CharField(
        max_length=200, help_text="The identifier (or id) of the Bundle it came in."
    )
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    imported_at = models.DateTimeField()

    class Meta:
        ordering: ClassVar[list[str]] = ["imported_at", "id"]

    def __str__(self) -> str:
        return f"{self.resource_type} of patient {self.patient_id} from {self.received_from}"
