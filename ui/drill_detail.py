"""The detail below a selected channel, campaign or person (trend against target, cohort funnel, costs, leads
list) and the people's plan scores; the shared state, cache and formatting helpers live in ui/drill.py."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping
from typing import Any

import pandas as pd
import streamlit as st

from kpi_engine import drill
from kpi_engine import fmt as numfmt
from kpi_engine.metrics import registry
from kpi_engine.plans.scorecard_tables import grade_text
from ui import charts, numbers
from ui.drill import GRAIN, LEADS_PER_PAGE, METRIC, View, cached, fmt, metric_help, metric_name
from ui.i18n import lang, tr
from ui.tables import column_label

# --- scope detail: trend, funnel, costs, leads ---------------------------------------------------------------------


def scope_detail(name: str, where: Mapping[str, str], target_scope: tuple[str, str] | None, v: View) -> None:
    """Trend of a metric against the scope's target, the cohort funnel and costs, week by week or month by month."""
    st.subheader(tr("drill_trend"), anchor=False)
    grains = {g: tr(f"drill_grain_{g}") for g in drill.TREND_GRAINS}
    metrics = {m: metric_name(m) for m in drill.TREND_METRICS}
    c1, c2, _ = st.columns([1, 1, 2], vertical_alignment="bottom")
    grain = c1.segmented_control(tr("drill_grain"), list(grains), key=GRAIN, format_func=grains.__getitem__,
                                 required=True, persist_state="session") or "week"
    metric = c2.selectbox(tr("drill_metric"), list(metrics), key=METRIC, format_func=metrics.__getitem__,
                          help=metric_help(st.session_state.get(METRIC, "leads")), persist_state="session")
    unit = registry.get(metric).unit
    left, right = st.columns([3, 2], gap="large")
    with left:
        series = cached("trend", metric, grain=grain, end=v.end, where=dict(where), target_scope=target_scope)
        st.markdown(f"**{tr('drill_trend_of', metric=metrics[metric], name=name)}**")
        charts.show(charts.trend_chart(series, grain=grain, title=metrics[metric], unit=unit, end=v.end), "trend",
                    tr("drill_trend_of", metric=metrics[metric], name=name))
        if series["target"].isna().all():
            st.caption(tr("drill_trend_no_target", metric=metrics[metric]))
    with right:
        st.markdown(f"**{tr('drill_funnel')}**")
        stages = cached("funnel", v.start, v.end, where=dict(where), as_of=v.as_of)
        if int(stages["count"].iloc[0]) == 0:
            st.info(tr("drill_funnel_empty"))
        else:
            charts.show(charts.funnel_chart(stages), "funnel", f"{tr('drill_funnel')} {name}")
            st.caption(tr("drill_funnel_caption", leads=f"{int(stages['count'].iloc[0]):,}", start=v.start.isoformat(),
                          end=v.end.isoformat(), asof=v.as_of.isoformat()))
    _costs(where, grain, v)


def _costs(where: Mapping[str, str], grain: str, v: View) -> None:
    st.subheader(tr("drill_costs"), anchor=False)
    frame = cached("costs", grain=grain, end=v.end, where=dict(where))
    left, right = st.columns([3, 2], gap="large")
    with left:
        charts.show(charts.cost_chart(frame, grain=grain, end=v.end), "costs", tr("drill_costs"))
        st.caption(tr("drill_costs_caption", grain=tr(f"drill_grain_{grain}")))
    with right:
        table = pd.DataFrame({tr("drill_axis_period"): charts.period_labels(frame["period_start"], grain, v.end)})
        for m in drill.COST_METRICS:
            table[m] = frame[m].to_numpy()
        cfg = {m: st.column_config.NumberColumn(metric_name(m), help=metric_help(m)) for m in drill.COST_METRICS}
        cfg[tr("drill_axis_period")] = st.column_config.TextColumn(tr("drill_axis_period"), width="medium")
        units = {m: registry.get(m).unit for m in drill.COST_METRICS}  # ¥12.46 / ¥1,235 as on the cards
        st.dataframe(numbers.styled(table.iloc[::-1], units), hide_index=True, column_config=cfg, placeholder="—",
                     height=300)


