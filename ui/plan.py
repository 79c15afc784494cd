"""Building blocks of the KPI plan page: pick or create a plan, edit its KPIs, checks, suggestions, save/activate, YAML.

The working copy lives in session state (``PLAN``): the plan as last loaded, created, imported or saved.
The data editor's edits sit on top of it; ``EDITOR_REV`` is bumped whenever the working copy is replaced,
so the editor starts again from the new table instead of replaying old edits.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import pandas as pd
import streamlit as st
from sqlalchemy.engine import Engine

from kpi_engine import periods
from kpi_engine.plans import checks, editing, editor_view, store, suggest, templates, yamlio
from kpi_engine.plans.model import Plan, PlanError
from kpi_engine.store import get_engine
from ui import names
from ui.db import db_url, version
from ui.i18n import lang, tr

PLAN, LOADED, EDITOR_REV, PICK, NEXT_PICK, FLASH = ("plan_ui_plan", "plan_ui_loaded", "plan_ui_rev", "plan_ui_pick",
                                                    "plan_ui_next_pick", "plan_ui_flash")
NEW = "__new__"
BENCHMARKS = "plan_ui_benchmarks"  # KPI index -> benchmark the user typed into the suggestions table
NUMBER_COLUMNS = ("weight", "base", "challenge", "floor", "penalty")


def _set_plan(plan: Plan | None, loaded: str) -> None:
    st.session_state[PLAN] = plan
    st.session_state[LOADED] = loaded
    st.session_state[EDITOR_REV] = st.session_state.get(EDITOR_REV, 0) + 1


def flash(message: str) -> None:
    """A success message shown once after the next rerun."""
    st.session_state[FLASH] = message


def show_flash() -> None:
    message = st.session_state.pop(FLASH, None)
    if message:
        st.success(message, icon=":material/check_circle:")


def current_plan(engine: Engine, as_of: dt.date) -> Plan | None:
    """The plan picker (existing plans, or a new one from a template, last period's plan or empty)."""
    plans = store.list_plans(engine)
    labels = {NEW: tr("plans_ui_new")}
    labels.update({r.plan_id: names.plan_label(r.name, r.period, r.status) for r in plans.itertuples()})
    if NEXT_PICK in st.session_state:
        st.session_state[PICK] = st.session_state.pop(NEXT_PICK)
    if st.session_state.get(PICK) not in labels:
        st.session_state[PICK] = plans["plan_id"].iloc[0] if len(plans) else NEW
    pick = st.selectbox(tr("plans_ui_pick"), list(labels), format_func=labels.__getitem__, key=PICK)
    if pick == NEW:
        if st.session_state.get(LOADED) != NEW:
            _set_plan(None, NEW)
        _create_form(engine, plans, as_of)
    elif st.session_state.get(LOADED) != pick:
        _set_plan(store.load_plan(engine, pick), pick)
    return st.session_state.get(PLAN)


def _create_form(engine: Engine, plans: pd.DataFrame, as_of: dt.date) -> None:
    sources = ["template", "previous", "empty"]
    with st.container(border=True):
        source = st.radio(tr("plans_ui_source"), sources, horizontal=True, key="plan_ui_source",
                          format_func=lambda s: tr(f"plans_ui_source_{s}"))
        cols = st.columns(3)
        template = previous = ""
        if source == "template":
            template = cols[0].selectbox(tr("plans_ui_template"), list(templates.TEMPLATES), key="plan_ui_template",
                                         format_func=lambda t: templates.TEMPLATES[t].name(lang()))
        elif source == "previous":
            if plans.empty:
                cols[0].info(tr("plans_ui_no_previous"))
            else:
                previous = cols[0].selectbox(tr("plans_ui_previous"), list(plans["plan_id"]), key="plan_ui_prev")
        period = cols[1].text_input(tr("plans_ui_period"), periods.period_label(as_of.replace(day=1), "month"),
                                    key="plan_ui_period")
        name = cols[2].text_input(tr("plans_ui_name"), key="plan_ui_name")
        if st.button(tr("plans_ui_create"), icon=":material/add:", type="primary",
                     disabled=source == "previous" and not previous):
            try:
                if source == "template":
                    plan = templates.from_template(template, period.strip(), name=name.strip())
                elif source == "previous":
                    plan = templates.from_previous(store.load_plan(engine, previous, "active"), period.strip(),
                                                   name=name.strip())
                else:
                    plan = templates.empty_plan(period.strip(), name=name.strip())
            except (PlanError, ValueError) as exc:
                st.error(tr("plans_ui_cannot_create", error=exc), icon=":material/error:")
            else:
                _set_plan(plan, NEW)


def header(plan: Plan) -> None:
    version = plan.version or tr("plans_ui_unsaved")
    st.subheader(tr("plans_ui_header", plan=names.plan_label(plan.name, plan.period, plan.status), version=version),
                 anchor=False)


@st.cache_data(show_spinner=False, max_entries=32)
def _choices(url: str, data_version: str, plan: Plan, language: str) -> dict[str, dict[str, str]]:
    """``editor_view.choices``: the names offered in the editor, kept until the data or the plan changes."""
    return editor_view.choices(get_engine(url), plan, language)


def _editor_columns(choices: dict[str, dict[str, str]]) -> dict[str, object]:
    """Ids stay the cells' values; the select boxes show names (``format_func``, Streamlit ≥ 1.45)."""
    picks = {c: st.column_config.SelectboxColumn(tr(f"plans_ui_col_{c}"), options=list(labels),
                                                 width="medium" if c == "metric" else None,
                                                 format_func=lambda v, labels=labels: labels.get(v, str(v)))
             for c, labels in choices.items()}
    text = {c: st.column_config.TextColumn(tr(f"plans_ui_col_{c}")) for c in ("note",)}
    targets = {c: st.column_config.TextColumn(tr(f"plans_ui_col_{c}"), help=tr("plans_ui_target_help"), alignment="right")
               for c in editor_view.TARGETS}
    nums = {c: st.column_config.NumberColumn(tr(f"plans_ui_col_{c}"), format="%g") for c in NUMBER_COLUMNS
            if c not in editor_view.TARGETS}
    flags = {c: st.column_config.CheckboxColumn(tr(f"plans_ui_col_{c}")) for c in ("core", "guardrail")}
    return {**picks, **text, **targets, **nums, **flags}


def kpi_editor(plan: Plan) -> tuple[Plan, list[str]]:
    """The KPI table in ``st.data_editor`` (names for ids, ratio targets as percents); returns the edited plan (the
    unedited one on row errors) and the errors."""
    st.subheader(tr("plans_ui_kpis"), anchor=False, help=tr("plans_ui_kpis_help"))
    key = f"plan_ui_editor_{st.session_state.get(EDITOR_REV, 0)}"
    choices = _choices(db_url(), version(), plan, lang())
    edited = st.data_editor(editor_view.display_table(plan, lang()), key=key, num_rows="dynamic", width="stretch",
                            hide_index=False, column_config=_editor_columns(choices), placeholder="—")
    try:
        return editing.apply_kpi_table(plan, editor_view.from_display(plan, edited, lang())), []
    except PlanError as exc:
        return plan, exc.problems


@st.cache_data(show_spinner=False, max_entries=32)
def _checks(url: str, data_version: str, plan: Plan, previous: Plan | None, as_of: dt.date) -> checks.CheckReport:
    """``checks.check_plan``: kept until the data, the plan being edited or the plan it continues changes (the
    stored plans are read outside, for ``previous``: saving a plan does not change the data version)."""
    return checks.check_plan(plan, get_engine(url), previous=previous, as_of=as_of, find_previous=False)


@st.cache_data(show_spinner=False, max_entries=32)
def _suggestions(url: str, data_version: str, plan: Plan, growth: float, resources: float, as_of: dt.date,
                 benchmarks: dict[int, float]) -> list[suggest.Suggestion]:
    """``suggest.suggest_targets`` (history of the facts): kept until the data or the plan's KPIs change."""
    return suggest.suggest_targets(get_engine(url), plan, growth=growth, resources=resources, as_of=as_of,
                                   benchmarks=benchmarks)


def checks_section(plan: Plan, engine: Engine, as_of: dt.date) -> checks.CheckReport:
    """Errors (with fixes) and warnings (with fixes and a checkbox each to acknowledge them)."""
    st.subheader(tr("plans_ui_checks"), anchor=False)
    report = _checks(db_url(), version(), plan, store.previous_plan(engine, plan), as_of)
    acked = set()
    ack_all = bool(report.warnings) and st.checkbox(tr("plans_ui_ack_all"), key="plan_ui_ack_all",
                                                    help=tr("plans_ui_ack_all_help"))
    for issue in report.warnings:
        if ack_all or st.session_state.get(f"plan_ui_ack_{issue.key}", issue.acknowledged):
            acked.add(issue.key)
    report = report.acknowledge(acked)
    st.caption(tr("plans_ui_checks_count", errors=len(report.errors), warnings=len(report.warnings), acked=len(acked)))
    if not report.issues:
        st.success(tr("plans_ui_checks_ok"), icon=":material/verified:")
    for issue in report.errors:
        st.error(f"**{issue.message(lang())}**  \n{tr('plans_ui_fix', fix=issue.fix(lang()))}", icon=":material/error:")
    for issue in report.warnings:
        box = st.container(border=True)
        if ack_all:
            box.markdown(f":material/check_box: {tr('plans_ui_ack', message=issue.message(lang()))}")
        else:
            box.checkbox(tr("plans_ui_ack", message=issue.message(lang())), value=issue.acknowledged,
                         key=f"plan_ui_ack_{issue.key}")
        box.caption(tr("plans_ui_fix", fix=issue.fix(lang())))
    return report


def suggestions_section(plan: Plan, engine: Engine, as_of: dt.date) -> None:
    """Suggested base/challenge targets with history and benchmark beside each; a button applies them."""
    if not plan.kpis:
        return
    with st.expander(tr("plans_ui_suggest"), icon=":material/lightbulb:"):
        cols = st.columns(2)
        growth = cols[0].number_input(tr("plans_ui_growth"), value=0.0, step=5.0, key="plan_ui_growth")
        resources = cols[1].number_input(tr("plans_ui_resources"), value=0.0, step=5.0, key="plan_ui_resources")
        marks: dict[int, float] = st.session_state.setdefault(BENCHMARKS, {})
        found = _suggestions(db_url(), version(), plan, growth / 100, resources / 100, as_of, dict(marks))
        frame = suggest.suggestions_frame(found, lang())
        frame["benchmark"] = pd.to_numeric(frame["benchmark"], errors="coerce")
        config = {c: st.column_config.NumberColumn(tr(f"plans_ui_col_{k}"), format="%g")
                  for c, k in (("base", "base"), ("challenge", "challenge"), ("history_average", "history_avg"),
                               ("recent", "recent"), ("benchmark", "benchmark"))}
        config.update(metric=tr("plans_ui_col_metric"), scope=tr("plans_ui_col_scope"),
                      history=st.column_config.LineChartColumn(tr("plans_ui_col_history")),
                      method=None, explanation=st.column_config.TextColumn(tr("plans_ui_col_how"), width="large"))
        st.caption(tr("plans_ui_benchmark_hint"))
        edited = st.data_editor(frame, hide_index=True, width="stretch", column_config=config, key="plan_ui_bench_editor",
                                disabled=[c for c in frame.columns if c != "benchmark"])
        entered = {i: float(v) for i, v in enumerate(edited["benchmark"]) if pd.notna(v)}
        if entered != marks:  # a benchmark typed in: suggest again with it
            st.session_state[BENCHMARKS] = entered
            st.rerun()
        if st.button(tr("plans_ui_apply_suggest"), icon=":material/auto_fix_high:"):
            _set_plan(suggest.apply_suggestions(plan, found), st.session_state.get(LOADED, NEW))
            flash(tr("plans_ui_applied"))
            st.rerun()


def actions(plan: Plan, report: checks.CheckReport, engine: Engine, as_of: dt.date, row_errors: list[str]) -> None:
    """Save (a new version when the active one changed) and Activate (disabled while anything blocks)."""
    acked = tuple(i.key for i in report.warnings if i.acknowledged)
    blocked = bool(report.blocking or row_errors)
    cols = st.columns([1, 1, 4])
    save = cols[0].button(tr("plans_ui_save"), icon=":material/save:", disabled=bool(row_errors), key="plan_ui_save")
    activate = cols[1].button(tr("plans_ui_activate"), icon=":material/rocket_launch:", type="primary",
                              disabled=blocked, key="plan_ui_activate")
    if blocked:
        cols[2].caption(tr("plans_ui_activate_blocked"))
    if not (save or activate):
        return
    try:
        stored = store.save_plan(engine, dataclasses.replace(plan, acknowledged=acked))
        message = tr("plans_ui_saved", plan=names.plan_name(stored.name, stored.period), version=stored.version)
        if activate:
            stored = store.activate_plan(engine, stored.plan_id, acknowledge=acked, as_of=as_of)
            message = tr("plans_ui_activated", plan=names.plan_name(stored.name, stored.period), version=stored.version)
    except PlanError as exc:
        st.error(tr("plans_ui_failed", error="; ".join(exc.problems)), icon=":material/error:")
        return
    _set_plan(stored, stored.plan_id)
    st.session_state[NEXT_PICK] = stored.plan_id
    flash(message)
    st.rerun()


def yaml_files(plan: Plan | None) -> None:
    """Download the plan as YAML; import a plan file as a new draft."""
    st.subheader(tr("plans_ui_files"), anchor=False)
    if plan is not None:
        st.download_button(tr("plans_ui_export"), yamlio.plan_to_yaml(plan).encode("utf-8"),
                           file_name=f"{plan.plan_id or plan.period}.yaml", mime="application/x-yaml",
                           icon=":material/download:")
    upload = st.file_uploader(tr("plans_ui_import"), type=["yaml", "yml"], key="plan_ui_upload")
    if upload is not None and st.session_state.get("plan_ui_imported") != upload.file_id:
        st.session_state["plan_ui_imported"] = upload.file_id
        try:
            imported = yamlio.plan_from_yaml(upload.getvalue().decode("utf-8-sig"))
        except (PlanError, ValueError, UnicodeDecodeError) as exc:
            st.error(tr("plans_ui_import_failed", error=exc), icon=":material/error:")
            return
        imported = dataclasses.replace(imported, plan_id="", version=0, status="draft")
        st.session_state[NEXT_PICK] = NEW
        _set_plan(imported, NEW)
        flash(tr("plans_ui_imported", name=imported.name))
        st.rerun()
