"""English and Chinese strings. ``t(key, lang, **params)`` formats one.

Strings live in per-area modules (``common``, ``ingest``, ``ui`` ...), each a
``STRINGS = {key: {"en": ..., "zh": ...}}`` dict; keys must be unique across them.
"""

from __future__ import annotations

from importlib import import_module

LANGS = ("en", "zh")
_AREAS = ("common", "ingest", "ui", "metrics", "demo", "standup", "pace_board", "drill", "plans", "plans_ui", "reviews", "reviews_ui", "reports", "review_doc", "settings", "scores", "workdays", "arrivals", "push", "push_rules", "access", "analytics", "custom_metrics", "target_split", "period_model", "migrate")
_catalog: dict[str, dict[str, str]] | None = None


def catalog() -> dict[str, dict[str, str]]:
    """All strings, merged; raises on a key defined twice."""
    global _catalog
    if _catalog is None:
        merged: dict[str, dict[str, str]] = {}
        for area in _AREAS:
            strings = import_module(f"kpi_engine.i18n.{area}").STRINGS
            dup = set(strings) & set(merged)
            if dup:
                raise KeyError(f"i18n keys defined twice: {sorted(dup)}")
            merged.update(strings)
        _catalog = merged
    return _catalog


def normalize_lang(lang: str | None) -> str:
    return "zh" if (lang or "").lower().startswith("zh") else "en"


def t(key: str, lang: str | None = "en", **params: object) -> str:
    """The string ``key`` in ``lang`` (falls back to English, then to the key itself)."""
    entry = catalog().get(key)
    if entry is None:
        return key
    text = entry.get(normalize_lang(lang)) or entry.get("en") or key
    return text.format(**params) if params else text
