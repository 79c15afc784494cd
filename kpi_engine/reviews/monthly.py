"""The monthly review's numbers: team achievement and score, each person's score and contribution, and the biggest
gains and shortfalls against the previous month and the same month last year, each with its main driver.

A running month (the data day before its last day) is compared day for day: November 1..22 against October
1..22 and November 1..22 of last year, so a half month is never set against a whole one.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy.engine import Engine

from kpi_engine import periods
from kpi_engine.metrics import registry
from kpi_engine.metrics.query import compute, data_bounds, with_facts_in
from kpi_engine.plans import catalog
from kpi_engine.plans.evaluate import PlanScore, score_plan
from kpi_engine.plans.model import TEAM_CARD, Plan, split_metric
from kpi_engine.plans.scorecard_tables import card_summary, grade_text, kpi_frame
from kpi_engine.reviews import gap
from kpi_engine.reviews.weekly import data_day

# Besides the team card's KPIs, the movements every monthly review looks at.
CORE_METRICS: tuple[str, ...] = ("leads", "mqls", "sqls", "wins", "revenue", "spend", "cpl", "cac", "roi")
COMPARISONS: tuple[str, ...] = ("previous", "last-year")
MOVER_COLUMNS: list[str] = ["kpi", "metric", "unit", "direction", "vs", "this", "comparison", "change", "change_pct", "favourable",
                            "driver", "driver_contribution", "comparison_start", "comparison_end"]


def month_range(start: dt.date, end: dt.date, as_of: dt.date) -> tuple[dt.date, dt.date]:
    """The part of the month [start, end] with data by ``as_of`` (through the data day)."""
    return start, min(end, data_day(as_of))


def comparison_ranges(start: dt.date, end: dt.date, month_end: dt.date) -> dict[str, tuple[dt.date, dt.date]]:
    """The previous month and the same month last year: whole months, or the same days of a running month."""
    if end >= month_end:
        prev = periods.previous_period_start(start, "month")
        ly = periods.shift_months(start, -12)
        return {"previous": (prev, periods.period_end(prev, "month")), "last-year": (ly, periods.period_end(ly, "month"))}
    return {"previous": periods.shift_range(start, end, months=-1), "last-year": periods.shift_range(start, end, months=-12)}


def monthly_score(engine: Engine, plan: Plan, as_of: dt.date) -> PlanScore:
    """Every card of the plan scored on the morning ``as_of``: data through the data day (or the plan's end)."""
    return score_plan(engine, plan, as_of=as_of)


def team_achievement(score: PlanScore, lang: str = "en") -> pd.DataFrame:
    """The team card's KPIs: name, scope, unit, weight, target, actual, achievement, score, pace."""
    card = score.card(TEAM_CARD) if any(c.card == TEAM_CARD for c in score.cards) else score.main
    frame = kpi_frame(card, lang)
    return frame[["name", "metric", "scope", "unit", "weight", "base", "actual", "achievement", "score", "pace"]]


def people_contributions(engine: Engine, plan: Plan, score: PlanScore, start: dt.date, end: dt.date,
                         lang: str = "en") -> tuple[pd.DataFrame, list[str]]:
    """One row per person card: label, weighted and final score, grade, bonus, and for each additive team KPI
    counted from facts (leads, wins, revenue ...) the person's actual and share of the team's (``share:<metric>``).

    Returns the frame and the metric ids whose shares it holds. Shares come from the owner of each fact
    (a lead's owner), so facts without an owner make the shares add up to less than 100%.
    """
    summary = card_summary(score, lang)
    people = summary[summary["card"] != TEAM_CARD].reset_index(drop=True)
    metrics = list(dict.fromkeys(split_metric(k.metric)[1] for k in plan.kpis
                                 if plan.card_of(k) == TEAM_CARD and catalog.cumulative(k.metric)
                                 and isinstance(registry.METRICS[split_metric(k.metric)[1]].calc, registry.Simple)))
    frame = people[["card", "label", "weighted_score", "final_score", "grade", "bonus"]].copy()
    frame["grade"] = [grade_text(g, s, lang) for g, s in zip(people["grade"], people["status"], strict=True)]
    shown: list[str] = []
    for mid in metrics:
        if len(shown) == 4 or not len(frame) or data_bounds(engine, [mid], start=start, end=end) is None:
            continue
        try:
            by_person = compute(engine, [mid], by="person", start=start, end=end).set_index("person_id")[mid]
        except ValueError:  # a metric whose facts have no owner
            continue
        team = compute(engine, [mid], start=start, end=end)[mid]
        total = float(team.iloc[0]) if len(team) and pd.notna(team.iloc[0]) else None
        values = [float(by_person.get(c, 0.0) or 0.0) for c in frame["card"]]
        frame[f"actual:{mid}"] = values
        frame[f"share:{mid}"] = [v / total if total else None for v in values]
        shown.append(mid)
    for col in frame.columns[2:]:
        if col != "grade":
            frame[col] = pd.to_numeric(frame[col], errors="coerce").astype("float64")
    return frame, shown


def mover_metrics(plan: Plan | None) -> list[str]:
    """The team card's plain metrics, then the core ones; only metrics that can be compared month to month."""
    ids = [split_metric(k.metric)[1] for k in (plan.kpis if plan else ())
           if plan is not None and plan.card_of(k) == TEAM_CARD and not split_metric(k.metric)[0]]
    return [m for m in dict.fromkeys([*ids, *CORE_METRICS]) if m in registry.METRICS]


def movers(engine: Engine, metrics: list[str], start: dt.date, end: dt.date, month_end: dt.date,
           lang: str = "en", by: str = "channel") -> pd.DataFrame:
    """Each metric against the previous month and last year: this, comparison, change, change as a fraction,
    favourable (by the metric's direction; None without a change), and the main driver: the contributor (``by``)
    with the largest contribution in the direction of the change, when the metric can be broken down."""
    ranges = comparison_ranges(start, end, month_end)
    cache = gap.prefetch(engine, metrics, by, [(start, end), *ranges.values()])
    now, *befores = team_values(engine, metrics, [(start, end), *ranges.values()])
    rows = []
    for before, (vs, (c_start, c_end)) in zip(befores, ranges.items(), strict=True):
        for mid in metrics:
            m = registry.METRICS[mid]
            this, comp = now.get(mid), before.get(mid)
            change = None if this is None or comp is None else this - comp
            favourable = None if not change else (change > 0) == (m.direction == "higher")
            driver, contribution = _driver(engine, mid, start, end, c_start, c_end, change, by, cache)
            rows.append({"kpi": m.name(lang), "metric": mid, "unit": m.unit, "direction": m.direction, "vs": vs, "this": this, "comparison": comp,
                         "change": change, "change_pct": change / abs(comp) if change is not None and comp else None,
                         "favourable": favourable, "driver": driver, "driver_contribution": contribution,
                         "comparison_start": c_start, "comparison_end": c_end})
    frame = pd.DataFrame(rows, columns=MOVER_COLUMNS)
    for col in ("this", "comparison", "change", "change_pct", "driver_contribution"):
        frame[col] = pd.to_numeric(frame[col], errors="coerce").astype("float64")
    return frame


def gains_and_shortfalls(frame: pd.DataFrame, n: int = 8) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The favourable and the unfavourable movements, largest relative change first (at most ``n`` each)."""
    order = frame.assign(_size=frame["change_pct"].abs().fillna(frame["change"].abs() * 0))
    gains = order[order["favourable"] == True].sort_values("_size", ascending=False, kind="stable")  # noqa: E712
    shortfalls = order[order["favourable"] == False].sort_values("_size", ascending=False, kind="stable")  # noqa: E712
    return (gains.drop(columns="_size").head(n).reset_index(drop=True),
            shortfalls.drop(columns="_size").head(n).reset_index(drop=True))


def team_values(engine: Engine, metrics: list[str], ranges: list[tuple[dt.date, dt.date]]) -> list[dict[str, float]]:
    """The department's value of each metric over each range (no entry for no value; nothing for a range without
    any fact of them). Which ranges have facts is asked in one query (:func:`with_facts_in`), then one query per
    range that has: the values of a UNION ALL of the ranges' statements took longer on DuckDB than the three."""
    if not metrics:
        return [{} for _ in ranges]
    out: list[dict[str, float]] = []
    for (start, end), found in zip(ranges, with_facts_in(engine, metrics, ranges), strict=True):
        frame = compute(engine, metrics, start=start, end=end) if found else None
        out.append({} if frame is None or frame.empty else
                   {m: float(frame[m].iloc[0]) for m in metrics if pd.notna(frame[m].iloc[0])})
    return out


def _driver(engine: Engine, metric: str, start: dt.date, end: dt.date, c_start: dt.date, c_end: dt.date,
            change: float | None, by: str, cache: gap.ValuesCache) -> tuple[str | None, float | None]:
    if not change or not gap.can_explain(metric):
        return None, None
    breakdown = gap.explain_range(engine, metric, start, end, c_start, c_end, by=by, cache=cache)
    rows = breakdown.rows  # largest contribution first: the first one in the direction of the change
    for key, contribution in zip(rows[breakdown.key_column].tolist(), rows["contribution"].tolist(), strict=True):
        if contribution == contribution and (contribution > 0 if change > 0 else contribution < 0):  # not NaN
            return str(key), float(contribution)
    return None, None
