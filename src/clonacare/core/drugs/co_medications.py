"""Medications for co-occurring conditions that matter beside a benzodiazepine, and the
interaction flags they raise.

The classes (opioids, gabapentinoids, z-drugs, ...), their member drugs and the flag
rules are data with a source each (``data/co-medications.toml``, documented in
docs/records.md). :func:`interaction_flags` is a pure function of what the patient
takes: the current benzodiazepine(s), the other medications (a known drug id each, or
None for one recorded as free text) and whether alcohol use disorder was recorded. It
records and informs: no flag recommends starting, stopping or changing a drug.

Public API::

    table = co_medications()                       # the shipped file
    table.drug("oxycodone").class_id               # "opioids"
    flags = interaction_flags(
        table, benzodiazepines=("clonazepam",), medications=("oxycodone", None), alcohol=False
    )
    flags.by_medication[0][0].code                 # "opioid-with-benzodiazepine"
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from clonacare.core.errors import ClinicalError
from clonacare.core.sourced import fail, load_toml, require_source, required_text, text_list

DATA_FILE = Path(__file__).parent / "data" / "co-medications.toml"

BENZODIAZEPINE = "benzodiazepine"
ALCOHOL = "alcohol"
ANY_MEDICATION = "cns-depressant"
MOUD = "moud"
# How a flag names alcohol use disorder, the subject of alcohol flags.
ALCOHOL_NAME = "alcohol use disorder (recorded at the latest level-of-care assessment)"
_ID = re.compile(r"^[a-z][a-z0-9-]*$")


@dataclass(frozen=True)
class CoMedication:
    """One known drug: its id (the generic name), its class, and whether it is a
    medication for opioid use disorder (methadone, buprenorphine)."""

    id: str
    class_id: str
    moud: bool = False


@dataclass(frozen=True)
class DrugClass:
    id: str
    name: str
    member: str
    source: str
    drugs: tuple[str, ...]
    moud: tuple[str, ...] = ()


@dataclass(frozen=True)
class FlagRule:
    code: str
    subject: tuple[str, ...]
    partner: tuple[str, ...]
    message: str
    source: str


@dataclass(frozen=True)
class Flag:
    """One interaction: its ``code``, what it means (``message``), its ``source``, and
    what the medication is combined ``with`` (drug ids, benzodiazepine names, or
    ``alcohol``)."""

    code: str
    message: str
    source: str
    with_: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "message": self.message,
            "source": self.source,
            "with": list(self.with_),
        }


@dataclass(frozen=True)
class InteractionFlags:
    """The flags of each medication, in the order the medications were given (none
    for one without a known drug), and those that concern no single medication
    (``general``: alcohol with the benzodiazepine)."""

    by_medication: tuple[tuple[Flag, ...], ...]
    general: tuple[Flag, ...]


@dataclass(frozen=True)
class CoMedicationTable:
    classes: tuple[DrugClass, ...]
    rules: tuple[FlagRule, ...]
    moud_member: str
    source_file: str

    def drug(self, drug_id: str) -> CoMedication:
        """The known drug ``drug_id``; ClinicalError("unknown-co-medication") otherwise."""
        for drug_class in self.classes:
            if drug_id in drug_class.drugs:
                return CoMedication(drug_id, drug_class.id, drug_id in drug_class.moud)
        raise ClinicalError(
            "unknown-co-medication",
            f"Unknown drug {drug_id!r}: choose one of the listed drugs, or leave the drug "
            "out and write the medication's name.",
        )

    def drug_class(self, class_id: str) -> DrugClass:
        for drug_class in self.classes:
            if drug_class.id == class_id:
                return drug_class
        raise ClinicalError("data-file", f"{self.source_file}: no class {class_id!r}.")

    def drug_ids(self) -> tuple[str, ...]:
        return tuple(d for c in self.classes for d in c.drugs)


def _selectors(raw: Mapping[str, Any], key: str, where: str, classes: set[str]) -> tuple[str, ...]:
    found = text_list(raw, key, where)
    known = {*classes, BENZODIAZEPINE, ALCOHOL, ANY_MEDICATION, MOUD}
    if not found:
        raise fail(where, f"'{key}' must name at least one selector.")
    for selector in found:
        if selector not in known:
            raise fail(where, f"'{key}' names {selector!r}, which is not a class or a selector.")
    return found


def load_co_medications(path: Path | str | None = None) -> CoMedicationTable:
    """Read a co-medications file (the shipped one without ``path``).

    Refused with ClinicalError("data-file") naming the file and table: a class or a
    flag without a ``source``, a class without drugs, a drug in two classes, a
    ``moud`` drug not among the class's drugs, a rule naming an unknown selector, or a
    message with a placeholder other than {drug} and {other}.
    """
    file = Path(path) if path else DATA_FILE
    data = load_toml(file)
    name = file.name
    moud_member = required_text(data, "moud_member", name)
    raw_classes = data.get("classes")
    if not isinstance(raw_classes, dict) or not raw_classes:
        raise fail(name, "the [classes] table is missing.")
    classes: list[DrugClass] = []
    seen: dict[str, str] = {}
    for class_id, raw in raw_classes.items():
        where = f"{name} [classes.{class_id}]"
        if not isinstance(raw, dict):
            raise fail(where, "must be a table.")
        if not _ID.match(class_id):
            raise fail(where, "a class id is lower-case letters, digits and hyphens.")
        source = require_source(raw, where)
        drugs = text_list(raw, "drugs", where)
        if not drugs:
            raise fail(where, "'drugs' must list at least one drug.")
        for drug in drugs:
            if drug in seen:
                raise fail(where, f"{drug!r} is in the class {seen[drug]!r} already.")
            seen[drug] = class_id
        moud = text_list(raw, "moud", where)
        stray = [d for d in moud if d not in drugs]
        if stray:
            raise fail(where, f"'moud' names {', '.join(stray)}, not among its drugs.")
        classes.append(
            DrugClass(
                id=class_id,
                name=required_text(raw, "name", where),
                member=required_text(raw, "member", where),
                source=source,
                drugs=drugs,
                moud=moud,
            )
        )
    class_ids = {c.id for c in classes}
    raw_rules = data.get("flags")
    if not isinstance(raw_rules, list) or not raw_rules:
        raise fail(name, "no [[flags]] rules.")
    rules = []
    for i, raw in enumerate(raw_rules, start=1):
        where = f"{name} [[flags]] {i}"
        code = required_text(raw, "code", where)
        where = f"{name} [[flags]] {code}"
        message = required_text(raw, "message", where)
        placeholders = set(re.findall(r"{(\w*)}", message)) - {"drug", "other"}
        if placeholders:
            raise fail(
                where,
                "the message may name {drug} and {other} only, not "
                f"{', '.join(sorted(placeholders))}.",
            )
        rules.append(
            FlagRule(
                code=code,
                subject=_selectors(raw, "subject", where, class_ids),
                partner=_selectors(raw, "partner", where, class_ids),
                message=message,
                source=require_source(raw, where),
            )
        )
    return CoMedicationTable(
        classes=tuple(classes), rules=tuple(rules), moud_member=moud_member, source_file=name
    )


@cache
def co_medications() -> CoMedicationTable:
    """The shipped co-medications file, read once."""
    return load_co_medications()


@dataclass(frozen=True)
class _Party:
    """One side of a combination: a medication's drug, the benzodiazepine, or alcohol."""

    kind: str  # "drug", BENZODIAZEPINE or ALCOHOL
    names: tuple[str, ...]
    drug: CoMedication | None = None

    def matches(self, selector: str) -> bool:
        if self.drug is None:
            return selector == self.kind
        return (
            selector == ANY_MEDICATION
            or selector == self.drug.class_id
            or (selector == MOUD and self.drug.moud)
        )


