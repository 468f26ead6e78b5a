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
step "pytest on SQLite (all but the browser tests)"
rm -f .coverage .coverage.*
env -u DATABASE_URL .venv/bin/pytest -q -p no:cacheprovider --cov --cov-report= --ignore=tests/browser tests
step "pytest on PostgreSQL (web tests, and the browser tests, run only here)"
DATABASE_URL="postgres:///clonacare_suite" .venv/bin/pytest -q -p no:cacheprovider --cov --cov-append --cov-report= tests/web tests/browser
step "coverage"
.venv/bin/coverage report --skip-covered --sort=cover | tail -n 25
