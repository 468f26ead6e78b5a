"""The instruments a site can score: the shipped definitions plus any licensed packs.

Shipped definitions live in ``data/<id>.toml``. Licensed instruments (C-SSRS, ISI, PDSS,
BWSQ) ship as metadata only (``data/licensed/<id>.toml``: structure, scoring, bands,
source and licence, no wording); a site that holds a licence writes a pack file with the
wording and loads it with :func:`load_licensed_pack`.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from clonacare.core.errors import ClinicalError
from clonacare.core.instruments.definition import Instrument, parse_instrument
from clonacare.core.sourced import load_toml

DATA_DIR = Path(__file__).parent / "data"
LICENSED_DIR = DATA_DIR / "licensed"
_NOT_INSTRUMENTS = {"alerts"}
PACK_KEYS = {"pack_for", "licence", "stem", "items", "option_labels"}


@dataclass(frozen=True)
class LicensedInstrument:
    """What we ship for a licensed instrument: enough to list it and check a pack."""

    id: str
    title: str
    short_title: str
    licence: str
    source: str
    item_count: int
    score_range: tuple[int, int] | None


def shipped_ids() -> tuple[str, ...]:
    """The ids of the instruments whose definition ships with Clonacare, sorted."""
    return tuple(sorted(p.stem for p in DATA_DIR.glob("*.toml") if p.stem not in _NOT_INSTRUMENTS))


def licensed_ids() -> tuple[str, ...]:
    return tuple(sorted(p.stem for p in LICENSED_DIR.glob("*.toml")))


@cache
def instrument(instrument_id: str) -> Instrument:
    """The shipped definition of ``instrument_id``.

    ClinicalError("licensed-instrument") for a licensed one (it needs the site's pack) and
    ClinicalError("unknown-instrument") listing the known ids for anything else.
    """
    if instrument_id in licensed_ids():
        # ``pack_file``: how a face says where the pack comes from (the CLI: its --pack).
        raise ClinicalError(
            "licensed-instrument",
            f"{instrument_id} is licensed and not shipped; load your site's licensed "
            "pack{pack_file}.",
            terms={"pack_file": ""},
        )
    if instrument_id not in shipped_ids():
        raise ClinicalError(
            "unknown-instrument",
            f"Unknown instrument {instrument_id!r}; choose one of: {', '.join(shipped_ids())}.",
        )
    path = DATA_DIR / f"{instrument_id}.toml"
    return parse_instrument(load_toml(path), path.name)


@cache
def licensed_instrument(instrument_id: str) -> LicensedInstrument:
    """The shipped metadata of a licensed instrument."""
    path = LICENSED_DIR / f"{instrument_id}.toml"
    if instrument_id not in licensed_ids():
        raise ClinicalError(
            "unknown-instrument",
            f"{instrument_id!r} is not a licensed instrument; "
            f"licensed: {', '.join(licensed_ids())}.",
        )
    data = load_toml(path)
    raw_range = data.get("score_range")
    return LicensedInstrument(
        id=str(data["id"]),
        title=str(data["title"]),
        short_title=str(data["short_title"]),
        licence=str(data["licence"]),
        source=str(data["source"]),
        item_count=len(data["items"]),
        score_range=(int(raw_range[0]), int(raw_range[1])) if raw_range else None,
    )


def _pack_fail(path: Path, message: str) -> ClinicalError:
    return ClinicalError("licensed-pack", f"{path.name}: {message}")


def load_licensed_pack(path: Path | str) -> Instrument:
    """Load a site's licensed pack: the wording for one licensed instrument.

    The pack is a TOML file with ``pack_for`` (the instrument id), ``licence`` (the site's
    licence, shown with every result), ``stem``, ``[items]`` (item id → text) and
    ``[option_labels.<set>]`` (option code → label). Scoring, bands, alerts and the source
    come from our metadata, never from the pack. Raises ClinicalError("licensed-pack")
    naming the field for unknown keys, unknown or missing items and missing labels.
    """
    file = Path(path)
    pack = load_toml(file)
    unknown = sorted(set(pack) - PACK_KEYS)
    if unknown:
        raise _pack_fail(
            file, f"unknown field {unknown[0]!r}; a pack has {', '.join(sorted(PACK_KEYS))}."
        )
    target = pack.get("pack_for")
    if not isinstance(target, str) or target not in licensed_ids():
        raise _pack_fail(
            file, f"'pack_for' must be one of {', '.join(licensed_ids())}; got {target!r}."
        )
    for key in ("licence", "stem"):
        if not isinstance(pack.get(key), str) or not pack[key].strip():
            raise _pack_fail(file, f"'{key}' must be a non-empty string.")
    texts = pack.get("items")
    labels = pack.get("option_labels", {})
    if not isinstance(texts, dict) or not isinstance(labels, dict):
        raise _pack_fail(file, "'items' and 'option_labels' must be tables.")

    meta_path = LICENSED_DIR / f"{target}.toml"
    data: dict[str, Any] = copy.deepcopy(load_toml(meta_path))
    item_ids = [str(i["id"]) for i in data["items"]]
    extra = sorted(set(texts) - set(item_ids))
    if extra:
        raise _pack_fail(
            file, f"{target} has no item {extra[0]!r}; its items: {', '.join(item_ids)}."
        )
    for raw in data["items"]:
        text = texts.get(raw["id"])
        if not isinstance(text, str) or not text.strip():
            raise _pack_fail(file, f"item {raw['id']!r} has no text.")
        raw["text"] = text
    for set_name, raw_set in data.get("option_sets", {}).items():
        set_labels = labels.get(set_name)
        if not isinstance(set_labels, dict):
            raise _pack_fail(file, f"[option_labels.{set_name}] is missing.")
        for option in raw_set["options"]:
            label = set_labels.get(option["code"])
            if not isinstance(label, str) or not label.strip():
                raise _pack_fail(
                    file, f"[option_labels.{set_name}] has no label for {option['code']!r}."
                )
            option["label"] = label
    data["stem"] = pack["stem"]
    data["licence"] = f"{data['licence']}. Site licence: {pack['licence']}"
    return parse_instrument(data, f"{file.name} (pack for {target})", licensed=True)
