"""Numbers as text for the standup's cards and alert sentences (English and Chinese).

``—`` stands for "no value" (nothing measured, a zero denominator), never 0.
"""

from __future__ import annotations

import math

from kpi_engine.settings import Settings, get_settings

NO_VALUE = "—"


def missing(value: float | None) -> bool:
    """True for None and NaN."""
    return value is None or (isinstance(value, float) and math.isnan(value))


def value(value: float | None, unit: str, lang: str = "en", settings: Settings | None = None) -> str:
    """``1,234`` (count), ``¥1,234`` / ``¥12.5`` (money; decimals below 100), ``85.0%`` (ratio), ``1.5 h`` (hours)."""
    if missing(value):
        return NO_VALUE
    v = float(value)  # type: ignore[arg-type]
    if unit == "count":
        return f"{v:,.0f}"
    if unit == "money":
        symbol = (settings or get_settings()).currency_symbol
        sign = "-" if v < 0 else ""
        return f"{sign}{symbol}{abs(v):,.0f}" if abs(v) >= 100 else f"{sign}{symbol}{abs(v):,.1f}"
    if unit == "ratio":
        return f"{v * 100:.1f}%"
    if unit == "hours":
        return f"{v:.1f} {'小时' if lang == 'zh' else 'h'}"
    if unit == "days":
        return f"{v:.1f} {'天' if lang == 'zh' else 'd'}"
    return f"{v:,.1f}"


def percent(share: float | None, *, signed: bool = False) -> str:
    """A share as a whole percentage: ``73%``, or ``+12%`` / ``-39%`` when ``signed``."""
    if missing(share) or (isinstance(share, float) and math.isinf(share)):
        return NO_VALUE
    return f"{share * 100:+.0f}%" if signed else f"{share * 100:.0f}%"  # type: ignore[operator]


def relative(actual: float | None, reference: float | None) -> float | None:
    """``actual / reference − 1``; None when either is missing or the reference is not positive."""
    if missing(actual) or missing(reference) or reference <= 0:  # type: ignore[operator]
        return None
    return float(actual) / float(reference) - 1.0  # type: ignore[arg-type]
