#!/usr/bin/env bash
# What the test suite needs from Debian: Chromium (for Playwright) and a running
# PostgreSQL server with a superuser role for the current user. Installs what is
# missing (as root, or through sudo) and starts Debian's cluster; initdb refuses to run
# as root, so the packaged cluster is started with `service postgresql start`.
set -euo pipefail
if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
me="$(id -un)"

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
compgen -G "/usr/lib/postgresql/*/bin/postgres" >/dev/null || missing+=(postgresql)
command -v psql >/dev/null || missing+=(postgresql-client)
if [ ${#missing[@]} -gt 0 ]; then
  echo "system-deps: installing ${missing[*]}" >&2
  $SUDO apt-get update -qq
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if ! pg_lsclusters -h 2>/dev/null | grep -q .; then
  version="$(basename "$(dirname "$(dirname "$(compgen -G '/usr/lib/postgresql/*/bin/postgres' | head -n1)")")")"
  $SUDO pg_createcluster "$version" main >/dev/null
fi
$SUDO service postgresql start >/dev/null
for _ in $(seq 1 30); do
  pg_isready -q && break
  sleep 1
done
pg_isready -q || { echo "system-deps: PostgreSQL did not start" >&2; exit 1; }

cd /  # the postgres user cannot enter the checkout; psql warns from there
if ! $SUDO runuser -u postgres -- psql -tAc "SELECT 1 FROM pg_roles WHERE rolname = '$me'" | grep -q 1; then
  $SUDO runuser -u postgres -- createuser -s "$me"
fi
