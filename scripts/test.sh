#!/usr/bin/env bash
# Quick start, second command: install what the tests need and run the whole suite:
# lint, types, the import contract, then pytest on SQLite (core and web) and the web tests
# again on PostgreSQL with the browser tests, the slowest, run once there; coverage over both.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh test
scripts/system-deps.sh

export PYTHONHASHSEED=0

step() { printf '\n== %s\n' "$*"; }

step "ruff"
.venv/bin/ruff check src tests bench
.venv/bin/ruff format --check src tests bench
step "mypy (strict on the clinical core)"
.venv/bin/mypy
step "import contract: the core imports nothing from Django or the apps"
.venv/bin/lint-imports
# Two pytest processes share the tests (pytest-xdist, a file to a process); each has its own
# test database. The heaviest checks (marked `heavy` in tests/conftest.py: fuzzing, every
# route by every persona, hostile forms) run once, on PostgreSQL, as do the browser tests,
# which run in one process (one Chromium at a time on a 2-core machine).
step "pytest on SQLite (all but the browser tests and the heavy checks)"
rm -f .coverage .coverage.*
env -u DATABASE_URL .venv/bin/pytest -q -p no:cacheprovider -n 2 --dist loadfile --cov --cov-report= \
  --ignore=tests/browser -m "not heavy" tests
step "pytest on PostgreSQL (web tests with the heavy checks)"
DATABASE_URL="postgres:///clonacare_suite" .venv/bin/pytest -q -p no:cacheprovider -n 2 --dist loadfile \
  --cov --cov-append --cov-report= tests/web
step "pytest on PostgreSQL (browser tests, run only here)"
DATABASE_URL="postgres:///clonacare_suite" .venv/bin/pytest -q -p no:cacheprovider --cov --cov-append \
  --cov-report= tests/browser
step "coverage"
.venv/bin/coverage report --skip-covered --sort=cover | tail -n 25
