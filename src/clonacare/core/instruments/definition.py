"""Instrument definitions: the value objects a definition file becomes, and its loader.

A definition file (``data/<id>.toml``) holds everything clinical about an instrument:
items, answer options and their scores, skip logic, the scoring rule, bands, alert rules,
source, licence and LOINC codes. The loader checks the file against itself (every option
set named by an item exists, the score range equals what the items can add up to, bands
cover the range without gaps) so a wrong file fails when it is loaded, not when a patient
is scored.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal, cast

from clonacare.core.errors import ClinicalError
from clonacare.core.sourced import (
    fail,
    one_of,
    optional_text,
    required_text,
    text_list,
    true_or_false,
    whole_number,
)

Scoring = Literal["sum", "none"]
Report = Literal["bands", "total", "trend", "classification"]
Wording = Literal["published", "paraphrased", "own-labels", "licensed"]

SCORINGS: tuple[Scoring, ...] = ("sum", "none")
REPORTS: tuple[Report, ...] = ("bands", "total", "trend", "classification")
WORDINGS: tuple[Wording, ...] = ("published", "paraphrased", "own-labels", "licensed")
ALERT_CODES = ("suicide-risk", "suicide-risk-imminent", "suicide-screen-incomplete", "seizure")
# The suicide codes an answer raises, and the code an unanswered suicide question raises:
# every item a suicide rule reads must also be named by an unanswered rule, so that no
# suicide question can be left blank without someone being asked to complete the screen.
SUICIDE_ANSWER_CODES = ("suicide-risk", "suicide-risk-imminent")
SCREEN_INCOMPLETE = "suicide-screen-incomplete"
_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_ITEM_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]*$")


@dataclass(frozen=True)
class AnswerOption:
    """One answer an item accepts: ``code`` is what is typed or stored, ``score`` what counts."""

    code: str
    score: int
    label: str
    aliases: tuple[str, ...] = ()

    def matches(self, token: str) -> bool:
        token = token.strip().lower()
        return token == self.code.lower() or token in (a.lower() for a in self.aliases)


@dataclass(frozen=True)
class Condition:
    """True when any of the named items is answered with a score above ``above``."""

    any_of: tuple[str, ...]
    above: int

    def holds(self, scores: Mapping[str, int]) -> bool:
        return any(scores.get(item, self.above) > self.above for item in self.any_of)


@dataclass(frozen=True)
class Item:
    id: str
    number: int
    text: str
    options: tuple[AnswerOption, ...]
    scored: bool = True
    required: bool = True
    loinc: str | None = None
    enabled_when: Condition | None = None
    excluded_when: str | None = None
    rater: str = "self"
    note: str | None = None

    @property
    def max_score(self) -> int:
        return max(o.score for o in self.options)

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(o.code for o in self.options)

    def option(self, token: str) -> AnswerOption | None:
        """The option ``token`` names (its code or an alias), or None."""
        return next((o for o in self.options if o.matches(token)), None)


@dataclass(frozen=True)
class Band:
    """A total range (``min``..``max``, either end possibly a named setting) or a rule."""

    label: str
    min: int | None = None
    max: int | None = None
    min_setting: str | None = None
    max_below_setting: str | None = None
    when: Condition | None = None
    otherwise: bool = False
    # How the portal names the result to the person who answered, where ``label`` is a
    # clinician's term ("non-acute positive"); else ``label``.
    patient_label: str | None = None
    # Those words in Spanish, for the Spanish portal: only where they are Clonacare's own
    # (never a publication's term, such as PHQ-9's "moderately severe"); else none, and the
    # portal shows the English, marked as English.
    patient_label_es: str | None = None


@dataclass(frozen=True)
class AlertRule:
    """Fires ``code`` when an answer given meets ``when``, or (``unanswered``) when one of
    the named items applies and has no valid answer. ``source``: why this instrument's
    answer raises it, shown instead of the alert catalogue's general source (PHQ-9 item 9
    and the ASQ raise ``suicide-risk`` on different evidence)."""

    code: str
    when: Condition | None = None
    unanswered: tuple[str, ...] = ()
    source: str | None = None

    def items(self) -> tuple[str, ...]:
        return self.when.any_of if self.when is not None else self.unanswered


@dataclass(frozen=True)
class InstrumentCondition:
    """A circumstance that changes scoring, e.g. ``taken-as-prescribed`` for DSM-5 SUD."""

    id: str
    label: str
    source: str


@dataclass(frozen=True)
class Loinc:
    panel: str | None
    total: str | None
    source: str


@dataclass(frozen=True)
class Instrument:
    id: str
    title: str
    short_title: str
    construct: str
    source: str
    licence: str
    wording: Wording
    stem: str
    scoring: Scoring
    report: Report
    score_range: tuple[int, int] | None
    items: tuple[Item, ...]
    bands: tuple[Band, ...]
    alerts: tuple[AlertRule, ...]
    conditions: tuple[InstrumentCondition, ...] = ()
    settings: tuple[str, ...] = ()
    loinc: Loinc | None = None
    notes: tuple[str, ...] = ()
    licensed: bool = False
    # The words above the questions when people answer for themselves (the portal), where
    # ``stem`` is addressed to a clinician asking them ("Ask the person:"); else ``stem``.
    self_report_stem: str | None = None

    @property
    def patient_stem(self) -> str:
        return self.self_report_stem or self.stem

    def patient_band(self, label: str, language: str = "en") -> str:
        """The result ``label`` in the words the portal shows the person who answered,
        in ``language`` when the file gives them in it (``patient_label_es``), else in
        English (``patient_label``, else ``label``); an unknown ``label`` as it is."""
        return self.patient_band_in(label, language)[0]

    def patient_band_in(self, label: str, language: str) -> tuple[str, str]:
        """``(words, their language)``: as ``patient_band``, with the language the words
        are in (``"en"`` when the file has none in ``language``)."""
        for band in self.bands:
            if band.label == label:
                if language == "es" and band.patient_label_es:
                    return band.patient_label_es, "es"
                return band.patient_label or label, "en"
        return label, "en"

    def item(self, item_id: str) -> Item:
        for item in self.items:
            if item.id == item_id:
                return item
        raise ClinicalError(
            "unknown-item", f"{self.id} has no item {item_id!r}; its items: {self.item_list()}."
        )

    def item_list(self) -> str:
        return ", ".join(i.id for i in self.items)

    @property
    def required_count(self) -> int:
        return sum(1 for i in self.items if i.required)


# --- loading ---------------------------------------------------------------------------


def _condition(raw: Any, where: str, item_ids: set[str]) -> Condition:
    if not isinstance(raw, Mapping):
        raise fail(where, "a condition is a table { any_of = [...], above = N }.")
    any_of = text_list(raw, "any_of", where)
    unknown = [i for i in any_of if i not in item_ids]
    if not any_of or unknown:
        raise fail(where, f"'any_of' must name items of this instrument; unknown: {unknown}.")
    return Condition(any_of=any_of, above=whole_number(raw, "above", where))


def _alert_rule(raw: Any, where: str, item_ids: set[str]) -> AlertRule:
    """``{ code, any_of, above }`` (an answer given) or ``{ code, unanswered_any_of }``,
    each with an optional ``source`` naming this instrument's evidence for the alert."""
    if not isinstance(raw, Mapping):
        raise fail(where, "an alert is a table { code, any_of, above }.")
    code = required_text(raw, "code", where)
    source = raw.get("source")
    if source is not None and (not isinstance(source, str) or not source.strip()):
        raise fail(where, "an alert's 'source' must be non-empty text.")
    if "unanswered_any_of" not in raw:
        return AlertRule(code=code, when=_condition(raw, where, item_ids), source=source)
    if "any_of" in raw or "above" in raw:
        raise fail(where, "an alert has either 'any_of' and 'above' or 'unanswered_any_of'.")
    unanswered = text_list(raw, "unanswered_any_of", where)
    unknown = [i for i in unanswered if i not in item_ids]
    if not unanswered or unknown:
        raise fail(
            where, f"'unanswered_any_of' must name items of this instrument; unknown: {unknown}."
        )
    return AlertRule(code=code, unanswered=unanswered, source=source)


