"""Counselling sessions and their SUD counselling notes (docs/counselling.md).

A session is part of the record like a check-in: whoever may see the patient sees its
date, kind, counsellor and status. Its notes are not: SUD counselling notes (42 CFR
Part 2) are kept apart, read only through ``therapy.notes_access``, never shown to the
patient and never in the record's general answers or exports. Imported by
``therapy.models``, so Django finds them there.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models

from clonacare.patients.models import Patient

# Form limits (Clonacare operational choices, not clinical values): the longest session
# one booking holds, and the longest note or cancellation reason one entry holds.
SESSION_MINUTES_MAX = 480
NOTE_MAX = 10000
REASON_MAX = 300


class CounsellingSession(models.Model):
    """One individual or group counselling session booked for a patient with a
    counsellor (a counsellor or prescriber on their care team). ``status`` starts
    scheduled and moves once, to attended, missed or cancelled (a cancellation with its
    ``reason``); ``outcome_by`` and ``outcome_at`` say who recorded that and when."""

    class Kind(models.TextChoices):
        INDIVIDUAL = "individual", "Individual"
        GROUP = "group", "Group"

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        ATTENDED = "attended", "Attended"
        MISSED = "missed", "Missed"
        CANCELLED = "cancelled", "Cancelled"

    patient = models.ForeignKey(
        Patient, on_delete=models.CASCADE, related_name="counselling_sessions"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    counsellor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    scheduled_at = models.DateTimeField()
    duration_minutes = models.PositiveIntegerField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.SCHEDULED)
    reason = models.CharField(max_length=REASON_MAX, blank=True, help_text="Why it was cancelled.")
    scheduled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    outcome_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    outcome_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        app_label = "therapy"
        ordering: ClassVar[list[str]] = ["-scheduled_at", "-id"]

    def __str__(self) -> str:
        return f"{self.kind} session of {self.patient} at {self.scheduled_at:%Y-%m-%d %H:%M}"


class SessionNote(models.Model):
    """An SUD counselling note on a session. Never edited: a correction or an addendum
    is a new note."""

    session = models.ForeignKey(CounsellingSession, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField()
    written_at = models.DateTimeField()

    class Meta:
        app_label = "therapy"
        ordering: ClassVar[list[str]] = ["written_at", "id"]

    def __str__(self) -> str:
        return f"note by {self.author_id} on session {self.session_id}"
