"""Page speed: the demo against a large store (issues 3.6 and 14.2), or the demo alone (issue 11.9).

    python bench/bench_pages.py [--leads N] [--repeat N] [--limit 2.0] [--end YYYY-MM-DD] [--seed S] [--fresh]
    python bench/bench_pages.py --demo-only [--cold-limit 2.0] [--warm-limit 0.5]
    python bench/bench_pages.py --leads 10000000 --url postgresql+psycopg://...   (the large store on PostgreSQL)

1. Generates two demo stores (DuckDB files): the normal demo (scale 1, ~1,000 leads a month) and one scaled to
   about --leads leads (default 1,000,000). Both are cached in $TMPDIR/kpi_bench_pages/, keyed by scale, seed,
   months, end date and the demo generator's source, so a second run starts at once (--fresh regenerates).
2. One AppTest of app.py per store (session on that store, ``?asof=`` the day after the demo's end, English), run
   once to warm up. Then for every page of app.py's PAGE_SPECS that exists, --repeat times and the stores taking
   turns: clear Streamlit's data cache (cold cache), switch to the page and time one run. The best time counts.
3. Prints per page the two times, the ratio large / normal and PASS or FAIL against --limit (issue 3: 2.0).

--demo-only: each page's cold run (data cache cleared) and warm run (the same page again) on the demo, in
seconds and as a ratio to a minimal page (one st.write) timed the same way in the same run; PASS when cold
<= --cold-limit and warm <= --warm-limit seconds (issue 11.9: 2 s and 0.5 s).

--sql: after the table, per page and store, the statements its last cold run sent (SQLAlchemy's cursor events),
their seconds in all and the slowest one: where a page's time goes on a large store (issue 14.5).

Every line of figures carries the load average, as the machine is shared. Exit status 0 when every page passes,
1 otherwise (also when a page raises).
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import logging
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402

from kpi_engine import demo, store  # noqa: E402
from kpi_engine.demo.plans import activate_demo_plans  # noqa: E402

APP = ROOT / "app.py"
CACHE_DIR = Path(tempfile.gettempdir()) / "kpi_bench_pages"



def page_scripts() -> list[str]:
    """app.py's pages that exist, in menu order (read from PAGE_SPECS without running Streamlit)."""
    import ast

    tree = ast.parse(APP.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "PAGE_SPECS" for t in node.targets):
            specs = ast.literal_eval(node.value)
            return [s[0] for s in specs if (ROOT / s[0]).exists()]
    raise SystemExit("PAGE_SPECS not found in app.py")


def _generator_hash() -> str:
    digest = hashlib.sha1(b"with-plans")
    for path in sorted((ROOT / "kpi_engine" / "demo").glob("*.py")):
        if path.name != "load.py":  # how rows are written (and rollups rebuilt) is not what they are
            digest.update(path.read_bytes())
    return digest.hexdigest()[:8]


def load() -> str:
    """The 1-minute load average, quoted next to every figure (the machine is shared)."""
    return f"load {os.getloadavg()[0]:.1f}"


def _stem(scale: float, *, seed: int, months: int, end: dt.date) -> str:
    return f"demo_scale{scale:.6g}_seed{seed}_m{months}_end{end.isoformat()}"


def cached_duckdb(scale: float, *, seed: int, months: int, end: dt.date) -> Path:
    """Where :func:`demo_store` keeps the DuckDB file for these parameters (it may not exist yet)."""
    return CACHE_DIR / f"{_stem(scale, seed=seed, months=months, end=end)}_{_generator_hash()}.duckdb"


def pg_schema(scale: float, *, seed: int, months: int, end: dt.date) -> str:
    """The schema :func:`pg_store` makes for these parameters (a hex digest, never user text)."""
    return f"bench_{hashlib.sha256(f'{scale:.6g}-{seed}-{months}-{end}'.encode()).hexdigest()[:10]}"


