"""The plan's JSON contract: ``plan_to_dict`` writes it, ``plan_from_dict`` reads it back.

Keys may be added, never renamed or removed. Numbers are floats rounded for people:
mg to 4 places, diazepam-equivalents to 3, percentages to 2. ``parameters`` holds the
request, so that ``adjust`` can continue a plan from its JSON alone.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from functools import lru_cache
from typing import Any

from clonacare.core.errors import ClinicalError
from clonacare.core.taper.model import (
    DOSE_TIMES,
    STEP_KINDS,
    CustomStep,
    Dose,
    PatientFactors,
    PlanWarning,
    ProductQuantity,
    Revision,
    Step,
    TaperPlan,
    TaperRequest,
)
from clonacare.core.taper.numbers import clean
from clonacare.core.taper.terms import worded_plan

SCHEMA = "clonacare.taper-plan/1"


def _num(value: Decimal | Fraction, places: int) -> float:
    if type(value) is Fraction:
        # float(Fraction) is numerator / denominator, one exact int division; written
        # out, as its method goes through the abstract base class (slow per step).
        return round(value.numerator / value.denominator, places)
    return round(float(value), places)


@lru_cache(maxsize=4096)
def _mg(value: Decimal) -> float:
    """mg to 4 places, cached: a plan writes the same few doses and strengths many times
    (equal decimals such as 1 and 1.0 give the same number)."""
    return _num(value, 4)


_NO_MG = Decimal(0)


@lru_cache(maxsize=4096)
def _one_dose_daily_mg(mg: Decimal) -> float:
    """``daily_mg`` of a step with one dose of ``mg``: what ``Step.daily_mg`` adds up
    (0 + mg) written as ``_mg`` writes it, without the dictionary; cached by value (equal
    doses have equal sums)."""
    return _mg(_NO_MG + mg)


@lru_cache(maxsize=4096)
def _date_text(day: date) -> str:
    """A step's start as ISO text, cached: a plan's steps start on the same few dates."""
    return day.isoformat()


@lru_cache(maxsize=4096)
def _end_text(start: date, days: int) -> str:
    """``Step.end`` (``start`` + ``days``) as ISO text, cached by the two values: making
    the date costs more than looking it up, and a step ends where the next starts."""
    return (start + timedelta(days=days)).isoformat()


def plan_to_dict(plan: TaperPlan, names: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The plan's JSON object. ``names``: a face's own names for the terms its warnings
    and notes name (the CLI's flags, core/taper/terms.py); without them, clinical words."""
    plan = worded_plan(plan, names)
    last = plan.revisions[-1] if plan.revisions else None
    return {
        "schema": SCHEMA,
        "drug": plan.drug,
        "taper_drug": plan.taper_drug,
        "equivalence_table": plan.equivalence_table,
        "equivalence_version": plan.equivalence_version,
        "equivalent_to_diazepam_10mg": _mg(plan.equivalent_mg),
        "formulary": plan.formulary_name,
        "method": plan.request.method,
        "revision": plan.revision,
        "reason": last.reason if last else "",
        "revisions": [
            {
                "revision": r.number,
                "on": r.on.isoformat() if r.on else None,
                "action": r.action,
                "reason": r.reason,
            }
            for r in plan.revisions
        ],
        "outcome": plan.outcome,
        "end_date": plan.end_date.isoformat(),
        "parameters": request_to_dict(plan.request),
        "steps": [step_to_dict(s, plan.taper_drug) for s in plan.steps],
        "warnings": [
            {
                "code": w.code,
                "message": w.message,
                "source": w.source,
                "blocking": w.blocking,
                "confirmed_by": w.confirmed_by,
            }
            for w in plan.warnings
        ],
    }


