"""The guardrails: ASAM's 25%-in-14-days ceiling and 7-day minimum step (refused unless
overridden with a reason), the initial-cut warning, the patient's blocking and plain
warnings, label maximums and implausible doses. Every message is asserted in full."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from clonacare.core.errors import ClinicalError
from clonacare.core.taper import CustomStep, PatientFactors, TaperRequest, plan_taper
from clonacare.core.taper.guardrails import Level, find_breaches, lowest_allowed_de
from clonacare.core.taper.rules import load_rules

START = date(2027, 1, 4)
CEILING = "[ASAM 2025 Rec 6: the pace should typically not exceed 25% every 2 weeks]"
STOP = (
    "FDA 2020 boxed warning: withdrawal reactions can be life-threatening (seizures) if the "
    "drug is stopped abruptly or reduced too quickly; ASAM 2025 Rec 6: the pace should "
    "typically not exceed 25% every 2 weeks"
)
MIN_STEP = (
    "[ASAM 2025 Rec 6: changing the dose more often than weekly needs a clinician override "
    "with a recorded reason]"
)


def request(**kw: object) -> TaperRequest:
    base: dict[str, object] = {
        "drug": "diazepam",
        "doses": (("night", Decimal(20)),),
        "start": START,
        "method": "percent",
        "step": Decimal(10),
    }
    base.update(kw)
    return TaperRequest(**base)  # type: ignore[arg-type]


def refusal(**kw: object) -> ClinicalError:
    with pytest.raises(ClinicalError) as exc:
        plan_taper(request(**kw))
    return exc.value


def test_it_allows_exactly_25_percent_in_14_days() -> None:
    plan = plan_taper(request(step=Decimal(25)))
    assert plan.steps[1].change_pct == -25
    assert "rate-limit" not in [w.code for w in plan.warnings]


def test_it_refuses_a_percentage_above_the_ceiling() -> None:
    error = refusal(step=Decimal(30))
    assert error.code == "rate-limit"
    assert error.message == (
        "Refused (rate-limit): The step 30 every 14 days cuts more than 25% in 14 days: from 20 mg "
        "diazepam-equivalent/day on 2027-01-04 to 14 on 2027-01-18 (−30%) "
        f"{CEILING}. Choose a smaller step or a longer interval, or give "
        "an override reason to plan it anyway."
    )


def test_it_refuses_parameters_that_break_the_ceiling_over_two_steps() -> None:
    # 15% every 7 days: two cuts fall in one 14-day window, 1 − 0.85² = 27.75%.
    error = refusal(step=Decimal(15), interval_days=7)
    assert error.message == (
        "Refused (rate-limit): The step 15 every 7 days cuts more than 25% in 14 days: from 20 mg "
        "diazepam-equivalent/day on 2027-01-04 to 14.45 on 2027-01-18 (−27.75%) "
        f"{CEILING}. Choose a smaller step or a longer interval, or give "
        "an override reason to plan it anyway."
    )


def test_it_refuses_a_fixed_cut_naming_the_first_step_that_breaks_the_ceiling() -> None:
    error = refusal(method="fixed", step=Decimal(2))
    assert error.message == (
        "Refused (rate-limit): step 8 (2027-04-26) cuts more than 25% in 14 days: 6 mg "
        "diazepam-equivalent/day on 2027-04-12 to 4 on 2027-04-26 (−33.33%) "
        f"{CEILING}. Use the percent method or a smaller step from step 8, or give "
        "an override reason to plan it anyway."
    )


def test_it_plans_an_overridden_breach_and_keeps_the_warning() -> None:
    plan = plan_taper(request(method="fixed", step=Decimal(2), override_reason="inpatient unit"))
    warning = next(w for w in plan.warnings if w.code == "rate-limit")
    assert warning.message.startswith(
        "Overridden (inpatient unit): step 8 (2027-04-26) cuts more than 25% in 14 days"
    )
    assert "step 9 (2027-05-10)" in warning.message
    # The literal 2 mg cut from 2 mg is a stop from above the discontinuation dose.
    assert warning.message.endswith(
        "step 10 (2027-05-24) stops the drug from 2 mg diazepam-equivalent/day, above the "
        "discontinuation dose (0.5 mg diazepam-equivalent): a 100% cut of 2 mg "
        f"diazepam-equivalent [{STOP}]."
    )
    # Each source once: ASAM 2025 Rec 6 is in both the ceiling's and the stop's.
    assert warning.source == (
        f"{CEILING[1:-1]}; FDA 2020 boxed warning: withdrawal reactions can be "
        "life-threatening (seizures) if the drug is stopped abruptly or reduced too quickly"
    )


def test_it_refuses_the_label_schedule_for_long_term_use() -> None:
    # FDA Klonopin label (panic disorder, discontinuation): decrease by 0.125 mg twice a
    # day every 3 days, i.e. 0.25 mg/day every 3 days. Far faster than ASAM allows.
    error = refusal(
        drug="clonazepam",
        doses=(("morning", Decimal(1)), ("night", Decimal(1))),
        method="fixed",
        step=Decimal("0.25"),
        interval_days=3,
    )
    assert error.code == "rate-limit"
    assert error.message == (
        "Refused (rate-limit): step 0 (2027-01-04) lasts 3 days: a dose step shorter than 7 days "
        f"{MIN_STEP}. Use steps of 7 days or more, or give an override reason to plan "
        "it anyway."
    )


def test_it_plans_the_label_schedule_when_overridden() -> None:
    plan = plan_taper(
        request(
            drug="clonazepam",
            doses=(("morning", Decimal(1)), ("night", Decimal(1))),
            method="fixed",
            step=Decimal("0.25"),
            interval_days=3,
            reduce_first=("morning", "night"),
            override_reason="label schedule, short-term use",
        )
    )
    dailies = [sum((d.mg for d in s.doses), Decimal(0)) for s in plan.steps[:4]]
    assert dailies == [2, Decimal("1.75"), Decimal("1.5"), Decimal("1.25")]
    assert [s.days for s in plan.steps[:3]] == [3, 3, 3]
    assert "rate-limit" in [w.code for w in plan.warnings]


def test_it_refuses_a_custom_cut_above_the_ceiling() -> None:
    error = refusal(
        method="custom",
        step=None,
        custom_steps=(CustomStep(date(2027, 1, 18), (("night", Decimal(14)),)),),
    )
    assert error.message == (
        "Refused (rate-limit): step 1 (2027-01-18) cuts more than 25% in 14 days: 20 mg "
        "diazepam-equivalent/day on 2027-01-04 to 14 on 2027-01-18 (−30%) "
        f"{CEILING}. Make the cut at step 1 smaller or later, or give an override reason "
        "to plan it anyway."
    )


def test_it_does_not_count_the_discontinuation_step() -> None:
    plan = plan_taper(request(doses=(("night", Decimal(2)),), step=Decimal(20)))
    assert plan.steps[-1].change_pct == -100
    assert "rate-limit" not in [w.code for w in plan.warnings]


def test_it_compares_each_day_with_the_day_14_days_later() -> None:
    rules = load_rules()
    # 20 mg for 7 days, 17 mg for 7 days, 15 mg: day 6 → day 20 is 20 → 15, exactly 25%.
    levels = [Level(0, 7, 20, "start"), Level(7, 7, 17, "cut"), Level(14, 7, 15, "cut")]
    assert find_breaches(levels, rules) == []
    levels[2] = Level(14, 7, 14, "cut")
    (breach,) = find_breaches(levels, rules)
    assert (breach.index, breach.from_day, breach.from_de, breach.to_de) == (2, 0, 20, 14)
    assert lowest_allowed_de(levels[:2], 14, 7, rules) == 15
    # A step on day 7 is bound by day 0 too: the steps after it will not be higher.
    assert lowest_allowed_de(levels[:1], 7, 7, rules) == 15


def test_it_warns_when_the_first_cut_is_above_10_percent() -> None:
    plan = plan_taper(request(step=Decimal(20)))
    warning = next(w for w in plan.warnings if w.code == "initial-cut")
    assert warning.message == (
        "The first cut (step 1, 2027-01-18) is 20%, above the usual initial 5–10%."
    )
    assert warning.source == (
        "ASAM 2025 Rec 6: initial reductions of 5–10% of the current total daily dose "
        "every 2–4 weeks"
    )


def test_it_blocks_until_a_clinician_confirms() -> None:
    error = refusal(patient=PatientFactors(pregnant=True, history_withdrawal_seizure=True))
    assert error.code == "confirmation-required"
    assert error.message == (
        "Plan blocked until a clinician confirms: History of withdrawal seizures: severe or "
        "complicated withdrawal is managed in an inpatient or residential medically managed "
        "setting. [ASAM 2025 Rec 5c and Table 3 (severe or complicated withdrawal)]; "
        "Pregnancy: a taper involves obstetric care; "
        "late-pregnancy use can cause neonatal sedation and withdrawal, and stopping abruptly "
        "is unsafe for the pregnancy. [FDA labels (benzodiazepine class text)] Give "
        "the confirming prescriber once the responsible clinician has confirmed."
    )


@pytest.mark.parametrize(
    ("patient", "code", "source"),
    [
        (
            PatientFactors(indication="Epilepsy (absence seizures)"),
            "seizure-disorder",
            "NHS Scotland 2024 (Right Decisions, quality prescribing)",
        ),
        (
            PatientFactors(history_withdrawal_seizure=True),
            "withdrawal-seizure-history",
            "ASAM 2025 Rec 5c and Table 3 (severe or complicated withdrawal)",
        ),
        (
            PatientFactors(history_withdrawal_delirium=True),
            "withdrawal-delirium-history",
            "ASAM 2025 Rec 5c and Table 3 (severe or complicated withdrawal)",
        ),
        (PatientFactors(pregnant=True), "pregnancy", "FDA labels (benzodiazepine class text)"),
    ],
)
def test_it_keeps_a_confirmed_blocking_warning(
    patient: PatientFactors, code: str, source: str
) -> None:
    with pytest.raises(ClinicalError):
        plan_taper(request(patient=patient))
    confirmed = PatientFactors(**{**patient.__dict__, "confirmed_by": "Dr Okafor"})
    plan = plan_taper(request(patient=confirmed))
    warning = next(w for w in plan.warnings if w.code == code)
    assert warning.blocking
    assert warning.confirmed_by == "Dr Okafor"
    assert warning.message.endswith(" Confirmed by Dr Okafor.")
    assert warning.source == source


def test_it_warns_about_older_adults_and_opioids() -> None:
    plan = plan_taper(request(patient=PatientFactors(age=65, opioid_use=True)))
    by_code = {w.code: w for w in plan.warnings}
    assert by_code["older-adult"].message == (
        "Age 65 or over: higher risk of falls; ASAM recommends tapering most older adults, "
        "with monitoring at each reduction."
    )
    assert by_code["older-adult"].source == "ASAM 2025 Rec 24–27"
    assert by_code["opioid"].message == (
        "Opioid co-use: risk of profound sedation, respiratory depression, coma and death; "
        "review the plan more often."
    )
    assert by_code["opioid"].source == "FDA 2020 boxed warning; ASAM 2025 Rec 1"
    assert not by_code["opioid"].blocking
    younger = plan_taper(request(patient=PatientFactors(age=64)))
    assert "older-adult" not in [w.code for w in younger.warnings]


def test_it_escalates_a_starting_dose_above_the_label_maximum() -> None:
    # Reversal: a dose above the label maximum was a plain warning; it now blocks the plan
    # until the prescriber confirms it (clinical reference: a blocking warning, never a
    # refusal). Without an indication the drug's highest label maximum counts.
    error = refusal(drug="diazepam", doses=(("night", Decimal(60)),))
    assert error.code == "confirmation-required"
    assert error.message == (
        "Plan blocked until a clinician confirms: Diazepam 60 mg/day is above the label "
        "maximum (40 mg/day for anxiety): the prescriber confirms this starting dose before "
        "the plan is made; it may include use beyond the prescription. [FDA labels: DailyMed "
        "prescribing information] Give the confirming prescriber once the responsible "
        "clinician has confirmed."
    )
    plan = plan_taper(
        request(
            drug="diazepam",
            doses=(("night", Decimal(60)),),
            patient=PatientFactors(confirmed_by="Dr Okafor"),
        )
    )
    warning = next(w for w in plan.warnings if w.code == "label-maximum")
    assert warning.message == (
        "Diazepam 60 mg/day is above the label maximum (40 mg/day for anxiety): the "
        "prescriber confirms this starting dose before the plan is made; it may include use "
        "beyond the prescription. Confirmed by Dr Okafor."
    )
    assert (warning.blocking, warning.confirmed_by) == (True, "Dr Okafor")
    assert warning.source == "FDA labels: DailyMed prescribing information"
    # Clonazepam 6 mg without an indication is within the highest maximum (20 mg/day for
    # seizure disorders), and so is a seizure disorder's dose. (The switch makes it
    # diazepam 120 mg/day, above diazepam's maximum: the prescriber confirms that.)
    for patient in (
        PatientFactors(confirmed_by="Dr Okafor"),
        PatientFactors(indication="epilepsy", confirmed_by="Dr Okafor"),
    ):
        plan = plan_taper(
            request(
                drug="clonazepam",
                doses=(("night", Decimal(6)),),
                switch_to="diazepam",
                patient=patient,
            )
        )
        assert not [w for w in plan.warnings if w.message.startswith("Clonazepam 6 mg/day")]


@pytest.mark.parametrize(
    ("indication", "escalated"),
    [
        # FDA alprazolam label (clinical reference): 4 mg/day for anxiety, 10 for panic.
        ("panic disorder", False),
        ("Panic disorder with agoraphobia", False),
        ("anxiety", True),
        (None, False),  # no indication: the highest maximum (10 mg/day) counts
        # Reversal: an indication given but not one the label names takes the lowest
        # maximum (4 mg/day for anxiety), the conservative side, and says so.
        ("insomnia", True),
        ("GAD", True),
        ("panic", True),
    ],
)
def test_the_label_maximum_of_the_plans_indication_counts(
    indication: str | None, escalated: bool
) -> None:
    kw: dict[str, object] = {
        "drug": "alprazolam",
        "doses": (("night", Decimal(6)),),
        "switch_to": "diazepam",
    }
    why = (
        ""
        if indication == "anxiety"
        else f"; the indication {indication!r} is not one the label names, so its lowest "
        "maximum applies"
    )
    if escalated:
        error = refusal(**kw, patient=PatientFactors(indication=indication))
        assert error.code == "confirmation-required"
        assert error.message.startswith(
            "Plan blocked until a clinician confirms: Alprazolam 6 mg/day is above the label "
            f"maximum (4 mg/day for anxiety{why}): the prescriber confirms this starting dose"
        )
    plan = plan_taper(
        request(**kw, patient=PatientFactors(indication=indication, confirmed_by="Dr Okafor"))
    )
    messages = [w.message for w in plan.warnings if w.message.startswith("Alprazolam")]
    expected = (
        f"Alprazolam 6 mg/day is above the label maximum (4 mg/day for anxiety{why}): the "
        "prescriber confirms this starting dose before the plan is made; it may include use "
        "beyond the prescription. Confirmed by Dr Okafor."
    )
    assert messages == ([expected] if escalated else [])


def test_it_refuses_an_implausibly_large_dose() -> None:
    error = refusal(drug="clonazepam", doses=(("night", Decimal(100)),))
    assert error.code == "implausible-dose"
    assert error.message == (
        "The current dose: clonazepam 100 mg/day is 2000 mg diazepam-equivalent, above the "
        "1000 mg this tool accepts (Clonacare configuration: a typo guard, not a guideline "
        "value); check the dose."
    )


@pytest.mark.parametrize(
    ("kw", "code", "message"),
    [
        (
            {"drug": "zolpidem"},
            "unknown-drug",
            "Unknown drug 'zolpidem'; known drugs: alprazolam, chlordiazepoxide, clonazepam, "
            "clorazepate, diazepam, estazolam, flurazepam, lorazepam, oxazepam, quazepam, "
            "temazepam, triazolam.",
        ),
        (
            {"doses": (("night", Decimal(0)),)},
            "bad-dose",
            "The night dose must be more than 0 mg (got 0).",
        ),
        (
            {"doses": (("night", Decimal(-1)),)},
            "bad-dose",
            "The night dose must be more than 0 mg (got -1).",
        ),
        (
            {"doses": ()},
            "bad-dose",
            "Give the current dose: the dose of each dose time in mg, one per dose time.",
        ),
        (
            {"doses": (("night", Decimal(1)), ("night", Decimal(2)))},
            "bad-dose",
            "The night dose is given twice.",
        ),
        (
            {"doses": (("bedtime", Decimal(1)),)},
            "bad-dose",
            "Unknown dose time 'bedtime'; use morning, midday, evening, night.",
        ),
        (
            {"equivalence": "nice"},
            "unknown-equivalence-table",
            "Unknown equivalence table 'nice'; choose one of: ashton, vadod.",
        ),
    ],
)
def test_it_refuses_bad_input(kw: dict[str, object], code: str, message: str) -> None:
    error = refusal(**kw)
    assert (error.code, error.message) == (code, message)
