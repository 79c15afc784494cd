"""How a review's cells and chart labels read: the one number formatter the page, Excel and HTML share."""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd

from kpi_engine import fmt

NO_VALUE = fmt.NO_VALUE


def is_missing(value: object) -> bool:
    """True for None, NaN, NaT and pandas NA."""
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


_SIGNED_COLUMN = re.compile(r"deviation|contribution|delta|change", re.IGNORECASE)


def signed_column(column: str) -> bool:
    """Columns of changes (deviation, contribution, change ...) show a + on gains."""
    return bool(_SIGNED_COLUMN.search(column))


def format_number(value: object, unit: str = "count", *, signed: bool = False, symbol: str | None = None,
                  lang: str = "en") -> str:
    """A cell or label as people read it (``kpi_engine.fmt``): money ¥12,345 / ¥12.50, ratio 12.3%, a signed ratio
    (a difference of rates) +1.2 pp, pct (a relative change) +4.5%, count 1,234, score 87.5, dates ISO, "—" for none."""
    if is_missing(value):
        return NO_VALUE
    if unit == "date" or isinstance(value, dt.date | pd.Timestamp):
        return value.date().isoformat() if isinstance(value, pd.Timestamp) else (
            value.isoformat() if isinstance(value, dt.date) else str(value))
    if unit == "text" or isinstance(value, str | bool):
        return str(value)
    try:
        v = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return str(value)
    return fmt.value(v, unit, lang, signed=signed, symbol=symbol)
