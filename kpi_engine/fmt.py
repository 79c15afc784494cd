"""One formatter for every number people read: pages, reports, the command line (issue 10, points 10 and 11).

Locale rules (digit grouping, decimal mark, sign and currency placement) come from babel, ``en_US`` for
English and ``zh_CN`` for Chinese. The rules, one per kind of number:

- **no value** — None, NaN, NaT, pandas NA and ±inf read ``—`` (:data:`NO_VALUE`), never 0;
- **money** — the currency symbol from the settings (default ``¥``); two decimals below 100, whole
  units from 100 up (decided on the value rounded to cents): ``¥12.46``, ``¥99.99``, ``¥100``, ``¥1,235``,
  ``-¥300``;
- **count** — grouped, whole when the count is whole: ``1,234``; a fractional count (an average, a pro-rated
  target) with one decimal: ``366.7``, ``0.7`` (decided on the value rounded to one decimal);
- **ratio** — a share as a percent with one decimal: ``12.3%``; a share below 1 never reads ``100.0%``
  (0.9996 reads ``99.9%``: a target is not shown as reached before it is);
- **points** — the difference of two ratios in percentage points, signed, one decimal: ``+1.2 pp`` /
  ``+1.2 个百分点`` (a change of a rate is never shown as a percent change);
- **change** — a relative change (``this / previous − 1``), signed percent, one decimal: ``+12.3%``;
- **signed** — a difference in a metric's unit: ``+12``, ``-¥2,075``, and for ratios in points;
- **score** — one decimal: ``87.5``; **hours** / **days** — one decimal and the unit: ``1.5 h`` / ``1.5 小时``;
- **achievement** — ``actual / base`` when higher is better, ``base / actual`` when lower is better
  (:func:`achievement_ratio`), shown as a ratio: ``72.7%``, ``99.9%`` just below the target, ``100.0%`` on it;
  a lower-is-better actual of 0 is achieved without bound (``∞``).

Rounding is half away from zero on the shortest decimal form of the value (0.125 → 0.13), and a value
that rounds to zero loses its sign (``0.0``, not ``-0.0``). :func:`column_format` gives the printf format
of a unit for ``st.column_config`` columns whose format does not depend on the value (counts, percents,
scores); money columns are written as text per cell with :func:`value` so tables agree with cards.
"""

from __future__ import annotations

import functools
import math
from decimal import ROUND_HALF_UP, Context, Decimal

from babel import Locale
from babel.numbers import format_decimal

from kpi_engine.settings import Settings, in_force  # money's symbol: the store's in force when a call names none

NO_VALUE = "—"
INFINITE = "∞"
MONEY_WHOLE_FROM = 100  # money at or above this (in absolute value) is shown in whole units
LOCALES = {"en": "en_US", "zh": "zh_CN"}
UNITS: tuple[str, ...] = ("count", "money", "ratio", "pct", "pp", "score", "hours", "days")
_POINTS = {"en": "{value} pp", "zh": "{value} 个百分点"}
_DURATION = {"hours": {"en": "{value} h", "zh": "{value} 小时"}, "days": {"en": "{value} d", "zh": "{value} 天"}}


def no_value(value: object) -> bool:
    """True for None, NaN, NaT, pandas NA, ±inf and anything that is not a number."""
    if value is None or isinstance(value, str):
        return True
    if isinstance(value, Decimal):
        return not value.is_finite()
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return True
    return not math.isfinite(number)


def _locale(lang: str) -> str:
    return LOCALES.get(lang, "en_US")


_HUGE = Decimal(10) ** 15
_CONTEXT = Context(prec=400, rounding=ROUND_HALF_UP)  # room for every float's digits (up to 1.8e308)


def _round(value: float, decimals: int, scale: int = 0) -> Decimal:
    """``value × 10**scale`` rounded half away from zero on its shortest decimal form; never a negative zero."""
    q = Decimal(repr(float(value))).scaleb(scale).quantize(Decimal(1).scaleb(-decimals), context=_CONTEXT)
    return abs(q) if q == 0 else q


def _pattern(decimals: int) -> str:
    return "#,##0" + ("." + "0" * decimals if decimals > 0 else "")


def _sign(q: Decimal, signed: bool) -> str:
    return "-" if q < 0 else ("+" if signed and q > 0 else "")


def number(value: object, decimals: int = 0, lang: str = "en", *, signed: bool = False) -> str:
    """A plain number with ``decimals`` decimals and the locale's grouping: ``1,234.5``; ``+`` on gains when signed."""
    if no_value(value):
        return NO_VALUE
    q = value.quantize(Decimal(1).scaleb(-decimals), context=_CONTEXT) if isinstance(value, Decimal) else (
        _round(float(value), decimals))  # type: ignore[arg-type]
    if abs(q) >= _HUGE:  # beyond babel's decimal precision; both locales group with "," and use "."
        return _sign(q, signed) + f"{abs(q):,.{decimals}f}"
    return _sign(q, signed) + format_decimal(abs(q), format=_pattern(decimals), locale=_locale(lang),
                                             decimal_quantization=False)


