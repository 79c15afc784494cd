"""Frameworks, weight presets, industry emphases and plan templates (SPEC section 5).

A framework is a set of dimensions, each with a recommended weight range (in percent points
of the scorecard; the four core directions and the balanced scorecard have none). A preset
fixes the department framework's dimension weights for a strategy (growth, brand, startup);
an industry emphasis adds the KPIs that industry watches, sharing their dimension's weight.

Templates (:data:`TEMPLATES`) build a draft :class:`~kpi_engine.plans.model.Plan` for a
period: a skeleton per framework, the three presets, and the two complete example plans of
the SPEC (``team_example``: the monthly team plan with its person and channel cascade;
``manager_example``: the quarterly marketing-manager appraisal), see
:mod:`kpi_engine.plans.examples`. A new plan can also start from last period's plan
(:func:`from_previous`) or empty (:func:`empty_plan`).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from kpi_engine.plans import catalog
from kpi_engine.plans.model import Kpi, Plan, PlanError


@dataclass(frozen=True)
class Dimension:
    id: str
    name_en: str
    name_zh: str
    low: float | None = None  # recommended weight range, percent points
    high: float | None = None

    def name(self, lang: str = "en") -> str:
        return self.name_zh if lang.startswith("zh") else self.name_en


@dataclass(frozen=True)
class Framework:
    id: str
    name_en: str
    name_zh: str
    dimensions: tuple[Dimension, ...]

    def name(self, lang: str = "en") -> str:
        return self.name_zh if lang.startswith("zh") else self.name_en

    @property
    def dimension_ids(self) -> tuple[str, ...]:
        return tuple(d.id for d in self.dimensions)

    def dimension(self, dim_id: str) -> Dimension | None:
        return next((d for d in self.dimensions if d.id == dim_id), None)


FRAMEWORKS: dict[str, Framework] = {f.id: f for f in (
    Framework("department", "Marketing department (five dimensions)", "市场部（五大维度）", (
        Dimension("market_insight", "Market insight & analysis", "市场洞察与分析", 15, 20),
        Dimension("brand_building", "Brand building & communication", "品牌建设与传播", 20, 25),
        Dimension("campaign_effectiveness", "Campaign effectiveness", "营销活动效果", 25, 30),
        Dimension("customer_growth", "Customer management & growth", "客户管理与增长", 15, 20),
        Dimension("team_collaboration", "Team & collaboration", "团队与协作", 10, 15))),
    Framework("manager", "Marketing manager appraisal (four dimensions)", "市场经理考核（四大维度）", (
        Dimension("strategic_alignment", "Strategic alignment", "战略对齐", 20, 25),
        Dimension("business_results", "Business results", "业务结果", 40, 50),
        Dimension("operations_innovation", "Operations & innovation", "运营与创新", 20, 25),
        Dimension("team_management", "Team management & collaboration", "团队管理与协作", 10, 15))),
    Framework("directions", "Four core directions", "四大核心方向", (
        Dimension("brand_awareness", "Brand & awareness", "品牌与认知"),
        Dimension("lead_generation", "Lead generation", "线索获取"),
        Dimension("conversion_support", "Conversion support", "转化支持"),
        Dimension("marketing_productivity", "Marketing productivity", "营销效率"))),
    Framework("bsc", "Balanced scorecard", "平衡计分卡", (
        Dimension("financial", "Financial", "财务"),
        Dimension("customer", "Customer", "客户"),
        Dimension("internal_process", "Internal process", "内部流程"),
        Dimension("learning_growth", "Learning & growth", "学习与成长"))),
)}


def framework(framework_id: str) -> Framework:
    """The framework ``framework_id``; ValueError listing the valid ids."""
    try:
        return FRAMEWORKS[framework_id]
    except KeyError:
        raise ValueError(f"unknown framework {framework_id!r}; use one of: {', '.join(FRAMEWORKS)}") from None


# (dimension, metric, core, relative share inside the dimension) per framework skeleton.
Slot = tuple[str, str, bool, float]
SKELETONS: dict[str, tuple[tuple[tuple[str, float], ...], tuple[Slot, ...]]] = {
    "department": ((("market_insight", 17), ("brand_building", 23), ("campaign_effectiveness", 28),
                    ("customer_growth", 18), ("team_collaboration", 14)), (
        ("market_insight", "report_adoption_rate", True, 1), ("market_insight", "info_completeness", False, 1),
        ("brand_building", "brand_search_volume", True, 1), ("brand_building", "ugc_count", False, 1),
        ("campaign_effectiveness", "leads", True, 1), ("campaign_effectiveness", "cpl", False, 1),
        ("customer_growth", "lead_to_customer", True, 1), ("customer_growth", "aov_new", False, 1),
        ("team_collaboration", "project_on_time_rate", True, 1),
        ("team_collaboration", "cross_dept_satisfaction", False, 1))),
    "manager": ((("strategic_alignment", 22), ("business_results", 45), ("operations_innovation", 20),
                 ("team_management", 13)), (
        ("strategic_alignment", "yoy:revenue", True, 1), ("strategic_alignment", "new_product_penetration", False, 1),
        ("business_results", "revenue", True, 2), ("business_results", "expense_ratio", True, 1),
        ("business_results", "lead_to_customer", False, 1),
        ("operations_innovation", "innovation_roi", True, 1), ("operations_innovation", "project_on_time_rate", False, 1),
        ("team_management", "core_talent_retention", False, 1), ("team_management", "cross_dept_satisfaction", True, 1))),
    "directions": ((("brand_awareness", 25), ("lead_generation", 25), ("conversion_support", 25),
                    ("marketing_productivity", 25)), (
        ("brand_awareness", "brand_search_volume", True, 1), ("brand_awareness", "ugc_count", False, 1),
        ("lead_generation", "leads", True, 1), ("lead_generation", "high_value_share", False, 1),
        ("conversion_support", "lead_to_customer", True, 1), ("conversion_support", "response_sla", False, 1),
        ("marketing_productivity", "cpl", True, 1), ("marketing_productivity", "roi", False, 1))),
    "bsc": ((("financial", 30), ("customer", 25), ("internal_process", 25), ("learning_growth", 20)), (
        ("financial", "revenue", True, 1), ("financial", "roi", False, 1),
        ("customer", "nps", True, 1), ("customer", "retention", False, 1),
        ("internal_process", "response_sla", True, 1), ("internal_process", "project_on_time_rate", False, 1),
        ("learning_growth", "core_talent_retention", True, 1), ("learning_growth", "innovation_projects", False, 1))),
}


@dataclass(frozen=True)
class Preset:
    """Dimension weights of the department framework for one strategy."""

    id: str
    name_en: str
    name_zh: str
    weights: dict[str, float]
    slots: tuple[Slot, ...]

    def name(self, lang: str = "en") -> str:
        return self.name_zh if lang.startswith("zh") else self.name_en


_DEPT_SLOTS = SKELETONS["department"][1]
PRESETS: dict[str, Preset] = {p.id: p for p in (
    Preset("growth", "Growth-oriented", "增长导向",
           {"campaign_effectiveness": 30, "customer_growth": 25, "brand_building": 20, "market_insight": 15,
            "team_collaboration": 10}, _DEPT_SLOTS),
    Preset("brand", "Brand-oriented", "品牌导向",
           {"brand_building": 30, "market_insight": 25, "customer_growth": 20, "campaign_effectiveness": 15,
            "team_collaboration": 10},
           (("market_insight", "report_adoption_rate", True, 1), ("market_insight", "info_completeness", False, 1),
            ("brand_building", "brand_search_volume", True, 1), ("brand_building", "brand_awareness", False, 1),
            ("brand_building", "ugc_count", False, 1), ("campaign_effectiveness", "leads", True, 1),
            ("customer_growth", "lead_to_customer", True, 1), ("customer_growth", "nps", False, 1),
            ("team_collaboration", "project_on_time_rate", True, 1))),
    Preset("startup", "Startup (short-term conversion)", "初创期（重短期转化）",
           {"campaign_effectiveness": 35, "customer_growth": 25, "brand_building": 15, "market_insight": 15,
            "team_collaboration": 10},
           (("market_insight", "report_adoption_rate", False, 1), ("brand_building", "brand_search_volume", True, 1),
            ("campaign_effectiveness", "leads", True, 1), ("campaign_effectiveness", "lead_to_mql", True, 1),
            ("campaign_effectiveness", "cpl", False, 1), ("customer_growth", "lead_to_customer", True, 1),
            ("customer_growth", "aov_new", False, 1), ("team_collaboration", "project_on_time_rate", True, 1))),
)}


@dataclass(frozen=True)
class Industry:
    """KPIs an industry emphasises: (role, metric); the role picks the dimension in each framework."""

    id: str
    name_en: str
    name_zh: str
    kpis: tuple[tuple[str, str], ...]

    def name(self, lang: str = "en") -> str:
        return self.name_zh if lang.startswith("zh") else self.name_en


INDUSTRIES: dict[str, Industry] = {i.id: i for i in (
    Industry("internet", "Internet: user behaviour, traffic-source conversion, lifetime value", "互联网：用户行为、流量来源转化、客户生命周期价值",
             (("acquisition", "ctr"), ("conversion", "lead_to_mql"), ("customer", "ltv"))),
    Industry("fmcg", "Fast-moving consumer goods: brand health (awareness, reputation, penetration)", "快消：品牌健康度（知名度、美誉度、渗透率）",
             (("brand", "brand_awareness"), ("brand", "nps"), ("customer", "new_product_penetration"))),
    Industry("b2b", "B2B: lead quality (MQL → SQL, pipeline contribution)", "B2B：线索质量（MQL → SQL、销售管道贡献）",
             (("conversion", "mql_to_sql"), ("customer", "marketing_sourced_share"), ("acquisition", "high_value_share"))),
)}
ROLE_DIMENSIONS: dict[str, dict[str, str]] = {
    "department": {"acquisition": "campaign_effectiveness", "conversion": "campaign_effectiveness",
                   "customer": "customer_growth", "brand": "brand_building"},
    "manager": {"acquisition": "business_results", "conversion": "business_results", "customer": "business_results",
                "brand": "strategic_alignment"},
    "directions": {"acquisition": "lead_generation", "conversion": "conversion_support", "customer": "conversion_support",
                   "brand": "brand_awareness"},
    "bsc": {"acquisition": "customer", "conversion": "internal_process", "customer": "customer", "brand": "customer"},
}


@dataclass(frozen=True)
class Template:
    id: str
    name_en: str
    name_zh: str
    framework: str
    grains: tuple[str, ...] = ("month", "quarter", "year")

    def name(self, lang: str = "en") -> str:
        return self.name_zh if lang.startswith("zh") else self.name_en


TEMPLATES: dict[str, Template] = {t.id: t for t in (
    Template("team_example", "Example: monthly team plan with person and channel cascade", "示例：月度团队计划（含个人与渠道分解）",
             "directions", ("month",)),
    Template("manager_example", "Example: marketing manager appraisal (quarterly)", "示例：市场经理季度考核", "manager"),
    Template("department", "Marketing department, five dimensions", "市场部五大维度", "department"),
    Template("manager", "Marketing manager appraisal, four dimensions", "市场经理考核四大维度", "manager"),
    Template("directions", "Four core directions", "四大核心方向", "directions"),
    Template("bsc", "Balanced scorecard", "平衡计分卡", "bsc"),
    Template("growth", "Growth-oriented preset", "增长导向预设", "department"),
    Template("brand", "Brand-oriented preset", "品牌导向预设", "department"),
    Template("startup", "Startup preset (short-term conversion)", "初创期预设（重短期转化）", "department"),
)}


EMPTY = "empty"  # the "template" of a plan without KPIs, for its default name


def _name_patterns(template_id: str) -> tuple[str, str]:
    """(English, Chinese) name, with ``{period}``, of a plan made from ``template_id`` (or :data:`EMPTY`) whose
    creator gave none."""
    if template_id == "team_example":
        return "Team plan {period}", "团队计划 {period}"
    if template_id == "manager_example":
        return "Marketing manager appraisal {period}", "市场经理考核 {period}"
    if template_id in PRESETS:
        preset = PRESETS[template_id]
        return f"{preset.name_en} plan {{period}}", f"{preset.name_zh}计划 {{period}}"
    if template_id == EMPTY:
        return "KPI plan {period}", "KPI 计划 {period}"
    info = TEMPLATES[template_id]
    return f"{info.name_en} {{period}}", f"{info.name_zh} {{period}}"


def default_name(template_id: str, period: str) -> str:
    """The name a plan from ``template_id`` (or :data:`EMPTY`) gets when its creator gives none: stored in English,
    like the example notes, and shown in the reader's language by :func:`display_name`."""
    return _name_patterns(template_id)[0].format(period=period)


