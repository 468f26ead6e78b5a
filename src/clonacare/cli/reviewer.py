"""``clonacare reviewer USERNAME --credentials TEXT``: give a clinician the role that signs
off articles and CBT modules in the app (issue 16); ``--remove`` takes it back. Run by a
site admin on the server; audited (``reviewer.grant``, ``reviewer.revoke``)."""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from clonacare.cli import COMMANDS, EXIT_USAGE


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "reviewer",
        help=COMMANDS["reviewer"].help,
        description="Give a clinician (prescriber, nurse or counsellor) the reviewer role, "
        "shown with their credentials on each page they sign off; or take it back.",
    )
    parser.add_argument("username", metavar="USERNAME", help="the clinician's username")
    action = parser.add_mutually_exclusive_group(required=True)
    action.add_argument(
        "--credentials", metavar="TEXT", help="shown with each review, e.g. 'MD, psychiatry'"
    )
    action.add_argument("--remove", action="store_true", help="take the reviewer role back")
    parser.set_defaults(handler=reviewer_command)


def reviewer_command(args: argparse.Namespace) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clonacare.web.settings")
    import django

    django.setup()
    from django.utils import timezone

    from clonacare.core.errors import ClinicalError
    from clonacare.education.review import do_grant_reviewer, do_revoke_reviewer

    if args.remove:
        if not do_revoke_reviewer(args.username):
            print(f"clonacare reviewer: {args.username} is not a reviewer.", file=sys.stderr)
            return EXIT_USAGE
        print(f"{args.username} is no longer a reviewer; their past reviews stay.")
        return 0
    try:
        reviewer = do_grant_reviewer(args.username, args.credentials, now=timezone.now())
    except ClinicalError as exc:
        print(f"clonacare reviewer: {exc.message}", file=sys.stderr)
        return EXIT_USAGE
    print(f"{reviewer.user.username} reviews content as {reviewer.credentials}.")
    return 0
