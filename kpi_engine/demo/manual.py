"""Manually reported metrics (metric_values) and 360-degree ratings (feedback_360) of the demo.

Small tables: loops run per month, per metric and per person, never per fact row.
The story shows here too: the new-media lead's follower engagement rises and
their 360 ratings are the best; Xiaohongshu's interactions fall with its leads.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from kpi_engine.demo import roster, shape

# Manual metric ids the demo fills: id -> (grain, scope_type, aggregation over time, unit)
MANUAL_METRICS: dict[str, tuple[str, str, str, str]] = {
    "brand_search_volume": ("month", "team", "sum", "count"),
    "ugc_count": ("month", "team", "sum", "count"),
    "media_mentions": ("month", "team", "sum", "count"),
    "followers": ("month", "channel+team", "last", "count"),
    "social_interactions": ("month", "channel+team", "sum", "count"),
    "video_completion_rate": ("month", "channel", "average", "ratio"),
    "content_published": ("month", "person+team", "sum", "count"),
    "negative_response_hours": ("month", "team", "average", "hours"),
    "project_on_time_rate": ("month", "person+team", "average", "ratio"),
    "report_adoption_rate": ("month", "person", "average", "ratio"),
    "info_completeness": ("month", "person", "average", "ratio"),
    "brand_awareness": ("quarter", "team", "last", "ratio"),
    "cross_dept_satisfaction": ("quarter", "team", "average", "score"),
    "core_talent_retention": ("quarter", "team", "last", "ratio"),
    "innovation_projects": ("quarter", "team", "sum", "count"),
    "innovation_roi": ("quarter", "team", "average", "ratio"),
    "new_product_penetration": ("quarter", "team", "last", "ratio"),
}
DIMENSIONS_360 = ("professional", "execution", "collaboration", "communication", "initiative")
ROLE_BIAS = {"manager": -1.0, "peer": 0.0, "subordinate": 1.0, "self": 4.0, "cross-department": -2.0}
PERSON_BASE_360 = {"p01": 84.0, "p02": 89.0, "p03": 82.0, "p04": 83.0, "p05": 80.0, "p06": 81.0, "p07": 79.0, "p08": 82.0}


def months_of(cal: shape.Calendar) -> list[dt.date]:
    n = (cal.end.year - cal.start.year) * 12 + cal.end.month - cal.start.month + 1
    return [shape.month_start(cal.end, back) for back in range(n - 1, -1, -1)]


def _month_factor(cal: shape.Calendar, first: dt.date, sens: float) -> tuple[float, float, float, float]:
    """(elapsed share of the month, mean season, growth factor, mean story factors) for one month."""
    nxt = shape.month_start(first + dt.timedelta(days=32))
    days = np.arange(np.datetime64(first, "D"), np.datetime64(nxt, "D"))
    elapsed = float(np.mean(days <= np.datetime64(cal.end, "D")))
    age = (cal.end - first).days / 365.0
    idx = np.clip((days - cal.days[0]).astype(int), 0, cal.n - 1)
    return elapsed, float(shape.season(days, sens).mean()), age, float(shape.slide(cal)[idx].mean())


def metric_values(cal: shape.Calendar, rng: np.random.Generator) -> list[tuple]:
    """Rows (metric_id, period_start, grain, scope_type, scope_id, value, source, note)."""
    rows: list[tuple] = []
    rise = shape.rise(cal)
    followers = {"douyin_video": 62000.0, "xiaohongshu": 38000.0, "wechat_mp": 21000.0}
    engagement = {"douyin_video": 0.058, "xiaohongshu": 0.046, "wechat_mp": 0.021}
    for first in months_of(cal):
        elapsed, seas, age, slide = _month_factor(cal, first, 0.6)
        if elapsed <= 0:
            continue
        note = "month to date" if elapsed < 1 else None
        idx = int(np.clip((min(cal.end, first + dt.timedelta(days=27)) - cal.start).days, 0, cal.n - 1))
        lift = float(rise[idx])

        def add(metric: str, value: float, scope_type: str = "team", scope_id: str = "",
                period: dt.date = first, grain: str = "month", why: str | None = note) -> None:
            rows.append((metric, period, grain, scope_type, scope_id, float(value), "demo", why))

        def noisy(sigma: float) -> float:
            return float(np.exp(rng.normal(0.0, sigma)))

        add("brand_search_volume", round(42000 * 1.25 ** -age * seas * noisy(0.05) * elapsed))
        add("ugc_count", round(480 * 1.15 ** -age * seas * noisy(0.08) * elapsed))
        add("media_mentions", int(rng.poisson(32 * 1.1 ** -age * elapsed)))
        add("negative_response_hours", round(3.6 * 1.1 ** age * noisy(0.12), 1))
        growth = {"douyin_video": 0.045 * lift, "xiaohongshu": 0.03 * slide, "wechat_mp": 0.012}
        team_followers = team_interactions = 0.0
        for channel, level in followers.items():
            level *= 1.0 + growth[channel] * elapsed * noisy(0.2)
            followers[channel] = level
            rate = engagement[channel] * (lift if channel == "douyin_video" else slide if channel == "xiaohongshu" else 1)
            interactions = round(level * rate * seas * noisy(0.06) * elapsed)
            add("followers", round(level), "channel", channel)
            add("social_interactions", interactions, "channel", channel)
            team_followers += round(level)
            team_interactions += interactions
        add("followers", team_followers)
        add("social_interactions", team_interactions)
        add("video_completion_rate", round(0.34 * lift ** 0.3 * noisy(0.04), 3), "channel", "douyin_video")
        published = 0
        for person, per_month in (("p02", 22.0), ("p06", 16.0), ("p07", 12.0)):
            count = int(rng.poisson(per_month * elapsed))
            published += count
            add("content_published", count, "person", person)
        add("content_published", published)
        on_time = float(np.clip(0.86 + rng.normal(0, 0.04), 0.6, 1.0))
        add("project_on_time_rate", round(on_time, 3))
        add("project_on_time_rate", round(float(np.clip(on_time + rng.normal(0.02, 0.03), 0.6, 1.0)), 3), "person", "p03")
        add("report_adoption_rate", round(float(np.clip(0.72 + 0.1 * (1 - age) + rng.normal(0, 0.03), 0, 1)), 3),
            "person", "p08")
        add("info_completeness", round(float(np.clip(0.91 + rng.normal(0, 0.02), 0, 1)), 3), "person", "p08")
        if first.month in (3, 6, 9, 12) and elapsed == 1:  # quarter closed: quarterly surveys
            quarter = shape.month_start(first, 2)
            add("brand_awareness", round(0.27 * 1.12 ** -age + rng.normal(0, 0.004), 3), period=quarter, grain="quarter")
            add("cross_dept_satisfaction", round(86 + rng.normal(0, 1.5), 1), period=quarter, grain="quarter")
            add("core_talent_retention", round(float(np.clip(0.94 + rng.normal(0, 0.03), 0.8, 1.0)), 3), period=quarter,
                grain="quarter")
            add("innovation_projects", int(rng.integers(1, 4)), period=quarter, grain="quarter")
            add("innovation_roi", round(3.1 + rng.normal(0, 0.4), 2), period=quarter, grain="quarter")
            add("new_product_penetration", round(0.2 * 1.2 ** -age + rng.normal(0, 0.01), 3), period=quarter,
                grain="quarter")
    return rows


def feedback_360(cal: shape.Calendar, rng: np.random.Generator) -> list[tuple]:
    """Rows (period, person_id, reviewer_role, reviewer_id, dimension, score), monthly periods like "2026-10"."""
    people = [p[0] for p in roster.PEOPLE]
    teams = {p[0]: p[3] for p in roster.PEOPLE}
    others = [p for p in people if p != roster.LEAD_PERSON]
    rows: list[tuple] = []
    for m, first in enumerate(months_of(cal)):
        period = f"{first:%Y-%m}"
        for person in people:
            reviewers: list[tuple[str, str]] = [("self", person), ("cross-department", "")]
            reviewers.append(("manager", "" if person == roster.LEAD_PERSON else roster.LEAD_PERSON))
            mates = [p for p in others if p != person and teams[p] == teams[person]]
            rest = [p for p in others if p != person and p not in mates]
            peers = mates[:1] + [rest[m % len(rest)]] if mates else [rest[m % len(rest)], rest[(m + 1) % len(rest)]]
            reviewers += [("peer", p) for p in peers]
            if person == roster.LEAD_PERSON:
                reviewers += [("subordinate", others[(m + k) % len(others)]) for k in (0, 2, 4)]
            base = PERSON_BASE_360[person]
            if person == "p06":  # the content lead's ratings dip with Xiaohongshu's slide
                base -= 4.0 * (1.0 - float(shape.slide(cal)[min(cal.n - 1, (first - cal.start).days + 14)])) / (
                    1.0 - shape.SLIDE_LEVEL)
            dim_bias = rng.normal(0, 2.0, len(DIMENSIONS_360))
            for role, reviewer in dict.fromkeys(reviewers):
                scores = base + ROLE_BIAS[role] + dim_bias + rng.normal(0, 4.0, len(DIMENSIONS_360))
                for d, dimension in enumerate(DIMENSIONS_360):
                    rows.append((period, person, role, reviewer, dimension, round(float(np.clip(scores[d], 0, 100)), 1)))
    return rows
