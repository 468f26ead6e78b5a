"""Guardrails: the 25%-in-14-days ceiling, the 7-day minimum step, and the warnings that
come from the patient (some block until a clinician confirms) and from the label.

The ceiling window: for every day d of a plan, the daily dose (diazepam-equivalent) on
day d + 14 is compared with the dose on day d. The discontinuation step is not counted
there: it is judged by the stop rule (a stop from above the discontinuation dose is a
100% cut, ``stop_breaches``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from fractions import Fraction
from functools import cache, lru_cache
from typing import NamedTuple

from clonacare.core.drugs import SEIZURE_DISORDERS, applicable_label_maximums, drug_facts
from clonacare.core.taper.model import (
    CUSTOM,
    DISCONTINUATION,
    END_DOSE,
    REDUCTION,
    PatientFactors,
    PlanWarning,
    Step,
    TaperRequest,
)
from clonacare.core.taper.numbers import below, clean, fraction_of, mg_text
from clonacare.core.taper.rules import Rules
from clonacare.core.taper.terms import refused, verbatim


class Level(NamedTuple):
    """One step as the guardrails see it: days from the plan's start and its dose.

    A named tuple rather than a frozen dataclass: the planner makes one per step, and
    this is several times cheaper to create."""

    day: int
    days: int
    de: Fraction
    kind: str
    cut_short: bool = False

    @property
    def last_day(self) -> int:
        return self.day + self.days - 1


@dataclass(frozen=True)
class Breach:
    """A broken limit. ``rule`` is "ceiling", "min-step" or "stop" (a stop from above the
    discontinuation dose); ``index`` is the step at fault.

    For the ceiling, the dose ``from_de`` on day ``from_day`` falls to ``to_de`` on day
    ``from_day + window``.
    """

    rule: str
    index: int
    from_day: int = 0
    from_de: Fraction = Fraction(0)
    to_de: Fraction = Fraction(0)
    days: int = 0


def keep_fraction(rules: Rules) -> Fraction:
    """The share of the dose that must remain after any window (0.75 for a 25% ceiling)."""
    return _keep_share(rules.max_cut_pct)


@cache
def _keep_share(max_cut_pct: Decimal) -> Fraction:
    return 1 - Fraction(max_cut_pct) / 100


def switch_share(rules: Rules) -> Fraction:
    """The most of the daily dose one step of the switch to diazepam may replace: the
    rules' share per step, and no more than one step of the fewest steps it takes."""
    return _switch_share(rules.crossover_max_share, rules.crossover_min_steps)


@cache
def _switch_share(max_share: Decimal, min_steps: int) -> Fraction:
    return min(Fraction(max_share), Fraction(1, min_steps))


def lowest_allowed_de(levels: list[Level], day: int, days: int, rules: Rules) -> Fraction:
    """The lowest daily diazepam-equivalent a new step from ``day`` may have so that no
    window breaks the ceiling against the steps before it, now or later.

    Every day of the 14 before ``day`` counts, not only those whose window ends inside
    the new step: the steps after it will not be higher, so a day whose window ends
    later is bound by this step too. (``days`` is kept for callers; the bound does not
    depend on it.)
    """
    del days
    return highest_recent_de(levels, day, rules) * keep_fraction(rules)


def highest_recent_de(levels: list[Level], day: int, rules: Rules) -> Fraction:
    """The highest daily diazepam-equivalent of the ceiling's window before ``day`` (the
    days ``day - window`` to ``day - 1``); 0 when no step falls in it. The lowest
    allowed dose is this times :func:`keep_fraction`."""
    first = day - rules.window_days
    highest = _ZERO
    # A level's days are level.day to level.day + level.days - 1 (``last_day``), written
    # out here: this runs once per step of every plan.
    for level_day, level_days, de, kind, _ in reversed(levels):
        if kind == DISCONTINUATION:
            continue
        ends = level_day + level_days  # the first day after the level
        if ends <= first:
            break
        if level_day < day and (highest is _ZERO or below(highest, de)):
            highest = de
    return highest


_ZERO = Fraction(0)


