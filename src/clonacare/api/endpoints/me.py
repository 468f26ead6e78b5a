"""``/me``: who the token belongs to."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

from clonacare.accounts.models import Role
from clonacare.api.schemas import AUTH_ERRORS, ProgramOut
from clonacare.api.security import caller
from clonacare.patients.access import patients_visible_to

router = Router(tags=["Me"])


class MeOut(Schema):
    username: str
    name: str
    role: str
    program: ProgramOut | None
    patient_id: int | None


@router.get("/me", response={200: MeOut, **AUTH_ERRORS}, summary="The signed-in user")
def me(request: HttpRequest) -> MeOut:
    who = caller(request)
    own_record = None
    if who.membership.role == Role.PATIENT:
        own_record = patients_visible_to(who.actor).values_list("id", flat=True).first()
    return MeOut(
        username=who.user.get_username(),
        name=who.user.get_full_name() or who.user.get_username(),
        role=who.membership.role,
        program=ProgramOut.model_validate(who.membership.program)
        if who.membership.program
        else None,
        patient_id=own_record,
    )
