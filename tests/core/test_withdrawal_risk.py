"""Withdrawal risk, ASAM 2025 Table 2 (Brunner et al., J Gen Intern Med 2025):
≤ 3 days/week any duration: rare; ≥ 4 days/week for < 1 month, or 1–3 months at a low
dose: lower but possible; 1–3 months at a moderate/high dose, or ≥ 3 months at any dose:
likely. Dose tiers in diazepam-equivalents: low ≤ 10 mg, moderate 10–15 mg, high > 15 mg.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clonacare.core.assessment import withdrawal_risk, withdrawal_rules
from clonacare.core.drugs import equivalence_table

D = Decimal


@pytest.mark.parametrize(
    ("mg", "tier"),
    [
        ("2", "low"),
        ("10", "low"),
        ("10.01", "moderate"),
        ("15", "moderate"),
        ("15.01", "high"),
        ("40", "high"),
    ],
)
def test_it_sorts_doses_into_asam_tiers(mg: str, tier: str) -> None:
    assert withdrawal_rules().dose_tier(D(mg)) == tier


@pytest.mark.parametrize(
    ("days", "months", "mg", "level"),
    [
        ("3", "120", "40", "rare"),  # ≤ 3 days a week, any duration, any dose
        ("1", "0.5", "5", "rare"),
        ("4", "0.5", "40", "possible"),  # ≥ 4 days a week, under a month
        ("7", "0.9", "5", "possible"),
        ("7", "1", "10", "possible"),  # 1–3 months at a low dose
        ("7", "2.9", "10", "possible"),
        ("7", "1", "12", "likely"),  # 1–3 months at a moderate dose
        ("5", "2", "20", "likely"),  # 1–3 months at a high dose
        ("7", "3", "2", "likely"),  # 3 months or more, any dose
        ("4", "18", "5", "likely"),
    ],
)
def test_it_follows_asam_table_2(days: str, months: str, mg: str, level: str) -> None:
    assert withdrawal_risk(D(days), D(months), D(mg)).level == level


def test_a_frequency_between_3_and_4_days_counts_as_the_higher_one() -> None:
    assert withdrawal_risk(D("3.5"), D("12"), D("5")).level == "likely"


def test_it_names_its_source_and_explains_itself() -> None:
    risk = withdrawal_risk(D(7), D(18), D(30))
    assert risk.source.startswith("ASAM 2025 Joint Guideline on Benzodiazepine Tapering, Table 2")
    assert risk.message == (
        "Withdrawal risk likely: 3 months or more; it rises with dose and duration."
    )
    assert risk.dose_tier == "high"


def test_it_uses_the_taper_cores_equivalence_tables() -> None:
    # clonazepam 0.5 mg = diazepam 10 mg (Ashton); 1 mg = diazepam 10 mg (VA/DoD)
    ashton = equivalence_table("ashton").diazepam_equivalent_mg("clonazepam", D("0.75"))
    vadod = equivalence_table("vadod").diazepam_equivalent_mg("clonazepam", D("0.75"))
    assert withdrawal_risk(D(7), D(2), ashton).dose_tier == "moderate"  # 15 mg
    assert withdrawal_risk(D(7), D(2), vadod).dose_tier == "low"  # 7.5 mg
    assert withdrawal_risk(D(7), D(2), ashton).level == "likely"
    assert withdrawal_risk(D(7), D(2), vadod).level == "possible"


ORDER = {"rare": 0, "possible": 1, "likely": 2}


@given(
    days=st.decimals(min_value=D("0.1"), max_value=D(7), places=1),
    months=st.decimals(min_value=D(0), max_value=D(240), places=1),
    mg=st.decimals(min_value=D("0.1"), max_value=D(100), places=2),
    more=st.decimals(min_value=D(0), max_value=D(50), places=1),
)
def test_risk_never_falls_as_use_grows(
    days: Decimal, months: Decimal, mg: Decimal, more: Decimal
) -> None:
    base = ORDER[withdrawal_risk(days, months, mg).level]
    assert ORDER[withdrawal_risk(min(D(7), days + more), months, mg).level] >= base
    assert ORDER[withdrawal_risk(days, months + more, mg).level] >= base
    assert ORDER[withdrawal_risk(days, months, mg + more).level] >= base
