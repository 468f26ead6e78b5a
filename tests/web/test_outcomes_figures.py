"""Each outcome figure on a small world, read through the read model with the small-cell
threshold lowered to 1 (a program may configure it; the shipped 11 is tested through the
API in test_outcomes_small_cells.py)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone

from clonacare.recovery.outcomes import Outcomes, parse_period, program_outcomes
from clonacare.recovery.outcomes_rules import RULES_FILE, OutcomeRules, load_rules
from tests.personas import World
from tests.web.outcomes_world import (
    STOPS_AFTER_DAYS,
    add_patients,
    days_ago,
    group,
    module,
    pause,
    register,
    return_to_use,
    score,
    taper,
)


@pytest.fixture
def every_figure_shown(tmp_path: Path) -> OutcomeRules:
    text = RULES_FILE.read_text(encoding="utf-8").replace(
        "smallest_shown = 11", "smallest_shown = 1"
    )
    path = tmp_path / "outcomes.toml"
    path.write_text(text, encoding="utf-8")
    return load_rules(path)


@pytest.fixture
def planted(world: World) -> World:
    """alex finished a taper; blair stayed on a lower dose; p1 paused; p2 returned to use
    and started again; p3's plan was replaced by another (one attempt); casey (another
    program) finished one too."""
    p1, p2, p3 = add_patients(world, 3)
    taper(world, world.alex, started_days_ago=400)
    taper(world, world.blair, started_days_ago=200, end_dose=Decimal(10))
    pause(world, taper(world, p1, started_days_ago=30), days_ago_=10)
    taper(world, p2, started_days_ago=500)
    return_to_use(world, p2, days_ago(300))
    taper(world, p2, started_days_ago=100)
    taper(world, p3, started_days_ago=60)
    taper(world, p3, started_days_ago=50)
    taper(world, world.casey, started_days_ago=400)
    for patient, first, latest in ((world.alex, 12, 5), (world.blair, 10, 4), (p1, 4, 2)):
        score(world, patient, "phq9", first, days_ago(90))
        score(world, patient, "phq9", latest, days_ago(5))
    score(world, p2, "phq9", 15, days_ago(5))
    score(world, p3, "phq9", 16, days_ago(40))
    score(world, p3, "phq9", 9, days_ago(4))
    score(world, world.alex, "gad7", 8, days_ago(90))
    score(world, world.alex, "gad7", 4, days_ago(5))
    module(world, world.alex, completed=True, on=days_ago(50))
    module(world, world.alex, completed=False, on=days_ago(20))
    module(world, world.blair, completed=True, on=days_ago(100))
    tuesdays = group(world)
    register(world, tuesdays, days_ago(14), {world.alex: "attended", world.blair: "absent"})
    register(world, tuesdays, days_ago(7), {world.alex: "attended", world.blair: "excused"})
    register(world, tuesdays, days_ago(1), {}, held=False)
    return world


def outcomes(world: World, rules: OutcomeRules, start: str = "", end: str = "") -> Outcomes:
    today = timezone.localdate()
    period = parse_period(start, end, today=today)
    return program_outcomes(world.riverside, period, today=today, with_rules=rules)


def shown(result: Outcomes) -> dict[str, tuple[int | None, int | None, float | None]]:
    return {f.key: (f.count, f.denominator, f.value) for f in result.figures}


def test_it_counts_every_figure_over_all_time(
    planted: World, every_figure_shown: OutcomeRules
) -> None:
    assert shown(outcomes(planted, every_figure_shown)) == {
        "started": (6, None, 6.0),
        "finished": (1, None, 1.0),
        "paused": (1, None, 1.0),
        "lower_dose": (1, None, 1.0),
        "returned_to_use": (1, None, 1.0),
        "median_taper_days": (1, None, float(STOPS_AFTER_DAYS)),
        "phq9_response": (2, 3, 66.7),
        "phq9_remission": (1, 3, 33.3),
        "gad7_response": (1, 1, 100.0),
        "gad7_remission": (1, 1, 100.0),
        "module_completion": (2, 3, 66.7),
        "group_attendance": (2, 4, 50.0),
    }


def test_it_counts_only_what_falls_in_the_period(
    planted: World, every_figure_shown: OutcomeRules
) -> None:
    result = shown(outcomes(planted, every_figure_shown, days_ago(90).isoformat()))
    # Started in the last 90 days: p1 (30 days ago) and p3 (60), not p2's second (100).
    assert result["started"] == (2, None, 2.0)
    # alex's taper stopped the drug 64 days ago; blair's reached its kept dose 74 ago.
    assert result["finished"] == (1, None, 1.0)
    assert result["lower_dose"] == (1, None, 1.0)
    assert result["returned_to_use"] == (0, None, 0.0)
    # The first scores of 90 days ago are in; modules from 50 and 20 days ago.
    assert result["phq9_response"] == (2, 3, 66.7)
    assert result["module_completion"] == (1, 2, 50.0)


def test_it_counts_nothing_before_the_first_record(
    planted: World, every_figure_shown: OutcomeRules
) -> None:
    result = outcomes(planted, every_figure_shown, "2000-01-01", "2000-12-31")
    assert shown(result)["started"] == (0, None, 0.0)
    assert shown(result)["median_taper_days"] == (0, None, None)
    assert shown(result)["phq9_response"] == (0, 0, None)
    assert all(f.withheld is None for f in result.figures)


def test_a_replaced_plan_is_one_attempt_and_a_return_to_use_starts_another(
    world: World, every_figure_shown: OutcomeRules
) -> None:
    (patient,) = add_patients(world, 1)
    taper(world, patient, started_days_ago=60)
    taper(world, patient, started_days_ago=50)
    assert shown(outcomes(world, every_figure_shown))["started"] == (1, None, 1.0)
    return_to_use(world, patient, days_ago(20))
    taper(world, patient, started_days_ago=10)
    assert shown(outcomes(world, every_figure_shown))["started"] == (2, None, 2.0)
    assert shown(outcomes(world, every_figure_shown))["returned_to_use"] == (1, None, 1.0)


def test_each_figure_says_what_it_counts_and_its_source(
    planted: World, every_figure_shown: OutcomeRules
) -> None:
    result = outcomes(planted, every_figure_shown)
    lower = result.figure("lower_dose")
    assert lower.source.startswith("ASAM 2025 Rec 11")
    assert "an acceptable outcome" in lower.definition
    response = result.figure("phq9_response")
    assert response.definition == (
        "Latest total at least 50% below the first, among patients whose first PHQ-9 "
        "total in the period was 5 or more and who have a later one."
    )
    assert "Kroenke, Spitzer & Williams 2001 (reference additions)" in response.source
    assert "Spitzer, Kroenke, Williams & Löwe 2006" in result.figure("gad7_remission").source