def _options(raw: Any, where: str) -> tuple[AnswerOption, ...]:
    if not isinstance(raw, Mapping) or not isinstance(raw.get("options"), list):
        raise fail(where, "an option set is a table with an 'options' list.")
    options = []
    for n, entry in enumerate(raw["options"], start=1):
        at = f"{where} option {n}"
        if not isinstance(entry, Mapping):
            raise fail(at, "an option is a table { code, score, label }.")
        options.append(
            AnswerOption(
                code=required_text(entry, "code", at),
                score=whole_number(entry, "score", at),
                label=required_text(entry, "label", at),
                aliases=text_list(entry, "aliases", at),
            )
        )
    tokens = [t.lower() for o in options for t in (o.code, *o.aliases)]
    if len(tokens) != len(set(tokens)):
        raise fail(where, "option codes and aliases must be distinct.")
    if not options or min(o.score for o in options) < 0:
        raise fail(where, "an option set needs options with scores of 0 or more.")
    return tuple(options)


def _items(data: Mapping[str, Any], where: str, condition_ids: set[str]) -> tuple[Item, ...]:
    raw_sets = data.get("option_sets", {})
    if not isinstance(raw_sets, Mapping):
        raise fail(where, "'option_sets' must be a table.")
    sets = {name: _options(raw, f"{where} option set {name!r}") for name, raw in raw_sets.items()}
    raw_items = data.get("items")
    if not isinstance(raw_items, list) or not raw_items:
        raise fail(where, "an instrument needs [[items]].")
    ids = {str(r.get("id")) for r in raw_items if isinstance(r, Mapping)}
    items: list[Item] = []
    seen: set[str] = set()
    for number, raw in enumerate(raw_items, start=1):
        at = f"{where} item {number}"
        if not isinstance(raw, Mapping):
            raise fail(at, "an item is a table.")
        item_id = required_text(raw, "id", at)
        if not _ITEM_ID.match(item_id):
            raise fail(at, f"item id {item_id!r} must be letters, digits and hyphens.")
        set_name = required_text(raw, "options", at)
        if set_name not in sets:
            raise fail(at, f"option set {set_name!r} is not defined in [option_sets].")
        excluded_when = optional_text(raw, "excluded_when", at)
        if excluded_when is not None and excluded_when not in condition_ids:
            raise fail(at, f"'excluded_when' names an undeclared condition {excluded_when!r}.")
        enabled = raw.get("enabled_when")
        scored = true_or_false(raw, "scored", at, True)
        items.append(
            Item(
                id=item_id,
                number=number,
                text=required_text(raw, "text", at),
                options=sets[set_name],
                scored=scored,
                required=true_or_false(raw, "required", at, True),
                loinc=optional_text(raw, "loinc", at),
                # skip logic may only look back: an item depends on answers already given
                enabled_when=None if enabled is None else _condition(enabled, at, seen),
                excluded_when=excluded_when,
                rater=one_of(raw, "rater", at, ("self", "observer", "clinician"))
                if "rater" in raw
                else "self",
                note=optional_text(raw, "note", at),
            )
        )
        seen.add(item_id)
    if len(ids) != len(items):
        raise fail(where, "item ids must be unique.")
    return tuple(items)


