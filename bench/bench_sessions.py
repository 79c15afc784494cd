"""Many users at once (issue 12.5): 20 browser sessions load pages while the command line uploads a file.

    python bench/bench_sessions.py [--sessions 20] [--rounds 1] [--rows 50000] [--workdir DIR]

1. A demo store (DuckDB file, 3 months) and a lead export of --rows new leads (ids ``BL…``, unknown to the store).
2. The real server (``streamlit run app.py`` on 127.0.0.1, the test helper's), and --sessions headless Chromium
   sessions, each opening the Standup, Channels, Team, Scorecards and Reviews pages --rounds times; a page counts
   as loaded when the script has finished, nothing is stale and its charts and grids are drawn.
3. Once every session has loaded its first page, ``python -m kpi_engine ingest FILE --db URL`` runs as a separate
   process against the same file, the way a cron job does.
4. Checks: no page shows an exception, an error id, "the database is busy" or "not allowed"; the upload exits 0 and
   the store holds exactly the leads it held before plus --rows (each ``BL…`` id once).

Prints the figures (page loads, page times p50/p95/max, the upload's wall time and its inserted count, rows before
and after) and exits 0 when every check holds, 1 otherwise. Needs Chromium (as the browser tests: $KPI_CHROMIUM or
``chromium`` on the PATH) and Playwright.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.bench_ingest import make_leads_csv  # noqa: E402
from kpi_engine import demo, store  # noqa: E402
from kpi_engine.demo.plans import activate_demo_plans  # noqa: E402
from tests.browser.conftest import CHROMIUM_ARGS, Server, chromium_path  # noqa: E402
from tests.browser.waits import DRAWN, IDLE  # noqa: E402

PAGES = ("", "channels", "team", "scorecards", "reviews")  # "" is the default page (Standup)
END = dt.date(2026, 11, 22)
QUERY = f"lang=en&asof={END + dt.timedelta(days=1)}"
BAD = ("Error id", "database is busy", "Not allowed", "Traceback")
TIMEOUT_MS = 300_000  # one page on a 2-core machine shared by 20 sessions and an upload


@dataclass
class Figures:
    loads: list[float] = field(default_factory=list)  # seconds per page load
    errors: list[str] = field(default_factory=list)
    first_loaded: int = 0


def leads_in(url: str) -> tuple[int, int]:
    """(all leads, distinct BL… leads) read straight from the file once the server has stopped."""
    con = duckdb.connect(url.removeprefix("duckdb:///"), read_only=True)
    try:
        row = con.execute("SELECT count(*), count(DISTINCT lead_id) FILTER (WHERE lead_id LIKE 'BL%') "
                          "FROM leads").fetchone()
    finally:
        con.close()
    return int(row[0]), int(row[1])


def make_upload(workdir: Path, rows: int) -> Path:
    """A lead export of ``rows`` leads the demo store does not have (the importer bench's generator, ids BL…)."""
    raw, path = workdir / "raw.csv", workdir / "new_leads.csv"
    make_leads_csv(raw, rows)
    con = duckdb.connect()
    try:
        # paths travel as arguments of DuckDB's relation API, never inside SQL text
        leads = con.read_csv(str(raw), all_varchar=True)
        leads.project("'B' || lead_id AS lead_id, * EXCLUDE (lead_id)").write_csv(str(path), header=True, sep=",")
    finally:
        con.close()
    raw.unlink()
    return path


async def session(browser, base: str, n: int, rounds: int, figures: Figures, first: asyncio.Event,
                  sessions: int) -> None:
    context = await browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    page = await context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    try:
        for r in range(rounds):
            for i, path in enumerate(PAGES):
                where = f"session {n} round {r} /{path}"
                t0 = time.perf_counter()
                try:
                    await page.goto(f"{base}/{path}?{QUERY}")
                    await page.locator("[data-testid='stSidebar']").wait_for()
                    await page.wait_for_function(
                        "n => (document.querySelector('[data-testid=\"stMain\"]')?.innerText || '').length > n", arg=80)
                    await page.wait_for_function(IDLE)
                    await page.wait_for_function(DRAWN)
                    await page.wait_for_function(IDLE)
                except Exception as exc:  # a page that never settles is an error of the run, reported below
                    figures.errors.append(f"{where}: did not load ({type(exc).__name__}: {str(exc)[:200]})")
                    continue
                figures.loads.append(time.perf_counter() - t0)
                text = await page.locator("[data-testid='stMain']").inner_text()
                if await page.locator("[data-testid='stException']").count():
                    figures.errors.append(f"{where}: exception shown")
                figures.errors.extend(f"{where}: shows {bad!r}" for bad in BAD if bad in text)
                if r == 0 and i == 0:
                    figures.first_loaded += 1
                    if figures.first_loaded == sessions:
                        first.set()
    finally:
        await context.close()


async def upload(url: str, csv: Path, first: asyncio.Event) -> tuple[float, subprocess.CompletedProcess[str]]:
    await first.wait()  # every session is in; the upload runs while they keep loading pages
    t0 = time.perf_counter()
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "kpi_engine", "ingest", str(csv), "--db", url, "--table", "leads", "--format", "json",
        cwd=ROOT, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await proc.communicate()
    done = subprocess.CompletedProcess(["ingest"], proc.returncode or 0, out.decode(), err.decode())
    return time.perf_counter() - t0, done


async def run(base: str, url: str, csv: Path, sessions: int, rounds: int) -> tuple[Figures, float, object, float]:
    from playwright.async_api import async_playwright

    figures, first = Figures(), asyncio.Event()
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS)
        t0 = time.perf_counter()
        try:
            results = await asyncio.gather(
                upload(url, csv, first),
                *(session(browser, base, n, rounds, figures, first, sessions) for n in range(sessions)))
        finally:
            await browser.close()
        wall = time.perf_counter() - t0
    upload_seconds, done = results[0]
    return figures, upload_seconds, done, wall


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))] if ordered else float("nan")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sessions", type=int, default=20)
    ap.add_argument("--rounds", type=int, default=1, help="times each session opens the five pages")
    ap.add_argument("--rows", type=int, default=50_000, help="leads in the uploaded file")
    ap.add_argument("--workdir", type=Path, help="keep the store, the file and the server log here")
    args = ap.parse_args(argv)

    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="kpi_bench_sessions_"))
    workdir.mkdir(parents=True, exist_ok=True)
    url = f"duckdb:///{workdir / 'kpi.duckdb'}"
    engine = store.get_engine(url)
    demo.generate(engine, months=3, seed=7, end=END)
    activate_demo_plans(engine, END)  # as init-demo does: Scorecards and Reviews score a plan
    store.dispose_engine(url)
    csv = make_upload(workdir, args.rows)
    before, _ = leads_in(url)

    server = Server(url, workdir / "streamlit.log")  # 127.0.0.1, every session the demo admin (sees every page)
    try:
        figures, upload_s, done, wall = asyncio.run(run(server.url, url, csv, args.sessions, args.rounds))
    finally:
        server.stop()
    after, new_ids = leads_in(url)

    expected = args.sessions * args.rounds * len(PAGES)
    print(f"sessions {args.sessions} x {args.rounds} rounds x {len(PAGES)} pages = {expected} page loads "
          f"({len(figures.loads)} loaded) in {wall:.1f} s wall")
    if figures.loads:
        print(f"page load s: p50 {statistics.median(figures.loads):.2f}  p95 {pct(figures.loads, 0.95):.2f}  "
              f"max {max(figures.loads):.2f}")
    print(f"upload: {args.rows} leads, exit {done.returncode}, {upload_s:.1f} s wall (sessions loading meanwhile)")
    print(f"leads before {before}, after {after}, expected {before + args.rows}; new ids present {new_ids}")
    problems = list(figures.errors)
    if done.returncode != 0:
        problems.append(f"upload exited {done.returncode}: {(done.stderr or done.stdout)[-500:]}")
    if after != before + args.rows or new_ids != args.rows:
        problems.append(f"rows lost or doubled: {after - before} new leads, {new_ids} BL ids, expected {args.rows}")
    if len(figures.loads) != expected:
        problems.append(f"{expected - len(figures.loads)} page loads missing")
    for p in problems[:30]:
        print("ERROR", p)
    print(f"{'PASS' if not problems else 'FAIL'}: {len(problems)} error(s); store and log in {workdir}")
    return 0 if not problems else 1


if __name__ == "__main__":
    sys.exit(main())
