"""The "Split target" section of the KPI plan page (issue 16.2): pick a KPI and a method, edit the promotion
calendar, see the split by month and by ISO week, and put it on the working copy of the plan (saved with it).

Numbers come from :mod:`kpi_engine.plans.split` and :mod:`kpi_engine.target_split`; this module only draws.
"""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st
from sqlalchemy.engine import Engine

from kpi_engine import fmt, target_split
from kpi_engine.plans import catalog
from kpi_engine.plans import split as plan_split
from kpi_engine.plans.model import Plan
from kpi_engine.target_split import PromoEvent, Split
from ui import charts
from ui import plan as plan_ui
from ui.charts import ACTUAL_COLOR
from ui.i18n import lang, tr

PREFIX = "plan_split"


def _events_frame(kpi_extra: dict[str, object], plan: Plan) -> pd.DataFrame:
    saved = kpi_extra.get("split") if isinstance(kpi_extra.get("split"), dict) else None
    problems: list[str] = []
    events = (target_split.parse_events(saved.get("events"), problems) if saved and saved.get("events")  # type: ignore[union-attr]
              else target_split.default_events(plan.start, plan.end))
    return pd.DataFrame([{"name": e.name, "start": e.start, "end": e.end, "weight": e.weight} for e in events],
                        columns=["name", "start", "end", "weight"])


def _edited_events(frame: pd.DataFrame) -> tuple[tuple[PromoEvent, ...], list[str]]:
    rows = []
    for rec in frame.to_dict("records"):
        if all(v is None or (isinstance(v, float) and pd.isna(v)) or v == "" for v in rec.values()):
            continue  # an empty row the editor added
        rows.append({k: (None if isinstance(v, float) and pd.isna(v) else v) for k, v in rec.items()})
    problems: list[str] = []
    return target_split.parse_events(rows, problems), problems


def _bars(values: dict[str, float], axis: str, unit: str, height: int = 220) -> alt.Chart:
    frame = pd.DataFrame({"label": list(values), "target": list(values.values())})
    return alt.Chart(frame, height=height).mark_bar(color=ACTUAL_COLOR).encode(
        x=alt.X("label:N", title=tr(axis), sort=None, axis=alt.Axis(labelAngle=-45)),
        y=alt.Y("target:Q", title=tr("split_axis_target"), axis=alt.Axis(format=fmt.d3_format(unit))),
        tooltip=[alt.Tooltip("label:N", title=tr(axis)),
                 alt.Tooltip("target:Q", title=tr("split_axis_target"), format=",.1f")])


def _notes(s: Split) -> None:
    for key in s.notes:
        st.info(tr(key, months=", ".join(s.gaps)) if key == "split_note_gaps" else tr(key), icon=":material/info:")


def show_split(s: Split, unit: str, key: str = "split", name: str = "") -> None:
    """The split as two bar charts (months, ISO weeks) and its total."""
    _notes(s)
    months = {m.strftime("%Y-%m"): v for m, v in sorted(s.months().items())}
    cols = st.columns([1, 2])
    cols[0].caption(tr("split_by_month"))
    with cols[0]:
        charts.show(_bars(months, "split_axis_month", unit), f"split_m_{key}", f"{name}-{tr('split_by_month')}")
    cols[1].caption(tr("split_by_week"))
    with cols[1]:
        charts.show(_bars(s.weeks(), "split_axis_week", unit), f"split_w_{key}", f"{name}-{tr('split_by_week')}")
    st.caption(tr("split_total", total=fmt.value(s.total, unit, lang())))


def split_section(plan: Plan, engine: Engine) -> None:
    """The "Split target" expander for a quarter or year plan (nothing for a month plan)."""
    if plan.grain not in plan_split.SPLIT_GRAINS:
        return
    with st.expander(tr("split_title"), icon=":material/calendar_month:"):
        st.caption(tr("split_intro"))
        st.caption(tr("split_rates"))
        indexes = plan_split.splittable(plan)
        if not indexes:
            st.info(tr("split_none"), icon=":material/info:")
            return
        labels = {i: f"{catalog.kpi_name(plan.kpis[i].metric, lang())} · {plan.kpis[i].scope}" for i in indexes}
        if st.session_state.get(f"{PREFIX}_kpi") not in labels:
            st.session_state[f"{PREFIX}_kpi"] = indexes[0]
        i = st.selectbox(tr("split_kpi"), indexes, format_func=labels.__getitem__, key=f"{PREFIX}_kpi")
        kpi = plan.kpis[i]
        saved = plan_split.saved_split(kpi)
        if saved is None:
            st.caption(tr("split_current_none"))
        else:
            st.caption(tr("split_current", method=tr(f"split_method_{saved.method}")))
            if not plan_split.covers_period(plan, kpi):
                st.warning(tr("split_stale"), icon=":material/warning:")
        methods = list(target_split.METHODS)
        method = st.radio(tr("split_method"), methods, horizontal=True, help=tr("split_method_help"),
                          index=methods.index(saved.method) if saved else 1, key=f"{PREFIX}_method_{i}",
                          format_func=lambda m: tr(f"split_method_{m}"))
        base, events = "even", None
        if method == "promo":
            bases = list(target_split.BASES)
            base = st.selectbox(tr("split_base"), bases, format_func=lambda m: tr(f"split_method_{m}"),
                                index=bases.index(saved.base) if saved and saved.method == "promo" else 0,
                                key=f"{PREFIX}_base_{i}")
            st.caption(tr("split_events"))
            edited = st.data_editor(_events_frame(kpi.extra, plan), num_rows="dynamic", hide_index=True, width="stretch",
                                    key=f"{PREFIX}_events_{i}", column_config={
                                        "name": st.column_config.TextColumn(tr("split_col_name"), required=True),
                                        "start": st.column_config.DateColumn(tr("split_col_start"), required=True),
                                        "end": st.column_config.DateColumn(tr("split_col_end"), required=True),
                                        "weight": st.column_config.NumberColumn(tr("split_col_weight"), min_value=0.0,
                                                                                step=0.1, format="%g")})
            events, problems = _edited_events(edited)
            if problems:
                st.error(tr("split_events_bad", problems="; ".join(problems)), icon=":material/error:")
                return
        s = plan_split.make_split(engine, plan, kpi, method, base=base, events=events)
        show_split(s, catalog.registry.METRICS[kpi.metric_id].unit, key=str(i), name=labels[i])
        cols = st.columns([1, 1, 3])
        if cols[0].button(tr("split_apply"), icon=":material/event_available:", type="primary", key=f"{PREFIX}_apply"):
            _replace(plan_split.with_split(plan, i, s), tr("split_applied", kpi=labels[i]))
        if saved is not None and cols[1].button(tr("split_remove"), icon=":material/event_busy:",
                                                key=f"{PREFIX}_remove"):
            _replace(plan_split.without_split(plan, i), tr("split_removed", kpi=labels[i]))


def _replace(plan: Plan, message: str) -> None:
    """Put ``plan`` in place of the working copy (the editor's edits are in it) and rerun; Save keeps it."""
    plan_ui._set_plan(plan, st.session_state.get(plan_ui.LOADED, plan_ui.NEW))
    plan_ui.flash(message)
    st.rerun()
