"""``/audit`` and ``/audit.csv``: a program admin searches and exports their program's
audit log, under the same rule as the pages (``patients.audit_access``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, StreamingHttpResponse
from ninja import Field, Query, Router, Schema
from pydantic import field_validator

from clonacare.accounts.converters import MAX_ID
from clonacare.api.schemas import READ_ERRORS, PageQuery, page_of
from clonacare.api.security import caller
from clonacare.audit.export import COLUMNS, csv_response
from clonacare.patients.audit_access import AuditSearch, search_audit_log

router = Router(tags=["Audit log"])

OUT_OF_RANGE = "must be a time from 0001-01-01 to 9999-12-31 in UTC"


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


class AuditFilters(Schema):
    """The filters; one that is not valid refuses the whole request (400 naming it), so
    no search runs on the others alone."""

    action: str | None = Field(None, max_length=80, description="Exactly this action.")
    actor: str | None = Field(None, max_length=150, description="Username of the actor.")
    patient: int | None = Field(
        None,
        ge=1,
        le=MAX_ID,
        description="Events about this patient id, refused attempts on it included.",
    )
    since: dt.datetime | None = Field(
        None, description="At or after (ISO 8601; without an offset, UTC)."
    )
    until: dt.datetime | None = Field(
        None, description="Before (ISO 8601; without an offset, UTC)."
    )

    @field_validator("since", "until")
    @classmethod
    def _in_utc(cls, value: dt.datetime | None) -> dt.datetime | None:
        """The time in UTC (a time without an offset is UTC, as every time in the API);
        refused when UTC has no such time (year 1 or 9999 with an offset past it)."""
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        try:
            return value.astimezone(dt.UTC)
        except OverflowError:
            raise ValueError(OUT_OF_RANGE) from None

    def search(self) -> AuditSearch:
        return AuditSearch(
            action=self.action,
            actor_username=self.actor,
            patient_id=self.patient,
            since=self.since,
            until=self.until,
        )


class AuditQuery(AuditFilters, PageQuery):
    pass


@router.get("/audit", response={200: AuditPage, **READ_ERRORS}, summary="Search the audit log")
def audit_log(request: HttpRequest, filters: Query[AuditQuery]) -> dict[str, object]:
    """Program admins only: their own program's events and refused attempts on their
    patients, newest first; a site admin every event. Anyone else gets 404, as if there
    were no such endpoint. Each search is itself audited."""
    return page_of(search_audit_log(caller(request).actor, filters.search()), filters)


_CSV = {
    "content": {
        "text/csv": {
            "schema": {"type": "string"},
            "example": ",".join(COLUMNS) + "\r\n",
        }
    },
    "description": "A header row, then one row per event, newest first; `detail` is JSON.",
}


@router.get(
    "/audit.csv",
    response={**READ_ERRORS},
    summary="Export the audit log as CSV",
    openapi_extra={"responses": {200: _CSV}},
)
def audit_export(request: HttpRequest, filters: Query[AuditFilters]) -> StreamingHttpResponse:
    """The same events as ``/audit`` with the same filters, every one (no paging), as
    the page's "Export CSV" writes them. Audited as ``audit.export``."""
    search = filters.search()
    return csv_response(search_audit_log(caller(request).actor, search, purpose="audit.export"))
