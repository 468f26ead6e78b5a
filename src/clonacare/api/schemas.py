"""Shapes shared by every endpoint: the error body and the paginated list."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

from django.db.models import Model, QuerySet
from ninja import Field, Schema

M = TypeVar("M", bound=Model)

MAX_PAGE = 200
# The largest OFFSET the databases take (a signed 64-bit integer); a larger one was a 500.
MAX_OFFSET = 2**63 - 1


def one_of(choices: Iterable[str], default: Any = ..., *, description: str = "") -> Any:
    """A text field that takes one of ``choices``, declared as the schema's ``enum`` from
    the data the code checks it against (the model's choices, the drug table), so the
    published schema and the API agree; a field without a default is required, one with
    ``None`` may be null. The type stays ``str``: a value outside the list reaches the
    action, which refuses it (400) with its own message naming the choices."""
    values: list[Any] = list(choices)
    text = f"One of: {', '.join(values)}." + (f" {description}" if description else "")
    enum = [*values, None] if default is None else values
    return Field(default, description=text, json_schema_extra={"enum": enum})


class ErrorOut(Schema):
    detail: str = Field(..., description="One sentence saying what went wrong.")


class PageQuery(Schema):
    """``?limit=&offset=`` on every list; out of range, ``400`` naming the field."""

    limit: int = Field(50, ge=1, le=MAX_PAGE, description=f"Items per page (1 to {MAX_PAGE}).")
    offset: int = Field(0, ge=0, le=MAX_OFFSET, description=f"Items to skip (0 to {MAX_OFFSET}).")


class CrisisResourceOut(Schema):
    """A crisis line or service, shown beside a safety alert (one schema for every
    endpoint that lists them: three copies once shared the name)."""

    name: str
    contact: str
    how: str
    tel: str


class ProgramOut(Schema):
    id: int
    name: str
    slug: str


def page_of(items: QuerySet[M], page: PageQuery) -> dict[str, Any]:
    """``{"items": [...], "count": N}``: one slice of ``items`` and the total count."""
    return {
        "items": list(items[page.offset : page.offset + page.limit]),
        "count": items.count(),
    }


# The error answers every endpoint that needs a token can give.
AUTH_ERRORS: dict[int, type[Schema]] = {401: ErrorOut}
READ_ERRORS: dict[int, type[Schema]] = {400: ErrorOut, 401: ErrorOut, 404: ErrorOut}
WRITE_ERRORS: dict[int, type[Schema]] = {**READ_ERRORS, 403: ErrorOut}
