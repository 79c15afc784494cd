"""Building blocks of the Reviews page: mode and period, carried-over actions, off-track KPIs, gap waterfall, notes.

State in the URL: ``mode`` (weekly | monthly), ``review`` (the period label, 2026-W47 or 2026-10; ``period`` is
taken by the sidebar's grain), ``asof``, and the gap view ``gap_metric``, ``vs``, ``by``.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import sqlalchemy as sa
import streamlit as st
from sqlalchemy.engine import Engine

from kpi_engine import periods, schema
from kpi_engine.metrics import registry
from kpi_engine.plans.evaluate import score_plan
from kpi_engine.plans.model import Plan, split_metric
from kpi_engine.plans.report import card_summary
from kpi_engine.reviews import gap, notes
from kpi_engine.scoring import format_value
from ui import state
from ui.charts import value_format
from ui.i18n import lang, tr
from ui.waterfall import waterfall_chart, waterfall_frame

MODE, REVIEW, ASOF, GMETRIC, VS, BY = "mode", "review", "asof", "gap_metric", "vs", "by"
URL_KEYS = (MODE, REVIEW, ASOF, GMETRIC, VS, BY)
MODES = ("weekly", "monthly")
GRAIN = {"weekly": "week", "monthly": "month"}
FALLBACK_METRICS = ("leads", "spend", "cpl", "mqls", "sqls", "wins")


def init_state() -> None:
    state.url_state(MODE, "weekly", state.choice(MODES))
    state.url_state(REVIEW, "", str)
    state.url_state(ASOF, None, state.parse_date, state.dump_date)
    state.url_state(GMETRIC, "leads", str)
    state.url_state(VS, "target", state.choice(gap.VS_CHOICES))
    state.url_state(BY, "channel", state.choice(gap.BY_CHOICES))


def as_of() -> dt.date:
    value = st.session_state.get(ASOF)
    return value if isinstance(value, dt.date) else dt.date.today()


def default_label(mode: str, day: dt.date) -> str:
    """Weekly: the last complete ISO week by ``day``; monthly: the month of ``day``."""
    if mode == "weekly":
        start = periods.period_start(day, "week")
        if day < start + dt.timedelta(days=6):
            start -= dt.timedelta(days=7)
        return periods.period_label(start, "week")
    return periods.period_label(day, "month")


def label_options(mode: str, day: dt.date, n: int = 12) -> list[str]:
    grain = GRAIN[mode]
    _, start, _ = periods.parse_period(default_label(mode, day))
    out = []
    for _ in range(n):
        out.append(periods.period_label(start, grain))
        start = periods.previous_period_start(start, grain)
    return out


def _keep_mode() -> None:
    """A click on the selected mode would deselect it: keep a mode chosen."""
    if st.session_state.get(MODE) not in MODES:
        st.session_state[MODE] = st.session_state.get("_reviews_last_mode", "weekly")
    st.session_state["_reviews_last_mode"] = st.session_state[MODE]


def pick_mode_and_period(day: dt.date) -> tuple[str, str]:
    """The mode switch and the period picker; returns (mode, label)."""
    cols = st.columns([2, 3])
    mode = cols[0].segmented_control(tr("reviews_ui_mode"), MODES, format_func=lambda m: tr(f"reviews_ui_mode_{m}"),
                                     key=MODE, on_change=_keep_mode) or "weekly"
    options = label_options(mode, day)
    current = st.session_state.get(REVIEW, "")
    try:
        grain = periods.parse_period(current)[0]
    except (ValueError, TypeError):
        grain = None
    if grain != GRAIN[mode]:
        st.session_state[REVIEW] = options[0]
    elif current not in options:
        options.insert(0, current)
    label = cols[1].selectbox(tr("reviews_ui_period"), options, key=REVIEW)
    return mode, label


def carried_over(engine: Engine, label: str) -> None:
    """Open actions from earlier reviews, each with a button to mark it done."""
    frame = notes.review_notes(engine, label)
    carried = frame[frame["carried"]] if len(frame) else frame
    st.subheader(tr("reviews_ui_carried"), anchor=False)
    if carried.empty:
        st.caption(tr("reviews_ui_carried_none"))
        return
    for r in carried.itertuples(index=False):
        row = st.container(border=True, horizontal=True, vertical_alignment="center")
        due = r.due_date.isoformat() if isinstance(r.due_date, dt.date) else "—"
        row.markdown(tr("reviews_ui_note_line", period=r.period, metric=r.metric_id or "—",
                        scope=f"{r.scope_type}:{r.scope_id}" if r.scope_id else r.scope_type,
                        action=r.action or "—", owner=r.owner_id or "—", due=due, cause=r.cause or "—"))
        if row.button(tr("reviews_ui_mark_done"), key=f"done_{r.note_id}", icon=":material/check:"):
            notes.set_status(engine, int(r.note_id), "done")
            st.rerun()


def off_track(frame: pd.DataFrame) -> None:
    st.subheader(tr("reviews_ui_off_track"), anchor=False)
    st.caption(tr("reviews_ui_off_track_help"))
    shown = frame.copy()
    for col in ("target", "actual", "deviation", "projected"):
        shown[col] = [format_value(v if pd.notna(v) else None, u) for v, u in zip(shown[col], shown["unit"], strict=True)]
    shown["pace"] = [tr(f"plans_pace_{p}") if isinstance(p, str) and p else "—" for p in shown["pace"]]
    shown["achievement"] = shown["achievement"] * 100
    shown["deviation_pct"] = shown["deviation_pct"] * 100
    cfg = {"kpi": st.column_config.TextColumn(tr("reviews_ui_col_kpi"), help=tr("reviews_ui_col_kpi_help")),
           "scope": tr("reviews_ui_col_scope"), "weight": st.column_config.NumberColumn(tr("reviews_ui_col_weight")),
           "target": st.column_config.TextColumn(tr("reviews_ui_col_target"), help=tr("reviews_ui_col_target_help")),
           "actual": tr("reviews_ui_col_actual"), "deviation": tr("reviews_ui_col_dev"),
           "deviation_pct": st.column_config.NumberColumn(tr("reviews_ui_col_dev_pct"), format="%+.1f%%"),
           "achievement": st.column_config.ProgressColumn(tr("reviews_ui_col_ach"), format="%.0f%%", min_value=0,
                                                          max_value=150, help=tr("reviews_ui_col_ach_help")),
           "weighted_gap": st.column_config.NumberColumn(tr("reviews_ui_col_wgap"), format="%.1f",
                                                         help=tr("reviews_ui_col_wgap_help")),
           "pace": st.column_config.TextColumn(tr("reviews_ui_col_pace"), help=tr("reviews_ui_col_pace_help")),
           "projected": tr("reviews_ui_col_projected")}
    st.dataframe(shown[list(cfg)], column_config=cfg, hide_index=True, width="stretch", key="off_track")


def people(engine: Engine, plan: Plan, day: dt.date) -> None:
    """Monthly: each card's final score from score_plan."""
    score = score_plan(engine, plan, as_of=day)
    st.subheader(tr("reviews_ui_scores"), anchor=False)
    for line in score.notes(lang()):
        st.caption(line)
    summary = card_summary(score, lang())
    cfg = {"label": tr("reviews_ui_col_card"), "weighted_score": st.column_config.NumberColumn(
        tr("reviews_ui_col_weighted"), format="%.1f"), "final_score": st.column_config.NumberColumn(
        tr("reviews_ui_col_final"), format="%.1f", help=tr("reviews_ui_col_final_help")), "grade": tr("reviews_ui_col_grade")}
    st.dataframe(summary[list(cfg)], column_config=cfg, hide_index=True, key="scores")


