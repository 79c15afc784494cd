"""The sidebar every page shares: language, the one period control and the compare-to choice, all kept in the URL.

The period (grain day | week | month | quarter | custom, with a day inside it or a custom range) is the only date
control of the app: every page reads :func:`current_period` (and :func:`comparison` for the windows it is compared
with, rules in ``kpi_engine.compare``). The *morning* a page is seen from is today, or ``?asof=`` pinned by a link
(a replay of a past standup); it is not a control. Links made before the shared period still open the view they
meant: :func:`_translate_legacy` turns the Reviews page's ``?review=``/``?mode=`` into the period, once.
"""

from __future__ import annotations

import datetime as dt

import streamlit as st

from kpi_engine import compare, periods
from kpi_engine.i18n import LANGS
from ui import state
from ui.db import today as store_today
from ui.i18n import LANG_KEY, LANG_LABELS, default_lang, tr
from ui.period import GRAINS, Period, make_period

PERIOD_KEY = "period"  # grain: day | week | month | quarter | custom
DATE_KEY = "date"  # any day inside the period (day .. quarter)
RANGE_KEY = "range"  # custom range "YYYY-MM-DD..YYYY-MM-DD"
COMPARE_KEY = "compare"  # previous | last_year | both | none
MORNING_KEY = "asof"  # the morning pinned by a link (absent: today)
CURRENT_PERIOD_KEY = "_period"  # the resolved Period, for pages
LEGACY_KEYS = ("review", "mode")  # the Reviews page's own period before the shared one


def morning() -> dt.date:
    """The morning pages are seen from: ``?asof=`` when a link pinned it, else today (data through yesterday)."""
    value = st.session_state.get(MORNING_KEY)
    return value if isinstance(value, dt.date) else store_today()


def _translate_legacy() -> None:
    """``?review=2026-W47`` / ``?mode=weekly`` (Reviews links and push messages before the shared period) become
    ``?period=&date=`` on the first run of a session; an explicit ``period`` or ``date`` wins."""
    params = st.query_params
    review, mode = params.get("review"), params.get("mode")
    if review is None and mode is None:
        return
    for key in LEGACY_KEYS:
        if key in params:
            del params[key]
    if PERIOD_KEY in params or DATE_KEY in params:
        return
    label = review
    if not label and mode in ("weekly", "monthly"):
        from kpi_engine.reviews.build import default_period  # the review a meeting on the morning holds

        label = default_period(mode, morning())
    try:
        grain, start, _ = periods.parse_period(label or "")
    except ValueError:
        return
    if grain in ("day", "week", "month", "quarter"):
        params[PERIOD_KEY], params[DATE_KEY] = grain, start.isoformat()


def init_state() -> None:
    """Read the shared view state from the URL (first run of a session) or keep the session's."""
    state.url_state(LANG_KEY, default_lang(), state.choice(LANGS))
    state.url_state(MORNING_KEY, None, state.parse_date, state.dump_date)
    if PERIOD_KEY not in st.session_state:
        _translate_legacy()
    state.url_state(PERIOD_KEY, "month", state.choice(GRAINS))
    day = morning() - dt.timedelta(days=1)  # the default period holds the last day with data: yesterday
    state.url_state(DATE_KEY, day, state.parse_date, state.dump_date)
    state.url_state(RANGE_KEY, (day.replace(day=1), day), state.parse_range, state.dump_range)
    state.url_state(COMPARE_KEY, compare.DEFAULT_CHOICE, state.choice(tuple(compare.CHOICES)))


def render_sidebar() -> Period:
    """Draw the language switch, the period picker and the compare-to choice; return the selected period."""
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
        compare_labels = {c: tr(f"period_compare_{c}") for c in compare.CHOICES}
        st.selectbox(tr("period_compare"), list(compare.CHOICES), key=COMPARE_KEY, help=tr("period_compare_help"),
                     format_func=compare_labels.__getitem__)
        if isinstance(st.session_state.get(MORNING_KEY), dt.date):
            st.caption(tr("period_morning_pinned", day=morning().isoformat()))
    st.session_state[CURRENT_PERIOD_KEY] = period
    state.sync_url(omit=(DATE_KEY,) if period.grain == "custom" else (RANGE_KEY,))
    return period


def current_period() -> Period:
    """The period picked in the sidebar (pages call this; app.py draws the sidebar first)."""
    value = st.session_state.get(CURRENT_PERIOD_KEY)
    if isinstance(value, Period):
        return value
    return make_period("month", morning() - dt.timedelta(days=1))


def comparison() -> compare.Comparison:
    """The current period seen on the morning, with its previous and last year's windows (same elapsed days)."""
    p = current_period()
    return compare.compare(p.start, p.end, p.grain, morning())


def compare_kinds() -> tuple[str, ...]:
    """The comparisons the sidebar's choice shows: ``previous``, ``last_year``, both or none."""
    return compare.CHOICES.get(str(st.session_state.get(COMPARE_KEY)), compare.CHOICES[compare.DEFAULT_CHOICE])


def link_params() -> dict[str, str]:
    """The shared state as query parameters, for a link that opens another page on the same view."""
    p = current_period()
    params = {PERIOD_KEY: p.grain, LANG_KEY: str(st.session_state.get(LANG_KEY, default_lang()))}
    if p.grain == "custom":
        params[RANGE_KEY] = f"{p.start.isoformat()}..{p.end.isoformat()}"
    else:
        params[DATE_KEY] = p.start.isoformat()
    pinned = st.session_state.get(MORNING_KEY)
    if isinstance(pinned, dt.date):
        params[MORNING_KEY] = pinned.isoformat()
    return params
