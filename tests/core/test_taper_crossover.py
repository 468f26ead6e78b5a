"""The Ashton crossover: switch to diazepam one dose time at a time at equal
diazepam-equivalent, no step replacing more than half the daily dose (a larger dose time
is switched in portions), then taper the diazepam."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from clonacare.core.errors import ClinicalError
from clonacare.core.taper import TaperRequest, plan_taper

START = date(2027, 1, 4)


def request(**kw: object) -> TaperRequest:
    base: dict[str, object] = {
        "drug": "clonazepam",
        "doses": (("morning", Decimal("0.5")), ("night", Decimal(1))),
        "start": START,
        "method": "bands",
        "switch_to": "diazepam",
    }
    base.update(kw)
    return TaperRequest(**base)  # type: ignore[arg-type]


def doses(step: object) -> dict[str, tuple[str, Decimal]]:
    return {d.time: (d.drug, d.mg) for d in step.doses}  # type: ignore[attr-defined]


def given(step: object) -> list[tuple[str, str, Decimal]]:
    """Every dose of a step: during a switch in portions one dose time holds both drugs."""
    return [(d.time, d.drug, d.mg) for d in step.doses]  # type: ignore[attr-defined]


def test_it_switches_one_dose_time_at_a_time_night_first() -> None:
    # Ashton 2002 (Table 1, equivalents): clonazepam 0.5 mg ≈ diazepam 10 mg; Chapter II
    # ("Switching to a long-acting benzodiazepine"): substitute one dose at a time, a
    # portion at a time. The daily dose is 30 mg diazepam-equivalent, so no step replaces
    # more than 15 mg: clonazepam 1 mg at night (20 mg) goes in two halves, then 0.5 mg in
    # the morning (10 mg) in one step.
    plan = plan_taper(request())
    assert given(plan.steps[0]) == [
        ("morning", "clonazepam", Decimal("0.5")),
        ("night", "clonazepam", Decimal(1)),
    ]
    assert given(plan.steps[1]) == [
        ("morning", "clonazepam", Decimal("0.5")),
        ("night", "clonazepam", Decimal("0.5")),
        ("night", "diazepam", Decimal(10)),
    ]
    assert given(plan.steps[2]) == [
        ("morning", "clonazepam", Decimal("0.5")),
        ("night", "diazepam", Decimal(20)),
    ]
    assert given(plan.steps[3]) == [
        ("morning", "diazepam", Decimal(10)),
        ("night", "diazepam", Decimal(20)),
    ]
    assert [s.kind for s in plan.steps[:5]] == [
        "start",
        "crossover",
        "crossover",
        "crossover",
        "reduction",
    ]
    assert [s.note for s in plan.steps[1:4]] == [
        "Switch part of the night dose: clonazepam 1 mg → clonazepam 0.5 mg + diazepam 10 mg.",
        "Switch the rest of the night dose: clonazepam 0.5 mg + diazepam 10 mg → diazepam 20 mg.",
        "Switch the morning dose: clonazepam 0.5 mg → diazepam 10 mg.",
    ]


def test_it_keeps_the_diazepam_equivalent_constant_through_the_crossover() -> None:
    plan = plan_taper(request())
    assert [s.diazepam_equivalent_mg for s in plan.steps[:4]] == [30, 30, 30, 30]
    assert [s.change_pct for s in plan.steps[:4]] == [0, 0, 0, 0]


def test_it_takes_7_days_per_crossover_step_by_default() -> None:
    # ASAM 2025 Rec 7: transition over 1–2 weeks rather than 1–2 days.
    plan = plan_taper(request())
    assert [s.start for s in plan.steps[:4]] == [
        START,
        date(2027, 1, 11),
        date(2027, 1, 18),
        date(2027, 1, 25),
    ]


def test_it_follows_a_chosen_order_and_length() -> None:
    plan = plan_taper(request(crossover_order=("morning",), crossover_days=14))
    assert given(plan.steps[1]) == [
        ("morning", "diazepam", Decimal(10)),
        ("night", "clonazepam", Decimal(1)),
    ]
    assert plan.steps[1].start == date(2027, 1, 18)


def test_it_uses_the_chosen_equivalence_table() -> None:
    # VA/DoD SUD CPG 2021 (ASAM 2025 Table 7): clonazepam 1 mg ≈ diazepam 10 mg.
    plan = plan_taper(request(equivalence="vadod"))
    assert doses(plan.steps[3]) == {
        "morning": ("diazepam", Decimal(5)),
        "night": ("diazepam", Decimal(10)),
    }
    warning = next(w for w in plan.warnings if w.code == "equivalence-approximate")
    assert warning.message == (
        "The VA/DoD SUD CPG (2021) table sets the diazepam doses (clonazepam 1 mg = diazepam "
        "10 mg); equivalents are approximate and the published tables disagree (Ashton "
        "(2002/2007): 0.5 mg)."
    )


def test_it_then_tapers_only_diazepam() -> None:
    plan = plan_taper(request(method="percent", step=Decimal(10)))
    later = [d for s in plan.steps[3:] for d in s.doses]
    assert later
    assert {d.drug for d in later} == {"diazepam"}
    assert plan.steps[-1].kind == "discontinuation"


def test_it_uses_the_midpoint_of_a_range_with_a_warning() -> None:
    plan = plan_taper(request(drug="estazolam", doses=(("night", Decimal(2)),)))
    # Ashton gives estazolam 1–2 mg = diazepam 10 mg; midpoint 1.5 mg: 2 mg = 13.33 mg,
    # switched in halves (1 mg = 6.67 mg each), which the 0.1 mL solution can only make
    # as 6.6 mg; then the whole 13.33 mg switched so far, rounded down once, 13.3 mg (not
    # 6.6 + 6.67 rounded again, which loses a little at each step): never up, so no step
    # of the switch is higher than the one before, and shown.
    assert given(plan.steps[1]) == [
        ("night", "estazolam", Decimal(1)),
        ("night", "diazepam", Decimal("6.6")),
    ]
    assert given(plan.steps[2]) == [("night", "diazepam", Decimal("13.3"))]
    codes = [w.code for w in plan.warnings]
    assert "equivalence-range" in codes
    assert "rounding" in codes
    chosen = plan_taper(
        request(drug="estazolam", doses=(("night", Decimal(2)),), equivalent_mg=Decimal(2))
    )
    assert given(chosen.steps[2]) == [("night", "diazepam", Decimal(10))]
    assert "equivalence-range" not in [w.code for w in chosen.warnings]


def test_it_refuses_an_equivalent_outside_the_range() -> None:
    with pytest.raises(ClinicalError) as exc:
        plan_taper(
            request(drug="estazolam", doses=(("night", Decimal(2)),), equivalent_mg=Decimal(3))
        )
    assert exc.value.message == (
        "The equivalent dose: The Ashton (2002/2007) table gives estazolam 1–2 mg as equal to "
        "diazepam 10 mg; 3 mg is outside it."
    )


@pytest.mark.parametrize(
    ("kw", "message"),
    [
        (
            {"switch_to": None, "crossover_order": ("night",)},
            "The order of the crossover needs a switch to diazepam.",
        ),
        (
            {"switch_to": None, "crossover_days": 7},
            "The length of a crossover step needs a switch to diazepam.",
        ),
        (
            {"drug": "diazepam", "doses": (("night", Decimal(10)),)},
            "A switch to diazepam: the patient already takes diazepam.",
        ),
        ({"switch_to": "lorazepam"}, "The drug to switch to: only diazepam is supported."),
        (
            {"crossover_order": ("midday",)},
            "The order of the crossover: there is no midday dose to switch.",
        ),
        (
            {"crossover_order": ("night", "night")},
            "The order of the crossover: a dose time is named twice.",
        ),
    ],
)
def test_it_refuses_bad_crossover_options(kw: dict[str, object], message: str) -> None:
    with pytest.raises(ClinicalError) as exc:
        plan_taper(request(**kw))
    assert exc.value.message == message
