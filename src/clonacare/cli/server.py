"""``clonacare serve`` and ``clonacare demo``: run the web app on the embedded database."""

from __future__ import annotations

import argparse
import os
from typing import Any


def _django_setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clonacare.web.settings")
    import django

    django.setup()


def register(subparsers: Any) -> None:
    serve = subparsers.add_parser("serve", help="apply migrations and serve the web app")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, help="port to listen on (8000)")
    serve.add_argument("--threads", type=int, default=4, help="worker threads (4)")
    serve.set_defaults(handler=serve_command)

    demo = subparsers.add_parser("demo", help="apply migrations and load the demo data")
    demo.set_defaults(handler=demo_command)


def serve_command(args: argparse.Namespace) -> int:
    _django_setup()
    from django.core.management import call_command
    from waitress import serve

    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    # Imported after collectstatic: WhiteNoise looks for the static folder on start.
    from clonacare.web.wsgi import application

    print(f"Clonacare is serving on http://{args.host}:{args.port}/ (Ctrl-C stops it)", flush=True)
    serve(application, host=args.host, port=args.port, threads=args.threads, ident="clonacare")
    return 0


def demo_command(args: argparse.Namespace) -> int:
    _django_setup()
    from django.core.management import call_command

    from clonacare.web.demo import load_demo_data

    call_command("migrate", interactive=False, verbosity=0)
    for line in load_demo_data():
        print(line)
    return 0
