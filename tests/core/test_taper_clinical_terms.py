"""The taper engine speaks clinical terms ("the step", "an override reason"), never the
options of one face; the command line words the same messages with its own flags."""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal

import pytest

from clonacare.cli import main
from clonacare.cli.taper import FLAG_NAMES
from clonacare.core.errors import ClinicalError
from clonacare.core.instruments import instrument
from clonacare.core.taper import (
    PatientFactors,
    Pause,
    SlowStep,
    TaperPlan,
    TaperRequest,
    adjust_plan,
    plan_taper,
    plan_to_dict,
    render,
)
from clonacare.core.taper.terms import TERMS

START = date(2027, 1, 4)
STAMP_FREE_FORMATS = ("json", "table", "csv", "dispensing")


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


REFUSED_REQUESTS: list[dict[str, object]] = [
    {"step": None},
    {"step": Decimal(0)},
    {"step": Decimal(50)},
    {"method": "fixed", "step": Decimal(20)},
    {"method": "bands", "step": None, "band_cut": "sideways"},
    {"band_cut": "low"},
    {"switch_at_de_mg": Decimal(5)},
    {
        "drug": "clonazepam",
        "doses": (("night", Decimal(1)),),
        "switch_to": "diazepam",
        "switch_at_de_mg": Decimal(0),
    },
    {"drug": "clonazepam", "doses": (("night", Decimal(1)),)},
    {"interval_days": 0},
    {"crossover_order": ("night",)},
    {"crossover_days": 3},
    {"reduce_first": ("noon",)},
    {"final_hold_days": 0},
    {"discontinuation_de_mg": Decimal(0)},
    {"discontinuation_de_mg": Decimal(5)},
    {"equivalent_mg": Decimal(-1)},
    {"drug": "estazolam", "doses": (("night", Decimal(2)),), "equivalent_mg": Decimal(3)},
    {"switch_to": "diazepam"},
    {"end_dose_mg": Decimal(0)},
    {"end_dose_mg": Decimal(20)},
    {"method": "custom", "step": None},
    {"patient": PatientFactors(age=500)},
    {"patient": PatientFactors(history_withdrawal_seizure=True)},
    {"doses": ()},
    {"doses": (("night", Decimal(10**6)),)},
    {"start": date.max},
]


@pytest.mark.parametrize("kw", REFUSED_REQUESTS)
def test_no_refusal_of_a_plan_names_a_command_line_option(kw: dict[str, object]) -> None:
    with pytest.raises(ClinicalError) as refused:
        plan_taper(request(**kw))
    assert "--" not in refused.value.message
    assert "FILE" not in refused.value.message


def running_plan(**kw: object) -> TaperPlan:
    return plan_taper(request(**kw))


@pytest.mark.parametrize(
    ("on", "action", "kw"),
    [
        (START - timedelta(days=1), Pause(days=3), {}),
        (date(2027, 2, 1), Pause(days=0), {}),
        (date(2027, 2, 1), SlowStep(step=Decimal(1)), {"method": "bands", "step": None}),
        (date(2027, 2, 1), SlowStep(step=Decimal(20)), {}),
    ],
)
def test_no_refusal_of_an_adjustment_names_a_command_line_option(
    on: date, action: Pause | SlowStep, kw: dict[str, object]
) -> None:
    with pytest.raises(ClinicalError) as refused:
        adjust_plan(running_plan(**kw), on, action)
    assert "--" not in refused.value.message


def planned_with_warnings() -> list[TaperPlan]:
    """Plans whose warnings and notes name terms: an overridden percentage, a stop at the
    formulary's floor, a range of equivalents, a discontinuation dose chosen for the plan."""
    return [
        plan_taper(request(step=Decimal(50), override_reason="inpatient unit")),
        plan_taper(
            request(
                drug="clonazepam",
                doses=(("night", Decimal(1)),),
                override_reason="supervised stop",
            )
        ),
        plan_taper(request(drug="estazolam", doses=(("night", Decimal(2)),), switch_to="diazepam")),
        plan_taper(request(discontinuation_de_mg=Decimal("0.5"))),
    ]


def test_no_warning_or_note_of_a_plan_names_a_command_line_option() -> None:
    for plan in planned_with_warnings():
        assert {w.code for w in plan.warnings} & {
            "rate-limit",
            "formulary-floor",
            "equivalence-range",
        } or any(s.note.startswith("Stops:") for s in plan.steps)
        for fmt in STAMP_FREE_FORMATS:
            assert "--" not in render(plan, fmt, stamp=None)  # type: ignore[arg-type]
        text = json.dumps(plan_to_dict(plan), ensure_ascii=False)
        assert "--" not in text
    chosen = planned_with_warnings()[-1]
    assert chosen.steps[-1].note.endswith(
        "at or below the discontinuation dose (0.5 mg diazepam-equivalent, chosen by the "
        "prescriber)."
    )


def test_the_command_line_has_a_name_for_every_term_of_the_engine() -> None:
    assert set(FLAG_NAMES) == set(TERMS)


def test_the_core_names_the_step_where_the_command_line_names_its_flag(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(ClinicalError) as refused:
        plan_taper(request(interval_days=0))
    assert refused.value.message == "The interval must be 1 to 365 days."
    code = main(
        [
            *("taper", "plan", "--start", "2027-01-04", "--drug", "diazepam"),
            *("--dose", "night=20", "--method", "percent", "--step", "10"),
            *("--interval", "0", "--format", "json"),
        ]
    )
    assert (code, capsys.readouterr().err) == (
        2,
        "clonacare taper: --interval must be 1 to 365 days.\n",
    )


def test_an_overridden_warning_reads_in_clinical_terms_in_the_core_and_flags_on_the_cli(
    capsys: pytest.CaptureFixture[str],
) -> None:
    plan = plan_taper(request(step=Decimal(50), override_reason="inpatient unit"))
    core_warning = next(w for w in plan_to_dict(plan)["warnings"] if w["code"] == "rate-limit")
    assert core_warning["message"].startswith("Overridden (inpatient unit): The step 50 every ")
    code = main(
        [
            *("taper", "plan", "--start", "2027-01-04", "--drug", "diazepam"),
            *("--dose", "night=20", "--method", "percent", "--step", "50"),
            *("--override-reason", "inpatient unit", "--format", "json"),
        ]
    )
    out = capsys.readouterr().out
    assert code == 0
    cli_warning = next(w for w in json.loads(out)["warnings"] if w["code"] == "rate-limit")
    assert cli_warning["message"] == core_warning["message"].replace(
        "): The step 50", "): --step 50"
    )


def test_a_reason_with_braces_is_kept_as_written() -> None:
    plan = plan_taper(request(step=Decimal(50), override_reason="ward {3} {step}"))
    warning = next(w for w in plan.warnings if w.code == "rate-limit")
    assert warning.message.startswith("Overridden (ward {3} {step}): The step 50 every ")


def test_a_licensed_instrument_names_no_command_line_option() -> None:
    with pytest.raises(ClinicalError) as refused:
        instrument("isi")
    assert refused.value.message == (
        "isi is licensed and not shipped; load your site's licensed pack."
    )
