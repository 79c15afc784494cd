"""Every benchmark, one after another (never two at once), each printing its ratios with PASS/FAIL.

    python bench/run_all.py [--leads 10000000] [--pg URL] [--only NAME ...] [--reuse-stale]

Runs, as separate processes so that each starts cold and one's memory never counts for another:
ingest (bench_ingest.py, 1M-row CSV vs read_csv), pages (bench_pages.py: the demo vs --leads leads),
pages-demo (bench_pages.py --demo-only: cold and warm seconds, issue 11.9), scorecard (bench_scorecard.py),
memory (bench_pages.py --memory: peak RSS visiting every page at --leads leads), attribution
(bench_attribution.py: the Analytics page's channel credit, facts path and rollup path), and with --pg the pages,
scorecard and attribution benchmarks again on PostgreSQL. Each line the benchmarks print is passed through; a summary with
each benchmark's PASS/FAIL and the load average before and after it ends the run. Exit status 0 when all pass.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent


def _load() -> str:
    return f"{os.getloadavg()[0]:.1f}"


def plan(args: argparse.Namespace) -> list[tuple[str, list[str]]]:
    leads = ["--leads", str(args.leads)]
    stale = ["--reuse-stale"] if args.reuse_stale else []
    runs = [("ingest", ["bench_ingest.py"]),
            ("pages", ["bench_pages.py", *leads, *stale, "--repeat", str(args.repeat)]),
            ("pages-demo", ["bench_pages.py", "--demo-only", *stale, "--repeat", str(args.repeat)]),
            ("scorecard", ["bench_scorecard.py", *leads, *stale, "--repeat", str(args.repeat)]),
            ("memory", ["bench_pages.py", "--memory", *leads, *stale]),
            ("attribution", ["bench_attribution.py", *leads, *stale, "--repeat", str(args.repeat)])]
    if args.pg:
        runs += [("pages-pg", ["bench_pages.py", *leads, "--pg", args.pg, "--repeat", str(args.repeat)]),
                 ("scorecard-pg", ["bench_scorecard.py", *leads, "--pg", args.pg, "--repeat", str(args.repeat)]),
                 ("attribution-pg", ["bench_attribution.py", *leads, "--pg", args.pg, "--pg-only",
                                     "--repeat", str(args.repeat)])]
    return [r for r in runs if not args.only or r[0] in args.only]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--leads", type=int, default=10_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--pg", metavar="URL", help="also run pages and scorecard on this PostgreSQL database")
    parser.add_argument("--only", nargs="*", help="names of the benchmarks to run (default: all)")
    parser.add_argument("--reuse-stale", action="store_true", help="reuse stores an older demo generator made")
    args = parser.parse_args(argv)
    summary = []
    for name, cmd in plan(args):
        before = _load()
        print(f"\n=== {name}: {' '.join(cmd)} (load {before})", flush=True)
        t0 = time.perf_counter()
        code = subprocess.call([sys.executable, str(BENCH / cmd[0]), *cmd[1:]])
        summary.append((name, code, time.perf_counter() - t0, before, _load()))
    print("\n=== summary")
    for name, code, seconds, before, after in summary:
        print(f"{name:<14} {'PASS' if code == 0 else 'FAIL'} ({seconds:.0f} s; load {before} before, {after} after)")
    return 0 if all(code == 0 for _, code, *_ in summary) else 1


if __name__ == "__main__":
    sys.exit(main())
