"""The guardrails applied to a whole plan: the parameters that break a limit by
themselves (a percentage above the ceiling, a discontinuation dose above the default),
the breaches of the ceiling, the minimum step and the stop rule, and the one judgement
of them (refused without an override reason, else one ``rate-limit`` warning).

The limits themselves (the ceiling's window, the lowest dose it allows) are in
guardrails.py; this module applies them to the drafts of a plan.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from clonacare.core.taper.context import Draft, PlanContext
from clonacare.core.taper.guardrails import (
    Breach,
    Level,
    find_breaches,
    limit_sources,
    no_worse_than,
    signed_pct,
    stop_breaches,
)
from clonacare.core.taper.methods import MethodSettings
from clonacare.core.taper.model import PlanWarning
from clonacare.core.taper.numbers import fraction_of, mg_text
from clonacare.core.taper.reduction import ideal_percent_breach, level_of
from clonacare.core.taper.terms import refused, termed_warning, verbatim


@dataclass(frozen=True)
class Parameter:
    """A plan parameter that breaks a limit by itself, accepted by an override reason:
    ``text`` (a template naming the engine's terms) opens the plan's ``rate-limit``
    warning, ``rule`` names the limit's source
    ("ceiling", "stop", or "switch": a switch step larger than a step may replace)."""

    text: str
    rule: str


def plan_parameters(
    context: PlanContext, before_cuts: int, drafts: list[Draft], settings: MethodSettings
) -> list[Parameter]:
    """The parameters that break a limit by themselves (a percentage above the ceiling,
    a discontinuation dose above the rules' default): refused without an override
    reason, else returned for the ``rate-limit`` warning."""
    found = percent_parameters(context, before_cuts, drafts, settings)
    parameters = [Parameter(text=found, rule="ceiling")] if found is not None else []
    return parameters + discontinuation_parameters(context)


def discontinuation_parameters(context: PlanContext) -> list[Parameter]:
    """A discontinuation dose above the rules' default lets the plan stop from a higher
    dose, a 100% cut: refused (ClinicalError "rate-limit") without an override reason."""
    rules = context.rules
    default = fraction_of(rules.discontinuation_de_mg)
    disc = context.discontinuation_de_mg
    if disc <= default or not ends_in_a_stop(context):
        return []
    text = (
        f"The discontinuation dose, {mg_text(disc)} mg diazepam-equivalent, is above the "
        f"{mg_text(default)} mg a plan stops from ({verbatim(rules.discontinuation_source)}): "
        f"the plan would stop the drug from up to {mg_text(disc)} mg diazepam-equivalent/day, "
        f"a 100% cut [{verbatim(rules.stop_source)}]"
    )
    if context.override is None:
        raise refused(
            "rate-limit",
            f"Refused (rate-limit): {text}. Use {{discontinuation_dose_of}} {mg_text(default)} "
            "or less, or give {an_override_reason} to plan it anyway.",
        )
    return [Parameter(text=text, rule="stop")]


def ends_in_a_stop(context: PlanContext) -> bool:
    """Can the plan end by stopping the drug? Not with an end dose to hold (the methods
    hold it, at the formulary's floor too), nor custom steps that end on a dose."""
    request = context.request
    if request.method == "custom":
        return bool(request.custom_steps) and not any(
            mg > 0 for _, mg in request.custom_steps[-1].doses
        )
    return request.end_dose_mg is None


def percent_parameters(
    context: PlanContext, before_cuts: int, drafts: list[Draft], settings: MethodSettings
) -> str | None:
    """Refuse a percentage that breaks the ceiling by itself; overridden, return the text
    that the plan's one ``rate-limit`` warning starts with (None when it does not break it
    or the method is not ``percent``).

    ``drafts[before_cuts]`` is the step the first cut follows (step 0 or the last
    crossover step).
    """
    if settings.method != "percent":
        return None
    percent = settings.step or Decimal(0)
    breach = ideal_percent_breach(context, percent, settings.interval_days)
    if breach is None:
        return None
    offset, left = breach
    rules = context.rules
    first = drafts[before_cuts]
    first_cut = first.day + first.days
    start = context.request.start + timedelta(days=first_cut + offset)
    end = start + timedelta(days=rules.window_days)
    de = context.regimen_de(first.regimen)
    text = (
        f"{{Step}} {mg_text(percent)} every {settings.interval_days} days cuts more than "
        f"{mg_text(rules.max_cut_pct)}% in {rules.window_days} days: from "
        f"{mg_text(de)} mg diazepam-equivalent/day on {start.isoformat()} to "
        f"{mg_text(de * left)} on {end.isoformat()} ({signed_pct(left - 1)}%) "
        f"[{verbatim(rules.ceiling_source)}]"
    )
    if context.override is None:
        raise refused(
            "rate-limit",
            f"Refused (rate-limit): {text}. Choose a smaller {{step_size}} or a longer "
            "{interval_length}, or give {an_override_reason} to plan it anyway.",
        )
    return text


def plan_breaches(
    context: PlanContext, drafts: list[Draft], levels: list[Level] | None = None
) -> list[Breach]:
    """Every breach of the ceiling, the minimum step and the stop rule, in step order.
    ``levels``: the drafts' levels, one per draft, when the caller has them (the
    reduction loop keeps them); else they are made here."""
    if levels is None or len(levels) != len(drafts):
        levels = [level_of(context, d) for d in drafts]
    breaches = find_breaches(levels, context.rules)
    breaches += stop_breaches(levels, context.stop_threshold_de)
    breaches.sort(key=lambda b: b.index)
    return breaches


# Breaches listed in full in a ``rate-limit`` warning: every stop, so an overridden stop
# is never hidden behind "and N more". Ceiling and minimum-step breaches are listed up to
# this many.
_SHOWN_PACE_BREACHES = 3


def judge(
    context: PlanContext,
    drafts: list[Draft],
    parameters: list[Parameter] | None = None,
    *,
    stored: list[Breach] | None = None,
    way_out: str | None = None,
    levels: list[Level] | None = None,
) -> list[PlanWarning]:
    """Check the whole plan against the ceiling, the minimum step and the stop (the drug
    stops only from a dose at or below the discontinuation dose).

    Without an override reason the first breach is refused (ClinicalError "rate-limit",
    naming the step, the days and doses and how to override); with one, the breaches are
    kept as one ``rate-limit`` warning, which starts with the text of ``parameters`` that
    break a limit by themselves, when given. Every stop and every parameter is listed;
    ceiling and minimum-step breaches after the first three are counted.

    A revision passes ``stored``, the breaches of the plan it revises: a breach no worse
    than one of them is not the revision's doing and is never refused; without an
    override reason it is kept as a ``stored-plan-breach`` warning (with ``parameters``,
    which come from the stored plan too). ``way_out`` replaces the plan's options in a
    refusal (a revision names its own). ``levels``: the drafts' levels, when the caller
    has them (see :func:`plan_breaches`).
    """
    parameters = parameters or []
    breaches = plan_breaches(context, drafts, levels)
    if not breaches and not parameters:
        return []
    if context.override is None:
        new = [b for b in breaches if stored is None or not no_worse_than(b, stored)]
        if new:
            first = new[0]
            out = way_out or _way_out(context, first)
            raise refused(
                "rate-limit",
                f"Refused (rate-limit): {_breach_text(context, drafts, first)}. {out}",
            )
        if stored is None:
            return []  # the parameters were refused before any step was planned
        return [
            termed_warning(
                "stored-plan-breach",
                "From the stored plan, made before this limit applied or without an "
                f"override reason: {_listing(context, drafts, breaches, parameters)}. The "
                "revision keeps it as it was; to fix it, plan the taper again from the "
                "current dose{new_plan_command}, or record why with "
                "{an_override_reason}.",
                _sources(context, breaches, parameters),
            )
        ]
    return [
        termed_warning(
            "rate-limit",
            f"Overridden ({verbatim(context.override)}): "
            f"{_listing(context, drafts, breaches, parameters)}.",
            _sources(context, breaches, parameters),
        )
    ]


def _listing(
    context: PlanContext, drafts: list[Draft], breaches: list[Breach], parameters: list[Parameter]
) -> str:
    """The parameters, every stop, and the first ceiling and minimum-step breaches."""
    pace = [b for b in breaches if b.rule != "stop"]
    shown_pace = {id(b) for b in pace[:_SHOWN_PACE_BREACHES]}
    listed = [b for b in breaches if b.rule == "stop" or id(b) in shown_pace]
    texts = [_breach_text(context, drafts, b) for b in listed]
    hidden = len(pace) - len(shown_pace)
    shown = "; ".join(texts)
    if hidden:
        shown += f"; and {hidden} more that cut too fast or too often"
    if not parameters:
        return shown
    several = len(breaches) > 1
    return "; ".join(p.text for p in parameters) + (
        f"; the step{'s' if several else ''} that break{'' if several else 's'} a limit: " + shown
        if breaches
        else ""
    )


def _sources(context: PlanContext, breaches: list[Breach], parameters: list[Parameter]) -> str:
    """The sources of the limits the breaches and parameters break."""
    return limit_sources(context.rules, {b.rule for b in breaches} | {p.rule for p in parameters})


def _breach_text(context: PlanContext, drafts: list[Draft], breach: Breach) -> str:
    rules = context.rules
    draft = drafts[breach.index]
    start = context.request.start
    when = (start + timedelta(days=draft.day)).isoformat()
    if breach.rule == "stop":
        return (
            f"step {breach.index} ({when}) stops the drug from {mg_text(breach.from_de)} mg "
            "diazepam-equivalent/day, above the discontinuation dose "
            f"({mg_text(context.stop_threshold_de)} mg diazepam-equivalent): a 100% cut of "
            f"{mg_text(breach.from_de)} mg diazepam-equivalent [{verbatim(rules.stop_source)}]"
        )
    if breach.rule == "min-step":
        return (
            f"step {breach.index} ({when}) lasts {breach.days} day"
            f"{'s' if breach.days != 1 else ''}: a dose step shorter than "
            f"{rules.min_step_days} days [{verbatim(rules.min_step_source)}]"
        )
    first = start + timedelta(days=breach.from_day)
    second = first + timedelta(days=rules.window_days)
    change = breach.to_de / breach.from_de - 1
    return (
        f"step {breach.index} ({when}) cuts more than {mg_text(rules.max_cut_pct)}% in "
        f"{rules.window_days} days: {mg_text(breach.from_de)} mg diazepam-equivalent/day on "
        f"{first.isoformat()} to {mg_text(breach.to_de)} on {second.isoformat()} "
        f"({signed_pct(change)}%) [{verbatim(rules.ceiling_source)}]"
    )


def _way_out(context: PlanContext, breach: Breach) -> str:
    method = context.request.method
    override = "or give {an_override_reason} to plan it anyway."
    if breach.rule == "min-step":
        return f"Use steps of {context.rules.min_step_days} days or more, {override}"
    if breach.rule == "stop":
        threshold = mg_text(context.stop_threshold_de)
        if method == "custom":
            return (
                f"Add steps that bring the dose to {threshold} mg diazepam-equivalent/day or "
                f"less before the stop, or end on a dose to hold, {override}"
            )
        if method == "fixed":
            return f"Use a smaller {{step_size}} or {{percent_method}}, {override}"
    if method == "fixed":
        return (
            f"Use {{percent_method}} or a smaller {{step_size}} from step {breach.index}, "
            f"{override}"
        )
    if method == "custom":
        return f"Make the cut at step {breach.index} smaller or later, {override}"
    return f"Slow the plan, {override}"
