"""Crisis resources: shown on every page and carried by every safety alert."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from clonacare.core.errors import ClinicalError
from clonacare.core.sourced import load_toml, require_source

DEFAULT_FILE = Path(__file__).parent / "data" / "crisis-us.toml"


@dataclass(frozen=True)
class CrisisResource:
    name: str
    contact: str
    how: str
    tel: str

    def as_dict(self) -> dict[str, str]:
        return {"name": self.name, "contact": self.contact, "how": self.how, "tel": self.tel}


@dataclass(frozen=True)
class CrisisResources:
    resources: tuple[CrisisResource, ...]
    source: str


@cache
def load_crisis_resources(path: Path | str | None = None) -> CrisisResources:
    """Load the crisis resources; without ``path``, the US default.

    Raises ClinicalError("crisis-resources") when the file lists none or a field is missing:
    a site must never run without them.
    """
    file = Path(path) if path else DEFAULT_FILE
    data = load_toml(file)
    raw = data.get("resources")
    if not isinstance(raw, list) or not raw:
        raise ClinicalError("crisis-resources", f"{file} lists no [[resources]].")
    resources = []
    for i, entry in enumerate(raw, start=1):
        missing = [k for k in ("name", "contact", "how", "tel") if not entry.get(k)]
        if missing:
            raise ClinicalError(
                "crisis-resources", f"{file}, resource {i}: missing {', '.join(missing)}."
            )
        resources.append(
            CrisisResource(
                name=str(entry["name"]),
                contact=str(entry["contact"]),
                how=str(entry["how"]),
                tel=str(entry["tel"]),
            )
        )
    return CrisisResources(resources=tuple(resources), source=require_source(data, str(file)))
