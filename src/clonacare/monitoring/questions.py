"""What a check-in asks: the patient-rated CIWA-B items and the three 0–10 ratings.

The CIWA-B items are read from the instrument's own definition (the core's
``ciwa-b.toml``: the items whose rater is the patient, ``self``), so a change there
changes the check-in. The ratings (sleep, anxiety, craving) are Clonacare's own, with
their range, the words at each end and their source in ``data/check-in.toml``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

from clonacare.core.instruments import Instrument, Item, instrument
from clonacare.core.sourced import load_toml, require_source, required_text, table, whole_number

CHECK_IN_FILE = Path(__file__).parent / "data" / "check-in.toml"
CIWA_B = "ciwa-b"
SCALE_IDS = ("sleep", "anxiety", "craving")


@dataclass(frozen=True)
class Scale:
    """One 0–10 rating of the check-in: a higher number is worse."""

    id: str
    question: str
    low: int
    high: int
    low_label: str
    high_label: str
    source: str
    question_es: str = ""
    low_label_es: str = ""
    high_label_es: str = ""

    def in_language(self, language: str) -> Scale:
        """The same rating with its words in ``language`` for a page to show: Spanish
        ("es") where the data file has them, else English; range unchanged. The API
        and the stored check-in use the English words."""
        if language != "es" or not self.question_es:
            return self
        return replace(
            self,
            question=self.question_es,
            low_label=self.low_label_es or self.low_label,
            high_label=self.high_label_es or self.high_label,
        )


@cache
def scales() -> tuple[Scale, ...]:
    """The check-in's ratings, in the order asked; a malformed file is refused
    (ClinicalError ``data-file`` naming the table and key)."""
    data = load_toml(CHECK_IN_FILE)
    where = CHECK_IN_FILE.name
    every = table(data, "scales", where)
    require_source(every, f"{where} [scales]")
    found: list[Scale] = []
    for scale_id in SCALE_IDS:
        at = f"{where} [scales.{scale_id}]"
        raw = table(every, scale_id, at)
        low = whole_number(raw, "low", at, low=0)
        found.append(
            Scale(
                id=scale_id,
                question=required_text(raw, "question", at),
                low=low,
                high=whole_number(raw, "high", at, low=low + 1),
                low_label=required_text(raw, "low_label", at),
                high_label=required_text(raw, "high_label", at),
                source=require_source(raw, at),
                question_es=str(raw.get("question_es", "")),
                low_label_es=str(raw.get("low_label_es", "")),
                high_label_es=str(raw.get("high_label_es", "")),
            )
        )
    return tuple(found)


def ciwa_b() -> Instrument:
    return instrument(CIWA_B)


def ciwa_b_patient_items() -> tuple[Item, ...]:
    """The CIWA-B items the patient rates (``rater = "self"``), in the form's order."""
    return tuple(item for item in ciwa_b().items if item.rater == "self")
