"""The program's support groups: the groups, who is in each (or waiting for a place),
the meetings held, and who came. Imported by ``therapy.models`` so the app's models stay
in one namespace; written by ``therapy.group_actions``, read through
``therapy.group_access`` (docs/groups.md).

Nothing here is clinical: a group's capacity is a form limit the program sets for the
room or the call, not a dose or a score.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models

from clonacare.accounts.models import Program
from clonacare.patients.models import Patient


class Weekday(models.IntegerChoices):
    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"
    SATURDAY = 5, "Saturday"
    SUNDAY = 6, "Sunday"


class SupportGroup(models.Model):
    """A group the program runs: when it meets (``schedule`` in words, and ``weekday``
    with ``starts_at`` for sorting and the pages), who facilitates it (a staff member of
    the program), where (``place``) or on which call (``video_link``, https only), and
    how many it takes (``capacity``; more join the waiting list). An inactive group
    takes no one new and is hidden from patients' list of groups. A group closed through
    ``do_close_group`` is inactive with ``closed_at``, ``closed_by`` and
    ``closed_reason``; its enrolments, sessions and attendance are kept, and its
    members and waiting list see that it has closed on their portal page."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="support_groups")
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    schedule = models.CharField(max_length=200, help_text="When it meets, in words.")
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    starts_at = models.TimeField()
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    place = models.CharField(max_length=200, blank=True)
    video_link = models.URLField(max_length=300, blank=True)
    capacity = models.PositiveIntegerField(help_text="Places; a form limit, not clinical.")
    active = models.BooleanField(default=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    closed_reason = models.CharField(max_length=400, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering: ClassVar[list[str]] = ["weekday", "starts_at", "name", "id"]
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(
                fields=["program", "name"], name="support_group_name_once_per_program"
            ),
        ]

    def __str__(self) -> str:
        return f"support group {self.name}"


class GroupEnrolment(models.Model):
    """A patient in a group (``enrolled``), waiting for a place (``waiting``, with
    ``position`` 1 for the next in line), or gone (``left``, kept for the record). At
    most one enrolment that has not been left per patient and group."""

    class Status(models.TextChoices):
        ENROLLED = "enrolled", "Enrolled"
        WAITING = "waiting", "Waiting list"
        LEFT = "left", "Left"

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="group_enrolments")
    group = models.ForeignKey(SupportGroup, on_delete=models.CASCADE, related_name="enrolments")
    status = models.CharField(max_length=10, choices=Status.choices)
    position = models.PositiveIntegerField(
        null=True, blank=True, help_text="Place on the waiting list, 1 first; else empty."
    )
    enrolled_at = models.DateTimeField(help_text="When they joined the group or its list.")
    placed_at = models.DateTimeField(
        null=True, blank=True, help_text="When they got a place in the group."
    )
    left_at = models.DateTimeField(null=True, blank=True)
    enrolled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering: ClassVar[list[str]] = ["enrolled_at", "id"]
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(
                fields=["patient", "group"],
                condition=~models.Q(status="left"),
                name="group_enrolment_one_open_per_group",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.patient} in {self.group} ({self.status})"


class GroupSession(models.Model):
    """One meeting of a group on ``date``: ``held`` or ``cancelled``."""

    class Status(models.TextChoices):
        HELD = "held", "Held"
        CANCELLED = "cancelled", "Cancelled"

    group = models.ForeignKey(SupportGroup, on_delete=models.CASCADE, related_name="sessions")
    date = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        ordering: ClassVar[list[str]] = ["-date", "-id"]
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["group", "date"], name="group_session_once_a_day"),
        ]

    def __str__(self) -> str:
        return f"{self.group} on {self.date} ({self.status})"


class Attendance(models.Model):
    """Whether a member came to a held session: attended, absent or excused."""

    class Status(models.TextChoices):
        ATTENDED = "attended", "Attended"
        ABSENT = "absent", "Absent"
        EXCUSED = "excused", "Excused"

    session = models.ForeignKey(GroupSession, on_delete=models.CASCADE, related_name="attendance")
    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="group_attendance")
    status = models.CharField(max_length=10, choices=Status.choices)

    class Meta:
        ordering: ClassVar[list[str]] = ["session", "id"]
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(
                fields=["session", "patient"], name="attendance_once_per_session"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.patient} {self.status} at {self.session}"
