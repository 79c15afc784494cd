"""Building blocks of a metric declaration (data only; ``compile`` turns them into SQL).

Calculation types:

- :class:`Simple`: an aggregate (count or sum) over one fact table, counted on its
  event-date column, with optional row conditions. Adds up across scopes and periods.
- :class:`Ratio`: numerator metric / denominator metric (× multiplier), divided safely.
- :class:`Derived`: an expression tree over other metrics. Besides metric references
  (:class:`Ref`), constants and settings, an expression may hold a :class:`Window`: a
  simple metric summed over a window anchored at the period start or end instead of over
  the period (customers active at a point in time, the trailing twelve months of orders).
- :class:`Manual`: a value reported by hand in ``metric_values``, aggregated over time
  (sum, average or last) at the scope it was reported for.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Literal

from kpi_engine.settings import Settings, in_force

Unit = Literal["count", "money", "ratio", "hours", "days", "score"]
Direction = Literal["higher", "lower"]
UNITS: tuple[str, ...] = ("count", "money", "ratio", "hours", "days", "score")
DIRECTIONS: tuple[str, ...] = ("higher", "lower")
TIME_AGGS: tuple[str, ...] = ("sum", "average", "last")


# --- Row measures and conditions ----------------------------------------------------


@dataclass(frozen=True)
class Col:
    """A column of the metric's fact table."""

    name: str


@dataclass(frozen=True)
class HoursBetween:
    """Hours from one timestamp column to another of the same row (NULL if either is missing)."""

    start: str
    end: str


@dataclass(frozen=True)
class DaysBetween:
    """Days (fractional) from one timestamp column to another of the same row."""

    start: str
    end: str


@dataclass(frozen=True)
class Lookup:
    """A column reached from the fact row by primary-key hops.

    ``Lookup("customer_id", (("customers", "lead_id"),))`` is the ``lead_id`` of the order's customer.
    """

    column: str
    hops: tuple[tuple[str, str], ...]


Measure = Col | HoursBetween | DaysBetween | Lookup


@dataclass(frozen=True)
class Cond:
    """A row condition: ``measure op value``; the value is a constant or a named setting.

    ``op`` is one of ``not_null``, ``not_blank`` (not NULL and not ''), ``>=``, ``<=``, ``>``, ``<``, ``=``.
    """

    measure: Measure
    op: str
    value: float | None = None
    setting: str | None = None


# --- Calculations ---------------------------------------------------------------------


@dataclass(frozen=True)
class Simple:
    """Count rows, or sum a measure, of one fact table, by its event-date column."""

    fact: str
    event: str
    agg: Literal["count", "sum"] = "count"
    measure: Measure | None = None
    where: tuple[Cond, ...] = ()


@dataclass(frozen=True)
class Ratio:
    """``numerator / denominator × multiplier``, no value when the denominator is 0.

    ``numerator_required``: no value when the numerator is 0 either (a cost per lead of a channel without
    any spend is not ¥0: nothing was paid for, so there is no cost per lead).
    """

    numerator: str
    denominator: str
    multiplier: float = 1.0
    numerator_required: bool = False


@dataclass(frozen=True)
class Ref:
    """Another metric, inside a derived expression."""

    metric: str


@dataclass(frozen=True)
class Const:
    value: float


@dataclass(frozen=True)
class Setting:
    """A numeric setting (``kpi_engine.settings.Settings`` field), e.g. ``gross_margin``."""

    name: str


@dataclass(frozen=True)
class Window:
    """A simple metric summed over ``[anchor − months, anchor − skip_months)`` instead of over the period.

    ``anchor`` is the first moment of the period (``start``) or the first moment after it
    (``end``); ``months=None`` reaches back to the first fact. Examples: customers active at
    the period end = ``Window(acquired, "end") − Window(churned, "end")``; the trailing
    twelve months of orders = ``Window("order_revenue", "end", 12)``.
    """

    metric: str
    anchor: Literal["start", "end"]
    months: int | None = None
    skip_months: int = 0


