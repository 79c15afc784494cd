# The two commands of the README. Both work on a fresh machine (Python 3.11+, make, apt-get).
.PHONY: run test lint bench demo

run:  ## install, put demo data into a store that holds no data (any other starts as it is), start the dashboard on :8501
	bash scripts/run.sh

test:  ## install test needs (Chromium, PostgreSQL), lint, run the whole suite on DuckDB and PostgreSQL
	bash scripts/test.sh

lint:
	.venv/bin/ruff check kpi_engine ui app_pages app.py tests bench

bench:  ## every benchmark, one at a time, each ratio with PASS/FAIL (BENCH_ARGS="--pg URL --reuse-stale" to add)
	.venv/bin/python bench/run_all.py $(BENCH_ARGS)

demo:  ## replace the store's facts and upload history with the demo (plans, notes, settings stay)
	.venv/bin/python -m kpi_engine init-demo --replace
