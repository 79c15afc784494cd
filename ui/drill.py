"""Shared building blocks of the Channels and Team & people pages.

- View state in the URL (``channel``, ``campaign``, ``person``, ``asof``, ``grain``, ``metric``) through
  ``ui.state``; the as-of date defaults to today and clips the sidebar's period.
- Ranked tables (``st.dataframe`` with single-row selection): a click selects the row's channel,
  campaign or person; a selectbox next to the table mirrors the selection (and is the keyboard way in).
- KPI cards, the scope detail (trend against target, cohort funnel, costs) and the paged leads list.

Engine calls go through :func:`cached`, keyed by the database's data version (an upload shows at once).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
import streamlit as st

from kpi_engine import drill, store
from kpi_engine import fmt as numfmt
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
MAX_SHOWN_ACHIEVEMENT = 999.0  # percent; a lower-is-better actual of 0 is "infinitely" achieved
# The progress bar is green above half its range: 100% of target must be just above half.
PROGRESS_MAX = 199.99

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


def _missing(value: Any) -> bool:
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


# --- ranked tables with selection ------------------------------------------------------------------------------


def ui_ids(frame: pd.DataFrame, key: str) -> list[str]:
    """Row ids for the UI: the engine's "" (no campaign / no owner) becomes :data:`NONE_ID`."""
    return [NONE_ID if str(i) == drill.NO_KEY else str(i) for i in frame[key]]


def labels(frame: pd.DataFrame, key: str, none_key: str) -> dict[str, str]:
    """UI id -> name for pickers and headings (issue 11, point 3: names, never ids); "name (id)" only for two rows
    that share a name, the id alone only without a name."""
    pairs = list(zip(ui_ids(frame, key), frame["name"] if "name" in frame else frame[key], strict=True))
    named = [str(n) for _, n in pairs if not _missing(n)]
    out = {}
    for uid, name in pairs:
        if uid == NONE_ID:
            out[uid] = tr(none_key)
        elif _missing(name) or name == uid:
            out[uid] = uid
        else:
            out[uid] = f"{name} ({uid})" if named.count(str(name)) > 1 else str(name)
    return out


def _metric_columns(metrics: Sequence[str]) -> dict[str, Any]:
    """Metric columns: numbers for sorting, written by the table's styler (:func:`ui.numbers.styled`); a short label,
    the full name and the definition in the help."""
    return {m: st.column_config.NumberColumn(short_name(m), help=column_help(m)) for m in metrics}


def _units(table: pd.DataFrame, metrics: Sequence[str]) -> dict[str, str]:
    """How each numeric column of a ranked table is written (gap and target are in the rank metric's unit)."""
    units = {m: registry.get(m).unit for m in metrics}
    units |= {"gap": registry.get(RANK).unit, "target": registry.get(RANK).unit, "budget": "money"}
    return {c: u for c, u in units.items() if c in table.columns}


def _shown_achievement(value: Any) -> float:
    """Achievement in percent as ``kpi_engine.fmt`` writes it (99.96% is 99.9: not reached), capped for the bar."""
    if value == math.inf:
        return MAX_SHOWN_ACHIEVEMENT
    shown = numfmt.percent_value(value)
    return math.nan if shown is None else min(shown, MAX_SHOWN_ACHIEVEMENT)