def _vs_name(vs: str) -> str:
    return tr(f"reviews_vs_{vs.replace('-', '_')}")


def gap_metrics(plan: Plan | None) -> list[str]:
    ids = [split_metric(k.metric)[1] for k in plan.kpis if not split_metric(k.metric)[0]] if plan else []
    return list(dict.fromkeys([*FALLBACK_METRICS, *ids]))


def explain(engine: Engine, label: str, plan: Plan | None) -> str | None:
    """The gap picker, waterfall, table and method; returns the chosen metric."""
    st.subheader(tr("reviews_ui_gap"), anchor=False)
    options = gap_metrics(plan)
    if st.session_state.get(GMETRIC) not in options:
        st.session_state[GMETRIC] = options[0]
    cols = st.columns(3)
    metric = cols[0].selectbox(tr("reviews_ui_gap_metric"), options, key=GMETRIC,
                               format_func=lambda i: registry.METRICS[i].name(lang()) if i in registry.METRICS else i)
    vs = cols[1].selectbox(tr("reviews_ui_gap_vs"), gap.VS_CHOICES, key=VS,
                           format_func=lambda v: _vs_name(v))
    by = cols[2].selectbox(tr("reviews_ui_gap_by"), gap.BY_CHOICES, key=BY, format_func=lambda b: tr(f"reviews_ui_by_{b}"))
    try:
        g = gap.explain_gap(engine, metric, label, vs=vs, by=by)
    except ValueError as exc:
        st.warning(str(exc), icon=":material/warning:")
        return metric
    unit = registry.METRICS[metric].unit
    if g.total.get("actual") is None or g.total.get("comparison") is None:
        st.info(tr("reviews_ui_gap_no_data"), icon=":material/info:")
    else:
        rows = g.rows.dropna(subset=["contribution"])
        frame = waterfall_frame(rows[g.key_column].tolist(), rows["contribution"].tolist(),
                                float(g.total["comparison"]), float(g.total["actual"]),
                                _vs_name(vs), tr("reviews_ui_col_actual"))
        st.altair_chart(waterfall_chart(frame, value_format=value_format(unit)), width="stretch")
    st.info(g.method_text(lang()), icon=":material/function:")
    table = g.table()
    money = {"format": "¥%,.0f"} if unit == "money" else {"format": "%.2%"} if unit == "ratio" else {"format": "%,.0f"}
    cfg = {g.key_column: tr(f"reviews_ui_by_{by}"), "actual": st.column_config.NumberColumn(tr("reviews_ui_col_actual"), **money),
           "comparison": st.column_config.NumberColumn(_vs_name(vs), **money),
           "contribution": st.column_config.NumberColumn(tr("reviews_ui_col_contribution"),
                                                         help=tr("reviews_ui_col_contribution_help"), **money)}
    st.dataframe(table, column_config=cfg, hide_index=True, width="stretch", key="gap_table")
    return metric


