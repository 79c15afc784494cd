"""Team & people: the team's KPIs against target, every person ranked by gap to their lead target, and one
person's KPIs, trend, funnel, costs, the channels and campaigns they own, and their leads.

State in the URL: ``person`` (``-`` = leads without an owner), ``channel``, ``grain``, ``metric``, ``asof``
and the sidebar's period and compare-to choice (the team's and a person's KPIs side by side with the previous period
and last year, ``ui.compare_table``).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from kpi_engine import drill
from ui import charts, compare_table, ranked
from ui import drill as ui
from ui import drill_detail as detail
from ui.i18n import tr

st.title(tr("drill_team_title"), anchor=False)
st.caption(tr("drill_team_intro"))


def team_section(v: ui.View) -> None:
    """Achievement of every team target as bullet bars, with the definitions one click away."""
    kpis = ui.cached("scope_kpis", "team", "", v.start, v.end, ())
    kpis = kpis.dropna(subset=["target"])
    if kpis.empty:
        return
    st.header(tr("drill_team_kpis"), anchor=False)
    kpis = kpis.sort_values("achievement", kind="stable")
    bars = pd.DataFrame({
        "label": [f"{ui.metric_name(k.metric_id)}\n{ui.fmt(k.actual, k.unit)} / {ui.fmt(k.target, k.unit)}"  # two lines
                  for k in kpis.itertuples()],
        "achievement": kpis["achievement"].to_numpy(),
    })
    charts.show(charts.achievement_chart(bars), "team_kpis", tr("drill_team_kpis"))
    compare_table.render("team", "", list(dict.fromkeys(kpis["metric_id"])), key="cmp_team")
    left, right = st.columns([4, 1])
    left.caption(tr("drill_team_kpis_caption"))
    with right:
        ui.definitions(list(kpis["metric_id"]))


def owned(pid: str, name: str, v: ui.View) -> None:
    """The channels and campaigns the person owns, with the same KPIs as on the Channels page."""
    st.subheader(tr("drill_person_channels", name=name), anchor=False)
    channels = ui.cached("channel_overview", v.start, v.end, owner=pid)
    if channels.empty:
        st.caption(tr("drill_person_no_channels", name=name))
    else:
        chosen = ranked.ranked_table(channels, kind="channel", metrics=drill.CARD_METRICS, state_key=ui.CHANNEL, end=v.end)
        if chosen is not None:
            ranked.clear(ui.CHANNEL)
            st.session_state[ui.CHANNEL] = chosen
        picked = st.session_state.get(ui.CHANNEL, "")
        if picked in set(channels["channel_id"]):
            label = ui.labels(channels, "channel_id", "drill_none_owner")[picked]
            st.page_link("app_pages/channels.py", label=tr("drill_open_channels", name=label), icon=":material/hub:")
    st.subheader(tr("drill_person_campaigns", name=name), anchor=False)
    campaigns = ui.cached("campaign_overview", v.start, v.end, owner=pid)
    if campaigns.empty:
        st.caption(tr("drill_person_no_campaigns", name=name))
    else:
        ranked.ranked_table(campaigns, kind="campaign", metrics=drill.CARD_METRICS, state_key=None, end=v.end)


def person_section(person: str, name: str, v: ui.View) -> None:
    pid = ui.engine_id(person)
    where = {"person": pid}
    st.divider()
    st.header(name, anchor=False)
    kpis = ui.cached("scope_kpis", "person", pid, v.start, v.end, drill.PERSON_METRICS, where=where)
    if kpis["target"].isna().all():
        st.caption(tr("drill_person_no_targets", name=name))
    ui.kpi_cards(kpis, per_row=4, where=where)
    compare_table.render("person", pid, drill.PERSON_METRICS, where=where, key="cmp_person")
    target = None if person == ui.NONE_ID else ("person", pid)
    detail.scope_detail(name, where, target, v)
    if person != ui.NONE_ID:
        owned(pid, name, v)
    detail.leads_list(where, v, f"person/{person}")


if not ui.empty_database():
    v = ui.view()
    if v is not None:
        ui.freshness_note(v)
        team_section(v)
        detail.plan_scores(v.as_of)  # the morning; scored on the data through the day before, as everywhere
        st.header(tr("drill_people"), anchor=False)
        people = ui.cached("person_overview", v.start, v.end)
        if people.empty:
            st.info(tr("drill_no_people"), icon=":material/groups:")
        else:
            person, options = ranked.select_table(people, kind="person", metrics=drill.PERSON_METRICS, state_key=ui.PERSON,
                                              label_key="drill_pick_person", none_key="drill_none_owner", end=v.end)
            if person:
                person_section(person, options[person], v)
ui.init_state()
ui.sync()
