"""An override reason accepts exactly the breaches a refusal names: it never changes the
doses, so rounding never picks a breach the plan would not otherwise have; the breaches
of one plan, its parameters included, are one ``rate-limit`` warning."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from clonacare.core.errors import ClinicalError
from clonacare.core.taper import Pause, TaperRequest, adjust_plan, plan_taper

START = date(2027, 1, 4)
CEILING = "[ASAM 2025 Rec 6: the pace should typically not exceed 25% every 2 weeks]"


def fixed_from_0875(**kw: object) -> TaperRequest:
    base: dict[str, object] = {
        "drug": "clonazepam",
        "doses": (("night", Decimal("0.875")),),
        "start": START,
        "method": "fixed",
        "step": Decimal("0.2"),
    }
    base.update(kw)
    return TaperRequest(**base)  # type: ignore[arg-type]


def daily(step: object) -> Decimal:
    return sum((d.mg for d in step.doses), Decimal(0))  # type: ignore[attr-defined]


def test_the_refusal_names_the_first_breach_of_a_literal_cut() -> None:
    # 0.875 − 0.2 = 0.675 mg, which no product makes: the nearest makeable doses are
    # 0.625 (−28.6%, a breach) and 0.75 (−14.3%); rounding never goes into a breach.
    with pytest.raises(ClinicalError) as exc:
        plan_taper(fixed_from_0875())
    assert exc.value.message == (
        "Refused (rate-limit): step 2 (2027-02-01) cuts more than 25% in 14 days: 15 mg "
        "diazepam-equivalent/day on 2027-01-18 to 10 on 2027-02-01 (−33.33%) "
        f"{CEILING}. Use the percent method or a smaller step from step 2, or give "
        "an override reason to plan it anyway."
    )


def test_an_override_keeps_the_doses_and_adds_no_breach() -> None:
    plan = plan_taper(fixed_from_0875(override_reason="inpatient unit"))
    assert daily(plan.steps[1]) == Decimal("0.75")  # not 0.625, a breach
    assert plan.steps[1].planned_daily_mg == Decimal("0.675")
    (warning,) = [w for w in plan.warnings if w.code == "rate-limit"]
    assert warning.message.startswith(
        "Overridden (inpatient unit): step 2 (2027-02-01) cuts more than 25% in 14 days: "
        "15 mg diazepam-equivalent/day on 2027-01-18 to 10 on 2027-02-01 (−33.33%)"
    )
    assert "step 1 " not in warning.message


def test_an_overridden_percentage_is_planned_as_asked() -> None:
    # 30% every 14 days breaks the ceiling by itself; overridden, the cuts are 30%.
    plan = plan_taper(
        TaperRequest(
            drug="diazepam",
            doses=(("night", Decimal(20)),),
            start=START,
            method="percent",
            step=Decimal(30),
            override_reason="inpatient unit",
        )
    )
    assert [daily(s) for s in plan.steps[:3]] == [20, 14, Decimal("9.8")]


def test_an_override_does_not_loosen_a_percentage_inside_the_ceiling() -> None:
    # A clonazepam 10% plan holds doses its products cannot cut within 10%, and is never
    # cut faster with an override reason given for something else.
    request = TaperRequest(
        drug="clonazepam",
        doses=(("night", Decimal(1)),),
        start=START,
        method="percent",
        step=Decimal(10),
        switch_to="diazepam",
        switch_at_de_mg=Decimal(10),
    )
    plain = plan_taper(request)
    overridden = plan_taper(replace(request, override_reason="ward protocol"))
    assert overridden.steps == plain.steps
    assert "rate-limit" not in [w.code for w in overridden.warnings]


def test_an_overridden_percentage_has_one_rate_limit_warning() -> None:
    plan = plan_taper(
        TaperRequest(
            drug="diazepam",
            doses=(("night", Decimal(20)),),
            start=START,
            method="percent",
            step=Decimal(15),
            interval_days=7,
            override_reason="inpatient unit",
        )
    )
    (warning,) = [w for w in plan.warnings if w.code == "rate-limit"]
    assert warning.message.startswith(
        "Overridden (inpatient unit): The step 15 every 7 days cuts more than 25% in 14 days: "
        "from 20 mg diazepam-equivalent/day on 2027-01-04 to 14.45 on 2027-01-18 (−27.75%) "
        f"{CEILING}; the steps that break a limit: step 2 (2027-01-18) cuts more than 25% "
        "in 14 days: 20 mg diazepam-equivalent/day on 2027-01-04 to 14.5 on 2027-01-18 "
        "(−27.5%)"
    )
    assert warning.source == CEILING[1:-1]


def test_a_revision_keeps_one_rate_limit_warning() -> None:
    plan = plan_taper(
        TaperRequest(
            drug="diazepam",
            doses=(("night", Decimal(20)),),
            start=START,
            method="percent",
            step=Decimal(15),
            interval_days=7,
            override_reason="inpatient unit",
        )
    )
    revised = adjust_plan(plan, date(2027, 2, 10), Pause(days=7))
    (warning,) = [w for w in revised.warnings if w.code == "rate-limit"]
    assert warning.message.startswith(
        "Overridden (inpatient unit): The step 15 every 7 days cuts more than 25% in 14 days"
    )
