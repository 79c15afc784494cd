"""Building blocks of the Reviews page: mode and period, carried-over actions, the review document's sections
(off track first, every KPI, 8-week trends, scores, gains and shortfalls), the gap picker, notes, downloads.

State in the URL: ``mode`` (weekly | monthly), ``review`` (the period label, 2026-W47 or 2026-10; ``period`` is
taken by the sidebar's grain), ``asof``, and the gap view ``gap_metric``, ``vs``, ``by``.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
import streamlit as st
from sqlalchemy.engine import Engine

from kpi_engine import access, periods, schema
from kpi_engine.metrics import registry
from kpi_engine.plans.model import Plan, split_metric
from kpi_engine.reviews import build, gap, notes
from kpi_engine.reviews.document import ReviewDocument, Section
from kpi_engine.reviews.export_excel import review_to_xlsx
from kpi_engine.reviews.export_html import review_to_html
from ui import db, names, review_doc, state
from ui.i18n import lang, tr

MODE, REVIEW, ASOF, GMETRIC, VS, BY = "mode", "review", "asof", "gap_metric", "vs", "by"
URL_KEYS = (MODE, REVIEW, ASOF, GMETRIC, VS, BY)
MODES = ("weekly", "monthly")
GRAIN = {"weekly": "week", "monthly": "month"}
FALLBACK_METRICS = ("leads", "spend", "cpl", "mqls", "sqls", "wins")


def init_state() -> None:
    state.url_state(MODE, "weekly", state.choice(MODES))
    state.url_state(REVIEW, "", str)
    state.url_state(ASOF, None, state.parse_date, state.dump_date)
    state.url_state(GMETRIC, "leads", str)
    state.url_state(VS, "target", state.choice(gap.VS_CHOICES))
    state.url_state(BY, "channel", state.choice(gap.BY_CHOICES))


def as_of() -> dt.date:
    value = st.session_state.get(ASOF)
    return value if isinstance(value, dt.date) else db.today()


def default_label(mode: str, day: dt.date) -> str:
    """Weekly: the last complete ISO week (data through the day before ``day``); monthly: that day's month."""
    return build.default_period(mode, day)


def label_options(mode: str, day: dt.date, n: int = 12) -> list[str]:
    grain = GRAIN[mode]
    _, start, _ = periods.parse_period(default_label(mode, day))
    out = []
    for _ in range(n):
        out.append(periods.period_label(start, grain))
        start = periods.previous_period_start(start, grain)
    return out


def _keep_mode() -> None:
    """A click on the selected mode would deselect it: keep a mode chosen."""
    if st.session_state.get(MODE) not in MODES:
        st.session_state[MODE] = st.session_state.get("_reviews_last_mode", "weekly")
    st.session_state["_reviews_last_mode"] = st.session_state[MODE]


def pick_mode_and_period(day: dt.date) -> tuple[str, str]:
    """The mode switch and the period picker; returns (mode, label)."""
    cols = st.columns([2, 3])
    mode = cols[0].segmented_control(tr("reviews_ui_mode"), MODES, format_func=lambda m: tr(f"reviews_ui_mode_{m}"),
                                     key=MODE, on_change=_keep_mode) or "weekly"
    options = label_options(mode, day)
    current = st.session_state.get(REVIEW, "")
    try:
        grain = periods.parse_period(current)[0]
    except (ValueError, TypeError):
        grain = None
    if grain != GRAIN[mode]:
        st.session_state[REVIEW] = options[0]
    elif current not in options:
        options.insert(0, current)
    label = cols[1].selectbox(tr("reviews_ui_period"), options, key=REVIEW)
    return mode, label


def carried_over(engine: Engine, label: str) -> None:
    """Open actions from earlier reviews, each with a button to mark it done."""
    frame = notes.review_notes(engine, label)
    carried = frame[frame["carried"]] if len(frame) else frame
    st.subheader(tr("reviews_ui_carried"), anchor=False)
    if carried.empty:
        st.caption(tr("reviews_ui_carried_none"))
        return
    for r in carried.itertuples(index=False):
        row = st.container(border=True, horizontal=True, vertical_alignment="center")
        due = r.due_date.isoformat() if isinstance(r.due_date, dt.date) else "—"
        metric = registry.METRICS[r.metric_id].name(lang()) if r.metric_id in registry.METRICS else r.metric_id or "—"
        row.markdown(tr("reviews_ui_note_line", period=r.period, metric=metric,
                        scope=names.scope_label(r.scope_type, r.scope_id or ""),
                        action=r.action or "—", owner=names.person(r.owner_id), due=due, cause=r.cause or "—"))
        if row.button(tr("reviews_ui_mark_done"), key=f"done_{r.note_id}", icon=":material/check:"):
            notes.set_status(engine, int(r.note_id), "done")
            st.rerun()


def _vs_name(vs: str) -> str:
    text = tr(f"reviews_vs_{vs.replace('-', '_')}")
    return text[:1].upper() + text[1:]


