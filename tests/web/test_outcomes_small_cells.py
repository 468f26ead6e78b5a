"""The small-cell rule as the API answers it: a figure resting on 1 to 10 patients is
withheld, 11 is shown, zero is shown, and a proportion whose rest (the denominator less
the count) is 1 to 10 patients is withheld too, so it cannot be worked out by
subtraction."""

from __future__ import annotations

import datetime as dt
from typing import Any

from tests.api_client import ApiClient
from tests.personas import World
from tests.web.outcomes_world import add_patients, days_ago, module, taper


def noon(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(12), tzinfo=dt.UTC)


def figure(world: World, key: str) -> dict[str, Any]:
    body = ApiClient(world.riverside_admin).get(f"/programs/{world.riverside.pk}/outcomes").json()
    found: dict[str, Any] = next(f for f in body["figures"] if f["key"] == key)
    return found


def test_ten_patients_are_withheld_and_eleven_are_shown(world: World) -> None:
    patients = add_patients(world, 11)
    for patient in patients[:10]:
        taper(world, patient, started_days_ago=20)
    ten = figure(world, "started")
    assert (ten["count"], ten["value"], ten["suppressed_because"]) == (None, None, "fewer-than")
    taper(world, patients[10], started_days_ago=20)
    eleven = figure(world, "started")
    assert (eleven["count"], eleven["value"], eleven["suppressed"]) == (11, 11.0, False)


def test_zero_is_shown(world: World) -> None:
    started = figure(world, "started")
    assert (started["count"], started["suppressed"]) == (0, False)


def test_a_median_is_withheld_with_the_tapers_it_rests_on(world: World) -> None:
    taper(world, world.alex, started_days_ago=400)
    finished = figure(world, "finished")
    median = figure(world, "median_taper_days")
    assert finished["suppressed_because"] == median["suppressed_because"] == "fewer-than"
    assert median["value"] is None


def test_a_small_count_of_a_large_denominator_is_withheld_but_the_denominator_shown(
    world: World,
) -> None:
    patients = add_patients(world, 12)
    for n, patient in enumerate(patients):
        module(world, patient, completed=n < 3, on=days_ago(30))
    completion = figure(world, "module_completion")
    assert (completion["count"], completion["denominator"], completion["value"]) == (
        None,
        12,
        None,
    )
    assert completion["suppressed_because"] == "fewer-than"


def test_a_small_denominator_is_withheld_with_its_count(world: World) -> None:
    for patient in add_patients(world, 5):
        module(world, patient, completed=False, on=days_ago(30))
    completion = figure(world, "module_completion")
    assert (completion["count"], completion["denominator"], completion["value"]) == (
        None,
        None,
        None,
    )
    assert completion["suppressed_because"] == "fewer-than"


def test_a_count_whose_rest_is_small_is_withheld_as_complementary(world: World) -> None:
    # 12 assigned, 11 completed: showing 11 of 12 gives away the one who did not.
    patients = add_patients(world, 12)
    for n, patient in enumerate(patients):
        module(world, patient, completed=n < 11, on=days_ago(30))
    completion = figure(world, "module_completion")
    assert (completion["count"], completion["denominator"], completion["value"]) == (
        None,
        12,
        None,
    )
    assert completion["suppressed_because"] == "complementary"


def test_a_count_whose_rest_is_zero_or_large_is_shown(world: World) -> None:
    patients = add_patients(world, 22)
    for n, patient in enumerate(patients):
        module(world, patient, completed=n < 11, on=days_ago(30))
    completion = figure(world, "module_completion")
    assert (completion["count"], completion["denominator"], completion["value"]) == (
        11,
        22,
        50.0,
    )
    for patient in patients[11:]:
        patient.module_assignments.update(status="completed", completed_at=noon(days_ago(29)))
    everyone = figure(world, "module_completion")
    assert (everyone["count"], everyone["denominator"], everyone["value"]) == (22, 22, 100.0)
