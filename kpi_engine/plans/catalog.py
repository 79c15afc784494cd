"""What the KPI practice knows about each metric: result or process, its horizon, exposure or conversion.

Plan checks use it (results and process both present, short-term results against long-term
brand, no vanity-only measurement) and templates use its default targets. Metrics the lists
do not name (a metric added to the registry later) are classified from what they read:
facts from the funnel are short-term results, manual values are process indicators.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping

from kpi_engine.metrics import registry
from kpi_engine.plans.model import split_metric

# Short-term business results: the funnel, revenue and its efficiency.
SHORT_RESULTS: frozenset[str] = frozenset({
    "leads", "mqls", "sqls", "wins", "revenue", "high_value_leads", "lead_to_mql", "mql_to_sql", "lead_to_customer",
    "high_value_share", "aov_new", "roi", "roas", "cpl", "cost_per_mql", "cac", "expense_ratio",
    "marketing_sourced_share", "innovation_roi", "lead_to_sql", "click_to_lead",
})
# Long-term results that are not brand: customer value.
LONG_RESULTS: frozenset[str] = frozenset({"ltv", "ltv_cac", "retention", "new_product_penetration"})
# Long-term brand: results (awareness, search, reputation) and the activity that builds them.
BRAND_RESULTS: frozenset[str] = frozenset({"brand_awareness", "brand_search_volume", "nps"})
BRAND_PROCESS: frozenset[str] = frozenset({
    "ugc_count", "social_interactions", "followers", "media_mentions", "engagement_rate", "video_completion_rate",
    "negative_response_hours", "impressions", "content_published",
})
# Process: activity, speed, cost inputs and the team's own health.
PROCESS: frozenset[str] = frozenset({
    "spend", "clicks", "ctr", "cpc", "cpm", "response_hours", "response_sla", "responded_leads", "leads_within_sla",
    "cycle_days", "report_adoption_rate", "info_completeness", "project_on_time_rate", "cross_dept_satisfaction",
    "core_talent_retention", "innovation_projects",
})
# Exposure: fine beside a conversion KPI of the same channel, vanity on its own.
EXPOSURE: frozenset[str] = frozenset({
    "impressions", "clicks", "ctr", "followers", "social_interactions", "media_mentions", "engagement_rate",
    "video_completion_rate",
})
CONVERSION: frozenset[str] = frozenset({
    "leads", "mqls", "sqls", "wins", "revenue", "high_value_leads", "lead_to_mql", "mql_to_sql", "lead_to_customer",
    "high_value_share", "cpl", "cost_per_mql", "cac", "roi", "roas", "aov_new", "marketing_sourced_share",
    "lead_to_sql", "click_to_lead", "expense_ratio",
})
_FUNNEL_FACTS = {"leads", "spend", "customers", "orders"}

# Default monthly base targets at the demo's scale (a marketing department of ~1,000 leads a month).
# Counts and money that add up over time are multiplied by the months of a quarter or a year.
DEFAULT_BASE: dict[str, float] = {
    "leads": 1000, "mqls": 420, "sqls": 150, "wins": 80, "revenue": 220000, "spend": 110000, "impressions": 2_000_000,
    "clicks": 40000, "high_value_leads": 300, "lead_to_mql": 0.42, "mql_to_sql": 0.35, "lead_to_customer": 0.08,
    "high_value_share": 0.30, "cpl": 110, "cost_per_mql": 260, "cac": 1400, "roi": 1.0, "roas": 2.0,
    "expense_ratio": 0.5, "aov_new": 3000, "ctr": 0.02, "cpc": 3, "cpm": 50, "response_hours": 2.0,
    "response_sla": 0.85, "cycle_days": 30, "retention": 0.9, "marketing_sourced_share": 0.5, "ltv": 10000,
    "ltv_cac": 3.0, "nps": 30, "brand_awareness": 0.25, "brand_search_volume": 40000, "ugc_count": 500,
    "social_interactions": 5000, "followers": 120000, "media_mentions": 30, "negative_response_hours": 4.0,
    "report_adoption_rate": 0.8, "info_completeness": 0.9, "project_on_time_rate": 0.9, "cross_dept_satisfaction": 85,
    "core_talent_retention": 0.9, "innovation_projects": 1, "content_published": 50, "video_completion_rate": 0.35,
    "innovation_roi": 3.0, "new_product_penetration": 0.2, "engagement_rate": 0.05, "lead_to_sql": 0.12,
    "click_to_lead": 0.03,
}
# Natural upper bounds: shares cannot pass 100%, survey scores 100.
UPPER_BOUND: dict[str, float] = {
    **dict.fromkeys(("lead_to_mql", "mql_to_sql", "lead_to_customer", "high_value_share", "ctr", "response_sla",
                     "retention", "marketing_sourced_share", "brand_awareness", "report_adoption_rate",
                     "info_completeness", "project_on_time_rate", "core_talent_retention", "video_completion_rate",
                     "new_product_penetration", "lead_to_sql", "click_to_lead"), 1.0),
    "cross_dept_satisfaction": 100.0, "nps": 100.0,
}
DEFAULT_GROWTH = 0.15
CHALLENGE_RATIO = 1.2


def _facts(metric_id: str) -> set[str]:
    m = registry.METRICS.get(metric_id)
    return set(m.facts) if m else set()


def nature(metric_ref: str) -> str:
    """``result`` or ``process``."""
    mid = split_metric(metric_ref)[1]
    if mid in SHORT_RESULTS or mid in LONG_RESULTS or mid in BRAND_RESULTS:
        return "result"
    if mid in BRAND_PROCESS or mid in PROCESS:
        return "process"
    facts = _facts(mid)
    return "process" if "metric_values" in facts or not facts & _FUNNEL_FACTS else "result"


def horizon(metric_ref: str) -> str:
    """``short`` (short-term results), ``brand`` (long-term brand) or ``other`` (process, customer value)."""
    mid = split_metric(metric_ref)[1]
    if mid in BRAND_RESULTS or mid in BRAND_PROCESS:
        return "brand"
    if mid in SHORT_RESULTS:
        return "short"
    if mid in LONG_RESULTS:
        return "other"
    return "short" if nature(mid) == "result" else "other"


def is_exposure(metric_ref: str) -> bool:
    return split_metric(metric_ref)[1] in EXPOSURE


def is_conversion(metric_ref: str) -> bool:
    return split_metric(metric_ref)[1] in CONVERSION


def direction(metric_ref: str) -> str:
    """``higher`` or ``lower`` for a metric; a growth KPI is always better higher (see :func:`growth_score_value`)."""
    kind, mid = split_metric(metric_ref)
    m = registry.METRICS.get(mid)
    if kind is not None:
        return "higher"
    return m.direction if m else "higher"


def growth_score_value(metric_id: str, growth: float | None) -> float | None:
    """What a growth KPI scores: the growth of a higher-is-better metric, the reduction of a lower-is-better one.

    Growth is ``(this − previous) / previous`` and has no value when ``previous`` is 0, negative or
    missing. For a lower-is-better metric (CPL, CAC, expense ratio) the KPI scores the reduction
    ``(previous − this) / previous = −growth``, so a target of 10% means "10% lower than before" and the
    KPI is better higher like every growth KPI. Applying it twice gives the growth back.
    """
    m = registry.METRICS.get(metric_id)
    if growth is None or m is None or m.direction != "lower":
        return growth
    return -growth


def kpi_label(metric_ref: str, scope: str, lang: str = "en", scope_names: Mapping[str, str] | None = None) -> str:
    """A KPI as people read it: "Leads @ 小红书笔记" (the metric's name in ``lang`` @ the scope's name from
    ``scope_names``, the team's in ``lang``; a scope without a name keeps its key)."""
    from kpi_engine.i18n import t

    kind, _, sid = scope.partition(":")
    shown = t("push_scope_team", lang) if kind == "team" and not sid else (scope_names or {}).get(scope) or scope
    try:
        metric = kpi_name(metric_ref, lang)
    except ValueError:  # not a metric reference (the plan checks report it)
        metric = metric_ref
    return f"{metric} @ {shown}"


def kpi_name(metric_ref: str, lang: str = "en") -> str:
    """A KPI's metric as people read it: the metric's name, its growth, or for a lower-is-better one its reduction."""
    from kpi_engine.i18n import t
    from kpi_engine.metrics.growth import ref_text

    kind, mid = split_metric(metric_ref)
    m = registry.METRICS.get(mid)
    if m is None:
        return metric_ref
    if kind is None:
        return m.name(lang)
    if m.direction == "lower":
        return t(f"scores_reduction_name_{kind}", lang, name=m.name(lang))
    return ref_text(metric_ref, lang)[0]


def note_text(note: str, lang: str = "en") -> str:
    """A KPI's or plan's note in ``lang``: a note of the example plans (stored as the English of a
    ``plans_note_*`` string, see :mod:`kpi_engine.plans.examples`) in the reader's language; any other note, one
    someone wrote or edited, as it is."""
    from kpi_engine.i18n import t

    key = _example_notes().get(note.strip()) if note else None
    return t(key, lang) if key else note


@functools.lru_cache(maxsize=1)
def _example_notes() -> dict[str, str]:
    """English text -> key of every ``plans_note_*`` string."""
    from kpi_engine.i18n import catalog

    return {v["en"]: k for k, v in catalog().items() if k.startswith("plans_note_")}


def cumulative(metric_ref: str) -> bool:
    """True when the metric adds up over time (a quarter's target is three months'); growth never does."""
    kind, mid = split_metric(metric_ref)
    m = registry.METRICS.get(mid)
    return kind is None and m is not None and m.cumulative


def months_in(grain: str) -> int:
    return {"month": 1, "quarter": 3, "year": 12}[grain]


def default_base(metric_ref: str, grain: str = "month") -> float:
    """A starting base target for ``grain`` (replace it with a suggestion from history)."""
    kind, mid = split_metric(metric_ref)
    if kind is not None:
        return DEFAULT_GROWTH
    value = float(DEFAULT_BASE.get(mid, 1.0))
    return value * months_in(grain) if cumulative(mid) else value


def default_challenge(base: float | None, metric_ref: str, ratio: float = CHALLENGE_RATIO) -> float | None:
    """120% of base in achievement terms: ``base × 1.2`` when higher is better, ``base / 1.2`` when lower.

    A metric with a natural upper bound (a share, a 0-100 survey score) gets at most half the
    way from the base to the bound (retention 90% -> challenge 95%, not 108%).
    """
    if base is None:
        return None
    if direction(metric_ref) == "lower":
        return nice(base / ratio)
    value = base * ratio
    bound = UPPER_BOUND.get(split_metric(metric_ref)[1]) if split_metric(metric_ref)[0] is None else None
    if bound is not None and base < bound and value > base + (bound - base) / 2:
        value = base + (bound - base) / 2
    return nice(value)


def nice(value: float) -> float:
    """Round a target to what a person would write: integers above 100, 4 significant digits below."""
    if value == 0:
        return 0.0
    if abs(value) >= 100:
        return math.copysign(math.floor(abs(value) + 0.5), value)  # half away from zero: 112.5 -> 113
    return float(f"{value:.4g}")
