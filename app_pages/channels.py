"""Channels: every channel ranked by gap to its lead target; a channel's campaigns, trend, funnel, costs; leads.

State in the URL: ``channel``, ``campaign`` (``-`` = the channel's leads without a campaign), ``grain``,
``metric``, ``asof`` and the sidebar's period and compare-to choice (a channel's and a campaign's KPIs side by side with
the previous period and last year, ``ui.compare_table``).
"""

from __future__ import annotations

import streamlit as st

from kpi_engine import drill
from ui import compare_table, ranked
from ui import drill as ui
from ui import drill_detail as detail
from ui.i18n import tr

st.title(tr("drill_channels_title"), anchor=False)
st.caption(tr("drill_channels_intro"))


def campaign_section(channel: str, channel_name: str, v: ui.View) -> None:
    """The channel's campaigns, then the selected campaign's (or the channel's) detail and leads."""
    st.header(tr("drill_campaigns_of", name=channel_name), anchor=False)
    campaigns = ui.cached("campaign_overview", v.start, v.end, channel=channel)
    if campaigns.empty:
        st.info(tr("drill_no_campaigns"), icon=":material/campaign:")
        campaign = ""
    else:
        campaign, options = ranked.select_table(campaigns, kind="campaign", metrics=drill.CARD_METRICS, state_key=ui.CAMPAIGN,
                                            label_key="drill_pick_campaign", none_key="drill_none_campaign", end=v.end)
    if campaign:
        where = {"channel": channel, "campaign": ui.engine_id(campaign)}
        name = options[campaign]
        target = None if campaign == ui.NONE_ID else ("campaign", campaign)
        st.header(name, anchor=False)
        kpis = ui.cached("scope_kpis", "campaign", ui.engine_id(campaign), v.start, v.end, drill.CARD_METRICS,
                         where=where)
        ui.kpi_cards(kpis, per_row=4, where=where)
        compare_table.render("campaign", ui.engine_id(campaign), drill.CARD_METRICS, where=where, key="cmp_campaign")
    else:
        where, name, target = {"channel": channel}, channel_name, ("channel", channel)
    detail.scope_detail(name, where, target, v)
    detail.leads_list(where, v, f"{channel}/{campaign}")


if not ui.empty_database():
    v = ui.view()
    if v is not None:
        ui.freshness_note(v)
        channels = ui.cached("channel_overview", v.start, v.end)
        if channels.empty:
            st.info(tr("drill_no_channels"), icon=":material/hub:")
        else:
            channel, options = ranked.select_table(channels, kind="channel", metrics=drill.CARD_METRICS, state_key=ui.CHANNEL,
                                               label_key="drill_pick_channel", none_key="drill_none_owner", end=v.end)
            if channel:
                row = channels[channels["channel_id"] == channel].iloc[0]
                st.divider()
                st.header(options[channel], anchor=False)
                kpis = ui.cached("scope_kpis", "channel", channel, v.start, v.end, drill.CARD_METRICS)
                ui.kpi_cards(kpis, per_row=4, where={"channel": channel})
                compare_table.render("channel", channel, drill.CARD_METRICS, key="cmp_channel")
                campaign_section(channel, str(row["name"]), v)
ui.init_state()
ui.sync()
