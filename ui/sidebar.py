"""The sidebar every page shares: language switch and period picker, both kept in the URL."""

from __future__ import annotations

import streamlit as st

from kpi_engine.i18n import LANGS
from ui import state
from ui.db import today as store_today
from ui.i18n import LANG_KEY, LANG_LABELS, default_lang, tr
from ui.period import GRAINS, Period, make_period

PERIOD_KEY = "period"  # grain: day | week | month | quarter | custom
DATE_KEY = "date"  # any day inside the period (day .. quarter)
RANGE_KEY = "range"  # custom range "YYYY-MM-DD..YYYY-MM-DD"
CURRENT_PERIOD_KEY = "_period"  # the resolved Period, for pages


def init_state() -> None:
    """Read the shared view state from the URL (first run of a session) or keep the session's."""
    state.url_state(LANG_KEY, default_lang(), state.choice(LANGS))
    state.url_state(PERIOD_KEY, "month", state.choice(GRAINS))
    today = store_today()
    state.url_state(DATE_KEY, today, state.parse_date, state.dump_date)
    state.url_state(RANGE_KEY, (today.replace(day=1), today), state.parse_range, state.dump_range)


def render_sidebar() -> Period:
    """Draw the language switch and the period picker; return the selected period."""
    init_state()
    with st.sidebar:
        st.segmented_control(
            tr("ui_language"), list(LANGS), key=LANG_KEY, required=True,
            format_func=LANG_LABELS.__getitem__,
        )
        st.subheader(tr("ui_period"))
        grain_labels = {g: tr(f"ui_grain_{g}") for g in GRAINS}  # format_func may run outside the script run
        grain = st.segmented_control(
            tr("ui_period_grain"), list(GRAINS), key=PERIOD_KEY, required=True,
            format_func=grain_labels.__getitem__, label_visibility="collapsed",
        )
        if grain == "custom":
            picked = st.date_input(tr("ui_period_range"), key=RANGE_KEY, persist_state="session")
            period = make_period("custom", st.session_state[DATE_KEY], tuple(picked))
        else:
            anchor = st.date_input(tr("ui_period_anchor"), key=DATE_KEY, help=tr("ui_period_anchor_help"),
                                   persist_state="session")
            period = make_period(grain, anchor)
        caption = "ui_period_caption_custom" if period.grain == "custom" else "ui_period_caption"
        st.caption(tr(caption, label=period.label, start=period.start.isoformat(),
                      end=period.end.isoformat(), days=period.days))
    st.session_state[CURRENT_PERIOD_KEY] = period
    state.sync_url(omit=(DATE_KEY,) if period.grain == "custom" else (RANGE_KEY,))
    return period


def current_period() -> Period:
    """The period picked in the sidebar (pages call this; app.py draws the sidebar first)."""
    value = st.session_state.get(CURRENT_PERIOD_KEY)
    if isinstance(value, Period):
        return value
    today = store_today()
    return make_period("month", today)
