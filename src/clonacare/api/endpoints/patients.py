"""``/patients``: the caller's patients and each patient's record."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Prefetch, Q, prefetch_related_objects
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from clonacare.api.schemas import READ_ERRORS, PageQuery, ProgramOut, page_of
from clonacare.api.security import caller
from clonacare.patients.access import access_patient_by_id, list_patients
from clonacare.patients.models import (
    DOSE_TIMES,
    BenzodiazepineUse,
    CareTeamMember,
    Consent,
    Disclosure,
    Patient,
)

router = Router(tags=["Patients"])


class PatientSummaryOut(Schema):
    id: int
    given_name: str
    family_name: str
    date_of_birth: dt.date
    status: str = Field(..., description=f"One of: {', '.join(Patient.Status.values)}.")
    open_alerts: int = Field(..., description="Safety alerts not yet acknowledged.")


class PatientPage(Schema):
    items: list[PatientSummaryOut]
    count: int


class PatientQuery(PageQuery):
    status: Patient.Status | None = Field(None, description="Only patients with this status.")


class DosesOut(Schema):
    morning_mg: float
    midday_mg: float
    evening_mg: float
    night_mg: float


class BenzodiazepineUseOut(Schema):
    id: int
    drug: str
    doses: DosesOut = Field(..., description="The dose at each dose time, in mg.")
    daily_mg: float
    since: dt.date
    ended_on: dt.date | None
    prescriber_name: str
    current: bool

    @staticmethod
    def resolve_doses(use: BenzodiazepineUse) -> dict[str, float]:
        return {f"{t}_mg": float(getattr(use, f"{t}_mg")) for t in DOSE_TIMES}

    @staticmethod
    def resolve_daily_mg(use: BenzodiazepineUse) -> float:
        return float(use.daily_mg)

    @staticmethod
    def resolve_current(use: BenzodiazepineUse) -> bool:
        return use.ended_on is None or use.ended_on >= timezone.localdate()


class MedicationOut(Schema):
    id: int
    name: str
    dose: str
    reason: str
    started_on: dt.date | None
    ended_on: dt.date | None = Field(..., description="Set once the patient stopped it.")


class ConditionOut(Schema):
    id: int
    name: str
    noted_on: dt.date


class CareTeamMemberOut(Schema):
    user_id: int
    username: str
    name: str
    role: str

    @staticmethod
    def resolve_username(member: CareTeamMember) -> str:
        return member.user.get_username()

    @staticmethod
    def resolve_name(member: CareTeamMember) -> str:
        return member.user.get_full_name() or member.user.get_username()

    @staticmethod
    def resolve_role(member: CareTeamMember) -> str:
        membership = getattr(member.user, "membership", None)
        return membership.role if membership is not None else ""


def consent_status(consent: Consent, day: dt.date) -> str:
    """``active``, ``revoked``, ``expired`` or ``not-yet-signed`` on ``day``."""
    if consent.is_active_on(day):
        return "active"
    if consent.revoked_at is not None and consent.revoked_at.date() <= day:
        return "revoked"
    if consent.signed_on > day:
        return "not-yet-signed"
    return "expired"


class ConsentOut(Schema):
    """A consent to disclose, with the elements of 42 CFR § 2.31."""

    id: int
    disclosing_program: str
    recipient: str
    purpose: str
    information: str = Field(..., description="How much and what kind of information.")
    includes_counselling_notes: bool
    expires_on: dt.date | None
    expiry_event: str
    signed_by: str
    signed_on: dt.date
    revoked_at: dt.datetime | None
    status: str = Field(..., description="active, revoked, expired or not-yet-signed (today).")

    @staticmethod
    def resolve_disclosing_program(consent: Consent) -> str:
        return consent.disclosing_program.name

    @staticmethod
    def resolve_status(consent: Consent) -> str:
        return consent_status(consent, timezone.localdate())


class DisclosureOut(Schema):
    id: int
    consent_id: int
    recipient: str
    information: str
    notice: str
    disclosed_by: str
    disclosed_at: dt.datetime

    @staticmethod
    def resolve_disclosed_by(disclosure: Disclosure) -> str:
        return disclosure.disclosed_by.get_username()


class PatientRecordOut(Schema):
    id: int
    given_name: str
    family_name: str
    date_of_birth: dt.date
    status: str
    program: ProgramOut
    benzodiazepine_use: list[BenzodiazepineUseOut]
    medications: list[MedicationOut]
    conditions: list[ConditionOut]
    care_team: list[CareTeamMemberOut]
    consents: list[ConsentOut]
    disclosures: list[DisclosureOut]

    @staticmethod
    def resolve_benzodiazepine_use(patient: Patient) -> list[BenzodiazepineUse]:
        return list(patient.benzo_uses.all())


RECORD_PARTS = (
    "program",
    "benzo_uses",
    "medications",
    "conditions",
    Prefetch("care_team", CareTeamMember.objects.select_related("user__membership")),
    Prefetch("consents", Consent.objects.select_related("disclosing_program")),
    Prefetch("disclosures", Disclosure.objects.select_related("disclosed_by")),
)


@router.get(
    "/patients", response={200: PatientPage, **READ_ERRORS}, summary="The patients you may see"
)
def patients(request: HttpRequest, filters: Query[PatientQuery]) -> dict[str, object]:
    """A patient sees exactly their own record; care-team staff their assigned patients;
    a program admin the whole program; a site admin none."""
    visible = list_patients(caller(request).actor).annotate(
        open_alerts=Count("alerts", filter=Q(alerts__acknowledged_at__isnull=True), distinct=True)
    )
    if filters.status is not None:
        visible = visible.filter(status=filters.status)
    return page_of(visible, filters)


@router.get(
    "/patients/{int:patient_id}",
    response={200: PatientRecordOut, **READ_ERRORS},
    summary="A patient's record",
)
def patient(request: HttpRequest, patient_id: int) -> Patient:
    record = access_patient_by_id(caller(request).actor, patient_id, purpose="patient.view")
    prefetch_related_objects([record], *RECORD_PARTS)
    return record
