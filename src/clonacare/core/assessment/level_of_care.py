"""Level of care: rules as sourced data; the level is the highest any reason asks for.

Every rule that fires adds a reason, even when it does not raise the level, so the
clinician sees everything that shaped the recommendation.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from clonacare.core.assessment.record import FIELDS, INDICATIONS, AssessmentRecord, Benzodiazepine
from clonacare.core.assessment.settings import AssessmentSettings
from clonacare.core.drugs import LabelMaximum, applicable_label_maximums, plain_mg
from clonacare.core.errors import ClinicalError
from clonacare.core.instruments.alerts import alert
from clonacare.core.sourced import (
    load_toml,
    one_of,
    require_source,
    required_text,
    table,
    to_decimal,
)

DATA_FILE = Path(__file__).parent / "data" / "level-of-care.toml"
_SETTINGS = {"failed_tapers_at_least"}
# Fields a rule may test: the record's drugs and doses are read by the label-maximum rule.
RULE_FIELDS = frozenset(FIELDS) - {"daily_dose_mg", "benzodiazepines"}
# Fields a rule marked ``per_drug`` tests on each benzodiazepine (an entry's own value, or
# the record's when the entry gives none).
PER_DRUG_FIELDS = frozenset({"indication"})


@dataclass(frozen=True)
class Reason:
    code: str
    level: str
    message: str
    source: str

    def as_dict(self) -> dict[str, str]:
        return {
            "code": self.code,
            "level": self.level,
            "message": self.message,
            "source": self.source,
        }


@dataclass(frozen=True)
class Condition:
    """Holds when the record's ``field`` equals ``equals``, is in ``one_of``, is at least
    ``at_least`` (a number, or a value named by ``at_least_setting``), or is ``below`` a
    number."""

    field: str
    equals: object = None
    one_of: tuple[str, ...] = ()
    at_least: Decimal | None = None
    at_least_setting: str | None = None
    below: Decimal | None = None

    def threshold(self, settings: AssessmentSettings) -> Decimal | None:
        if self.at_least_setting == "failed_tapers_at_least":
            return Decimal(settings.failed_tapers_at_least)
        return self.at_least

    def holds(self, record: AssessmentRecord, settings: AssessmentSettings) -> bool:
        return self.holds_for(record.field(self.field), settings)

    def holds_for(self, value: object, settings: AssessmentSettings) -> bool:
        """Whether the condition holds for ``value`` (the field's value)."""
        if self.below is not None:
            return (
                isinstance(value, int | Decimal)
                and not isinstance(value, bool)
                and Decimal(value) < self.below
            )
        if self.one_of:
            return value in self.one_of
        threshold = self.threshold(settings)
        if threshold is not None:
            return (
                isinstance(value, int | Decimal)
                and not isinstance(value, bool)
                and (Decimal(value) >= threshold)
            )
        return value == self.equals and type(value) is type(self.equals)


@dataclass(frozen=True)
class Rule:
    """Fires when its one condition holds, or with ``all``/``any`` conditions when every
    one or at least one holds. A ``per_drug`` rule (one condition on a per-drug field)
    fires once for each benzodiazepine it holds for, naming that drug. ``finding`` names
    the finding the combined-findings rule counts it as (rules naming the same finding
    count once); by default its own code."""

    code: str
    level: str
    message: str
    source: str
    conditions: tuple[Condition, ...]
    needs_all: bool = True
    alerts: tuple[str, ...] = ()
    per_drug: bool = False
    finding: str = ""

    @property
    def field(self) -> str:
        """The field a message's ``{value}`` names: the first condition's."""
        return self.conditions[0].field

    @property
    def at_least_setting(self) -> str | None:
        return next((c.at_least_setting for c in self.conditions if c.at_least_setting), None)

    def threshold(self, settings: AssessmentSettings) -> Decimal | None:
        return next((t for c in self.conditions if (t := c.threshold(settings)) is not None), None)

    def fires(self, record: AssessmentRecord, settings: AssessmentSettings) -> bool:
        held = (c.holds(record, settings) for c in self.conditions)
        return all(held) if self.needs_all else any(held)

    def drugs_for(
        self, record: AssessmentRecord, settings: AssessmentSettings
    ) -> tuple[Benzodiazepine, ...]:
        """The benzodiazepines a ``per_drug`` rule fires for, in the record's order."""
        condition = self.conditions[0]
        return tuple(
            b
            for b in record.benzodiazepines
            if condition.holds_for(getattr(b, condition.field), settings)
        )


@dataclass(frozen=True)
class LabelMaximumRule:
    """Each drug's daily dose against the label maximum of its indication."""

    code: str
    level: str
    message: str
    source: str
    label_indications: dict[str, str]

    def maximum_for(self, drug: str, indication: str) -> tuple[LabelMaximum, str] | None:
        """The label maximum that applies (core/drugs' one rule: :func:`applicable_label_
        maximums`) and how it was chosen; None when the label data gives the drug none (or
        does not know the drug)."""
        applies = applicable_label_maximums(drug, self.label_indications.get(indication))
        if applies is None:
            return None
        # The record's indication maps to one label indication, so one maximum applies.
        maximum = min(applies.maximums, key=lambda m: m.mg_per_day)
        if applies.named:
            return maximum, f"for {maximum.indication}"
        return maximum, (
            f"the drug's highest, for {maximum.indication}; "
            f"its label gives no maximum for {indication}"
        )


def label_indications_of(record: AssessmentRecord) -> dict[str, str]:
    """Each drug of ``record`` → the indication it is taken for, as the label data names
    it (``[above_label_maximum.label_indications]``); a drug whose indication the label
    data does not name is left out (its highest label maximum applies)."""
    names = level_of_care_rules().above_label_maximum.label_indications
    return {b.drug: names[b.indication] for b in record.benzodiazepines if b.indication in names}


@dataclass(frozen=True)
class CombinedRule:
    """Findings at ``counts_level`` add up (a Clonacare rule; on/off and count are settings)."""

    code: str
    counts_level: str
    message: str
    source: str


@dataclass(frozen=True)
class LevelOfCareRules:
    levels: tuple[str, ...]
    descriptions: dict[str, str]
    default: Reason
    rules: tuple[Rule, ...]
    above_label_maximum: LabelMaximumRule
    combined: CombinedRule
    withdrawal_risk_note: str
    withdrawal_risk_note_source: str

    def rank(self, level: str) -> int:
        return self.levels.index(level)


def _condition(raw: Any, at: str) -> Condition:
    if not isinstance(raw, dict):
        raise ClinicalError("data-file", f"{at}: a condition is a table.")
    field = raw.get("field")
    if field not in RULE_FIELDS:
        raise ClinicalError(
            "data-file", f"{at}: 'field' must be an assessment field; got {field!r}."
        )
    tests = [k for k in ("equals", "one_of", "at_least", "at_least_setting", "below") if k in raw]
    if len(tests) != 1:
        raise ClinicalError(
            "data-file",
            f"{at}: exactly one of equals, one_of, at_least, at_least_setting, below.",
        )
    setting = raw.get("at_least_setting")
    if setting is not None and setting not in _SETTINGS:
        raise ClinicalError("data-file", f"{at}: unknown setting {setting!r}.")
    return Condition(
        field=str(field),
        equals=raw.get("equals"),
        one_of=tuple(str(v) for v in raw.get("one_of", [])),
        at_least=to_decimal(raw["at_least"], at) if "at_least" in raw else None,
        at_least_setting=None if setting is None else str(setting),
        below=to_decimal(raw["below"], at) if "below" in raw else None,
    )


def _rule(raw: Any, where: str, levels: tuple[str, ...]) -> Rule:
    if not isinstance(raw, dict):
        raise ClinicalError("data-file", f"{where}: a rule is a table.")
    code = str(raw.get("code", ""))
    at = f"{where} rule {code or '?'}"
    if not code:
        raise ClinicalError("data-file", f"{at}: 'code' is required.")
    level = raw.get("level")
    if level not in levels:
        raise ClinicalError("data-file", f"{at}: 'level' must be one of {', '.join(levels)}.")
    lists = [k for k in ("all", "any") if k in raw]
    if (lists and "field" in raw) or len(lists) > 1:
        raise ClinicalError("data-file", f"{at}: either 'field', 'all' or 'any', only one.")
    if lists:
        raw_conditions = raw[lists[0]]
        if not isinstance(raw_conditions, list) or not raw_conditions:
            raise ClinicalError("data-file", f"{at}: '{lists[0]}' is a list of conditions.")
        conditions = tuple(_condition(c, at) for c in raw_conditions)
    else:
        conditions = (_condition(raw, at),)
    alerts = tuple(str(a) for a in raw.get("alerts", []))
    for code_ in alerts:
        alert(code_)  # an unknown alert code fails at load time
    per_drug = raw.get("per_drug", False) is True
    if per_drug and (len(conditions) != 1 or conditions[0].field not in PER_DRUG_FIELDS):
        raise ClinicalError(
            "data-file",
            f"{at}: a per_drug rule has one condition on {', '.join(sorted(PER_DRUG_FIELDS))}.",
        )
    return Rule(
        code=code,
        level=str(level),
        message=str(raw.get("message") or ""),
        source=require_source(raw, at),
        conditions=conditions,
        needs_all=lists != ["any"],
        alerts=alerts,
        per_drug=per_drug,
        finding=str(raw.get("finding") or code),
    )


def _table(data: dict[str, Any], name: str, where: str) -> dict[str, Any]:
    """The table ``[name]``, with its ``code`` and ``message``."""
    raw = table(data, name, where)
    for key in ("code", "message"):
        required_text(raw, key, f"{where} [{name}]")
    return raw


@cache
def level_of_care_rules() -> LevelOfCareRules:
    """Load and check ``data/level-of-care.toml``."""
    data = load_toml(DATA_FILE)
    where = DATA_FILE.name
    levels = tuple(str(v) for v in data.get("levels", []))
    descriptions = data.get("descriptions", {})
    if not levels or set(descriptions) != set(levels):
        raise ClinicalError("data-file", f"{where}: every level needs a description.")
    raw_default = data.get("default", {})
    default = Reason(
        code=str(raw_default.get("code")),
        level=levels[0],
        message=str(raw_default.get("message")),
        source=require_source(raw_default, f"{where} [default]"),
    )
    rules = tuple(_rule(raw, where, levels) for raw in data.get("rules", []))
    raw_label = _table(data, "above_label_maximum", where)
    label_at = f"{where} [above_label_maximum]"
    indications = raw_label.get("label_indications", {})
    if not isinstance(indications, dict) or not set(indications) <= set(INDICATIONS):
        raise ClinicalError(
            "data-file", f"{label_at}: 'label_indications' maps the record's indications."
        )
    above = LabelMaximumRule(
        code=str(raw_label["code"]),
        level=one_of(raw_label, "level", label_at, levels),
        message=str(raw_label["message"]),
        source=require_source(raw_label, label_at),
        label_indications={str(k): str(v) for k, v in indications.items()},
    )
    raw_combined = _table(data, "combined", where)
    combined_at = f"{where} [combined]"
    combined = CombinedRule(
        code=str(raw_combined["code"]),
        counts_level=one_of(raw_combined, "counts_level", combined_at, levels[:-1]),
        message=str(raw_combined["message"]),
        source=require_source(raw_combined, combined_at),
    )
    codes = [r.code for r in rules] + [above.code, combined.code, default.code]
    if len(set(codes)) != len(codes):
        raise ClinicalError("data-file", f"{where}: rule codes must be unique.")
    note = data.get("withdrawal_risk_note")
    if not isinstance(note, dict) or not isinstance(note.get("message"), str):
        raise ClinicalError("data-file", f"{where} [withdrawal_risk_note]: 'message' is missing.")
    return LevelOfCareRules(
        levels=levels,
        descriptions=dict(descriptions),
        default=default,
        rules=rules,
        above_label_maximum=above,
        combined=combined,
        withdrawal_risk_note=str(note["message"]),
        withdrawal_risk_note_source=require_source(note, f"{where} [withdrawal_risk_note]"),
    )


@dataclass(frozen=True)
class LevelOfCare:
    level: str
    description: str
    reasons: tuple[Reason, ...]
    alert_codes: tuple[str, ...]


def _label_maximum_reasons(record: AssessmentRecord, rule: LabelMaximumRule) -> list[Reason]:
    reasons = []
    for benzo in record.benzodiazepines:
        found = rule.maximum_for(benzo.drug, benzo.indication)
        if found is None or benzo.daily_dose_mg <= found[0].mg_per_day:
            continue
        maximum, basis = found
        message = rule.message.format(
            drug=benzo.drug,
            dose=plain_mg(benzo.daily_dose_mg),
            maximum=plain_mg(maximum.mg_per_day),
            label_indication=basis,
        )
        source = f"{rule.source}; {maximum.label_source or maximum.source}"
        reasons.append(Reason(code=rule.code, level=rule.level, message=message, source=source))
    return reasons


def _findings(reasons: list[Reason], r: LevelOfCareRules) -> dict[str, list[str]]:
    """The distinct findings at the combined rule's level, each with the reason codes
    that show it (in order, each once): every above-label-maximum reason is one finding,
    and rules naming the same ``finding`` in the rules file are one."""
    finding_of = {rule.code: rule.finding for rule in r.rules}
    findings: dict[str, list[str]] = {}
    for reason in reasons:
        if reason.level != r.combined.counts_level:
            continue
        codes = findings.setdefault(finding_of.get(reason.code, reason.code), [])
        if reason.code not in codes:
            codes.append(reason.code)
    return findings


def _finding_text(name: str, codes: list[str]) -> str:
    return name if codes == [name] else f"{name}: {' + '.join(codes)}"


def _combined_reason(
    reasons: list[Reason], r: LevelOfCareRules, settings: AssessmentSettings
) -> Reason | None:
    """The combined-findings reason when the rule is on and enough distinct findings
    count (:func:`_findings`)."""
    rule = r.combined
    findings = _findings(reasons, r)
    if (
        not settings.combined_findings_enabled
        or len(findings) < settings.combined_findings_at_least
    ):
        return None
    raised = r.levels[r.rank(rule.counts_level) + 1]
    message = rule.message.format(
        count=len(findings),
        codes=", ".join(_finding_text(name, codes) for name, codes in findings.items()),
        level=raised,
        at_least=settings.combined_findings_at_least,
    )
    source = f"{rule.source}; the count: {settings.combined_findings_source}"
    return Reason(code=rule.code, level=raised, message=message, source=source)


def level_of_care(
    record: AssessmentRecord,
    settings: AssessmentSettings,
    rules: LevelOfCareRules | None = None,
) -> LevelOfCare:
    """The recommended level: the highest any reason asks for, outpatient when none fires.

    Every fired rule adds a reason in the order of the rules file (a per-drug rule one for
    each drug it fires for); then one reason for each drug whose daily dose is above its
    label maximum; then, when the settings switch it on and at least their count of
    distinct findings call for closer monitoring (:func:`_findings`), the combined-findings
    reason, one level above closer monitoring (ASAM Table 2's withdrawal risk is never a
    reason, so never counted). With no reason the default is the only one.
    ``alert_codes`` lists the safety alerts the fired rules raise, each once.
    """
    r = rules or level_of_care_rules()
    reasons: list[Reason] = []
    alert_codes: list[str] = []
    for rule in r.rules:
        source = rule.source
        if rule.at_least_setting is not None:
            source = f"{source}; threshold: {settings.failed_tapers_source}"
        if rule.per_drug:
            drugs = rule.drugs_for(record, settings)
            messages = [
                rule.message.format(value=getattr(b, rule.field), threshold=None, drug=b.drug)
                for b in drugs
            ]
        elif rule.fires(record, settings):
            messages = [
                rule.message.format(
                    value=record.field(rule.field),
                    threshold=rule.threshold(settings),
                    drug=record.drug,
                )
            ]
        else:
            continue
        for message in messages:
            reasons.append(Reason(code=rule.code, level=rule.level, message=message, source=source))
        if messages:
            alert_codes.extend(c for c in rule.alerts if c not in alert_codes)
    reasons.extend(_label_maximum_reasons(record, r.above_label_maximum))
    combined = _combined_reason(reasons, r, settings)
    if combined is not None:
        reasons.append(combined)
    if not reasons:
        reasons.append(r.default)
    level = max((reason.level for reason in reasons), key=r.rank)
    return LevelOfCare(
        level=level,
        description=r.descriptions[level],
        reasons=tuple(reasons),
        alert_codes=tuple(alert_codes),
    )
