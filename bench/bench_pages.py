"""Page speed with 1,000,000 leads against the normal demo, measured in the same run (issue 3, item 6).

    python bench/bench_pages.py [--leads N] [--repeat N] [--limit 2.0] [--end YYYY-MM-DD] [--seed S] [--fresh]

1. Generates two demo stores (DuckDB files): the normal demo (scale 1, ~1,000 leads a month) and one scaled to
   about --leads leads (default 1,000,000). Both are cached in $TMPDIR/kpi_bench_pages/, keyed by scale, seed,
   months, end date and the demo generator's source, so a second run starts at once (--fresh regenerates).
2. One AppTest of app.py per store (session on that store, ``?asof=`` the day after the demo's end, English), run
   once to warm up. Then for every page of app.py's PAGE_SPECS that exists, --repeat times and the stores taking
   turns: clear Streamlit's data cache (cold cache), switch to the page and time one run. The best time counts.
3. Prints per page the two times, the ratio large / normal and PASS or FAIL against --limit (issue 3: 2.0).

Exit status 0 when every page passes, 1 otherwise (also when a page raises).
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import logging
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402
from streamlit.runtime.pages_manager import PagesManager  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402
from streamlit.testing.v1 import app_test as app_test_module  # noqa: E402

from kpi_engine import demo, store  # noqa: E402
from kpi_engine.demo.plans import activate_demo_plans  # noqa: E402

APP = ROOT / "app.py"
CACHE_DIR = Path(tempfile.gettempdir()) / "kpi_bench_pages"


class _ServerLikePages(PagesManager):
    """Like a real server (and tests/test_app.py): stop re-detecting the legacy pages/ folder after the first run."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        PagesManager.uses_pages_directory = False


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
        digest.update(path.read_bytes())
    return digest.hexdigest()[:8]


def demo_store(scale: float, *, seed: int, months: int, end: dt.date, fresh: bool) -> tuple[str, float, bool]:
    """(URL, seconds, reused) of a cached demo DuckDB file for these parameters, generated when missing."""
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    name = f"demo_scale{scale:.6g}_seed{seed}_m{months}_end{end.isoformat()}_{_generator_hash()}.duckdb"
    path = CACHE_DIR / name
    if path.exists() and not fresh:
        return f"duckdb:///{path}", 0.0, True
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


def time_pages(urls: dict[str, str], pages: list[str], *, as_of: dt.date,
               repeat: int) -> dict[str, dict[str, tuple[float | None, str]]]:
    """{store label: {page: (best seconds of a cold-cache run, error)}}.

    The stores take turns run by run (normal, large, normal, large ...), so a busy moment on a shared machine
    hits both rather than one.
    """
    apps = {label: _app(url, as_of) for label, url in urls.items()}
    out: dict[str, dict[str, tuple[float | None, str]]] = {label: {} for label in urls}
    for page in pages:
        best: dict[str, float | None] = dict.fromkeys(urls)
        errors: dict[str, str] = dict.fromkeys(urls, "")
        for _ in range(repeat):
            for label, at in apps.items():
                if errors[label]:
                    continue
                st.cache_data.clear()
                at.switch_page(page)
                t0 = time.perf_counter()
                at.run()
                seconds = time.perf_counter() - t0
                if at.exception:
                    errors[label] = str(at.exception[0].value).splitlines()[0][:120]
                    best[label] = None
                    continue
                best[label] = seconds if best[label] is None else min(best[label], seconds)
        for label in urls:
            out[label][page] = (best[label], errors[label])
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--leads", type=int, default=1_000_000, help="leads in the large store (1,000,000)")
    parser.add_argument("--repeat", type=int, default=3, help="best of N runs per page (3)")
    parser.add_argument("--limit", type=float, default=2.0, help="largest acceptable ratio large / normal (2.0)")
    parser.add_argument("--end", type=dt.date.fromisoformat, default=None, help="last day of demo data (yesterday)")
    parser.add_argument("--months", type=int, default=18)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--fresh", action="store_true", help="regenerate the cached demo stores")
    args = parser.parse_args(argv)
    app_test_module.PagesManager = _ServerLikePages  # type: ignore[misc]
    logging.disable(logging.WARNING)  # no "missing ScriptRunContext" / "No runtime found" chatter in the figures

    end = args.end or demo.default_end()
    large_scale = demo.scale_for_leads(args.leads, end=end, months=args.months, seed=args.seed)
    stores = {}
    for label, scale in (("normal", 1.0), ("large", large_scale)):
        url, seconds, reused = demo_store(scale, seed=args.seed, months=args.months, end=end, fresh=args.fresh)
        leads = store.table_counts(store.get_engine(url))["leads"]
        how = "cached" if reused else f"generated in {seconds:.1f} s"
        print(f"{label:>6}: {leads:>9,} leads (scale {scale:.4g}, {how}) {url}")
        stores[label] = url

    pages = page_scripts()
    as_of = end + dt.timedelta(days=1)
    print(f"pages: {', '.join(pages)}; as of {as_of} (data through {end}); best of {args.repeat}, cold cache")
    results = time_pages(stores, pages, as_of=as_of, repeat=args.repeat)

    ok = True
    print(f"\n{'page':<22} {'normal s':>9} {'large s':>9} {'ratio':>7}  result (limit {args.limit:g})")
    for page in pages:
        (normal, err_n), (large, err_l) = results["normal"][page], results["large"][page]
        if normal is None or large is None:
            ok = False
            print(f"{page:<22} {'-':>9} {'-':>9} {'-':>7}  FAIL (error: {err_n or err_l})")
            continue
        ratio = large / normal
        passed = ratio <= args.limit
        ok &= passed
        print(f"{page:<22} {normal:>9.3f} {large:>9.3f} {ratio:>7.2f}  {'PASS' if passed else 'FAIL'}")
    for url in stores.values():
        store.dispose_engine(url)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
