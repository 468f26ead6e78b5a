"""The CBT program's exercises (``data/exercises.toml``): their fields and limits, the
check of what a patient enters, and the figures a sleep diary gives.

Pure Python with one data file: no database. Every refusal is a ClinicalError with a
registered code (``exercise-kind``, ``exercise-field``) and one sentence naming the
field by its label as the form shows it.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import cache
from importlib import resources
from typing import Any

from clonacare.core.errors import ClinicalError

FIELD_TYPES = ("text", "integer", "time")
_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
MINUTES_A_DAY = 24 * 60


@dataclass(frozen=True)
class ExerciseField:
    name: str
    label: str
    type: str
    required: bool
    help: str
    max_chars: int | None = None
    min: int | None = None
    max: int | None = None
    label_es: str = ""
    help_es: str = ""


@dataclass(frozen=True)
class Exercise:
    """One exercise. ``title``, ``intro`` and each field's ``label`` and ``help`` are
    English, the words the API and the refusals use; the ``*_es`` ones are the Spanish
    portal's (see ``in_language``)."""

    kind: str
    title: str
    intro: str
    fields: tuple[ExerciseField, ...]
    title_es: str = ""
    intro_es: str = ""

    def field(self, name: str) -> ExerciseField | None:
        return next((f for f in self.fields if f.name == name), None)

    def in_language(self, language: str) -> Exercise:
        """The same exercise with its words in ``language`` for a page to show: Spanish
        ("es") where the data file has them, else English; field names, types and limits
        unchanged."""
        if language != "es":
            return self
        return replace(
            self,
            title=self.title_es or self.title,
            intro=self.intro_es or self.intro,
            fields=tuple(
                replace(f, label=f.label_es or f.label, help=f.help_es or f.help)
                for f in self.fields
            ),
        )


@dataclass(frozen=True)
class SleepFigures:
    """What a sleep diary's times give, as numbers only (no cut-off, no advice: the
    clinical reference holds none). ``efficiency_percent`` is None for no time in bed."""

    time_in_bed_minutes: int
    total_sleep_minutes: int
    efficiency_percent: int | None


def _field(raw: Mapping[str, Any], kind: str) -> ExerciseField:
    if raw.get("type") not in FIELD_TYPES:
        raise ClinicalError(
            "data-file", f"exercises.toml: {kind}.{raw.get('name')} has an unknown type."
        )
    return ExerciseField(
        name=str(raw["name"]),
        label=str(raw["label"]),
        type=str(raw["type"]),
        required=bool(raw["required"]),
        help=str(raw.get("help", "")),
        max_chars=raw.get("max_chars"),
        min=raw.get("min"),
        max=raw.get("max"),
        label_es=str(raw.get("label_es", "")),
        help_es=str(raw.get("help_es", "")),
    )


@cache
def _exercises() -> dict[str, Exercise]:
    text = resources.files("clonacare.therapy").joinpath("data/exercises.toml").read_text()
    data = tomllib.loads(text)
    if not str(data.get("source", "")).strip():
        raise ClinicalError("data-file", "exercises.toml: the file must name its source.")
    found: dict[str, Exercise] = {}
    for raw in data["exercise"]:
        kind = str(raw["kind"])
        found[kind] = Exercise(
            kind=kind,
            title=str(raw["title"]),
            intro=str(raw["intro"]),
            fields=tuple(_field(f, kind) for f in raw["fields"]),
            title_es=str(raw.get("title_es", "")),
            intro_es=str(raw.get("intro_es", "")),
        )
    return found


def exercises_source() -> str:
    """The data file's source line."""
    text = resources.files("clonacare.therapy").joinpath("data/exercises.toml").read_text()
    return str(tomllib.loads(text)["source"])


def exercise_kinds() -> tuple[str, ...]:
    """The kinds of exercise, in the data file's order."""
    return tuple(_exercises())


