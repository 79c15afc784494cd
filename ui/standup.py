"""The Standup page's building blocks: the cached standup, the meeting day (from the sidebar's period), the KPI board, alerts, changes.

The whole standup (``kpi_engine.standup.build``) is computed once per (database, data version, as-of day) and
cached: an upload bumps the data version, so the next rerun shows it at once. Texts are formatted here, per
language, from the cached numbers.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import streamlit as st

from kpi_engine import compare, fmt, periods, standup, store
from kpi_engine.metrics import registry
from kpi_engine.standup import Alert, Card, Standup
from kpi_engine.standup.pace_board import PaceBoard
from ui import auth, sidebar
from ui.cards import Band, Figure, forecast_lines, kpi_card, status_badge
from ui.db import db_url, settings, version
from ui.i18n import lang, tr

ROOT = Path(__file__).resolve().parent.parent
CHANNELS_PAGE, TEAM_PAGE, DATA_PAGE = "app_pages/channels.py", "app_pages/team.py", "app_pages/data.py"
BOARD_ROWS = (("leads", "mqls", "sqls", "wins"), ("spend", "cpl", "response_sla"))
CARDS_KEY, CHANGES_KEY = "standup_cards_open", "standup_changes_open"  # the folded parts: they run only when open


def as_of() -> dt.date:
    """The meeting day the sidebar's period opens (``kpi_engine.compare.meeting_day``): today's while the period
    runs, else the morning after its last day (numbers through the day before the meeting)."""
    p = sidebar.current_period()
    return compare.meeting_day(p.start, p.end, sidebar.morning())


@st.cache_data(show_spinner=False, max_entries=32)
def _build(url: str, data_version: str, day: dt.date) -> Standup:
    return standup.build(store.get_engine(url), day)


def load(day: dt.date) -> Standup:
    """The standup for ``day``, cached until the data changes."""
    return _build(db_url(), version(), day)


def _date(d: dt.date) -> str:
    if lang() == "zh":
        return f"{d.month}月{d.day}日 周{'一二三四五六日'[d.weekday()]}"
    return d.strftime("%a %d %b %Y")


def header(s: Standup) -> None:
    """Title (the meeting day) and how the sidebar's period picked it; the period is the page's only date control
    (what the card windows cover is said above the cards: :func:`board`)."""
    st.html(_PHONE_CSS)
    w = s.windows
    through = w.yesterday.isoformat()  # how the sidebar's period picks the meeting day: in the title's help
    st.title(tr("standup_title", day=_date(w.as_of)), anchor=False, help=tr("standup_period_caption", through=through))
    p = sidebar.current_period()
    if compare.counted_through(p.start, p.end, sidebar.morning()) is None:
        st.info(tr("standup_period_future", label=p.label, day=w.as_of.isoformat()), icon=":material/event_upcoming:")


def _jump(day: dt.date) -> None:
    """Open the standup whose numbers end on ``day``: the period becomes that day (a callback, before the rerun)."""
    st.session_state[sidebar.PERIOD_KEY] = "day"
    st.session_state[sidebar.DATE_KEY] = day


def freshness(s: Standup, database: str = "") -> None:
    """"Data as of", the last upload (then ``database``: which kind of store, never its URL), and a warning with a way
    forward when the data ends before yesterday."""
    f = s.freshness
    upload = (tr("standup_upload", file=f.last_upload_file, table=f.last_upload_table,
                 when=f.last_upload_at.strftime("%Y-%m-%d %H:%M")) if f.last_upload_at else tr("standup_no_upload"))
    changed = f.changed_at.strftime("%Y-%m-%d %H:%M") if f.changed_at else fmt.NO_VALUE
    st.markdown(tr("standup_fresh", last=f.data_as_of.isoformat() if f.data_as_of else fmt.NO_VALUE,
                   upload=upload, changed=changed) + (f" · {database}" if database else ""))
    lag = s.stale_days
    if lag and f.data_as_of is not None:
        st.warning(tr("standup_stale", last=f.data_as_of.isoformat(), days=lag), icon=":material/schedule:")
        left, right = st.columns(2)
        left.button(tr("standup_stale_jump", day=(f.data_as_of + dt.timedelta(days=1)).isoformat()),
                    on_click=_jump, args=(f.data_as_of,), key="standup_jump",
                    icon=":material/history:")
        _link(right, DATA_PAGE, tr("standup_stale_upload"), ":material/upload_file:", {})


def _help(metric: str) -> str:
    m = registry.get(metric)
    s = settings()  # the thresholds in force
    return tr("standup_metric_help", name=m.name(lang()), description=m.description(lang(), s),
              formula=m.formula(lang(), s))


def _vs(actual: float | None, target: float | None, unit: str) -> str | None:
    """"+12.0% vs target ¥150" (a rate: "+1.2 pp vs target 80.0%"); None without both numbers."""
    if unit == "ratio":
        if fmt.no_value(actual) or fmt.no_value(target):
            return None
        change = fmt.points(float(actual) - float(target), lang())  # type: ignore[arg-type]
    else:
        rel = fmt.relative(actual, target)
        if rel is None:
            return None
        change = fmt.change(rel, lang())
    return tr("standup_vs_target", change=change, target=fmt.value(target, unit, lang()))


def _footer(c: Card) -> str:
    v = lambda x: fmt.value(x, c.unit, lang())  # noqa: E731 - a local formatter
    if c.mtd is None:
        return tr("standup_card_nodata")
    if c.metric == standup.board.BUDGET_METRIC:
        if c.month_target is None:
            return tr("standup_card_notarget", mtd=v(c.mtd))
        return tr("standup_card_budget", mtd=v(c.mtd), planned=v(c.expected_to_date), ratio=fmt.percent(c.achievement, lang()),
                  target=v(c.month_target))
    if c.month_target is None:
        return tr("standup_card_notarget", mtd=v(c.mtd))
    if c.unit == "count":
        return tr("standup_card_month", mtd=v(c.mtd), projected=v(c.projected), target=v(c.month_target),
                  achievement=fmt.achievement(c.achievement, lang()))
    return tr("standup_card_ratio", mtd=v(c.mtd), target=v(c.month_target))


def _status_label(status: str | None) -> str:
    return tr(f"standup_status_{status}") if status else tr("standup_status_none")


def _board_bands(pb: PaceBoard | None, start: dt.date, end: dt.date, through: dt.date) -> dict[str, Band]:
    """The pacing board's team forecasts when its period is ``[start, end]`` seen through ``through``: the same
    engine forecast (one history, the same days) the cards would compute again."""
    if pb is None or (pb.start, pb.end, pb.through) != (start, end, min(end, through)):
        return {}
    return {r.metric: (r.forecast, r.forecast_low, r.forecast_high) for r in pb.rows if r.metric in registry.METRICS}


def board(s: Standup, pb: PaceBoard | None = None) -> None:
    """The KPI cards, four then three to a row, under the windows they cover; their forecasts are the pacing
    board's (``pb``) where it projects the same month."""
    w = s.windows
    st.caption(tr("standup_windows", yesterday=_date(w.yesterday), week=w.week[0].isoformat(),
                  month=w.month[0].isoformat(), end=w.yesterday.isoformat()))
    month_end = periods.period_range(w.month[0], "month")[1]
    forecasts = forecast_lines([m for row in BOARD_ROWS for m in row], w.month[0], month_end, "month",
                               where={}, through=w.yesterday,
                               known=_board_bands(pb, w.month[0], month_end, w.yesterday))
    for row in BOARD_ROWS:
        for col, metric in zip(st.columns(4), row, strict=False):
            c = s.card(metric)
            name = registry.get(metric).name(lang())
            inverse = c.direction == "lower"
            with col:
                kpi_card(metric, title=name, status=c.status, status_label=_status_label(c.status),
                         figures=[
                             Figure(tr("standup_yesterday"), fmt.value(c.yesterday, c.unit, lang()),
                                    _vs(c.yesterday, c.yesterday_target, c.unit), inverse, _help(metric)),
                             Figure(tr("standup_wtd"), fmt.value(c.wtd, c.unit, lang()),
                                    _vs(c.wtd, c.wtd_target, c.unit), inverse,
                                    _help(metric) + "\n\n" + tr("standup_trend_help", weeks=standup.TREND_WEEKS)),
                         ],
                         trend=c.trend, trend_kind="line" if c.unit == "ratio" else "bar", footer=_footer(c),
                         forecast=forecasts.get(metric))
    st.caption(tr("standup_board_help"), help=tr("standup_pacing_help"))


