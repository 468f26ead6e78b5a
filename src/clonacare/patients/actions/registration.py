"""Registering a patient: demographics, status, the benzodiazepine they take, their care
team and, if they will use the portal, their login."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from clonacare.accounts.models import Membership, Role
from clonacare.audit.log import Actor, record
from clonacare.core.errors import ClinicalError
from clonacare.patients.access import may_register_patients
from clonacare.patients.actions import checks
from clonacare.patients.doses import Doses, check_doses, check_drug
from clonacare.patients.models import BenzodiazepineUse, CareTeamMember, Patient

NOT_ALLOWED = "Only a program admin or a prescriber of the program registers patients."


@dataclass(frozen=True)
class InitialUse:
    """The benzodiazepine the patient takes when registered."""

    drug: str
    doses: Doses
    since: dt.date
    prescriber_name: str = ""


@dataclass(frozen=True)
class PortalLogin:
    """A login for the patient portal; the password is the initial one staff hand over."""

    username: str
    password: str = field(repr=False)


@dataclass(frozen=True)
class Registration:
    given_name: str
    family_name: str
    date_of_birth: dt.date
    status: str = Patient.Status.ASSESSMENT
    benzodiazepine: InitialUse | None = None
    care_team: tuple[int, ...] = ()
    login: PortalLogin | None = None


def _taken(username: str) -> ClinicalError:
    return ClinicalError("username", f"The username {username!r} is taken; choose another.")


def _check_login(login: PortalLogin, given_name: str, family_name: str) -> str:
    username = login.username.strip()
    if not username:
        raise ClinicalError("username", "A portal login needs a username.")
    try:
        User._meta.get_field("username").run_validators(username)
    except ValidationError as exc:
        raise ClinicalError("username", " ".join(exc.messages)) from None
    if User.objects.filter(username__iexact=username).exists():
        raise _taken(username)
    someone = User(username=username, first_name=given_name, last_name=family_name)
    try:
        validate_password(login.password, user=someone)
    except ValidationError as exc:
        raise ClinicalError("password", " ".join(exc.messages)) from None
    return username


def do_register_patient(actor: Actor, registration: Registration, *, now: dt.datetime) -> Patient:
    """Create the patient in the actor's program, with everything ``registration`` holds.

    A prescriber who registers a patient joins their care team (otherwise they could not
    open the record they just made). Refused with ClinicalError, writing nothing, when
    the actor may not register patients (``not-allowed``) or any part is not valid: a
    blank or over-long name, a date in the future, a date of birth that makes the patient
    older than the bound on age (``date-of-birth``), a use before birth, an unknown
    status or drug, a dose that cannot be one (patients/doses.py), a care-team member who
    is not a clinician of the program, a username that is taken or invalid (regardless
    of case, also when another request took it a moment earlier: the database's
    ``accounts_user_username_ci`` index), a password Django's validators refuse.
    """
    if not may_register_patients(actor) or actor.program_id is None or actor.user_id is None:
        raise ClinicalError("not-allowed", NOT_ALLOWED)
    program_id = actor.program_id
    today = now.date()
    given = checks.text(
        registration.given_name,
        model=Patient,
        field="given_name",
        label="given name",
        required=True,
    )
    family = checks.text(
        registration.family_name,
        model=Patient,
        field="family_name",
        label="family name",
        required=True,
    )
    born = registration.date_of_birth
    checks.date_of_birth(born, today)
    status = checks.status(registration.status)
    use = registration.benzodiazepine
    prescriber_name = ""
    if use is not None:
        check_drug(use.drug)
        check_doses(use.doses, zero_total_allowed=status == Patient.Status.RECOVERY)
        checks.recorded_date(
            use.since, patient_born=born, today=today, what="The start of the benzodiazepine use"
        )
        prescriber_name = checks.text(
            use.prescriber_name,
            model=BenzodiazepineUse,
            field="prescriber_name",
            label="prescriber's name",
            required=False,
        )
    team_ids = list(dict.fromkeys(registration.care_team))
    if actor.role == Role.PRESCRIBER and actor.user_id not in team_ids:
        team_ids.insert(0, actor.user_id)
    team = [checks.clinician_of_program(program_id, user_id) for user_id in team_ids]
    login = registration.login
    username = _check_login(login, given, family) if login is not None else None

    with transaction.atomic():
        user = None
        if login is not None and username is not None:
            user = User(username=username, first_name=given, last_name=family)
            user.set_password(login.password)
            try:
                with transaction.atomic():
                    user.save()
            except IntegrityError:
                # Taken between the check and now, in another case or the same.
                raise _taken(username) from None
            Membership.objects.create(user=user, program_id=program_id, role=Role.PATIENT)
        patient = Patient.objects.create(
            program_id=program_id,
            user=user,
            given_name=given,
            family_name=family,
            date_of_birth=born,
            status=status,
        )
        if use is not None:
            BenzodiazepineUse.objects.create(
                patient=patient,
                drug=use.drug,
                since=use.since,
                prescriber_name=prescriber_name,
                **use.doses.as_fields(),
            )
        CareTeamMember.objects.bulk_create(
            [CareTeamMember(patient=patient, user=member) for member in team]
        )
        record(
            actor,
            "patient.register",
            patient=patient,
            target=patient,
            detail={
                "status": status,
                "benzodiazepine": use.drug if use is not None else None,
                "care_team": [member.get_username() for member in team],
                "portal_login": username,
            },
        )
    return patient
