"""A dose that is already the smallest product (one capsule or tablet that cannot be
split or portioned) sits at the formulary's floor from the start. The ways out named at
that floor are ones that can be planned: the switch to diazepam cannot be gradual (no
portion of at most half the daily dose exists), so it is offered in one step with an
override reason, which the switch then accepts and lists in the ``rate-limit`` warning
with its size. The switch's own refusal has the "Refused (rule): … Ways out: …" form and
does not send the clinician back to the floor."""

from __future__ import annotations

import json

import pytest

from clonacare.cli import main

PLAN = ["taper", "plan", "--start", "2027-01-04", "--method", "percent", "--step", "10"]
PORTION_SOURCE = (
    "Clonacare rule (issue 8), not a guideline value: no switch step replaces more than half "
    "of the daily diazepam-equivalent, and the switch takes at least two steps of at least 7 "
    "days; built on ASAM 2025 Rec 7: transition to the longer-acting benzodiazepine over 1–2 "
    "weeks rather than 1–2 days; and Ashton 2002 (crossover method): substitute a portion of "
    "one dose time's amount at a time (for example a quarter or half), roughly weekly, so no "
    "day sees the whole regimen change"
)
# The smallest US product of each drug (clinical reference), its diazepam-equivalent on
# the Ashton table (a range's midpoint for flurazepam and estazolam), and the 50% of it a
# switch step may replace.
SMALLEST = [
    ("clonazepam", "0.125", "2.5", "1.25"),
    ("temazepam", "7.5", "3.75", "1.875"),
    ("oxazepam", "10", "5", "2.5"),
    ("flurazepam", "15", "6.667", "3.333"),
    ("estazolam", "1", "6.667", "3.333"),
    ("triazolam", "0.125", "2.5", "1.25"),
    ("quazepam", "15", "7.5", "3.75"),
    ("chlordiazepoxide", "5", "2", "1"),
]


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main([*PLAN, *args])
    out, err = capsys.readouterr()
    return code, out, err


def an(drug: str) -> str:
    return f"{'an' if drug[0] in 'aeiou' else 'a'} {drug}"


@pytest.mark.parametrize(("drug", "mg", "de", "half"), SMALLEST)
def test_the_floor_offers_the_switch_in_one_step(
    capsys: pytest.CaptureFixture[str], drug: str, mg: str, de: str, half: str
) -> None:
    code, out, err = run(capsys, "--drug", drug, "--dose", f"night={mg}", "--format", "json")
    assert (code, out) == (2, "")
    assert err == (
        f"clonacare taper: Refused (formulary-floor): The formulary 'US default' cannot make "
        f"{an(drug)} dose below {mg} mg/day within 25% in 14 days (the nearest dose below, 0 "
        f"mg/day, would be a 100% cut): the plan would stop from {mg} mg/day, a 100% cut "
        f"({de} mg diazepam-equivalent), above the discontinuation dose (0.5 mg "
        "diazepam-equivalent). No reduction can be made before that stop, so this plan would "
        "stop the drug at once. Ways out: finish on diazepam in one step with --switch-to "
        f"diazepam and --override-reason TEXT ({de} mg diazepam-equivalent at once: the "
        "products make no smaller portion), a liquid or compounded form in a site formulary "
        "(--formulary FILE); or give --override-reason TEXT to plan the stop anyway.\n"
    )


@pytest.mark.parametrize(("drug", "mg", "de", "half"), SMALLEST)
def test_the_switch_is_refused_with_ways_out_that_lead_somewhere(
    capsys: pytest.CaptureFixture[str], drug: str, mg: str, de: str, half: str
) -> None:
    code, out, err = run(
        capsys,
        "--drug",
        drug,
        "--dose",
        f"night={mg}",
        "--switch-to",
        "diazepam",
        "--format",
        "json",
    )
    assert (code, out) == (2, "")
    assert err == (
        f"clonacare taper: Refused (gradual-switch): the formulary 'US default' cannot make a "
        f"portion of {drug} {mg} mg (night) small enough to switch to diazepam gradually: a "
        f"step may replace at most 50% of the daily dose ({half} mg diazepam-equivalent) "
        f"[{PORTION_SOURCE}]. Ways out: a site formulary (--formulary FILE) with smaller "
        "products; or give --override-reason TEXT to switch it in fewer, larger portions.\n"
    )


@pytest.mark.parametrize(("drug", "mg", "de", "half"), SMALLEST)
def test_an_override_reason_switches_it_in_one_step_and_says_how_large(
    capsys: pytest.CaptureFixture[str], drug: str, mg: str, de: str, half: str
) -> None:
    code, out, err = run(
        capsys,
        *("--drug", drug, "--dose", f"night={mg}", "--switch-to", "diazepam"),
        *("--override-reason", "one capsule, supervised switch", "--format", "json"),
    )
    assert (code, err) == (0, "")
    data = json.loads(out)
    step = data["steps"][1]
    assert (step["kind"], {d["drug"] for d in step["doses"]}) == ("crossover", {"diazepam"})
    (warning,) = [w for w in data["warnings"] if w["code"] == "rate-limit"]
    assert warning["message"] == (
        f"Overridden (one capsule, supervised switch): step 1 (2027-01-11) switches {drug} "
        f"{mg} mg (night), {de} mg diazepam-equivalent or 100% of the daily dose, in one "
        f"step: more than the 50% a step may replace [{PORTION_SOURCE}]."
    )
    assert warning["source"] == PORTION_SOURCE
    assert data["outcome"] == "discontinued"


def test_a_dose_that_can_be_cut_keeps_the_gradual_switch_as_its_way_out(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # Clonazepam 1 mg reaches its floor at 0.375 mg, where a gradual switch can begin.
    code, out, err = run(capsys, "--drug", "clonazepam", "--dose", "night=1", "--format", "json")
    assert (code, out) == (2, "")
    assert "Ways out: finish on diazepam (--switch-to diazepam, or --switch-at MG" in err
