"""Adjust a running plan: pause, slow (longer interval or smaller cut), or step back.

Each adjustment returns a new revision of the plan. Steps that started before the
adjustment date keep their dates, doses and products; the step in progress on that date
is cut short where the new revision begins. The engine never speeds a plan up: a
"slow" that would be faster is refused.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

from clonacare.core.drugs import Formulary
from clonacare.core.errors import ClinicalError
from clonacare.core.taper.context import (
    Draft,
    PlanContext,
    Regimen,
    build_context,
    equivalence_warnings,
)
from clonacare.core.taper.model import (
    CROSSOVER,
    DISCONTINUATION,
    PAUSE,
    START,
    STEP_BACK,
    PlanWarning,
    Revision,
    Step,
    TaperPlan,
    TaperRequest,
)
from clonacare.core.taper.numbers import a_or_an, mg_text
from clonacare.core.taper.planner import (
    Parameter,
    build_steps,
    confirmed_start,
    crossover,
    judge,
    method_settings,
    plan_breaches,
    plan_parameters,
    planned_dose_warnings,
    step_warnings,
    taper_before_the_switch,
)
from clonacare.core.taper.reduction import reduce

# Warnings that come from how the plan was computed, kept unless the rest is re-planned.
_CARRIED = ("formulary-floor", "bands-above-range", "formulary-current-dose", "dose-increase")


@dataclass(frozen=True)
class Pause:
    """Hold the dose in effect on the date for ``days`` more days, then go on."""

    days: int


@dataclass(frozen=True)
class SlowInterval:
    """Give every remaining step at least ``days`` days (longer than the current interval)."""

    days: int


@dataclass(frozen=True)
class SlowStep:
    """Re-plan the remaining cuts with a smaller ``step`` (percent or mg, as the method)."""

    step: Decimal


@dataclass(frozen=True)
class StepBack:
    """Return to the previous step's dose for one interval, then retry the current dose."""


Adjustment = Pause | SlowInterval | SlowStep | StepBack

# What to change when a revision would run past the longest plan this tool makes.
_TOO_LONG: dict[type, str] = {
    Pause: "choose a shorter --pause.",
    SlowInterval: "choose a shorter --slow-interval.",
    SlowStep: "choose a larger --slow-step.",
    StepBack: "plan again with a larger --step or an --end-dose.",
}


# A revision refused for a breach of its own names only the options of ``taper adjust``.
_OVERRIDE = "or give --override-reason TEXT to adjust the plan anyway."
_ADJUST_WAY_OUT: dict[type, str] = {
    Pause: f"Choose another --pause or --on, {_OVERRIDE}",
    SlowInterval: f"Choose a longer --slow-interval, {_OVERRIDE}",
    SlowStep: f"Choose a smaller --slow-step or use --slow-interval, {_OVERRIDE}",
    StepBack: f"Use --pause or --slow-interval instead, {_OVERRIDE}",
}

_STEP_BACK = "step back to the previous dose"


def _describe(action: Adjustment, context: PlanContext, crossover_mix: str | None) -> str:
    if isinstance(action, Pause):
        return f"pause {action.days} days"
    if isinstance(action, SlowInterval):
        return f"slow: interval {action.days} days"
    if isinstance(action, SlowStep):
        unit = "%" if context.request.method == "percent" else " mg"
        return f"slow: step {mg_text(action.step)}{unit}"
    if crossover_mix is not None:
        return (
            f"{_STEP_BACK}: during the switch to diazepam, back to the previous mix "
            f"({crossover_mix}, the same diazepam-equivalent), for a patient who did not "
            "tolerate the switch"
        )
    return _STEP_BACK


def _mix_text(regimen: Regimen) -> str:
    """A regimen's daily dose of each drug: "clonazepam 0.5 mg + diazepam 20 mg a day"."""
    daily: dict[str, Decimal] = {}
    for _, drug, mg in regimen:
        daily[drug] = daily.get(drug, Decimal(0)) + mg
    return " + ".join(f"{drug} {mg_text(mg)} mg" for drug, mg in daily.items()) + " a day"


