"""Adjust a running plan: pause, slow (longer interval or smaller cut), or step back.

Each adjustment returns a new revision of the plan. Steps that started before the
adjustment date keep their dates, doses and products; the step in progress on that date
is cut short where the new revision begins. The engine never speeds a plan up: a
"slow" that would be faster is refused.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

from clonacare.core.drugs import EquivalenceTable, Formulary
from clonacare.core.errors import ClinicalError
from clonacare.core.taper.context import (
    Draft,
    PlanContext,
    Regimen,
    build_context,
    equivalence_warnings,
)
from clonacare.core.taper.guardrails import Breach, confirmed_start
from clonacare.core.taper.judging import Parameter, judge, plan_breaches, plan_parameters
from clonacare.core.taper.methods import method_settings
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
    build_steps,
    planned_dose_warnings,
    step_warnings,
    taper_before_the_switch,
)
from clonacare.core.taper.reduction import reduce
from clonacare.core.taper.rules import Rules
from clonacare.core.taper.switch import crossover
from clonacare.core.taper.terms import refused, verbatim

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

# What to change when a revision would run past the longest plan this tool makes
# (templates naming the engine's terms, core/taper/terms.py).
_TOO_LONG: dict[type, str] = {
    Pause: "choose a shorter {pause_length}.",
    SlowInterval: "choose a shorter {slow_interval_length}.",
    SlowStep: "choose a larger {slow_step_size}.",
    StepBack: "plan again with a larger {step_size} or {an_end_dose}.",
}


# A revision refused for a breach of its own names only what an adjustment may change.
_OVERRIDE = "or give {an_override_reason} to adjust the plan anyway."
_ADJUST_WAY_OUT: dict[type, str] = {
    Pause: f"Choose {{another_pause}} or {{another_adjustment_date}}, {_OVERRIDE}",
    SlowInterval: f"Choose a longer {{slow_interval_length}}, {_OVERRIDE}",
    SlowStep: f"Choose a smaller {{slow_step_size}} or use {{slow_interval}}, {_OVERRIDE}",
    StepBack: f"Use {{pause}} or {{slow_interval}} instead, {_OVERRIDE}",
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
    rules: Rules | None = None,
    table: EquivalenceTable | None = None,
) -> TaperPlan:
    """The next revision of ``plan`` with ``action`` taking effect on ``on``.

    The data are loaded objects: ``formulary`` (default: the one the stored plan names),
    ``rules`` and the equivalence ``table`` (defaults: the shipped ones).

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
        build_context(plan.request, formulary, rules=rules, table=table),
        [_draft(plan, step) for step in plan.steps],
    )
    request = _with_confirmation(plan.request, override_reason, confirmed_by)
    context = build_context(request, formulary, rules=rules, table=table)
    confirmed_start(request, context.rules)
    drafts = [_draft(plan, step) for step in plan.steps]
    day = (on - request.start).days
    revising = _Revising(
        plan=plan,
        on=on,
        day=day,
        current=_current_index(plan, drafts, day, on),
        drafts=drafts,
        context=context,
        stored=stored,
        formulary=formulary,
        table=table,
    )
    if isinstance(action, Pause):
        _pause(revising, action)
    elif isinstance(action, SlowInterval):
        _slow_interval(revising, action)
    elif isinstance(action, SlowStep):
        _slow_step(revising, action)
    else:
        _step_back(revising)
    plan, context, current = revising.plan, revising.context, revising.current
    oversized = revising.oversized
    last = drafts[-1]
    context.check_length(last.day + last.days, _TOO_LONG[type(action)], "The revised plan")
    warnings = _warnings(context, plan, revising.replanned_warnings)
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
        request=context.request,
        steps=steps,
        warnings=tuple(warnings),
        revision=number,
        revisions=(
            *plan.revisions,
            Revision(
                number=number,
                on=on,
                action=_describe(action, context, revising.crossover_mix),
                reason=reason,
            ),
        ),
    )


