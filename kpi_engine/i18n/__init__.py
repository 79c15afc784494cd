"""English and Chinese strings. ``t(key, lang, **params)`` formats one.

Strings live in per-area modules (``common``, ``ingest``, ``ui`` ...), each a
``STRINGS = {key: {"en": ..., "zh": ...}}`` dict; keys must be unique across them.

Chinese spacing: a Chinese template sets a value apart from the Chinese text around it with a space ("{metric} 的",
"没有名为 {name} 的令牌"), as Chinese typography does for Latin words and numbers ("crm 的令牌", "合计 600"). When
the value's own edge is a Chinese character ("线索数") that space is dropped ("线索数的个人目标", never
"线索数 的个人目标"); a space between two values ("{metric} {scope}") and any space inside a value stay.
"""

from __future__ import annotations

import functools
import re
import string
from collections.abc import Mapping
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
    language = normalize_lang(lang)
    text = entry.get(language) or entry.get("en") or key
    if not params:
        return text
    return format_zh(text, params) if language == "zh" else text.format(**params)


# Chinese characters and punctuation (CJK ideographs, extension A, compatibility ideographs, CJK symbols and
# punctuation, full-width forms): no space between two of them.
_CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")
_FORMATTER = string.Formatter()


@functools.lru_cache(maxsize=4096)
def _parsed(text: str) -> tuple[tuple[str, str | None, str | None, str | None], ...]:
    return tuple(_FORMATTER.parse(text))


def _cjk(char: str) -> bool:
    return bool(char) and _CJK.match(char) is not None


def format_zh(text: str, params: Mapping[str, object]) -> str:
    """``text.format(**params)`` for a Chinese template, without the space the template puts between a value and
    Chinese text when the value itself starts (or ends) with a Chinese character (see the module docstring)."""
    parts: list[tuple[str, bool]] = []  # (text, is a value)
    for literal, field, spec, conversion in _parsed(text):
        if literal:
            parts.append((literal, False))
        if field is not None:
            value, _ = _FORMATTER.get_field(field, (), params)
            value = _FORMATTER.convert_field(value, conversion)
            parts.append((_FORMATTER.format_field(value, _FORMATTER.vformat(spec or "", (), params)), True))
    out = [p for p, _ in parts]
    for i, (value, is_value) in enumerate(parts):
        if not is_value or not value:
            continue
        before = parts[i - 1] if i > 0 else None
        if before and not before[1] and out[i - 1].endswith(" ") and _cjk(value[0]) and _cjk(out[i - 1][-2:-1]):
            out[i - 1] = out[i - 1][:-1]
        after = parts[i + 1] if i + 1 < len(parts) else None
        if after and not after[1] and out[i + 1].startswith(" ") and _cjk(value[-1]) and _cjk(out[i + 1][1:2]):
            out[i + 1] = out[i + 1][1:]
    return "".join(out)
