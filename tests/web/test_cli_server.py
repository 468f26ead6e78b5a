"""`clonacare --version`, `clonacare demo` and `clonacare serve`, run as a user runs them."""

from __future__ import annotations

import os
import queue
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

from clonacare import __version__


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "clonacare.cli", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
    )


def fresh_env(tmp_path: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("DATABASE_URL", None)
    env["CLONACARE_DATA_DIR"] = str(tmp_path)
    return env


def test_it_prints_its_version() -> None:
    result = run("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"clonacare {__version__}"


def test_without_a_command_it_prints_help_and_exits_2() -> None:
    result = run()
    assert result.returncode == 2
    assert "usage: clonacare" in result.stderr


def test_an_unknown_command_is_one_line_and_exit_2() -> None:
    result = run("frobnicate")
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert "invalid choice: 'frobnicate'" in result.stderr
    assert "Traceback" not in result.stderr


def test_demo_creates_the_database_and_indexes_the_articles(tmp_path: Path) -> None:
    result = run("demo", env=fresh_env(tmp_path))
    assert result.returncode == 0, result.stderr
    # Every article file is indexed: the English ones and those written in Spanish.
    articles = Path(__file__).resolve().parents[2] / "content" / "articles"
    count = len(list(articles.glob("*.md"))) + len(list(articles.glob("es/*.md")))
    assert count == 24
    assert f"Education: {count} articles indexed for search." in result.stdout
    assert (tmp_path / "clonacare.sqlite3").exists()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_serve_answers_on_the_port_it_was_given(tmp_path: Path) -> None:
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "clonacare.cli", "serve", "--port", str(port)],
        env=fresh_env(tmp_path),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        body = ""
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as response:
                    assert response.status == 200
                    body = response.read().decode()
                    break
            except OSError:
                time.sleep(0.2)
        assert "Clonazepam (Klonopin)" in body
        assert "988" in body
        css = f"http://127.0.0.1:{port}/static/clonacare/site.css"
        with urllib.request.urlopen(css, timeout=5) as response:
            assert response.status == 200
    finally:
        server.terminate()
        server.wait(timeout=20)


def test_serve_runs_the_alert_escalation_scheduler(tmp_path: Path) -> None:
    """The demo's open alert (raised weeks ago, never acknowledged) is escalated by the
    scheduler `serve` starts, with no other command typed; the console backend prints
    the mail in serve's output."""
    env = fresh_env(tmp_path)
    demo = run("demo", env=env)
    assert demo.returncode == 0, demo.stderr
    assert "To: dr.brook@northgate.example" in demo.stdout  # the care team, when raised
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
    try:
        while "To: on-call@northgate.example\n" not in seen:
            seen.append(lines.get(timeout=60))
    finally:
        server.terminate()
        server.wait(timeout=20)
    output = "".join(seen)
    assert "retries and escalation are checked every 60 seconds" in output
    assert "Subject: [Clonacare] Not acknowledged in 15 minutes: safety alert" in output


def test_escalate_runs_one_pass_from_the_command_line(tmp_path: Path) -> None:
    env = fresh_env(tmp_path)
    assert run("demo", env=env).returncode == 0
    first = run("escalate", env=env)
    assert first.returncode == 0, first.stderr
    assert "To: on-call@northgate.example" in first.stdout
    assert first.stdout.rstrip().endswith("Escalated 1 safety alert: 1.")
    again = run("escalate", env=env)
    assert again.stdout == "No safety alert is due for escalation.\n"
