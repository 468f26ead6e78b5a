"""Adjusting a plan stored before the current limits: only what the adjustment changes is
judged. A breach the stored plan already had (the old stop from 0.6 mg diazepam-equivalent,
an old stop at the formulary's floor) never blocks a pause or a slowing; it is kept as a
``stored-plan-breach`` warning saying where it comes from and how to fix it. ``taper
adjust`` has its own ``--override-reason`` and ``--confirmed-by``, and its refusals name
only its own options."""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from clonacare.cli import main
from clonacare.core.taper import PatientFactors, TaperRequest, plan_taper, plan_to_dict

STOP = (
    "FDA 2020 boxed warning: withdrawal reactions can be life-threatening (seizures) if the "
    "drug is stopped abruptly or reduced too quickly; ASAM 2025 Rec 6: the pace should "
    "typically not exceed 25% every 2 weeks"
)
FIX = (
    "The revision keeps it as it was; to fix it, plan the taper again from the current dose "
    "(clonacare taper plan), or record why with --override-reason TEXT."
)

# The README's plan as the engine made it before the stop rule: clonazepam 0.5 mg in the
# morning and 1 mg at night, switched to diazepam a dose time at a time, cut by the bands
# every 14 days and stopped from diazepam 0.6 mg. Written out in the old file shape (no
# switch_at_diazepam_equivalent_mg, no band_cut), not taken from the repository's history.
_OLD_CUTS = ["6+20", "2+20", 18, 16, 14, 12, 10, 9, 8, 7, 6, 5, 4, 3, 2.3, 1.8, 1.4, 1.1, 0.9]
_OLD_CUTS += [0.7, 0.6]


def _dose(time: str, drug: str, mg: float) -> dict[str, Any]:
    return {"time": time, "drug": drug, "mg": mg, "supply": "formulary", "products": []}


def old_readme_plan() -> dict[str, Any]:
    start = date(2027, 1, 4)
    regimens: list[tuple[int, str, list[dict[str, Any]], float]] = [
        (7, "start", [_dose("morning", "clonazepam", 0.5), _dose("night", "clonazepam", 1)], 30),
        (7, "crossover", [_dose("morning", "clonazepam", 0.5), _dose("night", "diazepam", 20)], 30),
        (7, "crossover", [_dose("morning", "diazepam", 10), _dose("night", "diazepam", 20)], 30),
    ]
    for cut in _OLD_CUTS:
        if isinstance(cut, str):
            morning, night = (float(x) for x in cut.split("+"))
            doses = [_dose("morning", "diazepam", morning), _dose("night", "diazepam", night)]
            regimens.append((14, "reduction", doses, morning + night))
        else:
            regimens.append((14, "reduction", [_dose("night", "diazepam", cut)], cut))
    regimens.append((0, "discontinuation", [], 0))
    steps = []
    day = 0
    previous = None
    for number, (days, kind, doses, de) in enumerate(regimens):
        change = 0 if not previous else round((de - previous) / previous * 100, 2)
        steps.append(
            {
                "number": number,
                "start": (start + timedelta(days=day)).isoformat(),
                "days": days,
                "kind": kind,
                "doses": doses,
                "diazepam_equivalent_mg": de,
                "change_pct": change,
                "planned_daily_mg": None,
                "cut_short": False,
                "note": "",
            }
        )
        day += days
        previous = de
    return {
        "schema": "clonacare.taper-plan/1",
        "drug": "clonazepam",
        "taper_drug": "diazepam",
        "equivalence_table": "ashton",
        "equivalence_version": "2007",
        "equivalent_to_diazepam_10mg": 0.5,
        "formulary": "US default",
        "method": "bands",
        "revision": 1,
        "outcome": "discontinued",
        "parameters": {
            "drug": "clonazepam",
            "doses": {"morning": 0.5, "night": 1.0},
            "start": "2027-01-04",
            "method": "bands",
            "step": None,
            "interval_days": None,
            "switch_to": "diazepam",
            "crossover_order": None,
            "crossover_days": None,
            "reduce_first": None,
            "equivalence": "ashton",
            "equivalent_mg": None,
            "formulary_path": None,
            "end_dose_mg": None,
            "final_hold_days": None,
            "discontinuation_diazepam_equivalent_mg": None,
            "override_reason": None,
            "patient": {"confirmed_by": None},
            "custom_steps": [],
        },
        "steps": steps,
        "warnings": [],
        "revisions": [{"revision": 1, "on": "2027-01-04", "action": "planned", "reason": ""}],
    }


def write(tmp_path: Path, data: dict[str, Any]) -> str:
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return str(path)


def adjust(capsys: pytest.CaptureFixture[str], path: str, *args: str) -> tuple[int, str, str]:
    code = main(["taper", "adjust", path, *args, "--format", "json"])
    out, err = capsys.readouterr()
    return code, out, err


def old_stop_text(step: int, when: str) -> str:
    return (
        f"step {step} ({when}) stops the drug from 0.6 mg diazepam-equivalent/day, above the "
        "discontinuation dose (0.5 mg diazepam-equivalent): a 100% cut of 0.6 mg "
        f"diazepam-equivalent [{STOP}]"
    )


