#!/usr/bin/env bash
# Create .venv (if missing) and install the pinned requirements file given as $1.
# Re-installs only when the requirements file changed since the last install.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
req="${1:-requirements.txt}"
py="${PYTHON:-python3}"
cd "$root"
if [ ! -x .venv/bin/python ]; then
  "$py" -m venv .venv || { echo "ERROR: could not create a virtual environment; install python3-venv (apt-get install -y python3-venv)" >&2; exit 1; }
fi
stamp=".venv/.installed-$(basename "$req")"
sum="$(cat requirements*.txt | sha256sum | cut -d' ' -f1)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$sum" ]; then
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -r "$req"
  echo "$sum" > "$stamp"
fi
# `python -m kpi_engine` from any folder (a cron job starts in $HOME): the checkout is on the venv's import path.
site="$(.venv/bin/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
[ "$(cat "$site/kpi-dashboard.pth" 2>/dev/null)" = "$root" ] || echo "$root" > "$site/kpi-dashboard.pth"
