"""Interaction flags (core.drugs.interaction_flags): CNS-depressant combinations with the
patient's current benzodiazepine, with alcohol use disorder from the assessment, and
with each other, each with its source. Sources: FDA 2020 boxed warning and ASAM 2025
Rec 16-21 (clinical reference); FDA 2016, 2017 and 2019 Drug Safety Communications and
the clonazepam label (docs/reference-additions.md)."""

from __future__ import annotations

import itertools
import re

import pytest

from clonacare.core.drugs import Flag, co_medications, interaction_flags
from clonacare.core.errors import ClinicalError

TABLE = co_medications()
CLONAZEPAM = ("clonazepam",)


def flags_of(
    *medications: str | None, benzodiazepines: tuple[str, ...] = CLONAZEPAM, alcohol: bool = False
) -> tuple[tuple[Flag, ...], ...]:
    return interaction_flags(
        TABLE, benzodiazepines=benzodiazepines, medications=medications, alcohol=alcohol
    ).by_medication


def codes(flags: tuple[Flag, ...]) -> list[tuple[str, tuple[str, ...]]]:
    return [(f.code, f.with_) for f in flags]


def test_an_opioid_with_the_benzodiazepine_cites_the_boxed_warning_and_asam() -> None:
    (flag,) = flags_of("oxycodone")[0]
    assert flag.as_dict() == {
        "code": "opioid-with-benzodiazepine",
        "message": "Oxycodone (an opioid) with clonazepam: taken together they can cause "
        "profound sedation, slowed breathing, coma and death (FDA boxed warning). Weigh the "
        "risks and benefits of the combination and review them at least every 3 months, or "
        "at each related visit or renewal.",
        "source": "FDA 2020 boxed warning (clinical reference, Clonazepam); ASAM 2025 Rec "
        "16–18 (clinical reference, Level of care)",
        "with": ["clonazepam"],
    }


@pytest.mark.parametrize("drug", ["buprenorphine", "methadone"])
def test_a_medication_for_opioid_use_disorder_is_never_a_reason_to_withhold_it(
    drug: str,
) -> None:
    (flag,) = flags_of(drug)[0]
    assert flag.code == "moud-with-benzodiazepine"
    assert flag.message == (
        f"{drug.capitalize()} (an opioid; a medication for opioid use disorder) with "
        "clonazepam: together they deepen sedation and can slow breathing, with a risk of "
        "coma and death (FDA boxed warning). Where it treats an opioid use disorder, neither "
        "the benzodiazepine nor its taper is a reason to withhold, stop or disrupt it: weigh "
        "the combination with whoever treats the opioid use disorder, assess more often, and "
        "review it at least every 3 months."
    )
    assert flag.source == (
        "FDA 2020 boxed warning (clinical reference, Clonazepam); FDA 2017 Drug Safety "
        "Communication on buprenorphine and methadone with benzodiazepines (reference "
        "additions); ASAM 2025 Rec 16, 19, 21 (clinical reference, Level of care)"
    )


def test_a_gabapentinoid_is_flagged_with_the_benzodiazepine_and_with_an_opioid() -> None:
    gabapentin, oxycodone = flags_of("gabapentin", "oxycodone")
    assert codes(gabapentin) == [
        ("gabapentinoid-with-cns-depressant", ("clonazepam",)),
        ("gabapentinoid-with-cns-depressant", ("oxycodone",)),
    ]
    assert codes(oxycodone) == [
        ("opioid-with-benzodiazepine", ("clonazepam",)),
        ("gabapentinoid-with-cns-depressant", ("gabapentin",)),
    ]
    pair = gabapentin[1]
    assert pair.message == (
        "Gabapentin (a gabapentinoid) with oxycodone (an opioid): a gabapentinoid taken with "
        "a CNS depressant can slow breathing dangerously, more so in older people and in "
        "lung disease such as COPD. Weigh the combination, and watch for confusion, unusual "
        "sleepiness and slow or shallow breathing."
    )
    assert pair.source == (
        "FDA 2019 Drug Safety Communication on gabapentin and pregabalin (reference additions)"
    )
    assert oxycodone[1].message == pair.message


@pytest.mark.parametrize(
    ("drug", "code", "source"),
    [
        ("oxycodone", "opioid-with-benzodiazepine", "FDA 2020 boxed warning"),
        ("buprenorphine", "moud-with-benzodiazepine", "FDA 2017 Drug Safety Communication"),
        ("pregabalin", "gabapentinoid-with-cns-depressant", "FDA 2019 Drug Safety Communication"),
        ("zolpidem", "cns-depressant-with-benzodiazepine", "non-barbiturate hypnotics"),
        ("diphenhydramine", "cns-depressant-with-benzodiazepine", "names antihistamines"),
        ("lorazepam", "cns-depressant-with-benzodiazepine", "anti-anxiety agents"),
        ("phenobarbital", "cns-depressant-with-benzodiazepine", "barbiturates add"),
        ("cyclobenzaprine", "cns-depressant-with-benzodiazepine", "names muscle relaxants"),
        ("trazodone", "cns-depressant-with-benzodiazepine", "names antidepressants"),
        ("quetiapine", "cns-depressant-with-benzodiazepine", "names antipsychotics"),
    ],
)
def test_every_class_is_flagged_with_the_benzodiazepine_with_its_source(
    drug: str, code: str, source: str
) -> None:
    (flag,) = flags_of(drug)[0]
    assert (flag.code, flag.with_) == (code, ("clonazepam",))
    assert source in flag.source


