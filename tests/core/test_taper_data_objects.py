"""The taper engine plans with data given as loaded objects (a formulary, the rules, an
equivalence table), not with file paths: a caller loads once and passes what it loaded."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

from clonacare.core.drugs import Formulary, equivalence_table, load_formulary
from clonacare.core.taper import (
    Pause,
    TaperRequest,
    adjust_plan,
    load_rules,
    plan_taper,
    request_formulary,
)

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


def tablets_only() -> Formulary:
    shipped = load_formulary()
    return replace(
        shipped,
        name="Diazepam tablets only",
        products=tuple(p for p in shipped.products if p.drug == "diazepam" and p.form == "tablet"),
        path="",
    )


def test_it_plans_with_a_formulary_given_as_an_object() -> None:
    plan = plan_taper(request(end_dose_mg=Decimal(5)), tablets_only())
    assert plan.formulary_name == "Diazepam tablets only"
    forms = {q.name for s in plan.steps for d in s.doses for q in d.products}
    assert forms
    assert all("tablet" in name for name in forms)


def test_it_plans_with_rules_given_as_an_object() -> None:
    rules = replace(load_rules(), default_interval_days=21)
    plan = plan_taper(request(), rules=rules)
    assert plan.steps[1].start == START + timedelta(days=21)


def test_it_plans_with_an_equivalence_table_given_as_an_object() -> None:
    plan = plan_taper(
        request(drug="clonazepam", doses=(("night", Decimal(1)),), switch_to="diazepam"),
        table=equivalence_table("vadod"),
    )
    assert plan.equivalence_table == "vadod"


def test_an_adjustment_takes_the_same_objects() -> None:
    rules = replace(load_rules(), default_interval_days=21)
    plan = plan_taper(
        request(end_dose_mg=Decimal(5)),
        tablets_only(),
        rules=rules,
    )
    revised = adjust_plan(
        plan,
        date(2027, 2, 1),
        Pause(days=7),
        formulary=tablets_only(),
        rules=rules,
    )
    assert revised.formulary_name == "Diazepam tablets only"
    assert revised.revision == 2


def test_a_request_that_names_its_formulary_by_path_is_loaded_by_the_loader() -> None:
    assert request_formulary(request()).name == load_formulary().name