def _bands(raw_bands: Any, where: str, item_ids: set[str], settings: set[str]) -> tuple[Band, ...]:
    if not isinstance(raw_bands, list):
        raise fail(where, "'bands' must be a list of tables.")
    bands = []
    for n, raw in enumerate(raw_bands, start=1):
        at = f"{where} band {n}"
        if not isinstance(raw, Mapping):
            raise fail(at, "a band is a table.")
        min_setting = optional_text(raw, "min_setting", at)
        max_below = optional_text(raw, "max_below_setting", at)
        for name in (min_setting, max_below):
            if name is not None and name not in settings:
                raise fail(at, f"setting {name!r} is not declared in 'settings'.")
        when = raw.get("when")
        bands.append(
            Band(
                label=required_text(raw, "label", at),
                min=whole_number(raw, "min", at) if "min" in raw else None,
                max=whole_number(raw, "max", at) if "max" in raw else None,
                min_setting=min_setting,
                max_below_setting=max_below,
                when=None if when is None else _condition(when, at, item_ids),
                otherwise=true_or_false(raw, "otherwise", at, False),
                patient_label=optional_text(raw, "patient_label", at),
                patient_label_es=optional_text(raw, "patient_label_es", at),
            )
        )
    return tuple(bands)


def _check_consistency(instrument: Instrument, where: str) -> None:
    """Refuse a file whose numbers do not agree with each other."""
    if instrument.scoring == "sum":
        if instrument.score_range is None:
            raise fail(where, "a summed instrument needs 'score_range'.")
        low, high = instrument.score_range
        can_reach = sum(i.max_score for i in instrument.items if i.scored)
        if low != 0 or high != can_reach:
            raise fail(
                where,
                f"'score_range' is [{low}, {high}] but the scored items add up to 0–{can_reach}.",
            )
    if instrument.report == "bands":
        fixed = [
            b for b in instrument.bands if b.min_setting is None and b.max_below_setting is None
        ]
        if len(fixed) == len(instrument.bands):
            covered: list[int] = []
            for band in fixed:
                if band.min is None or band.max is None or band.min > band.max:
                    raise fail(where, f"band {band.label!r} needs min ≤ max.")
                covered.extend(range(band.min, band.max + 1))
            if instrument.score_range is None:
                raise fail(where, "an instrument reported in bands needs 'score_range'.")
            expected = list(range(instrument.score_range[0], instrument.score_range[1] + 1))
            if sorted(covered) != expected:
                raise fail(where, "bands must cover the score range once, without gaps.")
    if instrument.report == "classification" and not (
        instrument.bands and instrument.bands[-1].otherwise
    ):
        raise fail(where, "a classification needs a last band with 'otherwise = true'.")
    if instrument.report in ("trend", "total") and instrument.bands:
        raise fail(where, f"an instrument reported as a {instrument.report} has no bands.")
    for rule in instrument.alerts:
        if rule.code not in ALERT_CODES:
            raise fail(where, f"alert {rule.code!r} is not one of {', '.join(ALERT_CODES)}.")
    suicide_items = {
        i for r in instrument.alerts if r.code in SUICIDE_ANSWER_CODES for i in r.items()
    }
    watched = {i for r in instrument.alerts if r.code == SCREEN_INCOMPLETE for i in r.unanswered}
    unwatched = [i.id for i in instrument.items if i.id in suicide_items - watched]
    if unwatched:
        raise fail(
            where,
            f"suicide item {unwatched[0]!r} needs an alert {SCREEN_INCOMPLETE!r} with "
            f"'unanswered_any_of' naming it: an unanswered suicide question is never negative.",
        )


