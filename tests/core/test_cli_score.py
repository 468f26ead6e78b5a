"""``clonacare score``: the CLI contract of issue 4."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "clonacare.cli", "score", *args],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, **(env or {})},
    )


def run_json(*args: str) -> dict[str, object]:
    done = run(*args, "--format", "json")
    assert done.returncode == 0, done.stderr
    result: dict[str, object] = json.loads(done.stdout)
    return result


def test_it_lists_the_instruments_and_the_licensed_packs() -> None:
    done = run("--list")
    assert done.returncode == 0
    for instrument_id in ("phq9", "gad7", "sds", "dsm5-sud", "ciwa-b", "asq"):
        assert f"\n{instrument_id} " in done.stdout
    assert "Licensed, not shipped (load your site's pack with --pack FILE):" in done.stdout
    for licensed in ("cssrs", "isi", "pdss", "bwsq"):
        assert f"  {licensed} " in done.stdout


def test_it_scores_phq9_as_the_contract_says() -> None:
    out = run_json("phq9", "--answers", "1,2,0,3,1,0,2,1,0")
    assert {k: out[k] for k in ("instrument", "total", "band", "complete", "alerts")} == {
        "instrument": "phq9",
        "total": 10,
        "band": "moderate",
        "complete": True,
        "alerts": [],
    }
    assert out["crisis_resources"] == []


def test_the_json_alert_has_a_code_and_message_and_crisis_resources_its_own_list() -> None:
    out = run_json("phq9", "--answers", "0,0,0,0,0,0,0,0,2")
    assert out["total"] == 2
    alerts = out["alerts"]
    assert isinstance(alerts, list)
    assert [a["code"] for a in alerts] == ["suicide-risk"]
    assert all(a["message"] for a in alerts)
    assert [r["contact"] for r in out["crisis_resources"]] == [  # type: ignore[attr-defined]
        "988",
        "911",
        "1-800-662-4357",
    ]


def test_the_text_format_shows_total_band_and_alert() -> None:
    done = run("phq9", "--answers", "1,2,0,3,1,0,2,1,1")
    assert done.returncode == 0
    assert "Total: 11 (range 0–27)" in done.stdout
    assert "Band: moderate" in done.stdout
    assert "ALERT suicide-risk: " in done.stdout
    assert "Crisis resources:" in done.stdout


@pytest.mark.parametrize(
    ("answers", "band"),
    [
        ("no,no,no,no", "negative"),
        ("no,yes,no,no,no", "non-acute positive"),
        ("no,yes,no,no,yes", "acute positive"),
        # Issue 8 reverses the earlier "negative": an acuity yes is acute whatever 1–4 say.
        ("no,no,no,no,yes", "acute positive"),
    ],
)
def test_it_classifies_asq(answers: str, band: str) -> None:
    assert run_json("asq", "--answers", answers)["band"] == band


def test_asq_acute_positive_alerts_imminent_risk() -> None:
    out = run_json("asq", "--answers", "yes,no,no,no,yes")
    assert [a["code"] for a in out["alerts"]] == [  # type: ignore[attr-defined]
        "suicide-risk",
        "suicide-risk-imminent",
    ]


def test_dsm5_sud_counts_criteria_and_honours_taken_as_prescribed() -> None:
    out = run_json("dsm5-sud", "--answers", "1,0,1,1,0,0,0,0,0,1,1")
    assert (out["total"], out["band"]) == (5, "moderate")
    out = run_json("dsm5-sud", "--answers", "1,0,1,1,0,0,0,0,0,1,1", "--taken-as-prescribed")
    assert (out["total"], out["band"]) == (3, "mild")


def test_an_incomplete_form_exits_2_naming_the_item_and_prints_no_total() -> None:
    done = run("gad7", "--answers", "1,2,0,3,1,0")
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr == (
        "clonacare score: no total: gad7 item 7 is not answered; "
        "a total needs every item that applies.\n"
    )


CRISIS_LINES = (
    "Crisis resources:\n"
    "  988 Suicide & Crisis Lifeline: Call or text 988 (988)\n"
    "  Emergency services: Call 911 if you or someone else is in immediate danger (911)\n"
    "  SAMHSA National Helpline: Free, confidential, 24/7 treatment referral and information "
    "(1-800-662-4357)\n"
)
SCREEN_INCOMPLETE = (
    "ALERT suicide-screen-incomplete: Suicide screen incomplete: a suicide question that "
    "applies was left unanswered, so the screen is not negative; a clinician asks it and "
    "completes the screen with the person.\n"
)


def test_phq9_without_item_9_is_refused_and_asks_staff_to_complete_the_screen() -> None:
    done = run("phq9", "--answers", "1,2,0,3,1,0,2,1")
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == (
        "clonacare score: no total: phq9 item 9 is not answered; "
        "a total needs every item that applies.\n" + SCREEN_INCOMPLETE + CRISIS_LINES
    )


def test_a_bad_answer_is_refused_with_the_alerts_of_the_valid_answers() -> None:
    done = run("phq9", "--answers", "0,0,0,9,0,0,0,0,3")
    assert (done.returncode, done.stdout) == (2, "")
    lines = done.stderr.splitlines()
    assert lines[0] == (
        "clonacare score: phq9 item 4: '9' is not an answer; choose one of 0, 1, 2, 3."
    )
    assert lines[1].startswith("ALERT suicide-risk: Possible suicide risk: ")
    assert "\n".join(lines[2:]) + "\n" == CRISIS_LINES


def test_a_refusal_with_alerts_prints_them_as_json_too() -> None:
    done = run("phq9", "--answers", "0,0,0,9,0,0,0,0,3", "--format", "json")
    assert done.returncode == 2
    out = json.loads(done.stdout)
    assert out["refused"] == "phq9 item 4: '9' is not an answer; choose one of 0, 1, 2, 3."
    assert (out["complete"], out["total"], out["band"]) == (False, None, None)
    assert [a["code"] for a in out["alerts"]] == ["suicide-risk"]
    assert [r["contact"] for r in out["crisis_resources"]] == ["988", "911", "1-800-662-4357"]
    assert done.stderr.splitlines()[0] == f"clonacare score: {out['refused']}"


@pytest.mark.parametrize("output", ["text", "json"])
@pytest.mark.parametrize(
    ("instrument", "answers", "codes"),
    [
        ("asq", "yes,no,no,no", ["suicide-risk", "suicide-screen-incomplete"]),
        ("asq", "no,no,,no", ["suicide-screen-incomplete"]),
        (
            "asq",
            "no,no,no,often,yes",
            ["suicide-risk", "suicide-risk-imminent", "suicide-screen-incomplete"],
        ),
        ("phq9", "3,3,3,3,3,3,3,3,4", ["suicide-screen-incomplete"]),
        ("ciwa-b", ",".join(["0"] * 19 + ["5", "yes"]), ["seizure"]),
    ],
)
def test_every_output_format_carries_the_alerts_and_988_of_a_refusal(
    output: str, instrument: str, answers: str, codes: list[str]
) -> None:
    done = run(instrument, "--answers", answers, "--format", output)
    assert done.returncode == 2
    shown = done.stdout + done.stderr
    assert [c for c in codes if f"ALERT {c}: " in done.stderr] == codes
    assert "988 Suicide & Crisis Lifeline" in shown
    if output == "json":
        out = json.loads(done.stdout)
        assert [a["code"] for a in out["alerts"]] == codes
        assert out["crisis_resources"][0]["contact"] == "988"


def test_an_incomplete_form_still_shows_an_alert_that_fired() -> None:
    done = run("asq", "--answers", "yes,no,no,no")
    assert done.returncode == 2
    assert done.stdout == ""
    lines = done.stderr.splitlines()
    assert lines[0] == (
        "clonacare score: no result: asq item 5 is not answered; "
        "a result needs every item that applies."
    )
    assert lines[1].startswith("ALERT suicide-risk: ")
    assert lines[2] == SCREEN_INCOMPLETE.rstrip("\n")
    assert "Crisis resources:" in lines


def test_an_out_of_range_answer_exits_2_naming_the_item() -> None:
    done = run("gad7", "--answers", "1,1,1,9,1,1,1")
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr == (
        "clonacare score: gad7 item 4: '9' is not an answer; choose one of 0, 1, 2, 3.\n"
    )


def test_a_non_numeric_answer_exits_2_naming_the_item() -> None:
    done = run("sds", "--answers", "1,x,1,1,1")
    assert (done.returncode, done.stdout) == (2, "")
    assert (
        done.stderr
        == "clonacare score: sds item 2: 'x' is not an answer; choose one of 0, 1, 2, 3.\n"
    )


CRISIS_LINES = (
    "Crisis resources:\n"
    "  988 Suicide & Crisis Lifeline: Call or text 988 (988)\n"
    "  Emergency services: Call 911 if you or someone else is in immediate danger (911)\n"
    "  SAMHSA National Helpline: Free, confidential, 24/7 treatment referral and information "
    "(1-800-662-4357)\n"
)


def test_too_many_answers_exit_2_with_the_crisis_resources() -> None:
    done = run("gad7", "--answers", "1,1,1,1,1,1,1,1")
    assert (done.returncode, done.stderr) == (
        2,
        "clonacare score: gad7 takes 7 answers; got 8.\n" + CRISIS_LINES,
    )


def test_too_many_answers_to_a_suicide_screen_raise_an_incomplete_screen() -> None:
    done = run("phq9", "--answers", "1,1,1,1,1,1,1,1,0,0,1")
    assert done.returncode == 2
    assert done.stderr.startswith(
        "clonacare score: phq9 takes 9 to 10 answers; got 11.\nALERT suicide-screen-incomplete: "
    )
    assert done.stderr.endswith(CRISIS_LINES)


def test_too_many_answers_keep_the_item_9_answer() -> None:
    # Read in order from the first answer, item 9 is the 2: its alert is raised too.
    done = run("phq9", "--answers", "1,1,1,1,1,1,1,1,2,0,1")
    assert done.returncode == 2
    assert done.stderr.startswith(
        "clonacare score: phq9 takes 9 to 10 answers; got 11.\nALERT suicide-risk: "
    )
    assert "\nALERT suicide-screen-incomplete: " in done.stderr
    assert done.stderr.endswith(CRISIS_LINES)
    json_run = run("phq9", "--answers", "1,1,1,1,1,1,1,1,2,0,1", "--format", "json")
    assert json_run.returncode == 2
    body = json.loads(json_run.stdout)
    assert body["refused"] == "phq9 takes 9 to 10 answers; got 11."
    assert [a["code"] for a in body["alerts"]] == ["suicide-risk", "suicide-screen-incomplete"]
    assert body["alerts"][0]["source"].startswith("PHQ-9 item 9 above 0")
    assert "988" in json.dumps(body["crisis_resources"])


def test_an_unreadable_acuity_answer_raises_an_incomplete_screen() -> None:
    done = run("asq", "--answers", "no,no,no,no,maybe")
    assert done.returncode == 2
    assert done.stderr.startswith(
        "clonacare score: asq item 5: 'maybe' is not an answer; choose one of "
    )
    assert "ALERT suicide-screen-incomplete: " in done.stderr
    assert "988" in done.stderr


def test_taken_as_prescribed_applies_only_to_dsm5_sud() -> None:
    done = run("phq9", "--answers", "0,0,0,0,0,0,0,0,0", "--taken-as-prescribed")
    assert (done.returncode, done.stderr) == (
        2,
        "clonacare score: --taken-as-prescribed applies only to dsm5-sud.\n",
    )


def test_an_unknown_instrument_exits_2() -> None:
    done = run("beck", "--answers", "1")
    assert (done.returncode, done.stderr) == (
        2,
        "clonacare score: Unknown instrument 'beck'; choose one of: asq, ciwa-b, dsm5-sud, "
        "gad7, phq9, sds.\n",
    )


def test_a_licensed_instrument_needs_the_sites_pack() -> None:
    done = run("isi", "--answers", "1,1,1,1,1,1,1")
    assert (done.returncode, done.stderr) == (
        2,
        "clonacare score: isi is licensed and not shipped; load your site's licensed pack "
        "(--pack FILE).\n",
    )


def test_answers_are_required() -> None:
    done = run("gad7")
    assert (done.returncode, done.stderr) == (
        2,
        "clonacare score: --answers is required (in item order: gad7-1, gad7-2, gad7-3, "
        "gad7-4, gad7-5, gad7-6, gad7-7).\n",
    )


def test_an_instrument_or_list_is_required() -> None:
    done = run()
    assert (done.returncode, done.stderr) == (
        2,
        "clonacare score: name an instrument, or use --list to see them.\n",
    )


def test_the_sds_cut_off_comes_from_the_settings_file(tmp_path: Path) -> None:
    settings = tmp_path / "settings.toml"
    settings.write_text(
        '[sds]\ndependence_cutoff = 7\nsource = "de las Cuevas 2000 (> 6)"\n'
        '[failed_tapers]\nat_least = 2\nsource = "site"\n',
        encoding="utf-8",
    )
    assert run_json("sds", "--answers", "1,1,1,1,2")["band"] == "dependence likely"
    done = run("sds", "--answers", "1,1,1,1,2", "--format", "json", "--settings", str(settings))
    assert json.loads(done.stdout)["band"] == "below cut-off"
    done = run(
        "sds",
        "--answers",
        "1,1,1,1,2",
        "--format",
        "json",
        env={"CLONACARE_ASSESSMENT_SETTINGS": str(settings)},
    )
    assert json.loads(done.stdout)["band"] == "below cut-off"


def test_ciwa_b_reports_a_total_without_a_band() -> None:
    out = run_json("ciwa-b", "--answers", ",".join(["1"] * 20))
    assert (out["total"], out["band"], out["report"]) == (20, None, "trend")


def test_no_traceback_reaches_the_user_for_a_broken_settings_file(tmp_path: Path) -> None:
    settings = tmp_path / "settings.toml"
    settings.write_text("[sds\n", encoding="utf-8")
    done = run("sds", "--answers", "1,1,1,1,2", "--settings", str(settings))
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert done.stderr.startswith(f"clonacare score: Data file {settings} is not valid TOML")


@pytest.mark.parametrize(
    "args",
    [
        ("phq9", "--answers", "1,2,0,3,1,0,2,1,1", "--format", "json"),
        ("--list",),
    ],
)
def test_a_reader_that_goes_away_ends_it_quietly(args: tuple[str, ...]) -> None:
    """``clonacare score ... | head -1``: the pipe's reader has gone before the output is
    written (here it is closed before the command starts, so the case is certain)."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        done = subprocess.run(
            [sys.executable, "-m", "clonacare.cli", "score", *args],
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            check=False,
        )
    finally:
        os.close(write_end)
    assert (done.returncode, done.stderr) == (1, "")
