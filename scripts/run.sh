#!/usr/bin/env bash
# `make run`: install, put the demo into a store that holds no data (any other starts as it is), start the dashboard.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
scripts/venv.sh requirements.txt
export KPI_DB_URL="${KPI_DB_URL:-duckdb:///data/kpi.duckdb}"
# The demo signs in as an admin without a password, but only while the server listens on 127.0.0.1 alone
# (.streamlit/config.toml); KPI_DEMO_LOGIN=0 make run asks for an account instead.
export KPI_DEMO_LOGIN="${KPI_DEMO_LOGIN:-1}"
scripts/prepare_store.sh  # demo data only into a store without any data
exec .venv/bin/streamlit run app.py --server.headless "${HEADLESS:-true}" --server.port "${PORT:-8501}" "$@"