def currency_symbol(settings: Settings | None = None) -> str:
    """The symbol money is shown with (the setting ``currency_symbol`` of the store in force, default ``¥``)."""
    return in_force(settings).currency_symbol


def money_decimals(value: float) -> int:
    """2 below :data:`MONEY_WHOLE_FROM` (after rounding to cents), else 0."""
    return 2 if abs(_round(value, 2)) < MONEY_WHOLE_FROM else 0


def money(value: object, lang: str = "en", *, signed: bool = False, symbol: str | None = None,
          settings: Settings | None = None) -> str:
    """``¥12.46``, ``¥1,235``, ``-¥300``, ``+¥20`` (signed); the symbol from ``symbol``, else the settings."""
    if no_value(value):
        return NO_VALUE
    sym = symbol if symbol is not None else in_force(settings).currency_symbol
    v = float(value)  # type: ignore[arg-type]
    decimals = money_decimals(v)
    q = _round(v, decimals)
    digits = number(abs(q), decimals, lang)
    return _sign(q, signed) + (sym + digits if _symbol_first(_locale(lang)) else digits + sym)


@functools.cache
def _symbol_first(locale: str) -> bool:
    """Whether the locale's currency pattern puts the symbol before the number (babel's CLDR data)."""
    return Locale.parse(locale).currency_formats["standard"].pattern.lstrip().startswith("¤")


def count(value: object, lang: str = "en", *, signed: bool = False) -> str:
    """A count, grouped: ``1,234``, ``366.7`` when fractional (``+12`` when signed)."""
    if no_value(value):
        return NO_VALUE
    whole = _round(float(value), 1) == _round(float(value), 0)  # type: ignore[arg-type]
    return number(value, 0 if whole else 1, lang, signed=signed)


def _percent(fraction: object) -> Decimal | None:
    if no_value(fraction):
        return None
    f = float(fraction)  # type: ignore[arg-type]
    shown = _round(f, 1, scale=2)
    return Decimal("99.9") if shown >= 100 and f < 1 else shown


def percent_value(fraction: object) -> float | None:
    """The number a ratio is shown as, in percent (0.12345 → 12.3; 0.9996 → 99.9, never 100.0 below 1)."""
    shown = _percent(fraction)
    return None if shown is None else float(shown)


def percent(fraction: object, lang: str = "en", *, signed: bool = False) -> str:
    """A ratio as a percent with one decimal: 0.1234 → ``12.3%`` (0.9996 → ``99.9%``)."""
    shown = _percent(fraction)
    return NO_VALUE if shown is None else number(shown, 1, lang, signed=signed) + "%"


def change(relative: object, lang: str = "en") -> str:
    """A relative change, signed: 0.25 → ``+25.0%``, -0.39 → ``-39.0%``."""
    return percent(relative, lang, signed=True)


def points(difference: object, lang: str = "en") -> str:
    """The difference of two ratios in percentage points: 0.012 → ``+1.2 pp`` / ``+1.2 个百分点``."""
    if no_value(difference):
        return NO_VALUE
    text = number(_round(float(difference), 1, scale=2), 1, lang, signed=True)  # type: ignore[arg-type]
    return _POINTS.get(lang, _POINTS["en"]).format(value=text)


def score(value: object, lang: str = "en", *, signed: bool = False) -> str:
    """A score with one decimal: ``87.5``."""
    return number(value, 1, lang, signed=signed)


def duration(value: object, unit: str, lang: str = "en", *, signed: bool = False) -> str:
    """Hours or days with one decimal and the unit: ``1.5 h`` / ``1.5 小时``, ``2.0 d`` / ``2.0 天``."""
    if no_value(value):
        return NO_VALUE
    return _DURATION[unit].get(lang, _DURATION[unit]["en"]).format(value=number(value, 1, lang, signed=signed))


def value(v: object, unit: str = "count", lang: str = "en", *, signed: bool = False, symbol: str | None = None,
          settings: Settings | None = None) -> str:
    """A value in its unit: count, money, ratio, ``pct`` (a relative change), ``pp`` (points), score, hours, days.

    With ``signed`` the value is a difference: a ratio difference is shown in points.
    """
    if unit == "money":
        return money(v, lang, signed=signed, symbol=symbol, settings=settings)
    if unit == "ratio":
        return points(v, lang) if signed else percent(v, lang)
    if unit == "pct":
        return change(v, lang)
    if unit == "pp":
        return points(v, lang)
    if unit == "score":
        return score(v, lang, signed=signed)
    if unit in _DURATION:
        return duration(v, unit, lang, signed=signed)
    return count(v, lang, signed=signed)


