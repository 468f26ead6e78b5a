"""Our own checks of FHIR code values: fhir.resources validates structure, not codes.

The value sets here are the required bindings of FHIR R4B for the elements we write.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from clonacare.core.errors import ClinicalError

LOINC_SYSTEM = "http://loinc.org"
OBSERVATION_CATEGORY_SYSTEM = "http://terminology.hl7.org/CodeSystem/observation-category"

# Required bindings, FHIR R4B (4.3.0).
PUBLICATION_STATUS = frozenset({"draft", "active", "retired", "unknown"})
ITEM_TYPES = frozenset(
    {
        "group",
        "display",
        "question",
        "boolean",
        "decimal",
        "integer",
        "date",
        "dateTime",
        "time",
        "string",
        "text",
        "url",
        "choice",
        "open-choice",
        "attachment",
        "reference",
        "quantity",
    }
)
ENABLE_WHEN_OPERATORS = frozenset({"exists", "=", "!=", ">", "<", ">=", "<="})
ENABLE_BEHAVIOURS = frozenset({"all", "any"})
RESPONSE_STATUS = frozenset({"in-progress", "completed", "amended", "entered-in-error", "stopped"})
OBSERVATION_STATUS = frozenset(
    {
        "registered",
        "preliminary",
        "final",
        "amended",
        "corrected",
        "cancelled",
        "entered-in-error",
        "unknown",
    }
)
SUBJECT_TYPES = frozenset({"Patient", "Group", "Person", "RelatedPerson", "Practitioner"})
_LOINC = re.compile(r"^(\d{1,7})-(\d)$")
_URI = re.compile(r"^(https?://\S+|urn:[a-z0-9][a-z0-9-]{0,31}:\S+)$", re.IGNORECASE)


def loinc_check_digit(digits: str) -> int:
    """The LOINC mod-10 check digit of the part before the hyphen.

    From the rightmost digit, every other digit (1st, 3rd, ...) is doubled; the digits of
    those products and of the remaining digits are summed; the check digit brings the sum
    up to the next multiple of 10.
    """
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char) * (2 if position % 2 == 0 else 1)
        total += value // 10 + value % 10
    return (10 - total % 10) % 10


def is_loinc(code: str) -> bool:
    """True when ``code`` has the LOINC form ``NNNNN-C`` and its check digit is right."""
    match = _LOINC.match(code)
    if match is None:
        return False
    return loinc_check_digit(match.group(1)) == int(match.group(2))


def _fail(path: str, message: str) -> ClinicalError:
    return ClinicalError("fhir-code", f"{path}: {message}")


def _walk(node: Any, path: str) -> Iterator[tuple[str, Mapping[str, Any]]]:
    if isinstance(node, Mapping):
        yield path, node
        for key, value in node.items():
            yield from _walk(value, f"{path}.{key}")
    elif isinstance(node, list):
        for n, value in enumerate(node):
            yield from _walk(value, f"{path}[{n}]")


def _one_of(value: object, allowed: frozenset[str], path: str) -> None:
    if value not in allowed:
        raise _fail(path, f"{value!r} is not one of {', '.join(sorted(allowed))}.")


def check_codes(resource: Mapping[str, Any]) -> None:
    """Check the code values of a Questionnaire, QuestionnaireResponse or Observation.

    Raises ClinicalError("fhir-code") naming the element path for a status, item type,
    operator or subject type outside its required value set, a coding system that is not
    an absolute URI, or a LOINC code whose check digit is wrong.
    """
    kind = resource.get("resourceType")
    if kind == "Questionnaire":
        _one_of(resource.get("status"), PUBLICATION_STATUS, "Questionnaire.status")
        for subject in resource.get("subjectType", []):
            _one_of(subject, SUBJECT_TYPES, "Questionnaire.subjectType")
    elif kind == "QuestionnaireResponse":
        _one_of(resource.get("status"), RESPONSE_STATUS, "QuestionnaireResponse.status")
    elif kind == "Observation":
        _one_of(resource.get("status"), OBSERVATION_STATUS, "Observation.status")
    else:
        raise _fail("resourceType", f"{kind!r} is not a resource we check.")
    for path, node in _walk(resource, str(kind)):
        if kind == "Questionnaire" and "linkId" in node:
            _one_of(node.get("type"), ITEM_TYPES, f"{path}.type")
            if "enableBehavior" in node:
                _one_of(node["enableBehavior"], ENABLE_BEHAVIOURS, f"{path}.enableBehavior")
            for n, rule in enumerate(node.get("enableWhen", [])):
                _one_of(
                    rule.get("operator"), ENABLE_WHEN_OPERATORS, f"{path}.enableWhen[{n}].operator"
                )
        if "system" in node and "code" in node:
            system = node["system"]
            if not isinstance(system, str) or not _URI.match(system):
                raise _fail(f"{path}.system", f"{system!r} is not an absolute URI.")
            if system == LOINC_SYSTEM and not is_loinc(str(node["code"])):
                raise _fail(f"{path}.code", f"{node['code']!r} is not a valid LOINC code.")
