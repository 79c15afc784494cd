"""A review as a document: titled sections of tables, charts and text, the same for the page, Excel and print.

:func:`kpi_engine.reviews.build.build_review` fills it from the database; the exporters
(:mod:`kpi_engine.reviews.export_excel`, :mod:`kpi_engine.reviews.export_html`) only lay it out,
so a downloaded report shows exactly the numbers the engine computed.

Tables hold raw values (numbers as floats, None/NaN for "no value", dates as ``datetime.date``);
``formats`` says how each column is shown: ``count``, ``money``, ``ratio`` (a fraction shown as a
percent), ``pct`` (a signed fractional change shown as +x.x%), ``pp`` (a difference of two ratios, shown
in percentage points), ``score`` (points), ``date``, ``text``, or ``row`` (the unit named by the row's value
in :attr:`Section.row_unit`, for tables mixing KPIs of different units). Rates change in points, never
in percent: in a table with ``row_unit``, a ``pct`` column of a ratio row holds the difference and is
shown as ``pp``; a signed column (deviation, change, contribution) of a ratio row reads ``+1.2 pp`` too. ``headers`` maps column ids to the heading in the document's language; columns not
in ``formats`` are not shown.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd

from kpi_engine import clock

FORMATS: tuple[str, ...] = ("count", "money", "ratio", "pct", "pp", "score", "date", "text", "row")
CHART_KINDS: tuple[str, ...] = ("trend", "waterfall", "bars")


@dataclass(frozen=True)
class Chart:
    """A chart's data. ``trend``: columns label, actual, target (target may be NaN: no line there);
    ``waterfall``: label, value, kind (total | up | down; totals are levels, the others changes);
    ``bars``: label, value (e.g. achievement per KPI, with ``reference`` drawn as a line, 1.0 = 100%)."""

    kind: str
    title: str
    data: pd.DataFrame
    unit: str = "count"  # how values are shown: count | money | ratio | score
    reference: float | None = None

    def __post_init__(self) -> None:
        if self.kind not in CHART_KINDS:
            raise ValueError(f"unknown chart kind {self.kind!r}; use one of: {', '.join(CHART_KINDS)}")


@dataclass(frozen=True)
class Section:
    """One part of a review: a heading, short paragraphs, a table, charts; one sheet in Excel."""

    key: str  # stable id, also the base of the Excel sheet name: kpis, off_track, trend, gap, people ...
    title: str
    table: pd.DataFrame = field(default_factory=pd.DataFrame)
    formats: dict[str, str] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    row_unit: str | None = None  # the column holding each row's unit where formats say "row"
    charts: tuple[Chart, ...] = ()
    text: tuple[str, ...] = ()
    empty_text: str = ""  # shown instead of an empty table

    def __post_init__(self) -> None:
        bad = {c: f for c, f in self.formats.items() if f not in FORMATS}
        if bad:
            raise ValueError(f"unknown formats {bad}; use: {', '.join(FORMATS)}")
        if "row" in self.formats.values() and self.row_unit not in self.table.columns:
            raise ValueError("a 'row' format needs row_unit naming a column of the table")

    @property
    def columns(self) -> list[str]:
        """The shown columns, in table order."""
        return [c for c in self.table.columns if c in self.formats]

    def header(self, column: str) -> str:
        return self.headers.get(column, column)

    def unit_of(self, column: str, row: int) -> str:
        """The display format of one cell; a ``pct`` cell of a ratio row is ``pp`` (its value is the difference)."""
        fmt = self.formats[column]
        if fmt == "row" and self.row_unit:
            return str(self.table[self.row_unit].iloc[row])
        if fmt == "pct" and self.row_unit in self.table.columns and self.table[self.row_unit].iloc[row] == "ratio":
            return "pp"
        return fmt


@dataclass(frozen=True)
class ReviewDocument:
    """A weekly or monthly review, ready to lay out."""

    kind: str  # weekly | monthly
    period: str  # 2026-W47 | 2026-10
    lang: str
    title: str
    subtitle: tuple[str, ...]  # range, data through, plan ...
    sections: tuple[Section, ...]
    generated_at: dt.datetime = field(default_factory=lambda: clock.business_now())

    def section(self, key: str) -> Section:
        for s in self.sections:
            if s.key == key:
                return s
        raise KeyError(f"no section {key!r}; sections: {', '.join(s.key for s in self.sections)}")