def test_a_class_flag_words_the_combination_and_the_three_monthly_review() -> None:
    (flag,) = flags_of("zolpidem", benzodiazepines=("clonazepam", "diazepam"))[0]
    assert flag.message == (
        "Zolpidem (a z-drug) with clonazepam and diazepam: both depress the central nervous "
        "system and can add to each other's sedation. Weigh the combination when the "
        "benzodiazepine's risks and benefits are reviewed, at least every 3 months."
    )
    assert flag.source == (
        "FDA label for clonazepam, drug interactions: non-barbiturate hypnotics add to its CNS "
        "depression (reference additions); ASAM 2025 Rec 1 (clinical reference, Tapering rules)"
    )
    assert flag.with_ == ("clonazepam", "diazepam")


def test_two_other_cns_depressants_are_flagged_together_with_both_sources() -> None:
    zolpidem, trazodone = flags_of("zolpidem", "trazodone", benzodiazepines=())
    assert codes(zolpidem) == [("cns-depressants-together", ("trazodone",))]
    assert codes(trazodone) == [("cns-depressants-together", ("zolpidem",))]
    assert zolpidem[0].message == (
        "Zolpidem (a z-drug) with trazodone (an antidepressant with sedation): both depress "
        "the central nervous system and can add to each other's sedation. Weigh the "
        "combination."
    )
    assert zolpidem[0].source == (
        "FDA label for clonazepam, drug interactions: non-barbiturate hypnotics add to its CNS "
        "depression (reference additions); FDA label for clonazepam, drug interactions: "
        "tricyclic antidepressants add to its CNS depression; FDA 2019 Drug Safety "
        "Communication names antidepressants among the CNS depressants (reference additions)"
    )


def test_an_opioid_with_a_medication_for_opioid_use_disorder_takes_the_opioid_rule() -> None:
    buprenorphine, _ = flags_of("buprenorphine", "oxycodone", benzodiazepines=())
    assert codes(buprenorphine) == [("opioid-with-cns-depressant", ("oxycodone",))]


def test_a_medication_for_opioid_use_disorder_with_a_sedative_is_not_withheld() -> None:
    (flags, _) = flags_of("methadone", "quetiapine", benzodiazepines=())
    assert codes(flags) == [("moud-with-cns-depressant", ("quetiapine",))]
    assert "the other is not a reason to withhold or stop it" in flags[0].message


def test_alcohol_from_the_assessment_is_flagged_with_the_benzodiazepine_and_an_opioid() -> None:
    found = interaction_flags(
        TABLE, benzodiazepines=CLONAZEPAM, medications=("oxycodone",), alcohol=True
    )
    (general,) = found.general
    assert general.as_dict() == {
        "code": "alcohol-with-benzodiazepine",
        "message": "Alcohol use disorder (recorded at the latest level-of-care assessment) "
        "with clonazepam: alcohol adds to the benzodiazepine's sedation, with a risk of "
        "overdose. Weigh it in the level of care and the monitoring, and assess more often.",
        "source": "ASAM 2025 Rec 5, 19–20; ASAM Criteria 3rd ed. dimension 1, alcohol and "
        "sedative co-use (clinical reference, Level of care); FDA label for clonazepam, drug "
        "interactions: alcohol (reference additions)",
        "with": ["clonazepam"],
    }
    assert codes(found.by_medication[0]) == [
        ("opioid-with-benzodiazepine", ("clonazepam",)),
        ("opioid-with-cns-depressant", ("alcohol",)),
    ]


def test_without_alcohol_or_a_benzodiazepine_there_is_no_general_flag() -> None:
    assert interaction_flags(TABLE, benzodiazepines=(), medications=(), alcohol=True).general == ()
    assert (
        interaction_flags(TABLE, benzodiazepines=CLONAZEPAM, medications=(), alcohol=False).general
        == ()
    )


def test_after_the_taper_only_the_other_medications_are_flagged_together() -> None:
    assert flags_of("oxycodone", benzodiazepines=()) == ((),)


def test_a_medication_written_as_free_text_is_never_flagged() -> None:
    # None: a medication recorded by name alone (sertraline, lisinopril: not CNS
    # depressants the data file lists).
    assert flags_of(None, None) == ((), ())
    assert codes(flags_of("oxycodone", None)[1]) == []


def test_an_unknown_drug_is_refused() -> None:
    with pytest.raises(ClinicalError) as refused:
        flags_of("lisinopril")
    assert refused.value.code == "unknown-co-medication"


# Words that would make a flag recommend a drug. "stop" is allowed only where a flag
# says NOT to stop a medication for opioid use disorder.
RECOMMENDING = re.compile(
    r"\b(start|starting|switch|reduce|increase|discontinue|prescribe|taper off|stop it)\b", re.I
)


def test_no_flag_recommends_starting_stopping_or_changing_a_drug() -> None:
    drugs = [c.drugs[0] for c in TABLE.classes] + ["methadone"]
    seen = set()
    for first, second in itertools.combinations(drugs, 2):
        found = interaction_flags(
            TABLE, benzodiazepines=CLONAZEPAM, medications=(first, second), alcohol=True
        )
        for flag in [*found.general, *found.by_medication[0], *found.by_medication[1]]:
            seen.add(flag.code)
            allowed = flag.message.replace("is a reason to withhold, stop or disrupt it", "")
            allowed = allowed.replace("is not a reason to withhold or stop it", "")
            assert not RECOMMENDING.search(allowed), flag.message
            assert flag.source
    assert seen == {rule.code for rule in TABLE.rules}
