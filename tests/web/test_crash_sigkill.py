"""The server killed with SIGKILL in the middle of concurrent writes, on PostgreSQL, and
started again (issue 14, "Crash safety"; docs/hazard-log.md, HAZ-019).

The demo runs on `clonacare serve` (a subprocess on a fresh database); patients check in
and log doses and prescribers draft and approve taper plans, from several threads at
once, each client keeping what the server acknowledged (a 2xx and its body). Once some
writes of each kind are acknowledged, the server's process group is killed mid-stream
and the server started again. Read through the ORM, the database then holds every
acknowledged write, and nothing half-written: whatever the moment of the kill, an
action's rows and its audit entry were committed together or not at all."""

from __future__ import annotations

import datetime as dt
import http.client
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import dj_database_url
import pytest
from django.db import connections
from pytest_django import DjangoDbBlocker

from clonacare.assessments.models import AlertNotification, SafetyAlert
from clonacare.audit.models import AuditEvent
from clonacare.monitoring.models import CheckIn, DoseLog
from clonacare.patients.models import Patient
from clonacare.plans.models import Plan
from tests.web.test_concurrent_writes import PASSWORD, _call, _cli, _free_port, _postgres_database

SERVE = [sys.executable, "-m", "clonacare.cli", "serve"]
ALIAS = "crashed"  # the served database, read by this process through the ORM
# The kill comes once this many writes are acknowledged, a check-in, a dose log and an
# approval among them, so it falls in the middle of the stream (each client goes on
# until the server is gone).
ACKNOWLEDGED_BEFORE_KILL = 40
# The demo's check-ins and dose logs cover the 17 days before today (web/demo.py): the
# clients write earlier days (late entries), one day each, so none is refused as a repeat
# (counted from the day the test starts, with a margin should midnight pass meanwhile).
FIRST_FREE_DAY_BACK = 20
TODAY = dt.datetime.now(dt.UTC).date()
SELF_HARM_EVERY = 4  # every fourth check-in answers yes to thoughts of self-harm
# Days, dose times and plans enough to outlast the kill (each client stops at the first
# answer that is not a 2xx, or when the server is gone).
WRITES_EACH = 4000
# A taper by 10% steps finishing on diazepam (the clonazepam tablets alone cannot make
# the last steps within the rate limit: a 'formulary-floor' refusal, docs/api.md).
PLAN = {"method": "percent", "step": 10, "switch_to": "diazepam"}
CIWA_B_ITEMS = [f"ciwab-{n}" for n in range(1, 18)]


@dataclass
class Client:
    """One thread's writes: what the server acknowledged (path and body) and what it
    answered otherwise (a status, or the error when the server was gone)."""

    acknowledged: list[tuple[str, Any]] = field(default_factory=list)
    refused: list[tuple[str, int, Any]] = field(default_factory=list)
    lost: list[str] = field(default_factory=list)


