#!/usr/bin/env bash
# `make run`: install, create the demo database when none exists, start the dashboard.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
scripts/venv.sh requirements.txt
export KPI_DB_URL="${KPI_DB_URL:-duckdb:///data/kpi.duckdb}"
.venv/bin/python -m kpi_engine init-demo --if-empty
exec .venv/bin/streamlit run app.py --server.headless "${HEADLESS:-true}" --server.port "${PORT:-8501}" "$@"
