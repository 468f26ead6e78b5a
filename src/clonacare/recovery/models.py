"""The recovery record's own facts. Everything else on the timeline (assessments, plans
and their revisions, check-ins, alerts, sessions, module progress) is read from the app
that owns it; only what no other app records is kept here.

A return to use is recorded, never erased and never edited away: the taper attempt
before it stays on the record as it was, and a new assessment and taper can follow.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models

from clonacare.patients.models import Patient

NOTE_MAX = 1000


class ReturnToUse(models.Model):
    """A return to benzodiazepine use after a taper (or during one), as the care team
    learned of it. ``on`` is the day use started again, as far as it is known."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="returns_to_use")
    on = models.DateField(help_text="The day use started again, as far as it is known.")
    drug = models.CharField(
        max_length=40, blank=True, help_text="The benzodiazepine, when it is known."
    )
    note = models.CharField(max_length=NOTE_MAX, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        ordering: ClassVar[list[str]] = ["-on", "-id"]

    def __str__(self) -> str:
        return f"return to use on {self.on} for {self.patient}"
