"""The two complete example plans of SPEC section 5, for the demo data to score against.

**Team plan (monthly)**, framework "four core directions": the team card holds the seven team
KPIs (five of them core); person cards cascade from it: the new-media lead (p02) owns 400
leads (40% of the team's 1,000) and follower engagement, plus the short-video completion
rate and the live-stream cost per lead of the channels they run; the events planner (p03)
owns 200 event leads and the trade-show conversion, plus the month's trade show (cost and
registrations, campaign ``ts_YYYYMM``); the sales-support lead (p04) owns the high-value
share and the response SLA (answered within the setting ``response_sla_hours``, 2 hours);
Xiaohongshu's owner (p06) its note impressions and lead capture rate.

**Marketing manager appraisal (quarterly)** of the marketing lead (p01), framework "manager":
KPI weights add up to 83 and the remaining 17% is the 360-degree part (quantitative share
0.83). Revenue growth is year over year; content-marketing leads are the content lead's (p06).

Where the SPEC names a rate the registry may not hold yet, :func:`_pick` takes the first
registered candidate: lead conversion rate = ``lead_to_sql`` (SQLs / leads), else MQL → SQL;
lead capture rate = ``click_to_lead`` (leads / clicks), else the channel's leads.
"""

from __future__ import annotations

from kpi_engine.i18n import t
from kpi_engine.metrics import registry
from kpi_engine.plans import catalog
from kpi_engine.plans.model import Kpi, Plan

LEAD = "p01"  # marketing lead: owns the team card's KPIs
MANAGER = "p01"
NEW_MEDIA, EVENTS, SALES_SUPPORT, CONTENT = "p02", "p03", "p04", "p06"
TEAM_BASE_BONUS = 10000.0
MANAGER_BASE_BONUS = 30000.0


def _pick(*candidates: tuple[str, float]) -> tuple[str, float]:
    """The first (metric, base) whose metric the registry holds."""
    for metric, base in candidates:
        if metric in registry.METRICS:
            return metric, base
    return candidates[-1]


def _note(key: str) -> str:
    """An example's note as stored: the English of ``plans_note_<key>`` (shown in the reader's language by
    :func:`kpi_engine.plans.catalog.note_text`)."""
    return t(f"plans_note_{key}", "en")


def _k(metric: str, scope: str, dimension: str, weight: float, base: float, *, owner: str, core: bool = True,
       note: str = "") -> Kpi:
    return Kpi(metric=metric, scope=scope, dimension=dimension, weight=weight, base=base,
               challenge=catalog.default_challenge(base, metric), owner=owner, core=core, note=note)


def team_plan(period: str, *, name: str) -> Plan:
    """SPEC's monthly team plan with its person and channel cascade, for the month ``period``."""
    probe = Plan(name="probe", period=period)
    show = f"campaign:ts_{probe.start:%Y%m}"
    conversion, conversion_base = _pick(("lead_to_sql", 0.12), ("mql_to_sql", 0.35))
    capture, capture_base = _pick(("click_to_lead", 0.03), ("leads", 150.0))
    kpis = (
        # Team card (owner: the marketing lead); 70% short-term results, 30% long-term brand.
        _k("leads", "team", "lead_generation", 25, 1000, owner=LEAD, note=_note("team_leads")),
        _k(conversion, "team", "conversion_support", 10, conversion_base, owner=LEAD, note=_note("conversion")),
        _k("high_value_share", "team", "lead_generation", 10, 0.30, owner=LEAD,
           note=_note("high_value")),
        _k("lead_to_customer", "team", "conversion_support", 15, 0.08, owner=LEAD),
        _k("aov_new", "team", "conversion_support", 10, 3000, owner=LEAD, core=False, note=_note("aov")),
        _k("yoy:brand_search_volume", "team", "brand_awareness", 20, 0.20, owner=LEAD,
           note=_note("brand_search")),
        _k("ugc_count", "team", "brand_awareness", 10, 500, owner=LEAD, core=False),
        # New-media lead: 40% of the team's leads, engagement, and the two Douyin channels they run.
        _k("leads", f"person:{NEW_MEDIA}", "lead_generation", 40, 400, owner=NEW_MEDIA,
           note=_note("new_media_leads")),
        _k("engagement_rate", "channel:douyin_video", "brand_awareness", 20, 0.05, owner=NEW_MEDIA,
           note=_note("engagement")),
        _k("video_completion_rate", "channel:douyin_video", "brand_awareness", 20, 0.35, owner=NEW_MEDIA),
        _k("cpl", "channel:douyin_live", "marketing_productivity", 20, 200, owner=NEW_MEDIA,
           note=_note("live_cpl")),
        # Events planner: event leads, their conversion, and the month's trade show.
        _k("leads", f"person:{EVENTS}", "lead_generation", 40, 200, owner=EVENTS, note=_note("event_leads")),
        _k("lead_to_customer", "channel:trade_show", "conversion_support", 20, 0.10, owner=EVENTS,
           note=_note("event_conversion")),
        _k("spend", show, "marketing_productivity", 20, 10000, owner=EVENTS, note=_note("show_cost")),
        _k("leads", show, "lead_generation", 20, 50, owner=EVENTS, note=_note("show_leads")),
        # Sales-support lead: lead quality and speed of response.
        _k("high_value_share", f"person:{SALES_SUPPORT}", "lead_generation", 50, 0.30, owner=SALES_SUPPORT),
        _k("response_sla", f"person:{SALES_SUPPORT}", "conversion_support", 50, 0.85, owner=SALES_SUPPORT,
           note=_note("response_sla")),
        # Xiaohongshu (run by the content lead): exposure with its conversion beside it.
        _k("impressions", "channel:xiaohongshu", "brand_awareness", 50, 500000, owner=CONTENT,
           note=_note("impressions")),
        _k(capture, "channel:xiaohongshu", "lead_generation", 50, capture_base, owner=CONTENT,
           note=_note("capture")),
    )
    return Plan(name=name, period=probe.period, framework="directions",
                quantitative_share=0.8, kpis=kpis, base_bonus=TEAM_BASE_BONUS,
                note=_note("team_plan"))


def manager_plan(period: str, *, name: str, subject: str = MANAGER) -> Plan:
    """SPEC's marketing-manager appraisal: eight KPIs worth 83%, the 360-degree part 17%."""
    probe = Plan(name="probe", period=period)
    months = catalog.months_in(probe.grain)
    content_leads = catalog.nice(500 * months / 3)
    kpis = (
        _k("yoy:revenue", "team", "business_results", 20, 0.15, owner=subject, note=_note("revenue_growth")),
        _k("expense_ratio", "team", "business_results", 10, 0.08, owner=subject, note=_note("expense_ratio")),
        _k("lead_to_customer", "team", "business_results", 10, 0.05, owner=subject, note=_note("conversion")),
        _k("leads", f"person:{CONTENT}", "business_results", 10, content_leads, owner=CONTENT,
           note=_note("content_leads")),
        _k("innovation_roi", "team", "operations_innovation", 8, 3.0, owner=subject, core=False,
           note=_note("innovation_roi")),
        _k("new_product_penetration", "team", "strategic_alignment", 10, 0.20, owner=subject),
        _k("core_talent_retention", "team", "team_management", 8, 0.90, owner=subject, core=False),
        _k("cross_dept_satisfaction", "team", "team_management", 7, 85, owner=subject, core=False),
    )
    return Plan(name=name, period=probe.period, framework="manager",
                quantitative_share=0.83, kpis=kpis, subject=subject, base_bonus=MANAGER_BASE_BONUS,
                note=_note("manager_plan"))
