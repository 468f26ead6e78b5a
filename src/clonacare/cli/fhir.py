"""``clonacare export fhir`` and ``clonacare import fhir``: a program's patients as bulk
FHIR NDJSON, and a Bundle another program sent read into a new record (docs/fhir.md).

Both act on the database of this installation (``DATABASE_URL``, else the embedded
SQLite), as its operator for the program named by ``--program``; Django is set up only
when one of them runs.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any, TextIO

from clonacare.cli import COMMANDS

RECIPIENT_CLASSES = ("treating-providers", "health-plan")


def register(subparsers: Any) -> None:
    export = subparsers.add_parser("export", help=COMMANDS["export"].help)
    export_kinds = export.add_subparsers(dest="kind", metavar="KIND", required=True)
    fhir_out = export_kinds.add_parser(
        "fhir",
        help="the program's patients as FHIR R4B NDJSON, one file per resource type",
        description="Write one NDJSON file per FHIR resource type for the patients of "
        "the program whose consent in force covers the recipient class; the others are "
        "left out and counted.",
    )
    fhir_out.add_argument("--program", required=True, metavar="SLUG", help="the program")
    fhir_out.add_argument(
        "--out", required=True, type=Path, metavar="DIR", help="a new or empty folder"
    )
    fhir_out.add_argument(
        "--recipient-class",
        default="treating-providers",
        choices=RECIPIENT_CLASSES,
        help="to whom the files go: the consent class that must cover each patient "
        "(default treating-providers)",
    )
    fhir_out.add_argument(
        "--recipient", required=True, metavar="NAME", help="the provider or plan the files go to"
    )
    fhir_out.set_defaults(handler=export_command)

    imports = subparsers.add_parser("import", help=COMMANDS["import"].help)
    import_kinds = imports.add_subparsers(dest="kind", metavar="KIND", required=True)
    fhir_in = import_kinds.add_parser(
        "fhir",
        help="read a FHIR R4B Bundle (JSON) into a new patient record of the program",
    )
    fhir_in.add_argument("file", type=Path, metavar="FILE", help="the Bundle, as JSON")
    fhir_in.add_argument("--program", required=True, metavar="SLUG", help="the program")
    fhir_in.set_defaults(handler=import_command)


def _django_setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clonacare.web.settings")
    import django

    django.setup()


class _Bar:
    """A progress bar on stderr, drawn only when stderr is a terminal."""

    WIDTH = 30

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.on = stream.isatty()

    def __call__(self, done: int, total: int) -> None:
        if not self.on:
            return
        filled = self.WIDTH * done // max(total, 1)
        self.stream.write(
            f"\r[{'#' * filled}{'.' * (self.WIDTH - filled)}] {done}/{total} patients"
        )
        if done >= total:
            self.stream.write("\n")
        self.stream.flush()


def _program(slug: str) -> Any:
    from clonacare.accounts.models import Program
    from clonacare.core.errors import ClinicalError

    program = Program.objects.filter(slug=slug).first()
    if program is None:
        raise ClinicalError("program-not-found", f"No program with the slug {slug!r}.")
    return program


def export_command(args: argparse.Namespace) -> int:
    _django_setup()
    from django.utils import timezone

    from clonacare.exchange.actions import command_line_actor
    from clonacare.exchange.bulk import do_export_program_fhir

    program = _program(args.program)
    result = do_export_program_fhir(
        command_line_actor(program),
        program,
        recipient_class=args.recipient_class,
        recipient=args.recipient,
        out=args.out,
        now=timezone.now(),
        progress=_Bar(sys.stderr),
    )
    unconsented = {c: n for c, n in result.left_out.items() if c != "disclosure-restricted"}
    left_out = sum(unconsented.values())
    reasons = ", ".join(f"{code} {n}" for code, n in sorted(unconsented.items()))
    restricted = result.left_out.get("disclosure-restricted", 0)
    print(
        f"Exported {result.exported} patients to {args.out}; left out {left_out} without a "
        f"consent in force for {args.recipient_class}"
        + (f" ({reasons})" if reasons else "")
        + (f" and {restricted} under a restriction the program agreed to" if restricted else "")
        + "."
    )
    for path in result.files:
        print(f"{path.name}: {result.lines[path.name.removesuffix('.ndjson')]}")
    return 0


def import_command(args: argparse.Namespace) -> int:
    _django_setup()
    from django.utils import timezone

    from clonacare.core.errors import ClinicalError
    from clonacare.exchange.actions import command_line_actor, do_import_fhir_bundle

    program = _program(args.program)
    try:
        body = json.loads(args.file.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ClinicalError("fhir-bundle", f"Cannot read {args.file}: {exc.strerror}.") from None
    except (ValueError, UnicodeDecodeError):
        raise ClinicalError("fhir-bundle", f"{args.file} is not JSON.") from None
    result = do_import_fhir_bundle(command_line_actor(program), program, body, now=timezone.now())
    print(
        json.dumps(
            {"id": result.patient.pk, "imported": result.imported, "skipped": result.skipped}
        )
    )
    return 0
