"""The scoring engine: one set of rules for every instrument definition.

The engine never guesses. A total (and a band) exists only when every required item that
applies is answered; safety alerts are evaluated on whatever was answered, so an alert
fires whatever the total and even when the form is incomplete. A bad answer never hides a
safety answer: when an answer is refused (not one of its item's options, or for an item
the instrument does not have), :class:`AnswersRefused` carries the result of the valid
answers, with the alerts they fire.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from clonacare.core.crisis import CrisisResource, CrisisResources
from clonacare.core.errors import ClinicalError
from clonacare.core.instruments.alerts import Alert, alert
from clonacare.core.instruments.definition import (
    SCREEN_INCOMPLETE,
    AlertRule,
    AnswerOption,
    Band,
    Instrument,
    Item,
    Report,
)


@dataclass(frozen=True)
class ScoreResult:
    """The outcome of scoring one set of answers.

    ``total`` and ``band`` are None unless ``complete``; ``band`` is also None for an
    instrument reported as a trend. ``crisis_resources`` is non-empty exactly when
    ``alerts`` is. ``answers`` holds the answers that counted, in item order.
    """

    instrument: str
    title: str
    report: Report
    score_range: tuple[int, int] | None
    complete: bool
    total: int | None
    band: str | None
    missing: tuple[Item, ...]
    alerts: tuple[Alert, ...]
    crisis_resources: tuple[CrisisResource, ...]
    answers: tuple[tuple[Item, AnswerOption], ...]
    conditions: tuple[str, ...]
    notes: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        """The JSON shape of the result (what ``clonacare score`` prints as JSON)."""
        return {
            "instrument": self.instrument,
            "total": self.total,
            "band": self.band,
            "complete": self.complete,
            "alerts": [a.as_dict() for a in self.alerts],
            "crisis_resources": [r.as_dict() for r in self.crisis_resources],
            "report": self.report,
            "range": list(self.score_range) if self.score_range else None,
            "conditions": list(self.conditions),
            "notes": list(self.notes),
        }


class AnswersRefused(ClinicalError):
    """Answers the engine cannot score: one is not an option of its item
    (``answer-out-of-range``) or names an item the instrument does not have
    (``unknown-item``). ``message`` names the first such answer. ``result`` is what the
    valid answers give, scored as if the refused ones were not given: never complete,
    with no total or band, but with every safety alert they fire (an unanswered suicide
    question included) and the crisis resources, so a caller that refuses the form can
    still store and show them."""

    def __init__(self, code: str, message: str, result: ScoreResult) -> None:
        super().__init__(code, message)
        self.result = result


def item_name(instrument: Instrument, item: Item) -> str:
    """How messages name an item: ``phq9 item 9``, or ``dsm5-sud item 10 (A10)``."""
    name = f"{instrument.id} item {item.number}"
    return name if item.id.endswith(f"-{item.number}") else f"{name} ({item.id})"


def incomplete_message(instrument: Instrument, missing: Sequence[Item]) -> str:
    """The one-line refusal to total an incomplete form, naming every missing item."""
    what = "total" if instrument.scoring == "sum" else "result"
    names = ", ".join(item_name(instrument, i) for i in missing)
    verb = "is" if len(missing) == 1 else "are"
    return f"no {what}: {names} {verb} not answered; a {what} needs every item that applies."


class TooManyAnswers(ClinicalError):
    """More answers in item order than the instrument has items (``too-many-answers``).
    ``tokens`` keeps every answer given, so the safety answers can still be read."""

    def __init__(self, message: str, tokens: Sequence[str]) -> None:
        super().__init__("too-many-answers", message)
        self.tokens = tuple(tokens)


def answers_from_tokens(instrument: Instrument, tokens: Sequence[str]) -> dict[str, str | None]:
    """Map answers given in item order (as on the command line) to item ids.

    An empty token, or a list shorter than the items, leaves those items unanswered.
    Raises TooManyAnswers (a ClinicalError, ``too-many-answers``) when there are more
    tokens than items.
    """
    if len(tokens) > len(instrument.items):
        required = instrument.required_count
        takes = (
            f"{len(instrument.items)} answers"
            if required == len(instrument.items)
            else f"{required} to {len(instrument.items)} answers"
        )
        raise TooManyAnswers(f"{instrument.id} takes {takes}; got {len(tokens)}.", tokens)
    return _by_position(instrument, tokens)


def _by_position(instrument: Instrument, tokens: Sequence[str]) -> dict[str, str | None]:
    return {
        item.id: (tokens[n].strip() or None) if n < len(tokens) else None
        for n, item in enumerate(instrument.items)
    }


def _parse(
    instrument: Instrument, answers: Mapping[str, str | int | None]
) -> tuple[dict[str, AnswerOption], list[ClinicalError], set[str]]:
    """The valid answers, by item id, a refusal for each answer that is not valid (an
    unknown item first, then answers outside their options, in item order), and the ids
    of the items whose answer was refused (unreadable)."""
    known = {i.id for i in instrument.items}
    refusals = [
        ClinicalError(
            "unknown-item",
            f"{instrument.id} has no item {key!r}; its items: {instrument.item_list()}.",
        )
        for key in answers
        if key not in known
    ]
    chosen: dict[str, AnswerOption] = {}
    unreadable: set[str] = set()
    for item in instrument.items:
        raw = answers.get(item.id)
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            continue
        option = item.option(str(raw))
        if option is None:
            refusals.append(
                ClinicalError(
                    "answer-out-of-range",
                    f"{item_name(instrument, item)}: {str(raw).strip()!r} is not an answer; "
                    f"choose one of {', '.join(item.codes)}.",
                )
            )
            unreadable.add(item.id)
            continue
        chosen[item.id] = option
    return chosen, refusals, unreadable


def _setting(instrument: Instrument, settings: Mapping[str, int], name: str) -> int:
    if name not in settings:
        raise ClinicalError(
            "missing-setting",
            f"{instrument.id} needs the setting {name!r} (assessment settings file).",
        )
    value = settings[name]
    low, high = instrument.score_range or (0, 0)
    if isinstance(value, bool) or not isinstance(value, int) or not low < value <= high:
        raise ClinicalError(
            "setting-out-of-range",
            f"setting {name!r} must be a whole number from {low + 1} to {high}; got {value!r}.",
        )
    return value


def _band_range(instrument: Instrument, band: Band, settings: Mapping[str, int]) -> tuple[int, int]:
    low = band.min if band.min_setting is None else _setting(instrument, settings, band.min_setting)
    high = (
        band.max
        if band.max_below_setting is None
        else _setting(instrument, settings, band.max_below_setting) - 1
    )
    if low is None or high is None:  # the loader refuses such a band; kept for the type checker
        raise ClinicalError("data-file", f"{instrument.id}: band {band.label!r} has no range.")
    return low, high


def _band(
    instrument: Instrument,
    total: int | None,
    scores: Mapping[str, int],
    settings: Mapping[str, int],
) -> str | None:
    if instrument.report in ("trend", "total"):
        return None
    for band in instrument.bands:
        if instrument.report == "classification":
            if band.otherwise or (band.when is not None and band.when.holds(scores)):
                return band.label
            continue
        low, high = _band_range(instrument, band, settings)
        if total is not None and low <= total <= high:
            return band.label
    return None


def score(
    instrument: Instrument,
    answers: Mapping[str, str | int | None],
    *,
    crisis: CrisisResources,
    settings: Mapping[str, int] | None = None,
    conditions: frozenset[str] = frozenset(),
) -> ScoreResult:
    """Score ``answers`` (item id → option code, alias or None) on ``instrument``.

    ``settings`` supplies values the instrument leaves to configuration (the SDS cut-off);
    ``conditions`` the circumstances it declares (``taken-as-prescribed``). Raises
    ClinicalError for a condition the instrument does not declare or a missing setting,
    and AnswersRefused (a ClinicalError naming the item, carrying the alerts of the valid
    answers) for an answer that is not one of its item's options or an unknown item. An
    incomplete form is not an error here: the result says ``complete=False`` and lists
    ``missing``. An answer to an item the skip logic does not ask is not counted, unless
    it raises a safety alert: then it counts (an ASQ acuity yes is an acute positive
    screen whatever questions 1–4 say).
    """
    settings = settings or {}
    declared = {c.id for c in instrument.conditions}
    unknown = sorted(conditions - declared)
    if unknown:
        takes = f"; it takes: {', '.join(sorted(declared))}" if declared else ""
        raise ClinicalError(
            "unknown-condition",
            f"condition {unknown[0]!r} does not apply to {instrument.id}{takes}.",
        )
    for name in instrument.settings:
        _setting(instrument, settings, name)
    chosen, refusals, unreadable = _parse(instrument, answers)

    counted: list[tuple[Item, AnswerOption]] = []
    scores: dict[str, int] = {}
    missing: list[Item] = []
    notes: list[str] = list(instrument.notes)
    # Safety alerts look at every answer given, even one the skip logic does not ask
    # for (an ASQ acuity "yes" after four "no"s): a recorded risk answer is never dropped.
    given = {item_id: option.score for item_id, option in chosen.items()}
    for item in instrument.items:
        option = chosen.get(item.id)
        enabled = item.enabled_when is None or item.enabled_when.holds(scores)
        excluded = item.excluded_when is not None and item.excluded_when in conditions
        if not enabled:
            if option is None:
                continue
            if not _alarming(instrument, item, option):
                notes.append(
                    f"{item_name(instrument, item)} was not counted: it applies only when an "
                    f"earlier answer calls for it."
                )
                continue
            # It raises a safety alert, so it counts for the result too.
            notes.append(
                f"{item_name(instrument, item)} counts although no earlier answer calls for "
                f"it: its answer raises a safety alert."
            )
        if excluded:
            notes.append(f"{item_name(instrument, item)} does not count ({item.excluded_when}).")
            continue
        if option is None:
            if item.required:
                missing.append(item)
            continue
        counted.append((item, option))
        scores[item.id] = option.score

    complete = not missing
    total = (
        sum(o.score for i, o in counted if i.scored)
        if complete and instrument.scoring == "sum"
        else None
    )
    band = _band(instrument, total, scores, settings) if complete else None
    # An unreadable answer to a watched question counts as unanswered whether or not the
    # question applies (an ASQ acuity "maybe"): the screen could not be read.
    unanswered = {i.id for i in missing} | unreadable
    fired: list[Alert] = []
    for rule in instrument.alerts:
        holds = (
            rule.when.holds(given)
            if rule.when is not None
            else any(i in unanswered for i in rule.unanswered)
        )
        if holds:
            _fire(fired, rule)
    result = ScoreResult(
        instrument=instrument.id,
        title=instrument.title,
        report=instrument.report,
        score_range=instrument.score_range,
        complete=complete,
        total=total,
        band=band,
        missing=tuple(missing),
        alerts=tuple(fired),
        crisis_resources=crisis.resources if fired else (),
        answers=tuple(counted),
        conditions=tuple(sorted(conditions)),
        notes=tuple(notes),
    )
    if refusals:
        first = refusals[0]
        refused = replace(result, complete=False, total=None, band=None)
        raise AnswersRefused(first.code, first.message, refused)
    return result


def unreadable_screen(
    instrument: Instrument, *, crisis: CrisisResources, tokens: Sequence[str] = ()
) -> ScoreResult:
    """What is left of a form whose answers cannot be matched to items (more answers
    than items: which is which is unknown). There is no total. The safety answers are
    read both ways the answers could line up with the items, the first ones and the last
    ones (an answer added at the start or at the end), and every alert either reading
    fires is kept: a suicide answer is never lost to a miscount. An instrument that
    watches a suicide question also raises ``suicide-screen-incomplete`` (the screen
    could not be read for sure), and the crisis resources always come with it."""
    count = len(instrument.items)
    readings = [tokens[:count], tokens[-count:]] if tokens else []
    fired: list[Alert] = []
    for reading in readings:
        chosen, _, _ = _parse(instrument, _by_position(instrument, reading))
        given = {item_id: option.score for item_id, option in chosen.items()}
        for rule in instrument.alerts:
            if rule.when is not None and rule.when.holds(given):
                _fire(fired, rule)
    for rule in instrument.alerts:
        if rule.code == SCREEN_INCOMPLETE:
            _fire(fired, rule)
    return ScoreResult(
        instrument=instrument.id,
        title=instrument.title,
        report=instrument.report,
        score_range=instrument.score_range,
        complete=False,
        total=None,
        band=None,
        missing=(),
        alerts=tuple(fired),
        crisis_resources=crisis.resources,
        answers=(),
        conditions=(),
        notes=(),
    )


def _fire(fired: list[Alert], rule: AlertRule) -> None:
    """Add ``rule``'s alert to ``fired`` once, with the rule's own source when it names one."""
    if rule.code in {a.code for a in fired}:
        return
    found = alert(rule.code)
    fired.append(found if rule.source is None else replace(found, source=rule.source))


def _alarming(instrument: Instrument, item: Item, option: AnswerOption) -> bool:
    """Whether ``option``, given for ``item``, fires one of the instrument's alerts."""
    return any(
        r.when.holds({item.id: option.score})
        for r in instrument.alerts
        if r.when is not None and item.id in r.when.any_of
    )