def _display(frame: pd.DataFrame, key: str, kind: str, metrics: Sequence[str],
             end: dt.date) -> tuple[pd.DataFrame, dict[str, Any]]:
    """The table as shown: names, achievement in %, ratios in %, and the column configuration."""
    none_key = {"campaign": "drill_none_campaign", "person": "drill_none_owner"}.get(kind, "drill_none_owner")
    out = pd.DataFrame({"name": [tr(none_key) if uid == NONE_ID else n for uid, n in
                                 zip(ui_ids(frame, key), frame["name"], strict=True)],
                        key: ui_ids(frame, key)})
    extra = {"channel": ["owner_name"], "person": ["role", "team"], "campaign": []}[kind]
    for col in extra:
        out[col] = frame[col].to_numpy()
    out["achievement"] = [_shown_achievement(a) for a in frame["achievement"]]
    out["gap"] = pd.to_numeric(frame["gap"], errors="coerce").to_numpy()
    out["target"] = pd.to_numeric(frame["target"], errors="coerce").to_numpy()
    out["trend"] = frame["trend"].to_numpy()
    if kind == "person":
        out["targets_met"] = [f"{m} / {t}" if t else "—" for m, t in zip(frame["targets_met"], frame["targets_total"],
                                                                      strict=True)]
    for m in metrics:
        out[m] = pd.to_numeric(frame[m], errors="coerce").astype("float64").to_numpy()
    if kind == "campaign":
        out["runs"] = [_runs(s, e) for s, e in zip(frame["start_date"], frame["end_date"], strict=True)]
        out["budget"] = pd.to_numeric(frame["budget"], errors="coerce").to_numpy()
    cfg: dict[str, Any] = {
        "name": st.column_config.TextColumn(tr("drill_col_name"), pinned=True),  # stays while the metrics scroll
        key: None,  # the id stays in the frame for the selection, never shown: names, never ids (issue 11.3)
        "owner_name": st.column_config.TextColumn(tr("drill_col_owner"), width="small"),
        "role": st.column_config.TextColumn(tr("drill_col_role")),
        "team": st.column_config.TextColumn(tr("drill_col_team")),
        "achievement": st.column_config.ProgressColumn(tr("drill_col_achievement"), help=tr("drill_help_achievement"),
                                                       format=numfmt.column_format("achievement"), min_value=0,
                                                       max_value=PROGRESS_MAX, color="auto", width=118),
        "gap": st.column_config.NumberColumn(tr("drill_col_gap"), help=tr("drill_help_gap")),
        "target": st.column_config.NumberColumn(tr("drill_col_target"), help=tr("drill_help_target")),
        "trend": st.column_config.LineChartColumn(tr("drill_col_trend"), y_min=0, color="auto", width=104,
                                                  help=tr("drill_help_trend", end=end.isoformat())),
        "targets_met": st.column_config.TextColumn(tr("drill_col_targets_met"), help=tr("drill_help_targets_met")),
        "runs": st.column_config.TextColumn(tr("drill_col_runs")),
        "budget": st.column_config.NumberColumn(tr("drill_col_budget")),
        **_metric_columns(metrics),
    }
    if out["target"].isna().all():  # no target for any row (campaigns, usually): no empty columns
        out = out.drop(columns=["achievement", "gap", "target"])
    lead = ["name", key, "role", "achievement", "gap", RANK, "target", "trend", "targets_met", *metrics]
    order = list(dict.fromkeys(c for c in [*lead, *out.columns] if c in out.columns))
    return out[order], cfg


def _runs(start: Any, end: Any) -> str:
    if _missing(start) and _missing(end):
        return ""
    a = "…" if _missing(start) else pd.Timestamp(start).date().isoformat()
    b = "…" if _missing(end) else pd.Timestamp(end).date().isoformat()
    return f"{a} – {b}"


def _on_row(table_key: str, state_key: str, ids: list[str]) -> None:
    event = st.session_state.get(table_key) or {}
    rows = list((event.get("selection") or {}).get("rows") or [])
    st.session_state[state_key] = ids[rows[0]] if rows and 0 <= rows[0] < len(ids) else ""
    for child in CHILDREN.get(state_key, ()):
        st.session_state[child] = ""


