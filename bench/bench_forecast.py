"""Forecast backtest (issue 16.1): how wrong the month-end projection was over past months, against run rate.

    python bench/bench_forecast.py [--months 10] [--cuts 7,14,21] [--metrics leads,spend,wins,revenue,cpl,cac]
                                   [--end 2026-10-31] [--db URL]

Generates the demo (18 months ending --end) in a temporary DuckDB file unless --db names a store. For each of the
last --months full months and each cut-off day (day 7, 14, 21 of the month) it projects the month from the data
through that day (``kpi_engine.analytics.forecast``) and compares with the month's outcome. Prints per metric the
MAPE of the model and of the run-rate projection pacing uses (total so far / days elapsed × days in month; for a
ratio: the ratio so far), their ratio (model / run rate, below 1 = the model is better), and how often the outcome
fell inside the 80% band (near 0.8 = a calibrated band).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from kpi_engine import demo, periods, store  # noqa: E402
from kpi_engine.analytics import forecast as fc  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--months", type=int, default=10)
    ap.add_argument("--cuts", default="7,14,21")
    ap.add_argument("--metrics", default="leads,spend,wins,revenue,cpl,cac")
    ap.add_argument("--end", default="2026-10-31")
    ap.add_argument("--db", default="")
    args = ap.parse_args(argv)
    end = dt.date.fromisoformat(args.end)
    cuts = [int(c) for c in args.cuts.split(",")]
    with tempfile.TemporaryDirectory() as tmp:
        url = args.db or f"duckdb:///{Path(tmp) / 'demo.duckdb'}"
        engine = store.get_engine(url)
        if not args.db:
            demo.generate(engine, end=end)
        last = periods.period_start(end, "month")
        months = [periods.shift_months(last, -k) for k in range(args.months - 1, -1, -1)]
        print(f"backtest: {len(months)} months {months[0]:%Y-%m}..{months[-1]:%Y-%m}, cut-off days {cuts}, "
              f"{int(fc.COVERAGE * 100)}% band")
        print(f"{'metric':<10}{'cases':>6}{'MAPE model':>12}{'MAPE run rate':>15}{'ratio':>8}{'band hit':>10}"
              f"{'seconds':>9}")
        for metric in args.metrics.split(","):
            t0 = time.perf_counter()
            rows = fc.backtest(engine, metric, months, cut_days=cuts)
            model, rate = fc.mape(rows), fc.mape(rows, "run_rate")
            print(f"{metric:<10}{len(rows):>6}{model:>12.1%}{rate:>15.1%}{model / rate:>8.2f}"
                  f"{fc.coverage(rows):>10.0%}{time.perf_counter() - t0:>9.1f}")
            for cut in cuts:
                sub = [r for r in rows if r.cut == cut]
                print(f"  day {cut:<4}{len(sub):>6}{fc.mape(sub):>12.1%}{fc.mape(sub, 'run_rate'):>15.1%}"
                      f"{'':>8}{fc.coverage(sub):>10.0%}")
        store.dispose_engine(url)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
