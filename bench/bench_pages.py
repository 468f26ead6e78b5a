"""Benchmark the pages a person waits on most: the patient's record (clinic) and their
portal home, for a patient with two years of questionnaires (a PHQ-9 and a GAD-7 every
two weeks), beside the public home page measured in the same run.

Run: .venv/bin/python bench/bench_pages.py [--years Y] [--repeat R] [--database-url URL]
[--http] (the database: --database-url, else DATABASE_URL, else SQLite in a temporary
folder; it is migrated and given one program, prescriber and patient). By default the
pages are asked of Django's test client, in this process. With --http, `clonacare serve`
(waitress) is started on a free loopback port on the same database, the prescriber and
the patient sign in through the login form (session and CSRF cookies, as a browser
does), and the three pages are asked over HTTP, one after the other in each round so a
change of load falls on all three alike. It also counts each page's queries (test client)
for the same patient with half the years of results, to show the count does not grow
with the number of responses. Results are recorded in docs/benchmarks.md ("Record and
portal pages"), not asserted in tests.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import http.cookiejar
import os
import platform
import pstats
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import Decimal

from web_bench import free_port, median_p95, positive, setup_django, timed

SLUG = "bench-pages"
EVERY_WEEKS = 2
# Used only on the bench's own scratch accounts, to sign in through the login form.
BENCH_PASSWORD = "bench-pages-not-a-secret"  # noqa: S105 (scratch accounts only)


def cpu_s(pid: int) -> float | None:
    """The CPU time (user and system, all threads) process ``pid`` has used, in seconds;
    None where /proc does not tell (not Linux)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            # The fields after the command's name, which is in brackets and may hold spaces.
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@contextmanager
def served() -> Iterator[tuple[str, int]]:
    """`clonacare serve` on a free loopback port, on this process's database (the same
    DATABASE_URL and CLONACARE_DATA_DIR); yields its base URL and process id once it
    answers."""
    port = free_port()
    env = dict(os.environ) | {"ALLOWED_HOSTS": "127.0.0.1"}
    command = [sys.executable, "-m", "clonacare.cli", "serve", "--port", str(port)]
    server = subprocess.Popen(
        [*command, "--no-escalation"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            if server.poll() is not None:
                sys.exit(f"clonacare serve stopped while starting (exit {server.returncode}).")
            try:
                with urllib.request.urlopen(f"{base}/", timeout=2) as response:  # noqa: S310
                    if response.status == 200:
                        break
            except OSError:
                time.sleep(0.2)
        else:
            sys.exit("clonacare serve did not answer within a minute.")
        yield base, server.pid
    finally:
        server.terminate()
        server.wait(timeout=30)


def browser(base: str, username: str | None) -> Callable[[str], None]:
    """A client with its own cookies, signed in as ``username`` through the login form
    (None: anonymous); returns a function that GETs a path and reads the whole body."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    if username is not None:
        with opener.open(f"{base}/accounts/login/", timeout=30) as response:
            response.read()
        csrf = next((c.value for c in jar if c.name == "csrftoken"), None)
        if csrf is None:
            sys.exit("The login page set no CSRF cookie.")
        form = {
            "csrfmiddlewaretoken": csrf,
            "username": username,
            "password": BENCH_PASSWORD,
            "otp": "",
        }
        request = urllib.request.Request(  # noqa: S310 (our own loopback server)
            f"{base}/accounts/login/",
            data=urllib.parse.urlencode(form).encode(),
            headers={"Referer": f"{base}/accounts/login/"},
        )
        try:
            with opener.open(request, timeout=30) as response:
                response.read()
                landed = response.geturl()
        except urllib.error.HTTPError as error:
            sys.exit(f"Signing in as {username} answered {error.code}.")
        if "/accounts/login/" in landed or not any(c.name == "sessionid" for c in jar):
            sys.exit(f"Signing in as {username} did not open a session.")

    def get(path: str) -> None:
        try:
            with opener.open(f"{base}{path}", timeout=30) as response:
                response.read()
                if response.status != 200 or response.geturl() != f"{base}{path}":
                    sys.exit(f"{path} answered {response.status} at {response.geturl()}.")
        except urllib.error.HTTPError as error:
            sys.exit(f"{path} answered {error.code}, not 200: nothing timed.")

    return get


def rounds(
    runs: dict[str, Callable[[], None]], repeat: int, server_pid: int
) -> tuple[dict[str, tuple[float, float]], dict[str, float | None]]:
    """Median and 95th percentile, in milliseconds, of ``repeat`` rounds in which each
    of ``runs`` is called once, in turn (after two rounds not counted: warm-up); and the
    server's mean CPU time per request of each, in milliseconds (None if unknown). The
    wall time includes waiting for a CPU when the machine is busy; the CPU time does
    not (the clock ticks are 10 ms: a mean over many requests)."""
    samples: dict[str, list[float]] = {name: [] for name in runs}
    cpu: dict[str, float | None] = dict.fromkeys(runs, 0.0)
    for n in range(repeat + 2):
        for name, run in runs.items():
            cpu_before = cpu_s(server_pid)
            start = time.perf_counter()
            run()
            elapsed_ms = (time.perf_counter() - start) * 1000
            cpu_after = cpu_s(server_pid)
            if n >= 2:
                samples[name].append(elapsed_ms)
                used = cpu[name]
                if used is None or cpu_before is None or cpu_after is None:
                    cpu[name] = None
                else:
                    cpu[name] = used + (cpu_after - cpu_before) * 1000 / repeat
    return {name: median_p95(sorted(values)) for name, values in samples.items()}, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--years", type=positive, default=2)
    parser.add_argument("--repeat", type=positive, default=30)
    parser.add_argument(
        "--database-url", help="the database (an empty one); wins over DATABASE_URL"
    )
    parser.add_argument(
        "--http", action="store_true", help="time the pages over HTTP from `clonacare serve`"
    )
    parser.add_argument(
        "--profile",
        type=positive,
        metavar="N",
        help="instead of timing, profile N test-client requests of the record and of the "
        "portal home (cProfile) and print the top entries by own time and by total time",
    )
    args = parser.parse_args()

    setup_django(args.database_url)
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from clonacare.accounts.models import Membership, Program, Role
    from clonacare.assessments.actions import do_submit_response
    from clonacare.audit.log import Actor
    from clonacare.patients.models import BenzodiazepineUse, CareTeamMember, Patient

    call_command("migrate", verbosity=0)
    if Program.objects.filter(slug=SLUG).exists():
        sys.exit("The database already holds the pages bench's program: give an empty one.")
    program = Program.objects.create(name="Bench pages", slug=SLUG, require_two_factor=False)
    prescriber = User.objects.create(username="bench.pages.prescriber")
    Membership.objects.create(user=prescriber, program=program, role=Role.PRESCRIBER)
    actor = Actor(prescriber.pk, prescriber.username, Role.PRESCRIBER, program.pk, None, "")
    now = timezone.now()

    def patient_with_results(name: str, years: int) -> tuple[Patient, User]:
        user = User.objects.create(username=f"bench.pages.{name}")
        Membership.objects.create(user=user, program=program, role=Role.PATIENT)
        patient = Patient.objects.create(
            program=program,
            user=user,
            given_name=name.capitalize(),
            family_name="Bench",
            date_of_birth=dt.date(1980, 1, 1),
        )
        BenzodiazepineUse.objects.create(
            patient=patient, drug="clonazepam", night_mg=Decimal(1), since=dt.date(2024, 1, 1)
        )
        CareTeamMember.objects.create(patient=patient, user=prescriber)
        visits = years * 52 // EVERY_WEEKS
        for n in range(visits):
            when = now - dt.timedelta(weeks=EVERY_WEEKS * (visits - n))
            # Totals drifting down over the years, in every band; item 9 always 0.
            level = 2 - (3 * n) // visits
            phq9 = {f"phq9-{i}": str(max(level - (i + n) % 2, 0)) for i in range(1, 9)}
            phq9["phq9-9"] = "0"
            gad7 = {f"gad7-{i}": str(max(level - (i + n) % 2, 0)) for i in range(1, 8)}
            do_submit_response(actor, patient, "phq9", phq9, now=when)
            do_submit_response(actor, patient, "gad7", gad7, now=when)
        return patient, user

    patient, patient_user = patient_with_results("full", args.years)
    half, half_user = patient_with_results("half", max(args.years // 2, 1))

    staff = Client()
    staff.force_login(prescriber)
    own = Client()
    own.force_login(patient_user)
    own_half = Client()
    own_half.force_login(half_user)
    anonymous = Client()

    def get(client: Client, path: str) -> None:
        response = client.get(path)
        if response.status_code != 200:
            sys.exit(f"{path} answered {response.status_code}, not 200: nothing timed.")

    def queries(client: Client, path: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            get(client, path)
        return len(captured)

    record, record_half = f"/clinic/patients/{patient.pk}/", f"/clinic/patients/{half.pk}/"
    measures = {
        "home page /": (lambda: get(anonymous, "/"), queries(anonymous, "/"), None),
        "patient record": (
            lambda: get(staff, record),
            queries(staff, record),
            queries(staff, record_half),
        ),
        "portal home": (
            lambda: get(own, "/portal/"),
            queries(own, "/portal/"),
            queries(own_half, "/portal/"),
        ),
    }
    if args.profile:
        for name, path, client in (
            ("patient record", record, staff),
            ("portal home", "/portal/", own),
        ):
            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(args.profile):
                get(client, path)
            profiler.disable()
            for order in ("tottime", "cumulative"):
                print(f"--- {name}, {args.profile} requests, by {order}")
                pstats.Stats(profiler).sort_stats(order).print_stats(25)
        return
    if args.http:
        for user in (prescriber, patient_user):
            user.set_password(BENCH_PASSWORD)
            user.save(update_fields=["password"])
        connection.close()  # the server's, from here on
        with served() as (base, server_pid):
            anonymous_get = browser(base, None)
            staff_get = browser(base, prescriber.username)
            own_get = browser(base, patient_user.username)
            runs: dict[str, Callable[[], None]] = {
                "home page /": lambda: anonymous_get("/"),
                "patient record": lambda: staff_get(record),
                "portal home": lambda: own_get("/portal/"),
            }
            results, cpu = rounds(runs, args.repeat, server_pid)
    else:
        results = {name: timed(run, args.repeat) for name, (run, _, _) in measures.items()}
        cpu = dict.fromkeys(results, None)
    responses = patient.responses.count() if hasattr(patient, "responses") else None
    print(
        f"Database: {connection.vendor}; Python {platform.python_version()}; "
        f"{os.cpu_count()} CPUs; {timezone.now().date().isoformat()}; {args.repeat} runs each; "
        f"{'over HTTP from clonacare serve' if args.http else 'Django test client'}; "
        f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}"
    )
    print(
        f"patient: {args.years} years of results, a PHQ-9 and a GAD-7 every {EVERY_WEEKS} "
        f"weeks{'' if responses is None else f' ({responses} responses)'}"
    )
    home = results["home page /"][0]
    for name, (median, p95) in results.items():
        _, count, count_half = measures[name]
        grows = "" if count_half is None else f" (half the results: {count_half})"
        used = cpu[name]
        server = "" if used is None else f", server CPU {used:.1f} ms a request"
        print(
            f"{name}: median {median:.1f} ms, 95th percentile {p95:.1f} ms, "
            f"{median / home:.1f} x the home page{server}, {count} queries{grows}"
        )


if __name__ == "__main__":
    main()
