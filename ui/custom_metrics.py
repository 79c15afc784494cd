"""The "Your metrics" tab of the Analytics page (issue 16.5): list, define, edit and delete a store's own metrics.

A draft is checked and previewed on every change (its definition in words, the metrics it reads, its values
over the last months); saving and deleting go through :mod:`kpi_engine.metrics.custom` (admins only, audited).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from kpi_engine import access
from kpi_engine.metrics import custom, custom_view, registry
from kpi_engine.metrics.declarations import DIRECTIONS, UNITS
from kpi_engine.metrics.formula import FormulaError
from ui import db
from ui import numbers as num
from ui.i18n import lang, tr

PREVIEW_MONTHS = 6
NEW = ""
_FIELDS = ("id", "name_en", "name_zh", "formula", "unit", "direction", "description_en", "description_zh")
_LOADED = "cm_loaded"
_MESSAGE = "cm_message"


def _key(field: str) -> str:
    return f"cm_{field}"


def _fill(decl: custom.UserMetric | None) -> None:
    """Put ``decl``'s fields (or empty ones for a new metric) in the inputs."""
    blank = custom.UserMetric("", "", "", "")
    for field in _FIELDS:
        st.session_state[_key(field)] = getattr(decl or blank, field)


def _draft() -> custom.UserMetric:
    s = st.session_state
    return custom.UserMetric(*(str(s.get(_key(f)) or "").strip() for f in _FIELDS))  # type: ignore[arg-type]


def _save() -> None:
    decl, new = _draft(), st.session_state.get("cm_pick", NEW) == NEW
    try:
        m = custom.save(db.get_engine(), decl, new=new, user=access.actor_name())
    except FormulaError as exc:
        st.session_state[_MESSAGE] = ("error", exc.messages(lang()))
        return
    except access.NotAllowed:
        st.session_state[_MESSAGE] = ("error", [tr("cm_admin_only")])
        return
    st.session_state["cm_pick"] = st.session_state[_LOADED] = m.id
    st.session_state[_MESSAGE] = ("success", [tr("cm_saved", name=m.name(lang()))])


def _delete() -> None:
    metric_id = st.session_state.get("cm_pick", NEW)
    try:
        custom.delete(db.get_engine(), metric_id, user=access.actor_name())
    except FormulaError as exc:
        st.session_state[_MESSAGE] = ("error", exc.messages(lang()))
        return
    except access.NotAllowed:
        st.session_state[_MESSAGE] = ("error", [tr("cm_admin_only")])
        return
    st.session_state["cm_pick"] = st.session_state[_LOADED] = NEW
    _fill(None)
    st.session_state[_MESSAGE] = ("success", [tr("cm_deleted", name=metric_id)])


def _listing(decls: list[custom.UserMetric]) -> None:
    if not decls:
        st.info(tr("cm_none"), icon=":material/function:")
        return
    frame = pd.DataFrame([(d.id, registry.get(d.id).name(lang()) if d.id in registry.METRICS else d.id,
                           registry.get(d.id).formula(lang()) if d.id in registry.METRICS else d.formula,
                           registry.UNIT_NAMES[d.unit][lang()], registry.DIRECTION_NAMES[d.direction][lang()],
                           d.created_by) for d in decls],
                         columns=[tr("cm_col_id"), tr("cm_col_name"), tr("cm_col_formula"), tr("cm_col_unit"),
                                  tr("cm_col_direction"), tr("cm_col_by")])
    st.dataframe(frame, hide_index=True, width="stretch")


