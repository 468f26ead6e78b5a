"""A program's population screens and the invitations that follow them
(docs/population.md, "In the clinic").

A screen keeps what it found, never the file it read: the uploaded file is deleted as
soon as the screen is done, and only its name, size and SHA-256 stay, with the result as
``clonacare population screen --format json`` gives it. An invitation makes a patient
record in the ``invited`` status for one flagged person.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models

from clonacare.accounts.models import Program
from clonacare.patients.models import Patient

FILE_NAME_MAX = 200
DISPENSING_ID_MAX = 100


class Screen(models.Model):
    """One dispensing file (and optionally a diagnoses file) screened for a program."""

    class Status(models.TextChoices):
        # Screens run while the upload waits, so a stored screen is a finished one; a
        # file that cannot be screened leaves nothing here (only its audit entry).
        DONE = "done", "Done"

    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="screens")
    screened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    screened_at = models.DateTimeField()
    file_name = models.CharField(max_length=FILE_NAME_MAX)
    file_size = models.PositiveBigIntegerField(help_text="Bytes.")
    file_sha256 = models.CharField(max_length=64)
    diagnoses_name = models.CharField(max_length=FILE_NAME_MAX, blank=True)
    diagnoses_size = models.PositiveBigIntegerField(null=True, blank=True)
    diagnoses_sha256 = models.CharField(max_length=64, blank=True)
    period_start = models.DateField()
    period_end = models.DateField()
    engine = models.CharField(max_length=20)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DONE)
    result = models.JSONField(help_text="The screen's JSON document (docs/population.md).")
    flagged_count = models.PositiveIntegerField(help_text="People flagged (the result's count).")
    rows_read = models.PositiveBigIntegerField()
    rows_rejected = models.JSONField(help_text="Bad rows set aside, by reason.")
    birth_dates = models.JSONField(
        default=dict,
        help_text="A flagged person's birth date, for an invitation.",
    )

    class Meta:
        ordering: ClassVar[list[str]] = ["-screened_at", "-id"]

    def __str__(self) -> str:
        return f"screen of {self.file_name} for {self.program} on {self.screened_at:%Y-%m-%d}"

    @property
    def items(self) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = self.result.get("items", [])
        return items


class Invitation(models.Model):
    """An invitation to an assessment for one person a screen flagged: the patient
    record it made (status ``invited``), the letter shown to copy or print, and the
    person's answer once staff record it (empty until then).

    ``opted-out`` (the person asked to hear no more) stops any later invitation of the
    same dispensing id in the program (``population.actions.do_invite``)."""

    class Answer(models.TextChoices):
        ACCEPTED = "accepted", "Accepted: would like an assessment"
        DECLINED = "declined", "Declined"
        OPTED_OUT = "opted-out", "Asked to hear no more"

    screen = models.ForeignKey(Screen, on_delete=models.PROTECT, related_name="invitations")
    dispensing_patient_id = models.CharField(max_length=DISPENSING_ID_MAX)
    patient = models.OneToOneField(
        Patient, on_delete=models.CASCADE, related_name="population_invitation"
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    invited_at = models.DateTimeField()
    letter = models.TextField()
    answer = models.CharField(max_length=12, choices=Answer.choices, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["-invited_at", "-id"]
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(
                fields=["screen", "dispensing_patient_id"], name="invite_once_per_screen"
            )
        ]
        indexes: ClassVar[list[Any]] = [
            # A new invitation looks for an opt-out of the same person in the program.
            models.Index(fields=["dispensing_patient_id", "answer"], name="invitation_answer")
        ]

    def __str__(self) -> str:
        return f"invitation of {self.dispensing_patient_id} from {self.screen}"
