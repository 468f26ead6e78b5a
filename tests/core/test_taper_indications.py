"""A seizure-disorder indication blocks the plan until a clinician confirms: every term
of the clonazepam label's seizure indications (and infantile spasms) is recognised, in
any case and with any punctuation; other free text is not guessed at."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from clonacare.core.errors import ClinicalError
from clonacare.core.taper import PatientFactors, TaperRequest, plan_taper

BLOCKED = (
    "Plan blocked until a clinician confirms: Clonazepam or another benzodiazepine treating "
    "a seizure disorder: the taper needs the patient's neurologist. [NHS Scotland 2024 "
    "(Right Decisions, quality prescribing)] Give the confirming prescriber once the "
    "responsible clinician has confirmed."
)


def request(indication: str, confirmed_by: str | None = None) -> TaperRequest:
    return TaperRequest(
        drug="clonazepam",
        doses=(("night", Decimal(1)),),
        start=date(2027, 1, 4),
        method="percent",
        step=Decimal(10),
        # Clonazepam products cannot cut 0.375 mg within the ceiling: finish on diazepam.
        switch_to="diazepam",
        switch_at_de_mg=Decimal(10),
        patient=PatientFactors(indication=indication, confirmed_by=confirmed_by),
    )


@pytest.mark.parametrize(
    "indication",
    [
        # FDA Klonopin label, Indications, Seizure Disorders.
        "Lennox-Gastaut",
        "Lennox-Gastaut syndrome (petit mal variant)",
        "akinetic seizures",
        "akinetic attacks",
        "myoclonic seizures",
        "absence seizures",
        "petit mal",
        # ILAE 2022: infantile epileptic spasms syndrome (West syndrome).
        "infantile spasms",
        "Infantile-Spasms",
        "West syndrome",
        # The general terms kept from before.
        "epilepsy",
        "seizure disorder",
        "convulsions",
    ],
)
def test_it_blocks_a_seizure_disorder_indication(indication: str) -> None:
    with pytest.raises(ClinicalError) as exc:
        plan_taper(request(indication))
    assert exc.value.code == "confirmation-required"
    assert exc.value.message == BLOCKED
    plan = plan_taper(request(indication, confirmed_by="Dr Okafor"))
    warning = next(w for w in plan.warnings if w.code == "seizure-disorder")
    assert warning.confirmed_by == "Dr Okafor"


@pytest.mark.parametrize(
    "indication", ["panic disorder", "insomnia", "restless legs syndrome", "muscle spasm"]
)
def test_it_does_not_guess_at_other_indications(indication: str) -> None:
    plan = plan_taper(request(indication))
    assert "seizure-disorder" not in [w.code for w in plan.warnings]