def find_breaches(levels: list[Level], rules: Rules) -> list[Breach]:
    """Every breach of the ceiling and of the minimum step, in step order."""
    keep = keep_fraction(rules)
    keep_n, keep_d = keep.numerator, keep.denominator
    window = rules.window_days
    min_step_days = rules.min_step_days
    # The lowest dose each step allows within its window (its dose × keep), once per
    # step, as numerator and denominator (not reduced: only compared).
    floors = [(level.de.numerator * keep_n, level.de.denominator * keep_d) for level in levels]
    breaches: list[Breach] = []
    for j, later in enumerate(levels):
        if later.kind == DISCONTINUATION:
            continue
        if later.days < min_step_days and not later.cut_short and later.kind != END_DOSE:
            breaches.append(Breach(rule="min-step", index=j, days=later.days))
        worst: Breach | None = None
        later_n, later_d = later.de.numerator, later.de.denominator
        window_start = later.day - window
        window_stop = later.day + later.days - 1 - window  # later's last day - window
        for i in range(j - 1, -1, -1):
            earlier = levels[i]
            if earlier.kind == DISCONTINUATION:
                continue
            earlier_last = earlier.day + earlier.days - 1
            if earlier_last < window_start:
                break
            start = max(earlier.day, window_start)
            stop = min(earlier_last, window_stop)
            if start > stop:
                continue
            floor_n, floor_d = floors[i]
            if not later_n * floor_d < floor_n * later_d:  # later.de below the floor?
                continue
            if worst is None or later.de / earlier.de < worst.to_de / worst.from_de:
                worst = Breach(
                    rule="ceiling", index=j, from_day=start, from_de=earlier.de, to_de=later.de
                )
        if worst is not None:
            breaches.append(worst)
    return breaches


@lru_cache(maxsize=1024)
def _words(text: str) -> str:
    """Lower case, every run of other characters one space: "Lennox-Gastaut" → "lennox gastaut".
    Cached: every plan matches the same rules.toml words (and often the same indication)."""
    return " ".join(re.split(r"[^0-9a-z]+", text.lower())).strip()


def indication_is_seizure_disorder(indication: str | None, rules: Rules) -> bool:
    """Does the free-text indication name a seizure disorder (rules.toml's words, matched
    anywhere, case and punctuation ignored)? Text that names none is not guessed at."""
    text = f" {_words(indication or '')} "
    return any(_words(word) in text for word in rules.seizure_keywords)


def patient_warnings(
    patient: PatientFactors, drug: str, rules: Rules
) -> tuple[list[PlanWarning], list[PlanWarning]]:
    """Warnings from the patient's facts: (all warnings, the blocking ones unconfirmed).

    A blocking warning stops the plan until ``patient.confirmed_by`` names the clinician
    who confirmed it; it is then kept with ``confirmed_by`` set.
    """
    codes: list[str] = []
    if indication_is_seizure_disorder(patient.indication, rules):
        codes.append("seizure-disorder")
    if patient.history_withdrawal_seizure:
        codes.append("withdrawal-seizure-history")
    if patient.history_withdrawal_delirium:
        codes.append("withdrawal-delirium-history")
    if patient.pregnant:
        codes.append("pregnancy")
    if patient.age is not None and patient.age >= rules.older_adult_age:
        codes.append("older-adult")
    if patient.opioid_use:
        codes.append("opioid")
    confirmed = (patient.confirmed_by or "").strip() or None
    warnings: list[PlanWarning] = []
    unconfirmed: list[PlanWarning] = []
    for code in codes:
        rule = rules.patient[code]
        message = rule.message
        if code == "seizure-disorder" and drug != "clonazepam":
            message = message.replace("Clonazepam or another benzodiazepine", drug.capitalize())
        warning = PlanWarning(
            code=code,
            message=message
            + (f" Confirmed by {confirmed}." if rule.blocking and confirmed else ""),
            source=rule.source,
            blocking=rule.blocking,
            confirmed_by=confirmed if rule.blocking else None,
        )
        warnings.append(warning)
        if rule.blocking and not confirmed:
            unconfirmed.append(warning)
    return warnings, unconfirmed


def require_confirmation(unconfirmed: list[PlanWarning]) -> None:
    """Refuse a plan with blocking warnings no clinician has confirmed."""
    if not unconfirmed:
        return
    reasons = "; ".join(
        f"{w.template or verbatim(w.message)} [{verbatim(w.source)}]" for w in unconfirmed
    )
    raise refused(
        "confirmation-required",
        f"Plan blocked until a clinician confirms: {reasons} "
        "Give {confirming_prescriber} once the responsible clinician has confirmed.",
    )


