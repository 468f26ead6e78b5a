"""What every resource of an exported record shares: stable ids, references inside a
Bundle, validation by fhir.resources' R4B models, and the 42 CFR Part 2 security labels
of a Bundle (and of each line of a bulk NDJSON file). Pure: no Django.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.resource import Resource

from clonacare.core.errors import ClinicalError
from clonacare.core.fhir.resources import CODE_SYSTEM_BASE

CONFIDENTIALITY_SYSTEM = "http://terminology.hl7.org/CodeSystem/v3-Confidentiality"
ACT_CODE_SYSTEM = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
BUNDLE_IDENTIFIER_SYSTEM = f"{CODE_SYSTEM_BASE}:bundle"

# The 42 CFR Part 2 labels every exported Bundle carries (HL7 v3, as HL7 defines them):
# R (restricted), the 42CFRPart2 policy, and NORDSCLCD (no redisclosure without consent).
PART2_SECURITY: tuple[dict[str, str], ...] = (
    {"system": CONFIDENTIALITY_SYSTEM, "code": "R", "display": "restricted"},
    {"system": ACT_CODE_SYSTEM, "code": "42CFRPart2", "display": "42 CFR Part2"},
    {
        "system": ACT_CODE_SYSTEM,
        "code": "NORDSCLCD",
        "display": "no redisclosure without consent directive",
    },
)

# A fixed namespace for the uuid5 ids of exported resources (any constant would do; this
# one must never change, or the same record would get new ids on each export).
_NAMESPACE = uuid.UUID("6f1d3a52-2b0e-5c8e-9a57-0c6f2d1e7b44")


def resource_id(*parts: object) -> str:
    """A stable id for the resource named by ``parts`` (``"Patient", 12``): a uuid5."""
    return str(uuid.uuid5(_NAMESPACE, "/".join(str(p) for p in parts)))


def ref(resource_type: str, rid: str, display: str | None = None) -> dict[str, str]:
    """A reference to a resource of a Bundle by its ``urn:uuid:`` full URL."""
    reference = {"reference": f"urn:uuid:{rid}", "type": resource_type}
    if display:
        reference["display"] = display
    return reference


def aware(moment: dt.datetime, name: str) -> str:
    """``moment`` as a FHIR dateTime; ClinicalError("naive-datetime") naming ``name``
    when it has no time zone."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ClinicalError("naive-datetime", f"{name} must be an aware datetime (UTC).")
    return moment.isoformat()


def validated(model: type[Resource], resource: dict[str, Any]) -> dict[str, Any]:
    """``resource`` itself, once ``model`` (its fhir.resources R4B class) has validated
    it; pydantic's ValidationError otherwise (a mapping mistake, never bad input)."""
    model.model_validate(resource)
    return resource


def bundle(
    resources: Iterable[Mapping[str, Any]], *, identifier: str, timestamp: dt.datetime
) -> dict[str, Any]:
    """A ``collection`` Bundle of ``resources`` with the Part 2 security labels in
    ``meta.security``; each entry's ``fullUrl`` is its ``urn:uuid:`` id."""
    entries = [{"fullUrl": f"urn:uuid:{r['id']}", "resource": dict(r)} for r in resources]
    resource: dict[str, Any] = {
        "resourceType": "Bundle",
        "id": resource_id("Bundle", identifier),
        "meta": {"security": [dict(label) for label in PART2_SECURITY]},
        "identifier": {"system": BUNDLE_IDENTIFIER_SYSTEM, "value": identifier},
        "type": "collection",
        "timestamp": aware(timestamp, "timestamp"),
        "entry": entries,
    }
    return validated(Bundle, resource)


def labelled(resource: Mapping[str, Any]) -> dict[str, Any]:
    """``resource`` with the Part 2 security labels added to its own ``meta.security``
    (each line of a bulk NDJSON file stands alone, so each carries them)."""
    meta = dict(resource.get("meta", {}))
    meta["security"] = [dict(label) for label in PART2_SECURITY]
    return {**resource, "meta": meta}
