"""``/programs``: the programs (clinics) a caller may see, with their sign-in rule."""

from __future__ import annotations

from django.db.models import Count, Q
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from clonacare.accounts.access import programs_visible_to
from clonacare.accounts.models import STAFF_ACCOUNT_ROLES
from clonacare.api.endpoints.staff import refuse_unless_staff
from clonacare.api.schemas import ErrorOut, PageQuery, page_of
from clonacare.api.security import caller
from clonacare.audit.log import record

router = Router(tags=["Programs and staff"])

PROGRAMS_FOR_STAFF_ONLY = "The programs list is for staff; your own program is in GET /api/v1/me."

LIST_ERRORS: dict[int, type[Schema]] = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut}


class ProgramDetailOut(Schema):
    id: int
    name: str
    slug: str
    require_two_factor: bool = Field(
        ..., description="Staff sign in with a code from an authenticator app as well."
    )
    active_staff: int = Field(
        ..., description="Active prescribers, nurses, counsellors and program admins."
    )


class ProgramPage(Schema):
    items: list[ProgramDetailOut]
    count: int


@router.get(
    "/programs",
    response={200: ProgramPage, **LIST_ERRORS},
    summary="Your program (a site admin: every program)",
)
def programs(request: HttpRequest, filters: Query[PageQuery]) -> dict[str, object]:
    """A site admin gets every program, by name, as the programs page lists them; a
    program's staff get their own. Patients get 403."""
    actor = caller(request).actor
    refuse_unless_staff(actor, "programs.list", PROGRAMS_FOR_STAFF_ONLY)
    visible = programs_visible_to(actor).annotate(
        active_staff=Count(
            "members",
            filter=Q(members__role__in=STAFF_ACCOUNT_ROLES, members__user__is_active=True),
        )
    )
    page = page_of(visible, filters)
    record(actor, "programs.list", detail={"count": page["count"]})
    return page
