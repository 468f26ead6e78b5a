"""The caseload read model: each visible patient with status, latest scores, open alerts
and overdue assessments, in a fixed number of queries whatever the caseload's size."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Max, OuterRef, Prefetch, Q, QuerySet, Subquery

from clonacare.assessments.models import InstrumentResponse
from clonacare.assessments.schedule import instrument_intervals, level_of_care_interval
from clonacare.patients.models import BenzodiazepineUse, Patient


@dataclass(frozen=True)
class LatestScore:
    instrument: str
    submitted_at: dt.datetime
    total: int | None
    band: str


@dataclass(frozen=True)
class CaseloadRow:
    patient: Patient
    current_use: BenzodiazepineUse | None
    latest: tuple[LatestScore, ...]
    open_alerts: int
    overdue: tuple[str, ...]
    # When each scheduled assessment ("phq9"..., "level of care") was last done; None: never.
    last_done: Mapping[str, dt.datetime | None]


def _latest(instrument: str, field: str) -> Subquery:
    return Subquery(
        InstrumentResponse.objects.filter(patient=OuterRef("pk"), instrument=instrument)
        .order_by("-submitted_at", "-id")
        .values(field)[:1]
    )


def caseload(patients: QuerySet[Patient], now: dt.datetime) -> list[CaseloadRow]:
    intervals = instrument_intervals()
    annotations: dict[str, Any] = {
        "open_alert_count": Count("alerts", filter=Q(alerts__acknowledged_at__isnull=True)),
        "last_level_of_care": Max("level_of_care_assessments__assessed_at"),
    }
    for interval in intervals:
        key = interval.what.replace("-", "_")
        annotations[f"last_{key}"] = _latest(interval.what, "submitted_at")
        annotations[f"total_{key}"] = _latest(interval.what, "total")
        annotations[f"band_{key}"] = _latest(interval.what, "band")
    rows = (
        # Not the discharged, and not the invited: they are not the program's patients
        # (yet), and have no assessments to be overdue (docs/population.md).
        patients.exclude(status__in=(Patient.Status.DISCHARGED, Patient.Status.INVITED))
        .annotate(**annotations)
        .prefetch_related(
            Prefetch(
                "benzo_uses",
                # The order behind each dose, to mark one awaiting co-signature.
                queryset=BenzodiazepineUse.objects.filter(ended_on__isnull=True).select_related(
                    "dose_change"
                ),
                to_attr="current_uses",
            )
        )
    )
    result = []
    for patient in rows:
        values = patient.__dict__
        latest = []
        overdue = []
        last_done = {}
        for interval in intervals:
            key = interval.what.replace("-", "_")
            last = values[f"last_{key}"]
            last_done[interval.what] = last
            if last is not None:
                latest.append(
                    LatestScore(interval.what, last, values[f"total_{key}"], values[f"band_{key}"])
                )
            if interval.is_overdue(last, now):
                overdue.append(interval.what)
        last_done["level of care"] = values["last_level_of_care"]
        if level_of_care_interval().is_overdue(values["last_level_of_care"], now):
            overdue.append("level of care")
        uses = values["current_uses"]
        result.append(
            CaseloadRow(
                patient=patient,
                current_use=uses[0] if uses else None,
                latest=tuple(latest),
                open_alerts=values["open_alert_count"],
                overdue=tuple(overdue),
                last_done=last_done,
            )
        )
    # Open safety alerts first, then by name.
    result.sort(key=lambda r: (-r.open_alerts, r.patient.family_name, r.patient.given_name))
    return result