@dataclass
class _Revising:
    """A revision being made: the stored plan's steps as drafts, changed in place by one
    adjustment, and what the adjustment found (a context with its new request, warnings
    of a re-planned part, the switch steps it made larger than allowed)."""

    plan: TaperPlan
    on: date
    day: int  # ``on``, in days from the plan's start
    current: int  # the draft running on ``on``
    drafts: list[Draft]
    context: PlanContext
    stored: list[Breach]  # the stored plan's own breaches
    formulary: Formulary | None
    table: EquivalenceTable | None
    replanned_warnings: list[PlanWarning] | None = None
    oversized: list[Parameter] = field(default_factory=list)
    crossover_mix: str | None = None

    def with_request(self, request: TaperRequest) -> None:
        """Plan on from ``request`` (a changed interval or step)."""
        self.context = build_context(
            request, self.formulary, rules=self.context.rules, table=self.table
        )


def _pause(revising: _Revising, action: Pause) -> None:
    """Hold the dose running on the day for ``action.days`` more days, then go on."""
    rules = revising.context.rules
    if not 1 <= action.days <= rules.max_interval_days:
        raise refused(
            "bad-option",
            f"{{Pause}} must be 1 to {rules.max_interval_days} days "
            f"({verbatim(rules.max_interval_source)}); to hold a dose for longer, plan "
            "again with {end_dose}.",
        )
    drafts, current, day = revising.drafts, revising.current, revising.day
    if day == drafts[current].day:
        # The plan's first day: nothing is cut short; its first dose is held longer.
        first = drafts[current]
        first.days += action.days
        held = f"Paused on {revising.on.isoformat()}, the plan's first day, for {action.days} days."
        first.note = f"{first.note} {held}".strip()
        if first.note_template is not None:
            first.note_template = f"{first.note_template} {held}"
        _redate(drafts, current + 1)
        return
    remaining = drafts[current].day + drafts[current].days - day
    _cut_at(drafts, current, day)
    pause = Draft(
        day=day,
        days=action.days + max(remaining, 0),
        kind=PAUSE,
        regimen=drafts[current].regimen,
        note=f"Paused on {revising.on.isoformat()} for {action.days} days.",
    )
    drafts.insert(current + 1, pause)
    _redate(drafts, current + 1)


def _slow_interval(revising: _Revising, action: SlowInterval) -> None:
    """Make every step from the running one last at least ``action.days``."""
    context = revising.context
    rules = context.rules
    if action.days <= context.interval_days:
        raise refused(
            "bad-option",
            f"{{Slow_interval}} {action.days} days is not slower than the plan's "
            f"{context.interval_days} days; the engine never speeds a plan up.",
        )
    if action.days > rules.max_interval_days:
        raise refused(
            "bad-option",
            f"{{Slow_interval}} must be at most {rules.max_interval_days} days "
            f"({verbatim(rules.max_interval_source)}).",
        )
    if context.request.method == "bands" and action.days > rules.bands_interval_max_days:
        raise refused(
            "bad-option",
            f"{{Slow_interval}} for {{bands_method}} must be "
            f"{rules.bands_interval_min_days} to {rules.bands_interval_max_days} days "
            f"({verbatim(rules.bands_interval_source)}); use {{pause}} to hold the dose for "
            "longer.",
        )
    drafts = revising.drafts
    for draft in drafts[revising.current :]:
        if draft.kind not in (DISCONTINUATION, CROSSOVER):
            draft.days = max(draft.days, action.days)
    _redate(drafts, revising.current)
    revising.with_request(replace(context.request, interval_days=action.days))


