"""Each safety alert cites the recommendation that supports it (clinical reference, Level
of care): suicidality is ASAM 2025 Rec 5a; a seizure, severe or complicated withdrawal,
is Rec 5c and Table 3. No alert cites Rec 12."""

from __future__ import annotations

from clonacare.core.instruments import alert
from clonacare.core.instruments.definition import ALERT_CODES


def test_imminent_suicide_risk_cites_rec_5a() -> None:
    assert alert("suicide-risk-imminent").source == (
        "ASQ acuity question answered yes means imminent risk and an emergency response, "
        "whatever questions 1–4 say (clinical reference, Instruments and Level of care; "
        "NIMH ASQ pathway; ASAM 2025 Rec 5a, imminent risk of significant harm: "
        "suicidality); a C-SSRS screener high-risk result (Q4–5 yes, or behaviour within "
        "3 months) raises it too (Clonacare rule on the clinical reference's C-SSRS risk rule)"
    )


def test_seizure_cites_rec_5c_and_table_3() -> None:
    assert alert("seizure").source == (
        "FDA 2020 boxed warning (withdrawal reactions, including seizures, can be "
        "life-threatening); ASAM 2025 Rec 5c and Table 3 (severe or complicated withdrawal, "
        "seizures; a seizure happening now is an emergency; clinical reference, Level of care)"
    )


def test_no_alert_cites_rec_12() -> None:
    assert [code for code in ALERT_CODES if "Rec 12" in alert(code).source] == []


def test_an_incomplete_screen_names_the_level_of_care_record_among_its_causes() -> None:
    assert alert("suicide-screen-incomplete").source == (
        "Clonacare rule (not a guideline value): an unanswered suicide question is never "
        "read as a negative screen; the questions are PHQ-9 item 9, the ASQ and the C-SSRS "
        "screener, and a level-of-care record whose suicide screen is incomplete raises it "
        "too (clinical reference, Instruments; NIMH ASQ toolkit)"
    )
