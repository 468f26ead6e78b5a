"""The one reader of the core's clinical data files: TOML documents that name the source
of every value.

:func:`load_toml` reads a file; the typed accessors read one value of a table, each
refusing a missing or malformed value with a ClinicalError that names the file, the table
and the key (``where`` is "file [table]"). ``code`` is "data-file" unless the file has a
code of its own (the assessment settings: "settings"). Every package of the core reads
its data files through these, so a malformed file reads the same everywhere.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from clonacare.core.errors import ClinicalError

DATA_FILE = "data-file"


def load_toml(path: Path) -> dict[str, Any]:
    """Read one data file.

    Raises ClinicalError("data-file") naming the file when it is missing or not valid TOML.
    """
    try:
        with path.open("rb") as f:
            return tomllib.load(f)
    except FileNotFoundError:
        raise ClinicalError("data-file", f"Data file not found: {path}.") from None
    except tomllib.TOMLDecodeError as exc:
        raise ClinicalError("data-file", f"Data file {path} is not valid TOML: {exc}.") from None


def fail(where: str, message: str, code: str = DATA_FILE) -> ClinicalError:
    """The refusal of a malformed data file: "``where``: ``message``"."""
    return ClinicalError(code, f"{where}: {message}")


def to_decimal(value: object, where: str) -> Decimal:
    """Turn a number from a data file into a Decimal without float noise.

    Raises ClinicalError("data-file") naming ``where`` when the value is not a number.
    """
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ClinicalError("data-file", f"{where}: expected a number, got {value!r}.")
    try:
        return Decimal(str(value))
    except InvalidOperation:
        raise ClinicalError("data-file", f"{where}: expected a number, got {value!r}.") from None


def require_source(table: Mapping[str, Any], where: str) -> str:
    """Return the ``source`` of a data table; a table without one is refused."""
    source = table.get("source")
    if not isinstance(source, str) or not source.strip():
        raise ClinicalError("data-file", f"{where}: every clinical value needs a 'source'.")
    return source


def table(data: Mapping[str, Any], key: str, where: str, code: str = DATA_FILE) -> dict[str, Any]:
    """The table ``[key]`` of ``data``; refused when it is missing or not a table."""
    raw = data.get(key)
    if not isinstance(raw, dict):
        raise fail(where, f"the [{key}] table is missing.", code)
    return raw


def number(raw: Mapping[str, Any], key: str, where: str) -> Decimal:
    """A required number, exact (a Decimal); refused naming ``where`` and ``key``."""
    if key not in raw:
        raise fail(where, f"'{key}' is missing.")
    return to_decimal(raw[key], f"{where} {key}")


def required_text(
    raw: Mapping[str, Any],
    key: str,
    where: str,
    default: str | None = None,
    code: str = DATA_FILE,
) -> str:
    """A required non-empty string (``default`` when the key is left out, if given)."""
    value = raw.get(key, default)
    if not isinstance(value, str) or not value.strip():
        raise fail(where, f"'{key}' must be a non-empty string.", code)
    return value


def optional_text(
    raw: Mapping[str, Any], key: str, where: str, code: str = DATA_FILE
) -> str | None:
    """A non-empty string, or None when the key is left out."""
    if key not in raw:
        return None
    return required_text(raw, key, where, code=code)


def whole_number(
    raw: Mapping[str, Any],
    key: str,
    where: str,
    low: int | None = None,
    high: int | None = None,
    code: str = DATA_FILE,
) -> int:
    """A required whole number, at least ``low`` and at most ``high`` when given."""
    value = raw.get(key)
    if (
        isinstance(value, bool)
        or not isinstance(value, int)
        or (low is not None and value < low)
        or (high is not None and value > high)
    ):
        if low is None and high is None:
            span = ""
        elif high is None:
            span = f" of {low} or more"
        elif low is None:
            span = f" of {high} or less"
        else:
            span = f" from {low} to {high}"
        raise fail(where, f"'{key}' must be a whole number{span}.", code)
    return value


def true_or_false(
    raw: Mapping[str, Any],
    key: str,
    where: str,
    default: bool | None = None,
    code: str = DATA_FILE,
) -> bool:
    """A required boolean (``default`` when the key is left out, if given)."""
    value = raw.get(key, default)
    if not isinstance(value, bool):
        raise fail(where, f"'{key}' must be true or false.", code)
    return value


def one_of(
    raw: Mapping[str, Any],
    key: str,
    where: str,
    choices: tuple[str, ...],
    code: str = DATA_FILE,
) -> str:
    """A required string that is one of ``choices``."""
    value = required_text(raw, key, where, code=code)
    if value not in choices:
        raise fail(where, f"'{key}' must be one of {', '.join(choices)}; got {value!r}.", code)
    return value


def text_list(
    raw: Mapping[str, Any], key: str, where: str, code: str = DATA_FILE
) -> tuple[str, ...]:
    """A list of non-empty strings (empty when the key is left out)."""
    value = raw.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise fail(where, f"'{key}' must be a list of strings.", code)
    return tuple(value)
