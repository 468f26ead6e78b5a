"""Crisis resources: shown on every page and carried by every safety alert."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from clonacare.core.errors import ClinicalError
from clonacare.core.sourced import load_toml, require_source

DEFAULT_FILE = Path(__file__).parent / "data" / "crisis-us.toml"
# What a resource is for, so a message can name the right ones without hard-coding a
# number: a crisis line and emergency services are for danger now; emergency services
# for a seizure happening now; a helpline for information and referral.
KINDS = ("crisis-line", "emergency", "helpline")


@dataclass(frozen=True)
class CrisisResource:
    name: str
    contact: str
    how: str
    tel: str
    kind: str = ""

    def as_dict(self) -> dict[str, str]:
        return {"name": self.name, "contact": self.contact, "how": self.how, "tel": self.tel}


@dataclass(frozen=True)
class CrisisResources:
    resources: tuple[CrisisResource, ...]
    source: str

    def of_kind(self, *kinds: str) -> tuple[CrisisResource, ...]:
        """The resources of any of ``kinds``, in the file's order; every resource when
        the file marks none of them (a site file without ``kind``), so a message that
        names whom to call always names someone."""
        found = tuple(r for r in self.resources if r.kind in kinds)
        return found or self.resources

    @property
    def danger_now(self) -> str:
        """Whom to call in danger now, for a sentence: ``988 or 911`` (the contacts of
        the crisis lines and emergency services)."""
        return " or ".join(r.contact for r in self.of_kind("crisis-line", "emergency"))

    @property
    def emergency(self) -> str:
        """Whom to call when a seizure is happening now: ``911``."""
        return " or ".join(r.contact for r in self.of_kind("emergency"))


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
        kind = str(entry.get("kind", ""))
        if kind and kind not in KINDS:
            raise ClinicalError(
                "crisis-resources",
                f"{file}, resource {i}: kind {kind!r} is not one of {', '.join(KINDS)}.",
            )
        resources.append(
            CrisisResource(
                name=str(entry["name"]),
                contact=str(entry["contact"]),
                how=str(entry["how"]),
                tel=str(entry["tel"]),
                kind=kind,
            )
        )
    return CrisisResources(resources=tuple(resources), source=require_source(data, str(file)))
