"""Small text helpers shared by the renderers."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from clonacare.core.taper.model import (
    CROSSOVER,
    CUSTOM,
    DISCONTINUATION,
    END_DOSE,
    PAUSE,
    REDUCTION,
    START,
    STEP_BACK,
    ProductQuantity,
    Step,
    TaperPlan,
)

KIND_LABELS = {
    START: "current dose",
    CROSSOVER: "switch",
    REDUCTION: "cut",
    CUSTOM: "prescribed",
    END_DOSE: "end dose",
    DISCONTINUATION: "stop",
    PAUSE: "pause",
    STEP_BACK: "step back",
}


def num(value: Decimal | Fraction, places: int = 3) -> str:
    """A number for people: at most ``places`` decimals, no trailing zeros."""
    if isinstance(value, Fraction):
        value = Decimal(value.numerator) / Decimal(value.denominator)
    text = f"{value:.{places}f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def pct(value: Fraction) -> str:
    if value == 0:
        return ""
    text = num(value, 1)
    return ("+" + text if value > 0 else text.replace("-", "−")) + "%"


def product_text(p: ProductQuantity) -> str:
    if p.unit == "mL":
        return f"{num(p.quantity)} mL of {p.name}"
    return f"{num(p.quantity)} × {p.name}"


def method_text(plan: TaperPlan) -> str:
    r = plan.request
    interval = r.interval_days or 14
    if r.method == "percent":
        return f"percent: {num(r.step or Decimal(0))}% of the current dose every {interval} days"
    if r.method == "fixed":
        return f"fixed: {num(r.step or Decimal(0))} mg every {interval} days"
    if r.method == "bands":
        end = "low" if r.band_cut == "low" else "high"
        return (
            f"bands (NICE CKS / Ashton diazepam bands, the {end} end of each band's cut) "
            f"every {interval} days"
        )
    return "custom: the prescriber's own steps"


def daily_text(step: Step, drugs: list[str]) -> str:
    """The daily dose with its unit: "1.5 mg", or "clonazepam 0.5 mg + diazepam 20 mg"."""
    daily = step.daily_mg()
    if not daily:
        return "0 mg"
    if len(drugs) == 1:
        return f"{num(daily.get(drugs[0], Decimal(0)))} mg"
    return " + ".join(f"{drug} {num(mg)} mg" for drug, mg in daily.items())


def plan_drugs(plan: TaperPlan) -> list[str]:
    drugs: list[str] = []
    for step in plan.steps:
        for dose in step.doses:
            if dose.drug not in drugs:
                drugs.append(dose.drug)
    return drugs or [plan.drug]
