"""``clonacare assess``: withdrawal risk and a level of care, with reasons, from a record."""

from __future__ import annotations

import argparse
import json
import os
from decimal import Decimal
from pathlib import Path
from typing import Any

from clonacare.cli import COMMANDS
from clonacare.cli.score import crisis_resources
from clonacare.core.assessment import AssessmentResult, assess, load_settings, parse_assessment
from clonacare.core.assessment.settings import ENV_VAR as SETTINGS_ENV_VAR
from clonacare.core.drugs import EQUIVALENCE_TABLES, equivalence_table
from clonacare.core.errors import ClinicalError


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "assess",
        help=COMMANDS["assess"].help,
        description="Read an assessment record (JSON; see docs/assessment.md) and recommend "
        "a level of care, listing every reason with its source.",
    )
    parser.add_argument("file", metavar="FILE.json", help="the assessment record")
    parser.add_argument(
        "--equivalence",
        choices=EQUIVALENCE_TABLES,
        default="ashton",
        help="dose equivalence table (default: ashton)",
    )
    parser.add_argument(
        "--settings",
        metavar="FILE",
        help=f"assessment settings file (default: ${SETTINGS_ENV_VAR} or the shipped file)",
    )
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.set_defaults(handler=assess_command)


def _read(path: str) -> object:
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ClinicalError("assessment-file", f"{path}: file not found.") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ClinicalError("assessment-file", f"{path}: cannot be read ({exc}).") from None
    try:
        # Numbers are read as Decimals, exactly; whole numbers too, so that one of
        # thousands of digits reaches the record's checks, which name its field.
        return json.loads(text, parse_float=Decimal, parse_int=Decimal)
    except json.JSONDecodeError as exc:
        raise ClinicalError("assessment-file", f"{path}: not valid JSON: {exc}.") from None


def _plain_mg(mg: Decimal) -> str:
    return format(mg.normalize(), "f")


def _text(result: AssessmentResult) -> str:
    mg = format(round(result.diazepam_equivalent_mg, 2).normalize(), "f")
    lines = [
        f"Level of care: {result.level} ({result.level_description})",
        f"Withdrawal risk: {result.withdrawal.level} — {result.withdrawal.message}",
        f"  source: {result.withdrawal.source}",
        f"Diazepam equivalent: {mg} mg/day ({result.withdrawal.dose_tier} dose; "
        f"table: {result.equivalence_table}, {result.equivalence_title})",
    ]
    if len(result.benzodiazepines) > 1:
        lines.extend(
            f"  {b.drug} {_plain_mg(b.daily_dose_mg)} mg/day = "
            f"{_plain_mg(round(b.diazepam_equivalent_mg, 2))} mg diazepam-equivalent"
            for b in result.benzodiazepines
        )
    lines.append("Reasons:")
    for reason in result.reasons:
        lines.append(f"  [{reason.level}] {reason.code}: {reason.message}")
        lines.append(f"      source: {reason.source}")
    for alert in result.alerts:
        lines.append(f"ALERT {alert.code}: {alert.message}")
    if result.crisis_resources:
        lines.append("Crisis resources:")
        lines.extend(f"  {r.name}: {r.how} ({r.contact})" for r in result.crisis_resources)
    lines.extend(f"Note: {n}" for n in result.notes)
    return "\n".join(lines)


def assess_command(args: argparse.Namespace) -> int:
    data = _read(args.file)
    try:
        record = parse_assessment(data)
    except ClinicalError as exc:
        raise ClinicalError(exc.code, f"{args.file}: {exc.message}") from None
    settings = load_settings(args.settings or os.environ.get(SETTINGS_ENV_VAR) or None)
    try:
        result = assess(
            record,
            table=equivalence_table(args.equivalence),
            settings=settings,
            crisis=crisis_resources(),
        )
    except ClinicalError as exc:
        if exc.code != "assessment-field":
            raise
        raise ClinicalError(exc.code, f"{args.file}: {exc.message}") from None
    if args.format == "json":
        print(json.dumps(result.as_dict(), indent=2, ensure_ascii=False))
    else:
        print(_text(result))
    return 0
