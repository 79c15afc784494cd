"""The quarterly rationality review (SPEC section 5): are the KPIs themselves still right?

Over the last ``n`` closed periods of the plan's grain (3 months for a monthly plan; the
periods that ended on or before ``as_of``), each KPI's actual is computed and scored against
the plan's current targets:

- **persistently unreachable**: achievement below the floor in every one of those periods
  (campaign ROI below 5% three periods running): redesign the KPI, its target or its owner;
- **persistently trivial**: the cap reached in every one of them: raise the target;
- **weights that no longer fit the strategy**: the main card's dimension weights against the
  chosen preset (±5 points), or the framework's recommended ranges without a preset.

A KPI without data in one of the periods is not flagged. The result is a
:class:`~kpi_engine.plans.checks.CheckReport` of warnings, like the plan checks.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.engine import Engine

from kpi_engine import clock, periods
from kpi_engine.plans import catalog
from kpi_engine.plans.actuals import kpi_actuals
from kpi_engine.plans.check_issues import CheckReport, Issue, kpi_params
from kpi_engine.plans.checks import dimension_issues
from kpi_engine.plans.directory import Directory
from kpi_engine.plans.model import Plan
from kpi_engine.scoring import Rules, format_pct, score_kpi
from kpi_engine.settings import Settings
from kpi_engine.settings_store import load_settings

REVIEW_PERIODS = 3


def closed_periods(grain: str, as_of: dt.date, n: int = REVIEW_PERIODS) -> list[tuple[dt.date, dt.date]]:
    """The ``n`` latest periods of ``grain`` that ended on or before ``as_of``, oldest first."""
    start = periods.period_start(as_of, grain)
    if not periods.is_period_end(as_of, grain):
        start = periods.previous_period_start(start, grain)
    out = []
    for _ in range(n):
        out.append((start, periods.period_end(start, grain)))
        start = periods.previous_period_start(start, grain)
    return out[::-1]


def rationality_review(engine: Engine, plan: Plan, *, as_of: dt.date | None = None, n: int = REVIEW_PERIODS,
                       settings: Settings | None = None) -> CheckReport:
    """Warnings for KPIs unreachable or trivial over the last ``n`` closed periods, and weights off the strategy."""
    settings = settings or load_settings(engine)
    rules = Rules.from_settings(settings)
    as_of = as_of or clock.business_today(settings)
    ranges = closed_periods(plan.grain, as_of, n)
    by_period = [kpi_actuals(engine, plan.kpis, start, end, plan.grain, settings) for start, end in ranges]
    names = Directory.load(engine).names
    issues: list[Issue] = []
    for i, k in enumerate(plan.kpis):
        scores = [score_kpi(actuals[i][0], k.base, challenge=k.challenge, floor=k.floor,
                            direction=catalog.direction(k.metric), rules=rules) for actuals in by_period]
        if not scores or any(s.score is None for s in scores):
            continue
        achieved = ", ".join(f"{periods.period_label(start, plan.grain)} {format_pct(s.achievement)}"
                             for (start, _), s in zip(ranges, scores, strict=True))
        params = {**kpi_params(k, names), "n": str(n), "achievements": achieved}
        key = f"{k.metric}@{k.scope}"
        if all(s.tier == "below_floor" for s in scores):
            issues.append(Issue("review_unreachable", "warning", f"review_unreachable:{key}", params, i))
        elif all(s.score is not None and s.score >= rules.cap - 1e-9 for s in scores):
            issues.append(Issue("review_trivial", "warning", f"review_trivial:{key}", params, i))
    issues += dimension_issues(plan, "review_weights")
    return CheckReport(tuple(issues))