def _link(where: object, page: str, label: str, icon: str, params: dict[str, str], help: str | None = None) -> None:
    """A link to another page with query parameters (only when that page exists in this app)."""
    if (ROOT / page).exists() and auth.may_open(page):
        where.page_link(page, label=label, icon=icon, query_params=params, help=help)  # type: ignore[attr-defined]


def _alert_links(a: Alert, day: dt.date) -> None:
    # the shared period (and a pinned morning): the page opens on the same view
    common = sidebar.link_params()
    if a.kind == "sla":
        row = st.container(horizontal=True, gap="small", vertical_alignment="center")
        for pid, name in zip(a.person_ids, a.person_names, strict=True):
            _link(row, TEAM_PAGE, name, ":material/person:", {"person": pid, **common},
                  help=tr("standup_open_person", name=name))
        return
    params = {"channel": a.channel_id, **common}
    if a.campaign_id:
        params["campaign"] = a.campaign_id
    _link(st, CHANNELS_PAGE, tr(f"standup_open_{a.scope_type}"), ":material/hub:", params)


# Constant CSS for one screen at 1440x900: a smaller title and tighter gaps; on a phone the title on one line,
# below the header bar.
_PHONE_CSS = ("<style>[data-testid='stMain'] h1 { font-size: 2.25rem; padding-top: 0.25rem; }"
              "[data-testid='stMainBlockContainer'] { padding-top: 2rem; }"
              "[data-testid='stMainBlockContainer'] [data-testid='stVerticalBlock'] { gap: 0.6rem; }"
              "@media (max-width: 640px) { [data-testid='stMain'] h1 { font-size: 1.75rem; }"
              " [data-testid='stMainBlockContainer'] { padding-top: 4rem; } }</style>")
