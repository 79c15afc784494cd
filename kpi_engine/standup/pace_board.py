"""The Standup's pacing board: every team KPI of the active plan as one row (issue 11, point 2).

For a meeting on ``as_of`` the data runs through yesterday (:func:`kpi_engine.clock.data_through`). The period is
the active team plan's (:func:`kpi_engine.prorating.team_plan`: no appraisal subject, its period holds yesterday);
without one, the month of yesterday with the stored team targets of the board metrics (:data:`METRICS`).

Each row of a team KPI (scope ``team``) holds, over the period's first days through yesterday:

- ``actual``: the KPI's value so far (``kpi_engine.plans.actuals.kpi_actuals``: the scorecards' numbers);
- ``target_to_date``: the period target pro-rated to the days so far by the plan's method (a rate's target does
  not shrink with the days);
- ``pace`` and ``status``: the projected achievement at the period end and its status (``kpi_engine.pacing.pace``;
  for the marketing budget ``budget_pace``: spent against planned to date);
- ``projected``: the value at the period end at the current run rate (a rate: as it is);
- ``previous`` / ``last_year``: the same elapsed days of the previous period and of the same period a year before
  (:mod:`kpi_engine.compare`: days 1..k of each while the period runs, the whole periods once it is closed), with ``vs_previous`` / ``vs_last_year``: a relative change (0.25 = +25%), for a rate the difference in points;
- ``progress``: the actual against the target to date (1.0 = exactly on the pro-rated target), for a bar;
- ``forecast`` with ``forecast_low``/``forecast_high``: the KPI projected to the period end with its 80% band
  (:mod:`kpi_engine.analytics.forecast`, issue 16 part 1); ``None`` when the forecast has too little history to
  give a band (never 0), for a growth KPI (``yoy:``) and for a KPI that is not a count, a sum or a ratio of them.
  The history of every board KPI is read in one metric query.

Pure Python over SQL; no Streamlit. Names (KPIs, owners, the plan) come with the rows: pages never show an id.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from kpi_engine import clock, compare, fmt, pacing, periods, schema, targets
from kpi_engine import prorating as prorating_
from kpi_engine.analytics import forecast as forecast_
from kpi_engine.metrics import registry
from kpi_engine.plans import catalog
from kpi_engine.plans.actuals import kpi_actuals
from kpi_engine.plans.model import Kpi, Plan, split_metric
from kpi_engine.settings import Settings
from kpi_engine.settings_store import load_settings
from kpi_engine.standup.board import BUDGET_METRIC, METRICS

Window = tuple[dt.date, dt.date]


@dataclass(frozen=True)
class PaceRow:
    """One KPI on the pacing board (``None`` = no value)."""

    metric: str  # the plan's metric reference (``leads``, ``yoy:brand_search_volume``)
    name_en: str
    name_zh: str
    unit: str
    direction: str
    owner: str  # the owner's name ("" without one)
    target: float | None  # the whole period's target
    actual: float | None
    target_to_date: float | None
    pace: float | None
    status: str | None
    projected: float | None
    previous: float | None
    vs_previous: float | None
    last_year: float | None
    vs_last_year: float | None
    progress: float | None
    budget: bool = False  # paced as a budget (under- and overspending)
    forecast: float | None = None  # the forecast's period-end value (issue 16.1) ...
    forecast_low: float | None = None  # ... and its 80% band
    forecast_high: float | None = None

    def name(self, lang: str = "en") -> str:
        return self.name_zh if lang == "zh" else self.name_en


@dataclass(frozen=True)
class PaceBoard:
    """The board: the plan it follows (``plan_name`` "" without a plan), its period and the days so far."""

    plan_id: str
    plan_name: str
    period: str
    start: dt.date
    end: dt.date
    through: dt.date | None  # last day counted (None before the period starts)
    previous: Window | None  # the same elapsed days of the previous period
    last_year: Window | None  # ... and of the same period a year before
    rows: tuple[PaceRow, ...]

    @property
    def from_plan(self) -> bool:
        return bool(self.plan_name)

    @property
    def elapsed_days(self) -> int:
        return 0 if self.through is None else periods.days_in(self.start, self.through)

    @property
    def total_days(self) -> int:
        return periods.days_in(self.start, self.end)


def _people(engine: Engine) -> dict[str, str]:
    p = schema.people
    with engine.connect() as conn:
        return {str(r[0]): str(r[1]) for r in conn.execute(sa.select(p.c.person_id, p.c.name))}


def _targets_plan(engine: Engine, day: dt.date, settings: Settings) -> Plan:
    """Without an active team plan: the month of ``day`` with the stored team targets of the board metrics."""
    start, end = periods.period_range(day, "month")
    rows = targets.monthly_targets(engine, start=start, end=end, scope_type=targets.TEAM, metrics=list(METRICS))
    base = {str(r.metric_id): float(r.base) for r in rows.itertuples(index=False)
            if r.scope_id == "" and r.base is not None and r.base == r.base}
    kpis = tuple(Kpi(metric=m, base=base.get(m)) for m in METRICS)
    return Plan(name="targets", period=periods.period_label(start, "month"), kpis=kpis, prorate=settings.default_prorate)


def _values(engine: Engine, kpis: list[Kpi], window: Window | None, grain: str, s: Settings) -> list[float | None]:
    if window is None or window[1] < window[0] or not kpis:
        return [None] * len(kpis)
    return [a[0] for a in kpi_actuals(engine, kpis, window[0], window[1], grain, s)]


def _forecasts(engine: Engine, plan: Plan, kpis: list[Kpi], through: dt.date | None
               ) -> list[forecast_.Forecast | None]:
    """Each KPI's forecast to the period end from the data through ``through`` (one history query for all)."""
    def able(k: Kpi) -> bool:
        kind, mid = split_metric(k.metric)
        return kind is None and mid in registry.METRICS and forecast_.forecastable(mid)

    wanted = [k.metric_id for k in kpis if able(k)] if through is not None else []
    if not wanted or through is None:
        return [None] * len(kpis)
    days, history = forecast_.daily_histories(engine, wanted, as_of=through)
    return [forecast_.forecast_series(history, days, k.metric_id, start=plan.start, end=plan.end) if able(k) else None
            for k in kpis]


