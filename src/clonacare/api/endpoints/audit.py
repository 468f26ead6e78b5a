"""``/audit``: a program admin searches their program's audit log."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from clonacare.api.schemas import READ_ERRORS, PageQuery, page_of
from clonacare.api.security import caller
from clonacare.audit.access import AuditSearch, search_audit_log

router = Router(tags=["Audit log"])


class AuditEventOut(Schema):
    id: int
    at: dt.datetime
    actor_username: str
    actor_role: str
    action: str
    patient_id: int | None
    object_type: str
    object_id: str
    ip_address: str | None
    user_agent: str
    detail: dict[str, Any]


class AuditPage(Schema):
    items: list[AuditEventOut]
    count: int


class AuditQuery(PageQuery):
    action: str | None = Field(None, max_length=80, description="Exactly this action.")
    actor: str | None = Field(None, max_length=150, description="Username of the actor.")
    patient: int | None = Field(None, description="Events about this patient id.")
    since: dt.datetime | None = Field(None, description="At or after (ISO 8601).")
    until: dt.datetime | None = Field(None, description="Before (ISO 8601).")


@router.get("/audit", response={200: AuditPage, **READ_ERRORS}, summary="Search the audit log")
def audit_log(request: HttpRequest, filters: Query[AuditQuery]) -> dict[str, object]:
    """Program admins only: their own program's events, newest first. Anyone else gets
    404, as if there were no such endpoint. Each search is itself audited."""
    search = AuditSearch(
        action=filters.action,
        actor_username=filters.actor,
        patient_id=filters.patient,
        since=filters.since,
        until=filters.until,
    )
    return page_of(search_audit_log(caller(request).actor, search), filters)