def _slow_step(revising: _Revising, action: SlowStep) -> None:
    """Re-plan the cuts after the running step with the smaller ``action.step``."""
    context = revising.context
    rules = context.rules
    request = context.request
    method = request.method
    if method not in ("percent", "fixed") or request.step is None:
        raise refused(
            "bad-option",
            f"{{Slow_step}} applies to {{percent_or_fixed}}, not {method}; "
            "use {slow_interval} or {pause}.",
        )
    unit = "%" if method == "percent" else " mg"
    if not Decimal(0) < action.step < request.step:
        raise refused(
            "bad-option",
            f"{{Slow_step}} must be more than 0 and smaller than the plan's step "
            f"({mg_text(request.step)}{unit}); the engine never speeds a plan up.",
        )
    smallest = (
        rules.min_percent_step if method == "percent" else context.maker(context.taper_drug).quantum
    )
    if smallest is not None and action.step < smallest:
        why = (
            rules.min_percent_step_source
            if method == "percent"
            else f"the smallest change the formulary '{context.formulary.name}' can make "
            f"to {a_or_an(context.taper_drug)} dose"
        )
        raise refused(
            "bad-option",
            f"{{Slow_step}} must be at least {mg_text(smallest)}{unit} ({verbatim(why)}).",
        )
    revising.with_request(replace(request, step=action.step))
    context = revising.context
    settings = method_settings(context)
    drafts = revising.drafts
    keep = revising.current
    while keep + 1 < len(drafts) and drafts[keep + 1].kind in (START, CROSSOVER):
        keep += 1
    del drafts[keep + 1 :]
    warnings: list[PlanWarning] = []
    if any(drug != context.taper_drug for _, drug, _ in drafts[-1].regimen):
        # Before a tail switch: cut the drug taken now to the switch point, then switch.
        warnings += taper_before_the_switch(context, drafts, settings)
        warnings += crossover(context, drafts, revising.oversized)
    result = reduce(
        context,
        drafts,
        settings,
        too_long=_TOO_LONG[SlowStep],
        what="The revised plan",
        accept_floor_stop=any(b.rule == "stop" for b in revising.stored),
    )
    revising.replanned_warnings = warnings + result.warnings
    revising.plan = replace(revising.plan, outcome=result.outcome)


def _step_back(revising: _Revising) -> None:
    """Return to the previous step's dose for one interval, then retry the running one."""
    drafts, current, day, on = revising.drafts, revising.current, revising.day, revising.on
    if current == 0 or not drafts[current - 1].regimen:
        raise ClinicalError(
            "bad-option",
            f"There is no earlier dose to step back to on {on.isoformat()}.",
        )
    retry = replace(drafts[current], days=drafts[current].days, cut_short=False)
    _cut_at(drafts, current, day)
    previous = drafts[current - 1].regimen
    note = f"Stepped back on {on.isoformat()} to the dose of step {current - 1}."
    if drafts[current].kind == CROSSOVER:
        # Same diazepam-equivalent, an earlier mix: the switch, not the dose, steps back.
        revising.crossover_mix = _mix_text(previous)
        note = (
            f"Stepped back on {on.isoformat()} to step {current - 1}'s mix during the "
            f"switch to diazepam ({revising.crossover_mix}, the same diazepam-equivalent), "
            "for a patient who did not tolerate the switch; then the switch is tried again."
        )
    back = Draft(
        day=day,
        days=revising.context.interval_days,
        kind=STEP_BACK,
        regimen=previous,
        note=note,
    )
    drafts[current + 1 : current + 1] = [back, retry]
    _redate(drafts, current + 1)


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
        note_template=step.note_template,
        cut_short=step.cut_short,
    )


def _current_index(plan: TaperPlan, drafts: list[Draft], day: int, on: date) -> int:
    """The draft running on ``day``: the last one begun before it, so a revision dated
    the first day of a step leaves the step before it whole; on the plan's first day,
    the first step (nothing has been taken yet)."""
    if day < 0:
        raise refused(
            "bad-option",
            f"{{The_adjustment_date}} {on.isoformat()} is before the plan's start "
            f"({plan.request.start.isoformat()}): nothing of the plan has begun yet.",
        )
    current = 0 if day == 0 else max(i for i, d in enumerate(drafts) if d.day < day)
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
    start, doses and products, with its new length (and the note of a pause on the plan's
    first day)."""
    kept = list(old[:current])
    step = old[current]
    kept.append(
        replace(
            step, days=new[current].days, cut_short=new[current].cut_short, note=new[current].note
        )
    )
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
