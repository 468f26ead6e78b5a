"""A level-of-care record whose suicide screen is incomplete (not done, refused or stopped
part way) is never read as negative: it raises ``suicide-screen-incomplete`` and a reason
asking staff to complete the screen before the taper goes ahead, without changing the
level. ``suicide_screen`` stays required: a record without it is refused, never read as
negative. Through the core and ``clonacare assess``."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from clonacare.core.assessment import assess, load_settings, parse_assessment
from clonacare.core.crisis import load_crisis_resources
from clonacare.core.drugs import equivalence_table
from clonacare.core.errors import ClinicalError
from tests.samples import ALICE_RECORD

INCOMPLETE = {**ALICE_RECORD, "suicide_screen": "incomplete"}
REASON_MESSAGE = (
    "Suicide screen incomplete: no completed suicide screen is recorded (not done, refused "
    "or stopped part way); staff complete the screen (ASQ) with the person before the taper "
    "goes ahead."
)
REASON_SOURCE = (
    "Clonacare rule (not a guideline value): a screen that was not completed is never read "
    "as negative; NIMH ASQ pathway (clinical reference, Instruments: ASQ)"
)
ALERT_MESSAGE = (
    "Suicide screen incomplete: a suicide question that applies was left unanswered, so the "
    "screen is not negative; a clinician asks it and completes the screen with the person."
)


def evaluate(data: dict[str, Any]) -> dict[str, Any]:
    result = assess(
        parse_assessment(data),
        table=equivalence_table("ashton"),
        settings=load_settings(),
        crisis=load_crisis_resources(),
    )
    return result.as_dict()


def run(path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "clonacare.cli", "assess", str(path), *args],
        capture_output=True,
        text=True,
        check=False,
    )


def write(tmp_path: Path, data: dict[str, Any]) -> Path:
    path = tmp_path / "patient.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_an_incomplete_screen_asks_staff_to_complete_it_and_stays_outpatient() -> None:
    out = evaluate(INCOMPLETE)
    assert out["level"] == "outpatient"
    assert out["reasons"] == [
        {
            "code": "suicide-screen-incomplete",
            "message": REASON_MESSAGE,
            "source": REASON_SOURCE,
            "level": "outpatient",
        }
    ]
    assert [a["code"] for a in out["alerts"]] == ["suicide-screen-incomplete"]
    assert out["alerts"][0]["message"] == ALERT_MESSAGE
    assert [r["contact"] for r in out["crisis_resources"]] == [
        r.contact for r in load_crisis_resources().resources
    ]


def test_an_incomplete_screen_leaves_other_findings_to_set_the_level() -> None:
    out = evaluate({**INCOMPLETE, "history_withdrawal_seizure": True})
    assert out["level"] == "inpatient"
    assert [r["code"] for r in out["reasons"]] == [
        "suicide-screen-incomplete",
        "withdrawal-seizure",
    ]


def test_a_negative_screen_is_still_valid_and_raises_nothing() -> None:
    out = evaluate(ALICE_RECORD)
    assert [r["code"] for r in out["reasons"]] == ["outpatient-default"]
    assert out["alerts"] == []


@pytest.mark.parametrize(
    ("screen", "codes"),
    [
        ("negative", []),
        ("incomplete", ["suicide-screen-incomplete"]),
        ("non-acute positive", ["suicide-risk"]),
        ("acute positive", ["suicide-risk-imminent", "suicide-risk"]),
    ],
)
def test_each_screen_raises_its_own_alerts(screen: str, codes: list[str]) -> None:
    out = evaluate({**ALICE_RECORD, "suicide_screen": screen})
    assert [a["code"] for a in out["alerts"]] == codes


def test_a_record_without_a_screen_is_refused_not_read_as_negative() -> None:
    without = {k: v for k, v in ALICE_RECORD.items() if k != "suicide_screen"}
    with pytest.raises(ClinicalError) as refused:
        parse_assessment(without)
    assert refused.value.message == "missing field 'suicide_screen'."


def test_the_command_prints_the_reason_the_alert_and_the_crisis_resources(
    tmp_path: Path,
) -> None:
    done = run(write(tmp_path, INCOMPLETE))
    assert (done.returncode, done.stderr) == (0, "")
    lines = done.stdout.splitlines()
    assert lines[0] == (
        "Level of care: outpatient (Outpatient taper with monitoring at each reduction)"
    )
    assert f"  [outpatient] suicide-screen-incomplete: {REASON_MESSAGE}" in lines
    assert f"      source: {REASON_SOURCE}" in lines
    assert f"ALERT suicide-screen-incomplete: {ALERT_MESSAGE}" in lines
    assert "Crisis resources:" in lines
    assert any("988" in line for line in lines[lines.index("Crisis resources:") :])


def test_the_command_gives_the_json_of_an_incomplete_screen(tmp_path: Path) -> None:
    done = run(write(tmp_path, INCOMPLETE), "--format", "json")
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert (out["level"], [r["code"] for r in out["reasons"]]) == (
        "outpatient",
        ["suicide-screen-incomplete"],
    )
    assert [a["code"] for a in out["alerts"]] == ["suicide-screen-incomplete"]


def test_the_command_refuses_a_file_without_a_screen(tmp_path: Path) -> None:
    path = write(tmp_path, {k: v for k, v in ALICE_RECORD.items() if k != "suicide_screen"})
    done = run(path)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == f"clonacare assess: {path}: missing field 'suicide_screen'.\n"


def test_the_command_names_incomplete_among_the_screens_it_takes(tmp_path: Path) -> None:
    path = write(tmp_path, {**ALICE_RECORD, "suicide_screen": "not screened"})
    done = run(path)
    assert done.returncode == 2
    assert done.stderr == (
        f"clonacare assess: {path}: field 'suicide_screen' must be one of: negative, "
        'non-acute positive, acute positive, incomplete; got "not screened".\n'
    )
