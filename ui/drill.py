"""Shared building blocks of the Channels and Team & people pages.

- View state in the URL (``channel``, ``campaign``, ``person``, ``asof``, ``grain``, ``metric``) through
  ``ui.state``; the as-of date defaults to today and clips the sidebar's period.
- Row ids and names for pickers and headings (the ranked tables with selection are in ``ui.ranked``), the
  KPI cards and the metric definitions (the scope detail and the leads list are in ``ui.drill_detail``).

Engine calls go through :func:`cached`, keyed by the database's data version (an upload shows at once).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
import streamlit as st

from kpi_engine import drill, store
from kpi_engine.i18n import catalog
from kpi_engine.metrics import funnel, registry
from kpi_engine.plans import scorecard_tables as plan_report
from ui import auth, db, numbers, state
from ui.cards import forecast_help, scope_forecasts
from ui.i18n import lang, tr
from ui.sidebar import current_period

CHANNEL, CAMPAIGN, PERSON, ASOF, GRAIN, METRIC = "channel", "campaign", "person", "asof", "grain", "metric"
# A ranked table's secondary columns (each kind's "More columns" toggle, kept in the URL as ``channel_cols=1``): the
# table without them fits a 1440 px screen in both languages, its name column pinned.
SECONDARY: dict[str, tuple[str, ...]] = {
    "channel": ("owner_name", "mqls", "sqls", "wins", "revenue"),
    "campaign": ("mqls", "sqls", "wins", "revenue"),
    "person": ("role", "team", "mqls", "sqls"),
}
MORE = {kind: f"{kind}_cols" for kind in SECONDARY}
URL_KEYS = (CHANNEL, CAMPAIGN, PERSON, ASOF, GRAIN, METRIC, *MORE.values())
CHILDREN = {CHANNEL: (CAMPAIGN,)}
NONE_ID = "-"  # UI id of facts without the key (engine: ""), e.g. a channel's leads without a campaign
LEADS_PER_PAGE = 50
RANK = drill.RANK_METRIC

_FUNCS = {"channel_overview": drill.channel_overview, "campaign_overview": drill.campaign_overview,
          "person_overview": drill.person_overview, "scope_kpis": drill.scope_kpis, "trend": drill.trend,
          "costs": drill.costs, "funnel": funnel.funnel, "leads_page": funnel.leads_page,
          "people_scores": plan_report.people_scores}


@dataclass(frozen=True)
class View:
    """The days a page looks at: the sidebar's period up to the as-of date."""

    start: dt.date
    end: dt.date
    as_of: dt.date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


# --- state --------------------------------------------------------------------------------------------------


def _parse_id(raw: str) -> str:
    value = raw.strip()
    if len(value) > 200:
        raise ValueError("id too long")
    return value


def init_state() -> None:
    """Read this area's view state from the URL once per session."""
    for name in (CHANNEL, CAMPAIGN, PERSON):
        state.url_state(name, "", _parse_id)
    state.url_state(ASOF, None, state.parse_date, state.dump_date)
    state.url_state(GRAIN, "week", state.choice(drill.TREND_GRAINS))
    state.url_state(METRIC, "leads", state.choice(drill.TREND_METRICS))
    for key in MORE.values():
        state.url_state(key, False, _parse_flag, _dump_flag)


def _parse_flag(raw: str) -> bool:
    if raw not in ("1", "0"):
        raise ValueError(f"not a flag: {raw!r}")
    return raw == "1"


def _dump_flag(value: Any) -> str | None:
    return "1" if value is True else None


def sync() -> None:
    """Write this area's state into the address bar (call last on the page)."""
    state.sync_url(list(URL_KEYS))


def as_of() -> dt.date:
    """``?asof=`` when given, else today."""
    value = st.session_state.get(ASOF)
    return value if isinstance(value, dt.date) else db.today()


def view() -> View | None:
    """The sidebar's period clipped to the as-of date, with a caption; None (and a note) when it has not begun."""
    init_state()
    period, day = current_period(), as_of()
    clipped = drill.clip_range(period.start, period.end, day)
    if clipped is None:
        st.info(tr("drill_future", asof=day.isoformat()), icon=":material/event_upcoming:")
        return None
    out = View(clipped[0], clipped[1], day)
    key = "drill_range_clipped" if clipped[1] < period.end else "drill_range"
    st.caption(tr(key, start=out.start.isoformat(), end=out.end.isoformat(), days=out.days))
    return out


def empty_database() -> bool:
    """True (after saying what to do) when the store holds no facts at all."""
    if sum(db.table_counts().values()) > 0:
        return False
    st.info(tr("drill_empty"), icon=":material/lightbulb:")
    links = st.container(horizontal=True)
    links.page_link("app_pages/home.py", label=tr("drill_to_home"), icon=":material/home:")
    if auth.may_open("app_pages/data.py"):
        links.page_link("app_pages/data.py", label=tr("drill_to_data"), icon=":material/upload_file:")
    return True


def freshness_note(v: View) -> None:
    """"As of ... · data up to ...", or a warning when the leads end before the day before the as-of date."""
    fresh = db.freshness()
    row = fresh[fresh["table"] == "leads"]
    latest = row["latest_date"].iloc[0] if len(row) else None
    if latest is None or pd.isna(latest):
        return
    latest_day = pd.Timestamp(latest).date()
    yesterday = v.as_of - dt.timedelta(days=1)
    if latest_day < yesterday:
        st.warning(tr("drill_stale", latest=latest_day.isoformat(), yesterday=yesterday.isoformat()),
                   icon=":material/update:")
    else:
        st.caption(tr("drill_asof", asof=v.as_of.isoformat(), latest=latest_day.isoformat()))