def _people(engine: Engine) -> list[str]:
    with engine.connect() as conn:
        return [r[0] for r in conn.execute(sa.select(schema.people.c.person_id).order_by(schema.people.c.person_id))]


def note_form(engine: Engine, label: str, metric: str | None) -> None:
    """Record a note for the period and the chosen KPI; then this period's notes."""
    st.subheader(tr("reviews_ui_notes"), anchor=False)
    with st.form("review_note", clear_on_submit=True):
        cols = st.columns(3)
        scope_type = cols[0].selectbox(tr("reviews_ui_note_scope_type"), schema.SCOPE_TYPES, key="note_scope_type")
        scope_id = cols[1].text_input(tr("reviews_ui_note_scope_id"), key="note_scope_id")
        owner = cols[2].selectbox(tr("reviews_ui_note_owner"), ["", *_people(engine)], key="note_owner")
        cause = st.text_area(tr("reviews_ui_note_cause"), key="note_cause", height=68)
        action = st.text_area(tr("reviews_ui_note_action"), key="note_action", height=68)
        cols = st.columns(2)
        due = cols[0].date_input(tr("reviews_ui_note_due"), value=None, key="note_due")
        status = cols[1].selectbox(tr("reviews_ui_note_status"), notes.STATUSES, key="note_status",
                                   format_func=lambda s: tr(f"reviews_ui_status_{s}"))
        if st.form_submit_button(tr("reviews_ui_note_save", metric=metric or "—"), icon=":material/add:", key="note_save"):
            if not (cause or action):
                st.warning(tr("reviews_ui_note_empty"))
            else:
                notes.add_note(engine, period=label, metric_id=metric, scope_type=scope_type,
                               scope_id=scope_id.strip() if scope_type != "team" else "", cause=cause or None,
                               action=action or None, owner_id=owner or None, due_date=due, status=status,
                               created_by="dashboard")
                st.toast(tr("reviews_ui_note_saved"), icon=":material/check:")
    own = notes.notes_for(engine, label)
    if own.empty:
        st.caption(tr("reviews_ui_notes_none"))
    else:
        cols = ["metric_id", "scope_type", "scope_id", "cause", "action", "owner_id", "due_date", "status", "created_at"]
        st.dataframe(own[cols], hide_index=True, width="stretch", key="notes_table")
