"""Attribution speed (issue 14): the Analytics page's credit per channel and model, the demo against a large store.

    python bench/bench_attribution.py [--leads N] [--repeat 3] [--limit 2.0] [--pg URL] [--end YYYY-MM-DD]

``attribution.channel_credit`` over the page's default window (90 days, about 13 weeks, ending the day after the
data) on two stores made and cached by ``bench_pages.py``'s helpers: the demo and one of about --leads leads
(default: 10,000,000 when that store is already cached for the backend, 1,000,000 otherwise; a 10M store takes
minutes to make). For each store, taking turns run by run, best of --repeat, each run with the DuckDB file kept
open as a page run keeps it: (a) the facts path (``rollup=False``: window functions over every touch of the
window's leads, as every view did before the credit rollup) and (b) the rollup path (``kpi_engine.rollups.credit``,
what the page reads now). Checks that (b) read the rollup and gave the numbers of (a) (leads and wins to 1e-9,
revenue to the cent). On DuckDB, and with --pg URL on PostgreSQL too (the stores in their own schemas).

Prints per backend and store the seconds of (a) and (b) and (a)/(b); then the large store over the demo for
each path and PASS/FAIL: (b) at most --limit times its demo time (issue 14.2's rule for pages), read from the
rollup, same numbers. Exit status 0 when every backend passes.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import os
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
for _p in (str(ROOT), str(BENCH)):
    if _p not in sys.path:
        sys.path.insert(0, _p)

import bench_pages as bp  # noqa: E402
import pandas as pd  # noqa: E402
import sqlalchemy as sa  # noqa: E402

from kpi_engine import demo, store  # noqa: E402
from kpi_engine.analytics import attribution  # noqa: E402

WINDOW_DAYS = 90  # the Analytics page's default attribution window (ui.analytics.ATTRIBUTION_DAYS)
TEN_MILLION = 10_000_000


def _load() -> str:
    return f"load {os.getloadavg()[0]:.1f}"


def _pg_cached(base: str, scale: float, *, seed: int, months: int, end: dt.date) -> bool:
    name = bp.pg_schema(scale, seed=seed, months=months, end=end)
    engine = sa.create_engine(base)
    try:
        with engine.connect() as conn:
            return conn.execute(sa.text("SELECT 1 FROM information_schema.tables WHERE table_schema = :s "
                                        "AND table_name = 'bench_done'"), {"s": name}).first() is not None
    finally:
        engine.dispose()


def default_leads(args: argparse.Namespace, end: dt.date, pg: str | None) -> int:
    """10M when that store is cached for this backend (a stale DuckDB one with --reuse-stale), else 1M."""
    scale = demo.scale_for_leads(TEN_MILLION, end=end, months=args.months, seed=args.seed)
    if pg:
        return TEN_MILLION if _pg_cached(pg, scale, seed=args.seed, months=args.months, end=end) else 1_000_000
    path = bp.cached_duckdb(scale, seed=args.seed, months=args.months, end=end)
    stale = args.reuse_stale and any(path.parent.glob(path.name.rsplit("_", 1)[0] + "_*.duckdb"))
    return TEN_MILLION if path.exists() or stale else 1_000_000


def same_numbers(got: pd.DataFrame, want: pd.DataFrame) -> bool:
    """Rows in the same order; leads, wins, spend, CPL and CAC to 1e-9, revenue to the cent."""
    if list(zip(got["channel_id"], got["model"], strict=True)) != list(zip(want["channel_id"], want["model"], strict=True)):
        return False
    for col in ("leads", "wins", "spend", "cpl", "cac"):
        for g, w in zip(got[col], want[col], strict=True):
            if not ((math.isnan(g) and math.isnan(w)) or math.isclose(g, w, rel_tol=1e-9, abs_tol=1e-9)):
                return False
    return all(round(g, 2) == round(w, 2) for g, w in zip(got["revenue"], want["revenue"], strict=True))


def _timed(url: str, start: dt.date, end: dt.date, rollup: bool) -> tuple[float, pd.DataFrame]:
    engine = store.get_engine(url)
    t0 = time.perf_counter()
    with store.kept_open(engine):  # as a page run keeps the DuckDB file open (no-op on PostgreSQL)
        frame = attribution.channel_credit(engine, start, end, rollup=rollup)
    return time.perf_counter() - t0, frame


def run_backend(args: argparse.Namespace, end: dt.date, pg: str | None) -> bool:
    backend = "PostgreSQL" if pg else "DuckDB"
    leads = args.leads or default_leads(args, end, pg)
    opts = argparse.Namespace(**{**vars(args), "leads": leads, "pg": pg})
    print(f"\n{backend}: the demo and about {leads:,} leads")
    urls = bp._stores(opts, end, ("normal", "large"))
    as_of = end + dt.timedelta(days=1)
    start = as_of - dt.timedelta(days=WINDOW_DAYS - 1)
    best: dict[tuple[str, str], float] = {}
    frames: dict[tuple[str, str], pd.DataFrame] = {}
    for _ in range(args.repeat):
        for label, url in urls.items():
            for path, rollup in (("facts", False), ("rollup", True)):
                seconds, frames[(label, path)] = _timed(url, start, as_of, rollup)
                best[(label, path)] = min(best.get((label, path), math.inf), seconds)
    print(f"channel_credit {start} .. {as_of} ({WINDOW_DAYS} days), best of {args.repeat} ({_load()})")
    print(f"{'store':<8} {'leads':>12} {'facts s':>9} {'rollup s':>9} {'facts/rollup':>13}  read the rollup, same numbers")
    ok = True
    for label, url in urls.items():
        engine = store.get_engine(url)
        n = store.table_counts(engine)["leads"]
        reads = attribution.reads_rollup(engine)
        same = same_numbers(frames[(label, "rollup")], frames[(label, "facts")])
        ok &= reads and same
        facts, rolled = best[(label, "facts")], best[(label, "rollup")]
        print(f"{label:<8} {n:>12,} {facts:>9.3f} {rolled:>9.3f} {facts / rolled:>12.1f}x  "
              f"{'yes' if reads else 'NO'}, {'yes' if same else 'NO'}")
    ratio_facts = best[("large", "facts")] / best[("normal", "facts")]
    ratio = best[("large", "rollup")] / best[("normal", "rollup")]
    ok &= ratio <= args.limit
    print(f"large / demo: facts path {ratio_facts:.2f}, rollup path {ratio:.2f}  {'PASS' if ok else 'FAIL'} "
          f"({backend}, limit {args.limit:g}, {_load()})")
    for url in urls.values():
        store.dispose_engine(url)
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--leads", type=int, default=None,
                        help="leads in the large store (10,000,000 when cached for the backend, else 1,000,000)")
    parser.add_argument("--repeat", type=int, default=3, help="best of N runs (3)")
    parser.add_argument("--limit", type=float, default=2.0, help="largest acceptable ratio large / demo (2.0)")
    parser.add_argument("--end", type=dt.date.fromisoformat, default=None, help="last day of demo data (yesterday)")
    parser.add_argument("--months", type=int, default=18)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--fresh", action="store_true", help="regenerate the cached stores")
    parser.add_argument("--reuse-stale", action="store_true", help="reuse a store an older demo generator made")
    parser.add_argument("--pg", metavar="URL", help="also on PostgreSQL (the stores in schemas of this database)")
    parser.add_argument("--pg-only", action="store_true", help="with --pg: PostgreSQL alone")
    args = parser.parse_args(argv)
    end = args.end or demo.default_end()
    ok = True
    if not args.pg_only:
        ok &= run_backend(args, end, None)
    if args.pg:
        ok &= run_backend(args, end, args.pg)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
