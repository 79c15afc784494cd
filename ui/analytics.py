"""The Analytics page's building blocks: forecast card and chart, budget what-if, attribution comparison.

Numbers come from :mod:`kpi_engine.analytics` (cached until the data changes); texts from the i18n catalogue.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, cast

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

from kpi_engine import fmt, periods, store, targets
from kpi_engine.analytics import attribution, forecast
from kpi_engine.metrics import registry
from kpi_engine.metrics.query import data_bounds
from ui import charts, db
from ui import numbers as num
from ui.charts import ACTUAL_COLOR, TARGET_COLOR
from ui.i18n import lang, tr

if TYPE_CHECKING:  # imported where the budget tab needs them: scipy takes about a second to import
    from kpi_engine.analytics import budget, response

FORECAST_METRICS = ("leads", "mqls", "sqls", "wins", "revenue", "spend", "cpl", "cac")
FIT_WEEKS = 26
ATTRIBUTION_DAYS = (30, 90, 180)
TAB_KEY = "an_tab"  # the open tab (its label); only the open tab runs
_KEPT = "an_kept"  # {widget key: value}: the tabs' choices, kept while their tab is closed


def keep_choices() -> None:
    """Call before the tabs. Only the open tab runs, and Streamlit forgets the state of a widget it did not draw:
    the choices made in a tab (this page's ``an_*`` and ``cm_*`` widgets) are noted here and given back when the
    tab opens again."""
    kept = st.session_state.setdefault(_KEPT, {})
    for key in list(st.session_state.keys()):
        if str(key).startswith(("an_", "cm_")) and not str(key).endswith("_btn") and key not in (TAB_KEY, _KEPT):
            kept[key] = st.session_state[key]
    for key, value in kept.items():
        if key not in st.session_state:
            st.session_state[key] = value


def _seed(key: str, default: object, options: list[str] | None = None) -> None:
    """Start ``key``'s widget at ``default`` unless it holds a choice (one of ``options``): given through session
    state, never as the widget's own default as well (:func:`keep_choices` may have given its value back)."""
    if key not in st.session_state or (options is not None and st.session_state[key] not in options):
        st.session_state[key] = default


@st.cache_data(show_spinner=False, max_entries=16)
def _last_day(url: str, version: str) -> dt.date | None:
    found = data_bounds(store.get_engine(url), ["leads", "spend"])
    return None if found is None else min(found[1], dt.date.today())


def last_day() -> dt.date | None:
    """The last day with leads or spend (the as-of day of every analysis), None on an empty store."""
    return _last_day(db.db_url(), db.version())


@st.cache_data(show_spinner=False, max_entries=64)
def _forecast(url: str, version: str, metric: str, start: dt.date, end: dt.date, as_of: dt.date):
    engine = store.get_engine(url)
    fc = forecast.forecast_metric(engine, metric, start=start, end=end, as_of=as_of)
    target = targets.target_value(engine, metric, start=start, end=end)
    return fc, target


def forecast_tab(as_of: dt.date) -> None:
    """KPI and period pickers, the projection with its band against the target, and the chart."""
    left, right = st.columns(2)
    metric = left.selectbox(tr("analytics_fc_metric"), FORECAST_METRICS, key="an_fc_metric",
                            format_func=lambda m: registry.get(m).name(lang()))
    grain = right.radio(tr("analytics_fc_grain"), ("month", "quarter"), horizontal=True, key="an_fc_grain",
                        format_func=lambda g: tr(f"analytics_fc_grain_{g}"))
    start, end = periods.period_range(as_of, grain)
    fc, target = _forecast(db.db_url(), db.version(), metric, start, end, as_of)
    unit = registry.get(metric).unit
    cols = st.columns(3)
    cols[0].metric(tr("analytics_fc_actual"), num.value(fc.actual, unit))
    whole = (lambda v: round(v)) if unit == "count" else (lambda v: v)  # a band of counts in whole numbers
    band = (tr("analytics_bw_band", low=num.value(whole(fc.low), unit), high=num.value(whole(fc.high), unit))
            if fc.low is not None and fc.high is not None else None)
    cols[1].metric(tr("analytics_fc_projected"), num.value(None if fc.projected is None else whole(fc.projected), unit),
                   help=tr("analytics_fc_how"))
    if band:
        cols[1].caption(band)
    cols[2].metric(tr("analytics_fc_target"), num.value(target, unit) if target is not None
                   else tr("analytics_fc_no_target"))
    if fc.low is None and fc.end > as_of:
        st.info(tr("analytics_fc_no_band"), icon=":material/info:")
    name = registry.get(metric).name(lang())
    charts.show(forecast_chart(fc, target, name), "an_fc", tr("analytics_fc_chart", metric=name).split(":")[0].split("：")[0])
    st.caption(tr("analytics_fc_how"))


def forecast_chart(fc: forecast.Forecast, target: float | None, name: str) -> alt.LayerChart:
    """Cumulative actual (solid), projection (dashed) inside its band (shaded), target (red rule)."""
    frame = fc.daily.copy()
    frame["date"] = pd.to_datetime(frame["date"])
    actual_name, proj_name = tr("analytics_series_actual"), tr("analytics_series_projected")
    lines = pd.concat([frame[["date", "actual"]].rename(columns={"actual": "value"}).assign(series=actual_name),
                       frame[["date", "projected"]].rename(columns={"projected": "value"}).assign(series=proj_name)])
    # dates written by us, not by Vega's English month and weekday names
    x = alt.X("date:T", title=tr("analytics_axis_date"), axis=alt.Axis(format="%m-%d" if lang() == "zh" else "%b %d"))
    color = alt.Color("series:N", title=None, scale=alt.Scale(domain=[actual_name, proj_name],
                                                              range=[ACTUAL_COLOR, ACTUAL_COLOR]))
    layers = [
        alt.Chart(frame.dropna(subset=["low"])).mark_area(opacity=0.2, color=ACTUAL_COLOR).encode(
            x=x, y=alt.Y("low:Q", title=name), y2="high:Q"),
        alt.Chart(lines.dropna(subset=["value"])).mark_line().encode(
            x=x, y=alt.Y("value:Q", title=name), color=color,
            strokeDash=alt.StrokeDash("series:N", legend=None, scale=alt.Scale(
                domain=[actual_name, proj_name], range=[[1, 0], [6, 4]]))),
    ]
    if target is not None:
        layers.append(alt.Chart(pd.DataFrame({"target": [target]})).mark_rule(color=TARGET_COLOR, strokeDash=[4, 4])
                      .encode(y=alt.Y("target:Q", title=name),
                              tooltip=[alt.Tooltip("target:Q", title=tr("analytics_fc_target"), format=",.0f")]))
    return alt.layer(*layers).properties(height=320, title=tr("analytics_fc_chart", metric=name))


@st.cache_data(show_spinner=False, max_entries=16)
def _curves(url: str, version: str, start: dt.date, end: dt.date) -> dict[str, response.Curve]:
    from kpi_engine.analytics import response

    return response.fit_channels(store.get_engine(url), start=start, end=end)


@st.cache_data(show_spinner=False, max_entries=16)
def _names(url: str, version: str) -> dict[str, str]:
    return attribution.channel_names(store.get_engine(url))


def names() -> dict[str, str]:
    return _names(db.db_url(), db.version())


def budget_tab(as_of: dt.date) -> None:
    """Fitted curves, "move ¥X from A to B", and the optimiser's proposed split."""
    from kpi_engine.analytics import budget

    end = periods.period_start(as_of + dt.timedelta(days=1), "week") - dt.timedelta(days=1)  # last full week
    start = end - dt.timedelta(weeks=FIT_WEEKS) + dt.timedelta(days=1)
    curves = _curves(db.db_url(), db.version(), start, end)
    if not curves:
        st.info(tr("analytics_bw_none"), icon=":material/insights:")
        return
    label = names()
    st.caption(tr("analytics_bw_fitted", weeks=FIT_WEEKS, start=start.isoformat(), end=end.isoformat()))
    now = budget.current_spend(curves)
    charts.show(curves_chart(curves, label), "an_bw", tr("analytics_bw_curves").split(" (")[0].split("（")[0])
    table = pd.DataFrame([{tr("analytics_bw_channel"): label.get(c, c), tr("analytics_bw_model"): cv.model,
                           tr("analytics_bw_fit"): fmt.number(cv.r2, 2, lang()), tr("analytics_bw_win_rate"): cv.win_rate,
                           tr("analytics_bw_now"): now[c]} for c, cv in curves.items()])
    st.dataframe(num.styled(table, {tr("analytics_bw_win_rate"): "ratio", tr("analytics_bw_now"): "money"}),
                 hide_index=True, key="an_bw_curves")
    channels = sorted(curves)
    st.subheader(tr("analytics_bw_move"), anchor=False)
    c1, c2, c3 = st.columns(3)
    _seed("an_bw_from", channels[0], channels)
    _seed("an_bw_to", channels[min(1, len(channels) - 1)], channels)
    source = c1.selectbox(tr("analytics_bw_from"), channels, key="an_bw_from", format_func=lambda c: label.get(c, c))
    target = c2.selectbox(tr("analytics_bw_to"), channels, key="an_bw_to", format_func=lambda c: label.get(c, c))
    _seed("an_bw_amount", float(round(now[source] * 0.2, -2)))
    amount = c3.number_input(tr("analytics_bw_amount"), min_value=0.0, step=100.0, key="an_bw_amount")
    if source != target:
        before, after = budget.move(curves, now, amount, source, target)
        outcome_metrics(before, after)
    st.subheader(tr("analytics_bw_optimise"), anchor=False)
    o1, o2, o3 = st.columns(3)
    _seed("an_bw_budget", float(round(sum(now.values()), -2)))
    total = o1.number_input(tr("analytics_bw_budget"), min_value=0.0, step=1000.0, key="an_bw_budget")
    objective = o2.radio(tr("analytics_bw_objective"), ("leads", "wins"), horizontal=True, key="an_bw_objective",
                         format_func=lambda o: tr(f"analytics_bw_obj_{o}"))
    _seed("an_bw_limits", (50, 150))
    low, high = cast(tuple[int, int], o3.slider(tr("analytics_bw_limits"), 0, 300, step=10, key="an_bw_limits"))
    limits = budget.default_limits(now, low=low / 100, high=high / 100)
    try:
        proposed = budget.optimise(curves, total, limits, objective=objective)
    except ValueError as exc:
        st.warning(tr("analytics_bw_infeasible", reason=str(exc)), icon=":material/warning:")
        return
    even = budget.even_split(channels, total)
    rows = []
    for name, split in ((tr("analytics_bw_current"), now), (tr("analytics_bw_even"), even),
                        (tr("analytics_bw_proposed"), proposed)):
        out = budget.evaluate(curves, split)
        rows.append({tr("analytics_bw_split"): name, **{label.get(c, c): split[c] for c in channels},
                     tr("analytics_bw_leads_metric"): out.leads, tr("analytics_bw_cac_metric"): out.cac})
    frame = pd.DataFrame(rows)
    units = {label.get(c, c): "money" for c in channels} | {tr("analytics_bw_leads_metric"): "count",
                                                            tr("analytics_bw_cac_metric"): "money"}
    st.dataframe(num.styled(frame, units), hide_index=True, key="an_bw_split")


def outcome_metrics(before: budget.Outcome, after: budget.Outcome) -> None:
    """Leads and CAC after the move, their change, and the 80% bands."""
    m1, m2 = st.columns(2)
    m1.metric(tr("analytics_bw_leads_metric"), num.value(after.leads, "count"),
              delta=num.delta(after.leads - before.leads, "count"))
    m1.caption(tr("analytics_bw_band", low=num.value(round(after.leads_low), "count"),
                  high=num.value(round(after.leads_high), "count")))
    diff = None if after.cac is None or before.cac is None else after.cac - before.cac
    m2.metric(tr("analytics_bw_cac_metric"), num.value(after.cac, "money"),
              delta=num.delta(diff, "money") if diff is not None else None, delta_color="inverse")
    lo, hi = after.cac_band
    m2.caption(tr("analytics_bw_band", low=num.value(lo, "money"), high=num.value(hi, "money")))
    if after.outside:
        st.warning(tr("analytics_bw_outside", channels=", ".join(names().get(c, c) for c in after.outside)),
                   icon=":material/warning:")


def curves_chart(curves: dict[str, response.Curve], label: dict[str, str]) -> alt.LayerChart:
    """Each channel's fitted curve from 0 to 1.5× its highest weekly spend."""
    rows = []
    for c, cv in curves.items():
        for x in np.linspace(0, cv.spend_range[1] * 1.5, 40):
            rows.append({"channel": label.get(c, c), "spend": float(x), "leads": float(cv.predict(x))})
    frame = pd.DataFrame(rows)
    return alt.Chart(frame).mark_line().encode(
        x=alt.X("spend:Q", title=tr("analytics_bw_spend")), y=alt.Y("leads:Q", title=tr("analytics_bw_leads")),
        color=alt.Color("channel:N", title=tr("analytics_bw_channel")),
        tooltip=[alt.Tooltip("channel:N", title=tr("analytics_bw_channel")),
                 alt.Tooltip("spend:Q", title=tr("analytics_bw_spend"), format=",.0f"),
                 alt.Tooltip("leads:Q", title=tr("analytics_bw_leads"), format=",.1f")],
    ).properties(height=320, title=tr("analytics_bw_curves").split(" (")[0].split("（")[0])


@st.cache_data(show_spinner=False, max_entries=16)
def _credit(url: str, version: str, start: dt.date, end: dt.date) -> tuple[pd.DataFrame, str]:
    engine = store.get_engine(url)
    return attribution.channel_credit(engine, start, end), attribution.touches_source(engine)


def attribution_tab(as_of: dt.date) -> None:
    """Credited wins, spend and CAC per channel under each model; a grouped bar chart of CAC."""
    _seed("an_at_days", ATTRIBUTION_DAYS[1])
    days = st.radio(tr("analytics_at_window"), ATTRIBUTION_DAYS, horizontal=True, key="an_at_days",
                    format_func=lambda d: tr("analytics_at_days", days=d))
    start, end = as_of - dt.timedelta(days=days - 1), as_of
    credit, source = _credit(db.db_url(), db.version(), start, end)
    if source == "derived":
        st.info(tr("analytics_at_source_derived"), icon=":material/info:")
    else:
        st.caption(tr("analytics_at_source_touches", start=start.isoformat(), end=end.isoformat()))
    if credit.empty or (credit["leads"].sum() == 0 and credit["wins"].sum() == 0):
        st.info(tr("analytics_at_none", start=start.isoformat(), end=end.isoformat()), icon=":material/info:")
        return
    label = names()
    frame = credit.assign(channel=credit["channel_id"].map(lambda c: label.get(c, c)),
                          model_name=credit["model"].map(lambda m: tr(f"analytics_at_model_{m}")))
    bars = frame.dropna(subset=["cac"])
    if len(bars):
        charts.show(alt.Chart(bars).mark_bar().encode(
            x=alt.X("channel:N", title=tr("analytics_bw_channel")),
            xOffset=alt.XOffset("model_name:N", sort=[tr(f"analytics_at_model_{m}") for m in attribution.MODELS]),
            y=alt.Y("cac:Q", title=f"{tr('analytics_at_cac')} ({db.settings().currency_symbol})"),
            color=alt.Color("model_name:N", title=None, sort=[tr(f"analytics_at_model_{m}")
                                                                for m in attribution.MODELS]),
            tooltip=[alt.Tooltip("channel:N", title=tr("analytics_bw_channel")),
                     alt.Tooltip("model_name:N", title=tr("analytics_at_model")),
                     alt.Tooltip("wins:Q", title=tr("analytics_at_wins"), format=",.2f"),
                     alt.Tooltip("cac:Q", title=tr("analytics_at_cac"), format=",.0f")],
        ).properties(height=340, title=tr("analytics_at_chart")), "an_at", tr("analytics_at_chart"))
    st.subheader(tr("analytics_at_table"), anchor=False)
    wide = frame.pivot_table(index="channel", columns="model", values=["wins", "cac"], aggfunc="first",
                             dropna=False)
    spend = frame.groupby("channel")["spend"].first()
    table = pd.DataFrame({tr("analytics_bw_channel"): wide.index, tr("analytics_at_spend"): spend.reindex(wide.index)})
    units = {tr("analytics_at_spend"): "money"}
    for m in attribution.MODELS:
        model = tr(f"analytics_at_model_{m}")
        table[f"{model} · {tr('analytics_at_wins')}"] = wide[("wins", m)].to_numpy()
        table[f"{model} · {tr('analytics_at_cac')}"] = wide[("cac", m)].to_numpy()
        units |= {f"{model} · {tr('analytics_at_wins')}": "count", f"{model} · {tr('analytics_at_cac')}": "money"}
    st.dataframe(num.styled(table.reset_index(drop=True), units), hide_index=True, key="an_at_table")
