"""The Delivery page's rule form: a manager adds or changes an alert rule (``kpi_engine.push.rules``)."""

from __future__ import annotations

import streamlit as st
from sqlalchemy.engine import Engine

from kpi_engine import access, standup
from kpi_engine.metrics import registry
from kpi_engine.push import rules
from kpi_engine.settings import env_config
from ui.i18n import lang, tr

SAVED_KEY = "push_rule_saved"


def metric_choices() -> list[str]:
    """The metrics a rule can watch: the standup's (pace, budget) and every rate (rate_drop); '' for none."""
    rates = [k for k, m in registry.METRICS.items() if m.unit == "ratio" and k not in standup.METRICS]
    return ["", *standup.METRICS, *rates]


def _metric_label(metric: str) -> str:
    return "—" if not metric else registry.get(metric).name(lang())


def add_rule_block(engine: Engine) -> None:
    """A form: name, kind, metric, scope, threshold; saved through ``rules.save`` (every problem listed)."""
    saved = st.session_state.pop(SAVED_KEY, None)
    if saved:
        st.success(tr("push_ui_rule_saved", rule=saved))
    with st.expander(tr("push_ui_rule_add"), icon=":material/add_alert:"), st.form("push_rule_form"):
        rule_id = st.text_input(tr("push_ui_rule_id"), key="push_rule_id")
        a, b, c = st.columns(3)
        kind = a.selectbox(tr("push_ui_rule_kind"), rules.KINDS, key="push_rule_kind",
                           format_func=lambda k: tr(f"push_ui_rule_kind_{k}"))
        metric = b.selectbox(tr("push_ui_rule_metric"), metric_choices(), key="push_rule_metric",
                             format_func=_metric_label)
        scope = c.selectbox(tr("push_ui_rule_scope"), ("team", "channel"), key="push_rule_scope",
                            format_func=lambda s: tr(f"push_ui_rule_scope_{s}"))
        threshold = st.text_input(tr("push_ui_rule_threshold"), key="push_rule_threshold",
                                  help=tr("push_ui_rule_threshold_help"))
        if not st.form_submit_button(tr("push_ui_rule_save")):
            return
    try:
        limit = float(threshold.replace(",", ".")) if threshold.strip() else None
    except ValueError:
        st.error(tr("push_ui_rule_bad", problems=tr("push_ui_rule_bad_threshold")))
        return
    try:
        rules.save(engine, rules.Rule(rule_id.strip(), kind, metric, scope, limit),
                   user=access.actor_name() or env_config().user)
    except rules.RuleError as exc:  # every problem, naming the form's fields
        st.error(tr("push_ui_rule_bad", problems="; ".join(exc.messages(lang(), "form"))))
        return
    st.session_state[SAVED_KEY] = rule_id.strip()
    st.rerun()  # the rules table above shows the new rule
