"""Risk of clinically significant withdrawal (ASAM 2025 Table 2), from sourced data."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Literal

from clonacare.core.errors import ClinicalError
from clonacare.core.sourced import load_toml, number, require_source

DATA_FILE = Path(__file__).parent / "data" / "withdrawal-risk.toml"

RiskLevel = Literal["rare", "possible", "likely"]
DoseTier = Literal["low", "moderate", "high"]
RISK_LEVELS: tuple[RiskLevel, ...] = ("rare", "possible", "likely")


@dataclass(frozen=True)
class WithdrawalRules:
    rare_at_most_days_per_week: Decimal
    short_below_months: Decimal
    long_at_least_months: Decimal
    low_at_most_mg: Decimal
    moderate_at_most_mg: Decimal
    messages: dict[str, str]
    source: str

    def dose_tier(self, diazepam_equivalent_mg: Decimal) -> DoseTier:
        """low ≤ low_at_most_mg < moderate ≤ moderate_at_most_mg < high (mg/day)."""
        if diazepam_equivalent_mg <= self.low_at_most_mg:
            return "low"
        if diazepam_equivalent_mg <= self.moderate_at_most_mg:
            return "moderate"
        return "high"


@dataclass(frozen=True)
class WithdrawalRisk:
    level: RiskLevel
    dose_tier: DoseTier
    diazepam_equivalent_mg: Decimal
    message: str
    source: str

    def as_dict(self) -> dict[str, str]:
        return {
            "level": self.level,
            "dose_tier": self.dose_tier,
            "message": self.message,
            "source": self.source,
        }


@cache
def withdrawal_rules() -> WithdrawalRules:
    data = load_toml(DATA_FILE)
    where = DATA_FILE.name
    tiers = data.get("dose_tiers")
    messages = data.get("messages")
    if not isinstance(tiers, dict) or not isinstance(messages, dict):
        raise ClinicalError("data-file", f"{where}: [dose_tiers] and [messages] are required.")
    rules = WithdrawalRules(
        rare_at_most_days_per_week=number(data, "rare_at_most_days_per_week", where),
        short_below_months=number(data, "short_below_months", where),
        long_at_least_months=number(data, "long_at_least_months", where),
        low_at_most_mg=number(tiers, "low_at_most_mg", f"{where} [dose_tiers]"),
        moderate_at_most_mg=number(tiers, "moderate_at_most_mg", f"{where} [dose_tiers]"),
        messages={str(k): str(v) for k, v in messages.items()},
        source=require_source(data, where),
    )
    if not rules.short_below_months < rules.long_at_least_months:
        raise ClinicalError("data-file", f"{where}: short_below_months < long_at_least_months.")
    if not rules.low_at_most_mg < rules.moderate_at_most_mg:
        raise ClinicalError("data-file", f"{where}: low_at_most_mg < moderate_at_most_mg.")
    return rules


def withdrawal_risk(
    days_per_week: Decimal,
    duration_months: Decimal,
    diazepam_equivalent_mg: Decimal,
    rules: WithdrawalRules | None = None,
) -> WithdrawalRisk:
    """Classify withdrawal risk as ``rare``, ``possible`` or ``likely``.

    ``days_per_week`` at or below the rare limit is rare at any duration. Above it (a
    fractional average between 3 and 4 days counts as the higher frequency, the cautious
    reading of a table that skips it): under the short duration, possible; from the short
    up to the long duration, possible at a low dose and likely at a moderate or high dose;
    from the long duration on, likely.
    """
    r = rules or withdrawal_rules()
    tier = r.dose_tier(diazepam_equivalent_mg)
    words = {
        "days": _plain(r.rare_at_most_days_per_week),
        "short": _plain(r.short_below_months),
        "long": _plain(r.long_at_least_months),
        "tier": tier,
    }
    level: RiskLevel
    if days_per_week <= r.rare_at_most_days_per_week:
        level, key = "rare", "rare"
    elif duration_months < r.short_below_months:
        level, key = "possible", "possible_short"
    elif duration_months < r.long_at_least_months:
        level, key = (
            ("possible", "possible_low_dose") if tier == "low" else ("likely", "likely_dose")
        )
    else:
        level, key = "likely", "likely_long"
    template = r.messages.get(key)
    if template is None:
        raise ClinicalError("data-file", f"{DATA_FILE.name} [messages]: '{key}' is missing.")
    return WithdrawalRisk(
        level=level,
        dose_tier=tier,
        diazepam_equivalent_mg=diazepam_equivalent_mg,
        message=template.format(**words),
        source=r.source,
    )


def _plain(number: Decimal) -> str:
    """3 rather than 3.0 or 3E+0 in messages."""
    return format(number.normalize(), "f")