def step_to_dict(step: Step, taper_drug: str) -> dict[str, Any]:
    """One step; a step with no doses (the drug stopped) has ``daily_mg`` 0 for the drug."""
    doses = step.doses
    if len(doses) == 1:
        daily = {doses[0].drug: _one_dose_daily_mg(doses[0].mg)}
    else:
        daily = {drug: _mg(mg) for drug, mg in step.daily_mg().items()} or {taper_drug: 0.0}
    return {
        "number": step.number,
        "start": _date_text(step.start),
        "days": step.days,
        "end": _end_text(step.start, step.days),
        "kind": step.kind,
        "doses": [
            {
                "time": d.time,
                "drug": d.drug,
                "mg": _mg(d.mg),
                "supply": d.supply,
                "products": [
                    {
                        "name": p.name,
                        "mg_per_unit": _mg(p.mg_per_unit),
                        "unit": p.unit,
                        "quantity": _mg(p.quantity),
                    }
                    for p in d.products
                ],
            }
            for d in doses
        ],
        "daily_mg": daily,
        "diazepam_equivalent_mg": _num(step.diazepam_equivalent_mg, 3),
        "change_pct": _num(step.change_pct, 2),
        "planned_daily_mg": None if step.planned_daily_mg is None else _mg(step.planned_daily_mg),
        "cut_short": step.cut_short,
        "note": step.note,
    }