def leads_list(where: Mapping[str, str], v: View, scope_key: str) -> None:
    """The leads created in the view's days in the scope, newest first, one page at a time."""
    st.subheader(tr("drill_leads"), anchor=False)
    page_key = f"drill_leads_page_{hashlib.sha256(scope_key.encode()).hexdigest()[:10]}"
    page = int(st.session_state.get(page_key, 1) or 1)
    result = cached("leads_page", v.start, v.end, where=dict(where), page=page - 1, page_size=LEADS_PER_PAGE,
                    as_of=v.as_of)
    if result.total == 0:
        st.info(tr("drill_leads_none"), icon=":material/inbox:")
        return
    first = result.page * result.page_size + 1
    st.caption(tr("drill_leads_caption", first=f"{first:,}", last=f"{first + len(result.rows) - 1:,}",
                  total=f"{result.total:,}", start=v.start.isoformat(), end=v.end.isoformat()))
    rows = result.rows.copy()
    rows["stage"] = [tr(f"drill_stage_{s}") for s in rows["stage"]]
    when = "YYYY-MM-DD HH:mm"
    cfg: dict[str, Any] = {c: st.column_config.DatetimeColumn(column_label(c), format=when)
                           for c in ("created_at", "mql_at", "sql_at", "won_at", "lost_at", "first_response_at")}
    cfg |= {"lead_id": st.column_config.TextColumn(column_label("lead_id"), pinned=True),
            "stage": st.column_config.TextColumn(column_label("stage")),
            "channel_name": st.column_config.TextColumn(tr("drill_pick_channel")),
            "campaign_name": st.column_config.TextColumn(tr("drill_pick_campaign")),
            "owner_name": st.column_config.TextColumn(tr("drill_col_owner")),
            "expected_value": st.column_config.NumberColumn(column_label("expected_value")),
            "deal_value": st.column_config.NumberColumn(column_label("deal_value"))}
    order = ["lead_id", "created_at", "stage", "channel_name", "campaign_name", "owner_name", "expected_value",
             "deal_value", "mql_at", "sql_at", "won_at", "lost_at", "first_response_at"]
    st.dataframe(numbers.styled(rows, {"expected_value": "money", "deal_value": "money"}), hide_index=True,
                 column_config=cfg, column_order=order, placeholder="—")
    if result.pages > 1:
        if page > result.pages:
            st.session_state[page_key] = result.pages
        st.number_input(tr("drill_page", pages=result.pages), min_value=1, max_value=result.pages, step=1,
                        key=page_key, width=220)


# --- plan scores -------------------------------------------------------------------------------------------------


def plan_scores(day: dt.date) -> None:
    """The team's and each person's final score, grade and bonus on the morning ``day`` from the active plans
    whose period contains the day before (nothing when there is none), with a link to each scorecard."""
    scores = cached("people_scores", as_of=day, lang=lang())
    if scores.empty:
        return
    st.subheader(tr("drill_scores_title"), anchor=False)
    shown = pd.DataFrame({"card": scores["card"], "label": scores["label"], "period": scores["period"],
                          "final_score": scores["final_score"].astype("float64"),
                          "grade": [grade_text(g, s, lang())  # or why there is none yet
                                    for g, s in zip(scores["grade"], scores["status"], strict=True)],
                          "bonus": [fmt(b, "money") for b in scores["bonus"]]})
    num = st.column_config.NumberColumn
    st.dataframe(shown, hide_index=True, width="stretch", key="team_plan_scores", column_config={
        "card": None, "label": tr("drill_scores_name"), "period": tr("drill_scores_period"),  # names, not card ids
        "final_score": num(tr("drill_scores_final"), format=numfmt.column_format("score")), "grade": tr("drill_scores_grade"),
        "bonus": tr("drill_scores_bonus")})
    running = bool(scores["running"].any())
    st.caption(tr("drill_scores_caption_running" if running else "drill_scores_caption", asof=day.isoformat()))
    links = st.container(horizontal=True)
    for r in scores.itertuples(index=False):
        links.page_link("app_pages/scorecards.py", label=tr("drill_scores_open", name=r.label), icon=":material/scoreboard:",
                        query_params={"plan": r.plan_id, "card": r.card, "asof": day.isoformat()})
