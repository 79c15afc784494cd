"""The metric registry: every metric declared once, as data (SPEC section 4).

A metric is a frozen :class:`Metric` holding its names, description and formula
text in English and Chinese next to its calculation, so that a tooltip can never
drift from the query. Calculations come in three types, turned into SQL only by
``kpi_engine.metrics.compile``:

- :class:`Simple`: an aggregate (count or sum) over one fact table, counted on
  its event-date column (leads by ``created_at``, MQLs by ``mql_at`` ...), with
  optional conditions. Simple metrics add up across scopes and periods.
- :class:`Ratio`: numerator metric / denominator metric (× multiplier), divided
  safely: a zero denominator gives no value. Ratios never add up; they are
  recomputed from their parts at every scope and grain.
- :class:`Derived`: an expression tree over other metrics (``roi = (revenue -
  spend) / spend``); every division is safe as in a ratio.

Attribution is first-touch: a lead's MQL, SQL, win and revenue belong to the
lead's channel, campaign and owner. Spend belongs to its own channel and
campaign; by person (and team), spend is that of the campaigns the person owns.

Texts may name settings as ``{high_value_threshold:g}``; :meth:`Metric.text`
fills them from :class:`kpi_engine.settings.Settings`.

Room for the next issue: LTV, retention, NPS and cycle days add facts
(``customers``, ``orders``, ``survey_responses``) and, where an event count
is not enough, new calculation types (a stock at period end, manual values from
``metric_values`` with a time aggregation); the compiler dispatches on type.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Literal

from kpi_engine.settings import Settings, get_settings

Unit = Literal["count", "money", "ratio", "hours", "days", "score"]
Direction = Literal["higher", "lower"]
UNITS: tuple[str, ...] = ("count", "money", "ratio", "hours", "days", "score")
DIRECTIONS: tuple[str, ...] = ("higher", "lower")


# --- Building blocks of a calculation -------------------------------------------


@dataclass(frozen=True)
class Col:
    """A column of the metric's fact table."""

    name: str


@dataclass(frozen=True)
class HoursBetween:
    """Hours from one timestamp column to another of the same row (NULL if either is missing)."""

    start: str
    end: str


Measure = Col | HoursBetween


@dataclass(frozen=True)
class Cond:
    """A row condition: ``measure op value``; the value is a constant or a named setting.

    ``op`` is one of ``not_null``, ``>=``, ``<=``, ``>``, ``<``, ``=``.
    """

    measure: Measure
    op: str
    value: float | None = None
    setting: str | None = None


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
    """``numerator / denominator × multiplier``, no value when the denominator is 0."""

    numerator: str
    denominator: str
    multiplier: float = 1.0


@dataclass(frozen=True)
class Ref:
    """Another metric, inside a derived expression."""

    metric: str


@dataclass(frozen=True)
class Const:
    value: float


@dataclass(frozen=True)
class Op:
    """``left op right`` with ``op`` in + - * /; ``/`` divides safely."""

    op: Literal["+", "-", "*", "/"]
    left: Expr
    right: Expr


Expr = Ref | Const | Op


@dataclass(frozen=True)
class Derived:
    expr: Expr


Calc = Simple | Ratio | Derived


# --- The metric ---------------------------------------------------------------------