def display_name(name: str, period: str, lang: str = "en") -> str:
    """A plan's name for a reader in ``lang``: a default name (:func:`default_name`, e.g. the demo's "Team plan
    2026-11") in that language ("团队计划 2026-11"); a name someone gave, as it is."""
    if not lang.startswith("zh") or not name:
        return name
    for template_id in (*TEMPLATES, EMPTY):
        en, zh = _name_patterns(template_id)
        if name == en.format(period=period):
            return zh.format(period=period)
    return name


def split_weights(total: float, shares: list[float]) -> list[float]:
    """``total`` split in proportion to ``shares`` as whole points that add up exactly (largest remainders)."""
    if not shares:
        return []
    raw = [total * s / sum(shares) for s in shares]
    out = [float(int(r)) for r in raw]
    order = sorted(range(len(raw)), key=lambda i: raw[i] - out[i], reverse=True)
    for i in order[: round(total - sum(out))]:
        out[i] += 1
    return out


def _kpi(metric: str, dimension: str, weight: float, grain: str, core: bool, owner: str = "") -> Kpi:
    base = catalog.default_base(metric, grain)
    return Kpi(metric=metric, scope="team", dimension=dimension, weight=weight, base=base,
               challenge=catalog.default_challenge(base, metric), owner=owner, core=core)