def label_maximum_warning(
    drug: str,
    daily_mg: Decimal,
    seizure_disorder: bool = False,
    indication: str | None = None,
    *,
    starting_dose: bool = False,
    confirmed_by: str | None = None,
    dose_text: str | None = None,
) -> PlanWarning | None:
    """A ``label-maximum`` warning when ``daily_mg`` is above the label maximum that
    applies to ``drug``, else None.

    With ``seizure_disorder`` the seizure-disorder maximum applies, where the label gives
    one (clonazepam: 20 mg, not the 4 mg for panic disorder); otherwise, when the plan's
    ``indication`` names one of the label's indications, that one (alprazolam for panic
    disorder: 10 mg, not the 4 mg for anxiety); an indication given but not recognised
    ("panic", "GAD") takes the drug's lowest label maximum, and the message says so;
    without one, the drug's highest label maximum.

    A ``starting_dose`` above it, or a planned dose (``dose_text`` says which: the
    diazepam after a switch, a dose the prescriber's steps raise), is escalated: the
    warning is blocking, and is kept as confirmed when ``confirmed_by`` names the
    prescriber who confirmed it (``require_confirmation`` refuses the plan until then).
    Otherwise a plain warning.
    """
    facts = drug_facts(drug)  # an unknown drug is refused, as before
    applies = applicable_label_maximums(
        drug, SEIZURE_DISORDERS if seizure_disorder else indication, unrecognised="lowest"
    )
    exceeded = list(applies.exceeded_by(daily_mg)) if applies is not None else []
    if not exceeded:
        return None
    limits = ", ".join(f"{_mg(m.mg_per_day)} mg/day for {m.indication}" for m in exceeded)
    if applies is not None and applies.lowest and len(facts.label_maximums) > 1:
        limits += (
            f"; the indication {indication!r} is not one the label names, so its lowest "
            "maximum applies"
        )
    confirmed = (confirmed_by or "").strip() or None
    blocking = starting_dose or dose_text is not None
    said = f"{drug.capitalize()} {_mg(daily_mg)} mg/day"
    if starting_dose:
        message = (
            f"{said} is above the label maximum ({limits}): the prescriber confirms this "
            "starting dose before the plan is made; it may include use beyond the "
            "prescription." + (f" Confirmed by {confirmed}." if confirmed else "")
        )
    elif dose_text is not None:
        message = (
            f"{said} {dose_text} is above the label maximum ({limits}): the prescriber "
            "confirms this planned dose before the plan is made."
            + (f" Confirmed by {confirmed}." if confirmed else "")
        )
    else:
        message = (
            f"{said} is above the label maximum ({limits}); plan with care, the dose may "
            "include use beyond the prescription."
        )
    return PlanWarning(
        code="label-maximum",
        message=message,
        source=exceeded[0].source,
        blocking=blocking,
        confirmed_by=confirmed if blocking else None,
    )


def stop_breaches(levels: list[Level], threshold_de: Fraction) -> list[Breach]:
    """Every stop of the drug from a daily diazepam-equivalent above ``threshold_de``: a
    100% cut (rule "stop"; ``from_de`` is the dose it stops from, ``from_day`` the day it
    stops)."""
    breaches: list[Breach] = []
    for j, level in enumerate(levels):
        if level.kind != DISCONTINUATION or j == 0:
            continue
        before = levels[j - 1]
        if before.de > threshold_de:
            breaches.append(Breach(rule="stop", index=j, from_day=level.day, from_de=before.de))
    return breaches


def _mg(value: Decimal) -> str:
    return format(value.normalize(), "f")


# The step kinds that cut the dose (the first of them opens the initial pace's window).
CUT_KINDS = (REDUCTION, CUSTOM, END_DOSE)


