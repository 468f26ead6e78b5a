"""Stored assessments: instrument responses, level-of-care assessments, safety alerts.

Scores, bands, alerts and recommendations are computed by the clinical core
(``clonacare.core.instruments`` and ``clonacare.core.assessment``) when a response is
submitted, and stored as the core returned them, so the record shows what the
clinician saw at the time.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models

from clonacare.core.errors import ClinicalError
from clonacare.core.instruments import alert as alert_definition
from clonacare.core.instruments import instrument
from clonacare.patients.models import Patient


class InstrumentResponse(models.Model):
    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="responses")
    instrument = models.CharField(max_length=40, db_index=True)
    answers = models.JSONField(help_text="Item id to the answer given, as the core reads it.")
    complete = models.BooleanField()
    total = models.IntegerField(null=True)
    band = models.CharField(max_length=40, blank=True)
    result = models.JSONField(help_text="The core's result, as shown when it was submitted.")
    conditions = models.JSONField(
        default=list,
        blank=True,
        help_text="Ids of the declared conditions that applied (taken-as-prescribed).",
    )
    self_reported = models.BooleanField()
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["-submitted_at", "-id"]

    def __str__(self) -> str:
        return f"{self.instrument} for {self.patient} on {self.submitted_at:%Y-%m-%d}"

    @property
    def condition_labels(self) -> list[str]:
        """What each condition that applied means, in the instrument's own label; the id
        alone for a condition (or an instrument) no longer shipped."""
        try:
            declared = {c.id: c.label for c in instrument(self.instrument).conditions}
        except ClinicalError:
            declared = {}
        return [declared.get(c, c) for c in self.conditions]


class LevelOfCareAssessment(models.Model):
    patient = models.ForeignKey(
        Patient, on_delete=models.CASCADE, related_name="level_of_care_assessments"
    )
    record = models.JSONField(help_text="The assessment record, in the core's file format.")
    level = models.CharField(max_length=40)
    withdrawal_risk = models.CharField(max_length=20)
    result = models.JSONField()
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    assessed_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["-assessed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.level} for {self.patient} on {self.assessed_at:%Y-%m-%d}"


class SeizureReport(models.Model):
    """A patient's own report of a seizure (portal or API); it raises ``seizure``."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="seizure_reports")
    happening_now = models.BooleanField(
        null=True,
        help_text="The seizure is happening now (the patient says); empty when the report "
        "did not say (treated as possibly happening now).",
    )
    note = models.CharField(max_length=400, blank=True, help_text="What happened, if told.")
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reported_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["-reported_at", "-id"]

    def __str__(self) -> str:
        return f"seizure report for {self.patient} on {self.reported_at:%Y-%m-%d}"

    @property
    def trigger(self) -> str:
        """What the alert says raised it."""
        if self.happening_now is None:
            when = "possibly happening now: not said"
        else:
            when = "happening now" if self.happening_now else "it has stopped"
        return f"patient report: seizure ({when})"


