"""The bounds on a plan's inputs: doses, steps, lengths, dates and age.

Each refusal is a ClinicalError whose message names the input at fault in clinical terms
(core/taper/terms.py). The limits come
from ``rules.toml`` (typo guards and engineering limits, each with its source) and, for
age, from the bound the assessment record shares (core/age.py), so every part of
Clonacare accepts the same ages.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from functools import lru_cache
from typing import TYPE_CHECKING

from clonacare.core.age import age_bound
from clonacare.core.errors import ClinicalError
from clonacare.core.taper.model import DOSE_TIMES, TaperRequest
from clonacare.core.taper.numbers import a_or_an, clean, mg_text
from clonacare.core.taper.rules import Rules
from clonacare.core.taper.terms import refused, verbatim

if TYPE_CHECKING:
    from clonacare.core.taper.context import PlanContext


def most_mg(context: PlanContext, drug: str) -> Decimal:
    """The largest daily dose of ``drug`` this tool accepts: the plausibility limit (a
    diazepam-equivalent, a typo guard) in mg of ``drug``. Doses are compared with it,
    never multiplied, so a typo such as 1e400 mg costs nothing."""
    equivalent = (
        context.equivalent_mg if drug == context.request.drug else context.table.equivalent_mg(drug)
    )
    return _most_mg(context.rules.max_daily_de_mg, equivalent)


@lru_cache(maxsize=256)
def _most_mg(max_daily_de_mg: Decimal, equivalent_mg: Decimal) -> Decimal:
    """:func:`most_mg`'s arithmetic, cached by its two values (every plan asks it)."""
    return clean(max_daily_de_mg * equivalent_mg / 10)


def check_mg(context: PlanContext, value: Decimal, what: str, drug: str) -> None:
    """Refuse an amount of ``drug`` above the plausibility limit, naming ``what`` (a
    template naming the engine's terms: ``"{End_dose}"``)."""
    most = most_mg(context, drug)
    if value > most:
        rules = context.rules
        raise refused(
            "implausible-dose",
            f"{what} {mg_text(value)} mg is above the {mg_text(most)} mg of {drug} this tool "
            f"accepts ({mg_text(rules.max_daily_de_mg)} mg diazepam-equivalent; "
            f"{verbatim(rules.plausibility_source)}); check the value.",
        )


def check_taper_amounts(context: PlanContext) -> None:
    """The daily dose, the step (fixed) and the end dose against the plausibility limit,
    and the step against the smallest step this tool accepts."""
    request = context.request
    rules = context.rules
    daily = sum((mg for _, mg in request.doses), Decimal(0))
    if daily > most_mg(context, request.drug):
        raise refused(
            "implausible-dose",
            f"{{Current_dose}}: {verbatim(request.drug)} {mg_text(daily)} mg/day is "
            f"{mg_text(context.de(request.drug, daily))} mg diazepam-equivalent, above the "
            f"{mg_text(rules.max_daily_de_mg)} mg this tool accepts "
            f"({verbatim(rules.plausibility_source)}); check the dose.",
        )
    drug = context.taper_drug
    if request.end_dose_mg is not None:
        check_mg(context, request.end_dose_mg, "{End_dose}", drug)
    step = request.step
    if step is None:
        return
    if request.method == "fixed":
        check_mg(context, step, "{Step}", drug)
        start = daily if drug == request.drug else context.de(request.drug, daily)
        if step >= start:
            raise refused(
                "bad-option",
                f"{{Step}} {mg_text(step)} mg is the whole {drug} daily dose "
                f"({mg_text(start)} mg): the first cut would stop it at once, which is not a "
                "taper; choose a smaller {step_size}.",
            )
        quantum = context.maker(drug).quantum
        if quantum is not None and step < quantum:
            raise refused(
                "bad-option",
                f"{{Step}} {mg_text(step)} mg is smaller than the smallest change the formulary "
                f"'{verbatim(context.formulary.name)}' can make to {a_or_an(drug)} dose "
                f"({mg_text(quantum)} mg); "
                f"choose {{step}} {mg_text(quantum)} or more.",
            )
    elif request.method == "percent" and step < rules.min_percent_step:
        raise refused(
            "bad-option",
            f"{{Step}} for {{percent_method}} must be at least "
            f"{mg_text(rules.min_percent_step)} ({verbatim(rules.min_percent_step_source)}).",
        )


def latest_start(rules: Rules) -> date:
    """The last start date that leaves room in the calendar for the longest plan."""
    return date.max - timedelta(days=rules.max_plan_days + rules.window_days)


def check_start(request: TaperRequest, rules: Rules) -> None:
    latest = latest_start(rules)
    if request.start > latest:
        raise refused(
            "bad-option",
            f"{{Start_date}} {request.start.isoformat()} is too late: a plan may last up to "
            f"{rules.max_plan_days} days ({verbatim(rules.max_plan_days_source)}) and the calendar "
            f"ends on {date.max.isoformat()}; start on or before {latest.isoformat()}.",
        )


def check_age(request: TaperRequest) -> None:
    age = request.patient.age
    if age is None:
        return
    # The assessment record's bound on age (a typo guard with its source), shared so the
    # clinic form, `clonacare assess` and the taper accept the same ages.
    bound = age_bound()
    if not 0 <= age <= bound.max:
        raise refused(
            "bad-option",
            f"{{Age}} must be a whole number of years from 0 to {mg_text(bound.max)} "
            f"({verbatim(bound.source)}); got {age}.",
        )


def check_doses(request: TaperRequest) -> None:
    if not request.doses:
        raise refused("bad-dose", "Give the current dose: {dose_at_each_time}, one per dose time.")
    seen: set[str] = set()
    for time, mg in request.doses:
        if time not in DOSE_TIMES:
            raise ClinicalError(
                "bad-dose", f"Unknown dose time {time!r}; use {', '.join(DOSE_TIMES)}."
            )
        if time in seen:
            raise ClinicalError("bad-dose", f"The {time} dose is given twice.")
        seen.add(time)
        if mg <= 0:
            raise ClinicalError(
                "bad-dose", f"The {time} dose must be more than 0 mg (got {mg_text(mg)})."
            )


def check_method_options(request: TaperRequest, rules: Rules) -> None:
    method = request.method
    step = request.step
    if method in ("percent", "fixed"):
        if step is None:
            unit = "a percentage" if method == "percent" else "mg"
            method_term = f"{method.capitalize()}_method"
            raise refused("bad-option", f"{{{method_term}}} needs {{step}} ({unit}).")
        if method == "percent" and not Decimal(0) < step < Decimal(100):
            raise refused(
                "bad-option", "{Step} for {percent_method} must be more than 0 and below 100."
            )
        if method == "fixed" and step <= 0:
            raise refused("bad-option", "{Step} for {fixed_method} must be more than 0 mg.")
    elif step is not None:
        raise refused("bad-option", f"{{Step}} does not apply to {{{method}_method}}.")
    if method == "custom":
        if not request.custom_steps:
            raise refused("bad-option", "{Custom_method} needs {custom_steps}.")
        if request.end_dose_mg is not None:
            raise refused(
                "bad-option",
                "{End_dose} does not apply to {custom_method}: end {custom_steps} with the dose "
                "to hold.",
            )
    elif request.custom_steps:
        raise refused("bad-option", "{Custom_steps} applies to {custom_method} only.")
    if request.end_dose_mg is not None and request.end_dose_mg <= 0:
        raise refused(
            "bad-option", "{End_dose} must be more than 0 mg (to stop the drug, leave it out)."
        )
