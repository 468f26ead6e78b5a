"""The taper methods: percent (hyperbolic), fixed, bands (NICE CKS/Ashton), custom,
which dose time is cut first, and how plans end.

Worked examples are transcribed from the guidance named in each test, not produced by
the engine.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from clonacare.core.errors import ClinicalError
from clonacare.core.taper import CustomStep, PatientFactors, TaperRequest, plan_taper

START = date(2027, 1, 4)


def request(**kw: object) -> TaperRequest:
    base: dict[str, object] = {
        "drug": "diazepam",
        "doses": (("night", Decimal(20)),),
        "start": START,
        "method": "percent",
        "step": Decimal(10),
    }
    base.update(kw)
    return TaperRequest(**base)  # type: ignore[arg-type]


def daily(step: object) -> Decimal:
    return sum((d.mg for d in step.doses), Decimal(0))  # type: ignore[attr-defined]


def test_it_cuts_a_share_of_the_current_dose_asam_rec_6() -> None:
    # ASAM 2025 Rec 6: reduce by 5–10% of the current total daily dose every 2–4 weeks.
    # 10% of diazepam 20 mg is 2 mg (→ 18 mg); 10% of 18 mg is 1.8 mg (→ 16.2 mg).
    plan = plan_taper(request())
    assert [daily(s) for s in plan.steps[:3]] == [Decimal(20), Decimal(18), Decimal("16.2")]
    assert [s.start for s in plan.steps[:3]] == [START, date(2027, 1, 18), date(2027, 2, 1)]


def test_it_makes_cuts_shrink_as_the_dose_falls() -> None:
    plan = plan_taper(request())
    cuts = [daily(a) - daily(b) for a, b in zip(plan.steps, plan.steps[1:-1], strict=False)]
    # Rounding to the formulary makes single cuts uneven; the trend still falls.
    assert all(cut <= cuts[0] for cut in cuts)
    assert sum(cuts[-5:]) / 5 < sum(cuts[:5]) / 5 / 5
    assert cuts[0] == 2
    assert cuts[-1] <= Decimal("0.2")


def test_it_follows_the_nice_one_eighth_every_two_weeks_schedule() -> None:
    # NICE CKS (benzodiazepine withdrawal) also quotes "about one-eighth of the daily dose
    # every 2 weeks": diazepam 16 mg → 14 mg → 12.25 mg.
    plan = plan_taper(request(doses=(("night", Decimal(16)),), step=Decimal("12.5")))
    assert [daily(s) for s in plan.steps[:2]] == [16, 14]
    # 12.25 mg needs 0.05 mL of the 1 mg/mL solution: the formulary measures 0.1 mL, so the
    # tie goes to the smaller cut, and the rounding is shown.
    assert plan.steps[2].planned_daily_mg == Decimal("12.25")
    assert daily(plan.steps[2]) == Decimal("12.3")
    codes = [w.code for w in plan.warnings]
    assert "rounding" in codes
    assert codes.count("initial-cut") == 1  # 12.5% is above ASAM's usual 5–10%


def test_it_shows_the_effective_percentage_of_each_fixed_step() -> None:
    plan = plan_taper(
        request(
            method="fixed", step=Decimal(1), doses=(("night", Decimal(10)),), end_dose_mg=Decimal(5)
        )
    )
    assert [daily(s) for s in plan.steps] == [10, 9, 8, 7, 6, 5]
    assert [round(float(s.change_pct), 1) for s in plan.steps] == [
        0.0,
        -10.0,
        -11.1,
        -12.5,
        -14.3,
        -16.7,
    ]


def test_it_cuts_by_the_nice_cks_bands() -> None:
    # NICE CKS, adapted from the Ashton Manual: from 40 mg/day or less, cut 2–4 mg every
    # 1–2 weeks to 20 mg; then 1–2 mg to 10 mg; then 1 mg to 5 mg; then 0.5–1 mg until
    # stopped. Each cut must lie in its band (below 5 mg the 25% ceiling may make it
    # smaller), every 14 days by default.
    plan = plan_taper(request(method="bands", step=None, doses=(("night", Decimal(40)),)))
    bands = [(20, 2, 4), (10, 1, 2), (5, 1, 1), (0, Decimal("0.5"), 1)]
    for before, after in zip(plan.steps, plan.steps[1:-1], strict=False):
        dose, cut = daily(before), daily(before) - daily(after)
        _above, low, high = next(b for b in bands if dose > b[0])
        assert cut <= high
        assert cut >= low or cut <= dose / 4
        assert before.days == 14
    assert plan.steps[-1].kind == "discontinuation"


@pytest.mark.parametrize(
    ("dose", "weeks_low", "weeks_high"),
    # NICE CKS "estimated total withdrawal time": from diazepam 40 mg/day 30–60 weeks;
    # from 20 mg/day 20–40 weeks. The last cut now reaches the discontinuation dose before
    # the stop (one interval more than the earlier stop from 0.6 mg), which takes 20 mg/day
    # to 42 weeks: two weeks past NICE's upper estimate (docs/taper.md says so).
    [(40, 30, 60), (20, 20, 42)],
)
def test_it_takes_as_long_as_nice_estimates(dose: int, weeks_low: int, weeks_high: int) -> None:
    plan = plan_taper(request(method="bands", step=None, doses=(("night", Decimal(dose)),)))
    weeks = (plan.steps[-1].start - START).days / 7
    assert weeks_low <= weeks <= weeks_high


def test_it_documents_the_bands_figures() -> None:
    # The figures quoted in docs/taper.md.
    forty = plan_taper(request(method="bands", step=None, doses=(("night", Decimal(40)),)))
    twenty = plan_taper(request(method="bands", step=None, doses=(("night", Decimal(20)),)))
    assert forty.steps[-1].start == START + timedelta(weeks=52)
    assert twenty.steps[-1].start == START + timedelta(weeks=42)
    assert [daily(s) for s in twenty.steps[-4:]] == [
        Decimal("0.7"),
        Decimal("0.6"),
        Decimal("0.5"),
        0,
    ]


def test_it_uses_the_top_band_above_40_mg_with_a_warning() -> None:
    plan = plan_taper(
        request(
            method="bands",
            step=None,
            doses=(("night", Decimal(60)),),
            patient=PatientFactors(confirmed_by="Dr Okafor"),  # above the label maximum
        )
    )
    assert daily(plan.steps[1]) == 56
    assert "bands-above-range" in [w.code for w in plan.warnings]


def test_it_refuses_a_bands_interval_outside_7_to_28_days() -> None:
    with pytest.raises(ClinicalError) as exc:
        plan_taper(request(method="bands", step=None, interval_days=35))
    assert exc.value.message == (
        "The interval for the bands method must be 7 to 28 days (NICE CKS (every 1–2 weeks) "
        "and ASAM 2025 Rec 6 (every 2–4 weeks))."
    )


def test_it_takes_cuts_off_the_morning_dose_first_by_default() -> None:
    plan = plan_taper(
        request(
            drug="clonazepam",
            doses=(("morning", Decimal("0.5")), ("night", Decimal(1))),
            switch_to="diazepam",
            switch_at_de_mg=Decimal(10),  # below 0.375 mg clonazepam cannot cut within 25%
        )
    )
    switch = next(i for i, s in enumerate(plan.steps) if s.kind == "crossover")
    at = [{d.time: d.mg for d in s.doses} for s in plan.steps[:switch]]
    mornings = [doses.get("morning", Decimal(0)) for doses in at]
    nights = [doses.get("night", Decimal(0)) for doses in at]
    first_night_cut = next(i for i, n in enumerate(nights) if n < 1)
    assert all(m == 0 for m in mornings[first_night_cut:])


def test_it_takes_cuts_off_the_dose_time_named_first() -> None:
    plan = plan_taper(
        request(
            drug="clonazepam",
            doses=(("morning", Decimal("0.5")), ("night", Decimal(1))),
            reduce_first=("night",),
            switch_to="diazepam",
            switch_at_de_mg=Decimal(10),
        )
    )
    first_cut = plan.steps[1]
    assert {d.time: d.mg for d in first_cut.doses} == {
        "morning": Decimal("0.5"),
        "night": Decimal("0.875"),
    }


def test_it_holds_the_end_dose_instead_of_stopping() -> None:
    plan = plan_taper(request(end_dose_mg=Decimal(10), final_hold_days=28))
    assert plan.outcome == "end-dose"
    assert daily(plan.steps[-1]) == 10
    assert plan.steps[-1].kind == "end-dose"
    assert plan.steps[-1].days == 28
    assert all(daily(s) >= 10 for s in plan.steps)


def test_it_stops_only_from_the_discontinuation_dose_or_below() -> None:
    # Reversal: the plan used to stop when the next cut would reach the discontinuation
    # dose (from 0.6 mg here); the last cut now reaches it like any other, then it stops.
    plan = plan_taper(request(doses=(("night", Decimal(2)),), step=Decimal(25)))
    last, stop = plan.steps[-2], plan.steps[-1]
    assert stop.kind == "discontinuation"
    assert stop.doses == ()
    assert stop.days == 0
    assert daily(last) <= Decimal("0.5") < daily(plan.steps[-3])
    assert stop.start == last.end
    assert stop.note == (
        "Stops: the daily dose, 0.5 mg (0.5 mg diazepam-equivalent), is at or below the "
        "discontinuation dose (0.5 mg diazepam-equivalent, a Clonacare default, not a "
        "guideline value)."
    )


def test_it_holds_the_last_dose_for_the_final_hold() -> None:
    plan = plan_taper(request(final_hold_days=28))
    assert plan.steps[-2].days == 28


def test_a_discontinuation_dose_above_the_default_needs_an_override() -> None:
    # Reversal: a larger discontinuation dose was accepted as it was; it lets the plan
    # stop from a higher dose, so it is itself a breach (tests/core/test_taper_last_step.py
    # has the refusal).
    plan = plan_taper(request(discontinuation_de_mg=Decimal(2), override_reason="inpatient"))
    assert daily(plan.steps[-2]) <= 2 < daily(plan.steps[-3])
    assert plan.steps[-1].note == (
        "Stops: the daily dose, 2 mg (2 mg diazepam-equivalent), is at or below the "
        "discontinuation dose (2 mg diazepam-equivalent, chosen by the prescriber)."
    )


def test_it_plans_the_prescribers_own_steps() -> None:
    plan = plan_taper(
        request(
            method="custom",
            step=None,
            custom_steps=(
                CustomStep(date(2027, 1, 18), (("night", Decimal(18)),)),
                CustomStep(date(2027, 2, 1), (("night", Decimal(16)),)),
                CustomStep(date(2027, 2, 22), ()),
            ),
            override_reason="inpatient unit, supervised stop",  # a stop from 16 mg
        )
    )
    assert [daily(s) for s in plan.steps] == [20, 18, 16, 0]
    assert [s.days for s in plan.steps] == [14, 14, 21, 0]
    assert plan.outcome == "discontinued"


def test_it_ends_a_custom_plan_without_a_stop_by_holding_its_last_dose() -> None:
    plan = plan_taper(
        request(
            method="custom",
            step=None,
            custom_steps=(CustomStep(date(2027, 1, 18), (("night", Decimal(18)),)),),
        )
    )
    assert plan.outcome == "end-dose"
    assert plan.steps[-1].kind == "end-dose"


def test_it_warns_when_custom_steps_raise_the_dose() -> None:
    plan = plan_taper(
        request(
            method="custom",
            step=None,
            custom_steps=(
                CustomStep(date(2027, 1, 18), (("night", Decimal(18)),)),
                CustomStep(date(2027, 2, 1), (("night", Decimal(20)),)),
            ),
        )
    )
    increase = next(w for w in plan.warnings if w.code == "dose-increase")
    assert increase.message == "The prescriber's steps raise the dose at step 2."


@pytest.mark.parametrize(
    ("kw", "message"),
    [
        ({"method": "percent", "step": None}, "The percent method needs the step (a percentage)."),
        ({"method": "fixed", "step": None}, "The fixed method needs the step (mg)."),
        (
            {"step": Decimal(100)},
            "The step for the percent method must be more than 0 and below 100.",
        ),
        (
            {"method": "fixed", "step": Decimal(0)},
            "The step for the fixed method must be more than 0 mg.",
        ),
        ({"method": "bands"}, "The step does not apply to the bands method."),
        ({"method": "custom", "step": None}, "The custom method needs the custom steps."),
        ({"method": "slowest"}, "Unknown method 'slowest'; use percent, fixed, bands, custom."),
        (
            {"end_dose_mg": Decimal(20)},
            "The end dose 20 mg must be below the diazepam dose the taper starts from (20 mg/day).",
        ),
        (
            {"end_dose_mg": Decimal(0)},
            "The end dose must be more than 0 mg (to stop the drug, leave it out).",
        ),
        ({"interval_days": 0}, "The interval must be 1 to 365 days."),
        (
            {"reduce_first": ("noon",)},
            "The order of reduction: unknown dose time 'noon'; use morning, midday, evening, "
            "night.",
        ),
        (
            {
                "method": "custom",
                "step": None,
                "custom_steps": (CustomStep(date(2027, 1, 1), (("night", Decimal(18)),)),),
            },
            "Custom step 1 (2027-01-01) must come after 2027-01-04; list the steps in date order.",
        ),
        (
            {
                "method": "custom",
                "step": None,
                "custom_steps": (
                    CustomStep(date(2027, 1, 18), ()),
                    CustomStep(date(2027, 2, 1), (("night", Decimal(1)),)),
                ),
            },
            "Custom step 1 stops the drug; it must be the last step.",
        ),
    ],
)
def test_it_refuses_bad_method_options(kw: dict[str, object], message: str) -> None:
    with pytest.raises(ClinicalError) as exc:
        plan_taper(request(**kw))
    assert exc.value.message == message
