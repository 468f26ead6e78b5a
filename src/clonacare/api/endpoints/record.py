"""Registering patients and changing their record: the same actions as the pages.

Every write answers with the whole record as ``GET /patients/{id}`` shows it (201 when
something was created). A patient the caller may not see answers 404, exactly like a
missing one; a patient the caller sees but may not change answers 403 with the reason.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from django.db.models import prefetch_related_objects
from django.http import HttpRequest
from django.utils import timezone
from ninja import Body, Field, Schema, Status
from pydantic import ConfigDict

from clonacare.api.endpoints.patients import (
    RECORD_PARTS,
    PatientRecordOut,
    router,
    with_medications,
)
from clonacare.api.schemas import READ_ERRORS, WRITE_ERRORS, ErrorOut, one_of
from clonacare.api.security import caller
from clonacare.audit.log import Actor
from clonacare.core.drugs import co_medications, known_drugs
from clonacare.core.taper.rules import load_rules
from clonacare.patients.access import access_patient_by_id
from clonacare.patients.actions import (
    BenzodiazepineChange,
    Doses,
    InitialUse,
    MedicationEntry,
    PortalLogin,
    Registration,
    VerbalOrder,
    do_add_care_team_member,
    do_add_condition,
    do_add_medication,
    do_change_benzodiazepine,
    do_change_status,
    do_cosign_dose_change,
    do_end_medication,
    do_register_patient,
    do_remove_care_team_member,
)
from clonacare.patients.models import Patient

# The writes share the patients router: django-ninja matches a path on one router only,
# so POST /patients and PATCH /patients/{id} must sit beside their GETs.
__all__ = ["router"]

CHANGE_ERRORS = {**WRITE_ERRORS, 409: ErrorOut}
_RULES = load_rules()
CEILING = f"{_RULES.max_cut_pct:f}% in {_RULES.window_days} days, {_RULES.ceiling_source}"


class StrictIn(Schema):
    # A misspelt field is refused by name instead of being silently dropped.
    model_config = ConfigDict(extra="forbid")


class DosesIn(StrictIn):
    """The dose at each dose time in mg; a time left out is 0 mg."""

    morning_mg: Decimal = Decimal(0)
    midday_mg: Decimal = Decimal(0)
    evening_mg: Decimal = Decimal(0)
    night_mg: Decimal = Decimal(0)

    def doses(self) -> Doses:
        return Doses(self.morning_mg, self.midday_mg, self.evening_mg, self.night_mg)


class InitialUseIn(StrictIn):
    drug: str = one_of(known_drugs())
    doses: DosesIn
    since: dt.date
    prescriber_name: str = ""


class PortalLoginIn(StrictIn):
    username: str
    password: str = Field(..., description="Checked by the site's password validators.")


class RegistrationIn(StrictIn):
    given_name: str
    family_name: str
    date_of_birth: dt.date
    status: str = one_of(Patient.Status.values, Patient.Status.ASSESSMENT)
    benzodiazepine: InitialUseIn | None = Field(None, description="What the patient takes now.")
    care_team: list[int] = Field(
        [], description="User ids of the program's prescribers, nurses and counsellors."
    )
    login: PortalLoginIn | None = Field(None, description="A login for the patient portal.")


class StatusIn(StrictIn):
    status: str = one_of(Patient.Status.values)


class VerbalOrderIn(StrictIn):
    """A prescriber's verbal or telephone order, as the nurse who took it records it."""

    prescriber_id: int = Field(
        ..., description="The user id of the prescriber, on the patient's care team."
    )
    kind: Literal["verbal", "telephone"] = "verbal"
    read_back: bool = Field(
        False,
        description="The order was read back to the prescriber, who confirmed it: must be true.",
    )


class BenzodiazepineChangeIn(StrictIn):
    drug: str = one_of(known_drugs())
    doses: DosesIn = Field(..., description="The new doses; 0 mg at every time stops the drug.")
    on: dt.date = Field(..., description="The first day of the new doses.")
    prescriber_name: str = Field(
        "",
        description="Leave it out: a new dose is prescribed by the prescriber who ordered "
        "it (you, or the prescriber of a verbal order), whose name is stored. A name that "
        "is not that prescriber's is refused (400).",
    )
    verbal_order: VerbalOrderIn | None = Field(
        None,
        description="Needed when a nurse records the change (a prescriber's verbal or "
        "telephone order, pending until that prescriber co-signs it); refused from a "
        "prescriber.",
    )
    override_reason: str = Field(
        "",
        description=f"Why the change cuts more than the taper's ceiling ({CEILING}); "
        "needed only then, and kept with the change.",
    )

    def change(self) -> BenzodiazepineChange:
        order = self.verbal_order
        return BenzodiazepineChange(
            self.drug,
            self.doses.doses(),
            self.on,
            self.prescriber_name,
            verbal_order=(
                VerbalOrder(order.prescriber_id, order.kind, order.read_back)
                if order is not None
                else None
            ),
            override_reason=self.override_reason,
        )


