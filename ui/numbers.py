"""Numbers on the pages: ``kpi_engine.fmt`` in the current language with the session's settings (currency).

Cards and tables use the same functions, so one number reads the same everywhere: a table keeps its
numbers (for sorting) and shows the formatter's text through a pandas Styler (Streamlit shows a Styler's
display values in columns without a ``format`` of their own).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

import pandas as pd
from pandas.io.formats.style import Styler

from kpi_engine import fmt
from ui import db
from ui.i18n import lang

NO_VALUE = fmt.NO_VALUE


def value(v: object, unit: str, *, signed: bool = False) -> str:
    """``kpi_engine.fmt.value`` in the page's language, money with the store's currency symbol."""
    return fmt.value(v, unit, lang(), signed=signed, settings=db.settings())


def delta(v: object, unit: str) -> str:
    """A signed difference (``+12``, ``-¥2,075``, ``+2.9 pp``)."""
    return fmt.delta(v, unit, lang(), settings=db.settings())


def points_short(difference: object) -> str:
    """A difference of rates in short points, for a card or a narrow column: ``+3.2 pp`` / ``+3.2pp``."""
    if fmt.no_value(difference):
        return NO_VALUE
    text = fmt.number(round(float(difference) * 100, 1), 1, lang(), signed=True)  # type: ignore[arg-type]
    return f"{text}pp" if lang() == "zh" else f"{text} pp"


def achievement(fraction: object) -> str:
    return fmt.achievement(fraction, lang())


def styled(frame: pd.DataFrame, units: Mapping[str, str], signed: Collection[str] = ()) -> Styler:
    """``frame`` for ``st.dataframe``: each column of ``units`` written by :func:`value` (``signed`` ones as
    differences), the numbers kept; every other missing cell reads "—" (never "None" or "nan")."""
    out = frame.style.format(na_rep=NO_VALUE)
    settings, language = db.settings(), lang()
    for col, unit in units.items():
        if col in frame.columns:
            out = out.format(lambda v, u=unit, s=col in signed: fmt.value(v, u, language, signed=s, settings=settings),
                             subset=[col])
    return out
