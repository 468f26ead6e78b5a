"""The ``clonacare`` command.

Each module in this package that defines ``register(subparsers)`` adds one subcommand;
its handler takes the parsed arguments and returns the exit code. Errors the user can
fix exit 2 with one line on stderr and no traceback. Output cut short by its reader
(``clonacare score ... | head -1``) ends quietly with exit 1.
"""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import sys
from collections.abc import Sequence
from typing import NoReturn

from clonacare import __version__
from clonacare.core.errors import ClinicalError

EXIT_USAGE = 2
EXIT_BROKEN_PIPE = 1


class Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one line: ``clonacare taper plan: <message>``."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{self.prog}: {message} (see {self.prog} --help)\n")


def build_parser() -> Parser:
    parser = Parser(prog="clonacare", description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--version", action="version", version=f"clonacare {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue  # __main__ runs the command; private helpers register nothing
        module = importlib.import_module(f"{__name__}.{info.name}")
        register = getattr(module, "register", None)
        if register is not None:
            register(subparsers)
    return parser


def _run(argv: Sequence[str] | None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = getattr(args, "handler", None)
    if handler is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    try:
        code: int = handler(args)
    except ClinicalError as exc:
        print(f"clonacare {args.command}: {exc.message}", file=sys.stderr)
        return EXIT_USAGE
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
