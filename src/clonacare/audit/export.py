"""The audit log as CSV, for the page's export and the API's ``/audit.csv`` alike."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator
from itertools import chain

from django.db.models import QuerySet
from django.http import StreamingHttpResponse

from clonacare.audit.models import AuditEvent

COLUMNS = (
    "at",
    "actor",
    "role",
    "action",
    "program_id",
    "patient_id",
    "object_type",
    "object_id",
    "ip_address",
    "user_agent",
    "detail",
)
FILENAME = "clonacare-audit.csv"


def _cell(value: object) -> str:
    """A CSV cell a spreadsheet will not run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _row(event: AuditEvent) -> list[object]:
    return [
        event.at.isoformat(),
        event.actor_username,
        event.actor_role,
        event.action,
        event.program_id,
        event.patient_id,
        event.object_type,
        event.object_id,
        event.ip_address,
        event.user_agent,
        # JSON, so that any program reads the detail back as it was recorded.
        json.dumps(event.detail, sort_keys=True, ensure_ascii=False),
    ]


class _Echo:
    """A file whose write returns the line, so csv.writer yields text to stream."""

    def write(self, value: str) -> str:
        return value


def csv_lines(events: Iterable[AuditEvent]) -> Iterator[str]:
    """The header and one line per event, in the order given. Every cell is text a
    spreadsheet will not run as a formula; ``detail`` is a JSON object."""
    writer = csv.writer(_Echo())
    header: list[object] = list(COLUMNS)
    rows = chain([header], (_row(e) for e in events))
    return (writer.writerow([_cell(v) for v in row]) for row in rows)


def csv_response(events: QuerySet[AuditEvent]) -> StreamingHttpResponse:
    """``events`` streamed as a CSV attachment (read in chunks, never all at once)."""
    response = StreamingHttpResponse(csv_lines(events.iterator()), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="{FILENAME}"'
    return response
