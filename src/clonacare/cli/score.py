"""``clonacare score``: score one instrument from answers given in item order."""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any

from clonacare.cli import COMMANDS
from clonacare.core.assessment.settings import ENV_VAR as SETTINGS_ENV_VAR
from clonacare.core.assessment.settings import load_settings
from clonacare.core.crisis import CrisisResources, load_crisis_resources
from clonacare.core.errors import ClinicalError
from clonacare.core.instruments import (
    AnswersRefused,
    Instrument,
    ScoreResult,
    TooManyAnswers,
    answers_from_tokens,
    incomplete_message,
    instrument,
    licensed_ids,
    licensed_instrument,
    load_licensed_pack,
    score,
    shipped_ids,
    unreadable_screen,
)

CRISIS_ENV_VAR = "CLONACARE_CRISIS_FILE"
PACKS_ENV_VAR = "CLONACARE_INSTRUMENT_PACKS"
TAKEN_AS_PRESCRIBED = "taken-as-prescribed"


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "score",
        help=COMMANDS["score"].help,
        description="Score one instrument. Answers are given in item order, comma-separated; "
        "an empty answer leaves that item unanswered, and no total is given until every "
        "scored item is answered. Safety alerts fire whatever the total.",
    )
    parser.add_argument("instrument", nargs="?", help="instrument id (see --list)")
    parser.add_argument("--list", action="store_true", help="list the instruments and exit")
    parser.add_argument("--answers", help="answers in item order, e.g. 1,2,0,3,1,0,2,1,0")
    parser.add_argument(
        "--taken-as-prescribed",
        action="store_true",
        help="dsm5-sud: taken as prescribed under medical supervision (tolerance and "
        "withdrawal do not count)",
    )
    parser.add_argument(
        "--pack",
        action="append",
        default=[],
        metavar="FILE",
        help=f"a site's licensed instrument pack (repeatable; also ${PACKS_ENV_VAR})",
    )
    parser.add_argument(
        "--settings",
        metavar="FILE",
        help=f"assessment settings file (default: ${SETTINGS_ENV_VAR} or the shipped file)",
    )
    parser.add_argument("--format", choices=("text", "json"), default="text")
    # The core's refusals name where a licensed pack comes from as a term (``pack_file``).
    parser.set_defaults(handler=score_command, flag_names={"pack_file": " (--pack FILE)"})


def crisis_resources() -> CrisisResources:
    """The site's crisis resources: ``$CLONACARE_CRISIS_FILE`` or the shipped US list."""
    return load_crisis_resources(os.environ.get(CRISIS_ENV_VAR) or None)


def _packs(args: argparse.Namespace) -> dict[str, Instrument]:
    paths = [p for p in os.environ.get(PACKS_ENV_VAR, "").split(os.pathsep) if p]
    packs = {}
    for path in [*paths, *args.pack]:
        pack = load_licensed_pack(path)
        packs[pack.id] = pack
    return packs


def _list(packs: dict[str, Instrument]) -> str:
    lines = [f"{'id':<10} {'report':<15} {'range':<6} {'items':>5}  instrument"]
    for chosen in [instrument(i) for i in shipped_ids()] + list(packs.values()):
        span = f"{chosen.score_range[0]}–{chosen.score_range[1]}" if chosen.score_range else "—"
        lines.append(
            f"{chosen.id:<10} {chosen.report:<15} {span:<6} {len(chosen.items):>5}  "
            f"{chosen.short_title}: {chosen.title}"
        )
    missing = [licensed_instrument(i) for i in licensed_ids() if i not in packs]
    if missing:
        lines.append("")
        lines.append("Licensed, not shipped (load your site's pack with --pack FILE):")
        lines.extend(f"  {m.id:<8} {m.short_title}: {m.licence}" for m in missing)
    return "\n".join(lines)


def _alert_lines(result: ScoreResult) -> list[str]:
    lines = [f"ALERT {a.code}: {a.message}" for a in result.alerts]
    if result.crisis_resources:
        lines.append("Crisis resources:")
        lines.extend(f"  {r.name}: {r.how} ({r.contact})" for r in result.crisis_resources)
    return lines


def _text(chosen: Instrument, result: ScoreResult) -> str:
    lines = [f"{chosen.short_title} ({chosen.id}): {chosen.title}"]
    if result.total is not None and result.score_range is not None:
        lines.append(
            f"Total: {result.total} (range {result.score_range[0]}–{result.score_range[1]})"
        )
    if result.band is not None:
        lines.append(f"{'Result' if result.report == 'classification' else 'Band'}: {result.band}")
    if result.conditions:
        lines.append(f"Conditions: {', '.join(result.conditions)}")
    lines.extend(f"Note: {n}" for n in result.notes)
    lines.extend(_alert_lines(result) or ["Alerts: none"])
    lines.append(f"Source: {chosen.source}")
    return "\n".join(lines)


def _refuse(
    args: argparse.Namespace, chosen: Instrument, refused: ClinicalError, result: ScoreResult
) -> int:
    """Refuse an incomplete form, a bad answer or more answers than items: the exit code
    of the refusal's kind (2), the reason on stderr, and no total. The alerts the valid
    answers fired (for more answers than items, those of the answers read both ways and
    ``suicide-screen-incomplete`` on an instrument with a suicide question) are never
    swallowed: they follow the reason on stderr with the crisis resources and,
    in JSON, are printed on stdout as the result with ``refused`` set to the reason
    (also when only the crisis resources are left to print)."""
    message = refused.worded(args.flag_names)
    print(f"clonacare score: {message}", file=sys.stderr)
    for line in _alert_lines(result):
        print(line, file=sys.stderr)
    if args.format == "json" and (result.alerts or result.crisis_resources):
        body = {**result.as_dict(), "title": chosen.title, "refused": message}
        print(json.dumps(body, indent=2, ensure_ascii=False))
    return refused.kind.exit_code


def score_command(args: argparse.Namespace) -> int:
    packs = _packs(args)
    if args.list:
        print(_list(packs))
        return 0
    if not args.instrument:
        raise ClinicalError("usage", "name an instrument, or use --list to see them.")
    chosen = packs.get(args.instrument) or instrument(args.instrument)
    if args.answers is None:
        raise ClinicalError(
            "usage", f"--answers is required (in item order: {chosen.item_list()})."
        )
    conditions = frozenset({TAKEN_AS_PRESCRIBED} if args.taken_as_prescribed else set())
    if conditions and TAKEN_AS_PRESCRIBED not in {c.id for c in chosen.conditions}:
        raise ClinicalError("usage", "--taken-as-prescribed applies only to dsm5-sud.")
    settings = load_settings(args.settings or os.environ.get(SETTINGS_ENV_VAR) or None)
    try:
        answers = answers_from_tokens(chosen, args.answers.split(","))
    except TooManyAnswers as unmatched:
        # Which answer is which is unknown: the safety answers are read both ways.
        unread = unreadable_screen(chosen, crisis=crisis_resources(), tokens=unmatched.tokens)
        return _refuse(args, chosen, unmatched, unread)
    try:
        result = score(
            chosen,
            answers,
            crisis=crisis_resources(),
            settings=settings.instrument_settings(),
            conditions=conditions,
        )
    except AnswersRefused as refused:
        return _refuse(args, chosen, refused, refused.result)
    if not result.complete:
        incomplete = ClinicalError("incomplete", incomplete_message(chosen, result.missing))
        return _refuse(args, chosen, incomplete, result)
    if args.format == "json":
        print(json.dumps({**result.as_dict(), "title": chosen.title}, indent=2, ensure_ascii=False))
    else:
        print(_text(chosen, result))
    return 0
