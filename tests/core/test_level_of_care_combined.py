"""Findings that each call for closer monitoring add up (issue 8): two or more raise the
recommendation one level. A Clonacare rule, not a guideline value, marked as one in its
source and configurable (core/assessment/data/settings.toml [combined_findings]); ASAM
Table 2's withdrawal risk is never one of the findings (Rec 5: outpatient by default).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest

from clonacare.core.assessment import (
    AssessmentSettings,
    LevelOfCare,
    level_of_care,
    load_settings,
    parse_assessment,
)
from clonacare.core.assessment.settings import DEFAULT_FILE
from clonacare.core.errors import ClinicalError
from tests.samples import ALICE_RECORD

SETTINGS = load_settings()
TWO = {"alcohol_use_disorder": True, "support_at_home": False}


def care(settings: AssessmentSettings = SETTINGS, **changes: Any) -> LevelOfCare:
    return level_of_care(parse_assessment({**ALICE_RECORD, **changes}), settings)


def test_two_findings_of_closer_monitoring_raise_the_level_one_step() -> None:
    result = care(**TWO)
    assert result.level == "inpatient"
    assert result.description == (
        "Withdrawal management: inpatient or residential medically managed withdrawal"
    )
    combined = result.reasons[-1]
    assert (combined.code, combined.level) == ("combined-findings", "inpatient")
    assert combined.message == (
        "Combined findings: 2 findings each call for closer monitoring (alcohol-use-disorder, "
        "no-support-at-home); together they raise the recommendation one level, to inpatient "
        "(a Clonacare rule: 2 or more, a site setting)."
    )
    assert combined.source.startswith("Clonacare rule, not a guideline value:")
    assert combined.source.endswith(
        "; the count: Clonacare configuration, not a guideline value: 2 is the smallest "
        "count that is a combination"
    )


def test_one_finding_of_closer_monitoring_stays_there() -> None:
    result = care(alcohol_use_disorder=True)
    assert result.level == "intensive-outpatient"
    assert [r.code for r in result.reasons] == ["alcohol-use-disorder"]


def test_findings_that_do_not_call_for_closer_monitoring_are_not_counted() -> None:
    result = care(alcohol_use_disorder=True, pregnant=True, age=70, opioid_use=True)
    assert result.level == "intensive-outpatient"
    assert "combined-findings" not in [r.code for r in result.reasons]


def test_the_withdrawal_risk_is_never_a_finding_here() -> None:
    # Table 2: likely (years at a high dose); with one finding the level stays one step.
    result = care(alcohol_use_disorder=True, duration_months=240, daily_dose_mg=3)
    assert result.level == "intensive-outpatient"


def test_the_combination_never_asks_for_more_than_one_level_above_closer_monitoring() -> None:
    result = care(**TWO, other_sedatives=True, unstable_psychiatric=True)
    assert result.level == "inpatient"
    assert result.reasons[-1].message.startswith("Combined findings: 4 findings")


def test_an_emergency_stays_an_emergency() -> None:
    assert care(**TWO, suicide_screen="acute positive").level == "emergency"


def test_the_rule_can_be_switched_off() -> None:
    off = dataclasses.replace(SETTINGS, combined_findings_enabled=False)
    result = care(off, **TWO)
    assert result.level == "intensive-outpatient"
    assert "combined-findings" not in [r.code for r in result.reasons]


def test_the_count_is_a_setting() -> None:
    three = dataclasses.replace(SETTINGS, combined_findings_at_least=3)
    assert care(three, **TWO).level == "intensive-outpatient"
    result = care(three, **TWO, other_sedatives=True)
    assert result.level == "inpatient"
    assert "(a Clonacare rule: 3 or more, a site setting)" in result.reasons[-1].message


def test_the_shipped_settings_are_on_with_a_count_of_two() -> None:
    assert (SETTINGS.combined_findings_enabled, SETTINGS.combined_findings_at_least) == (True, 2)


def site_file(tmp_path: Path, combined: str | None) -> Path:
    text = DEFAULT_FILE.read_text(encoding="utf-8").split("[combined_findings]")[0]
    if combined is not None:
        text += "[combined_findings]\n" + combined
    path = tmp_path / "settings.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_site_file_from_before_the_rule_takes_the_shipped_values(tmp_path: Path) -> None:
    settings = load_settings(site_file(tmp_path, None))
    assert (settings.combined_findings_enabled, settings.combined_findings_at_least) == (True, 2)
    assert settings.combined_findings_source.endswith("(shipped default)")


def test_a_site_file_can_switch_it_off(tmp_path: Path) -> None:
    path = site_file(tmp_path, 'enabled = false\nat_least = 2\nsource = "our policy"\n')
    settings = load_settings(path)
    assert care(settings, **TWO).level == "intensive-outpatient"


@pytest.mark.parametrize(
    ("table", "message"),
    [
        (
            'enabled = "yes"\nat_least = 2\nsource = "x"\n',
            "settings.toml [combined_findings]: 'enabled' must be true or false.",
        ),
        (
            'enabled = true\nat_least = 1\nsource = "x"\n',
            "settings.toml [combined_findings]: 'at_least' must be a whole number of 2 or more.",
        ),
        (
            'enabled = true\nat_least = 2\nsource = "x"\ncount = 3\n',
            "settings.toml [combined_findings]: unknown key 'count'.",
        ),
    ],
)
def test_a_wrong_setting_is_refused_by_name(tmp_path: Path, table: str, message: str) -> None:
    with pytest.raises(ClinicalError) as exc:
        load_settings(site_file(tmp_path, table))
    assert exc.value.message == message