def _form(new: bool) -> None:
    left, right = st.columns(2)
    left.text_input(tr("cm_id"), key=_key("id"), disabled=not new, max_chars=40)
    right.text_input(tr("cm_formula"), key=_key("formula"), help=tr("cm_formula_help"), max_chars=300)
    left.text_input(tr("cm_name_en"), key=_key("name_en"), max_chars=60)
    right.text_input(tr("cm_name_zh"), key=_key("name_zh"), max_chars=60)
    left.selectbox(tr("cm_unit"), UNITS, key=_key("unit"), format_func=lambda u: registry.UNIT_NAMES[u][lang()])
    right.radio(tr("cm_direction"), DIRECTIONS, key=_key("direction"), horizontal=True,
                format_func=lambda d: registry.DIRECTION_NAMES[d][lang()])
    left.text_input(tr("cm_desc_en"), key=_key("description_en"))
    right.text_input(tr("cm_desc_zh"), key=_key("description_zh"))
    with st.expander(tr("cm_metrics_help")):
        st.dataframe(pd.DataFrame([(m.id, m.name(lang()), m.formula(lang())) for m in registry.listed()],
                                  columns=[tr("cm_col_id"), tr("cm_col_name"), tr("cm_col_formula")]),
                     hide_index=True, width="stretch")


def _preview(decl: custom.UserMetric, new: bool) -> bool:
    """The draft's definition and values; False (with every problem shown) when it does not pass."""
    if not decl.formula:
        return False
    try:
        frame = custom_view.preview(db.get_engine(), decl, new=new, months=PREVIEW_MONTHS)
        parsed = custom.validate(decl, custom.load(db.get_engine()), new=new)
    except FormulaError as exc:
        for message in exc.messages(lang()):
            st.error(message, icon=":material/error:")
        return False
    st.markdown(f"**{tr('cm_definition')}:** {custom_view.definition(parsed, lang())}")
    st.caption(tr("cm_reads"))
    parts = custom_view.parts(parsed.refs, lang())
    st.dataframe(parts.rename(columns={"id": tr("cm_col_id"), "name": tr("cm_col_name"),
                                       "formula": tr("cm_col_formula")}), hide_index=True, width="stretch")
    st.caption(tr("cm_preview", n=PREVIEW_MONTHS))
    if frame.empty:
        st.info(tr("cm_preview_empty"))
        return True
    shown = pd.DataFrame({tr("cm_month"): [p.strftime("%Y-%m") for p in frame["period_start"]]})
    for ref in parsed.refs:
        shown[registry.get(ref).name(lang())] = [num.value(v, registry.get(ref).unit) for v in frame[ref]]
    shown[decl.name_en if lang() == "en" and decl.name_en else decl.name_zh or decl.id or "="] = [
        num.value(v, decl.unit) for v in frame["value"]]
    st.dataframe(shown, hide_index=True, width="stretch")
    return True


def custom_metrics_tab() -> None:
    """The list of the store's own metrics and, for admins, the editor with its live preview."""
    st.caption(tr("cm_intro"))
    decls = custom.load(db.get_engine())
    _listing(decls)
    if not access.current().may("settings"):
        st.info(tr("cm_admin_only"), icon=":material/lock:")
        return
    ids = [d.id for d in decls]
    if st.session_state.get("cm_pick") not in (NEW, *ids):
        st.session_state["cm_pick"] = NEW
    pick = st.selectbox(tr("cm_pick"), [NEW, *ids], key="cm_pick",
                        format_func=lambda i: tr("cm_new") if i == NEW else i)
    if st.session_state.get(_LOADED) != pick or _key("unit") not in st.session_state:
        _fill(next((d for d in decls if d.id == pick), None))
        st.session_state[_LOADED] = pick
    new = pick == NEW
    _form(new)
    ok = _preview(_draft(), new)
    kind, messages = st.session_state.pop(_MESSAGE, (None, []))
    for message in messages:
        (st.success if kind == "success" else st.error)(message)
    cols = st.columns(2)
    cols[0].button(tr("cm_save"), key="cm_save_btn", type="primary", on_click=_save, disabled=not ok)
    if not new:
        cols[1].button(tr("cm_delete"), key="cm_delete_btn", on_click=_delete)
