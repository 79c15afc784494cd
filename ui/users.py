"""Building blocks of the Users & audit page: the accounts table with enable/disable/reset, a form to add an
account, and the audit log with filters and a formula-safe CSV export. The engine refuses all of it to
anyone but an admin (:mod:`kpi_engine.access`); this page only draws it.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st
from sqlalchemy.engine import Engine

from kpi_engine import exports
from kpi_engine.access import audit, users
from kpi_engine.schema import USER_ROLES
from ui import db, names
from ui.i18n import tr

_MESSAGE = "_users_message"


def _say(kind: str, text: str) -> None:
    st.session_state[_MESSAGE] = (kind, text)


def _show_message() -> None:
    found = st.session_state.pop(_MESSAGE, None)
    if found:
        (st.success if found[0] == "ok" else st.error)(found[1])


def _role(value: object) -> str:
    return tr(f"access_role_{value}") if isinstance(value, str) else "—"


def accounts() -> None:
    """Every account (never a password hash) with its role, person and last sign-in; actions on one."""
    _show_message()
    frame = users.list_users(db.get_engine())
    if frame.empty:
        st.info(tr("users_ui_none"), icon=":material/person_add:")
        return
    shown = pd.DataFrame({
        tr("users_ui_col_username"): frame["username"], tr("users_ui_col_name"): frame["name"],
        tr("users_ui_col_role"): frame["role"].map(_role), tr("users_ui_col_person"): frame["person_id"].map(names.person),
        tr("users_ui_col_active"): frame["active"].astype(bool),
        tr("users_ui_col_sso"): ~frame["has_password"].astype(bool),
        tr("users_ui_col_last"): frame["last_login_at"]})
    st.dataframe(shown, hide_index=True, width="stretch", key="users_table", column_config={
        tr("users_ui_col_last"): st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm")})
    chosen = st.selectbox(tr("users_ui_pick"), list(frame["username"]), key="users_pick")
    row = frame[frame["username"] == chosen].iloc[0]
    cols = st.columns(3)
    if bool(row["active"]):
        cols[0].button(tr("users_ui_disable"), key="users_disable", on_click=_run,
                       args=(users.disable_user, chosen, "users_ui_disabled"))
    else:
        cols[0].button(tr("users_ui_enable"), key="users_enable", on_click=_run,
                       args=(users.enable_user, chosen, "users_ui_enabled"))
    role = cols[1].selectbox(tr("users_ui_col_role"), USER_ROLES, index=USER_ROLES.index(row["role"]),
                             format_func=_role, key="users_role")
    if role != row["role"]:
        cols[1].button(tr("users_ui_set_role"), key="users_set_role", on_click=_run_role, args=(chosen, role))
    with cols[2].popover(tr("users_ui_reset"), icon=":material/key:"):
        password = st.text_input(tr("auth_password"), type="password", key="users_new_password")
        st.button(tr("users_ui_reset"), key="users_reset", on_click=_run_reset, args=(chosen,),
                  disabled=not password)


def _attempt(change: Callable[[], None], done: str) -> None:
    """Run one account change; its outcome is shown above the table on the next run."""
    try:
        change()
        _say("ok", done)
    except users.AccountError as exc:
        _say("error", tr(exc.key, **exc.params))


def _run(action: Callable[[Engine, str], None], username: str, done_key: str) -> None:
    _attempt(lambda: action(db.get_engine(), username), tr(done_key, username=username))


def _run_role(username: str, role: str) -> None:
    _attempt(lambda: users.set_role(db.get_engine(), username, role),
             tr("access_cli_role", username=username, role=_role(role)))


def _run_reset(username: str) -> None:
    password = st.session_state.get("users_new_password", "")
    st.session_state["users_new_password"] = ""
    _attempt(lambda: users.reset_password(db.get_engine(), username, password),
             tr("access_cli_reset", username=username))


def add_form() -> None:
    """Add a local account (with a password) or a single sign-on account (matched by e-mail)."""
    st.subheader(tr("users_ui_add"), anchor=False)
    with st.form("users_add", clear_on_submit=True):
        left, right = st.columns(2)
        username = left.text_input(tr("users_ui_col_username"))
        name = right.text_input(tr("users_ui_col_name"))
        role = left.selectbox(tr("users_ui_col_role"), USER_ROLES, index=USER_ROLES.index("member"), format_func=_role)
        person = right.text_input(tr("users_ui_col_person"), help=tr("users_ui_person_help"))
        sso = left.checkbox(tr("users_ui_sso"), help=tr("users_ui_sso_help"))
        password = right.text_input(tr("auth_password"), type="password")
        submitted = st.form_submit_button(tr("users_ui_add"), type="primary")
    if submitted:
        try:
            users.add_user(db.get_engine(), username, role=role, name=name, person_id=person.strip() or None,
                           password=None if sso else password)
            st.success(tr("access_cli_added", username=username.strip().lower(), role=_role(role)))
        except users.AccountError as exc:
            st.error(tr(exc.key, **exc.params))


def audit_log() -> None:
    """The log, newest first, filtered by action and person; downloadable as CSV."""
    left, right = st.columns(2)
    action = left.selectbox(tr("users_ui_action"), ["", *audit.ACTIONS], key="audit_action",
                            format_func=lambda a: tr(f"users_ui_action_{a}") if a else tr("users_ui_all"))
    actor = right.text_input(tr("users_ui_actor"), key="audit_actor")
    frame = audit.list_events(db.get_engine(), action=action or None, actor=actor.strip() or None, limit=5000)
    if frame.empty:
        st.info(tr("users_ui_audit_empty"), icon=":material/history:")
        return
    shown = frame.assign(action=frame["action"].map(lambda a: tr(f"users_ui_action_{a}") if a in audit.ACTIONS else a))
    st.dataframe(shown, hide_index=True, width="stretch", key="audit_table", column_config={
        "occurred_at": st.column_config.DatetimeColumn(tr("users_ui_when"), format="YYYY-MM-DD HH:mm:ss"),
        "actor": tr("users_ui_actor"), "action": tr("users_ui_action"), "target": tr("users_ui_target"),
        "before": tr("users_ui_before"), "after": tr("users_ui_after"), "detail": tr("users_ui_detail")})
    st.download_button(tr("users_ui_export"), exports.to_csv_bytes(frame), file_name="audit_log.csv",
                       mime="text/csv", icon=":material/download:", key="audit_export")
