"""Dose logs and check-ins: what the patient says about each dose and about how the
taper is going. Written by ``monitoring.actions`` (the patient, or the care team on the
patient's word), read through ``monitoring.access``."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy

from clonacare.assessments.models import SafetyAlert
from clonacare.patients.models import DOSE_TIMES, Patient
from clonacare.plans.models import Plan

NOTE_MAX = 400
# What the record holds of an amount in mg (as BenzodiazepineUse's doses).
AMOUNT_DIGITS = 7
AMOUNT_PLACES = 3


class DoseLog(models.Model):
    """One dose time of one day: taken, missed, taken late, or a different amount
    (``amount_mg``, only then). At most one per patient, day and dose time.
    ``late_entry``: entered after the day it is about."""

    class Status(models.TextChoices):
        # Labels in the patient's language on the portal (issue 16); the stored values,
        # and the API's and the clinic's English, never change.
        TAKEN = "taken", gettext_lazy("Taken")
        MISSED = "missed", gettext_lazy("Missed")
        LATE = "late", gettext_lazy("Taken late")
        DIFFERENT = "different", gettext_lazy("A different amount")

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="dose_logs")
    day = models.DateField()
    dose_time = models.CharField(max_length=10, choices=[(t, t) for t in DOSE_TIMES])
    status = models.CharField(max_length=10, choices=Status.choices)
    amount_mg = models.DecimalField(
        max_digits=AMOUNT_DIGITS,
        decimal_places=AMOUNT_PLACES,
        null=True,
        blank=True,
        help_text="What was taken instead, in mg; only for a different amount.",
    )
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
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(
                fields=["patient", "day", "dose_time"], name="dose_log_one_per_dose_time"
            ),
            models.CheckConstraint(
                condition=models.Q(status="different", amount_mg__isnull=False)
                | (~models.Q(status="different") & models.Q(amount_mg__isnull=True)),
                name="dose_log_amount_only_when_different",
            ),
        ]
        indexes: ClassVar[list[Any]] = [
            # The worklist reads the missed doses of a week for every patient: a partial
            # index holds only those, not the year of doses taken.
            models.Index(
                fields=["patient", "day"],
                condition=models.Q(status="missed"),
                name="dose_log_missed_patient_day",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dose_time} dose of {self.day}: {self.status}"


class CheckIn(models.Model):
    """The patient's check-in for one day (at most one a day): the patient-rated CIWA-B
    items (``ciwa_b``: item id to score, 0–4), sleep, anxiety and craving (0–10, higher
    is worse; ``monitoring/data/check-in.toml``), a seizure since the last check-in,
    thoughts of self-harm, and a note. ``alerts``: the safety alerts its answers raised
    or joined."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="check_ins")
    day = models.DateField()
    ciwa_b = models.JSONField(help_text="CIWA-B patient-rated item id to its score (0–4).")
    sleep = models.PositiveSmallIntegerField(help_text="Sleep trouble, 0 (none) to 10.")
    anxiety = models.PositiveSmallIntegerField(help_text="Anxiety, 0 (none) to 10.")
    craving = models.PositiveSmallIntegerField(help_text="Craving, 0 (none) to 10.")
    seizure = models.BooleanField(help_text="A seizure since the last check-in.")
    self_harm_thoughts = models.BooleanField(help_text="Thoughts of harming oneself.")
    note = models.CharField(max_length=NOTE_MAX, blank=True)
    alerts = models.ManyToManyField(SafetyAlert, blank=True, related_name="+")
    self_reported = models.BooleanField(
        help_text="Entered by the patient, or else by the care team on their word."
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    entered_at = models.DateTimeField(db_index=True)
    late_entry = models.BooleanField(help_text="Entered after the day it is about.")

    class Meta:
        ordering: ClassVar[list[str]] = ["-day", "-id"]
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["patient", "day"], name="check_in_one_per_day"),
        ]

    def __str__(self) -> str:
        return f"check-in for {self.patient} on {self.day}"


class Proposal(models.Model):
    """A rule's proposal to pause or slow a patient's approved plan, made from their
    check-ins (``monitoring.rules``), never acted on by itself: a prescriber on the care
    team accepts it (a revision of the plan, ``revision``) or rejects it, with a
    ``reason`` either way. ``why`` holds what the rule found: its name, the sentence,
    the check-ins it read (day and CIWA-B self-rated sum), its source and basis. At most
    one open proposal per patient."""

    class Kind(models.TextChoices):
        PAUSE = "pause", "Pause the taper"
        SLOW = "slow", "Slow the taper"

    class Status(models.TextChoices):
        OPEN = "open", "Awaiting a decision"
        ACCEPTED = "accepted", "Accepted"
        REJECTED = "rejected", "Rejected"

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="proposals")
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    why = models.JSONField(
        help_text="The rule, its sentence, the check-ins it read, source, basis."
    )
    check_in = models.ForeignKey(
        CheckIn, on_delete=models.CASCADE, related_name="+", help_text="The check-in that made it."
    )
    made_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(max_length=NOTE_MAX, blank=True)
    revision_number = models.PositiveIntegerField(
        null=True, blank=True, help_text="The plan revision an accepted proposal made."
    )

    class Meta:
        ordering: ClassVar[list[str]] = ["-made_at", "-id"]
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(
                fields=["patient"],
                condition=models.Q(status="open"),
                name="proposal_one_open_per_patient",
            ),
        ]

    def __str__(self) -> str:
        return f"proposal to {self.kind} for {self.patient} ({self.status})"


class CheckInReminder(models.Model):
    """The email reminder of one patient's check-in due on one ``day``: at most one per
    patient and day (a unique constraint), claimed by writing this row BEFORE the mail is
    sent, so two passes (two server processes, cron beside the server) never send the
    same reminder twice. ``status``: ``sending`` while the claiming pass sends it (a pass
    that dies there leaves it so: never sent twice, at worst not at all), ``sent``,
    ``failed`` (the mail server refused it: ``error``; not tried again), or
    ``no-address`` (no portal account, an account that is not active, or no email
    address on it: ``error`` says which). Written by ``monitoring.reminders``."""

    class Status(models.TextChoices):
        SENDING = "sending", "Being sent"
        SENT = "sent", "Sent"
        FAILED = "failed", "The mail could not be sent"
        NO_ADDRESS = "no-address", "Not sent: no address to write to"

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="+")
    day = models.DateField(help_text="The day the check-in is due.")
    status = models.CharField(max_length=20, choices=Status.choices)
    claimed_at = models.DateTimeField()
    error = models.CharField(max_length=400, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["-day", "-id"]
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["patient", "day"], name="check_in_reminder_once"),
        ]

    def __str__(self) -> str:
        return f"check-in reminder for {self.patient} on {self.day} ({self.status})"


class FollowUpDecision(models.Model):
    """The care team's decision to keep on (``on``) or end the monthly check-ins after a
    taper that stopped the drug (issue 11), with its ``reason``. Every decision is kept;
    the newest is in force, and a patient with none is followed up (on by default once
    the taper finishes). Written by ``monitoring.follow_up.do_set_follow_up``."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="+")
    on = models.BooleanField(help_text="Check-ins after the last dose continue.")
    reason = models.CharField(max_length=NOTE_MAX)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField()

    class Meta:
        ordering: ClassVar[list[str]] = ["-decided_at", "-id"]
        indexes: ClassVar[list[Any]] = [
            models.Index(fields=["patient", "-decided_at", "-id"], name="follow_up_patient_newest"),
        ]

    def __str__(self) -> str:
        state = "on" if self.on else "ended"
        return f"follow-up after the taper {state} for {self.patient}"
