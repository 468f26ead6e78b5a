"""The reduction loop shared by ``percent``, ``fixed`` and ``bands``.

From the last step's doses it asks the method for a target, then picks a dose the
formulary can make, taking each cut off the dose times in the reduce-first order: for the
methods that choose their own cuts (``percent``, ``bands``) the smallest makeable dose at
or above the target and what the ceiling allows, so rounding never cuts more than the
method allows; for ``fixed`` the makeable dose nearest its literal target, never into a
breach that a makeable dose could avoid. It ends with a discontinuation step or by
holding the end dose, and refuses a plan longer than the longest plan this tool makes.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache
from math import ceil, log

from clonacare.core.taper.context import Draft, PlanContext, Regimen
from clonacare.core.taper.formulary_solver import DoseMaker
from clonacare.core.taper.guardrails import Level, highest_recent_de, keep_fraction, switch_share
from clonacare.core.taper.methods import (
    MethodSettings,
    bands_target,
    fixed_target_of,
    percent_target_of,
)
from clonacare.core.taper.model import DISCONTINUATION, DOSE_TIMES, END_DOSE, REDUCTION, PlanWarning
from clonacare.core.taper.numbers import a_or_an, below, clean, fraction_of, mg_text
from clonacare.core.taper.terms import clinical, refused, termed_warning, verbatim


@dataclass
class ReductionResult:
    outcome: str
    warnings: list[PlanWarning] = field(default_factory=list)
    # The guardrails' view of every draft, one level per draft, as the loop left them.
    levels: list[Level] = field(default_factory=list)


def level_of(context: PlanContext, draft: Draft) -> Level:
    # Positional: Level's fields in order (day, days, de, kind, cut_short), the cheaper call.
    return Level(
        draft.day, draft.days, context.regimen_de(draft.regimen), draft.kind, draft.cut_short
    )


def allocation(context: PlanContext, regimen: Regimen) -> dict[str, Decimal]:
    """The taper drug's dose at each dose time (the regimen must be all taper drug)."""
    return {time: mg for time, drug, mg in regimen if drug == context.taper_drug}


_ZERO = Decimal(0)
_NO_MG = Fraction(0)
# ``clean`` of a dose above 0, cached: a plan writes the same few doses many times (equal
# positive decimals such as 1 and 1.0 clean to the same value).
_clean_dose = lru_cache(maxsize=8192)(clean)


def regimen_of(context: PlanContext, alloc: dict[str, Decimal]) -> Regimen:
    return tuple(
        (time, context.taper_drug, _clean_dose(alloc[time]))
        for time in DOSE_TIMES
        if alloc.get(time, _ZERO) > 0
    )


def apply_cut(
    alloc: dict[str, Decimal], order: tuple[str, ...], cut: Decimal
) -> tuple[dict[str, Decimal], str | None]:
    """Take ``cut`` mg off the dose times in ``order``; returns the new doses and the dose
    time left partly cut (None when every touched time went to zero)."""
    new = dict(alloc)
    remaining = cut
    partial: str | None = None
    for time in order:
        if remaining <= 0:
            break
        have = new.get(time, Decimal(0))
        if have <= 0:
            continue
        take = min(remaining, have)
        new[time] = have - take
        remaining -= take
        partial = time if new[time] > 0 else None
    return new, partial


def units_of(alloc: dict[str, Decimal], q: Fraction) -> dict[str, int] | None:
    """The doses as whole counts of the quantum ``q``; None when one is not a multiple of
    it (a dose from the patient's own supply): the loop then cuts in Decimals."""
    units: dict[str, int] = {}
    for time, mg in alloc.items():
        count = fraction_of(mg) / q
        if count.denominator != 1:
            return None
        units[time] = count.numerator
    return units


def _cut_units(
    units: dict[str, int], order: tuple[str, ...], cut: int
) -> tuple[dict[str, int], str | None]:
    """:func:`apply_cut` in counts of the quantum: the same doses, as exact ints."""
    new = dict(units)
    remaining = cut
    partial: str | None = None
    for time in order:
        if remaining <= 0:
            break
        have = new.get(time, 0)
        if have <= 0:
            continue
        take = remaining if remaining < have else have
        left = have - take
        new[time] = left
        remaining -= take
        partial = time if left > 0 else None
    return new, partial


