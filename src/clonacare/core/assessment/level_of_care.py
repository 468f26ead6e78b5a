"""Level of care: rules as sourced data; the level is the highest any fired rule asks for.

Every rule that fires adds a reason, even when it does not raise the level, so the
clinician sees everything that shaped the recommendation.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from clonacare.core.assessment.record import FIELDS, AssessmentRecord
from clonacare.core.assessment.settings import AssessmentSettings
from clonacare.core.errors import ClinicalError
from clonacare.core.instruments.alerts import alert
from clonacare.core.sourced import load_toml, require_source, to_decimal

DATA_FILE = Path(__file__).parent / "data" / "level-of-care.toml"
_SETTINGS = {"failed_tapers_at_least"}


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
class Rule:
    """Fires when the record's ``field`` equals ``equals``, is in ``one_of``, or is at least
    ``at_least`` (a number, or a value named by ``at_least_setting``)."""

    code: str
    field: str
    level: str
    message: str
    source: str
    alerts: tuple[str, ...] = ()
    equals: object = None
    one_of: tuple[str, ...] = ()
    at_least: Decimal | None = None
    at_least_setting: str | None = None

    def threshold(self, settings: AssessmentSettings) -> Decimal | None:
        if self.at_least_setting == "failed_tapers_at_least":
            return Decimal(settings.failed_tapers_at_least)
        return self.at_least

    def fires(self, record: AssessmentRecord, settings: AssessmentSettings) -> bool:
        value = record.field(self.field)
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
class LevelOfCareRules:
    levels: tuple[str, ...]
    descriptions: dict[str, str]
    default: Reason
    rules: tuple[Rule, ...]

    def rank(self, level: str) -> int:
        return self.levels.index(level)


def _rule(raw: Any, where: str, levels: tuple[str, ...]) -> Rule:
    if not isinstance(raw, dict):
        raise ClinicalError("data-file", f"{where}: a rule is a table.")
    code = str(raw.get("code", ""))
    at = f"{where} rule {code or '?'}"
    if not code:
        raise ClinicalError("data-file", f"{at}: 'code' is required.")
    field = raw.get("field")
    if field not in FIELDS:
        raise ClinicalError(
            "data-file", f"{at}: 'field' must be an assessment field; got {field!r}."
        )
    level = raw.get("level")
    if level not in levels:
        raise ClinicalError("data-file", f"{at}: 'level' must be one of {', '.join(levels)}.")
    tests = [k for k in ("equals", "one_of", "at_least", "at_least_setting") if k in raw]
    if len(tests) != 1:
        raise ClinicalError(
            "data-file", f"{at}: exactly one of equals, one_of, at_least, at_least_setting."
        )
    setting = raw.get("at_least_setting")
    if setting is not None and setting not in _SETTINGS:
        raise ClinicalError("data-file", f"{at}: unknown setting {setting!r}.")
    alerts = tuple(str(a) for a in raw.get("alerts", []))
    for code_ in alerts:
        alert(code_)  # an unknown alert code fails at load time
    return Rule(
        code=code,
        field=str(field),
        level=str(level),
        message=str(raw.get("message") or ""),
        source=require_source(raw, at),
        alerts=alerts,
        equals=raw.get("equals"),
        one_of=tuple(str(v) for v in raw.get("one_of", [])),
        at_least=to_decimal(raw["at_least"], at) if "at_least" in raw else None,
        at_least_setting=None if setting is None else str(setting),
    )


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
    if len({r.code for r in rules}) != len(rules):
        raise ClinicalError("data-file", f"{where}: rule codes must be unique.")
    return LevelOfCareRules(
        levels=levels, descriptions=dict(descriptions), default=default, rules=rules
    )


@dataclass(frozen=True)
class LevelOfCare:
    level: str
    description: str
    reasons: tuple[Reason, ...]
    alert_codes: tuple[str, ...]


def level_of_care(
    record: AssessmentRecord,
    settings: AssessmentSettings,
    rules: LevelOfCareRules | None = None,
) -> LevelOfCare:
    """The recommended level: the highest any fired rule asks for, outpatient when none fires.

    Every fired rule adds a reason in the order of the rules file; with no fired rule the
    default reason is the only one. ``alert_codes`` lists the safety alerts the fired rules
    raise, each once.
    """
    r = rules or level_of_care_rules()
    reasons: list[Reason] = []
    alert_codes: list[str] = []
    for rule in r.rules:
        if not rule.fires(record, settings):
            continue
        source = rule.source
        if rule.at_least_setting is not None:
            source = f"{source}; threshold: {settings.failed_tapers_source}"
        message = rule.message.format(
            value=record.field(rule.field), threshold=rule.threshold(settings), drug=record.drug
        )
        reasons.append(Reason(code=rule.code, level=rule.level, message=message, source=source))
        alert_codes.extend(c for c in rule.alerts if c not in alert_codes)
    if not reasons:
        reasons.append(r.default)
    level = max((reason.level for reason in reasons), key=r.rank)
    return LevelOfCare(
        level=level,
        description=r.descriptions[level],
        reasons=tuple(reasons),
        alert_codes=tuple(alert_codes),
    )
