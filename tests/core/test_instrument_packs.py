"""Licensed instruments (C-SSRS, ISI, PDSS, BWSQ): metadata shipped, wording from a
site's own pack. The texts below are placeholders, not the licensed wording.

Published rules: ISI, Bastien CH et al. Sleep Med 2001;2:297–307 (0–7 none, 8–14
subthreshold, 15–21 moderate, 22–28 severe); C-SSRS screener, Posner K et al. Am J
Psychiatry 2011;168:1266–1277 (Q1–2 low; Q3 or behaviour > 3 months moderate; Q4–5 or
behaviour ≤ 3 months high).
"""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
from pathlib import Path

import pytest

from clonacare.core.crisis import load_crisis_resources
from clonacare.core.errors import ClinicalError
from clonacare.core.instruments import (
    AnswersRefused,
    answers_from_tokens,
    licensed_ids,
    licensed_instrument,
    load_licensed_pack,
    score,
)


def write_pack(
    path: Path, target: str, item_ids: list[str], labels: dict[str, list[str]], extra: str = ""
) -> Path:
    lines = [
        f'pack_for = "{target}"',
        'licence = "Test licence 0001"',
        'stem = "Placeholder stem"',
        extra,
        "[items]",
    ]
    lines += [f'"{i}" = "Placeholder text {i}"' for i in item_ids]
    for set_name, codes in labels.items():
        lines.append(f"[option_labels.{set_name}]")
        lines += [f'"{c}" = "Placeholder label {c}"' for c in codes]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def isi_pack(tmp_path: Path) -> Path:
    return write_pack(
        tmp_path / "isi-pack.toml",
        "isi",
        [f"isi-{n}" for n in range(1, 8)],
        {"severity": ["0", "1", "2", "3", "4"]},
    )


def cssrs_pack(tmp_path: Path) -> Path:
    return write_pack(
        tmp_path / "cssrs-pack.toml",
        "cssrs",
        [f"cssrs-{n}" for n in range(1, 7)],
        {"yes_no": ["no", "yes"], "behaviour": ["no", "yes-over-3-months", "yes-within-3-months"]},
    )


def test_only_metadata_ships_for_the_four_licensed_instruments() -> None:
    assert licensed_ids() == ("bwsq", "cssrs", "isi", "pdss")
    assert (licensed_instrument("bwsq").item_count, licensed_instrument("bwsq").score_range) == (
        20,
        (0, 40),
    )
    assert licensed_instrument("isi").score_range == (0, 28)
    assert licensed_instrument("pdss").score_range == (0, 28)
    assert licensed_instrument("cssrs").item_count == 6


@pytest.mark.parametrize(
    ("answers", "total", "band"),
    [
        ("1,1,1,1,1,1,1", 7, "no clinically significant insomnia"),
        ("2,1,1,1,1,1,1", 8, "subthreshold"),
        ("3,2,2,2,2,2,2", 15, "moderate"),
        ("4,3,3,3,3,3,3", 22, "severe"),
    ],
)
def test_a_loaded_isi_pack_scores_with_the_published_bands(
    tmp_path: Path, answers: str, total: int, band: str
) -> None:
    isi = load_licensed_pack(isi_pack(tmp_path))
    assert isi.licensed
    assert "Site licence: Test licence 0001" in isi.licence
    result = score(
        isi, answers_from_tokens(isi, answers.split(",")), crisis=load_crisis_resources()
    )
    assert (result.total, result.band) == (total, band)


@pytest.mark.parametrize(
    ("answers", "band"),
    [
        ("no,no,,,,no", "negative"),
        ("yes,no,,,,no", "low risk"),
        ("no,yes,yes,no,no,no", "moderate risk"),
        ("no,no,,,,yes-over-3-months", "moderate risk"),
        ("no,yes,no,yes,no,no", "high risk"),
        ("no,no,,,,yes-within-3-months", "high risk"),
    ],
)
def test_a_loaded_cssrs_pack_follows_the_screener_risk_rule(
    tmp_path: Path, answers: str, band: str
) -> None:
    cssrs = load_licensed_pack(cssrs_pack(tmp_path))
    result = score(
        cssrs, answers_from_tokens(cssrs, answers.split(",")), crisis=load_crisis_resources()
    )
    assert result.complete
    assert result.band == band
    assert bool(result.alerts) == (band != "negative")


def test_cssrs_asks_3_to_5_only_after_a_yes_to_2(tmp_path: Path) -> None:
    cssrs = load_licensed_pack(cssrs_pack(tmp_path))
    result = score(
        cssrs,
        answers_from_tokens(cssrs, ["no", "yes", "", "", "", "no"]),
        crisis=load_crisis_resources(),
    )
    assert [i.id for i in result.missing] == ["cssrs-3", "cssrs-4", "cssrs-5"]


@pytest.mark.parametrize(
    ("answers", "codes"),
    [
        ("no,yes,no,yes,no,no", ["suicide-risk", "suicide-risk-imminent"]),
        ("no,yes,no,no,yes,no", ["suicide-risk", "suicide-risk-imminent"]),
        ("no,no,,,,yes-within-3-months", ["suicide-risk", "suicide-risk-imminent"]),
        ("no,no,,,,yes-over-3-months", ["suicide-risk"]),
        ("no,yes,yes,no,no,no", ["suicide-risk"]),
    ],
)
def test_a_cssrs_high_risk_result_raises_imminent_risk(
    tmp_path: Path, answers: str, codes: list[str]
) -> None:
    cssrs = load_licensed_pack(cssrs_pack(tmp_path))
    result = score(
        cssrs, answers_from_tokens(cssrs, answers.split(",")), crisis=load_crisis_resources()
    )
    assert [a.code for a in result.alerts] == codes


