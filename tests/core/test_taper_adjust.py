"""Adjusting a running plan: pause, slow (interval or step), step back. Each returns a
new revision; steps already taken keep their dates, doses and products; the engine never
speeds a plan up."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest

from clonacare.core.errors import ClinicalError
from clonacare.core.taper import (
    Pause,
    SlowInterval,
    SlowStep,
    StepBack,
    TaperPlan,
    TaperRequest,
    adjust_plan,
    plan_from_dict,
    plan_taper,
    plan_to_dict,
)

START = date(2027, 1, 4)
ON = date(2027, 2, 10)  # day 9 of step 2 (16.2 mg from 2027-02-01)


def running_plan(**kw: object) -> TaperPlan:
    base: dict[str, object] = {
        "drug": "diazepam",
        "doses": (("night", Decimal(20)),),
        "start": START,
        "method": "percent",
        "step": Decimal(10),
    }
    base.update(kw)
    plan = plan_taper(TaperRequest(**base))  # type: ignore[arg-type]
    # As adjust receives it: through the JSON contract.
    return plan_from_dict(json.loads(json.dumps(plan_to_dict(plan))))


def daily(step: object) -> Decimal:
    return sum((d.mg for d in step.doses), Decimal(0))  # type: ignore[attr-defined]


def test_it_pauses_at_the_current_dose_and_shifts_the_rest() -> None:
    plan = running_plan()
    revised = adjust_plan(plan, ON, Pause(days=14), reason="insomnia")
    assert revised.revision == 2
    assert revised.revisions[-1].reason == "insomnia"
    assert revised.revisions[-1].action == "pause 14 days"
    assert revised.steps[:2] == plan.steps[:2]
    assert revised.steps[2].days == 9
    assert revised.steps[2].cut_short
    pause = revised.steps[3]
    assert (pause.kind, pause.start, pause.days, daily(pause)) == ("pause", ON, 19, Decimal("16.2"))
    assert [daily(s) for s in revised.steps[4:]] == [daily(s) for s in plan.steps[3:]]
    assert revised.steps[4].start == date(2027, 3, 1)
    assert revised.steps[-1].start == plan.steps[-1].start.replace() + (
        revised.steps[4].start - plan.steps[3].start
    )


def test_it_slows_the_interval_for_the_rest() -> None:
    plan = running_plan()
    revised = adjust_plan(plan, ON, SlowInterval(days=21))
    assert revised.steps[:2] == plan.steps[:2]
    # Every remaining step lasts at least 21 days (a step the plan already held for 28
    # days keeps its 28).
    assert [s.days for s in revised.steps[2:-1]] == [max(s.days, 21) for s in plan.steps[2:-1]]
    assert [daily(s) for s in revised.steps] == [daily(s) for s in plan.steps]
    assert revised.request.interval_days == 21


def test_it_slows_the_step_for_the_rest() -> None:
    plan = running_plan()
    revised = adjust_plan(plan, ON, SlowStep(step=Decimal(5)))
    assert revised.steps[:3] == plan.steps[:3]
    assert daily(revised.steps[3]) == Decimal("15.4")  # 5% of 16.2 mg is 0.81 mg
    assert len(revised.steps) > len(plan.steps)
    assert revised.request.step == 5


def test_it_steps_back_to_the_previous_dose_then_retries() -> None:
    plan = running_plan()
    revised = adjust_plan(plan, ON, StepBack(), reason="rebound anxiety")
    assert revised.steps[2].days == 9
    back, retry = revised.steps[3], revised.steps[4]
    assert (back.kind, back.start, daily(back)) == ("step-back", ON, Decimal(18))
    assert (retry.start, daily(retry), retry.days) == (date(2027, 2, 24), Decimal("16.2"), 14)
    assert revised.revisions[-1].action == "step back to the previous dose"


def test_it_never_changes_the_taken_steps_products() -> None:
    # Clonazepam tablets and ODTs cannot go below 0.375 mg within the ceiling, so the plan
    # finishes on diazepam, switching once the dose is 10 mg diazepam-equivalent or less.
    plan = running_plan(
        drug="clonazepam",
        doses=(("night", Decimal(1)),),
        switch_to="diazepam",
        switch_at_de_mg=Decimal(10),
    )
    on = plan.steps[2].start + (plan.steps[2].end - plan.steps[2].start) / 2
    revised = adjust_plan(plan, on, Pause(days=7))
    for old, new in zip(plan.steps[:2], revised.steps[:2], strict=True):
        assert old == new


def test_a_pause_on_the_plans_first_day_holds_the_first_dose_longer() -> None:
    plan = running_plan()
    revised = adjust_plan(plan, START, Pause(days=7), reason="seizure on day one")
    first = revised.steps[0]
    assert (first.start, first.days, daily(first)) == (START, plan.steps[0].days + 7, Decimal(20))
    assert first.note.endswith("Paused on 2027-01-04, the plan's first day, for 7 days.")
    assert not first.cut_short
    # Every later step keeps its dose, a week later.
    assert [daily(s) for s in revised.steps[1:]] == [daily(s) for s in plan.steps[1:]]
    assert (
        revised.steps[1].start
        == plan.steps[1].start
        + (revised.steps[0].days - 14) * (plan.steps[1].start - plan.steps[0].start) / 14
    )
    assert revised.revisions[-1].action == "pause 7 days"


def test_a_slower_interval_from_the_plans_first_day_lengthens_every_step() -> None:
    plan = running_plan()
    revised = adjust_plan(plan, START, SlowInterval(days=28), reason="slower from the start")
    assert (revised.steps[0].start, revised.steps[0].days) == (START, 28)
    assert all(s.days >= 28 for s in revised.steps[:-1] if s.kind != "discontinuation")
    assert [daily(s) for s in revised.steps] == [daily(s) for s in plan.steps]


def test_a_smaller_step_from_the_plans_first_day_replans_every_cut() -> None:
    plan = running_plan()
    revised = adjust_plan(plan, START, SlowStep(step=Decimal(5)), reason="smaller cuts")
    assert revised.steps[0] == plan.steps[0]
    assert daily(revised.steps[1]) == Decimal(19)  # 5% of 20 mg, where 10% made 18 mg
    assert len(revised.steps) > len(plan.steps)


def test_there_is_no_step_back_on_the_plans_first_day() -> None:
    with pytest.raises(ClinicalError) as refused:
        adjust_plan(running_plan(), START, StepBack())
    assert refused.value.message == "There is no earlier dose to step back to on 2027-01-04."


def test_a_revision_can_be_revised_again() -> None:
    plan = running_plan()
    second = adjust_plan(plan, ON, Pause(days=14), reason="insomnia")
    again = plan_from_dict(json.loads(json.dumps(plan_to_dict(second))))
    third = adjust_plan(again, date(2027, 4, 1), SlowInterval(days=28), reason="resume slower")
    assert third.revision == 3
    assert [r.number for r in third.revisions] == [1, 2, 3]


@pytest.mark.parametrize(
    ("on", "action", "message"),
    [
        (
            date(2027, 1, 3),
            Pause(days=7),
            "The adjustment date 2027-01-03 is before the plan's start (2027-01-04): nothing of "
            "the plan has begun yet.",
        ),
        (
            ON,
            SlowInterval(days=14),
            "The slower interval 14 days is not slower than the plan's 14 days; the engine never "
            "speeds a plan up.",
        ),
        (
            ON,
            SlowStep(step=Decimal(10)),
            "The smaller step must be more than 0 and smaller than the plan's step (10%); the "
            "engine never speeds a plan up.",
        ),
        (date(2027, 1, 10), StepBack(), "There is no earlier dose to step back to on 2027-01-10."),
        (
            date(2029, 1, 1),  # the last cut reaches 0.5 mg, then the drug stops
            Pause(days=3),
            "The plan stopped the drug on 2028-08-28; there is nothing to adjust on 2029-01-01.",
        ),
        (
            ON,
            Pause(days=0),
            "The pause must be 1 to 365 days (Clonacare configuration: a typo guard, not a "
            "guideline value); to hold a dose for longer, plan again with the end dose.",
        ),
    ],
)
def test_it_refuses_adjustments_it_cannot_make(on: date, action: object, message: str) -> None:
    with pytest.raises(ClinicalError) as exc:
        adjust_plan(running_plan(), on, action)  # type: ignore[arg-type]
    assert exc.value.message == message


def test_it_refuses_a_smaller_step_for_the_bands_method() -> None:
    with pytest.raises(ClinicalError) as exc:
        adjust_plan(running_plan(method="bands", step=None), ON, SlowStep(step=Decimal(1)))
    assert exc.value.message == (
        "The smaller step applies to the percent or fixed method, not bands; use the slower "
        "interval or the pause."
    )


def test_it_refuses_json_that_is_not_a_plan() -> None:
    with pytest.raises(ClinicalError) as exc:
        plan_from_dict({"steps": []}, "plan.json")
    assert exc.value.message == (
        "plan.json is not a Clonacare taper plan: a required key is missing: 'parameters'."
    )
    with pytest.raises(ClinicalError) as exc:
        plan_from_dict([], "plan.json")
    assert exc.value.message == "plan.json is not a Clonacare taper plan: 'plan' must be an object."


def test_a_step_back_during_the_switch_restores_the_previous_mix() -> None:
    # Clonazepam 0.5 mg morning + 1 mg night (30 mg diazepam-equivalent) switched to
    # diazepam night first (Ashton: 0.5 mg = 10 mg), at most half the daily dose (15 mg)
    # per step: the night dose goes in two portions (clonazepam 0.5 mg + diazepam 10 mg,
    # then diazepam 20 mg), then the morning dose. A step back during step 2 returns to
    # step 1's mix, at the same equivalent.
    plan = running_plan(
        drug="clonazepam",
        doses=(("morning", Decimal("0.5")), ("night", Decimal(1))),
        method="bands",
        step=None,
        switch_to="diazepam",
    )
    on = date(2027, 1, 20)
    revised = adjust_plan(plan, on, StepBack(), reason="did not tolerate the switch")
    back, retry = revised.steps[3], revised.steps[4]
    assert back.kind == "step-back"
    assert {(d.time, d.drug, d.mg) for d in back.doses} == {
        ("morning", "clonazepam", Decimal("0.5")),
        ("night", "clonazepam", Decimal("0.5")),
        ("night", "diazepam", Decimal(10)),
    }
    assert back.diazepam_equivalent_mg == revised.steps[2].diazepam_equivalent_mg == 30
    assert {(d.time, d.drug) for d in retry.doses} == {
        ("morning", "clonazepam"),
        ("night", "diazepam"),
    }
    mix = "clonazepam 1 mg + diazepam 10 mg a day, the same diazepam-equivalent"
    assert revised.revisions[-1].action == (
        f"step back to the previous dose: during the switch to diazepam, back to the previous "
        f"mix ({mix}), for a patient who did not tolerate the switch"
    )
    assert back.note == (
        f"Stepped back on 2027-01-20 to step 1's mix during the switch to diazepam ({mix}), "
        "for a patient who did not tolerate the switch; then the switch is tried again."
    )
    data = plan_to_dict(revised)
    assert data["revisions"][-1]["action"] == revised.revisions[-1].action
    assert data["reason"] == "did not tolerate the switch"


def test_a_slower_interval_for_bands_names_the_option() -> None:
    plan = running_plan(method="bands", step=None)
    with pytest.raises(ClinicalError) as exc:
        adjust_plan(plan, date(2027, 1, 28), SlowInterval(days=35))
    assert exc.value.message == (
        "The slower interval for the bands method must be 7 to 28 days (NICE CKS (every 1–2 weeks) "
        "and ASAM 2025 Rec 6 (every 2–4 weeks)); use the pause to hold the dose for longer."
    )
    slower = adjust_plan(plan, date(2027, 1, 28), SlowInterval(days=28))
    assert slower.request.interval_days == 28