@dataclass(frozen=True)
class Metric:
    """One metric: labels, formula and calculation side by side.

    ``facts`` (the fact tables it reads) is filled in by the registry from the
    calculation; ``helper`` metrics are parts of others (computable, not listed).
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

    @property
    def type(self) -> str:
        """``simple``, ``ratio`` or ``derived``."""
        return {Simple: "simple", Ratio: "ratio", Derived: "derived"}[type(self.calc)]

    @property
    def additive(self) -> bool:
        """True when values add up across scopes and periods (counts and sums)."""
        return isinstance(self.calc, Simple)

    def text(self, field: str, lang: str = "en", settings: Settings | None = None) -> str:
        """``name``, ``description`` or ``formula`` in ``lang`` with setting values filled in."""
        lang = "zh" if lang.startswith("zh") else "en"
        raw = getattr(self, f"{field}_{lang}")
        return raw.format_map(dataclasses.asdict(settings or get_settings()))

    def name(self, lang: str = "en") -> str:
        return self.text("name", lang)

    def description(self, lang: str = "en", settings: Settings | None = None) -> str:
        return self.text("description", lang, settings)

    def formula(self, lang: str = "en", settings: Settings | None = None) -> str:
        return self.text("formula", lang, settings)


_FIRST_TOUCH_EN = " Attributed first-touch to the lead's channel, campaign and owner."
_FIRST_TOUCH_ZH = "按首次触达归因到线索的渠道、活动和负责人。"
_SPEND_SCOPE_EN = (" Spend belongs to its own channel and campaign; by person (and team) it is the spend of the"
                   " campaigns the person owns (campaigns.owner_id), spend without a campaign has no person.")
_SPEND_SCOPE_ZH = "花费归属其自身的渠道和活动；按人员（及团队）统计时，为该人员负责的活动（campaigns.owner_id）的花费，未关联活动的花费不归属任何人。"


def _m(id: str, name_en: str, name_zh: str, desc_en: str, desc_zh: str, formula_en: str, formula_zh: str,
       unit: Unit, direction: Direction, calc: Calc, *, helper: bool = False) -> Metric:
    return Metric(id, name_en, name_zh, desc_en, desc_zh, formula_en, formula_zh, unit, direction, calc, helper)


def _lead_count(event: str, *where: Cond) -> Simple:
    return Simple("leads", event, "count", None, tuple(where))


def _spend_sum(column: str) -> Simple:
    return Simple("spend", "date", "sum", Col(column))


_SLA = Cond(HoursBetween("created_at", "first_response_at"), "<=", setting="response_sla_hours")

_DECLARED: tuple[Metric, ...] = (
    # --- Counts and sums (simple) -----------------------------------------------------
    _m("leads", "Leads", "线索数",
       "Leads created in the period (by created_at)." + _FIRST_TOUCH_EN,
       "期间内创建的线索数（按创建时间）。" + _FIRST_TOUCH_ZH,
       "count of leads by created_at", "按 created_at 统计的线索数",
       "count", "higher", _lead_count("created_at")),
    _m("mqls", "MQLs", "MQL 数",
       "Leads that became marketing-qualified in the period (by mql_at)." + _FIRST_TOUCH_EN,
       "期间内成为市场认可线索（MQL）的线索数（按 mql_at）。" + _FIRST_TOUCH_ZH,
       "count of leads by mql_at", "按 mql_at 统计的线索数",
       "count", "higher", _lead_count("mql_at")),
    _m("sqls", "SQLs", "SQL 数",
       "Leads that became sales-qualified in the period (by sql_at)." + _FIRST_TOUCH_EN,
       "期间内成为销售认可线索（SQL）的线索数（按 sql_at）。" + _FIRST_TOUCH_ZH,
       "count of leads by sql_at", "按 sql_at 统计的线索数",
       "count", "higher", _lead_count("sql_at")),
    _m("wins", "New customers (won deals)", "新客户数（赢单）",
       "Leads won in the period (by won_at)." + _FIRST_TOUCH_EN,
       "期间内赢单的线索数（按 won_at）。" + _FIRST_TOUCH_ZH,
       "count of leads by won_at", "按 won_at 统计的赢单线索数",
       "count", "higher", _lead_count("won_at")),
    _m("revenue", "Won revenue", "赢单金额",
       "Sum of deal_value of leads won in the period (by won_at)." + _FIRST_TOUCH_EN,
       "期间内赢单线索的成交金额之和（按 won_at）。" + _FIRST_TOUCH_ZH,
       "sum of deal_value by won_at", "按 won_at 汇总的 deal_value",
       "money", "higher", Simple("leads", "won_at", "sum", Col("deal_value"))),
    _m("spend", "Marketing spend", "营销花费",
       "Sum of spend.cost by spend date (lower is better as a budget)." + _SPEND_SCOPE_EN,
       "按花费日期汇总的 spend.cost（作为预算，越低越好）。" + _SPEND_SCOPE_ZH,
       "sum of spend.cost by date", "按日期汇总的 spend.cost",
       "money", "lower", _spend_sum("cost")),
    _m("impressions", "Impressions", "展现量",
       "Sum of impressions reported by the ad platforms, by spend date." + _SPEND_SCOPE_EN,
       "广告平台报告的展现量之和（按花费日期）。" + _SPEND_SCOPE_ZH,
       "sum of spend.impressions by date", "按日期汇总的 spend.impressions",
       "count", "higher", _spend_sum("impressions")),
    _m("clicks", "Clicks", "点击量",
       "Sum of clicks reported by the ad platforms, by spend date." + _SPEND_SCOPE_EN,
       "广告平台报告的点击量之和（按花费日期）。" + _SPEND_SCOPE_ZH,
       "sum of spend.clicks by date", "按日期汇总的 spend.clicks",
       "count", "higher", _spend_sum("clicks")),
    _m("high_value_leads", "High-value leads", "高价值线索数",
       "Leads created in the period with expected_value ≥ {high_value_threshold:g} (setting high_value_threshold)."
       + _FIRST_TOUCH_EN,
       "期间内创建且预计价值 ≥ {high_value_threshold:g} 的线索数（设置 high_value_threshold）。" + _FIRST_TOUCH_ZH,
       "count of leads with expected_value ≥ {high_value_threshold:g}, by created_at",
       "预计价值 ≥ {high_value_threshold:g} 的线索数（按 created_at）",
       "count", "higher", _lead_count("created_at", Cond(Col("expected_value"), ">=", setting="high_value_threshold"))),
    _m("responded_leads", "Responded leads", "已响应线索数",
       "Leads created in the period that have a first response." + _FIRST_TOUCH_EN,
       "期间内创建且已有首次响应的线索数。" + _FIRST_TOUCH_ZH,
       "count of leads with first_response_at, by created_at", "有 first_response_at 的线索数（按 created_at）",
       "count", "higher", _lead_count("created_at", Cond(Col("first_response_at"), "not_null"))),
    _m("leads_within_sla", "Leads answered within SLA (count)", "SLA 内响应线索数",
       "Leads created in the period first answered within {response_sla_hours:g} hours (setting response_sla_hours)."
       + _FIRST_TOUCH_EN,
       "期间内创建且在 {response_sla_hours:g} 小时内首次响应的线索数（设置 response_sla_hours）。" + _FIRST_TOUCH_ZH,
       "count of leads with first_response_at − created_at ≤ {response_sla_hours:g} h, by created_at",
       "first_response_at − created_at ≤ {response_sla_hours:g} 小时的线索数（按 created_at）",
       "count", "higher", _lead_count("created_at", _SLA)),
    _m("response_hours_total", "Total response hours", "响应时长合计",
       "Sum over responded leads created in the period of the hours from created_at to first_response_at.",
       "期间内创建并已响应线索从创建到首次响应的小时数之和。",
       "sum of (first_response_at − created_at) in hours, by created_at",
       "按 created_at 汇总的（first_response_at − created_at）小时数",
       "hours", "lower", Simple("leads", "created_at", "sum", HoursBetween("created_at", "first_response_at")),
       helper=True),
    # --- Ratios ------------------------------------------------------------------------
    _m("lead_to_mql", "Lead → MQL rate", "线索→MQL 转化率",
       "MQLs in the period divided by leads created in the period.",
       "期间内 MQL 数除以期间内创建的线索数。",
       "mqls / leads", "mqls / leads（MQL 数 / 线索数）", "ratio", "higher", Ratio("mqls", "leads")),
    _m("mql_to_sql", "MQL → SQL rate", "MQL→SQL 转化率",
       "SQLs in the period divided by MQLs in the period.", "期间内 SQL 数除以期间内 MQL 数。",
       "sqls / mqls", "sqls / mqls（SQL 数 / MQL 数）", "ratio", "higher", Ratio("sqls", "mqls")),
    _m("lead_to_customer", "Lead → customer rate", "线索→客户转化率",
       "Wins in the period divided by leads created in the period.", "期间内赢单数除以期间内创建的线索数。",
       "wins / leads", "wins / leads（赢单数 / 线索数）", "ratio", "higher", Ratio("wins", "leads")),
    _m("high_value_share", "High-value lead share", "高价值线索占比",
       "Share of leads created in the period with expected_value ≥ {high_value_threshold:g}.",
       "期间内创建的线索中预计价值 ≥ {high_value_threshold:g} 的占比。",
       "high_value_leads / leads", "high_value_leads / leads（高价值线索数 / 线索数）",
       "ratio", "higher", Ratio("high_value_leads", "leads")),
    _m("cpl", "Cost per lead", "单条线索成本",
       "Spend divided by leads created, in the same scope and period.", "同一范围和期间内的花费除以线索数。",
       "spend / leads", "spend / leads（花费 / 线索数）", "money", "lower", Ratio("spend", "leads")),
    _m("cost_per_mql", "Cost per MQL", "单个 MQL 成本",
       "Spend divided by MQLs, in the same scope and period.", "同一范围和期间内的花费除以 MQL 数。",
       "spend / mqls", "spend / mqls（花费 / MQL 数）", "money", "lower", Ratio("spend", "mqls")),
    _m("cac", "Customer acquisition cost", "获客成本",
       "Spend divided by wins, in the same scope and period.", "同一范围和期间内的花费除以赢单数。",
       "spend / wins", "spend / wins（花费 / 赢单数）", "money", "lower", Ratio("spend", "wins")),
    _m("roi", "Marketing ROI", "营销投资回报率",
       "Won revenue minus spend, divided by spend (0.5 means 50% return).",
       "赢单金额减去花费后除以花费（0.5 表示 50% 回报）。",
       "(revenue − spend) / spend", "(revenue − spend) / spend（（赢单金额 − 花费）/ 花费）", "ratio", "higher",
       Derived(Op("/", Op("-", Ref("revenue"), Ref("spend")), Ref("spend")))),
    _m("roas", "Return on ad spend", "广告支出回报率",
       "Won revenue divided by spend.", "赢单金额除以花费。",
       "revenue / spend", "revenue / spend（赢单金额 / 花费）", "ratio", "higher", Ratio("revenue", "spend")),
    _m("expense_ratio", "Marketing expense ratio", "营销费用率",
       "Spend divided by won revenue.", "花费除以赢单金额。",
       "spend / revenue", "spend / revenue（花费 / 赢单金额）", "ratio", "lower", Ratio("spend", "revenue")),
    _m("aov_new", "First-order value", "首单金额",
       "Won revenue divided by wins: the average value of a new customer's deal.", "赢单金额除以赢单数：新客户的平均成交金额。",
       "revenue / wins", "revenue / wins（赢单金额 / 赢单数）", "money", "higher", Ratio("revenue", "wins")),
    _m("ctr", "Click-through rate", "点击率",
       "Clicks divided by impressions.", "点击量除以展现量。",
       "clicks / impressions", "clicks / impressions（点击量 / 展现量）", "ratio", "higher", Ratio("clicks", "impressions")),
    _m("cpc", "Cost per click", "单次点击成本",
       "Spend divided by clicks.", "花费除以点击量。",
       "spend / clicks", "spend / clicks（花费 / 点击量）", "money", "lower", Ratio("spend", "clicks")),
    _m("cpm", "Cost per thousand impressions", "千次展现成本",
       "Spend divided by impressions, times 1000.", "花费除以展现量再乘以 1000。",
       "spend / impressions × 1000", "spend / impressions × 1000（花费 / 展现量 × 1000）", "money", "lower",
       Ratio("spend", "impressions", 1000.0)),
    _m("response_hours", "Lead response time", "线索响应时长",
       "Mean hours from created_at to first_response_at over leads created in the period that got a response.",
       "期间内创建并已响应的线索，从创建到首次响应的平均小时数。",
       "response_hours_total / responded_leads: mean hours from created_at to first_response_at",
       "response_hours_total / responded_leads：从 created_at 到 first_response_at 的平均小时数",
       "hours", "lower", Ratio("response_hours_total", "responded_leads")),
    _m("response_sla", "Leads answered within SLA", "SLA 内响应率",
       "Share of leads created in the period first answered within {response_sla_hours:g} hours; "
       "a lead never answered counts as a breach.",
       "期间内创建的线索中在 {response_sla_hours:g} 小时内首次响应的占比；未响应的线索计为超时。",
       "leads_within_sla / leads", "leads_within_sla / leads（SLA 内响应线索数 / 线索数）",
       "ratio", "higher", Ratio("leads_within_sla", "leads")),
)


def dependencies(calc: Calc) -> tuple[str, ...]:
    """Ids of the metrics a calculation refers to directly (none for a simple metric)."""
    if isinstance(calc, Ratio):
        return (calc.numerator, calc.denominator)
    if isinstance(calc, Derived):
        return _expr_refs(calc.expr)
    return ()


def _expr_refs(expr: Expr) -> tuple[str, ...]:
    if isinstance(expr, Ref):
        return (expr.metric,)
    if isinstance(expr, Op):
        return tuple(dict.fromkeys(_expr_refs(expr.left) + _expr_refs(expr.right)))
    return ()


def _build(declared: tuple[Metric, ...]) -> dict[str, Metric]:
    """Index by id, check references (no unknown ids, no cycles) and fill in ``facts``."""
    by_id: dict[str, Metric] = {}
    for m in declared:
        if m.id in by_id:
            raise ValueError(f"metric {m.id!r} declared twice")
        if m.unit not in UNITS or m.direction not in DIRECTIONS:
            raise ValueError(f"metric {m.id!r}: bad unit or direction")
        by_id[m.id] = m

    def facts(metric_id: str, seen: tuple[str, ...]) -> tuple[str, ...]:
        if metric_id in seen:
            raise ValueError(f"metric cycle: {' -> '.join((*seen, metric_id))}")
        if metric_id not in by_id:
            raise ValueError(f"metric {seen[-1]!r} refers to unknown metric {metric_id!r}")
        calc = by_id[metric_id].calc
        if isinstance(calc, Simple):
            return (calc.fact,)
        found: list[str] = []
        for dep in dependencies(calc):
            found += [f for f in facts(dep, (*seen, metric_id)) if f not in found]
        return tuple(found)

    return {mid: dataclasses.replace(m, facts=facts(mid, ())) for mid, m in by_id.items()}


METRICS: dict[str, Metric] = _build(_DECLARED)


def get(metric_id: str) -> Metric:
    """The metric ``metric_id``; ``ValueError`` listing the valid ids otherwise."""
    try:
        return METRICS[metric_id]
    except KeyError:
        raise ValueError(f"unknown metric {metric_id!r}; valid metrics: {', '.join(metric_ids())}") from None


def metric_ids(*, include_helpers: bool = False) -> list[str]:
    """Ids in declaration order (helper metrics only when asked)."""
    return [mid for mid, m in METRICS.items() if include_helpers or not m.helper]


def listed() -> list[Metric]:
    """The metrics shown to users (``--list``, pickers): everything but helpers."""
    return [METRICS[mid] for mid in metric_ids()]


def validate_ids(ids: list[str] | tuple[str, ...]) -> list[str]:
    """``ids`` without duplicates; ``ValueError`` naming the unknown ones and listing the valid ids."""
    unknown = [i for i in ids if i not in METRICS]
    if unknown:
        raise ValueError(f"unknown metric(s): {', '.join(unknown)}; valid metrics: {', '.join(metric_ids())}")
    if not ids:
        raise ValueError(f"no metric given; valid metrics: {', '.join(metric_ids())}")
    return list(dict.fromkeys(ids))


def simple_closure(ids: list[str] | tuple[str, ...]) -> list[Metric]:
    """The simple metrics that ``ids`` need, directly or through ratios and expressions, in registry order."""
    needed: set[str] = set()

    def walk(mid: str) -> None:
        m = METRICS[mid]
        if isinstance(m.calc, Simple):
            needed.add(mid)
        for dep in dependencies(m.calc):
            walk(dep)

    for mid in ids:
        walk(mid)
    return [m for mid, m in METRICS.items() if mid in needed]
