"""The rules that read a taper's check-ins and dose logs: they propose, never act.

Pure functions on plain values (no Django): ``withdrawal_proposal`` reads the trend of a
patient's check-ins and says whether to propose a pause or a slower taper, and
``missed_entries`` counts what a patient left out (of the check-ins the schedule of
``monitoring.schedule`` asked for). Their numbers are Clonacare's
configurable defaults in ``data/rules.toml``, each with its source, and the basis the
proposal shows (ASAM 2025 Rec 8–9: pause or slow first). No rule reads a CIWA-B total
against a band: CIWA-B has none that the sources agree on, so the rules compare the
patient's own check-ins with each other.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from clonacare.core.sourced import (
    load_toml,
    one_of,
    require_source,
    required_text,
    table,
    whole_number,
)

RULES_FILE = Path(__file__).parent / "data" / "rules.toml"
KINDS = ("pause", "slow")


@dataclass(frozen=True)
class Reading:
    """One check-in as the rules read it: its day and the sum of the CIWA-B items the
    patient rated (``ciwa_b_sum``)."""

    day: dt.date
    ciwa_b_sum: int


@dataclass(frozen=True)
class Rising:
    check_ins: int
    rise: int
    kind: str
    source: str


@dataclass(frozen=True)
class Severe:
    baseline_check_ins: int
    above_baseline: int
    kind: str
    source: str


@dataclass(frozen=True)
class Missed:
    days: int
    check_ins: int
    doses: int
    source: str


@dataclass(frozen=True)
class Rules:
    basis: str
    source: str
    rising: Rising
    severe: Severe
    missed: Missed


@dataclass(frozen=True)
class Finding:
    """What a withdrawal rule found: the ``kind`` to propose (``pause`` or ``slow``),
    the ``rule`` (``severe`` or ``rising``), a plain-language ``why``, the check-ins it
    read, the rule's ``source`` and the ``basis``."""

    kind: str
    rule: str
    why: str
    read: tuple[Reading, ...]
    source: str
    basis: str


@cache
def rules() -> Rules:
    """The rules' numbers from ``data/rules.toml``; a malformed file is refused
    (ClinicalError ``data-file`` naming the table and key)."""
    data = load_toml(RULES_FILE)
    where = RULES_FILE.name
    withdrawal = table(data, "withdrawal", where)
    at = f"{where} [withdrawal]"
    rising_raw = table(withdrawal, "rising", at)
    severe_raw = table(withdrawal, "severe", at)
    missed_raw = table(data, "missed", where)
    r_at, s_at, m_at = f"{at[:-1]}.rising]", f"{at[:-1]}.severe]", f"{where} [missed]"
    return Rules(
        basis=required_text(withdrawal, "basis", at),
        source=require_source(withdrawal, at),
        rising=Rising(
            check_ins=whole_number(rising_raw, "check_ins", r_at, low=2),
            rise=whole_number(rising_raw, "rise", r_at, low=1),
            kind=one_of(rising_raw, "kind", r_at, KINDS),
            source=require_source(rising_raw, r_at),
        ),
        severe=Severe(
            baseline_check_ins=whole_number(severe_raw, "baseline_check_ins", s_at, low=1),
            above_baseline=whole_number(severe_raw, "above_baseline", s_at, low=1),
            kind=one_of(severe_raw, "kind", s_at, KINDS),
            source=require_source(severe_raw, s_at),
        ),
        missed=Missed(
            days=whole_number(missed_raw, "days", m_at, low=1),
            check_ins=whole_number(missed_raw, "check_ins", m_at, low=1),
            doses=whole_number(missed_raw, "doses", m_at, low=1),
            source=require_source(missed_raw, m_at),
        ),
    )


def check_ins_read() -> int:
    """How many of the newest check-ins the withdrawal rules read at most."""
    found = rules()
    return max(found.rising.check_ins, found.severe.baseline_check_ins + 1)


def _severe(newest_first: Sequence[Reading], found: Rules) -> Finding | None:
    rule = found.severe
    newest, earlier = newest_first[0], newest_first[1 : 1 + rule.baseline_check_ins]
    if not earlier:
        return None
    lowest = min(r.ciwa_b_sum for r in earlier)
    if newest.ciwa_b_sum - lowest < rule.above_baseline:
        return None
    why = (
        f"Withdrawal symptoms jumped: the check-in of {newest.day.isoformat()} rates "
        f"{newest.ciwa_b_sum} on the CIWA-B items the patient rates, {newest.ciwa_b_sum - lowest} "
        f"above the lowest ({lowest}) of the {len(earlier)} check-ins before it."
    )
    return Finding(rule.kind, "severe", why, (newest, *earlier), rule.source, found.basis)


def _rising(newest_first: Sequence[Reading], found: Rules) -> Finding | None:
    rule = found.rising
    window = list(newest_first[: rule.check_ins])
    if len(window) < rule.check_ins:
        return None
    oldest_first = window[::-1]
    if any(b.ciwa_b_sum <= a.ciwa_b_sum for a, b in itertools.pairwise(oldest_first)):
        return None
    first, last = oldest_first[0], oldest_first[-1]
    if last.ciwa_b_sum - first.ciwa_b_sum < rule.rise:
        return None
    sums = ", ".join(str(r.ciwa_b_sum) for r in oldest_first)
    why = (
        f"Withdrawal symptoms are rising: {rule.check_ins} check-ins in a row rate higher "
        f"each time on the CIWA-B items the patient rates ({sums}, from "
        f"{first.day.isoformat()} to {last.day.isoformat()})."
    )
    return Finding(rule.kind, "rising", why, tuple(window), rule.source, found.basis)


def withdrawal_proposal(newest_first: Sequence[Reading]) -> Finding | None:
    """What to propose from a patient's check-ins, newest first (at most
    ``check_ins_read()`` are read): a pause when the newest is far above the patient's
    own recent lowest (``severe``), else a slower taper when the last few rise each time
    (``rising``); None when neither rule holds or there are too few check-ins."""
    if not newest_first:
        return None
    found = rules()
    return _severe(newest_first, found) or _rising(newest_first, found)


@dataclass(frozen=True)
class MissedEntries:
    """What a patient left out in the rules' window: the check-ins the schedule asked for
    and were not done (``check_ins_missed`` of ``check_ins_due``), the doses logged as
    missed, and the plain-language reasons a flag gives (empty: no flag)."""

    check_ins_due: int
    check_ins_missed: int
    missed_doses: int
    reasons: tuple[str, ...]


def missed_entries(*, check_ins_due: int, check_ins_done: int, missed_doses: int) -> MissedEntries:
    """The flag for missed entries in the window (the days since the plan was approved,
    at most ``rules().missed.days``, before today): ``check_ins_due`` days of it on which
    the check-in schedule (``monitoring.schedule``) asked for a check-in,
    ``check_ins_done`` of those with one (entered on the day or later), and
    ``missed_doses`` doses logged as missed in it. Days the schedule did not ask for a
    check-in are not counted."""
    rule = rules().missed
    missed = max(check_ins_due - check_ins_done, 0)
    reasons = []
    if missed >= rule.check_ins:
        reasons.append(f"{missed} of the last {check_ins_due} scheduled check-ins were not done.")
    if missed_doses >= rule.doses:
        reasons.append(f"{missed_doses} doses logged as missed in the last {rule.days} days.")
    return MissedEntries(check_ins_due, missed, missed_doses, tuple(reasons))