def _choose_units(
    context: PlanContext,
    units: dict[str, int],
    target: Fraction,
    lowest: Fraction,
    total: int,
) -> dict[str, int] | None:
    """:func:`choose` for doses counted in quanta (``units``, ``total`` their daily dose
    in quanta): the same walk, the same answer, in ints."""
    maker = context.maker(context.taper_drug)
    q = maker.quantum_fraction
    if q is None:
        return None
    # max(lowest, 0) by the numerator's sign (Fraction's comparison is slower).
    max_j = _quanta_within(total, lowest if lowest.numerator >= 0 else _NO_MG, q)
    if max_j < 1:
        return None
    # The ideal cut in quanta, total - target / q, as ideal_n / ideal_d (ideal_d > 0).
    ideal_d = target.denominator * q.numerator
    ideal_n = total * ideal_d - target.numerator * q.denominator
    order = context.reduce_order
    for j in _cuts_nearest_first(ideal_n, ideal_d, max_j):
        new, partial = _cut_units(units, order, j)
        if partial is None or maker.can_make_units(new[partial]):
            return new
    return None


def _choose_units_at_least(
    context: PlanContext, units: dict[str, int], wish: Fraction, total: int
) -> dict[str, int] | None:
    """:func:`choose_at_least` for doses counted in quanta (``total`` of them a day): the
    same answer, in ints."""
    maker = context.maker(context.taper_drug)
    q = maker.quantum_fraction
    if q is None:
        return None
    order = context.reduce_order
    j = _quanta_within(total, wish, q)
    while j >= 1:
        new, partial = _cut_units(units, order, j)
        if partial is None or maker.can_make_units(new[partial]):
            return new
        j -= 1
    return None