def exercise(kind: str) -> Exercise:
    """The exercise ``kind``. Refused (``exercise-kind``) for one that does not exist."""
    found = _exercises().get(kind)
    if found is None:
        raise ClinicalError(
            "exercise-kind",
            f"Unknown exercise {kind!r}; choose one of: {', '.join(exercise_kinds())}.",
        )
    return found


def _refuse(message: str) -> ClinicalError:
    return ClinicalError("exercise-field", message)


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _clean(spec: ExerciseField, value: object) -> object:
    """One field's value as stored: text stripped, a whole number, a time as HH:MM."""
    if _blank(value):
        if spec.required:
            raise _refuse(f"Fill in '{spec.label}'.")
        return "" if spec.type == "text" else None
    if spec.type == "text":
        if not isinstance(value, str):
            raise _refuse(f"'{spec.label}' must be text.")
        cleaned = value.strip()
        if spec.max_chars is not None and len(cleaned) > spec.max_chars:
            raise _refuse(
                f"'{spec.label}' is at most {spec.max_chars} characters; got {len(cleaned)}."
            )
        return cleaned
    if spec.type == "integer":
        number: int | None = None
        if isinstance(value, int) and not isinstance(value, bool):
            number = value
        elif isinstance(value, str) and value.strip().isdigit():
            number = int(value.strip())
        if number is None or not spec.min <= number <= spec.max:  # type: ignore[operator]
            raise _refuse(
                f"'{spec.label}' is a whole number from {spec.min} to {spec.max}; got {value!r}."
            )
        return number
    matched = _TIME.match(value.strip()) if isinstance(value, str) else None
    if matched is None:
        raise _refuse(f"'{spec.label}' is a time of day like 23:30; got {value!r}.")
    return f"{int(matched.group(1)):02d}:{matched.group(2)}"


def _minutes(hhmm: str) -> int:
    hours, minutes = hhmm.split(":")
    return int(hours) * 60 + int(minutes)


def sleep_figures(fields: Mapping[str, Any]) -> SleepFigures:
    """Time in bed, total sleep and sleep efficiency of a checked sleep diary.

    The times are on a clock that passes midnight, each counted from the time to bed.
    Refused (``exercise-field``) when they do not follow each other (to bed, trying to
    sleep, final waking, out of bed), or when the minutes to fall asleep and awake add
    up to more than the time from trying to sleep to the final waking."""
    start = _minutes(fields["bed_time"])

    def after_bed(name: str) -> int:
        return (_minutes(fields[name]) - start) % MINUTES_A_DAY

    attempt, waking, out = (
        after_bed(n) for n in ("sleep_attempt_time", "final_waking_time", "out_of_bed_time")
    )
    if not attempt <= waking <= out:
        raise _refuse(
            "The times must follow each other through the night: to bed, then trying to "
            "sleep, then the final waking, then out of bed."
        )
    asleep = waking - attempt - fields["minutes_to_fall_asleep"] - fields["minutes_awake"]
    if asleep < 0:
        raise _refuse(
            "The minutes to fall asleep and awake in the night add up to more than the "
            "time from trying to sleep to the final waking."
        )
    efficiency = round(100 * asleep / out) if out else None
    return SleepFigures(
        time_in_bed_minutes=out, total_sleep_minutes=asleep, efficiency_percent=efficiency
    )


def check_fields(kind: str, values: Mapping[str, object]) -> dict[str, object]:
    """The fields of an exercise ``kind`` as stored, checked one by one in the form's
    order. Refused (``exercise-kind``) for an unknown kind, (``exercise-field``) for a
    field it does not have, a required one left empty, text too long, a number out of
    its range or not whole, a time not like 23:30, or a sleep diary whose times do not
    add up (``sleep_figures``)."""
    spec = exercise(kind)
    unknown = sorted(name for name in values if spec.field(name) is None)
    if unknown:
        raise _refuse(f"A {spec.title.lower()} has no field(s): {', '.join(unknown)}.")
    cleaned = {f.name: _clean(f, values.get(f.name)) for f in spec.fields}
    if kind == "sleep-diary":
        sleep_figures(cleaned)
    return cleaned
