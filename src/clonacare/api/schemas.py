"""Shapes shared by every endpoint: the error body and the paginated list."""

from __future__ import annotations

from typing import Any, TypeVar

from django.db.models import Model, QuerySet
from ninja import Field, Schema

M = TypeVar("M", bound=Model)

MAX_PAGE = 200
# The largest OFFSET the databases take (a signed 64-bit integer); a larger one was a 500.
MAX_OFFSET = 2**63 - 1


class ErrorOut(Schema):
    detail: str = Field(..., description="One sentence saying what went wrong.")


class PageQuery(Schema):
    """``?limit=&offset=`` on every list; out of range, ``400`` naming the field."""

    limit: int = Field(50, ge=1, le=MAX_PAGE, description=f"Items per page (1 to {MAX_PAGE}).")
    offset: int = Field(0, ge=0, le=MAX_OFFSET, description=f"Items to skip (0 to {MAX_OFFSET}).")


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