class EmptyIn(StrictIn):
    """No fields."""


class MedicationIn(StrictIn):
    name: str = Field(
        "",
        description="As written; may be left out with a drug (then the drug's name). A "
        "name that is exactly a known drug's is recorded as that drug.",
    )
    drug: str = Field(
        "",
        description="A known drug id (GET /co-medications), whose combinations with the "
        "benzodiazepine and the other medications are flagged; left out for free text. "
        "An unknown id is refused (400, unknown-co-medication).",
    )
    dose: str = ""
    reason: str = ""
    started_on: dt.date | None = None


class EndMedicationIn(StrictIn):
    ended_on: dt.date


class ConditionIn(StrictIn):
    name: str
    noted_on: dt.date


class CareTeamMemberIn(StrictIn):
    user_id: int


def _record(actor: Actor, patient_id: int) -> Patient:
    patient = Patient.objects.get(pk=patient_id)
    prefetch_related_objects([patient], *RECORD_PARTS)
    return with_medications(actor, patient)


@router.post(
    "/patients",
    response={201: PatientRecordOut, **WRITE_ERRORS},
    summary="Register a patient",
    by_alias=True,
)
def register(request: HttpRequest, payload: RegistrationIn) -> Status[Patient]:
    """Program admins and prescribers, in their own program (403 for anyone else). A
    prescriber who registers a patient joins the care team."""
    use = payload.benzodiazepine
    registration = Registration(
        given_name=payload.given_name,
        family_name=payload.family_name,
        date_of_birth=payload.date_of_birth,
        status=payload.status,
        benzodiazepine=(
            InitialUse(use.drug, use.doses.doses(), use.since, use.prescriber_name)
            if use is not None
            else None
        ),
        care_team=tuple(payload.care_team),
        login=(
            PortalLogin(payload.login.username, payload.login.password)
            if payload.login is not None
            else None
        ),
    )
    actor = caller(request).actor
    patient = do_register_patient(actor, registration, now=timezone.now())
    return Status(201, _record(actor, patient.pk))


@router.patch(
    "/patients/{int:patient_id}",
    response={200: PatientRecordOut, **WRITE_ERRORS},
    summary="Change a patient's status",
    by_alias=True,
)
def change_status(request: HttpRequest, patient_id: int, payload: StatusIn) -> Patient:
    actor = caller(request).actor
    patient = access_patient_by_id(actor, patient_id, purpose="record-changes.write")
    do_change_status(actor, patient, payload.status, now=timezone.now())
    return _record(actor, patient.pk)


@router.post(
    "/patients/{int:patient_id}/benzodiazepine-changes",
    response={201: PatientRecordOut, **WRITE_ERRORS},
    summary="Record a benzodiazepine dose change",
    by_alias=True,
)
def change_benzodiazepine(
    request: HttpRequest, patient_id: int, payload: BenzodiazepineChangeIn
) -> Status[Patient]:
    """A prescriber on the patient's care team, on their own order; a nurse on it, only
    with ``verbal_order`` (403 for anyone else who sees the patient). The current use of
    the drug ends the day before ``on`` and the new doses start on it; history is never
    edited. A cut above the ceiling without ``override_reason`` is refused (400, naming
    the ceiling, its source and the size of the cut)."""
    actor = caller(request).actor
    patient = access_patient_by_id(actor, patient_id, purpose="record-changes.write")
    do_change_benzodiazepine(actor, patient, payload.change(), now=timezone.now())
    return Status(201, _record(actor, patient.pk))