def adjust_plan(
    plan: TaperPlan,
    on: date,
    action: Adjustment,
    reason: str = "",
    formulary: Formulary | None = None,
    *,
    override_reason: str | None = None,
    confirmed_by: str | None = None,
) -> TaperPlan:
    """The next revision of ``plan`` with ``action`` taking effect on ``on``.

    Only what the adjustment changes is judged: a breach no worse than one the stored
    plan already had (a plan made before a limit applied, an old stop from above the
    discontinuation dose) never blocks a pause or a slowing; without an override reason
    it is kept as a ``stored-plan-breach`` warning. ``override_reason`` (replacing the
    stored plan's) accepts breaches the revision makes; ``confirmed_by`` (replacing the
    stored plan's) confirms blocking warnings, which hold a revision as they hold a plan.

    Raises ClinicalError("bad-option") for a date outside the running plan, a "slow" that
    is not slower, a step back with no earlier dose, or a smaller step for a method that
    has none; ClinicalError("confirmation-required") for a blocking warning no clinician
    has confirmed; ClinicalError("rate-limit") if the revision breaks a limit of its own
    without an override reason (naming only this function's options).
    """
    stored = plan_breaches(
        build_context(plan.request, formulary), [_draft(plan, step) for step in plan.steps]
    )
    request = _with_confirmation(plan.request, override_reason, confirmed_by)
    context = build_context(request, formulary)
    confirmed_start(request, context.rules)
    drafts = [_draft(plan, step) for step in plan.steps]
    day = (on - request.start).days
    current = _current_index(plan, drafts, day, on)
    replanned_warnings: list[PlanWarning] | None = None
    settings = method_settings(context)
    rules = context.rules
    crossover_mix: str | None = None
    oversized: list[Parameter] = []  # switch steps larger than allowed, overridden

    if isinstance(action, Pause):
        if not 1 <= action.days <= rules.max_interval_days:
            raise ClinicalError(
                "bad-option",
                f"--pause must be 1 to {rules.max_interval_days} days "
                f"({rules.max_interval_source}); to hold a dose for longer, plan again "
                "with --end-dose.",
            )
        remaining = drafts[current].day + drafts[current].days - day
        _cut_at(drafts, current, day)
        pause = Draft(
            day=day,
            days=action.days + max(remaining, 0),
            kind=PAUSE,
            regimen=drafts[current].regimen,
            note=f"Paused on {on.isoformat()} for {action.days} days.",
        )
        drafts.insert(current + 1, pause)
        _redate(drafts, current + 1)
    elif isinstance(action, SlowInterval):
        if action.days <= context.interval_days:
            raise ClinicalError(
                "bad-option",
                f"--slow-interval {action.days} days is not slower than the plan's "
                f"{context.interval_days} days; the engine never speeds a plan up.",
            )
        if action.days > rules.max_interval_days:
            raise ClinicalError(
                "bad-option",
                f"--slow-interval must be at most {rules.max_interval_days} days "
                f"({rules.max_interval_source}).",
            )
        if request.method == "bands" and action.days > rules.bands_interval_max_days:
            raise ClinicalError(
                "bad-option",
                f"--slow-interval for --method bands must be {rules.bands_interval_min_days} "
                f"to {rules.bands_interval_max_days} days ({rules.bands_interval_source}); "
                "use --pause to hold the dose for longer.",
            )
        for index in range(current, len(drafts)):
            draft = drafts[index]
            if draft.kind not in (DISCONTINUATION, CROSSOVER):
                draft.days = max(draft.days, action.days)
        _redate(drafts, current)
        request = replace(request, interval_days=action.days)
    elif isinstance(action, SlowStep):
        method = request.method
        if method not in ("percent", "fixed") or request.step is None:
            raise ClinicalError(
                "bad-option",
                f"--slow-step applies to --method percent or fixed, not {method}; "
                "use --slow-interval or --pause.",
            )
        unit = "%" if method == "percent" else " mg"
        if not Decimal(0) < action.step < request.step:
            raise ClinicalError(
                "bad-option",
                f"--slow-step must be more than 0 and smaller than the plan's step "
                f"({mg_text(request.step)}{unit}); the engine never speeds a plan up.",
            )
        smallest = (
            rules.min_percent_step
            if method == "percent"
            else context.maker(context.taper_drug).quantum
        )
        if smallest is not None and action.step < smallest:
            why = (
                rules.min_percent_step_source
                if method == "percent"
                else f"the smallest change the formulary '{context.formulary.name}' can make "
                f"to {a_or_an(context.taper_drug)} dose"
            )
            raise ClinicalError(
                "bad-option",
                f"--slow-step must be at least {mg_text(smallest)}{unit} ({why}).",
            )
        request = replace(request, step=action.step)
        context = build_context(request, formulary)
        settings = method_settings(context)
        keep = current
        while keep + 1 < len(drafts) and drafts[keep + 1].kind in (START, CROSSOVER):
            keep += 1
        del drafts[keep + 1 :]
        replanned_warnings = []
        if any(drug != context.taper_drug for _, drug, _ in drafts[-1].regimen):
            # Before a tail switch: cut the drug taken now to the switch point, then switch.
            replanned_warnings += taper_before_the_switch(context, drafts, settings)
            replanned_warnings += crossover(context, drafts, oversized)
        result = reduce(
            context,
            drafts,
            settings,
            too_long=_TOO_LONG[SlowStep],
            what="The revised plan",
            accept_floor_stop=any(b.rule == "stop" for b in stored),
        )
        replanned_warnings += result.warnings
        plan = replace(plan, outcome=result.outcome)
    else:
        if current == 0 or not drafts[current - 1].regimen:
            raise ClinicalError(
                "bad-option",
                f"There is no earlier dose to step back to on {on.isoformat()}.",
            )
        original_days = drafts[current].days
        retry = replace(drafts[current], days=original_days, cut_short=False)
        _cut_at(drafts, current, day)
        previous = drafts[current - 1].regimen
        note = f"Stepped back on {on.isoformat()} to the dose of step {current - 1}."
        if drafts[current].kind == CROSSOVER:
            # Same diazepam-equivalent, an earlier mix: the switch, not the dose, steps back.
            crossover_mix = _mix_text(previous)
            note = (
                f"Stepped back on {on.isoformat()} to step {current - 1}'s mix during the "
                f"switch to diazepam ({crossover_mix}, the same diazepam-equivalent), for a "
                "patient who did not tolerate the switch; then the switch is tried again."
            )
        back = Draft(
            day=day,
            days=context.interval_days,
            kind=STEP_BACK,
            regimen=previous,
            note=note,
        )
        drafts[current + 1 : current + 1] = [back, retry]
        _redate(drafts, current + 1)

    context = build_context(request, formulary) if request is not plan.request else context
    last = drafts[-1]
    context.check_length(last.day + last.days, _TOO_LONG[type(action)], "The revised plan")
    warnings = _warnings(context, plan, replanned_warnings)
    warnings.extend(planned_dose_warnings(context, drafts, warnings))
    before_cuts = max(i for i, d in enumerate(drafts) if d.kind in (START, CROSSOVER))
    # The parameters come from the stored plan (a slower one breaks no more): never
    # refused here, only listed.
    parameters = plan_parameters(
        replace(context, override=context.override or "stored plan"),
        before_cuts,
        drafts,
        method_settings(context),
    )
    warnings.extend(
        judge(
            context,
            drafts,
            parameters + oversized,
            stored=stored,
            way_out=_ADJUST_WAY_OUT[type(action)],
        )
    )
    new_steps = build_steps(context, drafts)
    steps = _keep_taken(plan.steps, new_steps, current)
    warnings.extend(step_warnings(context, steps))
    number = plan.revision + 1
    return replace(
        plan,
        request=request,
        steps=steps,
        warnings=tuple(warnings),
        revision=number,
        revisions=(
            *plan.revisions,
            Revision(
                number=number,
                on=on,
                action=_describe(action, context, crossover_mix),
                reason=reason,
            ),
        ),
    )