@pytest.mark.parametrize(
    ("args", "step", "when"),
    [
        (("--pause", "14"), 25, "2027-11-29"),
        (("--slow-interval", "21"), 24, "2028-01-31"),
        (("--step-back",), 26, "2027-12-05"),
    ],
)
def test_it_adjusts_an_old_plan_and_keeps_its_stop_as_the_stored_plans(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    args: tuple[str, ...],
    step: int,
    when: str,
) -> None:
    path = write(tmp_path, old_readme_plan())
    code, out, err = adjust(capsys, path, "--on", "2027-06-20", *args)
    assert (code, err) == (0, "")
    data = json.loads(out)
    (warning,) = [w for w in data["warnings"] if w["code"] == "stored-plan-breach"]
    assert warning == {
        "code": "stored-plan-breach",
        "message": (
            "From the stored plan, made before this limit applied or without an override "
            f"reason: {old_stop_text(step, when)}. {FIX}"
        ),
        "source": STOP,
        "blocking": False,
        "confirmed_by": None,
    }
    assert "rate-limit" not in [w["code"] for w in data["warnings"]]


def test_adjusts_own_override_reason_accepts_the_stored_stop(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = write(tmp_path, old_readme_plan())
    code, out, err = adjust(
        capsys, path, "--on", "2027-06-20", "--pause", "14", "--override-reason", "reviewed"
    )
    assert (code, err) == (0, "")
    data = json.loads(out)
    (warning,) = [w for w in data["warnings"] if w["code"] == "rate-limit"]
    assert warning["message"] == f"Overridden (reviewed): {old_stop_text(25, '2027-11-29')}."
    assert data["parameters"]["override_reason"] == "reviewed"


def test_a_breach_the_adjustment_makes_is_refused_naming_adjusts_options(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # On the last day of a 14-day step, a 2-day pause makes a 3-day step: its own breach.
    path = write(tmp_path, old_readme_plan())
    code, out, err = adjust(capsys, path, "--on", "2027-03-07", "--pause", "2")
    assert (code, out) == (2, "")
    assert err == (
        "clonacare taper: Refused (rate-limit): step 6 (2027-03-07) lasts 3 days: a dose step "
        "shorter than 7 days [ASAM 2025 Rec 6: changing the dose more often than weekly needs "
        "a clinician override with a recorded reason]. Choose another --pause or --on, or "
        "give --override-reason TEXT to adjust the plan anyway.\n"
    )
    code, out, err = adjust(
        capsys, path, "--on", "2027-03-07", "--pause", "2", "--override-reason", "short pause"
    )
    assert (code, err) == (0, "")


def old_floor_plan() -> dict[str, Any]:
    """A plan that stopped at the formulary's floor (clonazepam 0.375 mg, 7.5 mg
    diazepam-equivalent) with only a warning, as plans were made before that stop was
    refused: today's plan with its override reason taken out."""
    plan = plan_taper(
        TaperRequest(
            drug="clonazepam",
            doses=(("night", Decimal(1)),),
            start=date(2027, 1, 4),
            method="percent",
            step=Decimal(10),
            override_reason="old plan",
        )
    )
    data = plan_to_dict(plan)
    data["parameters"]["override_reason"] = None
    del data["parameters"]["switch_at_diazepam_equivalent_mg"], data["parameters"]["band_cut"]
    data["warnings"] = [w for w in data["warnings"] if w["code"] != "rate-limit"]
    return data


@pytest.mark.parametrize(
    "args", [("--pause", "14"), ("--slow-interval", "28"), ("--slow-step", "5")]
)
def test_it_slows_an_old_plan_that_stopped_at_the_floor(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, args: tuple[str, ...]
) -> None:
    path = write(tmp_path, old_floor_plan())
    code, out, err = adjust(capsys, path, "--on", "2027-02-10", *args)
    assert (code, err) == (0, "")
    data = json.loads(out)
    (warning,) = [w for w in data["warnings"] if w["code"] == "stored-plan-breach"]
    assert "stops the drug from 7.5 mg diazepam-equivalent/day" in warning["message"]
    assert data["steps"][-1]["kind"] == "discontinuation"


def confirmed_plan() -> dict[str, Any]:
    """Diazepam 60 mg/day, above the label maximum, stored without the prescriber's
    confirmation (blocking: true, confirmed_by: null), as ``adjust`` used to write it."""
    plan = plan_taper(
        TaperRequest(
            drug="diazepam",
            doses=(("night", Decimal(60)),),
            start=date(2027, 1, 4),
            method="bands",
            patient=PatientFactors(confirmed_by="Dr Okafor"),
        )
    )
    data = plan_to_dict(plan)
    data["parameters"]["patient"]["confirmed_by"] = None
    for warning in data["warnings"]:
        if warning["code"] == "label-maximum":
            warning["confirmed_by"] = None
    return data


BLOCKED = (
    "clonacare taper: Plan blocked until a clinician confirms: Diazepam 60 mg/day is above "
    "the label maximum (40 mg/day for anxiety): the prescriber confirms this starting dose "
    "before the plan is made; it may include use beyond the prescription. [FDA labels: "
    "DailyMed prescribing information] Give --confirmed-by NAME once the responsible "
    "clinician has confirmed.\n"
)


def test_adjust_holds_an_unconfirmed_blocking_warning_until_confirmed_by(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = write(tmp_path, confirmed_plan())
    code, out, err = adjust(capsys, path, "--on", "2027-01-10", "--pause", "7")
    assert (code, out, err) == (2, "", BLOCKED)
    code, out, err = adjust(
        capsys, path, "--on", "2027-01-10", "--pause", "7", "--confirmed-by", "Dr Okafor"
    )
    assert (code, err) == (0, "")
    data = json.loads(out)
    (warning,) = [w for w in data["warnings"] if w["code"] == "label-maximum"]
    assert (warning["blocking"], warning["confirmed_by"]) == (True, "Dr Okafor")
    assert warning["message"].endswith(
        "the prescriber confirms this starting dose before the plan is made; it may include "
        "use beyond the prescription. Confirmed by Dr Okafor."
    )
    assert data["parameters"]["patient"]["confirmed_by"] == "Dr Okafor"
