"""The dispensing summary: how many of which product for each period, as a pharmacy
fills it (half tablets are counted, then rounded up to whole tablets to dispense)."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_CEILING, Decimal

from clonacare.core.taper.model import TaperPlan
from clonacare.core.taper.render.text import num


def dispensing_lines(plan: TaperPlan) -> list[tuple[str, str, int, str, Decimal, Decimal, str]]:
    """Rows (period, product, days, unit, per day, total needed, to dispense)."""
    rows: list[tuple[str, str, int, str, Decimal, Decimal, str]] = []
    for step in plan.steps:
        if not step.doses or step.days == 0:
            continue
        last = step.end.toordinal() - 1
        period = f"{step.start.isoformat()} to {date.fromordinal(last).isoformat()}"
        per_day: dict[tuple[str, str], Decimal] = {}
        for dose in step.doses:
            if not dose.products:
                per_day[(f"{dose.drug} {num(dose.mg)} mg (patient's current supply)", "")] = (
                    per_day.get(
                        (f"{dose.drug} {num(dose.mg)} mg (patient's current supply)", ""),
                        Decimal(0),
                    )
                    + 1
                )
                continue
            for p in dose.products:
                key = (p.name, p.unit)
                per_day[key] = per_day.get(key, Decimal(0)) + p.quantity
        for (name, unit), quantity in per_day.items():
            total = quantity * step.days
            if unit == "":
                dispense = "not dispensed"
            elif unit == "mL":
                dispense = f"{num(total, 1)} mL"
            else:
                whole = total.to_integral_value(rounding=ROUND_CEILING)
                dispense = f"{num(whole)} {unit}{'s' if whole != 1 else ''}"
            rows.append((period, name, step.days, unit, quantity, total, dispense))
    return rows


def _amount(value: Decimal, unit: str) -> str:
    if unit == "mL":
        return f"{num(value)} mL"
    if not unit:
        return f"{num(value)} dose{'s' if value != 1 else ''}"
    return f"{num(value)} {unit}{'s' if value != 1 else ''}"


def render_dispensing(plan: TaperPlan) -> str:
    header = ("Period", "Product", "Days", "Per day", "Needed", "Dispense")
    rows = [header]
    for period, name, days, unit, per_day, total, dispense in dispensing_lines(plan):
        rows.append(
            (
                period,
                name,
                str(days),
                _amount(per_day, unit),
                _amount(total, unit),
                dispense,
            )
        )
    widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
    lines = [
        f"Dispensing summary: {plan.drug} taper, revision {plan.revision}, "
        f"formulary {plan.formulary_name}",
        "",
    ]
    for row in rows:
        lines.append(
            "  ".join(
                cell.rjust(widths[i]) if i == 2 else cell.ljust(widths[i])
                for i, cell in enumerate(row)
            ).rstrip()
        )
    lines += [
        "",
        "Needed counts half tablets; Dispense rounds tablets up to whole ones.",
    ]
    if plan.outcome == "discontinued":
        lines.append(
            f"The drug stops on {plan.end_date.isoformat()}: nothing to dispense after it."
        )
    return "\n".join(lines) + "\n"
