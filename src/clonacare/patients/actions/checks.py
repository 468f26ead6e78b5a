"""Checks shared by the record's actions; each raises ClinicalError with one sentence."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import User
from django.db.models import Model

from clonacare.accounts.models import CARE_TEAM_ROLES
from clonacare.core.assessment import record_bounds
from clonacare.core.errors import ClinicalError
from clonacare.patients.models import Patient, age_on

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


def not_in_future(day: dt.date, today: dt.date, what: str, *, code: str = "date") -> None:
    if day > today:
        raise ClinicalError(code, f"{what} cannot be in the future.")


def not_before_birth(day: dt.date, patient_born: dt.date, what: str) -> None:
    if day < patient_born:
        raise ClinicalError("date", f"{what} cannot be before the date of birth.")


def recorded_date(day: dt.date, *, patient_born: dt.date, today: dt.date, what: str) -> None:
    """The rule for every date in the record: not in the future, not before birth."""
    not_in_future(day, today, what)
    not_before_birth(day, patient_born, what)


def date_of_birth(born: dt.date, today: dt.date) -> None:
    """Refused (``date-of-birth``) in the future, or when it makes the patient older than
    the assessment record's bound on age (core/assessment/data/record.toml, a typo
    guard with its source), so a year typed wrong (0001 for 2001) is caught."""
    not_in_future(born, today, "The date of birth", code="date-of-birth")
    bound = record_bounds()["age"]
    age = age_on(born, today)
    if age > bound.max:
        raise ClinicalError(
            "date-of-birth",
            f"The date of birth {born.isoformat()} makes the patient {age} years old; "
            f"the record takes ages up to {bound.max:f} ({bound.source}).",
        )


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