def _band(fc: forecast_.Forecast | None) -> tuple[float | None, float | None, float | None]:
    """(projected, low, high), all None unless the forecast has a band: too little history shows no value."""
    if fc is None or any(fmt.no_value(v) for v in (fc.projected, fc.low, fc.high)):
        return None, None, None
    return fc.projected, fc.low, fc.high


def _row(engine: Engine, plan: Plan, k: Kpi, through: dt.date | None, values: tuple[float | None, ...],
         owner: str, s: Settings, fc: forecast_.Forecast | None = None) -> PaceRow:
    actual, previous, last_year = values
    kind, mid = split_metric(k.metric)
    metric = registry.METRICS.get(mid)
    unit = "ratio" if kind else (metric.unit if metric else "count")
    direction, additive = catalog.direction(k.metric), catalog.cumulative(k.metric)
    budget = kind is None and mid == BUDGET_METRIC
    to_date = pace = projected = progress = None
    status = None
    if through is not None:
        spread = pacing.spread_for(engine, plan, k, settings=s) if additive else pacing.Spread()
        elapsed = pacing.share((plan.start, plan.end), (plan.start, through), **spread.kwargs())
        to_date = None if k.base is None else (k.base * elapsed if additive else k.base)
        if budget and k.base and actual is not None:
            b = pacing.budget_pace(actual, k.base, (plan.start, plan.end), through, settings=s, **spread.kwargs())
            status, pace, projected = b.status, b.ratio, b.projected
        else:
            p = pacing.pace(actual, k.base, (plan.start, plan.end), through, direction=direction, additive=additive,
                            floor=k.floor, settings=s, **spread.kwargs())
            status, pace, projected = p.status, p.achievement, p.projected
        progress = fmt.achievement_ratio(actual, to_date, "higher" if budget else direction)
    return PaceRow(k.metric, catalog.kpi_name(k.metric, "en"), catalog.kpi_name(k.metric, "zh"), unit, direction,
                   owner, k.base, actual, to_date, pace, status, projected, previous, compare.change(actual, previous, unit),
                   last_year, compare.change(actual, last_year, unit), progress, budget, *_band(fc))


def build(engine: Engine, as_of: dt.date, settings: Settings | None = None, plan: Plan | None = None) -> PaceBoard:
    """The pacing board of a meeting on ``as_of``: the team KPIs of ``plan`` (default: the active team plan of
    yesterday; without one the month's stored team targets, see the module docstring)."""
    s = settings or load_settings(engine)
    yesterday = clock.data_through(as_of, s)
    plan = plan or prorating_.team_plan(engine, yesterday)
    from_plan = plan is not None
    if plan is None:
        plan = _targets_plan(engine, yesterday, s)
    team = [k for k in plan.kpis if k.scope == "team"]
    # the previous period and last year over the same elapsed days: the rule of every page (kpi_engine.compare)
    windows = compare.compare(plan.start, plan.end, plan.grain, yesterday + dt.timedelta(days=1))
    through, previous, last_year = windows.through, windows.previous, windows.last_year
    now = _values(engine, team, None if through is None else (plan.start, through), plan.grain, s)
    before = _values(engine, team, previous, plan.grain, s)
    year_ago = _values(engine, team, last_year, plan.grain, s)
    forecasts = _forecasts(engine, plan, team, through)
    people = _people(engine)
    rows = tuple(_row(engine, plan, k, through, vals, people.get(k.owner, k.owner) if k.owner else "", s, fc)
                 for k, vals, fc in zip(team, zip(now, before, year_ago, strict=True), forecasts, strict=True))
    return PaceBoard(plan.plan_id if from_plan else "", plan.name if from_plan else "", plan.period, plan.start,
                     plan.end, through, previous, last_year, rows)


__all__ = ["PaceBoard", "PaceRow", "build"]