def confirmed_start(
    request: TaperRequest, rules: Rules
) -> tuple[list[PlanWarning], PlanWarning | None]:
    """The patient's warnings and the starting dose's ``label-maximum`` warning (or None).

    Refuses (ClinicalError "confirmation-required") while a blocking one has no
    ``confirmed_by``: a plan and each revision of it are held the same way.
    """
    warnings, unconfirmed = patient_warnings(request.patient, request.drug, rules)
    daily = sum((clean(mg) for _, mg in request.doses), Decimal(0))
    seizure = any(w.code == "seizure-disorder" for w in warnings)
    label = label_maximum_warning(
        request.drug,
        daily,
        seizure,
        request.patient.indication,
        starting_dose=True,
        confirmed_by=request.patient.confirmed_by,
    )
    if label is not None and label.confirmed_by is None:
        unconfirmed.append(label)
    require_confirmation(unconfirmed)
    return warnings, label


def no_worse_than(breach: Breach, stored: list[Breach]) -> bool:
    """Is ``breach`` one the stored plan already had, or a milder one of the same rule?
    A stop from a dose no higher, a cut in the window no deeper, a step no shorter."""
    for old in stored:
        if old.rule != breach.rule:
            continue
        if breach.rule == "stop" and breach.from_de <= old.from_de:
            return True
        if breach.rule == "min-step" and breach.days >= old.days:
            return True
        if breach.rule == "ceiling" and breach.to_de * old.from_de >= old.to_de * breach.from_de:
            return True
    return False


def initial_cut_warning(rules: Rules, steps: tuple[Step, ...]) -> PlanWarning | None:
    """``initial-cut`` when the cuts of the first days of reductions (the rules' window,
    14 days, from the first cut) take more than ASAM's usual 5–10% together."""
    # ``change_pct < 0`` as the numerator's sign (a Fraction's denominator is positive):
    # Fraction's comparison is slow, and this runs over every step of every plan.
    first = next(
        (i for i, s in enumerate(steps) if s.kind in CUT_KINDS and s.change_pct.numerator < 0),
        None,
    )
    if first is None or first == 0:
        return None
    before = steps[first - 1].diazepam_equivalent_mg
    if before <= 0:
        return None
    end = steps[first].start + timedelta(days=rules.initial_cut_window_days)
    # The stop is judged by the stop rule, not as a cut of the initial pace.
    window = [s for s in steps[first:] if s.start < end and s.kind != DISCONTINUATION]
    lowest = min(s.diazepam_equivalent_mg for s in window)
    total = (before - lowest) / before * 100
    if total <= fraction_of(rules.initial_cut_high_pct):
        return None
    usual = f"{mg_text(rules.initial_cut_low_pct)}–{mg_text(rules.initial_cut_high_pct)}%"
    cuts = [s for s in window if s.change_pct < 0]
    shown = signed_pct(-total / 100).lstrip("−")
    if len(cuts) == 1:
        step = cuts[0]
        message = (
            f"The first cut (step {step.number}, {step.start.isoformat()}) is {shown}%, "
            f"above the usual initial {usual}."
        )
        source = rules.initial_cut_source
    else:
        last_day = end - timedelta(days=1)
        message = (
            f"The cuts in the first {rules.initial_cut_window_days} days of reductions "
            f"(steps {cuts[0].number}–{cuts[-1].number}, {steps[first].start.isoformat()} "
            f"to {last_day.isoformat()}) take {shown}% together, above the usual initial "
            f"{usual}."
        )
        source = f"{rules.initial_cut_source}; {rules.initial_cut_window_source}"
    return PlanWarning(code="initial-cut", message=message, source=source)


def signed_pct(change: Fraction) -> str:
    """A change as a signed percentage to 2 places: "+5", "−30", "−12.5"."""
    value = round(float(change) * 100, 2)
    return f"{value:+.2f}".rstrip("0").rstrip(".").replace("-", "−")


def limit_sources(rules: Rules, rules_broken: set[str]) -> str:
    """The sources of the limits broken ("ceiling", "min-step", "stop", "switch"), each
    part once ("ASAM 2025 Rec 6 …" is in both the ceiling's and the stop's)."""
    parts: list[str] = []
    for rule, source in (
        ("ceiling", rules.ceiling_source),
        ("min-step", rules.min_step_source),
        ("stop", rules.stop_source),
        ("switch", rules.crossover_portion_source),
    ):
        if rule in rules_broken:
            parts.extend(p for p in source.split("; ") if p not in parts)
    return "; ".join(parts)
