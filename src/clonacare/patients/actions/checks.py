"""Checks shared by the record's actions; each raises ClinicalError with one sentence."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import User
from django.db.models import Model

from clonacare.accounts.models import CARE_TEAM_ROLES
from clonacare.core.errors import ClinicalError
from clonacare.patients.models import Patient

CARE_TEAM_TAKES = "the care team takes the program's prescribers, nurses and counsellors"


def text(value: str, *, model: type[Model], field: str, label: str, required: bool) -> str:
    """``value`` stripped; refused when empty (if required) or longer than the field."""
    cleaned = value.strip()
    if required and not cleaned:
        raise ClinicalError("missing", f"Enter the {label}.")
    limit = model._meta.get_field(field).max_length  # type: ignore[union-attr]
    if limit is not None and len(cleaned) > limit:
        raise ClinicalError("too-long", f"The {label} is longer than {limit} characters.")
    return cleaned


def not_in_future(day: dt.date, today: dt.date, what: str) -> None:
    if day > today:
        raise ClinicalError("date", f"{what} cannot be in the future.")


def not_before_birth(day: dt.date, patient_born: dt.date, what: str) -> None:
    if day < patient_born:
        raise ClinicalError("date", f"{what} cannot be before the date of birth.")


def status(value: str) -> str:
    if value not in Patient.Status.values:
        raise ClinicalError(
            "status",
            f"Unknown status {value!r}; choose one of: {', '.join(Patient.Status.values)}.",
        )
    return value


def clinician_of_program(program_id: int, user_id: int) -> User:
    """The active prescriber, nurse or counsellor ``user_id`` of the program.

    Anyone else (another program's staff, a patient, an admin, no such user) is refused
    with the same message, so the answer says nothing about other programs' people.
    """
    user = User.objects.filter(
        pk=user_id,
        is_active=True,
        membership__program_id=program_id,
        membership__role__in=CARE_TEAM_ROLES,
    ).first()
    if user is None:
        raise ClinicalError(
            "care-team",
            f"No prescriber, nurse or counsellor of this program has the id {user_id}; "
            f"{CARE_TEAM_TAKES}.",
        )
    return user


def display_name(user: User) -> str:
    return user.get_full_name() or user.get_username()
