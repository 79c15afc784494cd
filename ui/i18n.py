"""The interface language: from the URL (``?lang=zh``), else the browser locale, else English."""

from __future__ import annotations

import streamlit as st

from kpi_engine.i18n import LANGS, catalog, normalize_lang, t

LANG_KEY = "lang"
LANG_LABELS = {"en": "English", "zh": "中文"}


def default_lang() -> str:
    """The browser's language when it is Chinese, else English."""
    try:
        locale = st.context.locale
    except Exception:  # no browser context (bare mode)
        locale = None
    return normalize_lang(locale) if locale else "en"


def lang() -> str:
    """The current interface language, ``"en"`` or ``"zh"``."""
    value = st.session_state.get(LANG_KEY)
    return value if value in LANGS else "en"


def tr(key: str, **params: object) -> str:
    """The UI string ``key`` in the current language."""
    return t(key, lang(), **params)


def stage_label(stage: str) -> str:
    """A progress stage reported by the engine ("validate", "demo_stage_leads" ...) as text for the user."""
    for key in (stage, f"ui_stage_{stage}"):
        if key in catalog():
            return tr(key)
    return stage