def _from_slots(weights: dict[str, float], slots: tuple[Slot, ...], grain: str) -> list[Kpi]:
    kpis: list[Kpi] = []
    for dim, total in weights.items():
        mine = [s for s in slots if s[0] == dim]
        for (d, metric, core, _), w in zip(mine, split_weights(total, [s[3] for s in mine]), strict=True):
            kpis.append(_kpi(metric, d, w, grain, core))
    return kpis


def apply_industry(plan: Plan, industry: str) -> Plan:
    """Add the KPIs ``industry`` emphasises; each dimension's weight is re-shared equally among its KPIs."""
    if not industry:
        return plan
    if industry not in INDUSTRIES:
        raise PlanError([f"unknown industry {industry!r}; use one of: {', '.join(INDUSTRIES)}"])
    roles = ROLE_DIMENSIONS[plan.framework]
    kpis = list(plan.kpis)
    have = {(k.metric, k.scope) for k in kpis}
    for role, metric in INDUSTRIES[industry].kpis:
        if (metric, "team") not in have:
            kpis.append(_kpi(metric, roles[role], 0.0, plan.grain, False))
    for dim in dict.fromkeys(k.dimension for k in kpis):
        idx = [i for i, k in enumerate(kpis) if k.dimension == dim and not k.guardrail]
        total = sum(kpis[i].weight for i in idx)
        for i, w in zip(idx, split_weights(total, [1.0] * len(idx)), strict=True):
            kpis[i] = dataclasses.replace(kpis[i], weight=w)
    return dataclasses.replace(plan, kpis=tuple(kpis), industry=industry)


