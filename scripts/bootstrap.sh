#!/usr/bin/env bash
# Make the virtualenv in .venv and install Clonacare into it (with the test extras when
# asked: scripts/bootstrap.sh test). Works on a fresh Debian with Python 3.11: when the
# venv module is missing (Debian splits it out), installs python3-venv first, and
# installs Pango and the DejaVu fonts for WeasyPrint where they are missing.
set -euo pipefail
cd "$(dirname "$0")/.."
extras="${1:-}"
# The tests run the population screen on Spark as well as DuckDB: the test extras bring
# the spark extra (pyspark), and Spark needs a Java runtime.
[ "$extras" = test ] && extras="test,spark"
PYTHON="${PYTHON:-python3}"
if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi

# WeasyPrint (the pharmacy PDF) loads Pango's C libraries and draws with Debian's DejaVu
# fonts; it installs neither. Install whichever is missing (Debian package names).
pdf_missing=()
compgen -G "/usr/lib/*/libpango-1.0.so.0" >/dev/null || pdf_missing+=(libpango-1.0-0)
compgen -G "/usr/lib/*/libpangoft2-1.0.so.0" >/dev/null || pdf_missing+=(libpangoft2-1.0-0)
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || pdf_missing+=(fonts-dejavu-core)
if [ ${#pdf_missing[@]} -gt 0 ]; then
  echo "bootstrap: installing ${pdf_missing[*]} (Pango and fonts for the PDF)" >&2
  $SUDO apt-get update -qq
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${pdf_missing[@]}" >/dev/null
fi

if [[ "$extras" == *spark* ]] && ! command -v java >/dev/null; then
  echo "bootstrap: installing openjdk-17-jre-headless (Java for Spark)" >&2
  $SUDO apt-get update -qq
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jre-headless >/dev/null
fi

if [ ! -x .venv/bin/python ]; then
  if ! "$PYTHON" -m venv .venv 2>/dev/null; then
    rm -rf .venv
    echo "bootstrap: installing python3-venv (Debian ships venv separately)" >&2
    $SUDO apt-get update -qq
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null
    "$PYTHON" -m venv .venv
  fi
fi

# The Spanish pages (issue 16) read compiled catalogues; Django compiles them with
# GNU gettext's msgfmt. Install gettext where it is missing.
if ! command -v msgfmt >/dev/null; then
  echo "bootstrap: installing gettext (msgfmt, for the Spanish pages)" >&2
  $SUDO apt-get update -qq
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gettext >/dev/null
fi

stamp=".venv/.installed${extras:+-$extras}"
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  .venv/bin/python -m pip install -q --upgrade pip
  if [ -n "$extras" ]; then
    .venv/bin/python -m pip install -q -e ".[$extras]"
  else
    .venv/bin/python -m pip install -q -e .
  fi
  touch "$stamp"
fi

# Compile the catalogues (src/clonacare/locale/*/LC_MESSAGES/django.po -> .mo, ignored by
# git) every time: cheap, and a changed translation is never served stale.
(cd src/clonacare && DJANGO_SETTINGS_MODULE=clonacare.web.settings \
  ../../.venv/bin/python -m django compilemessages --ignore='*' >/dev/null)
