"""Building blocks of the Scorecards page: plan and card pickers, totals, dimension chart, KPI table, calculations.

Scores come from :func:`kpi_engine.plans.evaluate.score_plan`, cached per (database, data version, plan version,
as-of date); tables from :mod:`kpi_engine.plans.scorecard_tables`.
"""

from __future__ import annotations

import datetime as dt

import altair as alt
import pandas as pd
import streamlit as st
from sqlalchemy.engine import Engine

from kpi_engine import clock
from kpi_engine import fmt as numfmt
from kpi_engine import store as kstore
from kpi_engine.i18n import catalog
from kpi_engine.plans import scorecard_tables, store
from kpi_engine.plans.evaluate import CardScore, PlanScore, score_plan
from kpi_engine.plans.model import TEAM_CARD
from kpi_engine.plans.templates import FRAMEWORKS
from kpi_engine.scoring import explain, format_score
from ui import charts, names, numbers, state
from ui.db import db_url, settings, version
from ui.i18n import lang, tr
from ui.tables import to_excel_bytes

PLAN, CARD, MORE = "plan", "card", "sc_cols"
BEHIND_COLOR = "#d4650a"  # orange: a dimension subtotal below 100
URL_KEYS = (PLAN, CARD, MORE)
SECONDARY = ("dimension",)  # the KPI table's columns behind its "More columns" toggle (the chart above has them)


def init_state() -> None:
    state.url_state(PLAN, "")
    state.url_state(CARD, "")
    state.url_state(MORE, False, lambda raw: {"1": True, "0": False}[raw], lambda v: "1" if v is True else None)


def default_plan(plans: pd.DataFrame, day: dt.date) -> str:
    """The active plan whose period contains the last day of data on the morning ``day``, else the latest plan
    (``plans`` is newest first)."""
    current = store.active_plans(kstore.get_engine(db_url()), clock.data_through(day))
    return current[0].plan_id if current else str(plans["plan_id"].iloc[0])


def pick_plan(plans: pd.DataFrame, day: dt.date) -> str:
    labels = {r.plan_id: names.plan_label(r.name, r.period, r.status) for r in plans.itertuples()}
    if st.session_state.get(PLAN) not in labels:
        st.session_state[PLAN] = default_plan(plans, day)
    return st.selectbox(tr("plans_ui_pick"), list(labels), format_func=labels.__getitem__, key=PLAN)


@st.cache_data(show_spinner=False, max_entries=64)
def _score(url: str, data_version: str, plan_id: str, plan_version: int, day: dt.date) -> PlanScore:
    engine = kstore.get_engine(url)
    return score_plan(engine, store.load_plan(engine, plan_id, plan_version), as_of=day)


def plan_score(engine: Engine, plan_id: str, day: dt.date) -> PlanScore:
    """The plan's active version (else its latest) scored on the morning ``day``."""
    plan = store.load_plan(engine, plan_id, "active")
    return _score(db_url(), version(), plan_id, plan.version, day)


def card_label(card: CardScore) -> str:
    if card.card == TEAM_CARD:
        return tr("plans_card_team")
    return card.label or names.person(card.card)  # the person's name, never the id


def pick_card(score: PlanScore) -> CardScore:
    labels = {c.card: card_label(c) for c in score.cards}
    asked = st.session_state.get(CARD)
    if asked not in labels:
        st.session_state[CARD] = score.main.card
        if asked:
            score.card(asked)  # a card of the plan this user may not see raises NotAllowed: "not allowed", no data
    chosen = st.segmented_control(tr("plans_ui_sc_card"), list(labels), format_func=labels.__getitem__, key=CARD)
    return score.card(chosen or score.main.card)


def notes(score: PlanScore) -> None:
    lines = score.notes(lang())
    if score.running:
        st.info(lines.pop(1), icon=":material/hourglass_top:")
    for note in lines:
        st.caption(note)


def grade_help() -> str:
    """The grade bands in force (Settings page)."""
    s = settings()
    return tr("settings_ui_grade_help", s=f"{s.grade_s_from:g}", a=f"{s.grade_a_from:g}", b=f"{s.grade_b_from:g}",
              c=f"{s.grade_c_from:g}")


def bonus_help() -> str:
    """The bonus multipliers in force (Settings page)."""
    s = settings()
    return tr("settings_ui_bonus_help", s=f"{s.bonus_multiplier_s:g}", a=f"{s.bonus_multiplier_a:g}",
              b=f"{s.bonus_multiplier_b:g}", c=f"{s.bonus_multiplier_c:g}", d=f"{s.bonus_multiplier_d:g}")