def test_every_cssrs_high_risk_result_and_only_those_raise_imminent_risk(tmp_path: Path) -> None:
    cssrs = load_licensed_pack(cssrs_pack(tmp_path))
    crisis = load_crisis_resources()
    for *yes_no, behaviour in itertools.product(
        *[["no", "yes"]] * 5, ["no", "yes-over-3-months", "yes-within-3-months"]
    ):
        result = score(cssrs, answers_from_tokens(cssrs, [*yes_no, behaviour]), crisis=crisis)
        imminent = "suicide-risk-imminent" in [a.code for a in result.alerts]
        assert imminent == (result.band == "high risk"), (yes_no, behaviour, result.band)


def test_a_cssrs_question_left_unanswered_is_never_negative(tmp_path: Path) -> None:
    cssrs = load_licensed_pack(cssrs_pack(tmp_path))
    result = score(
        cssrs,
        answers_from_tokens(cssrs, ["no", "", "", "", "", "no"]),
        crisis=load_crisis_resources(),
    )
    assert (result.complete, result.band) == (False, None)
    assert [i.id for i in result.missing] == ["cssrs-2"]
    assert [a.code for a in result.alerts] == ["suicide-screen-incomplete"]


def test_a_cssrs_bad_answer_still_raises_the_others_alerts(tmp_path: Path) -> None:
    cssrs = load_licensed_pack(cssrs_pack(tmp_path))
    with pytest.raises(AnswersRefused) as refused:
        score(
            cssrs,
            answers_from_tokens(cssrs, ["no", "yes", "no", "yes", "no", "sometimes"]),
            crisis=load_crisis_resources(),
        )
    assert refused.value.message == (
        "cssrs item 6: 'sometimes' is not an answer; choose one of no, yes-over-3-months, "
        "yes-within-3-months."
    )
    assert [a.code for a in refused.value.result.alerts] == [
        "suicide-risk",
        "suicide-risk-imminent",
        "suicide-screen-incomplete",
    ]


def test_the_cli_refuses_a_bad_cssrs_answer_with_the_alerts_and_988(tmp_path: Path) -> None:
    pack = cssrs_pack(tmp_path)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "clonacare.cli",
            "score",
            "cssrs",
            "--answers",
            "no,yes,no,yes,no,maybe",
            "--pack",
            str(pack),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    lines = done.stderr.splitlines()
    assert lines[0] == (
        "clonacare score: cssrs item 6: 'maybe' is not an answer; choose one of no, "
        "yes-over-3-months, yes-within-3-months."
    )
    assert [line.split(":")[0] for line in lines if line.startswith("ALERT ")] == [
        "ALERT suicide-risk",
        "ALERT suicide-risk-imminent",
        "ALERT suicide-screen-incomplete",
    ]
    assert "  988 Suicide & Crisis Lifeline: Call or text 988 (988)" in lines


def pack_error(path: Path) -> str:
    with pytest.raises(ClinicalError) as exc:
        load_licensed_pack(path)
    assert exc.value.code == "licensed-pack"
    return exc.value.message


def test_a_pack_for_an_unknown_instrument_is_refused(tmp_path: Path) -> None:
    path = write_pack(tmp_path / "p.toml", "beck", [], {})
    assert pack_error(path) == (
        "p.toml: 'pack_for' must be one of bwsq, cssrs, isi, pdss; got 'beck'."
    )


def test_a_pack_missing_an_item_text_is_refused(tmp_path: Path) -> None:
    path = write_pack(
        tmp_path / "p.toml",
        "isi",
        [f"isi-{n}" for n in range(1, 7)],
        {"severity": ["0", "1", "2", "3", "4"]},
    )
    assert pack_error(path) == "p.toml: item 'isi-7' has no text."


def test_a_pack_with_an_extra_item_is_refused(tmp_path: Path) -> None:
    path = write_pack(
        tmp_path / "p.toml",
        "isi",
        [f"isi-{n}" for n in range(1, 9)],
        {"severity": ["0", "1", "2", "3", "4"]},
    )
    assert pack_error(path).startswith("p.toml: isi has no item 'isi-8'; its items: isi-1,")


def test_a_pack_missing_an_option_label_is_refused(tmp_path: Path) -> None:
    path = write_pack(
        tmp_path / "p.toml",
        "isi",
        [f"isi-{n}" for n in range(1, 8)],
        {"severity": ["0", "1", "2", "3"]},
    )
    assert pack_error(path) == "p.toml: [option_labels.severity] has no label for '4'."


def test_a_pack_cannot_change_the_scoring(tmp_path: Path) -> None:
    path = write_pack(
        tmp_path / "p.toml",
        "isi",
        [f"isi-{n}" for n in range(1, 8)],
        {"severity": ["0", "1", "2", "3", "4"]},
        extra='bands = "none"',
    )
    assert pack_error(path) == (
        "p.toml: unknown field 'bands'; a pack has items, licence, option_labels, pack_for, stem."
    )


def test_the_cli_scores_a_pack_given_with_pack_or_the_environment(tmp_path: Path) -> None:
    pack = isi_pack(tmp_path)
    base = [sys.executable, "-m", "clonacare.cli", "score"]
    done = subprocess.run(
        [*base, "isi", "--answers", "3,2,2,2,2,2,2", "--pack", str(pack)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "Band: moderate" in done.stdout
    done = subprocess.run(
        [*base, "--list"],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "CLONACARE_INSTRUMENT_PACKS": str(pack)},
    )
    assert "\nisi " in done.stdout
    assert "  isi " not in done.stdout
