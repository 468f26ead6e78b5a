"""Crisis resources: shown on every page and carried by every safety alert."""

from __future__ import annotations

from dataclasses import dataclass, replace
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
    # (language, name, how) for each other language the file gives (``name_es``, ``how_es``)
    translations: tuple[tuple[str, str, str], ...] = ()

    def in_language(self, language: str) -> CrisisResource:
        """This resource as it reads in ``language``; itself when the file gives no
        translation (the file's own language, English in the US file)."""
        for code, name, how in self.translations:
            if code == language:
                return replace(self, name=name, how=how)
        return self

    def as_dict(self) -> dict[str, str]:
        return {"name": self.name, "contact": self.contact, "how": self.how, "tel": self.tel}


@dataclass(frozen=True)
class CrisisResources:
    resources: tuple[CrisisResource, ...]
    source: str
    # The source of each translation, by language (``source_es``).
    translation_sources: tuple[tuple[str, str], ...] = ()

    def in_language(self, language: str) -> CrisisResources:
        """Every resource as it reads in ``language`` (the same numbers, always)."""
        return replace(self, resources=tuple(r.in_language(language) for r in self.resources))

    def of_kind(self, *kinds: str) -> tuple[CrisisResource, ...]:
        """The resources of any of ``kinds``, in the file's order; every resource when
        the file marks none of them (a site file without ``kind``), so a message that
        names whom to call always names someone."""
        found = tuple(r for r in self.resources if r.kind in kinds)
        return found or self.resources

    @property
    def danger_now_contacts(self) -> tuple[str, ...]:
        """The numbers ``danger_now`` names (``("988", "911")``), for a page that joins
        them in its own language."""
        return tuple(r.contact for r in self.of_kind("crisis-line", "emergency"))

    @property
    def emergency_contacts(self) -> tuple[str, ...]:
        """The numbers ``emergency`` names (``("911",)``)."""
        return tuple(r.contact for r in self.of_kind("emergency"))

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
                translations=_translations(entry, file, i),
            )
        )
    languages = {code for r in resources for code, _, _ in r.translations}
    sources = []
    for code in sorted(languages):
        source = data.get(f"source_{code}")
        if not isinstance(source, str) or not source.strip():
            raise ClinicalError(
                "crisis-resources", f"{file}: the {code} translations need source_{code}."
            )
        sources.append((code, source))
    return CrisisResources(
        resources=tuple(resources),
        source=require_source(data, str(file)),
        translation_sources=tuple(sources),
    )


def _translations(entry: dict[str, object], file: Path, i: int) -> tuple[tuple[str, str, str], ...]:
    """The ``name_<code>`` / ``how_<code>`` pairs of one resource: both or neither."""
    codes = sorted({key.split("_", 1)[1] for key in entry if key.startswith(("name_", "how_"))})
    found = []
    for code in codes:
        name, how = entry.get(f"name_{code}"), entry.get(f"how_{code}")
        if not name or not how:
            raise ClinicalError(
                "crisis-resources",
                f"{file}, resource {i}: give both name_{code} and how_{code}, or neither.",
            )
        found.append((code, str(name), str(how)))
    return tuple(found)
