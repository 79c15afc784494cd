"""Declarations: manually reported metrics, read from ``metric_values`` (SPEC section 4, last paragraph).

A reported value belongs to one scope (``scope_type``: team, person, channel or campaign;
``scope_id``) and one period (``period_start`` and ``grain``). The department's own value
is the row with scope_type ``team`` and an empty scope_id. How a value is read for a
scope and period (the same rules for every manual metric):

- a value counts for a requested period when its own period lies inside it (a month inside
  a quarter; a week that crosses a month end belongs to neither month); without a grain,
  when its period starts inside the date range;
- several reported periods inside one requested period are combined by the metric's time
  aggregation: ``sum``, ``average`` (of the reported values) or ``last`` (the latest one);
  a value reported for a longer period (a month) replaces those reported for shorter periods
  (weeks, days) that overlap it, so nothing is counted twice;
- broken down by a scope, the values reported for that scope type (by team: rows of scope_type
  ``team`` with a scope_id); filtered to scopes (``where``), the values reported for them,
  several combined (added up when the metric is additive, otherwise averaged); two scopes at
  once (person × channel), the values reported for the campaigns, which reach both;
- where nothing was reported the metric has no value, never 0.
"""

from __future__ import annotations

from kpi_engine.metrics.declarations import Manual, Metric, Ratio
from kpi_engine.metrics.declarations import metric as _m

_RULE_EN = " Reported by hand (metric_values.metric_id = {id}); {agg} over time. No report: no value."
_RULE_ZH = "手工填报（metric_values.metric_id = {id}）；跨期{agg}。未填报时无值。"
_AGG_EN = {"sum": "summed", "average": "averaged", "last": "the latest value"}
_FORMULA_EN = {"sum": "sum of", "average": "mean of", "last": "latest"}
_AGG_ZH = {"sum": "求和", "average": "取平均", "last": "取最新值"}

# id, name en, name zh, description en, description zh, unit, direction, time aggregation, additive across scopes
_MANUAL: tuple[tuple[str, str, str, str, str, str, str, str, bool], ...] = (
    ("brand_awareness", "Brand awareness", "品牌知名度",
     "Share of the target audience that knows the brand, from a brand survey (0.27 = 27%).",
     "品牌调研中知道本品牌的目标人群比例（0.27 = 27%）。", "ratio", "higher", "last", False),
    ("brand_search_volume", "Brand search volume", "品牌搜索量",
     "Searches for the brand's own terms on search engines and platforms.", "搜索引擎和平台上品牌词的搜索量。",
     "count", "higher", "sum", True),
    ("ugc_count", "UGC count", "UGC 数量",
     "User-generated posts that mention the brand.", "提及品牌的用户原创内容数量。", "count", "higher", "sum", True),
    ("social_interactions", "Social interactions", "社交互动量",
     "Likes, comments, shares and saves on the brand's social accounts.", "品牌社交账号的点赞、评论、转发和收藏数。",
     "count", "higher", "sum", True),
    ("followers", "Followers", "粉丝数",
     "Followers of the brand's social accounts at the end of the period.", "期末品牌社交账号的粉丝数。",
     "count", "higher", "last", True),
    ("media_mentions", "Media mentions", "媒体提及数",
     "Articles and reports in the media that mention the brand.", "媒体文章和报道中提及品牌的次数。",
     "count", "higher", "sum", True),
    ("negative_response_hours", "Negative-sentiment response time", "负面舆情响应时长",
     "Mean hours from a negative post or review to the brand's first response (lower is better).",
     "从负面帖子或评价出现到品牌首次回应的平均小时数（越低越好）。", "hours", "lower", "average", False),
    ("report_adoption_rate", "Analysis-report adoption rate", "分析报告采纳率",
     "Share of the recommendations in market-analysis reports that were adopted.", "市场分析报告中被采纳的建议比例。",
     "ratio", "higher", "average", False),
    ("info_completeness", "Information-collection completeness", "信息收集完整度",
     "Share of the planned market and competitor information that was collected.", "计划收集的市场和竞品信息中实际收集到的比例。",
     "ratio", "higher", "average", False),
    ("project_on_time_rate", "Project on-time rate", "项目按时完成率",
     "Share of marketing projects delivered by their due date.", "按期交付的营销项目比例。",
     "ratio", "higher", "average", False),
    ("cross_dept_satisfaction", "Cross-department satisfaction", "跨部门满意度",
     "Satisfaction of sales, product and other departments with marketing, from a survey (0 to 100).",
     "销售、产品等部门对市场部的满意度调查得分（0 到 100）。", "score", "higher", "average", False),
    ("core_talent_retention", "Core talent retention", "核心人才保留率",
     "Share of the team's core people at the start of the period who are still in the team.",
     "期初核心人员中仍在团队的比例。", "ratio", "higher", "last", False),
    ("innovation_projects", "Innovation projects launched", "创新项目数",
     "New marketing initiatives (channels, formats, tools) launched.", "上线的营销创新项目（新渠道、新形式、新工具）数量。",
     "count", "higher", "sum", True),
    ("content_published", "Content pieces published", "内容发布数",
     "Articles, videos and posts published by the team.", "团队发布的文章、视频和帖子数量。", "count", "higher", "sum", True),
    # Also used by the SPEC's example plans (and written by the demo generator)
    ("video_completion_rate", "Short-video completion rate", "短视频完播率",
     "Share of short-video views watched to the end, as the platform reports it.", "平台报告的短视频完整播放比例。",
     "ratio", "higher", "average", False),
    ("innovation_roi", "Innovation project ROI", "创新项目投资回报率",
     "Return of innovation projects per unit invested (3 means 1:3).", "创新项目每单位投入的回报（3 表示 1:3）。",
     "ratio", "higher", "average", False),
    ("new_product_penetration", "New product penetration", "新品渗透率",
     "Share of target customers who bought the new product.", "目标客户中购买新品的比例。", "ratio", "higher", "last", False),
)


def _manual(row: tuple[str, str, str, str, str, str, str, str, bool]) -> Metric:
    mid, name_en, name_zh, desc_en, desc_zh, unit, direction, agg, additive = row
    formula_en = f"{_FORMULA_EN[agg]} {mid} in metric_values"
    formula_zh = f"metric_values 中 {mid} 的{_AGG_ZH[agg]}"
    return _m(mid, name_en, name_zh, desc_en + _RULE_EN.format(id=mid, agg=_AGG_EN[agg]),
              desc_zh + _RULE_ZH.format(id=mid, agg=_AGG_ZH[agg]), formula_en, formula_zh,
              unit, direction, Manual(agg, additive))  # type: ignore[arg-type]


METRICS: tuple[Metric, ...] = (
    *(_manual(row) for row in _MANUAL),
    _m("engagement_rate", "Follower engagement rate", "粉丝互动率",
       "Social interactions in the period divided by the followers at its end (both reported by hand).",
       "期间内的社交互动量除以期末粉丝数（均为手工填报）。",
       "social_interactions / followers", "social_interactions / followers（社交互动量 / 粉丝数）",
       "ratio", "higher", Ratio("social_interactions", "followers")),
)
