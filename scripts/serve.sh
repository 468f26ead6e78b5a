#!/usr/bin/env bash
# Quick start, first command: install, migrate the embedded SQLite database, load the
# demo data and serve on http://127.0.0.1:8000.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
.venv/bin/clonacare demo
exec .venv/bin/clonacare serve --host 127.0.0.1 --port 8000
