"""Properties of every plan (Hypothesis): no step raises the dose unless a clinician
ordered it; methods that choose their own cuts stay inside the limits; every dose's
products add up to its mg; the crossover keeps the diazepam-equivalent; plans end at
zero or at the end dose."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from clonacare.core.drugs import load_formulary
from clonacare.core.errors import ClinicalError
from clonacare.core.taper import DOSE_TIMES, TaperPlan, TaperRequest, plan_taper
from clonacare.core.taper.guardrails import Level, find_breaches
from clonacare.core.taper.rules import load_rules

START = date(2027, 1, 4)
FORMULARY = load_formulary()
SOLID = {}
for product in FORMULARY.products:
    if product.form != "liquid":
        SOLID.setdefault(product.drug, []).append(product.mg_per_unit)
DRUGS = sorted(SOLID)
CLINICIAN_ORDERED = {"custom", "step-back"}

common = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def current_doses(
    draw: st.DrawFn, drug: str | None = None
) -> tuple[str, tuple[tuple[str, Decimal], ...]]:
    drug = drug or draw(st.sampled_from(DRUGS))
    times = draw(st.lists(st.sampled_from(DOSE_TIMES), min_size=1, max_size=4, unique=True))
    doses = tuple(
        (time, draw(st.sampled_from(SOLID[drug])) * draw(st.integers(1, 3))) for time in times
    )
    return drug, doses


def plan_or_parameter_refusal(request: TaperRequest) -> TaperPlan | None:
    """The plan, or None when the parameters themselves break the ceiling (refused
    before any step is planned), make a plan longer than the longest this tool makes
    (a small percentage at a long interval), or allow no cut at all with the formulary's
    products (the stop would be immediate). Any other refusal fails the property."""
    try:
        return plan_taper(request)
    except ClinicalError as error:
        refused = (error.code, error.message)
    code, message = refused
    if code == "plan-too-long":
        assert message.startswith("This plan would last more than 3650 days ")
        return None
    if code == "formulary-floor":  # the products allow no cut at all: no taper to check
        assert message.startswith("Refused (formulary-floor): ")
        assert "this plan would stop the drug at once" in message
        return None
    assert code == "rate-limit"
    assert message.startswith("Refused (rate-limit): --step ")
    return None


def levels(plan: TaperPlan) -> list[Level]:
    return [
        Level(
            day=(s.start - START).days,
            days=s.days,
            de=s.diazepam_equivalent_mg,
            kind=s.kind,
            cut_short=s.cut_short,
        )
        for s in plan.steps
    ]


def self_choosing(draw: st.DrawFn) -> TaperRequest:
    drug, doses = draw(current_doses())
    method = draw(st.sampled_from(["percent", "bands"]))
    switch = draw(st.booleans()) and drug != "diazepam"
    interval = draw(st.integers(7, 28))
    step = Decimal(draw(st.integers(10, 250))) / 10 if method == "percent" else None
    return TaperRequest(
        drug=drug,
        doses=doses,
        start=START,
        method=method,
        step=step,
        interval_days=interval,
        switch_to="diazepam" if switch else None,
    )


@common
@given(st.data())
def test_no_step_raises_the_dose_unless_a_clinician_ordered_it(data: st.DataObject) -> None:
    request = self_choosing(data.draw)
    plan = plan_or_parameter_refusal(request)
    assume(plan is not None)
    assert plan is not None
    for before, after in zip(plan.steps, plan.steps[1:], strict=False):
        if after.kind not in CLINICIAN_ORDERED:
            assert after.diazepam_equivalent_mg <= before.diazepam_equivalent_mg


@common
@given(st.data())
def test_methods_that_choose_their_cuts_stay_inside_the_limits(data: st.DataObject) -> None:
    request = self_choosing(data.draw)
    plan = plan_or_parameter_refusal(request)
    assume(plan is not None)
    assert plan is not None
    assert find_breaches(levels(plan), load_rules()) == []
    assert "rate-limit" not in [w.code for w in plan.warnings]


@common
@given(st.data())
def test_every_dose_is_made_exactly_from_the_formulary(data: st.DataObject) -> None:
    plan = plan_or_parameter_refusal(self_choosing(data.draw))
    assume(plan is not None)
    assert plan is not None
    names = {p.name for p in FORMULARY.products}
    for step in plan.steps:
        for dose in step.doses:
            assert dose.supply == "formulary"
            assert sum(p.mg_per_unit * p.quantity for p in dose.products) == dose.mg
            assert all(p.name in names for p in dose.products)
            for p in dose.products:
                if p.unit != "mL" and p.quantity % 1:
                    scored = next(q for q in FORMULARY.products if q.name == p.name).scored
                    assert scored
                    assert p.quantity % 1 == Decimal("0.5")


@common
@given(st.data())
def test_the_crossover_keeps_the_diazepam_equivalent(data: st.DataObject) -> None:
    # Doses whose diazepam equivalent the formulary makes exactly (multiples of 0.1 mg).
    drug = data.draw(st.sampled_from([d for d in DRUGS if d != "diazepam"]))
    _, doses = data.draw(current_doses(drug))
    request = TaperRequest(
        drug=drug,
        doses=doses,
        start=START,
        method="bands",
        switch_to="diazepam",
        equivalence=data.draw(st.sampled_from(["ashton", "vadod"])),
    )
    plan = plan_taper(request)
    crossing = [s for s in plan.steps if s.kind in ("start", "crossover")]
    assert len(crossing) == len(doses) + 1
    first = crossing[0].diazepam_equivalent_mg
    for step in crossing[1:]:
        # Equal, or rounded down by less than the 0.1 mg the solution can measure for
        # each dose time switched (never up), with the rounding shown.
        assert first - Fraction(1, 10) * len(doses) < step.diazepam_equivalent_mg <= first
    if any(s.diazepam_equivalent_mg != first for s in crossing):
        assert "rounding" in [w.code for w in plan.warnings]


@common
@given(st.data())
def test_plans_end_at_zero_or_at_the_end_dose(data: st.DataObject) -> None:
    request = self_choosing(data.draw)
    plan = plan_or_parameter_refusal(request)
    assume(plan is not None)
    assert plan is not None
    last = plan.steps[-1]
    assert plan.outcome == "discontinued"
    assert last.kind == "discontinuation"
    assert last.doses == ()
    before = plan.steps[-2].diazepam_equivalent_mg
    assert before > 0
    # It stops when the next cut, which the ceiling keeps at 25% or less, would reach the
    # 0.5 mg DE discontinuation dose (so from 0.5 / 0.75 mg or less), or at the
    # formulary's floor, which a warning names.
    floor = "formulary-floor" in [w.code for w in plan.warnings]
    assert floor or before <= Fraction(1, 2) / Fraction(3, 4)


@common
@given(st.integers(1, 39), st.sampled_from(["percent", "bands", "fixed"]))
def test_plans_with_an_end_dose_hold_it(end_mg: int, method: str) -> None:
    step = {"percent": Decimal(10), "fixed": Decimal("0.5"), "bands": None}[method]
    plan = plan_taper(
        TaperRequest(
            drug="diazepam",
            doses=(("night", Decimal(40)),),
            start=START,
            method=method,
            step=step,
            end_dose_mg=Decimal(end_mg),
            override_reason="property run" if method == "fixed" else None,
        )
    )
    assert plan.outcome == "end-dose"
    assert sum(d.mg for d in plan.steps[-1].doses) == end_mg
    assert all(s.doses for s in plan.steps)
