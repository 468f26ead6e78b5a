"""Taper plans on the record: drafted and approved by a prescriber, revised, never edited.

A ``Plan`` holds what the prescriber asked for (``parameters``, named as the taper
command's options) and the plan the taper core made of it (``plan_json``, the JSON
contract of docs/taper.md). Its life: ``draft`` → ``approved`` → ``superseded`` (when
another plan of the same patient is approved). Nothing of an approved plan is ever
changed but its status: a pause, a slowing or a step back is a ``PlanRevision`` holding
the whole plan as revised, and the newest revision is the plan in force.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from django.conf import settings
from django.db import models

from clonacare.patients.models import Patient


class Plan(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft, awaiting approval"
        APPROVED = "approved", "Approved"
        SUPERSEDED = "superseded", "Superseded by a later plan"

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="taper_plans")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    drug = models.CharField(max_length=40, help_text="The benzodiazepine taken now.")
    parameters = models.JSONField(
        help_text="What the prescriber asked for, as the taper command's options."
    )
    plan_json = models.JSONField(help_text="The plan as drafted (the taper JSON contract).")
    override_reason = models.CharField(max_length=400, blank=True)
    confirmed_by = models.CharField(max_length=120, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    superseded_by = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    superseded_at = models.DateTimeField(null=True, blank=True)
    stop_day = models.DateField(
        null=True,
        blank=True,
        help_text="The first day without the drug when the plan in force stops it; "
        "empty for a draft or a plan that ends on a dose kept on. Stored with the change "
        "days at approval and at each revision, so the worklist reads it without the JSON.",
    )

    class Meta:
        ordering: ClassVar[list[str]] = ["-created_at", "-id"]
        constraints: ClassVar[list[Any]] = [
            # Two approvals at the same moment cannot both leave a plan in force.
            models.UniqueConstraint(
                fields=["patient"],
                condition=models.Q(status="approved"),
                name="plan_one_approved_per_patient",
            )
        ]
        indexes: ClassVar[list[models.Index]] = [
            # The worklist reads each patient's approved plan's approval time: from this
            # index alone, never from the plan's row with its long JSON.
            models.Index(
                fields=["patient", "approved_at"],
                condition=models.Q(status="approved"),
                name="plan_approved_at_by_patient",
            )
        ]

    def __str__(self) -> str:
        return f"{self.drug} taper plan {self.pk} ({self.status})"

    def latest_revision(self) -> PlanRevision | None:
        """The newest revision, None when the plan has not been revised (read from
        ``plan_revisions`` prefetched, where a list prefetched them)."""
        return max(self.plan_revisions.all(), key=lambda r: r.number, default=None)

    def current_json(self) -> dict[str, Any]:
        """The plan in force: the newest revision's plan, else the plan as drafted."""
        revision = self.latest_revision()
        current: dict[str, Any] = revision.plan_json if revision is not None else self.plan_json
        return current

    def stops_the_drug(self) -> bool:
        """Whether the plan in force ends by stopping the benzodiazepine (the taper
        core's outcome "discontinued"); otherwise it ends on a lower dose kept on."""
        return bool(self.current_json()["outcome"] == "discontinued")

    def end_date(self) -> dt.date:
        """The plan in force's end: for a plan that stops the drug, the first day
        without it (the last dose is the day before); otherwise the last day of its
        last step, on the dose it ends on."""
        return dt.date.fromisoformat(self.current_json()["end_date"])


class PlanRevision(models.Model):
    """One revision of an approved plan, made through the taper core's adjustments.

    ``number`` is the revision number in the plan's JSON (the drafted plan is revision 1,
    so the first revision is 2). ``amount`` is the adjustment's size: days for a pause or
    a slower interval, the smaller step for a slower step, empty for a step back.
    """

    class Kind(models.TextChoices):
        PAUSE = "pause", "Pause"
        SLOW_INTERVAL = "slow-interval", "Slow: a longer interval"
        SLOW_STEP = "slow-step", "Slow: a smaller step"
        STEP_BACK = "step-back", "Step back to the previous dose"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="plan_revisions")
    number = models.PositiveIntegerField()
    kind = models.CharField(max_length=20, choices=Kind.choices)
    amount = models.TextField(blank=True)
    reason = models.CharField(max_length=400)
    effective_on = models.DateField()
    override_reason = models.CharField(max_length=400, blank=True)
    confirmed_by = models.CharField(max_length=120, blank=True)
    revised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    revised_at = models.DateTimeField()
    plan_json = models.JSONField(help_text="The whole plan as revised (the taper JSON contract).")

    class Meta:
        ordering: ClassVar[list[str]] = ["plan", "number"]
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["plan", "number"], name="plan_revision_number_once")
        ]

    def __str__(self) -> str:
        return f"Revision {self.number} of plan {self.plan_id}: {self.kind}"

    @property
    def patient(self) -> Patient:
        return self.plan.patient


class PlanChangeDay(models.Model):
    """A day the plan in force changes the patient's daily dose (``plans.change_days``:
    the plan's first day, and the first day of each later step whose daily dose differs
    from the step before). Kept for approved plans only: written when a plan is approved,
    rewritten when it is revised, removed when it is superseded; so the check-in schedule
    and the worklist find a patient's change days by ``(patient, on)`` without reading
    plan JSON."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="change_days")
    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="+")
    on = models.DateField()

    class Meta:
        # Not by plan: ordering by a foreign key joins the plan for its own ordering.
        ordering: ClassVar[list[str]] = ["on", "id"]
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["plan", "on"], name="plan_change_day_once")
        ]
        indexes: ClassVar[list[Any]] = [
            models.Index(fields=["patient", "on"], name="plan_change_day_patient_on")
        ]

    def __str__(self) -> str:
        return f"Dose change of plan {self.plan_id} on {self.on}"


class CalendarLink(models.Model):
    """A patient's private calendar subscription link: whoever holds the URL reads the
    patient's plan in force as an iCalendar file, without signing in (a calendar app
    cannot sign in). Only the token's SHA-256 is stored, as for API tokens; the token is
    shown once, when made. A patient has at most one live link: a new one revokes the
    old, and a revoked link answers like one that never existed."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="calendar_links")
    key_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["-created_at", "-id"]

    def __str__(self) -> str:
        state = "revoked" if self.revoked_at else "live"
        return f"Calendar link {self.pk} of patient {self.patient_id} ({state})"
