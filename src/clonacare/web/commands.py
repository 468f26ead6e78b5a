"""``clonacare serve``, ``clonacare demo``, ``clonacare escalate`` and ``clonacare
remind``: run the web app on the embedded database, with the scheduler beside it (alert
delivery and escalation, and the check-in reminders). Registered by
``clonacare.cli`` (its ``COMMANDS`` table) and imported only when one of them runs; here,
with the web app, because they start it (Django is set up before its modules load)."""

from __future__ import annotations

import argparse
import os
from typing import Any

from clonacare.cli import COMMANDS


def _django_setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clonacare.web.settings")
    import django

    django.setup()


def register(subparsers: Any) -> None:
    serve = subparsers.add_parser("serve", help=COMMANDS["serve"].help)
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, help="port to listen on (8000)")
    serve.add_argument("--threads", type=int, default=4, help="worker threads (4)")
    serve.add_argument(
        "--no-escalation",
        action="store_true",
        help="do not run the alert delivery thread in this process: alert mails are then "
        "sent in the request that raises them, and `clonacare escalate` from cron (or "
        "another server) must retry and escalate",
    )
    serve.set_defaults(handler=serve_command)

    escalate = subparsers.add_parser("escalate", help=COMMANDS["escalate"].help)
    escalate.set_defaults(handler=escalate_command)

    remind = subparsers.add_parser("remind", help=COMMANDS["remind"].help)
    remind.set_defaults(handler=remind_command)

    demo = subparsers.add_parser("demo", help=COMMANDS["demo"].help)
    demo.set_defaults(handler=demo_command)


def serve_command(args: argparse.Namespace) -> int:
    _django_setup()
    from django.core.management import call_command
    from waitress import serve

    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    # Imported after collectstatic: WhiteNoise looks for the static folder on start.
    from clonacare.web.wsgi import application

    scheduler = None
    if not args.no_escalation:
        from django.conf import settings

        from clonacare.assessments.delivery import CHECK_EVERY_SECONDS, AlertDelivery
        from clonacare.monitoring.reminders import send_check_in_reminders

        # The assessments app knows nothing of monitoring: the passes are composed here.
        scheduler = AlertDelivery(also=[send_check_in_reminders])
        scheduler.start()
        print(
            "Alert delivery: alert mails are sent in the background as soon as they are "
            f"queued; retries and escalation are checked every {CHECK_EVERY_SECONDS} seconds "
            "(mails go to the configured email backend).",
            flush=True,
        )
        print(
            "Check-in reminders: a patient whose check-in is due and not done is emailed "
            f"once that day, from {settings.CHECK_IN_REMINDER_HOUR:02d}:00 "
            f"({settings.TIME_ZONE}); checked every {CHECK_EVERY_SECONDS} seconds.",
            flush=True,
        )
    print(f"Clonacare is serving on http://{args.host}:{args.port}/ (Ctrl-C stops it)", flush=True)
    try:
        serve(application, host=args.host, port=args.port, threads=args.threads, ident="clonacare")
    finally:
        if scheduler is not None:
            scheduler.stop()
    return 0


def escalate_command(args: argparse.Namespace) -> int:
    _django_setup()
    from django.utils import timezone

    from clonacare.assessments.delivery import deliver

    escalated = deliver(timezone.now())
    if not escalated:
        print("No safety alert is due for escalation.")
    else:
        ids = ", ".join(str(i) for i in escalated)
        noun = "alert" if len(escalated) == 1 else "alerts"
        print(f"Escalated {len(escalated)} safety {noun}: {ids}.")
    return 0


def remind_command(args: argparse.Namespace) -> int:
    _django_setup()
    from django.utils import timezone

    from clonacare.monitoring.reminders import reminders_text, send_check_in_reminders

    print(reminders_text(send_check_in_reminders(timezone.now())))
    return 0


def demo_command(args: argparse.Namespace) -> int:
    _django_setup()
    from django.core.management import call_command

    from clonacare.web.demo import load_demo_data

    call_command("migrate", interactive=False, verbosity=0)
    for line in load_demo_data():
        print(line)
    return 0