# --- cached engine calls --------------------------------------------------------------------------------------


def _freeze(value: Any) -> Any:
    if isinstance(value, Mapping):
        return ("__map__", tuple(sorted((k, _freeze(v)) for k, v in value.items())))
    if isinstance(value, (list, tuple)):
        return tuple(_freeze(v) for v in value)
    return value


def _thaw(value: Any) -> Any:
    if isinstance(value, tuple) and len(value) == 2 and value[0] == "__map__":
        return {k: _thaw(v) for k, v in value[1]}
    if isinstance(value, tuple):
        return [_thaw(v) for v in value]
    return value


@st.cache_data(show_spinner=False, max_entries=256)
def _run(url: str, data_version: str, name: str, args: tuple, kwargs: tuple) -> Any:
    return _FUNCS[name](store.get_engine(url), *(_thaw(a) for a in args), **{k: _thaw(v) for k, v in kwargs})


def cached(name: str, *args: Any, **kwargs: Any) -> Any:
    """``kpi_engine.drill`` / ``funnel`` function ``name`` on this session's database, cached until the data changes."""
    frozen = tuple(sorted((k, _freeze(v)) for k, v in kwargs.items()))
    result = _run(db.db_url(), db.version(), name, tuple(_freeze(a) for a in args), frozen)
    return result.copy() if isinstance(result, pd.DataFrame) else result


# --- formatting ---------------------------------------------------------------------------------------------


def is_missing(value: Any) -> bool:
    """None, NaN or pandas' NA: a value the frame does not have."""
    return value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA


def fmt(value: Any, unit: str) -> str:
    """A metric value as text (``ui.numbers.value``): ¥12.46, ¥1,235, 12.3%, "—" for none."""
    return numbers.value(value, unit)


def fmt_gap(value: float, unit: str) -> str:
    """A signed difference for a card's delta: "+12", "-¥2,075", "+2.9 pp" / "+2.9pp" (short points fit a card)."""
    return numbers.delta(value, unit) if unit != "ratio" else numbers.points_short(value)


def metric_name(metric_id: str) -> str:
    return registry.get(metric_id).name(lang())


def metric_help(metric_id: str) -> str:
    """The metric's definition and formula from the registry, in the current language."""
    m = registry.get(metric_id)
    s = db.settings()  # the thresholds in force
    return tr("drill_help_formula", description=m.description(lang(), s), formula=m.formula(lang(), s))


def short_name(metric_id: str) -> str:
    """A table column's label for the metric ("CPL", "线索成本"); its full name where it has no short one."""
    key = f"drill_short_{metric_id}"
    return tr(key) if key in catalog() else metric_name(metric_id)


def column_help(metric_id: str) -> str:
    """A metric column's help: the full name (the label may be short), the definition and the formula."""
    return f"**{metric_name(metric_id)}**\n\n{metric_help(metric_id)}"


# --- ids and names -----------------------------------------------------------------------------------------


def ui_ids(frame: pd.DataFrame, key: str) -> list[str]:
    """Row ids for the UI: the engine's "" (no campaign / no owner) becomes :data:`NONE_ID`."""
    return [NONE_ID if str(i) == drill.NO_KEY else str(i) for i in frame[key]]


def labels(frame: pd.DataFrame, key: str, none_key: str) -> dict[str, str]:
    """UI id -> name for pickers and headings (issue 11, point 3: names, never ids); "name (id)" only for two rows
    that share a name, the id alone only without a name."""
    pairs = list(zip(ui_ids(frame, key), frame["name"] if "name" in frame else frame[key], strict=True))
    named = [str(n) for _, n in pairs if not is_missing(n)]
    out = {}
    for uid, name in pairs:
        if uid == NONE_ID:
            out[uid] = tr(none_key)
        elif is_missing(name) or name == uid:
            out[uid] = uid
        else:
            out[uid] = f"{name} ({uid})" if named.count(str(name)) > 1 else str(name)
    return out


def engine_id(uid: str) -> str:
    return drill.NO_KEY if uid == NONE_ID else uid


# --- KPI cards ----------------------------------------------------------------------------------------------


def kpi_cards(kpis: pd.DataFrame, per_row: int = 5, *, where: Mapping[str, str] | None = None) -> None:
    """A bordered metric per KPI (value, gap to target, definition); with ``where``, its forecast line (ui.cards)."""
    rows = list(kpis.itertuples(index=False))
    lines = {} if where is None else scope_forecasts([k.metric_id for k in rows], where, as_of())
    for i in range(0, len(rows), per_row):
        cols = st.columns(per_row)
        for col, k in zip(cols, rows[i:i + per_row], strict=False):
            delta = description = None
            if not is_missing(k.target):
                ach = numbers.achievement(k.achievement)
                delta = tr("drill_vs_target", gap=fmt_gap(k.gap, k.unit), achievement=ach)
                description = tr("drill_target_desc", target=fmt(k.target, k.unit))
            box = col.container(border=True) if (line := lines.get(k.metric_id)) else col
            box.metric(metric_name(k.metric_id), fmt(k.actual, k.unit), delta=delta, border=not line, help=metric_help(
                k.metric_id), delta_color="inverse" if k.direction == "lower" else "normal", delta_description=description)
            if line:
                box.caption(line, help=forecast_help())


def definitions(metric_ids: Sequence[str]) -> None:
    """A popover listing each metric's definition and formula."""
    with st.popover(tr("drill_definitions"), icon=":material/help:"):
        for m in dict.fromkeys(metric_ids):
            st.markdown(f"**{metric_name(m)}** — {metric_help(m)}")