def _dec(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def request_to_dict(request: TaperRequest) -> dict[str, Any]:
    p = request.patient
    return {
        "drug": request.drug,
        "doses": {time: float(mg) for time, mg in request.doses},
        "start": request.start.isoformat(),
        "method": request.method,
        "step": _dec(request.step),
        "interval_days": request.interval_days,
        "switch_to": request.switch_to,
        "switch_at_diazepam_equivalent_mg": _dec(request.switch_at_de_mg),
        "band_cut": ("high" if request.method == "bands" else None)
        if request.band_cut is None
        else request.band_cut,
        "crossover_order": list(request.crossover_order) if request.crossover_order else None,
        "crossover_days": request.crossover_days,
        "reduce_first": list(request.reduce_first) if request.reduce_first else None,
        "equivalence": request.equivalence,
        "equivalent_mg": _dec(request.equivalent_mg),
        "formulary_path": request.formulary_path,
        "end_dose_mg": _dec(request.end_dose_mg),
        "final_hold_days": request.final_hold_days,
        "discontinuation_diazepam_equivalent_mg": _dec(request.discontinuation_de_mg),
        "override_reason": request.override_reason,
        "patient": {
            "age": p.age,
            "indication": p.indication,
            "pregnant": p.pregnant,
            "opioid_use": p.opioid_use,
            "history_withdrawal_seizure": p.history_withdrawal_seizure,
            "history_withdrawal_delirium": p.history_withdrawal_delirium,
            "confirmed_by": p.confirmed_by,
        },
        "custom_steps": [
            {"start": c.start.isoformat(), "doses": {t: float(mg) for t, mg in c.doses}}
            for c in request.custom_steps
        ],
    }


# Reading a plan back ----------------------------------------------------------------


class _Reader:
    """Reads one JSON value, raising ClinicalError("bad-plan") that names the key."""

    def __init__(self, where: str) -> None:
        self.where = where

    def fail(self, what: str) -> ClinicalError:
        return ClinicalError("bad-plan", f"{self.where} is not a Clonacare taper plan: {what}.")

    def obj(self, value: Any, key: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(f"'{key}' must be an object")
        return value

    def seq(self, value: Any, key: str) -> list[Any]:
        if not isinstance(value, list):
            raise self.fail(f"'{key}' must be a list")
        return value

    def text(self, value: Any, key: str) -> str:
        if not isinstance(value, str):
            raise self.fail(f"'{key}' must be text")
        return value

    def opt_text(self, value: Any, key: str) -> str | None:
        return None if value is None else self.text(value, key)

    def whole(self, value: Any, key: str) -> int:
        if not isinstance(value, int) or isinstance(value, bool):
            raise self.fail(f"'{key}' must be a whole number")
        return value

    def opt_whole(self, value: Any, key: str) -> int | None:
        return None if value is None else self.whole(value, key)

    def dec(self, value: Any, key: str) -> Decimal:
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            raise self.fail(f"'{key}' must be a number")
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            raise self.fail(f"'{key}' must be a number") from None
        if not number.is_finite():
            raise self.fail(f"'{key}' must be a finite number")
        return clean(number)

    def opt_dec(self, value: Any, key: str) -> Decimal | None:
        return None if value is None else self.dec(value, key)

    def day(self, value: Any, key: str) -> date:
        try:
            return date.fromisoformat(self.text(value, key))
        except ValueError:
            raise self.fail(f"'{key}' must be a date (YYYY-MM-DD)") from None

    def flag(self, value: Any, key: str) -> bool:
        if not isinstance(value, bool):
            raise self.fail(f"'{key}' must be true or false")
        return value


def request_from_dict(data: dict[str, Any], where: str) -> TaperRequest:
    r = _Reader(where)
    try:
        doses = r.obj(data["doses"], "parameters.doses")
        patient = r.obj(data.get("patient") or {}, "parameters.patient")
        customs = r.seq(data.get("custom_steps") or [], "parameters.custom_steps")

        def times(value: Any, key: str) -> tuple[str, ...] | None:
            if value is None:
                return None
            return tuple(r.text(t, key) for t in r.seq(value, key))

        return TaperRequest(
            drug=r.text(data["drug"], "parameters.drug"),
            doses=tuple(
                (r.text(t, "parameters.doses"), r.dec(mg, f"parameters.doses.{t}"))
                for t, mg in doses.items()
            ),
            start=r.day(data["start"], "parameters.start"),
            method=r.text(data["method"], "parameters.method"),
            step=r.opt_dec(data.get("step"), "parameters.step"),
            interval_days=r.opt_whole(data.get("interval_days"), "parameters.interval_days"),
            switch_to=r.opt_text(data.get("switch_to"), "parameters.switch_to"),
            switch_at_de_mg=r.opt_dec(
                data.get("switch_at_diazepam_equivalent_mg"),
                "parameters.switch_at_diazepam_equivalent_mg",
            ),
            band_cut=r.opt_text(data.get("band_cut"), "parameters.band_cut"),
            crossover_order=times(data.get("crossover_order"), "parameters.crossover_order"),
            crossover_days=r.opt_whole(data.get("crossover_days"), "parameters.crossover_days"),
            reduce_first=times(data.get("reduce_first"), "parameters.reduce_first"),
            equivalence=r.text(data.get("equivalence", "ashton"), "parameters.equivalence"),
            equivalent_mg=r.opt_dec(data.get("equivalent_mg"), "parameters.equivalent_mg"),
            formulary_path=r.opt_text(data.get("formulary_path"), "parameters.formulary_path"),
            end_dose_mg=r.opt_dec(data.get("end_dose_mg"), "parameters.end_dose_mg"),
            final_hold_days=r.opt_whole(data.get("final_hold_days"), "parameters.final_hold_days"),
            discontinuation_de_mg=r.opt_dec(
                data.get("discontinuation_diazepam_equivalent_mg"),
                "parameters.discontinuation_diazepam_equivalent_mg",
            ),
            override_reason=r.opt_text(data.get("override_reason"), "parameters.override_reason"),
            patient=PatientFactors(
                age=r.opt_whole(patient.get("age"), "parameters.patient.age"),
                indication=r.opt_text(patient.get("indication"), "parameters.patient.indication"),
                pregnant=bool(patient.get("pregnant", False)),
                opioid_use=bool(patient.get("opioid_use", False)),
                history_withdrawal_seizure=bool(patient.get("history_withdrawal_seizure", False)),
                history_withdrawal_delirium=bool(patient.get("history_withdrawal_delirium", False)),
                confirmed_by=r.opt_text(
                    patient.get("confirmed_by"), "parameters.patient.confirmed_by"
                ),
            ),
            custom_steps=tuple(
                CustomStep(
                    start=r.day(r.obj(c, "custom_steps")["start"], "custom_steps.start"),
                    doses=tuple(
                        (r.text(t, "custom_steps.doses"), r.dec(mg, "custom_steps.doses"))
                        for t, mg in r.obj(c["doses"], "custom_steps.doses").items()
                    ),
                )
                for c in customs
            ),
        )
    except KeyError as exc:
        raise r.fail(f"'parameters' has no {exc}") from None


def plan_from_dict(data: Any, where: str = "The plan") -> TaperPlan:
    """Read a plan written by ``plan_to_dict``; ClinicalError("bad-plan") says what is wrong."""
    r = _Reader(where)
    top = r.obj(data, "plan")
    try:
        request = request_from_dict(r.obj(top["parameters"], "parameters"), where)
        steps = tuple(_step_from_dict(r, s) for s in r.seq(top["steps"], "steps"))
        if not steps:
            raise r.fail("it has no steps")
        warnings = tuple(
            PlanWarning(
                code=r.text(w["code"], "warnings.code"),
                message=r.text(w["message"], "warnings.message"),
                source=r.text(w["source"], "warnings.source"),
                blocking=bool(w.get("blocking", False)),
                confirmed_by=r.opt_text(w.get("confirmed_by"), "warnings.confirmed_by"),
            )
            for w in (r.obj(x, "warnings") for x in r.seq(top.get("warnings", []), "warnings"))
        )
        revisions = tuple(
            Revision(
                number=r.whole(v["revision"], "revisions.revision"),
                on=None if v.get("on") is None else r.day(v["on"], "revisions.on"),
                action=r.text(v["action"], "revisions.action"),
                reason=r.text(v["reason"], "revisions.reason"),
            )
            for v in (r.obj(x, "revisions") for x in r.seq(top.get("revisions", []), "revisions"))
        )
        outcome = r.text(top["outcome"], "outcome")
        if outcome not in ("discontinued", "end-dose"):
            raise r.fail("'outcome' must be discontinued or end-dose")
        return TaperPlan(
            request=request,
            drug=r.text(top["drug"], "drug"),
            taper_drug=r.text(top.get("taper_drug", top["drug"]), "taper_drug"),
            equivalence_table=r.text(top["equivalence_table"], "equivalence_table"),
            equivalence_version=r.text(top.get("equivalence_version", ""), "equivalence_version"),
            equivalent_mg=r.dec(top["equivalent_to_diazepam_10mg"], "equivalent_to_diazepam_10mg"),
            formulary_name=r.text(top.get("formulary", ""), "formulary"),
            steps=steps,
            warnings=warnings,
            outcome=outcome,
            revision=r.whole(top.get("revision", 1), "revision"),
            revisions=revisions,
        )
    except KeyError as exc:
        raise r.fail(f"a required key is missing: {exc}") from None


def _step_from_dict(r: _Reader, raw: Any) -> Step:
    s = r.obj(raw, "steps")
    kind = r.text(s.get("kind", ""), "steps.kind")
    if kind not in STEP_KINDS:
        raise r.fail(f"unknown step kind {kind!r}")
    doses = []
    for raw_dose in r.seq(s["doses"], "steps.doses"):
        d = r.obj(raw_dose, "steps.doses")
        time = r.text(d["time"], "steps.doses.time")
        if time not in DOSE_TIMES:
            raise r.fail(f"unknown dose time {time!r}")
        doses.append(
            Dose(
                time=time,
                drug=r.text(d["drug"], "steps.doses.drug"),
                mg=r.dec(d["mg"], "steps.doses.mg"),
                supply=r.text(d.get("supply", "formulary"), "steps.doses.supply"),
                products=tuple(
                    ProductQuantity(
                        name=r.text(p["name"], "products.name"),
                        mg_per_unit=r.dec(p["mg_per_unit"], "products.mg_per_unit"),
                        unit=r.text(p["unit"], "products.unit"),
                        quantity=r.dec(p["quantity"], "products.quantity"),
                    )
                    for p in (r.obj(x, "products") for x in r.seq(d["products"], "products"))
                ),
            )
        )
    planned = s.get("planned_daily_mg")
    return Step(
        number=r.whole(s["number"], "steps.number"),
        start=r.day(s["start"], "steps.start"),
        days=r.whole(s["days"], "steps.days"),
        kind=kind,
        doses=tuple(doses),
        diazepam_equivalent_mg=Fraction(r.dec(s["diazepam_equivalent_mg"], "steps.de")),
        change_pct=Fraction(r.dec(s["change_pct"], "steps.change_pct")),
        planned_daily_mg=None if planned is None else r.dec(planned, "steps.planned_daily_mg"),
        note=r.text(s.get("note", ""), "steps.note"),
        cut_short=bool(s.get("cut_short", False)),
    )