def band(v: object, low: object, high: object, unit: str = "count", lang: str = "en", *, whole: bool = False,
         symbol: str | None = None, settings: Settings | None = None) -> str:
    """A value with its range, ``1,240 (1,180–1,310)``; :data:`NO_VALUE` unless all three are known.

    ``whole``: a count shown whole (a projection of 1,239.6 leads reads 1,240). Money names its currency once, on
    the value (``¥141,722 (135,599–153,169)``): the range stays short enough for a narrow column.
    """
    if any(no_value(x) for x in (v, low, high)):
        return NO_VALUE
    nums = [float(x) for x in (v, low, high)]  # type: ignore[arg-type]
    if whole and unit == "count":
        nums = [float(round(x)) for x in nums]
    mid = value(nums[0], unit, lang, symbol=symbol, settings=settings)
    lo, hi = (value(x, unit, lang, symbol="" if unit == "money" else symbol, settings=settings) for x in nums[1:])
    return f"{mid} ({lo}–{hi})"


def delta(difference: object, unit: str, lang: str = "en", *, symbol: str | None = None,
          settings: Settings | None = None) -> str:
    """A signed difference in ``unit`` (``+12``, ``-¥2,075``, ``+2.9 pp``)."""
    return value(difference, unit, lang, signed=True, symbol=symbol, settings=settings)


def relative(actual: object, reference: object) -> float | None:
    """``actual / reference − 1``; None when either has no value or the reference is not positive."""
    if no_value(actual) or no_value(reference) or float(reference) <= 0:  # type: ignore[arg-type]
        return None
    return float(actual) / float(reference) - 1.0  # type: ignore[arg-type]


def achievement_ratio(actual: object, base: object, direction: str = "higher") -> float | None:
    """``actual / base`` (higher is better) or ``base / actual`` (lower is better; an actual ≤ 0 gives ``inf``).

    None without an actual, without a base or with a base ≤ 0.
    """
    if no_value(actual) or no_value(base) or float(base) <= 0:  # type: ignore[arg-type]
        return None
    a, b = float(actual), float(base)  # type: ignore[arg-type]
    if direction == "lower":
        return math.inf if a <= 0 else b / a
    return a / b


def achievement(fraction: object, lang: str = "en") -> str:
    """Achievement as a percent: ``72.7%`` (0.9996 → ``99.9%``); ``∞`` without bound, ``—`` for none."""
    if isinstance(fraction, float) and fraction == math.inf:
        return INFINITE
    return percent(fraction, lang)


def column_format(unit: str, lang: str = "en", *, signed: bool = False) -> str:
    """printf format of ``st.column_config.NumberColumn`` for a unit whose text does not depend on the value.

    Ratios, achievement and relative changes must be given in percent (:func:`percent_value`).
    Money has none (its decimals depend on the value): write money cells as text with :func:`value`.
    """
    plus = "+" if signed else ""
    zh = lang == "zh"
    formats = {"count": f"%{plus},.0f", "ratio": f"%{plus}.1f%%", "pct": "%+.1f%%",
               "pp": "%+.1f 个百分点" if zh else "%+.1f pp", "score": f"%{plus}.1f",
               "hours": f"%{plus}.1f 小时" if zh else f"%{plus}.1f h", "days": f"%{plus}.1f 天" if zh else f"%{plus}.1f d",
               "achievement": "%.1f%%"}
    if unit not in formats:
        raise ValueError(f"no column format for {unit!r}: write such cells as text with fmt.value")
    return formats[unit]


def d3_format(unit: str) -> str:
    """The d3 format (Altair axes) closest to :func:`value`: ``,.0f`` counts and money, ``.1%`` ratios."""
    return {"ratio": ".1%", "pct": "+.1%", "score": ",.1f", "hours": ",.1f", "days": ",.1f"}.get(unit, ",.0f")


def excel_format(unit: str, value: float | None = None, *, signed: bool = False, symbol: str | None = None) -> str:
    """The Excel number format that shows a cell as :func:`value` does (money decided per cell by its value).

    A ``pp`` cell (and a signed ratio) must hold the difference in points (×100): Excel cannot scale by 100
    without a % sign.
    """
    sign = '+{0};-{0};{0}' if signed else "{0}"
    if unit == "money":
        sym = (symbol if symbol is not None else currency_symbol()).replace('"', "")
        whole = value is not None and not no_value(value) and money_decimals(float(value)) == 0
        body = f'"{sym}"#,##0' + ("" if whole else ".00")
        return f'+{body};-{body};{body}' if signed else f'{body};-{body}'
    if unit == "pp" or (unit == "ratio" and signed):
        return '+0.0" pp";-0.0" pp";0.0" pp"'
    if unit == "ratio":
        return "0.0%"
    if unit == "pct":
        return "+0.0%;-0.0%;0.0%"
    if unit == "count":
        fractional = value is not None and not no_value(value) and count(value).find(".") >= 0
        return sign.format("#,##0.0" if fractional else "#,##0")
    if unit in ("score", "hours", "days"):
        return sign.format("0.0")
    return "General"
