"""Cached metric queries: results are kept until the data changes (keyed by the store's data version).

An upload or undo bumps the data version, so the next rerun recomputes at once; nothing waits for a TTL.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

import pandas as pd
import streamlit as st

from kpi_engine import store, targets
from kpi_engine.metrics.query import compute as _engine_compute
from ui.db import db_url, version


def _freeze_where(where: Mapping[str, str | Sequence[str]] | None) -> tuple:
    if not where:
        return ()
    return tuple(sorted((k, v if isinstance(v, str) else tuple(v)) for k, v in where.items()))


@st.cache_data(show_spinner=False, max_entries=512)
def _compute(url: str, data_version: str, metrics: tuple[str, ...], by: str | tuple[str, ...] | None,
             grain: str | None, start: dt.date | None, end: dt.date | None, where: tuple) -> pd.DataFrame:
    where_map = {k: (v if isinstance(v, str) else list(v)) for k, v in where}
    return _engine_compute(store.get_engine(url), list(metrics), by=by, grain=grain, start=start, end=end,
                           where=where_map or None)


def compute(metrics: Sequence[str], *, by: str | Sequence[str] | None = None, grain: str | None = None,
            start: dt.date | None = None, end: dt.date | None = None,
            where: Mapping[str, str | Sequence[str]] | None = None) -> pd.DataFrame:
    """``kpi_engine.metrics.query.compute`` on this session's database, cached until the data changes."""
    by_key = by if (by is None or isinstance(by, str)) else tuple(by)
    return _compute(db_url(), version(), tuple(metrics), by_key, grain, start, end, _freeze_where(where)).copy()


@st.cache_data(show_spinner=False, max_entries=256)
def _targets(url: str, data_version: str, metrics: tuple[str, ...], start: dt.date, end: dt.date,
             scope_type: str) -> pd.DataFrame:
    return targets.targets_for(store.get_engine(url), list(metrics), start=start, end=end, scope_type=scope_type)


def targets_for(metrics: Sequence[str], *, start: dt.date, end: dt.date, scope_type: str = "team") -> pd.DataFrame:
    """Pro-rated targets per (scope_id, metric_id) for [start, end], cached until the data changes."""
    return _targets(db_url(), version(), tuple(metrics), start, end, scope_type).copy()
