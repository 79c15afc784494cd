"""Names for ids on the pages (issue 11, point 3: people, channels, campaigns and scopes by name, never an id).

The lookups are the engine's (``kpi_engine.push.names``: keyed queries with bound values), cached per data version.
"""

from __future__ import annotations

from collections.abc import Iterable

import streamlit as st

from kpi_engine import store
from kpi_engine.plans.templates import display_name
from kpi_engine.push import names as engine_names
from ui.db import db_url, version
from ui.i18n import lang, tr


@st.cache_data(show_spinner=False, max_entries=64)
def _scopes(url: str, data_version: str, scopes: tuple[str, ...], language: str) -> dict[str, str]:
    return engine_names.scope_labels(store.get_engine(url), scopes, language)


@st.cache_data(show_spinner=False, max_entries=64)
def _names(url: str, data_version: str, kind: str, ids: tuple[str, ...]) -> dict[str, str]:
    return engine_names.names(store.get_engine(url), kind, ids)


def scope_labels(scopes: Iterable[str]) -> dict[str, str]:
    """``{"channel:douyin_video": "抖音短视频", "team": "Team", ...}`` in the page's language."""
    wanted = tuple(sorted({str(s) for s in scopes if s}))
    return _scopes(db_url(), version(), wanted, lang()) if wanted else {}


def scope_label(scope_type: str, scope_id: str = "") -> str:
    """One scope by name (the team, or the name of the person, channel or campaign)."""
    key = f"{scope_type}:{scope_id}" if scope_id else scope_type
    return scope_labels([key]).get(key, key)


def people(ids: Iterable[str]) -> dict[str, str]:
    """``{person_id: name}`` of the people found (an id without a row has no entry)."""
    wanted = tuple(sorted({str(i) for i in ids if i}))
    return _names(db_url(), version(), "person", wanted) if wanted else {}


def person(pid: object) -> str:
    """A person's name; "—" for none (None, "", NaN); the id only when the store has no such person."""
    if pid is None or pid != pid or not str(pid).strip():
        return "—"
    return people([str(pid)]).get(str(pid), str(pid))


def plan_name(name: str, period: str) -> str:
    """A plan's name in the page's language: a default one ("Team plan 2026-11") translated, any other as given."""
    return display_name(name, period, lang())


def plan_label(name: str, period: str, status: str) -> str:
    """A plan in a picker: its name, the period when the name does not already say it, its status."""
    shown = plan_name(name, period)
    parts = [shown] if period and period in shown else [shown, period]
    return " · ".join([*parts, tr(f"plans_status_{status}")])
