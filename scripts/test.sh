#!/usr/bin/env bash
# `make test`: install what the tests need (Python packages, Chromium, PostgreSQL), start a
# throwaway PostgreSQL on loopback, lint, type-check, and run the whole suite on DuckDB and PostgreSQL.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
scripts/venv.sh requirements-dev.txt

apt_install() {
  export DEBIAN_FRONTEND=noninteractive
  if [ "$(id -u)" != "0" ]; then sudo=(sudo); else sudo=(); fi
  "${sudo[@]}" apt-get update -qq && "${sudo[@]}" apt-get install -y -qq "$@"
}

# Browser tests drive Debian's Chromium through Playwright (no browser download needed).
if [ -z "${KPI_CHROMIUM:-}" ]; then
  if ! command -v chromium >/dev/null 2>&1 && [ ! -x /usr/bin/chromium ]; then
    echo "Installing Chromium for the browser tests ..." >&2
    apt_install chromium fonts-noto-cjk || { echo "ERROR: could not install chromium with apt-get" >&2; exit 1; }
  fi
  KPI_CHROMIUM="$(command -v chromium || echo /usr/bin/chromium)"
  export KPI_CHROMIUM
fi
# Chinese glyphs in screenshots.
if ! fc-list 2>/dev/null | grep -qi "cjk"; then apt_install fonts-noto-cjk >/dev/null 2>&1 || echo "warning: no CJK font; Chinese text in screenshots may show boxes" >&2; fi

# PostgreSQL: install if missing, start on loopback, stop on exit.
if [ -z "${KPI_TEST_PG_URL:-}" ] && [[ "${KPI_TEST_BACKENDS:-duckdb,postgres}" == *postgres* ]]; then
  KPI_TEST_PG_URL="$(scripts/pg_test_server.sh start)"
  export KPI_TEST_PG_URL
  trap 'scripts/pg_test_server.sh stop' EXIT
fi

.venv/bin/ruff check kpi_engine ui app_pages app.py tests bench
.venv/bin/mypy  # type check of kpi_engine; files and options in mypy.ini
.venv/bin/python -m pytest "$@"
