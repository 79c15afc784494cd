"""The Delivery page's blocks: destinations (secrets hidden), recent sends with failures first, alerts to
acknowledge or mute, and the alert rules. Everything is read from and written through ``kpi_engine.push``."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st
from sqlalchemy.engine import Engine

from kpi_engine.push import alerts, destinations, jobs, rules
from kpi_engine.push.delivery import recent_sends
from kpi_engine.settings import env_config
from ui import db, names
from ui.i18n import lang, tr

SEND_STATUSES = ("sent", "failed", "sending")
ALERT_STATUSES = ("open", "sent", "muted", "acknowledged")


def _status(kind: str, value: str) -> str:
    return tr(f"push_ui_{kind}_{value}")


def destinations_block(engine: Engine) -> list[destinations.Destination]:
    st.header(tr("push_ui_destinations"), anchor=False)
    found = destinations.load(engine, include_inactive=True)
    if not found:
        st.info(tr("push_ui_no_destinations"), icon=":material/send:")
        st.code("python -m kpi_engine push dest add team-group --kind feishu --url URL --secret-env FEISHU_SECRET",
                language="bash")
        return found
    st.dataframe(pd.DataFrame({
        tr("push_ui_col_name"): [d.name for d in found], tr("push_ui_col_kind"): [d.kind for d in found],
        tr("push_ui_col_target"): [d.masked() for d in found], tr("push_ui_col_lang"): [d.lang for d in found],
        tr("push_ui_col_receives"): [", ".join(d.kinds) for d in found],
        tr("push_ui_col_active"): [d.active for d in found]}), hide_index=True, width="stretch")
    left, right = st.columns([3, 1], vertical_alignment="bottom")
    name = left.selectbox(tr("push_ui_test_pick"), [d.name for d in found], key="push_test_dest")
    if right.button(tr("push_ui_test"), key="push_test_send"):
        outcome = jobs.test_destination(engine, name)
        if outcome.status == "sent":
            st.success(tr("push_ui_test_ok", name=name))
        else:
            st.error(tr("push_ui_test_failed", name=name, error=outcome.error))
    return found


def sends_block(engine: Engine) -> None:
    st.header(tr("push_ui_sends"), anchor=False)
    sends = recent_sends(engine)
    if sends.empty:
        st.caption(tr("push_ui_no_sends"))
        return
    failed = sends[sends["status"] == "failed"]
    stuck = sends[sends["status"] == "sending"]
    if len(failed):
        st.error(tr("push_ui_failed_count", n=len(failed)), icon=":material/error:")
    if len(stuck):
        st.warning(tr("push_ui_stuck_count", n=len(stuck)), icon=":material/pending:")
    order = sends.assign(_rank=sends["status"].map({"failed": 0, "sending": 1}).fillna(2)).sort_values(
        ["_rank", "started_at"], ascending=[True, False], kind="stable")
    st.dataframe(pd.DataFrame({
        tr("push_ui_col_when"): order["started_at"], tr("push_ui_col_kind"): order["kind"],
        tr("push_ui_col_period"): order["period"], tr("push_ui_col_name"): order["destination"],
        tr("push_ui_col_status"): [_status("send", s) for s in order["status"]],
        tr("push_ui_col_attempts"): order["attempts"], tr("push_ui_col_error"): order["error"].fillna(""),
        tr("push_ui_col_title"): order["title"].fillna("")}), hide_index=True, width="stretch")


def alerts_block(engine: Engine) -> None:
    st.header(tr("push_ui_alerts"), anchor=False)
    log = alerts.events(engine, limit=200)
    if log.empty:
        st.caption(tr("push_ui_no_alerts"))
    else:
        text = log["text_zh" if lang() == "zh" else "text_en"]
        st.dataframe(pd.DataFrame({
            tr("push_ui_col_day"): log["day"], tr("push_ui_col_rule"): log["rule_id"],
            tr("push_ui_col_status"): [_status("alert", s) for s in log["status"]], tr("push_ui_col_alert"): text,
            tr("push_ui_col_ack_by"): log["acknowledged_by"].fillna("")}), hide_index=True, width="stretch")
        pending = log[log["status"] != "acknowledged"]
        if len(pending):
            labels = dict(zip(pending["alert_key"], text[pending.index], strict=True))
            left, right = st.columns([3, 1], vertical_alignment="bottom")
            key = left.selectbox(tr("push_ui_ack_pick"), list(labels), format_func=lambda k: labels[k][:120],
                                 key="push_ack_pick")
            if right.button(tr("push_ui_ack"), key="push_ack"):
                alerts.acknowledge(engine, key, env_config().user)
                st.rerun()
    mute_block(engine)


def mute_block(engine: Engine) -> None:
    found = rules.load(engine, active_only=False)
    if not found:
        st.info(tr("push_ui_no_rules"), icon=":material/notifications:")
        st.code("python -m kpi_engine push rule add leads-pace --kind behind_pace --metric leads --threshold 0.1",
                language="bash")
        return
    st.subheader(tr("push_ui_rules"), anchor=False)
    st.dataframe(pd.DataFrame({
        tr("push_ui_col_rule"): [r.rule_id for r in found], tr("push_ui_col_kind"): [r.kind for r in found],
        tr("push_ui_col_metric"): [r.metric or "—" for r in found],
        tr("push_ui_col_scope"): [r.scope_type for r in found],
        tr("push_ui_col_threshold"): [r.limit for r in found]}), hide_index=True, width="stretch")
    a, b, c = st.columns([2, 2, 1], vertical_alignment="bottom")
    rule_id = a.selectbox(tr("push_ui_mute_rule"), [r.rule_id for r in found], key="push_mute_rule")
    until = b.date_input(tr("push_ui_mute_until"), db.today() + dt.timedelta(days=7), key="push_mute_until")
    if c.button(tr("push_ui_mute"), key="push_mute"):
        alerts.mute(engine, rule_id, until, user=env_config().user)
        st.success(tr("push_ui_muted", rule=rule_id, until=until.isoformat()))
    muted = alerts.mutes(engine)
    if len(muted):
        scopes = names.scope_labels(s for s in muted["scope"] if s)  # by name, never "channel:baidu_search"
        st.caption(tr("push_ui_mutes", list=", ".join(
            f"{r.rule_id}{' ' + scopes.get(r.scope, r.scope) if r.scope else ''} → {r.until}" for r in muted.itertuples())))