class Stream:
    """The threads of clients writing until the server dies."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.clients: list[Client] = []
        self.threads: list[threading.Thread] = []
        self.start = threading.Barrier(1)
        self.lock = threading.Lock()
        self.acknowledged: Counter[str] = Counter()  # by kind: check-ins, doses, plans, approve

    def add(self, writes: Callable[[Client], Iterator[tuple[str, str, Any, str]]]) -> None:
        client = Client()
        self.clients.append(client)

        def run() -> None:
            self.start.wait()
            for method, path, body, token in writes(client):
                try:
                    status, answer = _call(self.base, method, path, body, token)
                except (OSError, http.client.HTTPException) as error:
                    # The server is gone: the answer never came, or came cut short.
                    client.lost.append(f"{path}: {error}")
                    return
                if 200 <= status < 300:
                    client.acknowledged.append((path, answer))
                    with self.lock:
                        self.acknowledged[path.rsplit("/", 1)[-1]] += 1
                else:
                    client.refused.append((path, status, answer))
                    return

        self.threads.append(threading.Thread(target=run, daemon=True))

    def run_until(self, ready: Callable[[], bool], timeout_s: float) -> None:
        self.start = threading.Barrier(len(self.threads))
        for thread in self.threads:
            thread.start()
        deadline = time.monotonic() + timeout_s
        while not ready() and time.monotonic() < deadline:
            time.sleep(0.05)

    def join(self) -> None:
        for thread in self.threads:
            thread.join(timeout=120)
            assert not thread.is_alive(), "a client still waits for the killed server"


@pytest.fixture
def crashed_database(django_db_blocker: DjangoDbBlocker) -> Iterator[str]:
    """A fresh PostgreSQL database beside DATABASE_URL's, also open to this process's ORM
    as the ``crashed`` connection; dropped afterwards."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        pytest.skip("the crash test runs on PostgreSQL only: set DATABASE_URL to a postgres:// URL")
    databases = _postgres_database(url, f"{urlsplit(url).path.lstrip('/')}_crash")
    served = next(databases)
    connections.settings[ALIAS] = connections.configure_settings(
        {"default": dj_database_url.parse(served)}
    )["default"]
    try:
        with django_db_blocker.unblock():
            yield served
    finally:
        connections[ALIAS].close()
        del connections[ALIAS]
        del connections.settings[ALIAS]
        for _ in databases:  # drops the database
            pass


class Server:
    """`clonacare serve` on a free loopback port, in a process group of its own."""

    def __init__(self, env: dict[str, str]) -> None:
        self.env = env
        self.port = 0
        self.base = ""
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        """Start it on a free port (a new one each time) and wait until it answers."""
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}/api/v1"
        self.process = subprocess.Popen(
            [*SERVE, "--port", str(self.port), "--threads", "4", "--no-escalation"],
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        for _ in range(300):
            try:
                status, _ = _call(self.base, "GET", "/openapi.json")
                if status == 200:
                    return
            except OSError:
                pass
            assert self.process is not None
            assert self.process.poll() is None, "the server stopped while starting"
            time.sleep(0.2)
        raise AssertionError("the server did not start within a minute")

    def kill(self) -> None:
        assert self.process is not None
        # The whole group: whatever holds the database connections dies with no cleanup.
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)


@pytest.fixture
def server(crashed_database: str, tmp_path: Path) -> Iterator[Server]:
    """The demo's data on the crashed database, served (not yet started)."""
    env = dict(os.environ)
    env |= {
        "CLONACARE_DATA_DIR": str(tmp_path),
        "DATABASE_URL": crashed_database,
        # The clients' few hundred requests are no attack (docs/configuration.md).
        "API_RATE_PER_TOKEN": "100000/min",
        "API_RATE_PER_ADDRESS": "100000/min",
    }
    demo = _cli(env, "demo")
    assert demo.returncode == 0, demo.stderr
    served = Server(env)
    try:
        yield served
    finally:
        served.stop()


def _token(base: str, username: str) -> str:
    status, body = _call(base, "POST", "/auth/token", {"username": username, "password": PASSWORD})
    assert status == 200, body
    return str(body["token"])


def _day(back: int) -> str:
    return (TODAY - dt.timedelta(days=back)).isoformat()


def _check_ins(patient: int, token: str) -> Callable[[Client], Iterator[tuple[str, str, Any, str]]]:
    def writes(client: Client) -> Iterator[tuple[str, str, Any, str]]:
        for n in range(WRITES_EACH):
            yield (
                "POST",
                f"/patients/{patient}/check-ins",
                {
                    "date": _day(FIRST_FREE_DAY_BACK + n),
                    "seizure": False,
                    "self_harm_thoughts": n % SELF_HARM_EVERY == 0,
                    "sleep": 4,
                    "anxiety": 3,
                    "craving": 2,
                    "ciwa_b": dict.fromkeys(CIWA_B_ITEMS, 1),
                    "note": f"crash test {n}",
                },
                token,
            )

    return writes