# Constant CSS: the alerts' text a little smaller so the board and the top three fit the first screen.
_ALERT_CSS = ("<style>[class*='st-key-standup_alert_'] h5 { padding: 0 0 0.2rem; font-size: 1.05rem; line-height: 1.7; }"
              "[class*='st-key-standup_alert_'] p { font-size: 0.9rem; line-height: 1.4; }</style>")
_KIND_ICONS = {"pace": ":material/trending_down:", "sla": ":material/timer_off:", "spend": ":material/payments:"}


def _alert(i: int, a: Alert, day: dt.date) -> None:
    score = round(a.severity * 100)
    color = "red" if a.severity >= 0.1 else "orange"
    with st.container(border=True, key=f"standup_alert_{i}", height="stretch", gap="small"):
        st.markdown(f"##### {i}. {_KIND_ICONS[a.kind]} {a.title(lang())} :{color}-badge[{tr('standup_severity', score=score)}]")
        st.markdown(a.text(lang()))
        _alert_links(a, day)


def alerts(s: Standup) -> None:
    """The three most urgent alerts, compact (title and severity on one line, smaller text); the rest in an expander."""
    st.html(_ALERT_CSS)
    st.subheader(tr("standup_alerts"), anchor=False, help=tr("standup_alerts_help", days=standup.SPIKE_DAYS,
                                                             factor=f"{standup.SPIKE_FACTOR:g}"))
    if not s.alerts:
        st.success(tr("standup_no_alerts"), icon=":material/check_circle:")
        return
    for i, (col, a) in enumerate(zip(st.columns(standup.TOP), s.top_alerts, strict=False), 1):
        with col:
            _alert(i, a, s.windows.as_of)
    rest = s.alerts[standup.TOP:]
    if rest:
        with st.expander(tr("standup_more_alerts", n=len(rest))):
            for i, a in enumerate(rest, standup.TOP + 1):
                _alert(i, a, s.windows.as_of)


def _good(change: float | None, direction: str) -> str:
    if change is None or change == 0:
        return ""
    good = (change > 0) == (direction == "higher")
    return "color: #2e7d32" if good else "color: #c62828"


def changes(s: Standup, *, title: bool = True) -> None:
    """What changed since yesterday: pacing status changes, then yesterday vs the day before / last week
    (``title=False`` inside an expander that carries the title: the help becomes a caption)."""
    if title:
        st.subheader(tr("standup_changes"), anchor=False, help=tr("standup_changes_help"))
    else:
        st.caption(tr("standup_changes_help"))
    items = s.changes()
    for ch in items:
        if ch.status_changed:
            st.markdown(tr("standup_status_change", name=registry.get(ch.metric).name(lang()),
                           before=status_badge(ch.prev_status, _status_label(ch.prev_status)),
                           after=status_badge(ch.status, _status_label(ch.status))))
    cols = [tr("standup_col_metric"), tr("standup_col_yesterday"), tr("standup_col_day_before"),
            tr("standup_col_vs_day_before"), tr("standup_col_last_week"), tr("standup_col_vs_last_week")]
    ordered = sorted(items, key=lambda c: standup.METRICS.index(c.metric))
    table = pd.DataFrame([
        [registry.get(ch.metric).name(lang()), fmt.value(ch.yesterday, ch.unit, lang()),
         fmt.value(ch.day_before, ch.unit, lang()), ch.vs_day_before, fmt.value(ch.last_week, ch.unit, lang()),
         ch.vs_last_week] for ch in ordered], columns=cols).astype({cols[3]: "float64", cols[5]: "float64"})
    directions = [registry.get(m).direction for m in standup.METRICS]
    styled = table.style.apply(
        lambda col: [_good(v if pd.notna(v) else None, d) for v, d in zip(col, directions, strict=True)],
        subset=[cols[3], cols[5]])
    for i, ch in enumerate(ordered):  # a rate changes in points, anything else by a relative change
        shown = (lambda v: fmt.points(v, lang())) if ch.unit == "ratio" else (lambda v: fmt.change(v, lang()))
        styled = styled.format(shown, subset=pd.IndexSlice[[i], [cols[3], cols[5]]])
    st.dataframe(styled, hide_index=True, width="stretch", column_config={
        cols[3]: st.column_config.NumberColumn(cols[3], help=tr("standup_col_vs_help")),
        cols[5]: st.column_config.NumberColumn(cols[5], help=tr("standup_col_vs_help")),
    })