def _cuts_nearest_first(ideal_n: int, ideal_d: int, max_j: int) -> Iterator[int]:
    """The cuts from 1 to ``max_j`` quanta in the order :func:`choose` tries them: walking
    outwards from the ideal cut ``ideal_n / ideal_d`` (``ideal_d`` > 0), the nearest
    first and the smaller cut on a tie (distances compared in integers, exactly as the
    Fractions would)."""
    low = min(max(ideal_n // ideal_d, 1), max_j)
    high = low + 1
    while low >= 1 or high <= max_j:
        if low >= 1 and (
            high > max_j or abs(ideal_n - low * ideal_d) <= abs(high * ideal_d - ideal_n)
        ):
            yield low
            low -= 1
        else:
            yield high
            high += 1


def _quanta_within(total: int, lowest: Fraction, q: Fraction) -> int:
    """:func:`_cuts_within` of a daily dose of ``total`` quanta: floor(total - lowest / q),
    in integers."""
    return total + (-lowest.numerator * q.denominator) // (lowest.denominator * q.numerator)


def _cuts_within(current: Fraction, lowest: Fraction, q: Fraction) -> int:
    """floor((current - lowest) / q), the most quanta a cut may take, in integers: one
    exact division, no Fraction made."""
    return (
        (current.numerator * lowest.denominator - lowest.numerator * current.denominator)
        * q.denominator
    ) // (current.denominator * lowest.denominator * q.numerator)


def choose(
    context: PlanContext,
    alloc: dict[str, Decimal],
    target: Fraction,
    lowest: Fraction,
    current: Fraction | None = None,
) -> dict[str, Decimal] | None:
    """The makeable doses nearest to ``target`` mg/day with ``lowest`` ≤ daily < current
    (``current``: the daily dose of ``alloc``, when the caller has it).

    Ties go to the larger dose (the smaller cut). None when no makeable dose is in range.
    """
    maker = context.maker(context.taper_drug)
    quantum = maker.quantum
    q = maker.quantum_fraction
    if quantum is None or q is None:
        return None
    if current is None:
        current = fraction_of(sum(alloc.values(), _ZERO))
    max_j = _cuts_within(current, max(lowest, Fraction(0)), q)
    if max_j < 1:
        return None
    # The ideal cut, (current - target) / q, as ideal_n / ideal_d (ideal_d > 0): the walk
    # compares distances in integers, exactly as the Fractions would.
    ideal_n = (current.numerator * target.denominator - target.numerator * current.denominator) * (
        q.denominator
    )
    ideal_d = current.denominator * target.denominator * q.numerator
    for j in _cuts_nearest_first(ideal_n, ideal_d, max_j):
        new, partial = apply_cut(alloc, context.reduce_order, quantum * j)
        if partial is None or maker.can_make(new[partial]):
            return new
    return None


def choose_at_least(
    context: PlanContext,
    alloc: dict[str, Decimal],
    wish: Fraction,
    current: Fraction | None = None,
) -> dict[str, Decimal] | None:
    """The makeable doses with the largest cut that keeps the daily dose at or above
    ``wish`` mg/day: the smallest makeable dose ≥ ``wish``, below the current dose.

    This is how the methods that choose their own cuts round: never a larger cut than the
    method allows. None when the formulary's smallest change is larger than that.
    """
    maker = context.maker(context.taper_drug)
    quantum = maker.quantum
    q = maker.quantum_fraction
    if quantum is None or q is None:
        return None
    if current is None:
        current = fraction_of(sum(alloc.values(), _ZERO))
    j = _cuts_within(current, wish, q)
    while j >= 1:
        new, partial = apply_cut(alloc, context.reduce_order, quantum * j)
        if partial is None or maker.can_make(new[partial]):
            return new
        j -= 1
    return None


def cuts_literally(context: PlanContext, settings: MethodSettings) -> bool:
    """Does the method cut exactly what the prescriber asked, the guardrails judging it?

    ``fixed`` always does. ``percent`` does only when its parameters break the ceiling by
    themselves and an override reason accepted that (without one the plan is refused
    before any step); otherwise it stays inside the ceiling by itself, override or not.
    """
    if settings.method == "fixed":
        return True
    return (
        settings.method == "percent"
        and context.override is not None
        and ideal_percent_breach(context, settings.step or Decimal(0), settings.interval_days)
        is not None
    )


def too_long_way_out(method: str) -> str:
    """What to change when a plan of ``method`` runs too long: a template naming the
    engine's terms (core/taper/terms.py)."""
    if method in ("percent", "fixed"):
        return "choose a larger {step_size}, a shorter {interval_length} or {an_end_dose}."
    if method == "bands":
        return "choose a shorter {interval_length} or {an_end_dose}."
    return "end {custom_steps} earlier."


def reduce(
    context: PlanContext,
    drafts: list[Draft],
    settings: MethodSettings,
    too_long: str | None = None,
    what: str = "This plan",
    switch_at_mg: Fraction | None = None,
    accept_floor_stop: bool = False,
) -> ReductionResult:
    """Append reduction steps to ``drafts`` (whose last step holds the taper drug only)
    until the plan stops the drug or holds the end dose.

    Each cut is judged against the steps before it: a method that chooses its own cuts
    takes the smallest makeable dose at or above both its target and the ceiling's
    floor, holding the dose for another interval when the formulary's smallest change is
    larger than that (the target then counts the intervals held). A literal cut
    (``fixed``) takes the makeable dose nearest its target, never into a breach where a
    makeable dose within the ceiling exists; a cut that breaks the ceiling by itself is
    kept as asked and judged afterwards (refused unless overridden). An override reason
    never changes the doses: it only accepts the breaches the plan would be refused for.

    The plan stops only from a daily dose at or below the discontinuation dose: the last
    cut reaches it like any other, then the drug stops. A literal cut (``fixed``) that
    takes the whole dose stops from where it is, and the guardrails judge that stop. At
    the formulary's floor (no makeable dose within the ceiling, even after holding) the
    plan holds the end dose if it has one; otherwise it is refused (ClinicalError
    "formulary-floor", naming the ways out) unless an override reason accepts the stop.

    With ``switch_at_mg`` (mg of the drug tapered here) the loop ends instead, with
    outcome "switch", once the daily dose is at or below it: the tail switch to diazepam
    follows. A floor above it is refused (ClinicalError "formulary-floor").

    ``accept_floor_stop`` (a revision of a stored plan that already stopped at the floor)
    plans the stop at the floor without refusing it: the revision's judge then keeps it
    as the stored plan's.

    ClinicalError("plan-too-long") when the plan would run past the longest plan
    (``too_long``, a template naming the engine's terms, says what to change, by default
    the method's parameters; ``what`` names
    the plan in the message).
    """
    quantum = context.maker(context.taper_drug).quantum_fraction or Fraction(1)
    reduction = _Reduction(
        context=context,
        drafts=drafts,
        settings=settings,
        levels=[level_of(context, d) for d in drafts],
        end=fraction_of(settings.end_dose_mg) if settings.end_dose_mg is not None else None,
        literal=cuts_literally(context, settings),
        way_out=too_long or too_long_way_out(settings.method),
        what=what,
        switch_at_mg=switch_at_mg,
        accept_floor_stop=accept_floor_stop,
        stop_mg=context.discontinuation_mg,
        lowest_mg_per_de=keep_fraction(context.rules) * context.mg_per_de(context.taper_drug),
        de_per_mg=context.de_per_mg(context.taper_drug),
        max_plan_days=context.rules.max_plan_days,
        step_mg=fraction_of(settings.step) if settings.step is not None else Fraction(0),
        maker=context.maker(context.taper_drug),
        quantum=quantum,
        de_per_quantum=quantum * context.de_per_mg(context.taper_drug),
    )
    _check_percent_reaches_its_goal(context, drafts[-1], settings, reduction.way_out, what)
    while not reduction.next_step():
        pass
    reduction.result.levels = reduction.levels
    return reduction.result


@dataclass
class _Reduction:
    """The state of :func:`reduce`: the drafts and their levels, the warnings so far, how
    many intervals the current dose has lasted (for the method's target)."""

    context: PlanContext
    drafts: list[Draft]
    settings: MethodSettings
    levels: list[Level]
    end: Fraction | None  # the end dose to hold, in mg of the taper drug
    literal: bool  # the method's cut is taken as asked (fixed), not chosen
    way_out: str
    what: str
    switch_at_mg: Fraction | None
    accept_floor_stop: bool
    stop_mg: Fraction  # the discontinuation dose in mg of the taper drug
    # mg of the taper drug the ceiling allows per mg diazepam-equivalent of its window's
    # highest dose (the share kept × the drug's equivalent / 10), once per plan.
    lowest_mg_per_de: Fraction
    maker: DoseMaker  # the taper drug's
    # Diazepam-equivalent of 1 mg of the taper drug, and the longest plan in days.
    de_per_mg: Fraction = Fraction(0)
    max_plan_days: int = 0
    result: ReductionResult = field(default_factory=lambda: ReductionResult("discontinued"))
    held: int = 1
    warned_above: bool = False
    # The regimen of the last step this loop made, its doses by dose time and its daily
    # dose in mg (Fraction; None when counted in quanta, ``total``): the next step starts
    # from them without adding them up again.
    regimen: Regimen | None = None
    alloc: dict[str, Decimal] | None = None  # None: not made yet (see next_step)
    current: Fraction | None = None
    # The step of ``fixed`` in mg.
    step_mg: Fraction = Fraction(0)
    # The taper drug's quantum (every dose it makes is a whole number of quanta), and the
    # last step's doses as counts of it (None: cut in Decimals).
    quantum: Fraction = Fraction(1)
    de_per_quantum: Fraction = Fraction(0)  # diazepam-equivalent of one quantum
    units: dict[str, int] | None = None
    total: int = 0  # the daily dose of ``units``, in quanta

    def next_step(self) -> bool:
        """Plan one more step (or hold the current dose longer); True once the plan ends."""
        context = self.context
        if len(self.drafts) > context.rules.max_steps:
            raise refused(
                "bad-option",
                f"This plan would need more than {context.rules.max_steps} steps "
                f"({verbatim(context.rules.plausibility_source)}); choose a larger "
                "{step_size}.",
            )
        last = self.drafts[-1]
        day = last.day + last.days
        if day > self.max_plan_days:
            context.check_length(day, self.way_out, self.what)
        current_de: Fraction | None = None
        if last.regimen is self.regimen:
            # The step this loop made last: its doses, daily dose and diazepam-equivalent
            # are known.
            alloc, current, current_de = self.alloc, self.current, self.levels[-1].de
            units, total = self.units, self.total
        else:
            alloc = allocation(context, last.regimen)
            current = fraction_of(sum(alloc.values(), _ZERO))
            q = self.maker.quantum_fraction
            units = None if q is None else units_of(alloc, q)
            total = 0 if units is None else sum(units.values())
        # The daily dose in mg as a pair of ints, current_n / current_d (not necessarily
        # reduced): from the count of quanta when the doses are counted so (no Fraction
        # is made for it each step), else the Fraction's own.
        if current is None:
            q = self.quantum
            current_n, current_d = total * q.numerator, q.denominator
        else:
            current_n, current_d = current.numerator, current.denominator
        if self._reached_the_end(last, current_n, current_d):
            return True
        wish, lowest = self._wish(day, current_n, current_d, current_de)
        if self.end is None and self.literal and wish.numerator <= 0:
            # The literal cut takes the whole dose: a stop, judged by the guardrails.
            self._discontinue(_literal_stop_note(context, Fraction(current_n, current_d), wish))
            return True
        if units is not None:
            # Doses counted in quanta of the formulary: the same cuts in ints.
            if self.literal:
                cut = _choose_units(context, units, wish, lowest, total)
            else:
                cut = _choose_units_at_least(context, units, wish, total)
            if cut is None:
                return self._at_the_floor(
                    last, _doses(last, alloc), Fraction(current_n, current_d), units, total
                )
            return self._append(day, wish, cut, current_n, current_d)
        if current is None:  # not reached: doses not counted in quanta keep their Fraction
            current = Fraction(current_n, current_d)
        alloc = _doses(last, alloc)
        if self.literal:
            new = choose(context, alloc, wish, lowest, current)
        else:
            new = choose_at_least(context, alloc, wish, current)
        if new is None:
            return self._at_the_floor(last, alloc, current)
        self.held = 1
        daily = fraction_of(sum(new.values(), _ZERO))
        if daily.numerator == 0:
            # A literal cut the products can only give as a stop.
            self._discontinue(_literal_stop_note(context, current, wish))
            return True
        regimen = regimen_of(context, new)
        self._record(day, wish, regimen, daily, daily * self.de_per_mg)
        self.units = None
        return False

    def _append(
        self, day: int, wish: Fraction, cut: dict[str, int], current_n: int, current_d: int
    ) -> bool:
        """Add the step of the doses ``cut`` (counts of the quantum) after a daily dose of
        ``current_n / current_d`` mg; True if that is a stop (a literal cut the products
        can only give as a stop)."""
        self.held = 1
        total = sum(cut.values())
        if total == 0:
            current = Fraction(current_n, current_d)
            self._discontinue(_literal_stop_note(self.context, current, wish))
            return True
        de_q = self.de_per_quantum
        drug = self.context.taper_drug
        mg_of = self.maker.units_mg
        regimen = tuple(
            [(time, drug, mg_of(n)) for time in DOSE_TIMES if (n := cut.get(time, 0)) > 0]
        )
        # The diazepam-equivalent, one Fraction made from ints; the daily dose is kept as
        # the count ``total``. (What _record does, written out: this runs once per step.)
        de = Fraction(total * de_q.numerator, de_q.denominator)
        draft = Draft(day, self.settings.interval_days, REDUCTION, regimen, wish)
        self.drafts.append(draft)
        self.context.known_de(regimen, de)
        self.levels.append(Level(day, draft.days, de, REDUCTION, False))
        self.regimen = regimen
        self.alloc = None  # made from the regimen only when asked for (_doses)
        self.current = None  # total × the quantum, made only where needed (next_step)
        self.units = cut
        self.total = total
        return False

    def _record(
        self, day: int, wish: Fraction, regimen: Regimen, daily: Fraction, de: Fraction
    ) -> None:
        """Append the reduction step ``regimen`` (the taper drug only, so ``de`` is its
        daily dose converted once: what ``context.regimen_de`` computes from its doses)."""
        draft = Draft(day, self.settings.interval_days, REDUCTION, regimen, wish)
        self.drafts.append(draft)
        self.context.known_de(regimen, de)
        self.levels.append(Level(day, draft.days, de, REDUCTION, False))
        self.regimen = regimen
        self.alloc = {time: mg for time, _, mg in regimen}
        self.current = daily

    def _reached_the_end(self, last: Draft, current_n: int, current_d: int) -> bool:
        """Has the daily dose, ``current_n / current_d`` mg, reached the switch point, the
        end dose or the discontinuation dose? Ends the plan accordingly."""
        if self.switch_at_mg is not None:
            if not _below(self.switch_at_mg, current_n, current_d):
                self.result.outcome = "switch"
                return True
            return False
        if self.end is not None:
            if not _below(self.end, current_n, current_d):
                _hold_end(last, self.settings, self.levels, self.context)
                self.result.outcome = "end-dose"
                return True
            return False
        if not _below(self.stop_mg, current_n, current_d):
            self._discontinue(_stop_note(self.context, Fraction(current_n, current_d)))
            return True
        return False

    def _wish(
        self, day: int, current_n: int, current_d: int, current_de: Fraction | None = None
    ) -> tuple[Fraction, Fraction]:
        """The daily dose the method asks for next after ``current_n / current_d`` mg a
        day, and the lowest the ceiling allows (0 for a literal cut that breaks it: judged
        afterwards; for a method that chooses its own cuts, the wish itself, as it never
        goes below it). ``current_de``: the diazepam-equivalent of the current dose, when
        the caller has it."""
        context = self.context
        settings = self.settings
        if settings.method == "percent":
            # build_context has checked that percent and fixed have a step.
            target = percent_target_of(current_n, current_d, settings.step or _ZERO, self.held)
        elif settings.method == "fixed":
            target = fixed_target_of(current_n, current_d, self.step_mg)
        else:
            if current_de is None:
                current_de = context.de(context.taper_drug, Fraction(current_n, current_d))
            target = bands_target(
                current_de,
                context.rules,
                context.mg_per_de(context.taper_drug),
                self.held,
                context.band_cut,
            )
        if target.above_bands and not self.warned_above:
            self.warned_above = True
            current = Fraction(current_n, current_d)
            self.result.warnings.append(_above_bands_warning(context, current))
        highest = highest_recent_de(self.levels, day, context.rules)
        # The lowest daily dose the ceiling allows, highest × lowest_mg_per_de, compared
        # as an unreduced pair of ints and made a Fraction only where it is used: a literal
        # cut, or a wish raised to it. (A method that chooses its own cuts never goes
        # below its wish, so its ``lowest`` is its wish.)
        per = self.lowest_mg_per_de
        low_n = highest.numerator * per.numerator
        low_d = highest.denominator * per.denominator
        wish = target.mg
        under = wish.numerator * low_d < low_n * wish.denominator
        if self.literal:
            # A cut asked for that breaks the ceiling is judged afterwards.
            lowest = _NO_MG if under else Fraction(low_n, low_d)
        elif under:
            wish = lowest = Fraction(low_n, low_d)  # stay inside the ceiling
        else:
            lowest = wish
        end = self.end
        if end is not None:
            # max(), by cross-multiplying (Fraction's comparison is slower).
            if below(wish, end):
                wish = end
            if below(lowest, end):
                lowest = end
        return wish, lowest

    def _at_the_floor(
        self,
        last: Draft,
        alloc: dict[str, Decimal],
        current: Fraction,
        units: dict[str, int] | None = None,
        total: int = 0,
    ) -> bool:
        """No makeable dose for the next cut: hold the dose one more interval when a
        makeable one lies within the ceiling, else the formulary's floor (hold the end
        dose, or stop, refused unless overridden). True once the plan ends. ``units``:
        ``alloc`` in counts of the quantum, when the loop has them (``total`` a day)."""
        context = self.context
        floor_mg = current * keep_fraction(context.rules)
        if self.end is not None:
            floor_mg = max(floor_mg, self.end)
        within = (
            choose(context, alloc, floor_mg, floor_mg, current)
            if units is None
            else _choose_units(context, units, floor_mg, floor_mg, total)
        )
        if within is not None:
            # A makeable dose lies within the ceiling: wait one interval, until the
            # method's target or the earlier cuts of this window allow it.
            last.days += self.settings.interval_days
            self.held += 1
            self.levels[-1] = level_of(context, last)
            return False
        if self.switch_at_mg is not None:
            _refuse_the_switch_point(context, alloc, current, self.switch_at_mg)
        if self.end is not None:
            warning = _floor_warning(context, alloc, current, self.end)
            _hold_end(last, self.settings, self.levels, context)
            self.result.outcome = "end-dose"
            self.result.warnings.append(warning)
            return True
        if context.override is None and not self.accept_floor_stop:
            _refuse_the_floor(context, self.drafts, alloc, current)
        # The warning is written only for a plan that keeps it (not before a refusal).
        warning = _floor_warning(context, alloc, current, self.end)
        self._discontinue(
            "Stops at the formulary's floor: see the formulary-floor and rate-limit warnings."
        )
        self.result.warnings.append(warning)
        return True

    def _discontinue(self, note: str) -> None:
        _discontinue(self.context, self.drafts, self.levels, self.settings, note)


def _below(a: Fraction, b_n: int, b_d: int) -> bool:
    """``a < b_n / b_d`` (``b_d`` > 0), by cross-multiplying, as :func:`below`."""
    return a.numerator * b_d < b_n * a.denominator


def _doses(last: Draft, alloc: dict[str, Decimal] | None) -> dict[str, Decimal]:
    """``alloc``, the doses of ``last`` by dose time, made from its regimen when None (the
    loop makes them only when a step needs them)."""
    return alloc if alloc is not None else {time: mg for time, _, mg in last.regimen}


def _check_percent_reaches_its_goal(
    context: PlanContext, last: Draft, settings: MethodSettings, way_out: str, what: str
) -> None:
    """Refuse at once a percentage too small to reach the end within the longest plan.

    Cutting P% per interval with every dose exact, the plan would need n intervals to
    fall from the current dose to the end dose or the discontinuation dose; rounding
    to the formulary only ever keeps a dose higher (it never cuts more than the method
    allows), so the real plan lasts at least as long. Two intervals are left out of the
    bound (the final hold, and float rounding of n), so no plan that fits is refused.
    """
    if settings.method != "percent" or settings.step is None:
        return
    current = fraction_of(sum(allocation(context, last.regimen).values(), _ZERO))
    goal = (
        fraction_of(settings.end_dose_mg)
        if settings.end_dose_mg is not None
        else context.discontinuation_mg
    )
    keep = 1 - float(settings.step) / 100
    if goal <= 0 or current <= goal or not 0 < keep < 1:
        return
    intervals = ceil(log(float(goal / current)) / log(keep))
    end_day = last.day + last.days + max(intervals - 3, 0) * settings.interval_days
    context.check_length(end_day, way_out, what)


def _hold_end(
    last: Draft, settings: MethodSettings, levels: list[Level], context: PlanContext
) -> None:
    if last.kind == REDUCTION:
        last.kind = END_DOSE
    last.days = settings.final_hold_days or settings.interval_days
    last.note = "End dose: hold this dose; review rather than stop."
    levels[-1] = level_of(context, last)


def _discontinue(
    context: PlanContext,
    drafts: list[Draft],
    levels: list[Level],
    settings: MethodSettings,
    note: str,
) -> None:
    """End the plan with a stop; ``note`` is a template naming the engine's terms."""
    last = drafts[-1]
    if settings.final_hold_days is not None:
        last.days = settings.final_hold_days
        levels[-1] = level_of(context, last)
    drafts.append(
        Draft(
            day=last.day + last.days,
            days=0,
            kind=DISCONTINUATION,
            regimen=(),
            note=clinical(note),
            note_template=note,
        )
    )
    levels.append(level_of(context, drafts[-1]))


def _discontinuation_text(context: PlanContext) -> str:
    chosen = (
        "{discontinuation_set}"
        if context.request.discontinuation_de_mg is not None
        else "a Clonacare default, not a guideline value"
    )
    return f"{mg_text(context.discontinuation_de_mg)} mg diazepam-equivalent, {chosen}"


def _stop_note(context: PlanContext, current: Fraction) -> str:
    de = context.de(context.taper_drug, current)
    return (
        f"Stops: the daily dose, {mg_text(current)} mg ({mg_text(de)} mg "
        f"diazepam-equivalent), is at or below the discontinuation dose "
        f"({_discontinuation_text(context)})."
    )


def _literal_stop_note(context: PlanContext, current: Fraction, wish: Fraction) -> str:
    de = context.de(context.taper_drug, current)
    return (
        f"Stops: the next cut would take the dose to {mg_text(max(wish, Fraction(0)))} "
        f"mg/day, so the drug stops from {mg_text(de)} mg diazepam-equivalent/day, above "
        f"the discontinuation dose ({_discontinuation_text(context)}): a 100% cut."
    )


def _above_bands_warning(context: PlanContext, current: Fraction) -> PlanWarning:
    top = context.rules.bands_top_mg
    return PlanWarning(
        code="bands-above-range",
        message=(
            f"The bands are written for up to diazepam {mg_text(top)} mg/day; above it "
            f"(now {mg_text(context.de(context.taper_drug, current))} mg diazepam-equivalent) "
            "the plan uses the top band's cut."
        ),
        source=context.rules.bands_source,
    )


def _nearest_below(context: PlanContext, alloc: dict[str, Decimal], current: Fraction) -> str:
    """ " (the nearest dose below, X mg/day, would be a P% cut)", or "" when there is none."""
    q = context.maker(context.taper_drug).quantum_fraction
    units = None if q is None else units_of(alloc, q)
    if units is not None and q is not None:
        # The same searches in counts of the quantum (see _choose_units).
        total = sum(units.values())
        if _choose_units(context, units, _NO_MG, _NO_MG, total) is None:
            return ""
        down = _choose_units(context, units, current - Fraction(1, 10**9), _NO_MG, total)
        if down is None:
            return ""
        value = Fraction(sum(down.values()) * q.numerator, q.denominator)
    else:
        if choose(context, alloc, Fraction(0), Fraction(0)) is None:
            return ""
        step_down = choose(context, alloc, current - Fraction(1, 10**9), Fraction(0))
        if step_down is None:
            return ""
        value = Fraction(sum(step_down.values(), Decimal(0)))
    pct = (current - value) / current * 100
    return (
        f" (the nearest dose below, {mg_text(value)} mg/day, would be a "
        f"{mg_text(round(pct, 1))}% cut)"
    )


def _cannot_go_below(context: PlanContext, alloc: dict[str, Decimal], current: Fraction) -> str:
    rules = context.rules
    return (
        f"The formulary '{verbatim(context.formulary.name)}' cannot make "
        f"{a_or_an(context.taper_drug)} dose "
        f"below {mg_text(current)} mg/day within {mg_text(rules.max_cut_pct)}% in "
        f"{rules.window_days} days{_nearest_below(context, alloc, current)}"
    )


def _ways_out(context: PlanContext, current: Fraction, alloc: dict[str, Decimal]) -> list[str]:
    """The ways past the formulary's floor: finish on diazepam, or a finer product. The
    switch is offered as it can be planned: gradually where the products make a portion
    of at most the share a step may replace, else only in one step with an override
    reason (a dose that is already the smallest product: temazepam 7.5 mg)."""
    ways = []
    if context.taper_drug != "diazepam":
        de = mg_text(context.de(context.taper_drug, current))
        if switch_can_be_gradual(context, alloc):
            ways.append(
                "finish on diazepam ({a_switch_to_diazepam}, or {a_later_switch} to switch "
                "once the daily dose is at or below {switch_point_de}, with "
                f"{{switch_point_at}} {de} or more)"
            )
        else:
            ways.append(
                "finish on diazepam in one step with {a_switch_to_diazepam} and "
                f"{{an_override_reason}} ({de} mg diazepam-equivalent at once: the products "
                "make no smaller portion)"
            )
    ways.append("a liquid or compounded form in a site formulary{site_formulary_file}")
    return ways


def switch_can_be_gradual(context: PlanContext, alloc: dict[str, Decimal]) -> bool:
    """Can the switch to diazepam begin from these doses of the drug tapered now, each
    step replacing at most the rules' share of the daily dose? Each dose time needs a
    first portion within it: the whole dose time, or down to an amount the products make."""
    drug = context.taper_drug
    # The most a step may replace, in mg of the drug: the share of the daily dose (its
    # diazepam-equivalent times the share, converted back: the conversions cancel out).
    budget_mg = switch_share(context.rules) * sum(map(fraction_of, alloc.values()), _NO_MG)
    maker = context.maker(drug)
    quantum = maker.quantum
    for mg in (m for m in alloc.values() if m > 0):
        lowest = fraction_of(mg) - budget_mg
        if lowest.numerator <= 0:
            continue
        if quantum is None:
            return False
        q = maker.quantum_fraction or Fraction(quantum)
        j = _ceil_over(lowest, q)
        # can_make(quantum × k), asked by the count (j ≥ 1: lowest is above 0).
        if not any(maker.can_make_units(k) for k in range(j, _ceil_over(fraction_of(mg), q))):
            return False
    return True


def _ceil_over(a: Fraction, b: Fraction) -> int:
    """ceil(a / b) for b > 0, in integers (no Fraction made)."""
    return -((-a.numerator * b.denominator) // (a.denominator * b.numerator))


def _refuse_the_floor(
    context: PlanContext, drafts: list[Draft], alloc: dict[str, Decimal], current: Fraction
) -> None:
    """A plan that reaches the formulary's floor above the discontinuation dose could only
    stop from there: a 100% cut (FDA 2020 boxed warning: stopping abruptly can cause
    seizures). Refused, naming the ways out; an override reason accepts the stop."""
    de = context.de(context.taper_drug, current)
    immediate = (
        ""
        if any(d.kind == REDUCTION for d in drafts)
        else " No reduction can be made before that stop, so this plan would stop the drug at once."
    )
    raise refused(
        "formulary-floor",
        f"Refused (formulary-floor): {_cannot_go_below(context, alloc, current)}: the plan "
        f"would stop from {mg_text(current)} mg/day, a 100% cut ({mg_text(de)} mg "
        "diazepam-equivalent), above the discontinuation dose "
        f"({mg_text(context.stop_threshold_de)} mg diazepam-equivalent).{immediate} Ways "
        f"out: {', '.join(_ways_out(context, current, alloc))}; or give {{an_override_reason}} "
        "to plan the stop anyway.",
    )


def _refuse_the_switch_point(
    context: PlanContext, alloc: dict[str, Decimal], current: Fraction, switch_at_mg: Fraction
) -> None:
    """Before a tail switch, a floor above the switch point: the switch would have to
    begin earlier than the clinician asked, which the engine never does by itself."""
    drug = context.taper_drug
    de = mg_text(context.de(drug, current))
    raise refused(
        "formulary-floor",
        f"Refused (formulary-floor): {_cannot_go_below(context, alloc, current)}, so the "
        f"dose cannot reach the switch point ({mg_text(context.de(drug, switch_at_mg))} mg "
        f"diazepam-equivalent, {drug} {mg_text(switch_at_mg)} mg/day). Give {{switch_point}} "
        f"{de} or more (the switch then begins at {mg_text(current)} mg/day), or "
        "{a_switch_to_diazepam} without {switch_point}.",
    )


def _floor_warning(
    context: PlanContext, alloc: dict[str, Decimal], current: Fraction, end: Fraction | None
) -> PlanWarning:
    de_now = context.de(context.taper_drug, current)
    if end is not None:
        outcome = (
            f"the plan holds {mg_text(current)} mg/day instead of the end dose {mg_text(end)} mg"
        )
    else:
        outcome = (
            f"the plan stops from {mg_text(current)} mg/day, a last step of 100% "
            f"({mg_text(de_now)} mg diazepam-equivalent)"
        )
    return termed_warning(
        "formulary-floor",
        f"{_cannot_go_below(context, alloc, current)}: {outcome}. Ways out: "
        f"{', '.join(_ways_out(context, current, alloc))}.",
        context.rules.sources["formulary_floor"],
    )


def ideal_percent_breach(
    context: PlanContext, percent: Decimal, interval: int
) -> tuple[int, Fraction] | None:
    """Does cutting ``percent`` every ``interval`` days break the ceiling by itself?

    Returns (offset in days from the first cut to the start of the first window that
    breaks it, a negative number or zero; share of the dose left after it), or None.
    """
    rules = context.rules
    cuts_in_window = ceil(Fraction(rules.window_days, interval))
    left = (1 - fraction_of(percent) / 100) ** cuts_in_window
    if left >= keep_fraction(rules):
        return None
    # The window starts before the first cut and ends on the last one it holds.
    return ((cuts_in_window - 1) * interval - rules.window_days, left)
