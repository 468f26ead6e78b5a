"""The gradual switch to diazepam (a crossover): the drug taken now is replaced dose time
by dose time, each step replacing at most the rules' share of the daily dose, every
portion made from the formulary.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from decimal import Decimal
from fractions import Fraction
from math import ceil

from clonacare.core.errors import ClinicalError
from clonacare.core.taper.context import Draft, PlanContext, Regimen
from clonacare.core.taper.guardrails import highest_recent_de, keep_fraction, switch_share
from clonacare.core.taper.judging import Parameter
from clonacare.core.taper.model import CROSSOVER, DOSE_TIMES, PlanWarning
from clonacare.core.taper.numbers import clean, fraction_of, mg_text
from clonacare.core.taper.reduction import choose, level_of
from clonacare.core.taper.terms import refused, verbatim


def crossover(
    context: PlanContext, drafts: list[Draft], oversized: list[Parameter] | None = None
) -> list[PlanWarning]:
    """Append the switch to diazepam after ``drafts[-1]`` (whose doses are all of the drug
    taken now); returns the warnings for portions only the patient's supply can make.

    The switch is gradual (ASAM 2025 Rec 7; Ashton): one dose time at a time, in the
    crossover order, and no step replaces more than the rules' share of the daily
    diazepam-equivalent (half), so a dose time above it is switched in portions and the
    switch takes at least the rules' number of steps. Each step lasts the crossover days.
    The diazepam that replaces a dose equals it by the chosen table, rounded down (never
    up) to what the formulary makes.

    Where the products cannot make a portion that small (a dose that is already the
    smallest product: temazepam 7.5 mg), the switch is refused (ClinicalError
    "formulary", "Refused (gradual-switch): …", naming the ways out) unless an override
    reason accepts a larger portion: the smallest the products make, the whole dose time
    at the most; each such step is appended to ``oversized`` for the ``rate-limit``
    warning, with its size.
    """
    rules = context.rules
    last = drafts[-1]
    total = context.regimen_de(last.regimen)
    share = switch_share(rules)
    budget = total * share  # the most diazepam-equivalent one step may replace
    days = context.crossover_days
    taper = context.taper_drug
    kept = {time: (drug, mg) for time, drug, mg in last.regimen}
    switched: dict[str, Decimal] = {}
    exact_at: dict[str, Fraction] = {}
    planned = Fraction(0)
    current_supply: list[str] = []
    day = last.day + last.days
    for time in (t for t in context.crossover_order if t in kept):
        drug, mg = kept[time]
        whole = mg
        portions = max(1, ceil(context.de(drug, mg) / budget))
        # The budget in mg of this drug, and the whole dose as a pair of ints.
        budget_mg = budget * context.equivalent_of(drug) / 10
        whole_n, whole_d = fraction_of(whole).numerator, fraction_of(whole).denominator
        done = 0
        while kept[time][1] > 0:
            done += 1
            keep_now = kept[time][1]
            # whole × (portions - done) / portions, one Fraction made from integers.
            aim = Fraction(whole_n * (portions - done), whole_d * portions)
            new_keep, supply = _portion_keep(context, drug, keep_now, aim, budget_mg)
            if new_keep is None:
                if context.override is None:
                    _refuse_the_portion(context, drafts, drug, keep_now, time, share, budget)
                new_keep = _largest_makeable_below(context, drug, keep_now)
                portion = context.de(drug, keep_now - new_keep)
                if oversized is not None:
                    when = context.request.start + timedelta(days=day)
                    oversized.append(
                        Parameter(
                            text=(
                                f"step {len(drafts)} ({when.isoformat()}) switches {drug} "
                                f"{mg_text(keep_now - new_keep)} mg ({time}), "
                                f"{mg_text(portion)} mg diazepam-equivalent or "
                                f"{mg_text(round(portion / total * 100, 1))}% of the daily "
                                f"dose, in one step: more than the {mg_text(share * 100)}% "
                                f"a step may replace [{verbatim(rules.crossover_portion_source)}]"
                            ),
                            rule="switch",
                        )
                    )
            if supply:
                current_supply.append(f"{drug} {mg_text(new_keep)} mg ({time})")
            # The diazepam at this dose time: the equivalent of everything switched there
            # so far, rounded down once (not portion by portion, which would lose a little
            # at each step), so no step of the switch is higher than the one before.
            replaced_mg = context.to_taper_mg(context.de(drug, keep_now - new_keep))
            exact_at[time] = exact_at.get(time, Fraction(0)) + replaced_mg
            wanted = exact_at[time]
            made = _largest_makeable_at_most(context, wanted)
            if made is None:
                raise ClinicalError(
                    "formulary",
                    f"The formulary '{context.formulary.name}' cannot make diazepam "
                    f"{mg_text(wanted)} mg (or less) to replace "
                    f"{drug} {mg_text(whole - new_keep)} mg ({time}).",
                )
            planned += replaced_mg
            before = _time_text(drug, keep_now, taper, switched.get(time))
            kept[time] = (drug, new_keep)
            switched[time] = made
            after = _time_text(drug, new_keep, taper, made)
            what = (
                "the"
                if done == 1 and new_keep == 0
                else "part of the"
                if done == 1
                else "the rest of the"
                if new_keep == 0
                else "more of the"
            )
            regimen: list[tuple[str, str, Decimal]] = []
            for t in DOSE_TIMES:
                if t in kept and kept[t][1] > 0:
                    regimen.append((t, kept[t][0], kept[t][1]))
                if switched.get(t):
                    regimen.append((t, taper, switched[t]))
            day = _hold_within_the_ceiling(context, drafts, day, tuple(regimen))
            drafts.append(
                Draft(
                    day=day,
                    days=days,
                    kind=CROSSOVER,
                    regimen=tuple(regimen),
                    planned=planned,
                    note=f"Switch {what} {time} dose: {before} → {after}.",
                )
            )
            day += days
    if not current_supply:
        return []
    return [
        PlanWarning(
            code="formulary-current-dose",
            message=(
                f"The formulary '{context.formulary.name}' cannot make "
                + ", ".join(current_supply)
                + ", a portion of a dose switched to diazepam step by step; the plan "
                "records it as part of the patient's current supply until the switch "
                "replaces it."
            ),
            source=rules.crossover_portion_source,
        )
    ]


def _refuse_the_portion(
    context: PlanContext,
    drafts: list[Draft],
    drug: str,
    keep: Decimal,
    time: str,
    share: Fraction,
    budget: Fraction,
) -> None:
    """No portion small enough for a gradual switch: refused, naming the ways out. To
    taper without the switch is one only where the drug taken now can be cut within the
    ceiling (not at the formulary's floor, where it would be refused again)."""
    rules = context.rules
    ways = ["a site formulary{site_formulary_file} with smaller products"]
    if _can_cut_now(context, drafts[-1].regimen):
        ways.append("taper without the switch")
    raise refused(
        "formulary",
        f"Refused (gradual-switch): the formulary '{verbatim(context.formulary.name)}' cannot "
        "make "
        f"a portion of {drug} {mg_text(keep)} mg ({time}) small enough to switch to "
        f"diazepam gradually: a step may replace at most {mg_text(share * 100)}% of the "
        f"daily dose ({mg_text(budget)} mg diazepam-equivalent) "
        f"[{verbatim(rules.crossover_portion_source)}]. Ways out: {', '.join(ways)}; or give "
        "{an_override_reason} to switch it in fewer, larger portions.",
    )


def _can_cut_now(context: PlanContext, regimen: Regimen) -> bool:
    """Can the drug taken now be cut within the ceiling from ``regimen`` (its doses only)?"""
    drug = context.request.drug
    if any(d != drug for _, d, _ in regimen):
        return False
    alone = replace(context, taper_drug=drug)
    alloc = {time: mg for time, _, mg in regimen}
    current = Fraction(sum(alloc.values(), Decimal(0)))
    floor_mg = current * (1 - Fraction(context.rules.max_cut_pct) / 100)
    return choose(alone, alloc, floor_mg, floor_mg) is not None


def _largest_makeable_below(context: PlanContext, drug: str, mg: Decimal) -> Decimal:
    """The largest amount of ``drug`` below ``mg`` the formulary makes (0 when none)."""
    maker = context.maker(drug)
    quantum = maker.quantum
    if quantum is None:
        return Decimal(0)
    j = ceil(Fraction(mg) / Fraction(quantum)) - 1
    while j >= 1:
        if maker.can_make(quantum * j):
            return clean(quantum * j)
        j -= 1
    return Decimal(0)


def _hold_within_the_ceiling(
    context: PlanContext, drafts: list[Draft], day: int, regimen: Regimen
) -> int:
    """The day a switch step may begin: after a recent cut (a tail switch), a step that
    rounding leaves a little lower waits, the step before it held longer, until the pace
    stays within the ceiling. Returns ``day`` or a later one; a step still outside the
    ceiling after a whole window is left for the guardrails to judge."""
    rules = context.rules
    de = context.regimen_de(regimen)
    keep = keep_fraction(rules)
    waited = 0
    # Only the steps that reach into the ceiling's window before ``day`` count (the
    # window only moves later here): the levels of the earlier ones are not made.
    first = day - rules.window_days
    since = len(drafts) - 1
    while since > 0 and drafts[since - 1].day + drafts[since - 1].days > first:
        since -= 1
    levels = [level_of(context, d) for d in drafts[since:]]
    while waited < rules.window_days:
        # de at or above the lowest the ceiling allows (lowest_allowed_de: the window's
        # highest × keep), by cross-multiplying (Fraction's comparison is slower).
        highest = highest_recent_de(levels, day, rules)
        if (
            highest.numerator * keep.numerator * de.denominator
            <= de.numerator * highest.denominator * keep.denominator
        ):
            break
        drafts[-1].days += context.crossover_days
        levels[-1] = level_of(context, drafts[-1])
        day += context.crossover_days
        waited += context.crossover_days
    return day


def _time_text(drug: str, mg: Decimal, taper: str, switched: Decimal | None) -> str:
    parts = [f"{drug} {mg_text(mg)} mg"] if mg > 0 else []
    if switched:
        parts.append(f"{taper} {mg_text(switched)} mg")
    return " + ".join(parts)


def _portion_keep(
    context: PlanContext, drug: str, keep: Decimal, aim: Fraction, budget_mg: Fraction
) -> tuple[Decimal | None, bool]:
    """How much of ``drug`` a dose time keeps after the next portion of the switch: the
    smallest makeable amount at or above ``aim`` that replaces at most ``budget_mg`` mg
    of it (the step's budget of diazepam-equivalent, converted), else the smallest
    makeable one below ``aim`` within it; where the formulary cannot make the dose
    itself (the patient's own supply), ``aim`` itself when exact, as a share of that
    supply.
    Returns (amount, taken from the patient's supply) or (None, False)."""
    lowest = fraction_of(keep) - budget_mg  # the least it may keep
    # Signs by the numerators (Fraction's comparison is slower).
    if lowest.numerator <= 0 and aim.numerator <= 0:
        return Decimal(0), False
    maker = context.maker(drug)
    exact = Decimal(aim.numerator) / Decimal(aim.denominator)
    from_supply = Fraction(exact) == aim and aim >= lowest and aim > 0
    if from_supply and not maker.can_make(keep):
        return clean(exact), True  # a share of a dose the patient already has
    # The options are 0 (when ``lowest`` allows it) and each makeable multiple of the
    # quantum from ``lowest`` up to below ``keep``: the smallest option at or above
    # ``aim``, else the largest below it. Searched from ``aim`` outwards, upwards then
    # downwards, so that only the multiples up to the answer are tried.
    zero = lowest <= 0
    if zero and aim <= 0:
        return Decimal(0), False
    quantum = maker.quantum
    q = maker.quantum_fraction
    if quantum is not None and q is not None:
        first = max(ceil(max(lowest, Fraction(0)) / q), 1)  # the smallest multiple allowed
        at_aim = max(ceil(aim / q), first)  # the smallest multiple allowed at or above aim
        j = at_aim
        while quantum * j < keep:
            if maker.can_make(quantum * j):
                return clean(quantum * j), False
            j += 1
        # Below aim and below keep (quantum × j < keep), the largest first.
        j = min(at_aim, ceil(fraction_of(keep) / q)) - 1
        while j >= first:
            if maker.can_make(quantum * j):
                return clean(quantum * j), False
            j -= 1
    if zero:
        return Decimal(0), False
    return None, False


def _largest_makeable_at_most(context: PlanContext, wanted: Fraction) -> Decimal | None:
    maker = context.maker(context.taper_drug)
    q = maker.quantum_fraction
    if maker.quantum is None or q is None:
        return None
    j = int(wanted // q)
    while j >= 1:
        mg = maker.quantum * j
        if maker.can_make(mg):
            return clean(mg)
        j -= 1
    return None
