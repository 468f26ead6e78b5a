"""`clonacare backup` and `clonacare restore`, run as an operator runs them, on SQLite and
(when DATABASE_URL names one) on PostgreSQL: a restored database equals the original table
by table (row count and a hash of the sorted rows), and every refusal is one line, exit 2."""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import dj_database_url
import psycopg
import pytest
from psycopg import sql

Fingerprint = dict[str, tuple[int, str]]


def run(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "clonacare.cli", *args],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
        check=False,
    )


def _digest(rows: list[tuple[object, ...]]) -> tuple[int, str]:
    lines = sorted(repr(row) for row in rows)
    return len(lines), hashlib.sha256("\n".join(lines).encode()).hexdigest()


def _select_all(table: str) -> str:
    return 'SELECT * FROM "' + table.replace('"', '""') + '"'  # noqa: S608 (a quoted name)


def sqlite_fingerprint(path: Path) -> Fingerprint:
    with sqlite3.connect(path) as connection:
        tables = [
            name
            for (name,) in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        # The names come from the database's own catalogue, quoted.
        return {t: _digest(connection.execute(_select_all(t)).fetchall()) for t in tables}


def pg_fingerprint(name: str) -> Fingerprint:
    with psycopg.connect(dbname=name) as connection:
        tables = [
            t
            for (t,) in connection.execute(
                "SELECT tablename FROM pg_catalog.pg_tables WHERE schemaname = 'public'"
            )
        ]
        return {
            t: _digest(
                connection.execute(sql.SQL("SELECT * FROM {}").format(sql.Identifier(t))).fetchall()
            )
            for t in tables
        }


def sqlite_env(data_dir: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("DATABASE_URL", None)
    env["CLONACARE_DATA_DIR"] = str(data_dir)
    return env


@pytest.fixture(scope="module")
def demo_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data folder holding the demo database, loaded once for the module."""
    data_dir = tmp_path_factory.mktemp("original")
    loaded = run("demo", env=sqlite_env(data_dir))
    assert loaded.returncode == 0, loaded.stderr
    return data_dir


def test_it_restores_an_sqlite_database_equal_table_by_table(
    demo_sqlite: Path, tmp_path: Path
) -> None:
    backup = tmp_path / "clonacare.backup"
    made = run("backup", "--out", str(backup), env=sqlite_env(demo_sqlite))
    assert made.returncode == 0, made.stderr
    assert made.stdout.strip() == f"Backed up to {backup}"

    fresh = tmp_path / "fresh"
    fresh.mkdir()
    restored = run("restore", str(backup), env=sqlite_env(fresh))
    assert restored.returncode == 0, restored.stderr
    assert restored.stdout.strip() == f"Restored from {backup}"

    original = sqlite_fingerprint(demo_sqlite / "clonacare.sqlite3")
    assert len(original) > 40
    assert original["auth_user"][0] > 5  # the demo's sign-ins are there
    assert sqlite_fingerprint(fresh / "clonacare.sqlite3") == original


def test_it_refuses_to_restore_over_a_database_with_tables_unless_forced(
    demo_sqlite: Path, tmp_path: Path
) -> None:
    backup = tmp_path / "clonacare.backup"
    assert run("backup", "--out", str(backup), env=sqlite_env(demo_sqlite)).returncode == 0
    other = tmp_path / "other"
    other.mkdir()
    with sqlite3.connect(other / "clonacare.sqlite3") as connection:
        connection.execute("CREATE TABLE scratch (n INTEGER)")
        connection.execute("INSERT INTO scratch VALUES (1)")

    refused = run("restore", str(backup), env=sqlite_env(other))
    assert refused.returncode == 2
    assert refused.stderr == (
        f"clonacare restore: the database at {other / 'clonacare.sqlite3'} already holds "
        "1 tables; restoring replaces them: pass --force to restore over it\n"
    )
    assert sqlite_fingerprint(other / "clonacare.sqlite3") == {"scratch": _digest([(1,)])}

    forced = run("restore", "--force", str(backup), env=sqlite_env(other))
    assert forced.returncode == 0, forced.stderr
    assert sqlite_fingerprint(other / "clonacare.sqlite3") == sqlite_fingerprint(
        demo_sqlite / "clonacare.sqlite3"
    )


def test_it_refuses_a_file_that_is_not_a_backup(tmp_path: Path) -> None:
    junk = tmp_path / "notes.txt"
    junk.write_text("not a database\n")
    result = run("restore", str(junk), env=sqlite_env(tmp_path))
    assert result.returncode == 2
    assert result.stderr == (
        f"clonacare restore: {junk} is not a backup written by `clonacare backup`\n"
    )
    assert not (tmp_path / "clonacare.sqlite3").exists()


def test_it_refuses_a_missing_file(tmp_path: Path) -> None:
    result = run("restore", str(tmp_path / "gone"), env=sqlite_env(tmp_path))
    assert result.returncode == 2
    assert result.stderr == (
        f"clonacare restore: cannot read {tmp_path / 'gone'}: No such file or directory\n"
    )


def test_it_refuses_a_damaged_sqlite_backup(demo_sqlite: Path, tmp_path: Path) -> None:
    backup = tmp_path / "clonacare.backup"
    assert run("backup", "--out", str(backup), env=sqlite_env(demo_sqlite)).returncode == 0
    data = backup.read_bytes()
    damaged = tmp_path / "damaged.backup"
    # The header survives, half the pages do not.
    damaged.write_bytes(data[:100] + b"\xff" * (len(data) // 2 - 100) + data[len(data) // 2 :])
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    result = run("restore", str(damaged), env=sqlite_env(fresh))
    assert result.returncode == 2
    assert result.stderr.startswith(f"clonacare restore: {damaged} is damaged: ")
    assert result.stderr.count("\n") == 1


def test_it_refuses_a_backup_into_a_missing_folder(demo_sqlite: Path, tmp_path: Path) -> None:
    out = tmp_path / "no" / "such" / "b.backup"
    result = run("backup", "--out", str(out), env=sqlite_env(demo_sqlite))
    assert result.returncode == 2
    assert result.stderr == f"clonacare backup: {out.parent} is not a folder\n"


def test_it_refuses_an_sqlite_backup_for_a_postgresql_database(
    demo_sqlite: Path, tmp_path: Path
) -> None:
    backup = tmp_path / "clonacare.backup"
    assert run("backup", "--out", str(backup), env=sqlite_env(demo_sqlite)).returncode == 0
    env = sqlite_env(tmp_path)
    env["DATABASE_URL"] = "postgres:///clonacare_never_used"
    result = run("restore", str(backup), env=env)
    assert result.returncode == 2
    assert result.stderr == (
        f"clonacare restore: {backup} is an SQLite backup; this database is PostgreSQL\n"
    )


# PostgreSQL --------------------------------------------------------------------------

POSTGRES = dj_database_url.parse(os.environ.get("DATABASE_URL") or "sqlite://")
needs_postgresql = pytest.mark.skipif(
    POSTGRES["ENGINE"] != "django.db.backends.postgresql" or shutil.which("pg_dump") is None,
    reason="needs DATABASE_URL to name a PostgreSQL database and pg_dump installed",
)


@pytest.fixture
def pg_databases() -> Iterator[tuple[str, str]]:
    """Two scratch databases beside DATABASE_URL's: the original and the restore target."""
    names = (f"{POSTGRES['NAME']}_backup_original", f"{POSTGRES['NAME']}_backup_restored")
    for name in names:
        subprocess.run(["dropdb", "--if-exists", name], check=True, capture_output=True)
        subprocess.run(["createdb", name], check=True, capture_output=True)
    yield names
    for name in names:
        subprocess.run(["dropdb", "--if-exists", name], check=False, capture_output=True)


@needs_postgresql
def test_it_restores_a_postgresql_database_equal_table_by_table(
    pg_databases: tuple[str, str], tmp_path: Path
) -> None:
    original, restored = pg_databases
    env = sqlite_env(tmp_path)
    env["DATABASE_URL"] = f"postgres:///{original}"
    assert run("demo", env=env).returncode == 0
    backup = tmp_path / "clonacare.dump"
    made = run("backup", "--out", str(backup), env=env)
    assert made.returncode == 0, made.stderr
    assert backup.read_bytes().startswith(b"PGDMP")

    env["DATABASE_URL"] = f"postgres:///{restored}"
    done = run("restore", str(backup), env=env)
    assert done.returncode == 0, done.stderr
    fingerprint = pg_fingerprint(original)
    assert len(fingerprint) > 40
    assert pg_fingerprint(restored) == fingerprint

    again = run("restore", str(backup), env=env)
    assert again.returncode == 2
    assert again.stderr == (
        f"clonacare restore: the database {restored} already holds {len(fingerprint)} "
        "tables; restoring replaces them: pass --force to restore over it\n"
    )
    with psycopg.connect(dbname=restored) as connection:
        connection.execute("DELETE FROM axes_accesslog")
        connection.execute("CREATE TABLE scratch (n integer)")
    forced = run("restore", "--force", str(backup), env=env)
    assert forced.returncode == 0, forced.stderr
    after = pg_fingerprint(restored)
    assert after.pop("scratch") == (0, _digest([])[1])  # not in the dump, left alone
    assert after == fingerprint
