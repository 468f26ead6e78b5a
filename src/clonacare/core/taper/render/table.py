"""The plan as a table for people, and as CSV (one row per dose)."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from clonacare.core.taper.model import DOSE_TIMES, Step, TaperPlan
from clonacare.core.taper.planner import is_rounded, taper_daily
from clonacare.core.taper.render.text import (
    KIND_LABELS,
    daily_text,
    method_text,
    num,
    pct,
    plan_drugs,
    product_text,
)


def render_table(plan: TaperPlan) -> str:
    drugs = plan_drugs(plan)
    times = [t for t in DOSE_TIMES if any(d.time == t for s in plan.steps for d in s.doses)]
    first = plan.steps[0]
    lines = [
        f"Taper plan: {plan.drug}"
        + (f", switching to {plan.taper_drug}" if plan.taper_drug != plan.drug else "")
        + f" (revision {plan.revision})",
        f"Method: {method_text(plan)}",
        f"Equivalence: {plan.equivalence_table} table ({plan.drug} {num(plan.equivalent_mg)} mg "
        f"= diazepam 10 mg); formulary: {plan.formulary_name}",
        f"Starts {first.start.isoformat()} at {daily_text(first, drugs)}/day "
        f"({num(first.diazepam_equivalent_mg, 2)} mg diazepam-equivalent); "
        + (
            f"stops the drug on {plan.end_date.isoformat()}."
            if plan.outcome == "discontinued"
            else f"holds {daily_text(plan.steps[-1], drugs)}/day from "
            f"{plan.steps[-1].start.isoformat()}."
        ),
        "",
    ]
    multi = len(drugs) > 1
    daily_headers = [f"{d.capitalize()}/day" for d in drugs] if multi else ["Daily mg"]
    header = [
        "Step",
        "Start",
        "Days",
        "Kind",
        *[t.capitalize() for t in times],
        *daily_headers,
        "Diazepam eq.",
        "Change",
        "Planned",
    ]
    rows = [header]
    for step in plan.steps:
        cells = []
        for time in times:
            # During a switch in portions one dose time holds both drugs.
            at = [d for d in step.doses if d.time == time]
            if not at:
                cells.append("–" if step.doses else "")
            else:
                cells.append(" + ".join(num(d.mg) + (f" {d.drug}" if multi else "") for d in at))
        planned = (
            num(step.planned_daily_mg)
            if step.planned_daily_mg is not None and is_rounded(plan.taper_drug, step)
            else ""
        )
        rows.append(
            [
                str(step.number),
                step.start.isoformat(),
                str(step.days),
                KIND_LABELS.get(step.kind, step.kind),
                *cells,
                *_daily_cells(step, drugs),
                num(step.diazepam_equivalent_mg, 2),
                pct(step.change_pct),
                planned,
            ]
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    numeric = {0, 2, *range(len(header) - 3 - len(daily_headers), len(header))}
    for row in rows:
        lines.append(
            "  ".join(
                cell.rjust(widths[i]) if i in numeric else cell.ljust(widths[i])
                for i, cell in enumerate(row)
            ).rstrip()
        )
    if any(is_rounded(plan.taper_drug, s) for s in plan.steps):
        lines.append(
            "Planned: the daily dose the method asked for, where the formulary's products "
            "made a different one."
        )
    notes = [(s.number, s.note) for s in plan.steps if s.note]
    if notes:
        lines += ["", "Notes"]
        lines += [f"  step {n}: {note}" for n, note in notes]
    lines += ["", "How each dose is made"]
    seen: set[tuple[str, str]] = set()
    for step in plan.steps:
        for dose in step.doses:
            key = (dose.drug, num(dose.mg))
            if key in seen:
                continue
            seen.add(key)
            made = (
                " + ".join(product_text(p) for p in dose.products)
                if dose.products
                else "the patient's current supply (the formulary cannot make it)"
            )
            lines.append(f"  {dose.drug} {num(dose.mg)} mg: {made}")
    if plan.warnings:
        lines += ["", "Warnings"]
        for w in plan.warnings:
            lines.append(f"  [{w.code}] {w.message} (source: {w.source})")
    if plan.revisions:
        lines += ["", "Revisions"]
        for r in plan.revisions:
            when = f" on {r.on.isoformat()}" if r.on else ""
            reason = f": {r.reason}" if r.reason else ""
            lines.append(f"  {r.number}{when}: {r.action}{reason}")
    return "\n".join(lines) + "\n"


def _daily_cells(step: Step, drugs: list[str]) -> list[str]:
    """One daily total per drug ("–" where the step has none of it; "0" once stopped)."""
    daily = step.daily_mg()
    if not step.doses:
        return ["0"] * len(drugs)
    return [num(daily[d]) if d in daily else "–" for d in drugs]


def render_csv(plan: TaperPlan) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        [
            "step",
            "start",
            "end",
            "days",
            "kind",
            "time",
            "drug",
            "mg",
            "products",
            "daily_mg",
            "diazepam_equivalent_mg",
            "change_pct",
            "planned_daily_mg",
            "note",
        ]
    )
    for step in plan.steps:
        common_tail = [
            num(step.diazepam_equivalent_mg, 3),
            num(step.change_pct, 2),
            "" if step.planned_daily_mg is None else num(step.planned_daily_mg, 4),
            step.note,
        ]
        daily = num(taper_daily(plan.taper_drug, step), 4) if step.doses else "0"
        if not step.doses:
            writer.writerow(
                [
                    step.number,
                    step.start.isoformat(),
                    step.end.isoformat(),
                    step.days,
                    step.kind,
                    "",
                    "",
                    "",
                    "",
                    daily,
                    *common_tail,
                ]
            )
            continue
        for dose in step.doses:
            writer.writerow(
                [
                    step.number,
                    step.start.isoformat(),
                    step.end.isoformat(),
                    step.days,
                    step.kind,
                    dose.time,
                    dose.drug,
                    num(dose.mg, 4),
                    "; ".join(product_text(p) for p in dose.products),
                    num(sum((d.mg for d in step.doses if d.drug == dose.drug), Decimal(0)), 4),
                    *common_tail,
                ]
            )
    return out.getvalue()
