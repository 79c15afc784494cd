"""Screenshots of every page on a demo store, at 1440x900 and 390x844, in English and Chinese.

    .venv/bin/python scripts/screenshots.py [--out /tmp/shots] [--pages standup,team] [--langs zh] [--widths 390]

Makes a demo store in a temporary folder, starts the dashboard on a loopback port (headless Chromium from
$KPI_CHROMIUM or /usr/bin/chromium), waits for each page to settle (tests/browser/waits.py: no fixed sleeps) and
saves full-page PNGs as <out>/<page>_<lang>_<width>.png. Nothing is loaded from outside the machine.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kpi_engine import demo, store  # noqa: E402
from kpi_engine.demo.plans import activate_demo_plans  # noqa: E402
from tests.browser.conftest import CHROMIUM_ARGS, Server, chromium_path  # noqa: E402
from tests.browser.waits import DRAWN, idle, main_text_longer_than  # noqa: E402

SPECS = re.findall(r'\("app_pages/([a-z_]+)\.py", "[a-z_]+", "[^"]+", "([a-z_]+)"\)', (ROOT / "app.py").read_text("utf-8"))
SIZES = {1440: 900, 390: 844}
MONTHS = 13  # a year and more: "vs last year" has numbers
TALL = """() => Math.max(...['stMain', 'stAppViewContainer', 'stMainBlockContainer'].map(
  id => document.querySelector(`[data-testid="${id}"]`)?.scrollHeight || 0)) + 80"""


def _settled(page) -> None:
    """The app idle and every chart and grid drawn (the sidebar is collapsed on a phone: not waited for)."""
    idle(page)
    page.wait_for_function(DRAWN)
    idle(page)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=str(Path(tempfile.gettempdir()) / "shots"))
    ap.add_argument("--pages", default="")
    ap.add_argument("--langs", default="zh,en")
    ap.add_argument("--widths", default="1440,390")
    args = ap.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    wanted = {p for p in args.pages.split(",") if p}
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        url = f"duckdb:///{Path(tmp) / 'demo.duckdb'}"
        engine = store.get_engine(url)
        summary = demo.generate(engine, months=MONTHS, seed=7, end=dt.date(2026, 11, 22))
        activate_demo_plans(engine, summary.end)  # as `init-demo` does: the plans, scorecards and splits have data
        store.dispose_engine(url)
        server = Server(url, Path(tmp) / "streamlit.log")
        try:
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS)
                for width in (int(w) for w in args.widths.split(",")):
                    for lang in args.langs.split(","):
                        ctx = browser.new_context(viewport={"width": width, "height": SIZES.get(width, 900)},
                                                  locale="zh-CN" if lang == "zh" else "en-US")
                        page = ctx.new_page()
                        page.set_default_timeout(90_000)
                        for i, (script, path) in enumerate(SPECS):
                            if wanted and script not in wanted:
                                continue
                            page.goto(f"{server.url}/{'' if i == 0 else path}?lang={lang}&asof=2026-11-23")
                            main_text_longer_than(page, 80)
                            _settled(page)
                            # the page scrolls inside Streamlit's main area: a viewport as tall as its content
                            height = page.evaluate(TALL)
                            page.set_viewport_size({"width": width, "height": max(height, SIZES.get(width, 900))})
                            _settled(page)
                            target = out / f"{script}_{lang}_{width}.png"
                            page.screenshot(path=str(target), full_page=True)
                            page.set_viewport_size({"width": width, "height": SIZES.get(width, 900)})
                            print(target, flush=True)
                        ctx.close()
                browser.close()
        finally:
            server.stop()


if __name__ == "__main__":
    main()