def _with_confirmation(
    request: TaperRequest, override_reason: str | None, confirmed_by: str | None
) -> TaperRequest:
    """The stored request with the revision's override reason and confirmation, if given."""
    override = (override_reason or "").strip()
    if override:
        request = replace(request, override_reason=override)
    confirmed = (confirmed_by or "").strip()
    if confirmed:
        request = replace(request, patient=replace(request.patient, confirmed_by=confirmed))
    return request


def _draft(plan: TaperPlan, step: Step) -> Draft:
    return Draft(
        day=(step.start - plan.request.start).days,
        days=step.days,
        kind=step.kind,
        regimen=tuple((d.time, d.drug, d.mg) for d in step.doses),
        planned=None if step.planned_daily_mg is None else Fraction(step.planned_daily_mg),
        note=step.note,
        cut_short=step.cut_short,
    )


def _current_index(plan: TaperPlan, drafts: list[Draft], day: int, on: date) -> int:
    if day <= 0:
        raise ClinicalError(
            "bad-option",
            f"--on {on.isoformat()} must be after the plan's start "
            f"({plan.request.start.isoformat()}).",
        )
    current = max(i for i, d in enumerate(drafts) if d.day < day)
    if drafts[current].kind == DISCONTINUATION:
        stop = plan.request.start + timedelta(days=drafts[current].day)
        raise ClinicalError(
            "bad-option",
            f"The plan stopped the drug on {stop.isoformat()}; there is nothing to adjust "
            f"on {on.isoformat()}.",
        )
    return current


def _cut_at(drafts: list[Draft], index: int, day: int) -> None:
    """End step ``index`` the day before ``day`` (it started before ``day``)."""
    draft = drafts[index]
    draft.days = day - draft.day
    draft.cut_short = True


def _redate(drafts: list[Draft], first: int) -> None:
    """Lay the steps from ``first`` on end to end after the one before them."""
    for index in range(max(first, 1), len(drafts)):
        previous = drafts[index - 1]
        drafts[index].day = previous.day + previous.days


def _keep_taken(old: tuple[Step, ...], new: tuple[Step, ...], current: int) -> tuple[Step, ...]:
    """Steps before the one in progress stay exactly as they were; that one keeps its
    start, doses and products, with its new length."""
    kept = list(old[:current])
    step = old[current]
    kept.append(replace(step, days=new[current].days, cut_short=new[current].cut_short))
    return (*kept, *new[current + 1 :])


def _warnings(
    context: PlanContext, plan: TaperPlan, replanned: list[PlanWarning] | None
) -> list[PlanWarning]:
    """The revision's warnings: the patient's and the starting dose's rebuilt (blocking
    ones confirmed, ``confirmed_start`` has held the revision otherwise), the ones from how
    the plan was computed carried, the re-planned part's own."""
    warnings, label = confirmed_start(context.request, context.rules)
    warnings.extend(equivalence_warnings(context))
    if label is not None:
        warnings.append(label)
    for warning in plan.warnings:
        if warning.code in _CARRIED and (
            replanned is None or warning.code in ("formulary-current-dose", "dose-increase")
        ):
            warnings.append(warning)
    if replanned is not None:
        warnings.extend(replanned)
    return warnings