@dataclass(frozen=True)
class Op:
    """``left op right``: ``+ - * /`` (``/`` divides safely), ``least`` / ``greatest`` (smaller / larger of the
    two, no value when either has none), ``coalesce`` (left, or right when left has no value)."""

    op: Literal["+", "-", "*", "/", "least", "greatest", "coalesce"]
    left: Expr
    right: Expr


Expr = Ref | Const | Setting | Window | Op


@dataclass(frozen=True)
class Derived:
    expr: Expr


@dataclass(frozen=True)
class Manual:
    """A value reported in ``metric_values`` (``metric_id`` = ``source`` or the metric's id).

    ``agg`` combines the periods inside a longer one: ``sum`` (monthly UGC -> quarterly UGC),
    ``average`` (satisfaction) or ``last`` (followers at the end). ``additive``: values of
    several scopes (channels, people) add up when one result covers them.
    """

    agg: Literal["sum", "average", "last"]
    additive: bool = False
    source: str | None = None


Calc = Simple | Ratio | Derived | Manual
CALC_TYPES: dict[type, str] = {Simple: "simple", Ratio: "ratio", Derived: "derived", Manual: "manual"}


# --- The metric ---------------------------------------------------------------------


@dataclass(frozen=True)
class Metric:
    """One metric: labels, formula and calculation side by side.

    ``facts`` (the tables it reads) is filled in by the registry from the calculation;
    ``helper`` metrics are parts of others (computable, not listed). ``custom``: a store's own metric
    (``kpi_engine.metrics.custom``), a derived expression written by a user; ``adds_up``: a derived metric that is
    a sum or difference of metrics that add up (times constants), so it adds up over time and across scopes too.
    """

    id: str
    name_en: str
    name_zh: str
    description_en: str
    description_zh: str
    formula_en: str
    formula_zh: str
    unit: Unit
    direction: Direction
    calc: Calc
    helper: bool = False
    facts: tuple[str, ...] = ()
    custom: bool = False
    adds_up: bool = False

    @property
    def type(self) -> str:
        """``simple``, ``ratio``, ``derived``, ``manual``, or ``custom`` for a store's own metric."""
        return "custom" if self.custom else CALC_TYPES[type(self.calc)]

    @property
    def additive(self) -> bool:
        """True when values add up across scopes (counts and sums; manual metrics as declared)."""
        if isinstance(self.calc, Manual):
            return self.calc.additive
        return isinstance(self.calc, Simple) or self.adds_up

    @property
    def cumulative(self) -> bool:
        """True when values add up over time (counts, sums; manual metrics summed over time): pace by run rate."""
        if isinstance(self.calc, Manual):
            return self.calc.agg == "sum"
        return isinstance(self.calc, Simple) or self.adds_up

    @property
    def empty_is_zero(self) -> bool:
        """True when a scope and period without facts has the value 0 (counts and sums of facts).

        False for ratios (no value) and manual metrics (nothing reported is no value, never 0).
        """
        return isinstance(self.calc, Simple)

    @property
    def source_id(self) -> str:
        """For a manual metric: the ``metric_values.metric_id`` it reads."""
        return self.calc.source or self.id if isinstance(self.calc, Manual) else self.id

    def text(self, field: str, lang: str = "en", settings: Settings | None = None) -> str:
        """``name``, ``description`` or ``formula`` in ``lang`` with setting values filled in."""
        lang = "zh" if lang.startswith("zh") else "en"
        raw = getattr(self, f"{field}_{lang}")
        return raw.format_map(dataclasses.asdict(in_force(settings)))

    def name(self, lang: str = "en") -> str:
        return self.text("name", lang)

    def description(self, lang: str = "en", settings: Settings | None = None) -> str:
        return self.text("description", lang, settings)

    def formula(self, lang: str = "en", settings: Settings | None = None) -> str:
        return self.text("formula", lang, settings)


def metric(id: str, name_en: str, name_zh: str, desc_en: str, desc_zh: str, formula_en: str, formula_zh: str,
           unit: Unit, direction: Direction, calc: Calc, *, helper: bool = False) -> Metric:
    """Shorthand for declaring a :class:`Metric` positionally."""
    return Metric(id, name_en, name_zh, desc_en, desc_zh, formula_en, formula_zh, unit, direction, calc, helper)