def demo_store(scale: float, *, seed: int, months: int, end: dt.date, fresh: bool,
               reuse_stale: bool = False) -> tuple[str, float, bool]:
    """(URL, seconds, reused) of a cached demo DuckDB file for these parameters, generated when missing.

    ``reuse_stale``: a store made by an older version of the generator (same parameters) is reused, not
    regenerated (a 10M store takes minutes); its rollups are rebuilt on opening if their declaration changed.
    """
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    stem = _stem(scale, seed=seed, months=months, end=end)
    path = cached_duckdb(scale, seed=seed, months=months, end=end)
    if path.exists() and not fresh:
        return f"duckdb:///{path}", 0.0, True
    older = sorted(CACHE_DIR.glob(f"{stem}_*.duckdb"), key=lambda p: p.stat().st_mtime)
    if older and reuse_stale and not fresh:
        print(f"  (reusing {older[-1].name}: made by an earlier version of the demo generator)")
        return f"duckdb:///{older[-1]}", 0.0, True
    partial = path.with_suffix(".partial")
    for stale in (path, partial, Path(f"{partial}.wal"), Path(f"{path}.wal")):
        stale.unlink(missing_ok=True)
    t0 = time.perf_counter()
    url = f"duckdb:///{partial}"
    engine = store.get_engine(url)
    demo.generate(engine, months=months, seed=seed, scale=scale, end=end)
    activate_demo_plans(engine, end)  # as init-demo does: Reviews and Scorecards score a plan
    store.dispose_engine(url)
    os.replace(partial, path)  # only a complete store is ever reused
    return f"duckdb:///{path}", time.perf_counter() - t0, False


def _app(url: str, as_of: dt.date) -> AppTest:
    """An AppTest of app.py on ``url`` (English, ``?asof=``), run once to warm up (imports, engine, app shell)."""
    at = AppTest.from_file(str(APP), default_timeout=600)
    at.session_state["db_url"] = url
    at.query_params = {"asof": as_of.isoformat(), "lang": "en"}
    at.run()
    return at


Timing = tuple[float | None, float | None, str]  # best cold seconds, best warm seconds, error


class SqlLog:
    """Every statement any engine sends while ``on``, with its seconds (SQLAlchemy's cursor events): --sql."""

    def __init__(self) -> None:
        self.on = False
        self.rows: list[tuple[float, str]] = []
        self.pages: dict[tuple[str, str], tuple[int, float, float, str]] = {}  # (store, page) -> n, s, slowest
        import sqlalchemy as sa

        sa.event.listen(sa.engine.Engine, "before_cursor_execute", self._before)
        sa.event.listen(sa.engine.Engine, "after_cursor_execute", self._after)

    def _before(self, conn, _cursor, _statement, _parameters, _context, _many) -> None:
        conn.info.setdefault("bench_t0", []).append(time.perf_counter())

    def _after(self, conn, _cursor, statement, _parameters, _context, _many) -> None:
        seconds = time.perf_counter() - conn.info["bench_t0"].pop()
        if self.on:
            self.rows.append((seconds, " ".join(statement.split())))

    def keep(self, label: str, page: str) -> None:
        slow = max(self.rows, default=(0.0, ""))
        self.pages[(label, page)] = (len(self.rows), sum(t for t, _ in self.rows), slow[0], slow[1])
        self.rows.clear()

    def report(self, pages: list[str], labels: list[str]) -> None:
        print("\nSQL of each page's last cold run: statements, seconds in SQL, the slowest statement")
        for page in pages:
            for label in labels:
                if (label, page) in self.pages:
                    n, total, slow, text = self.pages[(label, page)]
                    print(f"{page:<22} {label:>6}: {n:>4} statements {total:>7.3f} s; slowest {slow:.3f} s {text[:150]}")


def _best(a: float | None, b: float) -> float:
    return b if a is None else min(a, b)


def time_pages(urls: dict[str, str], pages: list[str], *, as_of: dt.date,
               repeat: int, sql: SqlLog | None = None) -> dict[str, dict[str, Timing]]:
    """{store label: {page: (best cold seconds, best warm seconds, error)}}.

    Cold: Streamlit's data cache cleared, then one run of the page; warm: the same page run again at once.
    The stores take turns run by run (normal, large, normal, large ...), so a busy moment on a shared machine
    hits both rather than one.
    """
    apps = {label: _app(url, as_of) for label, url in urls.items()}
    out: dict[str, dict[str, Timing]] = {label: {} for label in urls}
    for page in pages:
        cold: dict[str, float | None] = dict.fromkeys(urls)
        warm: dict[str, float | None] = dict.fromkeys(urls)
        errors: dict[str, str] = dict.fromkeys(urls, "")
        for _ in range(repeat):
            for label, at in apps.items():
                if errors[label]:
                    continue
                st.cache_data.clear()
                at.switch_page(page)
                for kind in ("cold", "warm"):
                    if sql is not None:
                        sql.on = kind == "cold"
                    t0 = time.perf_counter()
                    at.run()
                    seconds = time.perf_counter() - t0
                    if sql is not None and kind == "cold":
                        sql.on = False
                        sql.keep(label, page)
                    if at.exception:
                        errors[label] = str(at.exception[0].value).splitlines()[0][:120]
                        break
                    if any(t.value in ("Sign in", "登录") for t in at.title):
                        errors[label] = "the sign-in form, not the page"
                        break
                    if kind == "cold":
                        cold[label] = _best(cold[label], seconds)
                    else:
                        warm[label] = _best(warm[label], seconds)
        for label in urls:
            out[label][page] = (None, None, errors[label]) if errors[label] else (cold[label], warm[label], "")
    return out


