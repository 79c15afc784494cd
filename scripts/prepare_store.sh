#!/usr/bin/env bash
# The start step of `make run` (scripts/run.sh) and of its test (tests/test_start_step.py): put the demo into a
# store that holds no data at all; any other store starts as it is (init-demo --if-empty never changes user data).
# Database: $KPI_DB_URL (default duckdb:///data/kpi.duckdb); Python: $KPI_PYTHON (default .venv/bin/python).
# Extra arguments go to init-demo.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
export KPI_DB_URL="${KPI_DB_URL:-duckdb:///data/kpi.duckdb}"
exec "${KPI_PYTHON:-.venv/bin/python}" -m kpi_engine init-demo --if-empty "$@"
