"""Loading clinical data files: TOML documents that name the source of every value."""

from __future__ import annotations

import tomllib
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from clonacare.core.errors import ClinicalError


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


def require_source(table: dict[str, Any], where: str) -> str:
    """Return the ``source`` of a data table; a table without one is refused."""
    source = table.get("source")
    if not isinstance(source, str) or not source.strip():
        raise ClinicalError("data-file", f"{where}: every clinical value needs a 'source'.")
    return source