def totals(card: CardScore) -> None:
    tot = card.totals
    cols = st.columns(5)
    cols[0].metric(tr("plans_ui_sc_final"), format_score(tot.final), help=tr("plans_ui_sc_final_help"), border=True)
    cols[1].metric(tr("plans_ui_sc_grade"), tot.grade or tr(f"scores_short_{tot.status}"),  # the box says why
                   help=grade_help(), border=True)
    cols[2].metric(tr("plans_ui_sc_bonus"), numbers.value(tot.bonus, "money"),
                   help=bonus_help(), border=True)
    why = [step for step in tot.steps if step[0] in ("scores_not_enough_data", "scores_provisional")]
    if why:  # the reason there is no grade yet, in the words of the calculation
        (st.warning if tot.status == "insufficient" else st.info)(" ".join(explain(why, lang())), icon=":material/rule:")
    cols[3].metric(tr("plans_ui_sc_weighted"), format_score(tot.weighted), help=tr("plans_ui_sc_weighted_help"),
                   border=True)
    cols[4].metric(tr("plans_ui_sc_360"), format_score(tot.qualitative), border=True)


def dimension_chart(score: PlanScore, card: CardScore) -> None:
    frame = scorecard_tables.dimension_frame(score, card, lang())  # a dimension without a score keeps its row, no bar
    st.subheader(tr("plans_ui_sc_dimensions"), anchor=False)
    if frame["score"].isna().all():
        st.caption("—")
        return
    frame["text"] = [format_score(v) for v in frame["score"]]
    frame["status"] = ["ok" if v >= 100 else "behind" for v in frame["score"]]  # a few dimensions (NaN: no bar)
    y = alt.Y("name:N", sort=list(frame["name"]), title=None, axis=alt.Axis(labelLimit=260, labelOverlap=False))
    base = alt.Chart(frame).encode(y=y)
    bars = base.mark_bar(cornerRadius=2, height={"band": 0.6}, invalid=charts.GAPS).encode(
        x=alt.X("score:Q", title=tr("plans_ui_sc_axis_score"), scale=alt.Scale(domain=[0, settings().score_cap])),
        color=alt.Color("status:N", legend=None,
                        scale=alt.Scale(domain=["ok", "behind"], range=[charts.GOOD_COLOR, BEHIND_COLOR])),
        tooltip=[alt.Tooltip("name:N", title=" "), alt.Tooltip("text:N", title=tr("plans_ui_sc_col_score")),
                 alt.Tooltip("weight:Q", title=tr("plans_ui_col_weight"))])
    text = base.mark_text(align="left", dx=4, fontSize=charts.FONT_SIZE, invalid=charts.GAPS).encode(
        x=alt.X("score:Q", title=tr("plans_ui_sc_axis_score")), text="text:N")
    rule = alt.Chart(pd.DataFrame({"x": [100.0]})).mark_rule(color="#24292f", strokeDash=[4, 3], strokeWidth=2).encode(
        x=alt.X("x:Q", title=tr("plans_ui_sc_axis_score")))
    chart = alt.layer(bars, text, rule).properties(height=alt.Step(44))
    charts.show(chart.configure_axis(labelFontSize=charts.FONT_SIZE, titleFontSize=charts.FONT_SIZE),
                f"sc_dims_{card.card}", f"{tr('plans_ui_sc_dimensions')}-{card.label}")


def shown_value(value: float | None, unit: str) -> str:
    """A KPI value in its unit, as everywhere (``ui.numbers.value``); — for none."""
    return numbers.value(value, unit)


def kpi_display(card: CardScore, framework: str | None = None) -> pd.DataFrame:
    """The card's KPIs for the table: actual, target and projection written in the metric's unit (12.3%, ¥3,000,
    1,092; — for none), achievement in percent (for the progress bar), pace as words, the band in a few words,
    scopes and dimensions by name."""
    frame = scorecard_tables.kpi_frame(card, lang())
    frame["own_scope"] = [s == (TEAM_CARD if card.card == TEAM_CARD else f"person:{card.card}") for s in frame["scope"]]
    scopes = names.scope_labels(frame["scope"])
    frame["scope"] = [scopes.get(s, s) for s in frame["scope"]]
    fw = FRAMEWORKS.get(framework or "")
    frame["dimension"] = [(dim.name(lang()) if fw and (dim := fw.dimension(d)) else d) for d in frame["dimension"]]
    for col in ("actual", "base", "projected"):
        frame[col] = [shown_value(v, u) for v, u in zip(frame[col], frame["unit"], strict=True)]
    frame["achievement"] = [numfmt.percent_value(a) for a in pd.to_numeric(frame["achievement"], errors="coerce")]
    frame["achievement"] = frame["achievement"].astype("float64")
    frame["score"] = [format_score(v) if v is not None and not pd.isna(v) else "—" for v in frame["score"]]
    frame["pace"] = [tr(f"plans_pace_{p}") if isinstance(p, str) else "" for p in frame["pace"]]
    frame["tier"] = [tier_text(t) for t in frame["tier"]]
    return frame[["name", "scope", "dimension", "weight", "actual", "base", "achievement", "score", "tier", "pace",
                  "projected", "explanation", "own_scope"]]