def parse_instrument(data: Mapping[str, Any], where: str, *, licensed: bool = False) -> Instrument:
    """Build an Instrument from a parsed definition file.

    ``where`` names the file in error messages. Raises ClinicalError("data-file") naming
    the field for anything missing, mistyped or inconsistent.
    """
    instrument_id = required_text(data, "id", where)
    if not _ID.match(instrument_id):
        raise fail(where, f"instrument id {instrument_id!r} must be lower-case letters, digits, -.")
    raw_conditions = data.get("conditions", [])
    if not isinstance(raw_conditions, list):
        raise fail(where, "'conditions' must be a list of tables.")
    conditions = tuple(
        InstrumentCondition(
            id=required_text(c, "id", f"{where} condition"),
            label=required_text(c, "label", f"{where} condition"),
            source=required_text(c, "source", f"{where} condition"),
        )
        for c in raw_conditions
    )
    settings = text_list(data, "settings", where)
    items = _items(data, where, {c.id for c in conditions})
    item_ids = {i.id for i in items}
    raw_range = data.get("score_range")
    score_range: tuple[int, int] | None = None
    if raw_range is not None:
        if (
            not isinstance(raw_range, list)
            or len(raw_range) != 2
            or not all(isinstance(v, int) and not isinstance(v, bool) for v in raw_range)
        ):
            raise fail(where, "'score_range' must be [low, high].")
        score_range = (raw_range[0], raw_range[1])
    raw_alerts = data.get("alerts", [])
    if not isinstance(raw_alerts, list):
        raise fail(where, "'alerts' must be a list of tables.")
    alerts = tuple(_alert_rule(a, f"{where} alert", item_ids) for a in raw_alerts)
    raw_loinc = data.get("loinc")
    loinc = None
    if raw_loinc is not None:
        if not isinstance(raw_loinc, Mapping):
            raise fail(where, "'loinc' must be a table.")
        loinc = Loinc(
            panel=optional_text(raw_loinc, "panel", f"{where} loinc"),
            total=optional_text(raw_loinc, "total", f"{where} loinc"),
            source=required_text(raw_loinc, "source", f"{where} loinc"),
        )
    instrument = Instrument(
        id=instrument_id,
        title=required_text(data, "title", where),
        short_title=required_text(data, "short_title", where),
        construct=required_text(data, "construct", where),
        source=required_text(data, "source", where),
        licence=required_text(data, "licence", where),
        wording=cast(Wording, one_of(data, "wording", where, WORDINGS)),
        stem=required_text(data, "stem", where),
        self_report_stem=optional_text(data, "self_report_stem", where),
        scoring=cast(Scoring, one_of(data, "scoring", where, SCORINGS)),
        report=cast(Report, one_of(data, "report", where, REPORTS)),
        score_range=score_range,
        items=items,
        bands=_bands(data.get("bands", []), where, item_ids, set(settings)),
        alerts=alerts,
        conditions=conditions,
        settings=settings,
        loinc=loinc,
        notes=text_list(data, "notes", where),
        licensed=licensed,
    )
    _check_consistency(instrument, where)
    return instrument
