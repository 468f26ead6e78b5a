"""``/staff``: the staff accounts a caller may name, e.g. for ``POST /patients/{id}/care-team``."""

from __future__ import annotations

from typing import Any, Literal

from django.contrib.auth.models import User
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from clonacare.accounts.access import (
    may_list_programs_and_staff,
    programs_visible_to,
    staff_visible_to,
)
from clonacare.api.errors import PROGRAM_NOT_FOUND, Forbidden, NotFound
from clonacare.api.schemas import ErrorOut, PageQuery, ProgramOut, page_of
from clonacare.api.security import caller
from clonacare.audit.log import Actor, record

router = Router(tags=["Programs and staff"])

STAFF_FOR_STAFF_ONLY = (
    "The staff list is for the program's staff; your care team is in your record "
    "(GET /api/v1/patients/{id})."
)

# The roles of STAFF_ACCOUNT_ROLES (tests/web/test_api_staff.py checks they agree).
StaffRole = Literal["prescriber", "nurse", "counsellor", "program_admin"]

LIST_ERRORS: dict[int, type[Schema]] = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut}


class StaffOut(Schema):
    id: int = Field(..., description="The user id, as POST /patients/{id}/care-team takes it.")
    username: str
    name: str = Field(..., description="The full name, or the username when none is set.")
    role: StaffRole
    program: ProgramOut

    @staticmethod
    def resolve_name(user: User) -> str:
        return user.get_full_name() or user.get_username()

    @staticmethod
    def resolve_role(user: User) -> str:
        return user.membership.role

    @staticmethod
    def resolve_program(user: User) -> Any:
        return user.membership.program


class StaffPage(Schema):
    items: list[StaffOut]
    count: int


class StaffQuery(PageQuery):
    program: int | None = Field(None, description="Only this program's staff (a program id).")
    role: StaffRole | None = Field(
        None, description="Only this role; the care team takes prescribers, nurses, counsellors."
    )


def refuse_unless_staff(actor: Actor, action: str, message: str) -> None:
    """Raise Forbidden(``message``) unless ``actor`` may list programs and staff; the
    refusal is audited as ``<action>.denied``."""
    if not may_list_programs_and_staff(actor):
        record(actor, f"{action}.denied")
        raise Forbidden(message)


@router.get(
    "/staff",
    response={200: StaffPage, **LIST_ERRORS},
    summary="The active staff of your program (a site admin: of every program)",
)
def staff(request: HttpRequest, filters: Query[StaffQuery]) -> dict[str, object]:
    """Active prescribers, nurses, counsellors and program admins, by name: of your own
    program for its staff, of every program for a site admin (``?program=`` for one).
    Patients get 403; a program you may not see answers like a missing one (404)."""
    actor = caller(request).actor
    refuse_unless_staff(actor, "staff.list", STAFF_FOR_STAFF_ONLY)
    members = staff_visible_to(actor)
    if filters.program is not None:
        if not programs_visible_to(actor).filter(pk=filters.program).exists():
            record(actor, "staff.list.denied", detail={"program": filters.program})
            raise NotFound(PROGRAM_NOT_FOUND)
        members = members.filter(membership__program_id=filters.program)
    if filters.role is not None:
        members = members.filter(membership__role=filters.role)
    page = page_of(members, filters)
    record(
        actor,
        "staff.list",
        detail={"count": page["count"], "program": filters.program, "role": filters.role},
    )
    return page
