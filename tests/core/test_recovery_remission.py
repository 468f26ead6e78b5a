"""DSM-5 remission from the DSM-5 SUD checklists (core/recovery).

American Psychiatric Association, DSM-5 (2013), remission specifiers: after the full
criteria were met, early remission when no criterion but craving has been met for at
least 3 months and less than 12, sustained remission from 12 months on. Judged
conservatively: only the span between checklists counts."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from clonacare.core.recovery import (
    Checklist,
    Remission,
    RemissionStatus,
    add_months,
    craving_present,
    disorder_criteria,
    judge_remission,
    recovery_rules,
)

RULES = recovery_rules().remission
D = dt.date
MET = Checklist(D(2025, 1, 10), 5, True)


def _judge(checklists: list[Checklist], returns: list[dt.date] | None = None) -> Remission:
    return judge_remission(
        checklists,
        returns or [],
        disorder_criteria=disorder_criteria(),
        today=D(2026, 6, 1),
        rules=RULES,
    )


def test_it_reads_the_rule_and_its_source() -> None:
    assert (RULES.early_months, RULES.sustained_months, RULES.craving_item) == (3, 12, "A4")
    assert RULES.source == (
        "American Psychiatric Association. DSM-5 (2013), remission specifiers of substance "
        "use disorders"
    )
    assert disorder_criteria() == 2


def test_it_reads_craving_as_the_scorer_reads_the_answer() -> None:
    assert craving_present({"A4": "1"})
    assert craving_present({"A4": "yes"})
    assert not craving_present({"A4": "0"})
    assert not craving_present({})


def test_without_checklists_it_says_there_are_not_enough() -> None:
    result = _judge([])
    assert result.status == RemissionStatus.NOT_ENOUGH
    assert result.reasons == ("Not enough checklists to judge.",)


def test_early_remission_from_three_months_with_craving_allowed() -> None:
    result = _judge([MET, Checklist(D(2025, 3, 1), 1, True), Checklist(D(2025, 6, 1), 0, False)])
    assert result.status == RemissionStatus.EARLY
    assert result.label == "In early remission (DSM-5)"
    assert (result.since, result.through) == (D(2025, 3, 1), D(2025, 6, 1))
    assert result.reasons == (
        "The disorder was met before: 5 criteria on 2025-01-10.",
        "No criterion but craving on every checklist from 2025-03-01 to 2025-06-01 (2 checklists).",
        "The run spans 3 months or more, and less than 12.",
    )


def test_a_day_short_of_three_months_is_not_yet_remission() -> None:
    result = _judge([MET, Checklist(D(2025, 3, 1), 0, False), Checklist(D(2025, 5, 31), 0, False)])
    assert result.status == RemissionStatus.NOT_MET
    assert result.reasons[-1] == (
        "The run spans less than 3 months so far: a checklist on or after 2025-06-01 can "
        "show early remission."
    )


def test_sustained_remission_from_twelve_months() -> None:
    result = _judge([MET, Checklist(D(2025, 3, 1), 0, False), Checklist(D(2026, 3, 1), 1, True)])
    assert result.status == RemissionStatus.SUSTAINED
    assert result.label == "In sustained remission (DSM-5)"
    assert result.reasons[-1] == "The run spans 12 months or more."


def test_a_criterion_besides_craving_breaks_the_run() -> None:
    result = _judge(
        [
            MET,
            Checklist(D(2025, 2, 1), 0, False),
            Checklist(D(2025, 4, 1), 1, False),
            Checklist(D(2025, 5, 1), 0, False),
            Checklist(D(2025, 7, 1), 0, False),
        ]
    )
    assert result.status == RemissionStatus.NOT_MET
    assert result.since == D(2025, 5, 1)


def test_a_latest_checklist_with_criteria_is_not_remission() -> None:
    result = _judge([MET, Checklist(D(2025, 9, 1), 3, True)])
    assert result.status == RemissionStatus.NOT_MET
    assert result.reasons == (
        "The latest checklist, on 2025-09-01, counts 2 criteria besides craving.",
    )


def test_a_return_to_use_inside_the_run_starts_it_again() -> None:
    checklists = [MET, Checklist(D(2025, 2, 1), 0, False), Checklist(D(2025, 6, 1), 0, False)]
    result = _judge([*checklists, Checklist(D(2025, 8, 1), 0, False)], [D(2025, 5, 1)])
    assert result.status == RemissionStatus.NOT_MET
    assert (result.since, result.through) == (D(2025, 6, 1), D(2025, 8, 1))


def test_a_return_to_use_after_the_latest_checklist_ends_the_run() -> None:
    checklists = [MET, Checklist(D(2025, 2, 1), 0, False), Checklist(D(2025, 6, 1), 0, False)]
    result = _judge(checklists, [D(2025, 7, 1)])
    assert result.status == RemissionStatus.NOT_MET
    assert result.reasons == (
        "A return to use on 2025-07-01 came after the latest checklist; a new checklist "
        "starts the count again.",
    )


def test_without_the_disorder_met_before_it_does_not_judge() -> None:
    result = _judge(
        [
            Checklist(D(2025, 2, 1), 1, False),
            Checklist(D(2025, 3, 1), 0, False),
            Checklist(D(2025, 9, 1), 0, False),
        ]
    )
    assert result.status == RemissionStatus.NOT_ENOUGH
    assert result.reasons == (
        "Not enough checklists to judge.",
        "No checklist before 2025-03-01 meets the disorder (2 or more criteria), so "
        "remission cannot be judged.",
    )


def test_one_checklist_since_the_disorder_is_named_as_one() -> None:
    result = _judge([MET, Checklist(D(2025, 3, 1), 1, True)])
    assert result.status == RemissionStatus.NOT_MET
    assert (
        result.reasons[1] == "No criterion but craving on the one checklist since, on 2025-03-01."
    )


@given(
    st.lists(st.tuples(st.integers(0, 1500), st.integers(0, 11), st.booleans()), max_size=8),
    st.lists(st.integers(0, 1500), max_size=3),
)
def test_remission_is_only_shown_after_the_disorder_and_three_months(
    raw: list[tuple[int, int, bool]], returns: list[int]
) -> None:
    start = D(2023, 1, 1)
    checklists = [
        Checklist(start + dt.timedelta(days=d), max(n, int(craving)), craving and n > 0)
        for d, n, craving in raw
    ]
    result = judge_remission(
        checklists,
        [start + dt.timedelta(days=d) for d in returns],
        disorder_criteria=2,
        today=start + dt.timedelta(days=1500),
        rules=RULES,
    )
    if result.status in (RemissionStatus.EARLY, RemissionStatus.SUSTAINED):
        assert result.since is not None
        assert result.through is not None
        assert result.through >= add_months(result.since, 3)
        assert any(c.on < result.since and c.criteria >= 2 for c in checklists)
        run = [c for c in checklists if result.since <= c.on <= result.through]
        assert all(c.besides_craving == 0 for c in run)
