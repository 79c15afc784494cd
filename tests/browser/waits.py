"""Waiting on the state a browser test needs, never on the clock.

Streamlit marks its root element ``[data-testid="stApp"]`` with ``data-test-script-state`` (``initial``,
``rerunRequested``, ``running``, ``notRunning`` ...) and ``data-test-connection-state``; elements a rerun has not
re-sent yet carry ``data-stale="true"``. The status widget ``stStatusWidget`` only appears half a second into a run,
so its absence alone does not mean the app is idle. A page has settled when the expected element is visible, the
script is not running, nothing is stale, and every chart and grid on screen has drawn. Each wait allows
``TIMEOUT`` ms, so a machine busy with other work still passes; a state that never comes fails with Playwright's
message about what it waited for.
"""

from __future__ import annotations

from typing import Any

TIMEOUT = 60_000  # ms; generous on purpose: the machine may be busy

IDLE = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  return !!app && app.getAttribute('data-test-script-state') === 'notRunning'
    && app.getAttribute('data-test-connection-state') === 'CONNECTED'
    && !document.querySelector('[data-testid="stStatusWidget"]')
    && !document.querySelector('[data-stale="true"]');
}"""

# Charts (vega-embed draws a ``.marks`` canvas or svg) and grids (glide-data-grid's canvas) that are shown: not in a
# closed expander (its content keeps a layout box, so checkVisibility, not getClientRects, tells).
DRAWN = """() => {
  const shown = el => el.checkVisibility ? el.checkVisibility() : el.getClientRects().length > 0;
  const charts = [...document.querySelectorAll('[data-testid="stVegaLiteChart"]')].filter(shown);
  const grids = [...document.querySelectorAll('[data-testid="stDataFrame"]')].filter(shown);
  return !document.querySelector('[data-testid="stSkeleton"]')
    && charts.every(el => { const m = el.querySelector('.marks'); return !!m && m.getBoundingClientRect().width > 0; })
    && grids.every(el => !!el.querySelector('canvas'));
}"""


def idle(page: Any, timeout: int = TIMEOUT) -> None:
    """Wait until the app is connected, its script has finished, and no element is stale."""
    page.wait_for_function(IDLE, timeout=timeout)


def settle(page: Any, *expected: Any, timeout: int = TIMEOUT) -> None:
    """Wait until each ``expected`` locator is visible, the app is idle and its charts and grids have drawn.

    Give the element that only the awaited run shows (a heading, a message, a value): idleness alone can be
    observed before a rerun a click asked for has started.
    """
    page.locator("[data-testid='stSidebar']").wait_for(timeout=timeout)
    for locator in expected:
        locator.wait_for(state="visible", timeout=timeout)
    idle(page, timeout)
    page.wait_for_function(DRAWN, timeout=timeout)
    idle(page, timeout)  # drawing can follow a last rerun (a fragment, a widget's initial value)


def main_text_longer_than(page: Any, chars: int, timeout: int = TIMEOUT) -> None:
    """Wait until the main area shows more than ``chars`` characters of text."""
    page.wait_for_function(
        "n => (document.querySelector('[data-testid=\"stMain\"]')?.innerText || '').trim().length > n",
        arg=chars, timeout=timeout)
