"""The ``clonacare`` command.

Each subcommand is listed in ``COMMANDS`` with the module whose ``register(subparsers)``
adds it; only that module is imported when the subcommand runs. The commands that run the
web app (``serve``, ``demo``, ``escalate``, ``remind``) live with it, in
``clonacare.web.commands``: the command line is a face beside the pages and the API, below
the web app. Its handler takes the parsed arguments and returns the exit code. A refusal
(core/errors.py) is one line on stderr and no traceback, with the exit code of its kind (2);
the clinical terms of its message are worded as the subcommand's flags (``flag_names``, set
with ``set_defaults``: ``{"step": "--step"}``). Output cut short by its reader (``clonacare
score ... | head -1``) ends quietly with exit 1.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from typing import NamedTuple, NoReturn

from clonacare import __version__

EXIT_USAGE = 2
EXIT_BROKEN_PIPE = 1


class Command(NamedTuple):
    """A subcommand: the module whose ``register(subparsers)`` adds it (a name under
    ``clonacare.cli``, or a full dotted path), and the line ``clonacare --help`` shows
    for it."""

    module: str
    help: str


# Listed here rather than found by importing every module, so that a command imports
# only its own module: `clonacare --version` loads no clinical data, no Django and no
# matplotlib (docs/benchmarks.md, "CLI start-up").
WEB_COMMANDS = "clonacare.web.commands"
COMMANDS: dict[str, Command] = {
    "assess": Command("assess", "withdrawal risk and level of care from an assessment file"),
    "backup": Command(
        "clonacare.web.backup", "copy the database to a file (pg_dump, or SQLite's backup API)"
    ),
    "demo": Command(WEB_COMMANDS, "apply migrations and load the demo data"),
    "escalate": Command(
        WEB_COMMANDS,
        "one pass of alert delivery, for cron: send or retry the care team's alert mails "
        "and escalate the alerts no one acknowledged in time",
    ),
    "export": Command(
        "fhir",
        "export fhir: the program's patients as FHIR R4B NDJSON files, honouring consent",
    ),
    "import": Command("fhir", "import fhir: read a FHIR R4B Bundle into a new patient record"),
    "population": Command(
        "population",
        "screen dispensing data for risky benzodiazepine use, or generate synthetic data",
    ),
    "remind": Command(
        WEB_COMMANDS,
        "one pass of check-in reminders, for cron: email each patient whose check-in is "
        "due today and not done, once",
    ),
    "restore": Command(
        "clonacare.web.backup", "put a file written by `clonacare backup` back into the database"
    ),
    "reviewer": Command(
        "reviewer", "give a clinician the role that signs off articles and CBT modules"
    ),
    "score": Command(
        "score",
        "score an instrument (PHQ-9, GAD-7, SDS, DSM-5 SUD, CIWA-B, ASQ, licensed packs)",
    ),
    "serve": Command(WEB_COMMANDS, "apply migrations and serve the web app"),
    "taper": Command("taper", "plan or adjust a benzodiazepine taper"),
}


class Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one line: ``clonacare taper plan: <message>``."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{self.prog}: {message} (see {self.prog} --help)\n")


def _chosen(argv: Sequence[str]) -> str | None:
    """The subcommand ``argv`` names: its first word that is not an option."""
    return next((word for word in argv if not word.startswith("-")), None)


def build_parser(argv: Sequence[str] = ()) -> Parser:
    """The parser for ``argv``: the subcommand it names is registered by its module
    (imported now); every other subcommand is listed with its help line only."""
    parser = Parser(prog="clonacare", description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--version", action="version", version=f"clonacare {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    chosen = COMMANDS.get(_chosen(argv) or "")
    if chosen is not None:
        dotted = chosen.module if "." in chosen.module else f"{__name__}.{chosen.module}"
        module = importlib.import_module(dotted)
        module.register(subparsers)
    for name, command in COMMANDS.items():
        if name not in subparsers.choices:
            subparsers.add_parser(name, help=command.help)
    return parser


def _run(argv: Sequence[str] | None) -> int:
    words = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser(words)
    args = parser.parse_args(words)
    handler = getattr(args, "handler", None)
    if handler is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    # Imported here, once a subcommand runs: `clonacare --version` needs none of it.
    from clonacare.core.errors import Refusal

    try:
        code: int = handler(args)
    except Refusal as exc:
        message = exc.worded(getattr(args, "flag_names", None))
        print(f"clonacare {args.command}: {message}", file=sys.stderr)
        return exc.kind.exit_code
    except KeyboardInterrupt:
        return 130
    return code


def main(argv: Sequence[str] | None = None) -> int:
    try:
        try:
            return _run(argv)
        finally:
            sys.stdout.flush()  # here (also after --help), so a closed pipe is caught below
    except BrokenPipeError:
        # The reader went away (`| head -1`). Python flushes stdout again at exit, which
        # would fail the same way and print a traceback; point stdout at devnull first,
        # as the signal module's "Note on SIGPIPE" recommends.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_BROKEN_PIPE


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