@router.post(
    "/patients/{int:patient_id}/dose-changes/{int:change_id}/cosign",
    response={200: PatientRecordOut, **CHANGE_ERRORS},
    summary="Co-sign a verbal or telephone dose order",
    by_alias=True,
)
def cosign_dose_change(
    request: HttpRequest, patient_id: int, change_id: int, payload: Body[EmptyIn | None] = None
) -> Patient:
    """Only the prescriber the order names (403 for anyone else who sees the patient);
    404 for a dose change that is not this patient's; 409 once it is co-signed, or for a
    change its prescriber entered. No body, or an empty object."""
    actor = caller(request).actor
    patient = access_patient_by_id(actor, patient_id, purpose="record-changes.write")
    do_cosign_dose_change(actor, patient, change_id, now=timezone.now())
    return _record(actor, patient.pk)


@router.post(
    "/patients/{int:patient_id}/medications",
    response={201: PatientRecordOut, **WRITE_ERRORS},
    summary="Add another medication",
    by_alias=True,
)
def add_medication(request: HttpRequest, patient_id: int, payload: MedicationIn) -> Status[Patient]:
    actor = caller(request).actor
    patient = access_patient_by_id(actor, patient_id, purpose="record-changes.write")
    entry = MedicationEntry(
        payload.name, payload.dose, payload.reason, payload.started_on, drug=payload.drug
    )
    do_add_medication(actor, patient, entry, now=timezone.now())
    return Status(201, _record(actor, patient.pk))


@router.post(
    "/patients/{int:patient_id}/medications/{int:medication_id}/end",
    response={200: PatientRecordOut, **CHANGE_ERRORS},
    summary="Record that a medication was stopped",
    by_alias=True,
)
def end_medication(
    request: HttpRequest, patient_id: int, medication_id: int, payload: EndMedicationIn
) -> Patient:
    actor = caller(request).actor
    patient = access_patient_by_id(actor, patient_id, purpose="record-changes.write")
    do_end_medication(actor, patient, medication_id, payload.ended_on, now=timezone.now())
    return _record(actor, patient.pk)


@router.post(
    "/patients/{int:patient_id}/conditions",
    response={201: PatientRecordOut, **WRITE_ERRORS},
    summary="Add a condition",
    by_alias=True,
)
def add_condition(request: HttpRequest, patient_id: int, payload: ConditionIn) -> Status[Patient]:
    actor = caller(request).actor
    patient = access_patient_by_id(actor, patient_id, purpose="record-changes.write")
    do_add_condition(actor, patient, payload.name, payload.noted_on, now=timezone.now())
    return Status(201, _record(actor, patient.pk))


@router.post(
    "/patients/{int:patient_id}/care-team",
    response={201: PatientRecordOut, **CHANGE_ERRORS},
    summary="Put a clinician on the care team",
    by_alias=True,
)
def add_care_team_member(
    request: HttpRequest, patient_id: int, payload: CareTeamMemberIn
) -> Status[Patient]:
    """Program admins only (403 for others who can see the patient)."""
    actor = caller(request).actor
    patient = access_patient_by_id(actor, patient_id, purpose="record-changes.write")
    do_add_care_team_member(actor, patient, payload.user_id, now=timezone.now())
    return Status(201, _record(actor, patient.pk))


@router.delete(
    "/patients/{int:patient_id}/care-team/{int:user_id}",
    response={204: None, **WRITE_ERRORS},
    summary="Take a clinician off the care team",
)
def remove_care_team_member(request: HttpRequest, patient_id: int, user_id: int) -> Status[None]:
    """Program admins only. 404 when that person is not on the care team."""
    actor = caller(request).actor
    patient = access_patient_by_id(actor, patient_id, purpose="record-changes.write")
    do_remove_care_team_member(actor, patient, user_id, now=timezone.now())
    return Status(204, None)


class CoMedicationClassOut(Schema):
    id: str
    name: str
    drugs: list[str] = Field(..., description="Generic names; each is a drug id.")
    medications_for_opioid_use_disorder: list[str]
    source: str


@router.get(
    "/co-medications",
    response={200: list[CoMedicationClassOut], **READ_ERRORS},
    summary="The drugs a medication may name, by class",
)
def co_medication_classes(request: HttpRequest) -> list[dict[str, object]]:
    """The classes of drugs that matter beside a benzodiazepine (the co-medications data
    file), each with its drugs and its source. Any signed-in caller."""
    return [
        {
            "id": c.id,
            "name": c.name,
            "drugs": list(c.drugs),
            "medications_for_opioid_use_disorder": list(c.moud),
            "source": c.source,
        }
        for c in co_medications().classes
    ]
