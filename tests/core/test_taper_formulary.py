"""Every dose is made from the formulary: tablet counts, halves only where scored, ODTs,
capsules and liquids measured to the formulary's resolution. Where the formulary cannot
make the next step within the limits, the plan is refused unless a clinician overrides the
stop from that floor (tests/core/test_taper_formulary_floor.py has the ways out)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from clonacare.core.drugs import load_formulary
from clonacare.core.errors import ClinicalError
from clonacare.core.taper import TaperRequest, plan_taper
from clonacare.core.taper.formulary_solver import dose_maker

START = date(2027, 1, 4)


def request(**kw: object) -> TaperRequest:
    base: dict[str, object] = {
        "drug": "clonazepam",
        "doses": (("night", Decimal(1)),),
        "start": START,
        "method": "percent",
        "step": Decimal(10),
    }
    base.update(kw)
    return TaperRequest(**base)  # type: ignore[arg-type]


def made(drug: str, mg: str) -> list[tuple[str, Decimal]] | None:
    products = dose_maker(load_formulary(), drug).make(Decimal(mg))
    return None if products is None else [(p.name, p.quantity) for p in products]


def test_the_us_default_holds_every_product_of_the_reference() -> None:
    # Transcribed from the clinical reference ("US products", "Other US oral products").
    expected = {
        ("clonazepam", "tablet"): {"0.5", "1", "2"},
        ("clonazepam", "odt"): {"0.125", "0.25", "0.5", "1", "2"},
        ("diazepam", "tablet"): {"2", "5", "10"},
        ("diazepam", "liquid"): {"1", "5"},
        ("lorazepam", "tablet"): {"0.5", "1", "2"},
        ("lorazepam", "liquid"): {"2"},
        ("alprazolam", "tablet"): {"0.25", "0.5", "1", "2"},
        ("alprazolam", "odt"): {"0.25", "0.5", "1", "2"},
        ("chlordiazepoxide", "capsule"): {"5", "10", "25"},
        ("clorazepate", "tablet"): {"3.75", "7.5", "15"},
        ("temazepam", "capsule"): {"7.5", "15", "22.5", "30"},
        ("oxazepam", "capsule"): {"10", "15", "30"},
        ("triazolam", "tablet"): {"0.125", "0.25"},
        ("estazolam", "tablet"): {"1", "2"},
        ("flurazepam", "capsule"): {"15", "30"},
        ("quazepam", "tablet"): {"15"},
    }
    have: dict[tuple[str, str], set[str]] = {}
    for p in load_formulary().products:
        have.setdefault((p.drug, p.form), set()).add(format(p.mg_per_unit.normalize(), "f"))
    assert have == expected


@pytest.mark.parametrize(
    ("drug", "mg", "products"),
    [
        ("clonazepam", "0.25", [("clonazepam 0.25 mg orally disintegrating tablet", 1)]),
        ("clonazepam", "1.5", [("clonazepam 1 mg tablet", 1), ("clonazepam 0.5 mg tablet", 1)]),
        ("diazepam", "1", [("diazepam 2 mg tablet", Decimal("0.5"))]),
        ("diazepam", "7", [("diazepam 5 mg tablet", 1), ("diazepam 2 mg tablet", 1)]),
        ("diazepam", "0.7", [("diazepam 1 mg/mL oral solution", Decimal("0.7"))]),
        (
            "diazepam",
            "2.3",
            [("diazepam 2 mg tablet", 1), ("diazepam 1 mg/mL oral solution", Decimal("0.3"))],
        ),
        ("temazepam", "45", [("temazepam 22.5 mg capsule", 2)]),
    ],
)
def test_it_makes_a_dose_from_products(drug: str, mg: str, products: list[object]) -> None:
    assert made(drug, mg) == products


@pytest.mark.parametrize(
    ("drug", "mg"),
    [
        ("clonazepam", "0.3"),  # below the 0.125 mg ODT's step
        ("estazolam", "1.5"),  # unscored tablets: no halves
        ("temazepam", "3.75"),  # capsules are never split
        ("lorazepam", "0.1"),  # 0.1 mL of 2 mg/mL is the smallest measure
        ("diazepam", "0.05"),
    ],
)
def test_it_cannot_make_what_the_products_cannot(drug: str, mg: str) -> None:
    assert made(drug, mg) is None


def test_every_dose_of_a_plan_adds_up_exactly() -> None:
    plan = plan_taper(request(drug="diazepam", doses=(("night", Decimal(23)),)))
    for step in plan.steps:
        for dose in step.doses:
            assert sum(p.mg_per_unit * p.quantity for p in dose.products) == dose.mg


def test_an_overridden_stop_at_the_formulary_floor_says_so() -> None:
    # Reversal: the floor used to end the plan with a warned stop; the stop is now refused
    # unless overridden (the refusal: tests/core/test_taper_formulary_floor.py).
    plan = plan_taper(request(doses=(("night", Decimal(1)),), override_reason="inpatient stop"))
    # 0.375 → 0.25 mg would be a 33% cut: no clonazepam product makes a smaller step.
    last = plan.steps[-2]
    assert [d.mg for d in last.doses] == [Decimal("0.375")]
    assert plan.steps[-1].kind == "discontinuation"
    warning = next(w for w in plan.warnings if w.code == "formulary-floor")
    assert warning.message == (
        "The formulary 'US default' cannot make a clonazepam dose below 0.375 mg/day within "
        "25% in 14 days (the nearest dose below, 0.25 mg/day, would be a 33.3% cut): the plan "
        "stops from 0.375 mg/day, a last step of 100% (7.5 mg diazepam-equivalent). Ways out: "
        "finish on diazepam (a switch to diazepam, or a later switch to switch once the daily "
        "dose is at or below the switch point, with the switch point at 7.5 or more), a liquid or "
        "compounded form in a site formulary."
    )
    # It never takes a larger cut earlier to get there.
    cuts = list(plan.steps[1:-1])
    assert all(-25 <= s.change_pct < 0 for s in cuts)


def test_it_holds_instead_of_reaching_an_end_dose_below_the_floor() -> None:
    plan = plan_taper(request(end_dose_mg=Decimal("0.125")))
    assert plan.outcome == "end-dose"
    assert [d.mg for d in plan.steps[-1].doses] == [Decimal("0.375")]
    assert "formulary-floor" in [w.code for w in plan.warnings]


def write(tmp_path: Path, body: str) -> str:
    path = tmp_path / "site.toml"
    path.write_text(body, encoding="utf-8")
    return str(path)


def test_it_uses_a_site_formulary(tmp_path: Path) -> None:
    # Scotland 2024: some formularies allow diazepam 2 mg tablets only (scored: 1 mg steps).
    path = write(
        tmp_path,
        """
