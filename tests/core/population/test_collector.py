"""A screen turns the cyclic garbage collector off while it makes its items, and leaves
it as it found it: on again, with the items in its oldest generation (so that no young
collection walks over all of them only to find them alive), or off."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.core.population.dispensing import OLDER, fill, run_screen


@pytest.fixture
def collector() -> Iterator[None]:
    was_on = gc.isenabled()
    yield
    if was_on:
        gc.enable()
    else:
        gc.disable()


def _rows() -> list[dict[str, object]]:
    return [fill(f"P{n:03}", day, born=OLDER) for n in range(50) for day in (0, 30)]


@pytest.mark.usefixtures("collector")
def test_the_collector_is_on_after_a_screen_with_the_items_in_its_oldest_generation(
    tmp_path: Path,
) -> None:
    gc.enable()
    result = run_screen(tmp_path, _rows())
    assert len(result.items) == 50
    assert gc.isenabled()
    oldest = {id(o) for o in gc.get_objects(generation=2)}
    assert all(id(item) in oldest for item in result.items)


@pytest.mark.usefixtures("collector")
def test_a_collector_that_was_off_stays_off(tmp_path: Path) -> None:
    gc.disable()
    result = run_screen(tmp_path, _rows())
    assert len(result.items) == 50
    assert not gc.isenabled()