def gap_metrics(plan: Plan | None) -> list[str]:
    """The KPIs a gap can be explained for: the usual ones, then the plan's (when they break down)."""
    ids = [split_metric(k.metric)[1] for k in plan.kpis if not split_metric(k.metric)[0]] if plan else []
    return [m for m in dict.fromkeys([*FALLBACK_METRICS, *ids]) if gap.can_explain(m)]


def explain(label: str, plan: Plan | None, through: dt.date) -> tuple[str, Section]:
    """The gap picker, then the breakdown (method, waterfall, table); returns the metric and the section."""
    st.subheader(tr("reviews_ui_gap"), anchor=False)
    options = gap_metrics(plan)
    if st.session_state.get(GMETRIC) not in options:
        st.session_state[GMETRIC] = options[0]
    cols = st.columns(3)
    metric = cols[0].selectbox(tr("reviews_ui_gap_metric"), options, key=GMETRIC,
                               format_func=lambda i: registry.METRICS[i].name(lang()) if i in registry.METRICS else i)
    vs = cols[1].selectbox(tr("reviews_ui_gap_vs"), gap.VS_CHOICES, key=VS, format_func=_vs_name)
    choices = [b for b in gap.BY_CHOICES if b != "person" or access.current().may("person_numbers")]
    if st.session_state.get(BY) not in choices:
        st.session_state[BY] = choices[0]
    by = cols[2].selectbox(tr("reviews_ui_gap_by"), choices, key=BY, format_func=lambda b: tr(f"reviews_ui_by_{b}"))
    section = review_doc.gap_section(metric, label, vs, by, through, lang())
    st.markdown(f"**{section.title}**")
    review_doc.render_section(section, heading=False, key="gap_table")
    return metric, section


def downloads(doc: ReviewDocument, gap_section: Section | None) -> None:
    """Excel and printable HTML of the review as shown (with the notes as they are now)."""
    stem = f"review-{doc.period}-{doc.lang}"
    cols = st.columns(2)
    cols[0].download_button(
        tr("reviews_ui_download_xlsx"), lambda: review_to_xlsx(review_doc.full_document(doc, gap_section)),
        file_name=f"{stem}.xlsx", mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        icon=":material/table_view:", key="dl_xlsx", width="stretch")
    cols[1].download_button(
        tr("reviews_ui_download_html"),
        lambda: review_to_html(review_doc.full_document(doc, gap_section)).encode("utf-8"),
        file_name=f"{stem}.html", mime="text/html", icon=":material/print:", key="dl_html", width="stretch",
        help=tr("reviews_ui_download_html_help"))


def _people(engine: Engine) -> list[str]:
    with engine.connect() as conn:
        return [r[0] for r in conn.execute(sa.select(schema.people.c.person_id).order_by(schema.people.c.person_id))]


def note_form(engine: Engine, label: str, metric: str | None) -> None:
    """Record a note for the period and the chosen KPI; then this period's notes."""
    st.subheader(tr("reviews_ui_notes"), anchor=False)
    with st.form("review_note", clear_on_submit=True):
        cols = st.columns(3)
        scope_type = cols[0].selectbox(tr("reviews_ui_note_scope_type"), schema.SCOPE_TYPES, key="note_scope_type")
        scope_id = cols[1].text_input(tr("reviews_ui_note_scope_id"), key="note_scope_id")
        ids = _people(engine)
        who = names.people(ids)
        owner = cols[2].selectbox(tr("reviews_ui_note_owner"), ["", *ids], key="note_owner",
                                  format_func=lambda pid: who.get(pid, pid) if pid else "—")
        cause = st.text_area(tr("reviews_ui_note_cause"), key="note_cause", height=68)
        action = st.text_area(tr("reviews_ui_note_action"), key="note_action", height=68)
        cols = st.columns(2)
        due = cols[0].date_input(tr("reviews_ui_note_due"), value=None, key="note_due")
        status = cols[1].selectbox(tr("reviews_ui_note_status"), notes.STATUSES, key="note_status",
                                   format_func=lambda s: tr(f"reviews_ui_status_{s}"))
        if st.form_submit_button(tr("reviews_ui_note_save", metric=metric or "—"), icon=":material/add:", key="note_save"):
            if not (cause or action):
                st.warning(tr("reviews_ui_note_empty"))
            else:
                notes.add_note(engine, period=label, metric_id=metric, scope_type=scope_type,
                               scope_id=scope_id.strip() if scope_type != "team" else "", cause=cause or None,
                               action=action or None, owner_id=owner or None, due_date=due, status=status,
                               created_by="dashboard")
                st.toast(tr("reviews_ui_note_saved"), icon=":material/check:")
    own = notes.notes_for(engine, label)
    scopes = names.scope_labels(f"{t}:{i}" if i else t for t, i in zip(own["scope_type"], own["scope_id"], strict=True))
    review_doc.render_section(build.notes_section("notes", own, lang(), scopes=scopes, people=names.people(own["owner_id"])),
                              heading=False, key="notes_table")