name = "Scotland 2 mg only"
[[products]]
drug = "diazepam"
form = "tablet"
strength_mg = 2
scored = true
source = "gov.scot 2024"
""",
    )
    plan = plan_taper(
        request(
            drug="diazepam",
            doses=(("night", Decimal(6)),),
            method="bands",
            step=None,
            formulary_path=path,
            override_reason="stop from 3 mg agreed with the patient",
        )
    )
    dailies = [sum((d.mg for d in s.doses), Decimal(0)) for s in plan.steps]
    assert dailies == [6, 5, 4, 3, 0]
    assert all(
        p.name == "diazepam 2 mg tablet" for s in plan.steps for d in s.doses for p in d.products
    )
    floor = next(w for w in plan.warnings if w.code == "formulary-floor")
    assert floor.message.startswith(
        "The formulary 'Scotland 2 mg only' cannot make a diazepam dose below 3 mg/day"
    )


def test_a_compounded_liquid_takes_the_taper_lower(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
name = "Compounding pharmacy"
liquid_resolution_ml = 0.1
[[products]]
drug = "clonazepam"
form = "tablet"
strength_mg = 1
source = "site"
[[products]]
drug = "clonazepam"
form = "liquid"
concentration_mg_per_ml = 0.1
label = "compounded oral suspension"
source = "site compounding record"
""",
    )
    plan = plan_taper(request(formulary_path=path, override_reason="stop from 0.6 mg agreed"))
    # 0.1 mL of 0.1 mg/mL is 0.01 mg: the floor falls from 0.375 mg (tablets and ODTs)
    # to 0.03 mg (0.6 mg diazepam-equivalent), where 0.02 mg would be a 33% cut; the stop
    # from just above the discontinuation dose still needs the override.
    last = plan.steps[-2].doses[0]
    assert last.mg == Decimal("0.03")
    assert last.products[0].unit == "mL"
    assert last.products[0].quantity == Decimal("0.3")


