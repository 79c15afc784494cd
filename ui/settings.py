"""Building blocks of the Settings page: one tab per group of settings, an input per setting, the change history.

Each setting shows its description (in the user's language), the value in force and its default, an input of
the right type, Save (validated by :mod:`kpi_engine.settings_rules`; a refused value changes nothing and the
reason shows under the input) and "reset to default". Values are written with
:func:`kpi_engine.settings_store.set_setting`, which records every change.
"""

from __future__ import annotations

import zoneinfo

import pandas as pd
import streamlit as st

from kpi_engine import access
from kpi_engine.settings import SETTING_DOCS, Settings, get_settings
from kpi_engine.settings_rules import GROUPS, SPECS, SettingError, format_value, named_key
from kpi_engine.settings_rules import setting_name as engine_setting_name
from kpi_engine.settings_store import load_settings, reset_setting, set_setting, setting_history, settings_version
from ui import db
from ui.i18n import lang, tr

INPUT = "set_{}"
SAVE = "save_{}"
RESET = "reset_{}"
_MESSAGE = "_settings_message"  # (key, kind, payload): the outcome of the last Save / Reset
_SEEN = "_settings_seen"  # the settings version the inputs were filled from


def _input_value(key: str, value: object) -> object:
    spec = SPECS[key]
    if spec.kind == "int":
        return int(value)  # type: ignore[call-overload]
    if spec.kind == "number":
        return float(value)  # type: ignore[arg-type]
    return str(value)


def sync_inputs(current: Settings) -> None:
    """Fill the inputs from the settings in force on the first run, and again when they changed elsewhere."""
    version = settings_version(db.get_engine())
    if st.session_state.get(_SEEN) == version:
        return
    for key in SPECS:
        st.session_state[INPUT.format(key)] = _input_value(key, getattr(current, key))
    st.session_state[_SEEN] = version


def _save(key: str) -> None:
    engine = db.get_engine()
    raw = st.session_state.get(INPUT.format(key))
    text = format_value(raw) if not isinstance(raw, str) else raw
    try:
        changed = set_setting(engine, key, text, access.actor_name() or get_settings().upload_user)
    except SettingError as exc:
        st.session_state[_MESSAGE] = (key, "error", exc)
        return
    value = getattr(load_settings(engine), key)
    st.session_state[INPUT.format(key)] = _input_value(key, value)
    st.session_state[_MESSAGE] = (key, "saved" if changed else "unchanged", format_value(value))
    st.session_state[_SEEN] = settings_version(engine)


def _reset(key: str) -> None:
    engine = db.get_engine()
    try:
        reset_setting(engine, key, access.actor_name() or get_settings().upload_user)
    except SettingError as exc:  # e.g. the default would break the grade order
        st.session_state[_MESSAGE] = (key, "error", exc)
        return
    value = getattr(load_settings(engine), key)
    st.session_state[INPUT.format(key)] = _input_value(key, value)
    st.session_state[_MESSAGE] = (key, "reset", format_value(value))
    st.session_state[_SEEN] = settings_version(engine)


def setting_name(key: str) -> str:
    """A setting's name in the page's language (the key is what the command line and the history store)."""
    return engine_setting_name(key, lang())


def _widget(key: str) -> None:
    spec, name = SPECS[key], INPUT.format(key)
    label = setting_name(key)
    helptext = tr("settings_ui_share_help") if spec.share else None
    if spec.kind == "int":
        st.number_input(label, step=1, key=name, help=helptext, label_visibility="collapsed")
    elif spec.kind == "number":
        st.number_input(label, step=0.01 if spec.share else 1.0, format="%g", key=name, help=helptext,
                        label_visibility="collapsed")
    elif spec.kind == "choice":
        shown = {c: _shown(key, c) for c in spec.choices}  # written now, in the page's language
        st.selectbox(label, list(spec.choices), key=name, label_visibility="collapsed", format_func=shown.__getitem__)
    elif spec.kind == "timezone":
        zones = sorted(zoneinfo.available_timezones())
        st.selectbox(label, zones, key=name, label_visibility="collapsed")
    else:
        st.text_input(label, key=name, max_chars=40, label_visibility="collapsed")


def _shown(key: str, value: object) -> str:
    """A setting's value as the page shows it: a choice by its name in the page's language (the stored word is
    what the command line takes)."""
    return tr(f"scores_method_{value}") if SPECS[key].kind == "choice" else format_value(value)


def _message(key: str) -> None:
    found = st.session_state.get(_MESSAGE)
    if not found or found[0] != key:
        return
    _, kind, payload = found
    if kind == "error":
        st.error(payload.message(lang(), named=True), icon=":material/error:")
    elif kind == "saved":
        st.success(tr("settings_ui_saved", setting=setting_name(key), value=payload), icon=":material/check:")
    elif kind == "reset":
        st.success(tr("settings_ui_was_reset", setting=setting_name(key), value=payload), icon=":material/undo:")
    else:
        st.info(tr("settings_ui_unchanged", setting=setting_name(key), value=payload))


def setting_row(key: str, current: Settings, default: Settings) -> None:
    """One setting: name (and key), description, input, Save, reset, the value in force and the default."""
    value, dflt = getattr(current, key), getattr(default, key)
    changed = value != dflt
    docs = SETTING_DOCS[key]
    st.markdown(f"**{setting_name(key)}** · `{key}`" + (f" · :orange[{tr('settings_ui_changed')}]" if changed else ""))
    st.caption(docs.get(lang()) or docs["en"])
    left, save, reset = st.columns([4, 1, 1], vertical_alignment="center")
    with left:
        _widget(key)
    save.button(tr("settings_ui_save"), key=SAVE.format(key), on_click=_save, args=(key,), type="primary",
                width="stretch")
    reset.button(tr("settings_ui_reset"), key=RESET.format(key), on_click=_reset, args=(key,), disabled=not changed,
                 width="stretch")
    st.caption(tr("settings_ui_current", value=_shown(key, value), default=_shown(key, dflt)))
    _message(key)


def groups(current: Settings) -> None:
    """One tab per group of settings."""
    default = Settings()
    tabs = st.tabs([tr(f"settings_group_{group}") for group, _ in GROUPS])
    for tab, (_, keys) in zip(tabs, GROUPS, strict=True):
        with tab:
            for key in keys:
                setting_row(key, current, default)


def history() -> None:
    """The change history: when, who, setting, old, new (newest first)."""
    st.subheader(tr("settings_ui_history"), anchor=False)
    frame = setting_history(db.get_engine())
    if frame.empty:
        st.caption(tr("settings_ui_no_history"))
        return
    shown = pd.DataFrame({
        tr("settings_ui_col_when"): frame["changed_at"], tr("settings_ui_col_who"): frame["changed_by"],
        tr("settings_ui_col_key"): [named_key(k, lang()) for k in frame["key"]],
        tr("settings_ui_col_old"): frame["old"],
        tr("settings_ui_col_new"): frame["new"]})
    st.dataframe(shown, hide_index=True, width="stretch")
