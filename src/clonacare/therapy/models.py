"""The CBT program on a patient's record: the modules assigned to them, the exercises
they fill in, and the care team's comments on both. Written by ``therapy.actions``,
read through ``therapy.access``.

These are not counselling session notes (42 CFR Part 2 notes are kept apart, in a later
part of the program): what is here is part of the record like a check-in.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models

from clonacare.patients.models import Patient

COMMENT_MAX = 1000


class ModuleAssignment(models.Model):
    """One module (``module``: its content file's slug) assigned to a patient by a
    counsellor or prescriber on their care team. ``sections_done``: section id to when,
    by whom and whether the patient marked it themself. Completed when every section of
    the module is done. At most one open (not completed) assignment per module."""

    class Status(models.TextChoices):
        ASSIGNED = "assigned", "Assigned"
        IN_PROGRESS = "in-progress", "In progress"
        COMPLETED = "completed", "Completed"

    patient = models.ForeignKey(
        Patient, on_delete=models.CASCADE, related_name="module_assignments"
    )
    module = models.SlugField(max_length=80)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    assigned_at = models.DateTimeField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.ASSIGNED)
    sections_done = models.JSONField(
        default=dict,
        help_text="Section id to {done_at, entered_by, self_reported}.",
    )
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["-assigned_at", "-id"]
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(
                fields=["patient", "module"],
                condition=~models.Q(status="completed"),
                name="module_assignment_one_open_per_module",
            ),
        ]

    def __str__(self) -> str:
        return f"module {self.module} for {self.patient} ({self.status})"


class ExerciseEntry(models.Model):
    """One filled-in exercise (``kind``: thought-record, sleep-diary, coping-plan) under
    an assignment of a module that names it. ``fields``: the checked values
    (``therapy/data/exercises.toml``). ``day``: the day it is about (for a sleep diary,
    the evening the night began). ``late_entry``: entered after the day it is about (a
    sleep diary: after the morning following its night)."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="exercises")
    assignment = models.ForeignKey(
        ModuleAssignment, on_delete=models.CASCADE, related_name="entries"
    )
    kind = models.CharField(max_length=20)
    day = models.DateField()
    fields = models.JSONField(help_text="The exercise's fields, checked per kind.")
    self_reported = models.BooleanField(
        help_text="Entered by the patient, or else by the care team on their word."
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    entered_at = models.DateTimeField(db_index=True)
    late_entry = models.BooleanField(help_text="Entered after the day it is about.")

    class Meta:
        ordering: ClassVar[list[str]] = ["-day", "-entered_at", "-id"]
        verbose_name_plural = "exercise entries"

    def __str__(self) -> str:
        return f"{self.kind} of {self.day} for {self.patient}"


class CounsellorComment(models.Model):
    """A care-team member's comment on an assignment or on one exercise entry (exactly
    one of them), shown to the patient beside it."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="therapy_comments")
    assignment = models.ForeignKey(
        ModuleAssignment,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="comments",
    )
    entry = models.ForeignKey(
        ExerciseEntry, on_delete=models.CASCADE, null=True, blank=True, related_name="comments"
    )
    text = models.CharField(max_length=COMMENT_MAX)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    written_at = models.DateTimeField()

    class Meta:
        ordering: ClassVar[list[str]] = ["written_at", "id"]
        constraints: ClassVar[list[Any]] = [
            models.CheckConstraint(
                condition=models.Q(assignment__isnull=False, entry__isnull=True)
                | models.Q(assignment__isnull=True, entry__isnull=False),
                name="therapy_comment_on_one_thing",
            ),
        ]

    def __str__(self) -> str:
        return f"comment by {self.author_id} on {self.patient}"


class SafetyPlanVersion(models.Model):
    """One saved version of a patient's personal safety plan (``therapy.safety_plan``
    names its sections). A save never changes an earlier version: each is a new row, the
    newest being the plan in force, the rest its history. ``by_patient``: added by the
    patient in the portal (for the care team to go through with them); otherwise
    written with a prescriber, nurse or counsellor on the care team (``saved_by``).
    ``role``: the saver's role when they saved it."""

    patient = models.ForeignKey(
        Patient, on_delete=models.CASCADE, related_name="safety_plan_versions"
    )
    number = models.PositiveIntegerField(help_text="1 for the first version, then 2, 3...")
    content = models.JSONField(help_text="Section id to its list of entries.")
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    role = models.CharField(max_length=20)
    by_patient = models.BooleanField(help_text="Added by the patient on their own.")
    saved_at = models.DateTimeField()

    class Meta:
        ordering: ClassVar[list[str]] = ["-number"]
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(
                fields=["patient", "number"], name="safety_plan_version_number_once"
            ),
        ]

    def __str__(self) -> str:
        return f"safety plan version {self.number} of {self.patient}"


# The support groups (docs/groups.md) and the counselling sessions with their notes
# (docs/counselling.md, kept apart under 42 CFR Part 2) live in their own modules;
# imported here so Django finds them as this app's models.
from clonacare.therapy.group_models import Attendance as Attendance  # noqa: E402
from clonacare.therapy.group_models import GroupEnrolment as GroupEnrolment  # noqa: E402
from clonacare.therapy.group_models import GroupSession as GroupSession  # noqa: E402
from clonacare.therapy.group_models import SupportGroup as SupportGroup  # noqa: E402
from clonacare.therapy.session_models import CounsellingSession as CounsellingSession  # noqa: E402
from clonacare.therapy.session_models import SessionNote as SessionNote  # noqa: E402
