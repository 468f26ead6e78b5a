"""Locust scenario for bench/bench_load.py: a clinic day on a running Clonacare.

Clinicians read the worklist, the caseload and patients' records through the API
(``ClinicianApiUser``, signed in with POST /api/v1/auth/token) and through the clinic's
pages (``ClinicianPagesUser``, signed in on /accounts/login/); patients (``PatientUser``,
both sign-ins) check in and log their doses through the API and read their portal.
Weighted 2 : 2 : 6, so 50 users are 10, 10 and 30. Each person signs in once, as on a
day's shift or visit, and keeps the token or session. Once all LOAD_USERS have signed
in, the ramp's figures are written to LOAD_RAMP_OUT, the statistics start again and the
run ends LOAD_STEADY_SECONDS later (without these, a plain Locust run). ``CeilingUser``
asks the ceiling's bare view (bench/load_ceiling_settings.py); name it on the command
line to run it alone.

Read from the environment (bench/bench_load.py sets them): LOAD_PEOPLE, the JSON file of
who signs in as whom; LOAD_WAIT, ``think`` (1-3 s between requests) or ``none``;
LOAD_PHASE, ``clinic day`` or another run's name. Each patient checks in once a day: the
first check-in of the clinic day is today's, then each visit enters an earlier day not
yet entered (a late entry, the same write); other runs start 4,000 days back, so that no
two runs write the same day.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import os
import random
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import gevent  # type: ignore[import-untyped]
from locust import events, task
from locust.contrib.fasthttp import FastHttpUser
from locust.env import Environment
from locust.exception import StopUser

PEOPLE: dict[str, Any] = (
    json.loads(Path(os.environ["LOAD_PEOPLE"]).read_text())
    if "LOAD_PEOPLE" in os.environ
    else {"password": "", "clinicians": [], "patients": []}
)
NO_WAIT = os.environ.get("LOAD_WAIT") == "none"
# The demo and bench seed 17 days of history before today (web/demo.py).
SEEDED_DAYS = 17
OTHER_RUN_DAYS_BACK = 4000
CIWA_B_PATIENT_ITEMS = [f"ciwab-{n}" for n in range(1, 18)]
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')

_next_clinician = itertools.count()
_next_patient = itertools.count()
_ready = itertools.count(1)
_started_at = [time.monotonic()]


def _test_start(environment: Environment, **_: object) -> None:
    _started_at[0] = time.monotonic()


events.test_start.add_listener(_test_start)  # type: ignore[no-untyped-call]


def _ramp_figures(environment: Environment) -> dict[str, object]:
    stats = environment.stats
    return {
        "seconds": round(time.monotonic() - _started_at[0], 1),
        "requests": stats.total.num_requests,
        "failures": stats.total.num_failures,
        "entries": [
            {
                "name": entry.name,
                "requests": entry.num_requests,
                "failures": entry.num_failures,
                "p50_ms": entry.get_response_time_percentile(0.5),
                "p95_ms": entry.get_response_time_percentile(0.95),
                "max_ms": entry.max_response_time,
            }
            for entry in stats.entries.values()
        ],
        "errors": [
            f"{error.occurrences} x {error.method} {error.name}: {error.error}"
            for error in stats.errors.values()
        ],
    }


def _one_more_ready(environment: Environment) -> None:
    """Once every user (LOAD_USERS) has signed in: the ramp's figures go to LOAD_RAMP_OUT,
    the statistics start again from zero, and the run ends LOAD_STEADY_SECONDS later. So
    the run's figures are the steady state of signed-in people, and the sign-in burst
    (people arriving together at a change of shift) is reported on its own."""
    if next(_ready) != int(os.environ.get("LOAD_USERS", "0")):
        return
    if "LOAD_RAMP_OUT" in os.environ:
        Path(os.environ["LOAD_RAMP_OUT"]).write_text(json.dumps(_ramp_figures(environment)))
    environment.stats.reset_all()
    runner = environment.runner
    if runner is not None and "LOAD_STEADY_SECONDS" in os.environ:
        gevent.spawn_later(float(os.environ["LOAD_STEADY_SECONDS"]), runner.quit)


def _think() -> float:
    return random.uniform(1, 3)


class Person(FastHttpUser):
    abstract = True
    # A browser waits minutes for an answer; a sign-in queued behind others can take long.
    network_timeout = 300.0
    connection_timeout = 300.0

    def on_start(self) -> None:
        try:
            self.sign_in()
        finally:
            _one_more_ready(self.environment)

    def sign_in(self) -> None:
        """Sign in as the person this user plays, once."""

    def wait_time(self) -> float:
        return 0.0 if NO_WAIT else _think()

    def api_sign_in(self, username: str) -> None:
        with self.client.post(
            "/api/v1/auth/token",
            json={"username": username, "password": PEOPLE["password"]},
            name="POST /api/v1/auth/token",
            catch_response=True,
        ) as response:
            if response.status_code != 200:
                response.failure(f"sign-in {response.status_code}: {response.text[:200]}")
                raise StopUser
            self.token = response.json()["token"]

    def page_sign_in(self, username: str) -> None:
        page = self.client.get("/accounts/login/", name="GET /accounts/login/")
        found = CSRF_INPUT.search(page.text or "")
        if found is None:
            raise StopUser
        with self.client.post(
            "/accounts/login/",
            data={
                "csrfmiddlewaretoken": found.group(1),
                "username": username,
                "password": PEOPLE["password"],
            },
            name="POST /accounts/login/",
            catch_response=True,
        ) as response:
            if response.status_code != 200 or "/accounts/login/" in response.url:
                response.failure(f"page sign-in {response.status_code}: {response.url}")
                raise StopUser

    def api(self, method: str, path: str, name: str, **kwargs: Any) -> Any:
        headers = {"Authorization": f"Bearer {self.token}"}
        return self.client.request(
            method, f"/api/v1{path}", name=f"{method} /api/v1{name}", headers=headers, **kwargs
        )


class ClinicianApiUser(Person):
    """A clinician working from an app on the API: worklist, caseload, records."""

    weight = 2

    def sign_in(self) -> None:
        clinicians = PEOPLE["clinicians"]
        me = clinicians[next(_next_clinician) % len(clinicians)]
        self.patients: list[int] = me["patients"]
        self.api_sign_in(me["username"])

    @task(3)
    def worklist(self) -> None:
        self.api("GET", "/worklist", "/worklist")

    @task(2)
    def caseload(self) -> None:
        self.api("GET", "/patients?limit=50", "/patients?limit=50")

    @task(3)
    def record(self) -> None:
        patient = random.choice(self.patients)
        self.api("GET", f"/patients/{patient}", "/patients/[id]")

    @task(2)
    def check_ins(self) -> None:
        patient = random.choice(self.patients)
        self.api("GET", f"/patients/{patient}/check-ins", "/patients/[id]/check-ins")


class ClinicianPagesUser(Person):
    """A clinician in the browser: the worklist, the caseload and records, as pages."""

    weight = 2

    def sign_in(self) -> None:
        clinicians = PEOPLE["clinicians"]
        me = clinicians[next(_next_clinician) % len(clinicians)]
        self.patients = me["patients"]
        self.page_sign_in(me["username"])

    @task(3)
    def worklist(self) -> None:
        self.client.get("/clinic/", name="GET /clinic/")

    @task(1)
    def caseload(self) -> None:
        self.client.get("/clinic/caseload/", name="GET /clinic/caseload/")

    @task(3)
    def record(self) -> None:
        patient = random.choice(self.patients)
        self.client.get(f"/clinic/patients/{patient}/", name="GET /clinic/patients/[id]/")


class PatientUser(Person):
    """A patient on their taper: checks in and logs the day's doses through the API,
    reads the portal and their check-ins."""

    weight = 6

    def sign_in(self) -> None:
        patients = PEOPLE["patients"]
        me = patients[next(_next_patient) % len(patients)]
        self.patient_id: int = me["id"]
        self.dose_times: list[str] = me["dose_times"]
        self.days_back: Iterator[int] = (
            itertools.chain([0], itertools.count(SEEDED_DAYS + 1))
            if os.environ.get("LOAD_PHASE") == "clinic day"
            else itertools.count(OTHER_RUN_DAYS_BACK)
        )
        self.server_today = dt.datetime.now(dt.UTC).date()  # the server's TIME_ZONE is UTC
        self.api_sign_in(me["username"])
        self.page_sign_in(me["username"])

    @task(1)
    def check_in(self) -> None:
        back = next(self.days_back)
        # Today is left out, so the server's day (its time zone) is the one written.
        day = {"date": (self.server_today - dt.timedelta(days=back)).isoformat()} if back else {}
        with self.api(
            "POST",
            f"/patients/{self.patient_id}/check-ins",
            "/patients/[id]/check-ins",
            catch_response=True,
            json={
                **day,
                "seizure": False,
                "self_harm_thoughts": False,
                "sleep": 3,
                "anxiety": 3,
                "craving": 2,
                "ciwa_b": dict.fromkeys(CIWA_B_PATIENT_ITEMS, 1),
                "note": "",
            },
        ) as response:
            if response.status_code != 201:
                response.failure(f"{response.status_code}: {response.text[:200]}")
        for dose_time in self.dose_times:
            with self.api(
                "POST",
                f"/patients/{self.patient_id}/doses",
                "/patients/[id]/doses",
                catch_response=True,
                json={**day, "dose_time": dose_time, "status": "taken"},
            ) as response:
                if response.status_code != 201:
                    response.failure(f"{response.status_code}: {response.text[:200]}")

    @task(3)
    def portal(self) -> None:
        self.client.get("/portal/", name="GET /portal/")

    @task(1)
    def plan(self) -> None:
        self.client.get("/portal/plan/", name="GET /portal/plan/")

    @task(1)
    def my_check_ins(self) -> None:
        self.api("GET", f"/patients/{self.patient_id}/check-ins", "/patients/[id]/check-ins")


class CeilingUser(Person):
    """The ceiling: the bare view of bench/load_ceiling_urls.py, nothing else."""

    @task
    def bare(self) -> None:
        self.client.get("/ceiling/", name="GET /ceiling/")