def test_a_drug_with_no_product_for_its_dose_needs_a_switch_or_a_site_formulary() -> None:
    with pytest.raises(ClinicalError) as exc:
        plan_taper(request(drug="estazolam", doses=(("night", Decimal("1.5")),)))
    assert exc.value.code == "formulary"
    assert exc.value.message == (
        "The formulary 'US default' cannot make estazolam 1.5 mg (night) (its estazolam "
        "products: 2 mg tablet, 1 mg tablet); use a switch to diazepam or a site formulary."
    )
    plan = plan_taper(
        request(
            drug="estazolam",
            doses=(("night", Decimal("1.5")),),
            switch_to="diazepam",
            method="bands",
            step=None,
        )
    )
    assert plan.steps[0].doses[0].supply == "current"
    # Switched in halves of the patient's own supply (Ashton midpoint: 1.5 mg = 10 mg).
    assert [(d.drug, d.mg, d.supply) for d in plan.steps[1].doses] == [
        ("estazolam", Decimal("0.75"), "current"),
        ("diazepam", Decimal(5), "formulary"),
    ]
    assert [d.drug for d in plan.steps[2].doses] == ["diazepam"]
    current = [w.message for w in plan.warnings if w.code == "formulary-current-dose"]
    assert current == [
        "The formulary 'US default' cannot make estazolam 1.5 mg (night); the plan records "
        "it as the patient's current supply until the switch to diazepam replaces it.",
        "The formulary 'US default' cannot make estazolam 0.75 mg (night), a portion of a "
        "dose switched to diazepam step by step; the plan records it as part of the "
        "patient's current supply until the switch replaces it.",
    ]


def test_it_refuses_a_formulary_file_it_cannot_read(tmp_path: Path) -> None:
    path = write(tmp_path, "name = 'empty'\n")
    with pytest.raises(ClinicalError) as exc:
        plan_taper(request(formulary_path=path))
    assert exc.value.message == f"Formulary {path} lists no [[products]]."


def test_it_refuses_a_formulary_without_the_taper_drug(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
name = "No diazepam"
[[products]]
drug = "clonazepam"
form = "tablet"
strength_mg = 1
source = "site"
""",
    )
    with pytest.raises(ClinicalError) as exc:
        plan_taper(request(switch_to="diazepam", formulary_path=path))
    assert exc.value.message == (
        "The formulary 'No diazepam' has no diazepam product; use a site formulary that lists one."
    )


def test_a_formulary_without_the_drug_names_the_switch_when_it_lists_diazepam(
    tmp_path: Path,
) -> None:
    # Scotland 2024: some formularies allow diazepam 2 mg tablets only.
    path = write(
        tmp_path,
        """
name = "Diazepam 2 mg only"
[[products]]
drug = "diazepam"
form = "tablet"
strength_mg = 2
scored = true
source = "gov.scot 2024"
""",
    )
    with pytest.raises(ClinicalError) as exc:
        plan_taper(request(formulary_path=path))
    assert exc.value.message == (
        "The formulary 'Diazepam 2 mg only' has no clonazepam product; use a switch to "
        "diazepam (it lists diazepam) or a site formulary that lists one."
    )
    plan = plan_taper(
        request(formulary_path=path, switch_to="diazepam", override_reason="stop from 3 mg")
    )
    switched = next(d for d in plan.steps[1].doses if d.drug == "diazepam")
    assert switched.products[0].name == "diazepam 2 mg tablet"


QUAZEPAM = {
    "drug": "quazepam",
    "doses": (("morning", Decimal(15)), ("night", Decimal(15))),
    "equivalence": "vadod",
}


def test_a_plan_that_could_only_stop_at_once_is_refused() -> None:
    # Quazepam comes as 15 mg tablets only (US default formulary): from 30 mg/day the
    # nearest dose below is a 50% cut, so no taper step can be made at all.
    with pytest.raises(ClinicalError) as refused:
        plan_taper(request(**QUAZEPAM))
    assert refused.value.code == "formulary-floor"
    assert refused.value.message.startswith(
        "Refused (formulary-floor): The formulary 'US default' cannot make a quazepam dose "
        "below 30 mg/day within 25% in 14 days (the nearest dose below, 15 mg/day, would "
        "be a 50% cut): the plan would stop from 30 mg/day"
    )
    assert refused.value.message.endswith(
        "No reduction can be made before that stop, so this plan would stop the drug at "
        "once. Ways out: finish on diazepam (a switch to diazepam, or a later switch to "
        "switch once the daily dose is at or below the switch point, with the switch point "
        "at 30 or more), a liquid or compounded form in a site formulary; or give "
        "an override reason to plan the stop anyway."
    )
    assert "a switch to diazepam" in refused.value.message


def test_an_immediate_stop_is_planned_only_with_an_override_reason() -> None:
    plan = plan_taper(request(**QUAZEPAM, override_reason="inpatient, supervised stop"))
    assert [s.kind for s in plan.steps] == ["start", "discontinuation"]
    assert "formulary-floor" in [w.code for w in plan.warnings]


def test_the_way_out_plans_a_taper() -> None:
    plan = plan_taper(request(**QUAZEPAM, switch_to="diazepam"))
    assert plan.steps[-1].kind == "discontinuation"
    assert len(plan.steps) > 10
