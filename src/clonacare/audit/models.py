"""The append-only audit log: who did what to which record, when, from where."""

from __future__ import annotations

from typing import Any, ClassVar

from django.db import models


class AppendOnlyError(Exception):
    """Raised on any attempt to change or remove an audit entry."""


class AuditQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError("The audit log is append-only: entries cannot be changed.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("The audit log is append-only: entries cannot be removed.")


class AuditEvent(models.Model):
    """One audited event. Actors and records are kept by id and name, not by foreign key,
    so that no later change elsewhere can alter or cascade into the log. Database
    triggers (migration 0002) refuse UPDATE, and on PostgreSQL DELETE, below the ORM."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor_id = models.IntegerField(null=True)
    actor_username = models.CharField(max_length=150, blank=True)
    actor_role = models.CharField(max_length=40, blank=True)
    action = models.CharField(max_length=80, db_index=True)
    program_id = models.IntegerField(null=True, db_index=True)
    patient_id = models.IntegerField(null=True, db_index=True)
    object_type = models.CharField(max_length=80, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    ip_address = models.GenericIPAddressField(null=True)
    user_agent = models.CharField(max_length=300, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    # On a refused read (``<purpose>.denied``): the patient whose record was asked for,
    # when the gate knows one. It files the attempt with that patient's program too
    # (patients.audit_access), and is never shown: the actor's program may not learn from it
    # whether, or whose, the record is.
    attempted_patient_id = models.IntegerField(null=True, db_index=True)

    objects: ClassVar[AuditQuerySet] = AuditQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering: ClassVar[list[str]] = ["-at", "-id"]

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnlyError("The audit log is append-only: entries cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("The audit log is append-only: entries cannot be removed.")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor_username or '-'} {self.action}"
