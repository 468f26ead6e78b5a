"""``clonacare backup --out FILE`` and ``clonacare restore FILE``: copy the database the
settings name (``DATABASE_URL``, or the embedded SQLite file) with the database's own
tools, and put such a copy back.

SQLite is copied with its online backup API (``sqlite3.Connection.backup``), which gives a
consistent copy while the server keeps writing; PostgreSQL with ``pg_dump -Fc`` and
``pg_restore --clean --if-exists`` in one transaction. The password goes to those tools in
their environment (``PGPASSWORD``), never on their command line, where other users of the
machine could read it. A restore refuses a database that already holds tables unless
``--force``. Any refusal is one line on stderr and exit code 2. docs/operations.md says how
to encrypt, keep and test these files; the software writes them unencrypted.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any, cast

import psycopg
from django.conf import settings
from psycopg.conninfo import make_conninfo

from clonacare.cli import COMMANDS, EXIT_USAGE

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_DUMP_MAGIC = b"PGDMP"
POSTGRESQL = "django.db.backends.postgresql"
SQLITE = "django.db.backends.sqlite3"


class BackupRefused(Exception):
    """What the command will not do, in one line a person can act on."""


def register(subparsers: Any) -> None:
    backup = subparsers.add_parser(
        "backup",
        help=COMMANDS["backup"].help,
        description="Copy the database (DATABASE_URL, or the embedded SQLite file) to FILE.",
    )
    backup.add_argument("--out", required=True, metavar="FILE", help="the backup file to write")
    backup.set_defaults(handler=backup_command)

    restore = subparsers.add_parser(
        "restore",
        help=COMMANDS["restore"].help,
        description="Put a file written by `clonacare backup` back into the database.",
    )
    restore.add_argument("file", metavar="FILE", help="a file written by `clonacare backup`")
    restore.add_argument(
        "--force",
        action="store_true",
        help="restore over a database that already holds tables (they are replaced)",
    )
    restore.set_defaults(handler=restore_command)


def _database() -> dict[str, Any]:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clonacare.web.settings")
    database = cast(dict[str, Any], settings.DATABASES["default"])
    if database["ENGINE"] not in (SQLITE, POSTGRESQL):
        raise BackupRefused(f"backups support SQLite and PostgreSQL, not {database['ENGINE']}")
    return database


def _refused(command: str, exc: BackupRefused) -> int:
    print(f"clonacare {command}: {exc}", file=sys.stderr)
    return EXIT_USAGE


def backup_command(args: argparse.Namespace) -> int:
    out = Path(args.out)
    try:
        database = _database()
        if not out.parent.is_dir():
            raise BackupRefused(f"{out.parent} is not a folder")
        # Written beside the target and renamed into place: a backup cut short never
        # leaves a file that looks whole.
        fd, partial = tempfile.mkstemp(prefix=f".{out.name}.", dir=out.parent)
        os.close(fd)
        try:
            if database["ENGINE"] == SQLITE:
                _sqlite_backup(Path(database["NAME"]), Path(partial))
            else:
                _pg_backup(database, Path(partial))
            os.replace(partial, out)
        finally:
            if os.path.exists(partial):
                os.unlink(partial)
    except BackupRefused as exc:
        return _refused("backup", exc)
    print(f"Backed up to {out}")
    return 0


def restore_command(args: argparse.Namespace) -> int:
    source = Path(args.file)
    try:
        database = _database()
        kind = _kind_of(source)
        if database["ENGINE"] == SQLITE:
            if kind != SQLITE:
                raise BackupRefused(f"{source} is a PostgreSQL dump; this database is SQLite")
            _sqlite_restore(source, Path(database["NAME"]), force=args.force)
        else:
            if kind != POSTGRESQL:
                raise BackupRefused(f"{source} is an SQLite backup; this database is PostgreSQL")
            _pg_restore(database, source, force=args.force)
    except BackupRefused as exc:
        return _refused("restore", exc)
    print(f"Restored from {source}")
    return 0


def _kind_of(path: Path) -> str:
    try:
        with path.open("rb") as file:
            head = file.read(len(SQLITE_MAGIC))
    except OSError as exc:
        raise BackupRefused(f"cannot read {path}: {exc.strerror}") from None
    if head.startswith(SQLITE_MAGIC):
        return SQLITE
    if head.startswith(PG_DUMP_MAGIC):
        return POSTGRESQL
    raise BackupRefused(f"{path} is not a backup written by `clonacare backup`")


def _not_empty(tables: int, where: str) -> BackupRefused:
    return BackupRefused(
        f"{where} already holds {tables} tables; restoring replaces them: "
        "pass --force to restore over it"
    )


# SQLite ------------------------------------------------------------------------------


def _sqlite_backup(name: Path, out: Path) -> None:
    if not name.is_file():
        raise BackupRefused(f"there is no database at {name}")
    source = sqlite3.connect(f"{name.as_uri()}?mode=ro", uri=True)
    target = sqlite3.connect(out)
    try:
        source.backup(target)
    finally:
        target.close()
        source.close()


def _sqlite_tables(connection: sqlite3.Connection) -> int:
    row = connection.execute(
        "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    ).fetchone()
    return int(row[0])


def _sqlite_restore(source: Path, name: Path, *, force: bool) -> None:
    backup = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
    try:
        try:
            verdict = backup.execute("PRAGMA integrity_check").fetchone()[0]
        except sqlite3.DatabaseError as exc:
            raise BackupRefused(f"{source} is damaged: {exc}") from None
        if verdict != "ok":
            raise BackupRefused(f"{source} is damaged: {verdict}")
        target = sqlite3.connect(name)
        try:
            tables = _sqlite_tables(target)
            if tables and not force:
                raise _not_empty(tables, f"the database at {name}")
            backup.backup(target)
        finally:
            target.close()
    finally:
        backup.close()


# PostgreSQL --------------------------------------------------------------------------


def _pg_env(database: dict[str, Any]) -> dict[str, str]:
    """The environment for pg_dump and pg_restore: the connection settings as libpq's
    variables, so that no password appears on a command line."""
    env = dict(os.environ)
    for variable, key in (
        ("PGHOST", "HOST"),
        ("PGPORT", "PORT"),
        ("PGUSER", "USER"),
        ("PGPASSWORD", "PASSWORD"),
        ("PGDATABASE", "NAME"),
    ):
        value = database.get(key)
        if value:
            env[variable] = str(value)
    return env


def _run(command: list[str], env: dict[str, str]) -> None:
    try:
        # A fixed command of PostgreSQL's tools; the paths come from the operator.
        done = subprocess.run(  # noqa: S603
            command, env=env, capture_output=True, text=True, check=False
        )
    except FileNotFoundError:
        raise BackupRefused(f"{command[0]} is not installed (PostgreSQL's client tools)") from None
    if done.returncode != 0:
        lines = [line for line in done.stderr.splitlines() if line.strip()]
        raise BackupRefused(f"{command[0]} failed: {lines[0] if lines else done.returncode}")


def _pg_tables(database: dict[str, Any]) -> int:
    env = _pg_env(database)
    keys = {"host": "PGHOST", "port": "PGPORT", "user": "PGUSER", "password": "PGPASSWORD"}
    params = {key: env[variable] for key, variable in keys.items() if variable in env}
    try:
        conninfo = make_conninfo("", dbname=database["NAME"], **params)
        with psycopg.connect(conninfo) as connection:
            row = connection.execute(
                "SELECT count(*) FROM pg_catalog.pg_tables WHERE schemaname = 'public'"
            ).fetchone()
    except psycopg.Error as exc:
        first = str(exc).strip().splitlines()
        raise BackupRefused(
            f"cannot connect to the database: {first[0] if first else exc}"
        ) from None
    return int(row[0]) if row else 0


def _pg_backup(database: dict[str, Any], out: Path) -> None:
    _run(["pg_dump", "--format=custom", "--no-owner", f"--file={out}"], _pg_env(database))


def _pg_restore(database: dict[str, Any], source: Path, *, force: bool) -> None:
    tables = _pg_tables(database)
    if tables and not force:
        raise _not_empty(tables, f"the database {database['NAME']}")
    env = _pg_env(database)
    # A dump pg_restore cannot read is refused before anything is dropped.
    _run(["pg_restore", "--list", str(source)], env)
    _run(
        [
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            f"--dbname={database['NAME']}",
            str(source),
        ],
        env,
    )
