"""Compare-to, drawn: a scope's KPIs side by side with the previous period and the same period last year.

The windows come from ``kpi_engine.compare`` through the sidebar (:func:`ui.sidebar.comparison`: the same elapsed
days), the values from the same engine call as the KPI cards (``kpi_engine.drill.scope_kpis``), so "This period"
equals the card above it. Which comparisons are shown is the sidebar's "Compare to" choice; the table says which
dates each column covers in its help. Values are text in their unit; a change is relative for counts and amounts
and in points for rates, in a short form (``+3.2 pp`` / ``+3.2pp``) that fits the column at 1440 and 390 px.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd
import streamlit as st

from kpi_engine import compare, fmt
from kpi_engine.metrics import registry
from ui import drill, sidebar
from ui.i18n import lang, tr

GOOD, BAD = "color: #2e7d32", "color: #c62828"
# Column widths in px: the KPI column pinned (a phone scrolls the numbers under it); a change fits "+123.4%" and
# "-12.3pp" in both languages.
WIDTHS = {"kpi": 170, "value": 90, "change": 85}
_SHORT_POINTS = {"en": "{value} pp", "zh": "{value}pp"}


def points(difference: float | None, language: str) -> str:
    """A difference of rates in percentage points, short enough for a table column: ``+3.2 pp`` / ``+3.2pp``."""
    if fmt.no_value(difference):
        return fmt.NO_VALUE
    text = fmt.number(round(float(difference) * 100, 1), 1, language, signed=True)  # type: ignore[arg-type]
    return _SHORT_POINTS.get(language, _SHORT_POINTS["en"]).format(value=text)


def change_text(change: float | None, unit: str, language: str) -> str:
    """A change from ``kpi_engine.compare.change`` as text: points for a rate, a signed percent otherwise."""
    if change is None:
        return fmt.NO_VALUE
    return points(change, language) if unit == "ratio" else fmt.change(change, language)


def _good(change: float | None, direction: str) -> str:
    if change is None or change == 0:
        return ""
    return GOOD if (change > 0) == (direction == "higher") else BAD


def _values(scope_type: str, scope_id: str, window: compare.Window | None, metrics: Sequence[str],
            where: Mapping[str, str] | None) -> dict[str, float | None]:
    if window is None:
        return {}
    frame = drill.cached("scope_kpis", scope_type, scope_id, window[0], window[1], tuple(metrics), where=where)
    return {str(r.metric_id): (None if fmt.no_value(r.actual) else float(r.actual)) for r in frame.itertuples()}


def frame(scope_type: str, scope_id: str, metrics: Sequence[str], where: Mapping[str, str] | None,
          c: compare.Comparison, kinds: Sequence[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(table of texts, its cell styles): one row per metric, this period then each comparison's value and change."""
    now = _values(scope_type, scope_id, c.current, metrics, where)
    refs = {k: _values(scope_type, scope_id, c.window(k), metrics, where) for k in kinds}
    rows, styles = [], []
    for mid in metrics:
        m = registry.get(mid)
        row = {"kpi": m.name(lang()), "this": fmt.value(now.get(mid), m.unit, lang())}
        css = {"kpi": "", "this": ""}
        for k in kinds:
            ref = refs[k].get(mid)
            ch = compare.change(now.get(mid), ref, m.unit)
            row[k], row[f"vs_{k}"] = fmt.value(ref, m.unit, lang()), change_text(ch, m.unit, lang())
            css[k], css[f"vs_{k}"] = "", _good(ch, m.direction)
        rows.append(row)
        styles.append(css)
    columns = ["kpi", "this", *[c for k in kinds for c in (k, f"vs_{k}")]]
    return pd.DataFrame(rows, columns=columns), pd.DataFrame(styles, columns=columns)


def _window_text(window: compare.Window | None) -> tuple[str, str]:
    return (window[0].isoformat(), window[1].isoformat()) if window else (fmt.NO_VALUE, fmt.NO_VALUE)


def column_config(c: compare.Comparison, kinds: Sequence[str]) -> dict[str, object]:
    cc = st.column_config
    start, end = _window_text(c.current)
    cfg: dict[str, object] = {
        "kpi": cc.TextColumn(tr("cmp_col_kpi"), pinned=True, width=WIDTHS["kpi"]),
        "this": cc.TextColumn(tr("cmp_col_this"), help=tr("cmp_this_help", start=start, end=end),
                              width=WIDTHS["value"]),
    }
    for k in kinds:
        start, end = _window_text(c.window(k))
        what = tr(f"cmp_col_{k}")
        cfg[k] = cc.TextColumn(what, help=tr("cmp_col_window_help", what=what, start=start, end=end),
                               width=WIDTHS["value"])
        cfg[f"vs_{k}"] = cc.TextColumn(tr(f"cmp_col_vs_{k}"), width=WIDTHS["change"],
                                       help=tr("cmp_col_change_help", what=what, start=start, end=end))
    return cfg


def render(scope_type: str, scope_id: str, metrics: Sequence[str], *, where: Mapping[str, str] | None = None,
           key: str) -> None:
    """The comparison table of ``metrics`` for one scope (nothing when the sidebar's choice is "None")."""
    kinds = sidebar.compare_kinds()
    if not kinds or not metrics:
        return
    c = sidebar.comparison()
    if c.current is None:
        st.caption(tr("cmp_not_begun"))
        return
    table, css = frame(scope_type, scope_id, metrics, where, c, kinds)
    styled = table.style.apply(lambda _: css, axis=None)
    with st.container(key=key):  # the key names the table for tests and styling (class st-key-<key>)
        st.dataframe(styled, hide_index=True, width="stretch", column_config=column_config(c, kinds),
                     height=35 * (len(table) + 1) + 3)