MINIMAL_PAGE = "import streamlit as st\nst.write('ok')\n"


def time_minimal(repeat: int) -> tuple[float, float]:
    """(best cold, best warm) seconds of a page that only writes one line: Streamlit's own cost per run."""
    at = AppTest.from_string(MINIMAL_PAGE, default_timeout=60)
    at.run()
    cold = warm = None
    for _ in range(repeat):
        st.cache_data.clear()
        t0 = time.perf_counter()
        at.run()
        cold = _best(cold, time.perf_counter() - t0)
        t0 = time.perf_counter()
        at.run()
        warm = _best(warm, time.perf_counter() - t0)
    assert cold is not None and warm is not None
    return cold, warm


def pg_store(base: str, scale: float, *, seed: int, months: int, end: dt.date, fresh: bool) -> tuple[str, float, bool]:
    """(URL, seconds, reused) of the same demo in its own schema of the PostgreSQL database at ``base``."""
    import sqlalchemy as sa

    name = pg_schema(scale, seed=seed, months=months, end=end)
    url = f"{base}{'&' if '?' in base else '?'}options=-csearch_path%3D{name}"
    admin = sa.create_engine(base)
    with admin.begin() as conn:
        found = conn.execute(sa.text("SELECT 1 FROM information_schema.tables WHERE table_schema = :s "
                                     "AND table_name = 'bench_done'"), {"s": name}).first()
        if found and not fresh:
            return url, 0.0, True
        conn.execute(sa.text(f'DROP SCHEMA IF EXISTS "{name}" CASCADE'))  # name: a hex digest, never user text
        conn.execute(sa.text(f'CREATE SCHEMA "{name}"'))
    t0 = time.perf_counter()
    engine = store.get_engine(url)
    demo.generate(engine, months=months, seed=seed, scale=scale, end=end)
    activate_demo_plans(engine, end)
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE bench_done (ok INTEGER)"))  # only a complete store is reused
    admin.dispose()
    return url, time.perf_counter() - t0, False


def _stores(args: argparse.Namespace, end: dt.date, labels: tuple[str, ...]) -> dict[str, str]:
    scales = {"normal": 1.0, "large": demo.scale_for_leads(args.leads, end=end, months=args.months, seed=args.seed)}
    out = {}
    for label in labels:
        scale = scales[label]
        if args.pg:
            url, seconds, reused = pg_store(args.pg, scale, seed=args.seed, months=args.months, end=end, fresh=args.fresh)
        else:
            url, seconds, reused = demo_store(scale, seed=args.seed, months=args.months, end=end, fresh=args.fresh,
                                              reuse_stale=args.reuse_stale)
        t0 = time.perf_counter()
        leads = store.table_counts(store.get_engine(url))["leads"]  # opening brings schema and rollups up to date
        how = "cached" if reused else f"generated in {seconds:.1f} s"
        print(f"{label:>6}: {leads:>10,} leads (scale {scale:.4g}, {how}, opened in {time.perf_counter() - t0:.1f} s) "
              f"{url.split('?')[0] if args.pg else url}")
        out[label] = url
    return out


def _verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def demo_only(args: argparse.Namespace, end: dt.date) -> int:
    """Issue 11.9: each page cold and warm on the demo, against a minimal page, in seconds and as ratios."""
    stores = _stores(args, end, ("normal",))
    pages = page_scripts()
    as_of = end + dt.timedelta(days=1)
    min_cold, min_warm = time_minimal(args.repeat)
    results = time_pages(stores, pages, as_of=as_of, repeat=args.repeat)["normal"]
    print(f"\nminimal page: cold {min_cold:.3f} s, warm {min_warm:.3f} s ({load()})")
    print(f"{'page':<22} {'cold s':>7} {'x min':>6} {'warm s':>7} {'x min':>6}  result (cold <= {args.cold_limit:g} s, "
          f"warm <= {args.warm_limit:g} s)")
    ok = True
    for page in pages:
        cold, warm, err = results[page]
        if cold is None or warm is None:
            ok = False
            print(f"{page:<22} {'-':>7} {'-':>6} {'-':>7} {'-':>6}  FAIL (error: {err})")
            continue
        passed = cold <= args.cold_limit and warm <= args.warm_limit
        ok &= passed
        print(f"{page:<22} {cold:>7.3f} {cold / min_cold:>6.1f} {warm:>7.3f} {warm / min_warm:>6.1f}  "
              f"{_verdict(passed)} ({load()})")
    return 0 if ok else 1


