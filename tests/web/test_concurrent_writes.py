"""Two clients changing one patient's status at the same moment, on the real server
(`clonacare serve`, several threads): no request fails with a server error, and the
audit trail of the changes is one unbroken chain ending at the status the record shows
(issue 14: on SQLite 9 of 80 requests answered 500 "database is locked")."""

from __future__ import annotations

import itertools
import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest

REQUESTS_EACH = 40
SERVE = ["--threads", "4", "--no-escalation"]
PASSWORD = "clonacare-demo"  # the demo's published password (web/demo.py)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "clonacare.cli", *args],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
        check=False,
    )


def _postgres_database(url: str, name: str) -> Iterator[str]:
    """A fresh database beside the one ``url`` names, dropped afterwards."""
    parts = urlsplit(url)
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit(parts._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgresql"])
def server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The demo on `clonacare serve` (4 threads), on a fresh database of each kind."""
    env = dict(os.environ)
    env.pop("DATABASE_URL", None)
    env["CLONACARE_DATA_DIR"] = str(tmp_path)
    databases: Iterator[str] | None = None
    if request.param == "postgresql":
        url = os.environ.get("DATABASE_URL", "")
        if not url.startswith("postgres"):
            pytest.skip("DATABASE_URL names no PostgreSQL database to create one beside")
        databases = _postgres_database(url, f"{urlsplit(url).path.lstrip('/')}_concurrency")
        env["DATABASE_URL"] = next(databases)
    try:
        demo = _cli(env, "demo")
        assert demo.returncode == 0, demo.stderr
        port = _free_port()
        process = subprocess.Popen(
            [sys.executable, "-m", "clonacare.cli", "serve", "--port", str(port), *SERVE],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        base = f"http://127.0.0.1:{port}/api/v1"
        try:
            for _ in range(200):
                try:
                    urllib.request.urlopen(f"{base}/openapi.json", timeout=5)  # noqa: S310
                    break
                except OSError:
                    time.sleep(0.2)
            yield base
        finally:
            process.terminate()
            _, errors = process.communicate(timeout=30)
            assert "database is locked" not in errors
    finally:
        if databases is not None:
            for _ in databases:  # drops the database
                pass


def _call(base: str, method: str, path: str, body: Any = None, token: str = "") -> tuple[int, Any]:
    # Only ever http://127.0.0.1 (the server this test starts).
    request = urllib.request.Request(  # noqa: S310
        base + path,
        data=None if body is None else json.dumps(body).encode(),
        method=method,
        headers={"Content-Type": "application/json"}
        | ({"Authorization": f"Bearer {token}"} if token else {}),
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def _token(base: str, username: str) -> str:
    status, body = _call(base, "POST", "/auth/token", {"username": username, "password": PASSWORD})
    assert status == 200, body
    return str(body["token"])


def test_two_clients_changing_a_status_at_once_get_no_server_error(server: str) -> None:
    prescriber, admin = _token(server, "dr.avery"), _token(server, "admin.riverside")
    status, caseload = _call(server, "GET", "/patients?limit=200", token=prescriber)
    assert status == 200
    patient = next(p for p in caseload["items"] if p["given_name"] == "Alex")
    path = f"/patients/{patient['id']}"
    answers: list[int] = []
    start = threading.Barrier(2)

    def change(token: str, statuses: list[str]) -> None:
        start.wait()
        for value in itertools.islice(itertools.cycle(statuses), REQUESTS_EACH):
            answers.append(_call(server, "PATCH", path, {"status": value}, token)[0])

    threads = [
        threading.Thread(target=change, args=(prescriber, ["tapering", "maintenance"])),
        threading.Thread(target=change, args=(admin, ["recovery", "assessment"])),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(answers) == 2 * REQUESTS_EACH
    assert [a for a in answers if a != 200] == []
    # The audit trail is one chain: each change starts where the one before ended, and
    # the last ends at the status the record shows (no update lost, none half-written).
    query = f"/audit?action=record.status-change&patient={patient['id']}&limit=200"
    status, audit = _call(server, "GET", query, token=admin)
    assert status == 200
    changes = [entry["detail"] for entry in reversed(audit["items"])]
    assert len(changes) >= REQUESTS_EACH
    assert all(a["to"] == b["from"] for a, b in itertools.pairwise(changes))
    assert _call(server, "GET", path, token=prescriber)[1]["status"] == changes[-1]["to"]
