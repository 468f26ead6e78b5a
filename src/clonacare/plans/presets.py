"""Named presets for drafting a taper plan: sourced data (``data/presets.toml``).

A preset fills some of the taper command's options (method, step, interval, the switch
to diazepam, the band cut) as a starting point for the clinic's plan form; the
prescriber may change every value, and the taper core judges whatever plan results. A
preset adds no rule: each one names where its numbers come from, and a file whose
preset has no ``source``, an unknown option or a malformed value is refused
(``data-file``) naming the file, the preset and the field.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from clonacare.core.sourced import fail, load_toml, require_source, to_decimal
from clonacare.core.taper import METHODS

PRESETS_FILE = Path(__file__).parent / "data" / "presets.toml"

# The options a preset may fill, and what each holds.
_NUMBERS = ("step",)
_DAYS = ("interval",)
_CHOICES: dict[str, tuple[str, ...]] = {
    "method": tuple(METHODS),
    "switch_to": ("diazepam",),
    "band_cut": ("low", "high"),
}


@dataclass(frozen=True)
class Preset:
    """One preset: ``parameters`` are taper options (``PlanParameters`` field names) with
    their values (a Decimal step, whole days, or a choice)."""

    id: str
    title: str
    summary: str
    source: str
    parameters: tuple[tuple[str, Decimal | int | str], ...]

    def value(self, name: str) -> Decimal | int | str | None:
        """The value this preset gives option ``name``, None when it leaves it alone."""
        return dict(self.parameters).get(name)


def _parameter(name: str, value: Any, where: str) -> Decimal | int | str:
    if name in _NUMBERS:
        number = to_decimal(value, f"{where} {name}")
        if number <= 0:
            raise fail(where, f"{name} must be above 0, not {value!r}.")
        return number
    if name in _DAYS:
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise fail(where, f"{name} must be a whole number of days, not {value!r}.")
        return value
    if name in _CHOICES:
        if value not in _CHOICES[name]:
            allowed = ", ".join(_CHOICES[name])
            raise fail(where, f"{name} must be one of {allowed}, not {value!r}.")
        return str(value)
    known = ", ".join((*_NUMBERS, *_DAYS, *_CHOICES))
    raise fail(where, f"a preset fills only {known}; not {name!r}.")


def load_presets(path: Path = PRESETS_FILE) -> tuple[Preset, ...]:
    """Every preset in ``path``, in file order.

    Raises ClinicalError("data-file") for a preset without an id, title or ``source``,
    a repeated id, a preset without a method, or an option it may not fill.
    """
    document = load_toml(path)
    presets: list[Preset] = []
    for index, table in enumerate(document.get("presets", [])):
        where = f"{path.name} [presets {table.get('id', index + 1)}]"
        source = require_source(table, where)
        for key in ("id", "title", "summary"):
            if not isinstance(table.get(key), str) or not table[key].strip():
                raise fail(where, f"every preset needs a '{key}'.")
        raw = table.get("parameters")
        if not isinstance(raw, dict) or "method" not in raw:
            raise fail(where, "every preset needs [parameters] with a method.")
        if any(p.id == table["id"] for p in presets):
            raise fail(where, "this id is used by an earlier preset.")
        parameters = tuple((name, _parameter(name, value, where)) for name, value in raw.items())
        presets.append(
            Preset(
                id=table["id"],
                title=table["title"],
                summary=table["summary"],
                source=source,
                parameters=parameters,
            )
        )
    return tuple(presets)


@cache
def presets() -> tuple[Preset, ...]:
    """The shipped presets (``data/presets.toml``), read once."""
    return load_presets()


def preset(preset_id: str) -> Preset | None:
    """The shipped preset ``preset_id``, None when there is none."""
    return next((p for p in presets() if p.id == preset_id), None)
