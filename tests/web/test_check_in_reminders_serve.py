"""`clonacare serve` sends the check-in reminders from its scheduler thread, with no other
command typed: on the demo data, pat.alex (in the week after a dose change, no check-in
today) is emailed once, and the console backend prints the mail in serve's output."""

from __future__ import annotations

import os
import queue
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_serve_emails_the_due_check_in_reminders(tmp_path: Path) -> None:
    env = dict(os.environ)
    env.pop("DATABASE_URL", None)
    env["CLONACARE_DATA_DIR"] = str(tmp_path)
    env["CHECK_IN_REMINDER_HOUR"] = "0"  # whatever the hour the test runs at
    demo = subprocess.run(
        [sys.executable, "-m", "clonacare.cli", "demo"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert demo.returncode == 0, demo.stderr
    server = subprocess.Popen(
        [sys.executable, "-m", "clonacare.cli", "serve", "--port", str(free_port())],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: queue.Queue[str] = queue.Queue()
    reader = threading.Thread(
        target=lambda: [lines.put(line) for line in iter(server.stdout.readline, "")],  # type: ignore[union-attr]
        daemon=True,
    )
    reader.start()
    seen: list[str] = []
    rows: list[tuple[str, str]] = []
    try:
        while "To: pat.alex@riverside.example\n" not in seen:
            seen.append(lines.get(timeout=60))
        # The pass goes on to pat.blair and pat.casey after the mail: wait until it has
        # finished.
        for _ in range(300):
            rows = reminders(tmp_path)
            if all(status != "sending" for _, status in rows) and len(rows) == 3:
                break
            time.sleep(0.2)
    finally:
        server.terminate()
        server.wait(timeout=20)
    output = "".join(seen)
    assert (
        "Check-in reminders: a patient whose check-in is due and not done is emailed once "
        "that day, from 00:00 (UTC); checked every 60 seconds." in output
    )
    assert "Subject: Your check-in is due today\n" in seen
    # Every demo patient has an address under .example: pat.blair's reminder is sent too,
    # and pat.casey's (their second taper started 21 days ago: a weekly check-in day).
    assert rows == [("pat.alex", "sent"), ("pat.blair", "sent"), ("pat.casey", "sent")]


def reminders(data_dir: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(data_dir / "clonacare.sqlite3", timeout=10) as db:
        found: list[tuple[str, str]] = db.execute(
            "SELECT u.username, r.status FROM monitoring_checkinreminder r "
            "JOIN patients_patient p ON p.id = r.patient_id "
            "JOIN auth_user u ON u.id = p.user_id ORDER BY u.username"
        ).fetchall()
    return found