def tier_text(tier: object) -> str:
    """A band in a few words for the table ("base–challenge"); the column's help says what each one means."""
    if not isinstance(tier, str):
        return ""
    key = f"plans_tier_short_{tier}"
    return tr(key) if key in catalog() else tr(f"plans_tier_{tier}")


def kpi_columns(frame: pd.DataFrame) -> list[str]:
    """The KPI table's columns to show (fits a 1440 px screen): no scope column when every KPI is the card's own
    (the team's on the team card, the person's on theirs: the card picker says it), no pace or projection when the
    period is over (all empty), the secondary columns only with the "More columns" toggle (drawn here)."""
    hidden = {"explanation", "own_scope"}
    if len(frame) and frame["own_scope"].all():
        hidden.add("scope")
    if not (frame["pace"].astype(str) != "").any():
        hidden |= {"pace", "projected"}
    names = {"dimension": tr("plans_ui_col_dimension")}
    st.toggle(tr("drill_more_columns"), key=MORE,
              help=tr("drill_more_columns_help", names=", ".join(names[c] for c in SECONDARY)))
    if not st.session_state.get(MORE):
        hidden |= set(SECONDARY)
    return [c for c in frame.columns if c not in hidden]


def kpi_table(card: CardScore, framework: str | None = None) -> None:
    st.subheader(tr("plans_ui_sc_kpis"), anchor=False)
    num = st.column_config.NumberColumn
    frame = kpi_display(card, framework)
    st.dataframe(frame, hide_index=True, width="stretch", column_order=kpi_columns(frame), column_config={
        "name": st.column_config.TextColumn(tr("plans_ui_sc_col_name"), pinned=True), "scope": tr("plans_ui_col_scope"),
        "dimension": tr("plans_ui_col_dimension"),
        "weight": num(tr("plans_ui_col_weight"), format="%g"),
        "actual": st.column_config.TextColumn(tr("plans_ui_sc_col_actual")),
        "base": st.column_config.TextColumn(tr("plans_ui_sc_col_target"), help=tr("plans_ui_sc_target_help")),
        "achievement": st.column_config.ProgressColumn(tr("plans_ui_sc_col_achievement"),
                                                       format=numfmt.column_format("achievement"), min_value=0,
                                                       max_value=120, width=118),
        "score": st.column_config.TextColumn(tr("plans_ui_sc_col_score")),
        "tier": st.column_config.TextColumn(tr("plans_ui_sc_col_tier"), help=tr("plans_ui_sc_tier_help")),
        "pace": tr("plans_ui_sc_col_pace"), "projected": st.column_config.TextColumn(tr("plans_ui_sc_col_projected")),
        "explanation": None, "own_scope": None})


def calculations(card: CardScore) -> None:
    st.subheader(tr("plans_ui_sc_calc"), anchor=False)
    scopes = names.scope_labels(r.kpi.scope for r in card.kpis)
    for r in card.kpis:
        score = format_score(r.score.score) if r.score.measurable else tr("plans_tier_no_data")
        with st.expander(f"{r.name(lang())} · {scopes.get(r.kpi.scope, r.kpi.scope)} · {score}"):
            st.write(r.explain(lang()))
    with st.expander(tr("plans_ui_sc_totals_calc"), expanded=True):
        st.markdown("\n".join(f"- {line}" for line in card.totals.explain(lang())))
    st.subheader(tr("plans_ui_sc_360_part"), anchor=False)
    st.markdown("\n".join(f"- {line}" for line in card.explain(lang())[: -len(card.totals.explain(lang())) or None]))


def export(score: PlanScore, card: CardScore) -> None:
    frame = scorecard_tables.kpi_frame(card, lang())
    totals_row = pd.DataFrame([{"metric": k, "name": "" if v is None else str(v)}
                               for k, v in scorecard_tables.totals_dict(card).items()])
    data = to_excel_bytes(pd.concat([frame, totals_row], ignore_index=True), sheet=card.card)
    st.download_button(tr("plans_ui_sc_export"), data, file_name=f"{score.plan.plan_id}-{card.card}.xlsx",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                       icon=":material/download:")