def _dose_logs(
    patient: int, dose_times: list[str], token: str
) -> Callable[[Client], Iterator[tuple[str, str, Any, str]]]:
    def writes(client: Client) -> Iterator[tuple[str, str, Any, str]]:
        for n in range(WRITES_EACH):
            for dose_time in dose_times:
                body = {"date": _day(FIRST_FREE_DAY_BACK + n), "dose_time": dose_time}
                yield "POST", f"/patients/{patient}/doses", body | {"status": "taken"}, token

    return writes


def _plans(
    patients: list[int], token: str
) -> Callable[[Client], Iterator[tuple[str, str, Any, str]]]:
    """Draft a plan, then approve it (which supersedes the one in force), in turn."""

    def writes(client: Client) -> Iterator[tuple[str, str, Any, str]]:
        for n in range(WRITES_EACH):
            patient = patients[n % len(patients)]
            yield "POST", f"/patients/{patient}/plans", PLAN, token
            path, draft = client.acknowledged[-1]
            assert path.endswith("/plans"), path
            yield "POST", f"/plans/{draft['id']}/approve", {"password": PASSWORD}, token

    return writes


def test_it_keeps_every_acknowledged_write_and_no_half_write_after_a_sigkill(
    server: Server,
) -> None:
    server.start()
    patients = Patient.objects.using(ALIAS).exclude(user=None).select_related("user")
    ids = {p.user.username: p.pk for p in patients if p.user is not None}
    alex, blair, casey = ids["pat.alex"], ids["pat.blair"], ids["pat.casey"]
    stream = Stream(server.base)
    for username, patient, dose_times in (
        ("pat.alex", alex, ["morning", "night"]),
        ("pat.blair", blair, ["night"]),
        ("pat.casey", casey, ["morning", "night"]),
    ):
        token = _token(server.base, username)
        stream.add(_check_ins(patient, token))
        stream.add(_dose_logs(patient, dose_times, token))
    stream.add(_plans([alex, blair], _token(server.base, "dr.avery")))
    stream.add(_plans([casey], _token(server.base, "dr.brook")))

    def mid_stream() -> bool:
        kinds = stream.acknowledged
        return kinds.total() >= ACKNOWLEDGED_BEFORE_KILL and all(
            kinds[kind] for kind in ("check-ins", "doses", "approve")
        )

    stream.run_until(mid_stream, timeout_s=90)
    refused = [r for c in stream.clients for r in c.refused]
    assert mid_stream(), f"{stream.acknowledged} writes acknowledged in 90 s; refused: {refused}"
    server.kill()
    stream.join()
    # Before the kill nothing was refused (each write asks for a day, a dose or a draft
    # of its own), so what follows holds whatever was in flight when the server died.
    assert [r for c in stream.clients for r in c.refused] == []
    assert sum(len(c.lost) for c in stream.clients) >= 1  # the kill came mid-stream

    server.start()  # restarted on the same database: it serves and takes writes again
    token = _token(server.base, "dr.avery")
    status, draft = _call(server.base, "POST", f"/patients/{alex}/plans", PLAN, token)
    assert status == 201, draft
    status, approved = _call(
        server.base, "POST", f"/plans/{draft['id']}/approve", {"password": PASSWORD}, token
    )
    assert (status, approved["status"]) == (200, "approved"), approved
    server.stop()
    # The alert mails a killed request had queued and not sent are sent by the next
    # delivery pass (`clonacare escalate`, from cron beside `serve --no-escalation`).
    delivery = _cli(server.env, "escalate")
    assert delivery.returncode == 0, delivery.stderr

    db = ALIAS
    audited: Counter[tuple[str, str]] = Counter(
        AuditEvent.objects.using(db).values_list("action", "object_id")
    )

    # Every acknowledged write is there, as acknowledged.
    acknowledged = [a for c in stream.clients for a in c.acknowledged]
    for path, body in acknowledged:
        if path.endswith("/check-ins"):
            stored = CheckIn.objects.using(db).get(pk=body["id"])
            assert (stored.patient_id, stored.day.isoformat()) == (body["patient_id"], body["date"])
            assert sorted(a.pk for a in stored.alerts.all()) == sorted(
                a["id"] for a in body["alerts"]
            )
        elif path.endswith("/doses"):
            log = DoseLog.objects.using(db).get(pk=body["id"])
            assert (log.patient_id, log.day.isoformat(), log.dose_time) == (
                body["patient_id"],
                body["date"],
                body["dose_time"],
            )
        elif path.endswith("/plans"):
            assert (
                Plan.objects.using(db).filter(pk=body["id"], patient_id=body["patient_id"]).exists()
            )
        else:
            plan = Plan.objects.using(db).get(pk=body["id"])
            assert plan.status in {Plan.Status.APPROVED, Plan.Status.SUPERSEDED}, body
            assert plan.approved_at is not None
            assert (
                plan.approved_at.isoformat().replace("+00:00", "Z")[:19] == body["approved_at"][:19]
            )
    kinds = Counter(path.rsplit("/", 1)[-1] for path, _ in acknowledged)
    assert all(kinds[kind] for kind in ("check-ins", "doses", "approve")), kinds

    # Nothing half-written: each row with its audit entry, each audit entry with its row.
    check_ins = CheckIn.objects.using(db)
    for row in check_ins:
        assert audited["check-in", str(row.pk)] == 1, f"check-in {row.pk} without its audit entry"
    assert sum(n for (action, _), n in audited.items() if action == "check-in") == check_ins.count()
    per_day = Counter(check_ins.values_list("patient_id", "day"))
    assert [key for key, n in per_day.items() if n > 1] == []  # each check-in once
    doses = DoseLog.objects.using(db)
    for log in doses:
        assert audited["dose.log", str(log.pk)] == 1, f"dose log {log.pk} without its audit entry"
    assert sum(n for (action, _), n in audited.items() if action == "dose.log") == doses.count()
    plans = Plan.objects.using(db)
    for plan in plans:
        assert audited["plan.draft", str(plan.pk)] == 1, f"plan {plan.pk} without its draft entry"
        approved = plan.approved_at is not None
        assert audited["plan.approve", str(plan.pk)] == int(approved), f"plan {plan.pk}"
        assert (plan.status != Plan.Status.DRAFT) == approved
        assert (plan.status == Plan.Status.SUPERSEDED) == (plan.superseded_by_id is not None)
    in_force = Counter(
        plans.filter(status=Plan.Status.APPROVED).values_list("patient_id", flat=True)
    )
    assert [p for p, n in in_force.items() if n > 1] == []  # at most one plan in force
    approvals = sum(n for (action, _), n in audited.items() if action == "plan.approve")
    assert approvals == plans.exclude(approved_at=None).count()

    # No safety alert without what raised it, nor without its mails to the care team.
    alerts = SafetyAlert.objects.using(db)
    assert alerts.filter(from_check_in=True).exists()  # the self-harm answers raised one
    for alert in alerts:
        raised_by = (
            alert.response_id or alert.level_of_care_id or alert.seizure_report_id,
            alert.from_check_in and CheckIn.objects.using(db).filter(alerts=alert).exists(),
        )
        assert any(raised_by), f"alert {alert.pk} ({alert.code}) without what raised it"
        mails = AlertNotification.objects.using(db).filter(alert=alert, kind="raised")
        assert alert.notified_at is not None, f"alert {alert.pk} never queued for the care team"
        assert mails.exists(), f"alert {alert.pk} without its mails to the care team"
    unsent = AlertNotification.objects.using(db).filter(status=AlertNotification.Status.PENDING)
    assert list(unsent.values_list("alert_id", "address")) == []
