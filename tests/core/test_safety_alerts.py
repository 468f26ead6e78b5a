"""Safety alerts fire whatever the total, carry the crisis resources in their own list,
and are told apart by code."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clonacare.core.crisis import load_crisis_resources
from clonacare.core.errors import ClinicalError
from clonacare.core.instruments import alert, instrument, score
from clonacare.core.instruments.alerts import ALERTS_FILE
from clonacare.core.instruments.catalogue import DATA_DIR
from clonacare.core.instruments.definition import ALERT_CODES, parse_instrument
from clonacare.core.sourced import load_toml

PHQ9 = instrument("phq9")
ASQ = instrument("asq")
frequency = st.sampled_from(["0", "1", "2", "3"])
maybe = st.none() | frequency


@given(others=st.lists(maybe, min_size=8, max_size=8), item9=st.sampled_from(["1", "2", "3"]))
def test_phq9_item_9_above_0_always_alerts(others: list[str | None], item9: str) -> None:
    answers = {f"phq9-{n}": a for n, a in enumerate(others, start=1)} | {"phq9-9": item9}
    result = score(PHQ9, answers, crisis=load_crisis_resources())
    assert "suicide-risk" in [a.code for a in result.alerts]
    assert result.crisis_resources == load_crisis_resources().resources


@given(others=st.lists(frequency, min_size=8, max_size=8))
def test_phq9_item_9_at_0_never_alerts(others: list[str]) -> None:
    answers = {f"phq9-{n}": a for n, a in enumerate(others, start=1)} | {"phq9-9": "0"}
    result = score(PHQ9, answers, crisis=load_crisis_resources())
    assert result.alerts == ()
    assert result.crisis_resources == ()


@given(
    four=st.lists(st.sampled_from(["yes", "no"]), min_size=4, max_size=4).filter(
        lambda xs: "yes" in xs
    ),
    acuity=st.none() | st.sampled_from(["yes", "no"]),
)
def test_any_asq_yes_always_alerts(four: list[str], acuity: str | None) -> None:
    answers = {f"asq-{n}": a for n, a in enumerate(four, start=1)} | {"asq-5": acuity}
    result = score(ASQ, answers, crisis=load_crisis_resources())
    codes = [a.code for a in result.alerts]
    assert "suicide-risk" in codes
    assert ("suicide-risk-imminent" in codes) == (acuity == "yes")
    assert result.crisis_resources


def test_crisis_resources_are_not_inside_alert_messages() -> None:
    for code in ALERT_CODES:
        message = alert(code).message
        for resource in load_crisis_resources().resources:
            assert resource.contact not in message


def test_every_alert_names_its_source() -> None:
    for code in ALERT_CODES:
        assert alert(code).source


def test_the_catalogue_holds_exactly_the_known_codes() -> None:
    assert sorted(load_toml(ALERTS_FILE)) == sorted(ALERT_CODES)


def test_an_unanswered_suicide_question_asks_staff_to_complete_the_screen() -> None:
    incomplete = alert("suicide-screen-incomplete")
    assert incomplete.message == (
        "Suicide screen incomplete: a suicide question that applies was left unanswered, "
        "so the screen is not negative; a clinician asks it and completes the screen with "
        "the person."
    )
    assert incomplete.source.startswith("Clonacare rule (not a guideline value): ")


@given(others=st.lists(maybe, min_size=8, max_size=8))
def test_phq9_item_9_unanswered_is_never_negative(others: list[str | None]) -> None:
    answers = {f"phq9-{n}": a for n, a in enumerate(others, start=1)} | {"phq9-9": None}
    result = score(PHQ9, answers, crisis=load_crisis_resources())
    assert (result.complete, result.total, result.band) == (False, None, None)
    assert [a.code for a in result.alerts] == ["suicide-screen-incomplete"]
    assert result.crisis_resources == load_crisis_resources().resources


def test_phq9_item_9_answered_raises_no_incomplete_screen_alert() -> None:
    answers = {f"phq9-{n}": None for n in range(1, 9)} | {"phq9-9": "0"}
    result = score(PHQ9, answers, crisis=load_crisis_resources())
    assert result.complete is False
    assert result.alerts == ()


def test_a_suicide_item_without_an_unanswered_rule_is_refused_when_loaded() -> None:
    data = dict(load_toml(DATA_DIR / "phq9.toml"))
    data["alerts"] = [{"code": "suicide-risk", "any_of": ["phq9-9"], "above": 0}]
    with pytest.raises(ClinicalError) as refused:
        parse_instrument(data, "test.toml")
    assert refused.value.message == (
        "test.toml: suicide item 'phq9-9' needs an alert 'suicide-screen-incomplete' with "
        "'unanswered_any_of' naming it: an unanswered suicide question is never negative."
    )


def test_an_unanswered_rule_names_items_of_the_instrument() -> None:
    data = dict(load_toml(DATA_DIR / "phq9.toml"))
    data["alerts"] = [
        {"code": "suicide-risk", "any_of": ["phq9-9"], "above": 0},
        {"code": "suicide-screen-incomplete", "unanswered_any_of": ["phq9-99"]},
    ]
    with pytest.raises(ClinicalError) as refused:
        parse_instrument(data, "test.toml")
    assert refused.value.message == (
        "test.toml alert: 'unanswered_any_of' must name items of this instrument; "
        "unknown: ['phq9-99']."
    )


def test_the_cli_carries_a_sites_crisis_file(tmp_path: Path) -> None:
    site = tmp_path / "crisis-site.toml"
    site.write_text(
        'source = "Test site list"\n[[resources]]\nname = "Site crisis team"\n'
        'contact = "555-0100"\nhow = "Call the crisis team"\ntel = "5550100"\n',
        encoding="utf-8",
    )
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "clonacare.cli",
            "score",
            "asq",
            "--answers",
            "yes,no,no,no,no",
            "--format",
            "json",
        ],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "CLONACARE_CRISIS_FILE": str(site)},
    )
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["crisis_resources"] == [
        {
            "name": "Site crisis team",
            "contact": "555-0100",
            "how": "Call the crisis team",
            "tel": "5550100",
        }
    ]
    assert [a["code"] for a in out["alerts"]] == ["suicide-risk"]
