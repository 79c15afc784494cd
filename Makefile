# The two commands of the README. Both work on a fresh machine (Python 3.11+, make, apt-get).
.PHONY: run test lint bench demo

run:  ## install, create the demo database if none exists, start the dashboard on :8501
	bash scripts/run.sh

test:  ## install test needs (Chromium, PostgreSQL), lint, run the whole suite on DuckDB and PostgreSQL
	bash scripts/test.sh

lint:
	.venv/bin/ruff check kpi_engine ui pages app.py tests bench

bench:  ## speed ratios against baselines measured in the same run
	.venv/bin/python bench/bench_ingest.py

demo:  ## rebuild the demo database from scratch
	.venv/bin/python -m kpi_engine init-demo
