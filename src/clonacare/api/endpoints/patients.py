"""``/patients``: the caller's patients and each patient's record."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Prefetch, prefetch_related_objects
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from clonacare.accounts.models import Role
from clonacare.api.schemas import READ_ERRORS, PageQuery, ProgramOut, one_of, page_of
from clonacare.api.security import caller
from clonacare.assessments.access import alcohol_use_disorder_recorded, alerts_visible_to
from clonacare.assessments.actions import instruments_for
from clonacare.assessments.caseload import CaseloadRow, caseload
from clonacare.assessments.schedule import Interval, instrument_intervals, level_of_care_interval
from clonacare.audit.log import Actor
from clonacare.core.drugs import Flag
from clonacare.patients.access import access_patient_by_id, list_patients
from clonacare.patients.medications import MedicationList, medication_list
from clonacare.patients.models import (
    DOSE_TIMES,
    BenzodiazepineUse,
    CareTeamMember,
    Consent,
    Disclosure,
    DoseChange,
    Patient,
)

router = Router(tags=["Patients"])


class LatestScoreOut(Schema):
    instrument: str = Field(..., description="The instrument id (e.g. phq9).")
    submitted_at: dt.datetime
    total: int | None = Field(..., description="null when the response had no total.")
    band: str | None


class OverdueOut(Schema):
    assessment: str = Field(..., description="An instrument id (e.g. phq9) or level_of_care.")
    last_done_at: dt.datetime | None = Field(..., description="null: never done.")
    due_on: dt.date | None = Field(
        ..., description="The day it fell due; null when it was never done (due since then)."
    )


class BenzodiazepineSummaryOut(Schema):
    drug: str
    daily_mg: float
    since: dt.date


class PatientSummaryOut(Schema):
    id: int
    given_name: str
    family_name: str
    date_of_birth: dt.date
    status: str = one_of(Patient.Status.values)
    open_alerts: int = Field(..., description="Safety alerts not yet acknowledged.")
    benzodiazepine: BenzodiazepineSummaryOut | None = Field(
        ...,
        description="The benzodiazepine taken now, as the caseload shows it; null when none "
        "is recorded, and for a discharged patient (not on the caseload).",
    )
    latest_scores: list[LatestScoreOut] | None = Field(
        ...,
        description="The latest result of each scheduled instrument, as the caseload shows "
        "them (a patient: the questionnaires the portal shows); null for a discharged patient.",
    )
    overdue: list[OverdueOut] | None = Field(
        ...,
        description="Assessments past their interval, as the caseload shows them; null for "
        "a discharged patient, and when a patient asks (the portal does not show it).",
    )


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


def _name(user: Any) -> str:
    return str(user.get_full_name() or user.get_username())


def _pending_by(use: BenzodiazepineUse) -> str | None:
    change = getattr(use, "dose_change", None)
    return _name(change.ordered_by) if change is not None and change.is_pending else None


class BenzodiazepineUseOut(Schema):
    id: int
    drug: str
    doses: DosesOut = Field(..., description="The dose at each dose time, in mg.")
    daily_mg: float
    since: dt.date
    ended_on: dt.date | None
    prescriber_name: str
    current: bool
    awaiting_co_signature_by: str | None = Field(
        None,
        description="Started by a verbal or telephone order not yet co-signed: the "
        "prescriber who gave it (the dose is in effect meanwhile); null otherwise.",
    )

    @staticmethod
    def resolve_awaiting_co_signature_by(use: BenzodiazepineUse) -> str | None:
        return _pending_by(use)

    @staticmethod
    def resolve_doses(use: BenzodiazepineUse) -> dict[str, float]:
        return {f"{t}_mg": float(getattr(use, f"{t}_mg")) for t in DOSE_TIMES}

    @staticmethod
    def resolve_daily_mg(use: BenzodiazepineUse) -> float:
        return float(use.daily_mg)

    @staticmethod
    def resolve_current(use: BenzodiazepineUse) -> bool:
        return use.ended_on is None or use.ended_on >= timezone.localdate()


class DoseChangeOut(Schema):
    """A recorded benzodiazepine dose change and the order behind it."""

    id: int
    drug: str
    on: dt.date
    from_daily_mg: float | None = Field(..., description="null: the drug was not taken.")
    to_daily_mg: float = Field(..., description="0: the change stopped the drug.")
    order: str = Field(..., description="prescriber (entered by them), verbal or telephone.")
    ordered_by: str = Field(..., description="The prescriber who gave the order (username).")
    recorded_by: str = Field(..., description="Who entered it (username).")
    status: str = Field(
        ...,
        description="signed (entered by its prescriber, or co-signed) or "
        "pending-co-signature (a verbal or telephone order, in effect from its date).",
    )
    awaiting_co_signature_by: str | None = Field(
        ..., description="The prescriber's name while the order awaits their co-signature."
    )
    cosigned_at: dt.datetime | None
    above_ceiling: bool = Field(
        ..., description="The change cut more than the taper's ceiling allows."
    )
    cut_pct: float | None = Field(..., description="The size of that cut; null when within.")
    override_reason: str = Field(..., description="Why a cut above the ceiling was made.")

    @staticmethod
    def resolve_from_daily_mg(change: DoseChange) -> float | None:
        return float(change.from_daily_mg) if change.from_daily_mg is not None else None

    @staticmethod
    def resolve_to_daily_mg(change: DoseChange) -> float:
        return float(change.to_daily_mg)

    @staticmethod
    def resolve_ordered_by(change: DoseChange) -> str:
        return change.ordered_by.get_username()

    @staticmethod
    def resolve_recorded_by(change: DoseChange) -> str:
        return change.recorded_by.get_username()

    @staticmethod
    def resolve_status(change: DoseChange) -> str:
        return "pending-co-signature" if change.is_pending else "signed"

    @staticmethod
    def resolve_awaiting_co_signature_by(change: DoseChange) -> str | None:
        return _name(change.ordered_by) if change.is_pending else None

    @staticmethod
    def resolve_above_ceiling(change: DoseChange) -> bool:
        return change.ceiling_cut_pct is not None

    @staticmethod
    def resolve_cut_pct(change: DoseChange) -> float | None:
        return float(change.ceiling_cut_pct) if change.ceiling_cut_pct is not None else None


class FlagOut(Schema):
    """An interaction flag: what is taken together, why it matters, and its source.
    It informs; it never recommends starting, stopping or changing a drug."""

    code: str = Field(..., description="Stable: e.g. opioid-with-benzodiazepine.")
    message: str
    source: str
    with_: list[str] = Field(
        ...,
        alias="with",
        description="What it is combined with: drug ids of other medications, the "
        "benzodiazepine(s) taken today, or alcohol.",
    )


def flag_dict(flag: Flag) -> dict[str, Any]:
    return flag.as_dict()


class MedicationOut(Schema):
    id: int
    name: str
    drug: str | None = Field(
        ..., description="A known drug id (GET /co-medications); null for free text."
    )
    drug_class: str | None = Field(
        ..., alias="class", description="The drug's class id (e.g. opioids); null for free text."
    )
    class_name: str | None = Field(..., description="The class as the record names it.")
    dose: str
    reason: str
    started_on: dt.date | None
    ended_on: dt.date | None = Field(..., description="Set once the patient stopped it.")
    flags: list[FlagOut] = Field(
        ...,
        description="Interaction flags of a medication taken now (empty once ended, and "
        "for free text).",
    )


class MedicationListOut(Schema):
    items: list[MedicationOut]
    flags: list[FlagOut] = Field(
        ...,
        description="Flags that concern no single medication: alcohol use disorder (from "
        "the latest level-of-care assessment, for staff) with the benzodiazepine.",
    )


def medications_out(listed: MedicationList) -> dict[str, Any]:
    """The medication list as the API answers it (the record's ``medications`` are
    its ``items``)."""
    return {
        "items": [
            {
                "id": item.medication.pk,
                "name": item.medication.name,
                "drug": item.medication.drug or None,
                "class": item.drug_class.id if item.drug_class is not None else None,
                "class_name": item.drug_class.name if item.drug_class is not None else None,
                "dose": item.medication.dose,
                "reason": item.medication.reason,
                "started_on": item.medication.started_on,
                "ended_on": item.medication.ended_on,
                "flags": [flag_dict(f) for f in item.flags],
            }
            for item in listed.items
        ],
        "flags": [flag_dict(f) for f in listed.flags],
    }


def with_medications(actor: Actor, patient: Patient) -> Patient:
    """``patient`` with its medication list and flags as ``actor`` may see them (the
    alcohol flags need a level-of-care assessment the actor may see)."""
    patient.medication_list = medications_out(  # type: ignore[attr-defined]
        medication_list(
            patient,
            alcohol_use_disorder=alcohol_use_disorder_recorded(actor, patient),
            today=timezone.localdate(),
        )
    )
    return patient


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
    kind: str = Field(..., description="`tpo` (treatment, payment and operations) or `specific`.")
    recipient_class: str = Field(..., description="`treating-providers`, `health-plan` or `named`.")
    recipient: str
    purpose: str
    information: str = Field(..., description="How much and what kind of information.")
    includes_counselling_notes: bool
    expires_on: dt.date | None
    expiry_event: str
    treatment_depends_on_signing: bool
    how_to_revoke: str
    redisclosure_statement: str
    signed_by: str
    representative_authority: str = Field(
        ..., description="Set when a legal representative signed: their authority."
    )
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
    kind: str = Field(
        ...,
        description="`consent`, `bulk` (under a consent, in a bulk FHIR export), or "
        "`emergency` (§ 2.51, no consent).",
    )
    consent_id: int | None
    recipient_class: str
    recipient: str
    purpose: str
    information: str
    made_by: str = Field(..., description="Emergency: who made the disclosure.")
    notice: str
    disclosed_by: str
    disclosed_at: dt.datetime

    @staticmethod
    def resolve_disclosed_by(disclosure: Disclosure) -> str:
        return disclosure.recorded_by


class PatientRecordOut(Schema):
    id: int
    given_name: str
    family_name: str
    date_of_birth: dt.date
    status: str
    program: ProgramOut
    benzodiazepine_use: list[BenzodiazepineUseOut]
    dose_changes: list[DoseChangeOut] = Field(
        ..., description="Recorded dose changes, latest first, with their orders."
    )
    medications: list[MedicationOut]
    conditions: list[ConditionOut]
    care_team: list[CareTeamMemberOut]
    consents: list[ConsentOut]
    disclosures: list[DisclosureOut]

    @staticmethod
    def resolve_benzodiazepine_use(patient: Patient) -> list[BenzodiazepineUse]:
        return list(patient.benzo_uses.all())

    @staticmethod
    def resolve_dose_changes(patient: Patient) -> list[DoseChange]:
        return list(patient.dose_changes.all())

    @staticmethod
    def resolve_medications(patient: Patient) -> list[dict[str, Any]]:
        listed: dict[str, Any] = patient.medication_list  # type: ignore[attr-defined]
        return list(listed["items"])


RECORD_PARTS = (
    "program",
    Prefetch("benzo_uses", BenzodiazepineUse.objects.select_related("dose_change__ordered_by")),
    Prefetch("dose_changes", DoseChange.objects.select_related("ordered_by", "recorded_by")),
    "medications",
    "conditions",
    Prefetch("care_team", CareTeamMember.objects.select_related("user__membership")),
    Prefetch("consents", Consent.objects.select_related("disclosing_program")),
    Prefetch("disclosures", Disclosure.objects.select_related("disclosed_by")),
)


# The caseload's name for the level-of-care assessment in its overdue column.
LEVEL_OF_CARE = "level of care"


def _due_on(interval: Interval, last: dt.datetime | None) -> dt.date | None:
    """The day ``Interval.is_overdue`` turned true: ``every_days`` after the last one."""
    if last is None:
        return None
    return timezone.localdate(last + dt.timedelta(days=interval.every_days))


@dataclass(frozen=True)
class CaseloadColumns:
    """The caseload page's columns as an actor may see them: staff every column; a
    patient what the portal shows (the scores of their own questionnaires, no overdue)."""

    intervals: Mapping[str, Interval]
    instruments: frozenset[str] | None  # None: every instrument the caseload shows
    overdue: bool

    @classmethod
    def for_actor(cls, actor: Actor) -> CaseloadColumns:
        intervals: dict[str, Interval] = {i.what: i for i in instrument_intervals()}
        intervals[LEVEL_OF_CARE] = level_of_care_interval()
        if actor.role == Role.PATIENT:
            own = frozenset(d.id for d in instruments_for(actor))
            return cls(intervals, instruments=own, overdue=False)
        return cls(intervals, instruments=None, overdue=True)

    def of(self, row: CaseloadRow | None) -> dict[str, Any]:
        """The columns of one patient's row; all null without a row (a discharged
        patient, whom the caseload does not follow)."""
        if row is None:
            return {"benzodiazepine": None, "latest_scores": None, "overdue": None}
        use = row.current_use
        return {
            "benzodiazepine": (
                {"drug": use.drug, "daily_mg": float(use.daily_mg), "since": use.since}
                if use is not None
                else None
            ),
            "latest_scores": [
                {
                    "instrument": score.instrument,
                    "submitted_at": score.submitted_at,
                    "total": score.total,
                    "band": score.band or None,
                }
                for score in row.latest
                if self.instruments is None or score.instrument in self.instruments
            ],
            "overdue": [self._overdue(row, what) for what in row.overdue] if self.overdue else None,
        }

    def _overdue(self, row: CaseloadRow, what: str) -> dict[str, Any]:
        interval = self.intervals[what]
        last = row.last_done[what]
        return {
            "assessment": interval.what,
            "last_done_at": last,
            "due_on": _due_on(interval, last),
        }


@router.get(
    "/patients", response={200: PatientPage, **READ_ERRORS}, summary="The patients you may see"
)
def patients(request: HttpRequest, filters: Query[PatientQuery]) -> dict[str, object]:
    """A patient sees exactly their own record; care-team staff their assigned patients;
    a program admin the whole program; a site admin none. Each item carries the columns
    of the clinic's caseload page, from the same read model."""
    actor = caller(request).actor
    visible = list_patients(actor)
    if filters.status is not None:
        visible = visible.filter(status=filters.status)
    page = page_of(visible, filters)
    listed: list[Patient] = page["items"]
    columns = CaseloadColumns.for_actor(actor)
    rows: dict[int, CaseloadRow] = {}
    open_alerts: dict[int, int] = {}
    if listed:
        on_page = Patient.objects.filter(pk__in=[p.pk for p in listed])
        rows = {row.patient.pk: row for row in caseload(on_page, timezone.now())}
        # The alerts this caller may see (a patient: those their own answers raised).
        open_alerts = dict(
            alerts_visible_to(actor, on_page)
            .filter(acknowledged_at__isnull=True)
            .values("patient")
            .annotate(n=Count("id"))
            .values_list("patient", "n")
        )
    page["items"] = [
        {
            "id": p.pk,
            "given_name": p.given_name,
            "family_name": p.family_name,
            "date_of_birth": p.date_of_birth,
            "status": p.status,
            "open_alerts": open_alerts.get(p.pk, 0),
            **columns.of(rows.get(p.pk)),
        }
        for p in listed
    ]
    return page


@router.get(
    "/patients/{int:patient_id}",
    response={200: PatientRecordOut, **READ_ERRORS},
    summary="A patient's record",
    by_alias=True,
)
def patient(request: HttpRequest, patient_id: int) -> Patient:
    actor = caller(request).actor
    record = access_patient_by_id(actor, patient_id, purpose="patient.view")
    prefetch_related_objects([record], *RECORD_PARTS)
    return with_medications(actor, record)


@router.get(
    "/patients/{int:patient_id}/medications",
    response={200: MedicationListOut, **READ_ERRORS},
    summary="A patient's other medications, with interaction flags",
    by_alias=True,
)
def medications(request: HttpRequest, patient_id: int) -> dict[str, Any]:
    """Whoever may see the patient (404 otherwise). Each medication with its drug, class
    and flags; the alcohol flags only for staff (a patient does not see the
    level-of-care assessment they come from)."""
    actor = caller(request).actor
    record = access_patient_by_id(actor, patient_id, purpose="medications.list")
    prefetch_related_objects([record], "medications", "benzo_uses")
    listed: dict[str, Any] = with_medications(actor, record).medication_list  # type: ignore[attr-defined]
    return listed
