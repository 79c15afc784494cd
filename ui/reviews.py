"""Building blocks of the Reviews page: the review of the sidebar's period, carried-over actions, the review document's sections
(off track first, every KPI, 8-week trends, scores, gains and shortfalls), the gap picker, notes, downloads.

The period is the sidebar's (a week: its weekly review; a month: its monthly review; other grains: see
``kpi_engine.compare.review_for``). Links with the old ``?mode=``/``?review=`` are turned into the sidebar's period
(``ui.sidebar``). State in the URL: the gap view ``gap_metric``, ``vs``, ``by``.
"""

from __future__ import annotations

import datetime as dt

import streamlit as st
from sqlalchemy.engine import Engine

from kpi_engine import access, compare, periods, schema
from kpi_engine.metrics import registry
from kpi_engine.plans.model import Plan, split_metric
from kpi_engine.reviews import build, gap, notes
from kpi_engine.reviews.document import ReviewDocument, Section
from ui import names, review_doc, sidebar, state
from ui.i18n import lang, tr

GMETRIC, VS, BY = "gap_metric", "vs", "by"
URL_KEYS = (GMETRIC, VS, BY)
FALLBACK_METRICS = ("leads", "spend", "cpl", "mqls", "sqls", "wins")


def _metric_name(metric: str | None) -> str:
    """A metric by its name in the page's language ("—" for none; an id the registry does not know as it is)."""
    return registry.get(metric).name(lang()) if metric and metric in registry.METRICS else (metric or "—")


def init_state() -> None:
    state.url_state(GMETRIC, "leads", str)
    state.url_state(VS, "target", state.choice(gap.VS_CHOICES))
    state.url_state(BY, "channel", state.choice(gap.BY_CHOICES))


def as_of() -> dt.date:
    """The morning the review is held on: today, or ``?asof=`` pinned by a link."""
    return sidebar.morning()


def review_of_period(day: dt.date) -> tuple[str, str]:
    """The review the sidebar's period shows (``kpi_engine.compare.review_for``): ``(mode, label)``; when the
    period is not itself a week or a month, a note says which review this is."""
    p = sidebar.current_period()
    mode, label, exact = compare.review_for(p.grain, p.start, p.end, day)
    if not exact:
        _, start, end = periods.parse_period(label)
        st.info(tr(f"reviews_shown_{mode}", label=p.label, review=label, start=start.isoformat(),
                   end=end.isoformat()), icon=":material/info:")
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


def _xlsx(doc: ReviewDocument) -> bytes:
    from kpi_engine.reviews.export_excel import review_to_xlsx  # openpyxl: imported when a download is asked for

    return review_to_xlsx(doc)


def _html(doc: ReviewDocument) -> str:
    from kpi_engine.reviews.export_html import review_to_html  # Jinja2: imported when a download is asked for

    return review_to_html(doc)


def downloads(doc: ReviewDocument, gap_section: Section | None) -> None:
    """Excel and printable HTML of the review as shown (with the notes as they are now)."""
    stem = f"review-{doc.period}-{doc.lang}"
    cols = st.columns(2)
    cols[0].download_button(
        tr("reviews_ui_download_xlsx"), lambda: _xlsx(review_doc.full_document(doc, gap_section)),
        file_name=f"{stem}.xlsx", mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        icon=":material/table_view:", key="dl_xlsx", width="stretch")
    cols[1].download_button(
        tr("reviews_ui_download_html"),
        lambda: _html(review_doc.full_document(doc, gap_section)).encode("utf-8"),
        file_name=f"{stem}.html", mime="text/html", icon=":material/print:", key="dl_html", width="stretch",
        help=tr("reviews_ui_download_html_help"))


def note_form(engine: Engine, label: str, metric: str | None) -> None:
    """Record a note for the period and the chosen KPI; then this period's notes."""
    st.subheader(tr("reviews_ui_notes"), anchor=False)
    with st.form("review_note", clear_on_submit=True):
        cols = st.columns(3)
        scope_type = cols[0].selectbox(tr("reviews_ui_note_scope_type"), schema.SCOPE_TYPES, key="note_scope_type",
                                         format_func=lambda s: tr(f"push_scope_{s}"))
        scope_id = cols[1].text_input(tr("reviews_ui_note_scope_id"), key="note_scope_id")
        ids = notes.owner_ids(engine)
        who = names.people(ids)
        owner = cols[2].selectbox(tr("reviews_ui_note_owner"), ["", *ids], key="note_owner",
                                  format_func=lambda pid: who.get(pid, pid) if pid else "—")
        cause = st.text_area(tr("reviews_ui_note_cause"), key="note_cause", height=68)
        action = st.text_area(tr("reviews_ui_note_action"), key="note_action", height=68)
        cols = st.columns(2)
        due = cols[0].date_input(tr("reviews_ui_note_due"), value=None, key="note_due")
        status = cols[1].selectbox(tr("reviews_ui_note_status"), notes.STATUSES, key="note_status",
                                   format_func=lambda s: tr(f"reviews_ui_status_{s}"))
        if st.form_submit_button(tr("reviews_ui_note_save", metric=_metric_name(metric)), icon=":material/add:", key="note_save"):
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
