"""Properties of every plan (Hypothesis): no step raises the dose unless a clinician
ordered it; methods that choose their own cuts stay inside the limits; every dose's
products add up to its mg; the crossover keeps the diazepam-equivalent and is gradual
(no step replaces more than half the daily dose, at least two steps of 7 days or more); a
tail switch never begins above its switch point; plans end at zero, stopping only from
the discontinuation dose or below, or at the end dose."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from clonacare.core.drugs import load_formulary
from clonacare.core.errors import ClinicalError
from clonacare.core.taper import DOSE_TIMES, PatientFactors, TaperPlan, TaperRequest, plan_taper
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
PRESCRIBER = "Dr. Avery"  # the prescriber persona (tests/personas.py)

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
    (a small percentage at a long interval), reach a formulary floor above the
    discontinuation dose (or above the switch point), or cannot make a portion small
    enough for a gradual switch. Any other refusal fails the property."""
    try:
        return plan_taper(request)
    except ClinicalError as error:
        refused = (error.code, error.message)
    code, message = refused
    if code == "plan-too-long":
        assert message.startswith("This plan would last more than 3650 days ")
        return None
    if code == "formulary-floor":  # the products cannot cut within the ceiling: no taper
        assert message.startswith("Refused (formulary-floor): ")
        return None
    if code == "formulary":
        assert "small enough to switch to diazepam gradually" in message
        return None
    assert code == "rate-limit"
    assert message.startswith("Refused (rate-limit): The step ")
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
    switch = draw(st.sampled_from(["none", "switch", "tail"])) if drug != "diazepam" else "none"
    interval = draw(st.integers(7, 28))
    step = Decimal(draw(st.integers(10, 250))) / 10 if method == "percent" else None
    return TaperRequest(
        drug=drug,
        doses=doses,
        start=START,
        method=method,
        step=step,
        interval_days=interval,
        switch_to="diazepam" if switch != "none" else None,
        switch_at_de_mg=Decimal(draw(st.integers(1, 60))) if switch == "tail" else None,
        # Doses above the label maximum are escalated: a prescriber confirms them.
        patient=PatientFactors(confirmed_by=PRESCRIBER),
    )


@common
@given(st.data())
def test_no_step_raises_the_dose_unless_a_clinician_ordered_it(data: st.DataObject) -> None:
    request = self_choosing(data.draw)
    plan = plan_or_parameter_refusal(request)
    assume(plan is not None)
    assert plan is not None
    switched_from = plan.steps[0].diazepam_equivalent_mg
    for before, after in zip(plan.steps, plan.steps[1:], strict=False):
        if before.kind != "crossover":
            switched_from = before.diazepam_equivalent_mg
        if after.kind == "crossover":
            # A switch step may win back what rounding a portion down lost (the whole
            # amount switched is rounded once), never above the dose before the switch.
            assert after.diazepam_equivalent_mg <= switched_from
        elif after.kind not in CLINICIAN_ORDERED:
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


def crossover_request(draw: st.DrawFn) -> TaperRequest:
    drug = draw(st.sampled_from([d for d in DRUGS if d != "diazepam"]))
    _, doses = draw(current_doses(drug))
    return TaperRequest(
        drug=drug,
        doses=doses,
        start=START,
        method="bands",
        switch_to="diazepam",
        equivalence=draw(st.sampled_from(["ashton", "vadod"])),
        crossover_days=draw(st.integers(7, 21)),
        patient=PatientFactors(confirmed_by=PRESCRIBER),
    )


@common
@given(st.data())
def test_the_crossover_keeps_the_diazepam_equivalent(data: st.DataObject) -> None:
    # Doses whose diazepam equivalent the formulary makes exactly (multiples of 0.1 mg).
    request = crossover_request(data.draw)
    plan = plan_or_parameter_refusal(request)
    assume(plan is not None)
    assert plan is not None
    crossing = [s for s in plan.steps if s.kind in ("start", "crossover")]
    first = crossing[0].diazepam_equivalent_mg
    for number, step in enumerate(crossing[1:], start=1):
        # Equal, or rounded down by less than the 0.1 mg the solution can measure for
        # each portion switched so far (never up), with the rounding shown.
        assert first - Fraction(1, 10) * number < step.diazepam_equivalent_mg
        # Never above the dose before the switch (the amount switched so far is rounded
        # down once, so a later step may win back what an earlier one lost).
        assert step.diazepam_equivalent_mg <= first
    if any(s.diazepam_equivalent_mg != first for s in crossing):
        assert "rounding" in [w.code for w in plan.warnings]


def original_de(plan: TaperPlan, step_number: int) -> Fraction:
    """The diazepam-equivalent of the drug taken before the switch, in one step."""
    step = plan.steps[step_number]
    drug_mg = sum((d.mg for d in step.doses if d.drug == plan.drug), Decimal(0))
    return Fraction(drug_mg) * 10 / Fraction(plan.equivalent_mg)


@common
@given(st.data())
def test_the_switch_is_gradual(data: st.DataObject) -> None:
    # ASAM 2025 Rec 7 (over 1–2 weeks) and Ashton (a portion at a time): no step
    # replaces more than half the daily diazepam-equivalent, at least two steps of at
    # least 7 days.
    plan = plan_or_parameter_refusal(crossover_request(data.draw))
    assume(plan is not None)
    assert plan is not None
    switching = [s for s in plan.steps if s.kind == "crossover"]
    assert len(switching) >= 2
    total = plan.steps[0].diazepam_equivalent_mg
    for step in switching:
        assert step.days >= 7
        replaced = original_de(plan, step.number - 1) - original_de(plan, step.number)
        assert 0 < replaced <= total / 2
    assert original_de(plan, switching[-1].number) == 0


@common
@given(st.data())
def test_a_tail_switch_begins_at_its_switch_point_never_earlier(data: st.DataObject) -> None:
    drug, doses = data.draw(current_doses(data.draw(st.sampled_from(["clonazepam", "lorazepam"]))))
    start_de = (
        sum((mg for _, mg in doses), Decimal(0))
        * 10
        / {"clonazepam": Decimal("0.5"), "lorazepam": 1}[drug]
    )
    share = Decimal(data.draw(st.integers(40, 100))) / 100
    method = data.draw(st.sampled_from(["percent", "bands"]))
    request = TaperRequest(
        drug=drug,
        doses=doses,
        start=START,
        method=method,
        step=Decimal(10) if method == "percent" else None,
        interval_days=data.draw(st.integers(7, 28)),
        switch_to="diazepam",
        switch_at_de_mg=(start_de * share).quantize(Decimal("0.1")),
        patient=PatientFactors(confirmed_by=PRESCRIBER),
    )
    plan = plan_or_parameter_refusal(request)
    assume(plan is not None)
    assert plan is not None
    first = next(s.number for s in plan.steps if s.kind == "crossover")
    at = Fraction(request.switch_at_de_mg or 0)
    assert plan.steps[first - 1].diazepam_equivalent_mg <= at
    assert all(s.diazepam_equivalent_mg > at for s in plan.steps[: first - 1])


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
    # Without an override it stops only from the 0.5 mg DE discontinuation dose or below:
    # the last cut reaches it like any other.
    assert before <= Fraction(1, 2)


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