class SafetyAlert(models.Model):
    """An alert for the care team (suicide risk, seizure...), open until acknowledged.

    Delivery (``assessments.notify`` and ``assessments.delivery``): the care team's mails
    are queued when it is raised (``notified_at``, which starts the escalation clock),
    and, when no one acknowledges it within the program's escalation time (at once when
    no care-team mail could be sent), the on-call address and the program admins
    (``escalated_at``). A repeat of the same code for the same patient while it is open
    joins it (``repeats``, ``last_raised_at``, ``last_trigger``) instead of making a
    copy, and emails the care team again when the rule of ``notify.renotify_reason``
    says so.
    """

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="alerts")
    code = models.CharField(max_length=40, db_index=True)
    message = models.CharField(max_length=400)
    response = models.ForeignKey(
        InstrumentResponse, on_delete=models.CASCADE, null=True, blank=True, related_name="alerts"
    )
    level_of_care = models.ForeignKey(
        LevelOfCareAssessment,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="alerts",
    )
    seizure_report = models.ForeignKey(
        SeizureReport, on_delete=models.CASCADE, null=True, blank=True, related_name="alerts"
    )
    trigger = models.CharField(
        max_length=400,
        blank=True,
        help_text="Which answer raised it (item and answer, or report).",
    )
    from_check_in = models.BooleanField(
        default=False,
        help_text="Raised by a monitoring check-in's answer: the patient's own report.",
    )
    raised_at = models.DateTimeField(db_index=True)
    repeats = models.PositiveIntegerField(
        default=0, help_text="How many times it was raised again while open."
    )
    last_raised_at = models.DateTimeField(null=True, blank=True)
    last_trigger = models.CharField(max_length=400, blank=True)
    notified_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the care team's emails were queued (the escalation clock starts).",
    )
    escalated_at = models.DateTimeField(
        null=True, blank=True, help_text="When it was sent to the on-call address and admins."
    )
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledgement_note = models.CharField(max_length=400, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["-raised_at", "-id"]

    def __str__(self) -> str:
        return f"{self.code} for {self.patient}"

    @property
    def is_open(self) -> bool:
        return self.acknowledged_at is None

    @property
    def escalated_to(self) -> str:
        """Whom the newest escalation emailed (``on-call and 2 admins``, ``on-call``),
        ``no one (no address)`` when it reached no one; empty when not escalated. Reads
        ``notifications`` (prefetch them for a list)."""
        if self.escalated_at is None:
            return ""
        rows = [
            n
            for n in self.notifications.all()
            if n.kind == AlertNotification.Kind.ESCALATED and n.at == self.escalated_at
        ]
        reached = [n for n in rows if n.status != AlertNotification.Status.NO_ADDRESS]
        on_call = any(n.recipient_id is None for n in reached)
        admins = sum(1 for n in reached if n.recipient_id is not None)
        parts = ["on-call"] if on_call else []
        if admins:
            parts.append(f"{admins} admin{'s' if admins > 1 else ''}")
        return " and ".join(parts) or "no one (no address)"

    @property
    def latest_trigger(self) -> str:
        """The answer that raised it most recently (the first one when never repeated)."""
        return self.last_trigger or self.trigger

    @property
    def source(self) -> str:
        """The source the result showed when the alert was raised; for an older result
        that did not keep it, or an alert stored without a result (an incomplete form),
        the alert catalogue's."""
        stored = self.response or self.level_of_care
        result = stored.result if stored is not None else {}
        for shown in result.get("alerts", []):
            if shown.get("code") == self.code and shown.get("source"):
                return str(shown["source"])
        try:
            return alert_definition(self.code).source
        except ClinicalError:  # a code no longer in the catalogue
            return ""


class AlertRepeat(models.Model):
    """One time an open alert was raised again and joined it instead of making a copy:
    the record that raised it (a response, a level-of-care assessment or a seizure
    report), which answer, and when."""

    alert = models.ForeignKey(SafetyAlert, on_delete=models.CASCADE, related_name="repeat_log")
    response = models.ForeignKey(
        InstrumentResponse,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="alert_repeats",
    )
    level_of_care = models.ForeignKey(
        LevelOfCareAssessment,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="alert_repeats",
    )
    seizure_report = models.ForeignKey(
        SeizureReport,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="alert_repeats",
    )
    trigger = models.CharField(max_length=400, blank=True)
    raised_at = models.DateTimeField()

    class Meta:
        ordering: ClassVar[list[str]] = ["raised_at", "id"]

    def __str__(self) -> str:
        return f"repeat of {self.alert} at {self.raised_at:%Y-%m-%d %H:%M}"


class AlertNotification(models.Model):
    """One email about a safety alert, to one address, or why none could be sent.

    The notification log: every care-team member and every escalation recipient gets a
    row, so "kim has no email address" is on the record as plainly as a sent email. A
    row is written ``pending`` in the transaction that raises the alert and sent after
    it (``assessments.delivery``); a failed send is tried again on later passes, up to
    ``notify.MAX_ATTEMPTS`` times in all (``attempts``).
    """

    class Kind(models.TextChoices):
        RAISED = "raised", "Raised: the care team"
        ESCALATED = "escalated", "Escalated: on-call and program admins"

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to be sent"
        SENT = "sent", "Sent"
        NO_ADDRESS = "no-address", "No email address"
        FAILED = "failed", "Sending failed"

    class Reason(models.TextChoices):
        NEW = "new", "Raised"
        AGAIN = "again", "Raised again while open"
        OVERDUE = "overdue", "Not acknowledged within the escalation time"
        UNREACHED = "unreached", "No one on the care team could be emailed"

    alert = models.ForeignKey(SafetyAlert, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The staff member; empty for the program's on-call address.",
    )
    address = models.CharField(max_length=254, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices)
    reason = models.CharField(
        max_length=20, choices=Reason.choices, default=Reason.NEW, help_text="Why it is sent."
    )
    error = models.CharField(max_length=400, blank=True)
    at = models.DateTimeField(help_text="When it was queued (the mails queued together).")
    attempts = models.PositiveSmallIntegerField(
        default=0, help_text="How many times sending was tried."
    )
    attempted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.status} {self.address or self.recipient_id}"
