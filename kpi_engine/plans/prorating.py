"""Plan checks of the pro-rating method (run by :func:`kpi_engine.plans.checks.check_plan`).

A plan (or a KPI) pro-rated by a ``custom`` profile must give one: without it, or with weights that are 0
on every day of the plan's period, its targets cannot be spread over the days, and pacing would fall back
to calendar days behind the manager's back. Both are errors (they block activation), with a fix in English
and Chinese (``plans_check_profile_*`` in :mod:`kpi_engine.i18n.workdays`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from kpi_engine import periods
from kpi_engine.plans.check_issues import Issue, kpi_params
from kpi_engine.plans.model import Plan
from kpi_engine.prorate_profile import profile_weight


def _all_zero(profile: Mapping[str, float], plan: Plan) -> bool:
    days = periods.days_in(plan.start, plan.end)
    return all(profile_weight(profile, plan.start + dt.timedelta(days=i)) <= 0 for i in range(days))


def profile_issues(plan: Plan, names: Mapping[str, str] | None = None) -> list[Issue]:
    """Errors for a custom pro-rating without a profile, or with a profile of zeros over the plan's period; a KPI
    is named in the reader's language with its scope's name from ``names`` ("Leads @ 小红书笔记"), never its key."""
    issues: list[Issue] = []
    plan_label = {"what_key": "plans_prorate_what_plan"}
    if plan.prorate == "custom":
        if not plan.profile:
            issues.append(Issue("profile_missing", "error", "profile_missing", plan_label))
        elif _all_zero(plan.profile, plan):
            issues.append(Issue("profile_zero", "error", "profile_zero", {**plan_label, "period": plan.period}))
    for i, k in enumerate(plan.kpis):
        own = k.extra.get("profile") or {}
        if (k.extra.get("prorate") or plan.prorate) != "custom" or (not own and plan.prorate == "custom"):
            continue  # not custom, or the plan's own profile (checked above)
        what = kpi_params(k, names)
        key = f"{k.metric}@{k.scope}"
        profile = own or plan.profile
        if not profile:
            issues.append(Issue("profile_missing", "error", f"profile_missing:{key}", what, kpi=i))
        elif _all_zero(profile, plan):
            issues.append(Issue("profile_zero", "error", f"profile_zero:{key}", {**what, "period": plan.period}, kpi=i))
    return issues