def _described(table: CoMedicationTable, party: _Party) -> str:
    if party.drug is None:
        return ALCOHOL_NAME if party.kind == ALCOHOL else " and ".join(party.names)
    member = table.drug_class(party.drug.class_id).member
    if party.drug.moud:
        member = f"{member}; {table.moud_member}"
    return f"{party.drug.id} ({member})"


def _flag(table: CoMedicationTable, subject: _Party, partner: _Party) -> Flag | None:
    """The first rule's flag for the two, either way round; None when no rule matches."""
    for rule in table.rules:
        for first, second in ((subject, partner), (partner, subject)):
            if any(first.matches(s) for s in rule.subject) and any(
                second.matches(s) for s in rule.partner
            ):
                text = rule.message.format(
                    drug=_described(table, first), other=_described(table, second)
                )
                sources = "; ".join(
                    dict.fromkeys(
                        table.drug_class(p.drug.class_id).source
                        for p in (first, second)
                        if p.drug is not None
                    )
                )
                return Flag(
                    code=rule.code,
                    message=text[:1].upper() + text[1:],
                    source=rule.source.replace("{sources}", sources),
                    with_=(),
                )
    return None


def _with(flag: Flag, partner: _Party) -> Flag:
    return Flag(flag.code, flag.message, flag.source, partner.names)


def interaction_flags(
    table: CoMedicationTable,
    *,
    benzodiazepines: Sequence[str],
    medications: Sequence[str | None],
    alcohol: bool,
) -> InteractionFlags:
    """The flags of the medications taken together now.

    ``benzodiazepines``: the benzodiazepines the patient takes now (none after the
    taper); ``medications``: each other medication taken now, as a known drug id, or
    None for one recorded as free text (never flagged); ``alcohol``: alcohol use
    disorder recorded at the latest level-of-care assessment. Each medication is
    flagged with the benzodiazepine, with alcohol, and with each other medication
    (each pair once, on both), by the first rule that matches; alcohol with the
    benzodiazepine is a ``general`` flag. Raises ClinicalError("unknown-co-medication")
    for a drug id the table does not know.
    """
    parties = [_Party("drug", (d,), table.drug(d)) if d is not None else None for d in medications]
    flags: list[list[Flag]] = [[] for _ in parties]
    general: list[Flag] = []
    others: list[_Party] = []
    if benzodiazepines:
        others.append(_Party(BENZODIAZEPINE, tuple(benzodiazepines)))
    if alcohol:
        others.append(_Party(ALCOHOL, (ALCOHOL,)))
    for i, party in enumerate(parties):
        if party is None:
            continue
        for other in others:
            found = _flag(table, party, other)
            if found is not None:
                flags[i].append(_with(found, other))
    for i, party in enumerate(parties):
        if party is None:
            continue
        for j in range(i + 1, len(parties)):
            partner = parties[j]
            if partner is None:
                continue
            found = _flag(table, party, partner)
            if found is not None:
                flags[i].append(_with(found, partner))
                flags[j].append(_with(found, party))
    if benzodiazepines and alcohol:
        found = _flag(table, others[1], others[0])
        if found is not None:
            general.append(_with(found, others[0]))
    return InteractionFlags(by_medication=tuple(tuple(f) for f in flags), general=tuple(general))