def from_template(template_id: str, period: str, *, industry: str = "", name: str = "", subject: str = "") -> Plan:
    """A draft plan for ``period`` from a template (see :data:`TEMPLATES`), optionally with an industry emphasis."""
    from kpi_engine.plans import examples  # the examples build on this module

    if template_id not in TEMPLATES:
        raise PlanError([f"unknown template {template_id!r}; use one of: {', '.join(TEMPLATES)}"])
    info = TEMPLATES[template_id]
    probe = Plan(name=name or "plan", period=period)
    if probe.grain not in info.grains:
        raise PlanError([f"template {template_id} is for a {' or '.join(info.grains)}, not {probe.period}"])
    if template_id == "team_example":
        plan = examples.team_plan(probe.period, name=name or default_name(template_id, probe.period))
    elif template_id == "manager_example":
        plan = examples.manager_plan(probe.period, name=name or default_name(template_id, probe.period),
                                     subject=subject or examples.MANAGER)
    elif template_id in PRESETS:
        preset = PRESETS[template_id]
        plan = Plan(name=name or default_name(template_id, probe.period), period=probe.period, framework="department",
                    preset=preset.id, kpis=tuple(_from_slots(preset.weights, preset.slots, probe.grain)), subject=subject)
    else:
        weights, slots = SKELETONS[template_id]
        plan = Plan(name=name or default_name(template_id, probe.period), period=probe.period, framework=info.framework,
                    kpis=tuple(_from_slots(dict(weights), slots, probe.grain)), subject=subject)
    return apply_industry(plan, industry)


def empty_plan(period: str, *, framework: str = "department", name: str = "") -> Plan:
    """A plan without KPIs."""
    probe = Plan(name=name or "plan", period=period, framework=framework)
    return dataclasses.replace(probe, name=name or default_name(EMPTY, probe.period))


def from_previous(previous: Plan, period: str, *, name: str = "") -> Plan:
    """Last period's plan carried over to ``period``: same KPIs and weights, a new draft that continues it.

    Targets of metrics that add up over time are rescaled when the period's length changes.
    """
    target = Plan(name=name or previous.name, period=period, framework=previous.framework)
    factor = catalog.months_in(target.grain) / catalog.months_in(previous.grain)
    kpis = []
    for k in previous.kpis:
        if factor != 1 and catalog.cumulative(k.metric):
            k = dataclasses.replace(k, base=None if k.base is None else catalog.nice(k.base * factor),
                                    challenge=None if k.challenge is None else catalog.nice(k.challenge * factor))
        kpis.append(k)
    name_out = name or (previous.name.replace(previous.period, target.period) if previous.period in previous.name
                        else previous.name)
    return dataclasses.replace(previous, name=name_out, period=target.period, kpis=tuple(kpis), status="draft",
                               plan_id="", version=0, previous=previous.plan_id, acknowledged=(),
                               deliberate_change=False)
