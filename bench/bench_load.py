"""Load benchmark: Locust's clinicians and patients against `clonacare serve` on PostgreSQL,
beside the same server stack serving a bare Django view (the ceiling).

Run: .venv/bin/python bench/bench_load.py [--users 50] [--duration 60] [--patients 100]
[--spawn-rate 10] [--threads 4] [--conn-max-age S] [--ramp-limit 600]
[--database-url postgres:///clonacare_load] (needs the `bench` extra: Locust).

It drops and re-creates the database (dropdb/createdb), loads `clonacare demo`, then
registers load clinicians and patients through the app's actions, each patient with the
demo's approved plan and 17 days of dose logs and check-ins. It starts `clonacare serve`
on 127.0.0.1 and a free port (waitress; its default 4 threads, or --threads) with the
API and sign-in rate limits raised through the environment, and runs Locust headless
three times with the same users and spawn rate (bench/locustfile.py):

Each run has a ramp, every user started (--spawn-rate a second) and signed in, reported
on its own (its time, the sign-ins' latency, its errors), then --duration seconds of
steady state, whose figures are the table's:

1. "clinic day": clinicians and patients with 1-3 s between requests: latency (p50, p95,
   p99), requests a second and errors;
2. "flat out": the same people with no pause, to find the app's throughput;
3. "ceiling": the same server command, settings and middleware, with a URL
   configuration holding one view that returns a short HttpResponse
   (bench/load_ceiling_settings.py), hit with no pause.

Locust runs on the same machine as the server and the database. Results are recorded in
docs/benchmarks.md ("Load (Locust)"), not asserted in tests.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlparse

from web_bench import free_port, positive, setup_django

BENCH = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
LOAD_PRESCRIBERS = 5
# High enough that no limit is met in a run (docs/configuration.md, "Rate limits").
RAISED_RATES = {
    "API_RATE_PER_TOKEN": "1000000/min",
    "API_RATE_PER_ADDRESS": "1000000/min",
    "LOGIN_RATE_PER_ADDRESS": "1000000/min",
}
SCENARIO_USERS = ["ClinicianApiUser", "ClinicianPagesUser", "PatientUser"]


def fresh_database(url: str) -> None:
    """Drop and create the PostgreSQL database ``url`` names."""
    parsed = urlparse(url)
    if parsed.scheme not in ("postgres", "postgresql"):
        sys.exit(f"The load benchmark runs on PostgreSQL; got {url!r}.")
    name = parsed.path.lstrip("/")
    if not name:
        sys.exit(f"The database URL {url!r} names no database.")
    subprocess.run(["dropdb", "--if-exists", name], check=True)  # noqa: S607
    subprocess.run(["createdb", name], check=True)  # noqa: S607


def seed(patients: int, people_file: Path) -> None:
    """Load clinicians and patients through the app's actions, and write who signs in as
    whom (usernames, password, record ids) to ``people_file`` for the locustfile."""
    from django.contrib.auth.models import User
    from django.utils import timezone

    from clonacare.accounts.actions import NewStaff, do_create_staff
    from clonacare.accounts.models import Program
    from clonacare.audit.log import Actor
    from clonacare.patients.actions.registration import (
        InitialUse,
        PortalLogin,
        Registration,
        do_register_patient,
    )
    from clonacare.patients.doses import Doses
    from clonacare.patients.models import Patient
    from clonacare.web.demo import DEMO_PASSWORD, _plan_and_monitoring

    now = timezone.now()
    riverside = Program.objects.get(slug="riverside")
    admin = User.objects.get(username="admin.riverside")
    nurse = User.objects.get(username="nurse.kim")
    admin_actor = Actor(admin.pk, admin.username, "program_admin", riverside.pk, None, "bench")
    prescribers = []
    for n in range(1, LOAD_PRESCRIBERS + 1):
        user = do_create_staff(
            admin_actor,
            riverside,
            NewStaff(f"load.dr{n}", "Load", f"Prescriber {n}", "prescriber", DEMO_PASSWORD),
        )
        prescribers.append(Actor(user.pk, user.username, "prescriber", riverside.pk, None, "bench"))
    people: dict[str, list[dict[str, object]]] = {"clinicians": [], "patients": []}
    caseloads: dict[str, list[int]] = {p.username: [] for p in prescribers}
    caseloads[nurse.username] = []
    for n in range(patients):
        prescriber = prescribers[n % len(prescribers)]
        username = f"load.pat{n:03d}"
        patient = do_register_patient(
            prescriber,
            Registration(
                given_name=f"Load{n:03d}",
                family_name="Patient",
                date_of_birth=dt.date(1960 + n % 35, 1 + n % 12, 1 + n % 28),
                status=Patient.Status.TAPERING,
                benzodiazepine=InitialUse(
                    "clonazepam",
                    Doses(morning_mg=Decimal("0.5"), night_mg=Decimal(1)),
                    since=now.date() - dt.timedelta(days=700),
                ),
                care_team=(prescriber.user_id or 0, nurse.pk),
                login=PortalLogin(username, DEMO_PASSWORD),
            ),
            now=now,
        )
        own = Actor(patient.user_id, username, "patient", riverside.pk, None, "bench")
        _plan_and_monitoring(prescriber, own, patient, username, ("morning", "night"), now)
        caseloads[prescriber.username].append(patient.pk)
        caseloads[nurse.username].append(patient.pk)
        people["patients"].append(
            {"username": username, "id": patient.pk, "dose_times": ["morning", "night"]}
        )
    for username, ids in caseloads.items():
        people["clinicians"].append({"username": username, "patients": ids})
    people_file.write_text(json.dumps({"password": DEMO_PASSWORD, **people}))


@dataclass
class Figures:
    """A run: the ramp (users starting and signing in), then the steady state."""

    ramp_seconds: float
    ramp_requests: int
    ramp_failures: int
    ramp_lines: list[str]
    requests: int
    failures: int
    p50_ms: float
    p95_ms: float
    p99_ms: float
    per_second: float
    failures_text: str


def start_server(
    env: dict[str, str], port: int, threads: int, log: Path
) -> subprocess.Popen[bytes]:
    """`clonacare serve` on 127.0.0.1:``port`` in its own process group, once it answers."""
    command = [str(BIN / "clonacare"), "serve", "--host", "127.0.0.1", "--port", str(port)]
    command += ["--threads", str(threads)]
    with log.open("ab") as out:
        server = subprocess.Popen(
            command, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"The server stopped on start; see {log}.")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5):
                return server
        except urllib.error.HTTPError:
            return server  # it answers (the ceiling has no page at /)
        except OSError:
            time.sleep(0.5)
    stop_server(server)
    sys.exit(f"The server did not answer within 120 s; see {log}.")


def stop_server(server: subprocess.Popen[bytes]) -> None:
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()


def run_locust(
    env: dict[str, str], users: list[str], args: argparse.Namespace, port: int, prefix: Path
) -> Figures:
    """Locust headless against the server; the aggregated figures of its CSV."""
    command = [
        str(BIN / "locust"),
        "-f",
        str(BENCH / "locustfile.py"),
        "--headless",
        "-u",
        str(args.users),
        "-r",
        str(args.spawn_rate),
        "-t",
        f"{args.duration + args.ramp_limit}s",  # the locustfile ends the run sooner
        "--host",
        f"http://127.0.0.1:{port}",
        "--csv",
        str(prefix),
        "--only-summary",
        "--loglevel",
        "WARNING",
        *users,
    ]
    print("  " + " ".join(command[1:]), flush=True)
    ramp_file = Path(f"{prefix}_ramp.json")
    env = {
        **env,
        "LOAD_USERS": str(args.users),
        "LOAD_STEADY_SECONDS": str(args.duration),
        "LOAD_RAMP_OUT": str(ramp_file),
    }
    subprocess.run(command, env=env, check=False, stdout=subprocess.DEVNULL)
    if not ramp_file.exists():
        sys.exit(f"Not every user signed in within {args.ramp_limit} s (--ramp-limit).")
    ramp = json.loads(ramp_file.read_text())
    with Path(f"{prefix}_stats.csv").open() as stats:
        total = next(row for row in csv.DictReader(stats) if row["Name"] == "Aggregated")
    with Path(f"{prefix}_failures.csv").open() as failures:
        kinds = [
            f"{row['Occurrences']} x {row['Method']} {row['Name']}: {row['Error']}"
            for row in csv.DictReader(failures)
        ]
    return Figures(
        ramp_seconds=ramp["seconds"],
        ramp_requests=ramp["requests"],
        ramp_failures=ramp["failures"],
        ramp_lines=[
            f"    {entry['name']}: {entry['requests']} requests, p50 {entry['p50_ms']:.0f} ms, "
            f"p95 {entry['p95_ms']:.0f} ms, max {entry['max_ms']:.0f} ms, "
            f"{entry['failures']} failed"
            for entry in ramp["entries"]
        ],
        requests=int(total["Request Count"]),
        failures=int(total["Failure Count"]),
        p50_ms=float(total["50%"]),
        p95_ms=float(total["95%"]),
        p99_ms=float(total["99%"]),
        per_second=float(total["Requests/s"]),
        failures_text="; ".join(ramp["errors"] + kinds),
    )


def per_request(prefix: Path) -> list[str]:
    """One line per request name asked in a Locust run: count, p50, p95, failures."""
    with Path(f"{prefix}_stats.csv").open() as stats:
        rows = [row for row in csv.DictReader(stats) if row["Name"] != "Aggregated"]
    return [
        f"    {row['Name']}: {row['Request Count']} requests, "
        f"p50 {row['50%']} ms, p95 {row['95%']} ms, {row['Failure Count']} failed"
        for row in rows
        if row["Request Count"] != "0"
    ]


def server_errors(log: Path) -> int:
    """Tracebacks in a server's output (a 500 leaves one)."""
    return len(re.findall(r"^Traceback", log.read_text(errors="replace"), re.MULTILINE))


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f}, {five:.2f}, {fifteen:.2f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=positive, default=50, help="simulated people (50)")
    parser.add_argument("--spawn-rate", type=positive, default=10, help="started a second (10)")
    parser.add_argument("--duration", type=positive, default=60, help="seconds a run (60)")
    parser.add_argument(
        "--patients", type=positive, default=100, help="load patients registered (100)"
    )
    parser.add_argument(
        "--threads", type=positive, default=4, help="the server's threads (4, its default)"
    )
    parser.add_argument(
        "--ramp-limit",
        type=positive,
        default=600,
        help="seconds allowed for every user to start and sign in (600)",
    )
    parser.add_argument(
        "--conn-max-age",
        type=int,
        help="DB_CONN_MAX_AGE for the servers, in seconds (unset: the default, 0: a new "
        "database connection for each request)",
    )
    parser.add_argument(
        "--database-url",
        default="postgres:///clonacare_load",
        help="a PostgreSQL database, dropped and created again (postgres:///clonacare_load)",
    )
    args = parser.parse_args()
    if args.patients < args.users:
        sys.exit("Give at least one load patient a user (--patients >= --users).")
    if shutil.which("locust", path=str(BIN)) is None:
        sys.exit("Locust is missing: install the bench extra (pip install -e '.[bench]').")

    scratch = Path(tempfile.mkdtemp(prefix="clonacare-load-"))
    env = {
        **os.environ,
        **RAISED_RATES,
        "DATABASE_URL": args.database_url,
        "CLONACARE_DATA_DIR": str(scratch),
        "ALLOWED_HOSTS": "127.0.0.1",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(BENCH), os.environ.get("PYTHONPATH")])),
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    if args.conn_max_age is not None:
        env["DB_CONN_MAX_AGE"] = str(args.conn_max_age)
    os.environ.update(env)
    print(f"Load average before: {load_average()}", flush=True)
    fresh_database(args.database_url)
    started = time.monotonic()
    subprocess.run([str(BIN / "clonacare"), "demo"], env=env, check=True, stdout=subprocess.DEVNULL)
    setup_django(args.database_url)
    people = scratch / "people.json"
    seed(args.patients, people)
    print(
        f"Loaded the demo and {args.patients} load patients in "
        f"{time.monotonic() - started:.0f} s ({scratch})",
        flush=True,
    )

    results: dict[str, Figures] = {}
    log = scratch / "server.log"
    port = free_port()
    server = start_server(env, port, args.threads, log)
    try:
        for phase, wait in (("clinic day", "think"), ("flat out", "none")):
            print(f"{phase}:", flush=True)
            prefix = scratch / phase.replace(" ", "-")
            phase_env = {**env, "LOAD_PEOPLE": str(people), "LOAD_WAIT": wait, "LOAD_PHASE": phase}
            results[phase] = run_locust(phase_env, SCENARIO_USERS, args, port, prefix)
            figures = results[phase]
            print(
                f"  ramp: every user signed in after {figures.ramp_seconds:.0f} s, "
                f"{figures.ramp_requests} requests, {figures.ramp_failures} failed",
                flush=True,
            )
            print("\n".join(figures.ramp_lines), flush=True)
            print(f"  steady state, {args.duration} s:", flush=True)
            print("\n".join(per_request(prefix)), flush=True)
    finally:
        stop_server(server)
    app_errors = server_errors(log)

    ceiling_log = scratch / "ceiling.log"
    ceiling_env = {**env, "DJANGO_SETTINGS_MODULE": "load_ceiling_settings"}
    port = free_port()
    server = start_server(ceiling_env, port, args.threads, ceiling_log)
    try:
        print("ceiling:", flush=True)
        results["ceiling"] = run_locust(
            {**ceiling_env, "LOAD_WAIT": "none"}, ["CeilingUser"], args, port, scratch / "ceiling"
        )
    finally:
        stop_server(server)

    print(
        f"\nDate: {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC; Python "
        f"{platform.python_version()}; {os.cpu_count()} CPUs; {args.users} users, "
        f"{args.spawn_rate}/s, {args.duration} s a run; {args.patients} load patients; "
        f"{args.threads} server threads; DB_CONN_MAX_AGE {env.get('DB_CONN_MAX_AGE', 'unset')}"
    )
    print(f"Load average after: {load_average()}")
    ceiling = results["ceiling"].per_second
    print(
        "| run | sign-in ramp | steady requests | p50 ms | p95 ms | p99 ms | req/s | "
        "errors (ramp + steady) | % of ceiling |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for phase, figures in results.items():
        share = f"{100 * figures.per_second / ceiling:.0f}%" if ceiling else "-"
        print(
            f"| {phase} | {figures.ramp_seconds:.0f} s | {figures.requests} | "
            f"{figures.p50_ms:.0f} | {figures.p95_ms:.0f} | {figures.p99_ms:.0f} | "
            f"{figures.per_second:.1f} | {figures.ramp_failures} + {figures.failures} | {share} |"
        )
    for phase, figures in results.items():
        if figures.failures_text:
            print(f"Errors ({phase}): {figures.failures_text}")
    print(f"Tracebacks in the server's output: {app_errors} (app), {server_errors(ceiling_log)}")
    print(f"Server output: {log}, {ceiling_log}")


if __name__ == "__main__":
    main()