def ranked_table(frame: pd.DataFrame, *, kind: str, metrics: Sequence[str], state_key: str | None,
                 end: dt.date) -> str | None:
    """A ranked overview; with ``state_key`` a click on a row selects it (the highlighted row follows the state).

    Returns the id of the selected row when the table's selection differs from the state (a selection
    written through session state rather than by a click, whose callback already updated the state).
    """
    key = f"{kind}_id"
    table, cfg = _display(frame, key, kind, metrics, end)
    height = min(38 + 35 * max(len(table), 1), 560)
    order = shown_columns(table, kind, cfg)
    if state_key is None:
        st.dataframe(numbers.styled(table, _units(table, metrics), signed=("gap",)), hide_index=True,
                     column_config=cfg, height=height, placeholder="—", column_order=order)
        return None
    ids = list(table[key])
    current = st.session_state.get(state_key, "")
    digest = hashlib.sha256("|".join([current, *ids]).encode()).hexdigest()[:10]
    table_key = f"drill_tbl_{state_key}_{digest}"
    default = {"selection": {"rows": [ids.index(current)]}} if current in ids else None
    event = st.dataframe(numbers.styled(table, _units(table, metrics), signed=("gap",)), hide_index=True,
                         column_config=cfg, height=height, placeholder="—", key=table_key, column_order=order,
                         on_select=functools.partial(_on_row, table_key, state_key, ids), selection_mode="single-row",
                         selection_default=default)
    rows = list((event.get("selection") or {}).get("rows") or []) if event is not None else []
    picked = ids[rows[0]] if rows and 0 <= rows[0] < len(ids) else ""
    if picked == current or (not picked and current not in ids):  # in step, or an unknown id the picker reports
        return None
    return picked


def shown_columns(table: pd.DataFrame, kind: str, cfg: Mapping[str, Any]) -> list[str]:
    """The table's columns to show: without its secondary ones unless its "More columns" toggle (drawn here, above
    the table, when there are any) is on. The frame keeps every column (sorting, tests); only the view changes."""
    secondary = [c for c in SECONDARY.get(kind, ()) if c in table.columns]
    if secondary:
        names = [cfg[c]["label"] if isinstance(cfg.get(c), dict) and cfg[c].get("label") else c for c in secondary]
        st.toggle(tr("drill_more_columns"), key=MORE[kind], help=tr("drill_more_columns_help", names=", ".join(names)))
    more = bool(st.session_state.get(MORE.get(kind, ""), False))
    return [c for c in table.columns if cfg.get(c, True) is not None and (more or c not in secondary)]


def select_table(frame: pd.DataFrame, *, kind: str, metrics: Sequence[str], state_key: str, label_key: str,
                 none_key: str, end: dt.date) -> tuple[str, dict[str, str]]:
    """A picker above a ranked table, both bound to ``state_key``; returns (selected UI id or "", id -> label)."""
    options = labels(frame, f"{kind}_id", none_key)
    slot = st.container()
    picked = ranked_table(frame, kind=kind, metrics=metrics, state_key=state_key, end=end)
    if picked is not None:  # the table was selected without its callback: follow it before the picker is drawn
        clear(state_key)
        st.session_state[state_key] = picked
    with slot:
        return picker(state_key, options, label_key), options


def _clear_children(state_key: str) -> None:
    for child in CHILDREN.get(state_key, ()):
        st.session_state[child] = ""


def clear(state_key: str) -> None:
    st.session_state[state_key] = ""
    _clear_children(state_key)


def picker(state_key: str, options: Mapping[str, str], label_key: str) -> str:
    """A selectbox over ``options`` (UI id -> label) mirroring the table selection; returns the id or ""."""
    current = st.session_state.get(state_key, "")
    if current and current not in options:
        st.caption(tr("drill_unknown", id=current))
        st.session_state[state_key] = ""
    shown = {"": tr("drill_pick_none"), **options}
    left, right = st.columns([4, 1], vertical_alignment="bottom")
    left.selectbox(tr(label_key), list(shown), key=state_key, format_func=shown.__getitem__, help=tr("drill_pick_help"),
                   on_change=_clear_children, args=(state_key,), persist_state="session")
    if st.session_state.get(state_key):
        right.button(tr("drill_clear"), key=f"drill_clear_{state_key}", icon=":material/close:", on_click=clear,
                     args=(state_key,))
    return st.session_state.get(state_key, "")


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
            if not _missing(k.target):
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