def memory(args: argparse.Namespace, end: dt.date) -> int:
    """Issue 14.4: peak RSS of this process (the app's, through AppTest) after visiting every page on the large store."""
    stores = _stores(args, end, ("large",))
    pages = page_scripts()
    results = time_pages(stores, pages, as_of=end + dt.timedelta(days=1), repeat=1)["large"]
    errors = [f"{p}: {e}" for p, (_c, _w, e) in results.items() if e]
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kilobytes
    passed = not errors and peak_mb <= args.rss_limit_mb
    print(f"\npeak RSS after {len(pages)} pages at {args.leads:,} leads: {peak_mb:,.0f} MB "
          f"(limit {args.rss_limit_mb:,.0f} MB) {_verdict(passed)} ({load()})" + (f"; errors: {errors}" if errors else ""))
    return 0 if passed else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--leads", type=int, default=1_000_000, help="leads in the large store (1,000,000)")
    parser.add_argument("--repeat", type=int, default=3, help="best of N runs per page (3)")
    parser.add_argument("--limit", type=float, default=2.0, help="largest acceptable ratio large / normal (2.0)")
    parser.add_argument("--end", type=dt.date.fromisoformat, default=None, help="last day of demo data (yesterday)")
    parser.add_argument("--months", type=int, default=18)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--fresh", action="store_true", help="regenerate the cached demo stores")
    parser.add_argument("--reuse-stale", action="store_true", help="reuse a store an older demo generator made")
    parser.add_argument("--pg", metavar="URL", help="both stores in schemas of this PostgreSQL database")
    parser.add_argument("--demo-only", action="store_true", help="issue 11.9: the demo alone, cold and warm")
    parser.add_argument("--cold-limit", type=float, default=2.0, help="--demo-only: cold seconds (2.0)")
    parser.add_argument("--warm-limit", type=float, default=0.5, help="--demo-only: warm seconds (0.5)")
    parser.add_argument("--memory", action="store_true", help="issue 14.4: peak RSS visiting every page, large store")
    parser.add_argument("--rss-limit-mb", type=float, default=1536.0, help="--memory: limit in MB (1536 = 1.5 GB)")
    parser.add_argument("--sql", action="store_true", help="per page: statements, seconds in SQL, the slowest")
    args = parser.parse_args(argv)
    os.environ["KPI_DEMO_LOGIN"] = "1"  # signed in as the demo admin, as the page tests are (else: the sign-in form)
    os.environ["KPI_RAISE_ERRORS"] = "1"  # a failing page raises (counted as an error), never an error id
    logging.disable(logging.WARNING)  # no "missing ScriptRunContext" / "No runtime found" chatter in the figures

    end = args.end or demo.default_end()
    if args.demo_only:
        return demo_only(args, end)
    if args.memory:
        return memory(args, end)
    stores = _stores(args, end, ("normal", "large"))
    pages = page_scripts()
    as_of = end + dt.timedelta(days=1)
    print(f"pages: {', '.join(pages)}; as of {as_of} (data through {end}); best of {args.repeat}, cold cache")
    sql = SqlLog() if args.sql else None
    results = time_pages(stores, pages, as_of=as_of, repeat=args.repeat, sql=sql)

    ok = True
    backend = "PostgreSQL" if args.pg else "DuckDB"
    print(f"\n{'page':<22} {'normal s':>9} {'large s':>9} {'ratio':>7}  result ({backend}, limit {args.limit:g})")
    for page in pages:
        (normal, _wn, err_n), (large, _wl, err_l) = results["normal"][page], results["large"][page]
        if normal is None or large is None:
            ok = False
            print(f"{page:<22} {'-':>9} {'-':>9} {'-':>7}  FAIL (error: {err_n or err_l})")
            continue
        ratio = large / normal
        passed = ratio <= args.limit
        ok &= passed
        print(f"{page:<22} {normal:>9.3f} {large:>9.3f} {ratio:>7.2f}  {_verdict(passed)} ({load()})")
    if sql is not None:
        sql.report(pages, list(stores))
    for url in stores.values():
        store.dispose_engine(url)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
