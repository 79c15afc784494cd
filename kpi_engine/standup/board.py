"""The standup's KPI board: yesterday, week to date and month to date against pro-rated targets.

Everything is anchored on **yesterday** (the last complete day before ``as_of``):

- *yesterday* and the *day before*, and the *same weekday last week* (yesterday − 7 days);
- *week to date*: the ISO week containing yesterday, Monday .. yesterday;
- *month to date*: the month containing yesterday, its first day .. yesterday, paced to the month end
  (``kpi_engine.pacing``: additive metrics projected from the run rate, ratios as they are; spend is a
  budget, paced both ways);
- *trend*: the last 8 complete ISO weeks ending on or before yesterday (sparklines).

Targets are the stored monthly targets pro-rated to each window (``kpi_engine.targets``) the way the plan
says (:func:`prorating`): the active team plan's KPI for the metric at team scope, else the plan, else the
setting ``default_prorate``; month-to-date pacing uses the same method. A window that starts after the last
day with data has no value (``None``), not 0: nothing was measured yet.
All numbers come from ``kpi_engine.metrics.query.compute`` (SQL in the database).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from kpi_engine import clock, pacing, periods, schema, targets, workdays
from kpi_engine import prorating as prorating_
from kpi_engine.metrics import registry
from kpi_engine.metrics.query import compute
from kpi_engine.settings import Settings

Spreads = Mapping[str, pacing.Spread]  # metric -> how its targets are spread over the days

METRICS: tuple[str, ...] = ("leads", "mqls", "sqls", "wins", "spend", "cpl", "response_sla")
BUDGET_METRIC = "spend"  # paced both ways (under- and overspending)
TREND_WEEKS = 8
DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class Windows:
    """The dates a standup on ``as_of`` looks at (all ranges inclusive)."""

    as_of: dt.date
    yesterday: dt.date
    day_before: dt.date
    last_week: dt.date  # same weekday a week before yesterday
    week: tuple[dt.date, dt.date]  # Monday .. yesterday
    month: tuple[dt.date, dt.date]  # first of month .. yesterday
    month_period: tuple[dt.date, dt.date]  # the whole month (pacing target)
    trend_weeks: tuple[dt.date, ...]  # Mondays of the last TREND_WEEKS complete weeks, oldest first


def windows(as_of: dt.date) -> Windows:
    """The standup's windows for a meeting held on ``as_of``."""
    y = clock.data_through(as_of)
    week_start = periods.period_start(y, "week")
    month_start = periods.period_start(y, "month")
    last_full_monday = week_start if y.weekday() == 6 else week_start - dt.timedelta(days=7)
    trend = tuple(last_full_monday - dt.timedelta(days=7 * k) for k in range(TREND_WEEKS - 1, -1, -1))
    return Windows(as_of=as_of, yesterday=y, day_before=y - DAY, last_week=y - dt.timedelta(days=7),
                   week=(week_start, y), month=(month_start, y),
                   month_period=(month_start, periods.period_end(y, "month")), trend_weeks=trend)


@dataclass(frozen=True)
class Card:
    """One KPI on the board. ``None`` = no value. ``status``: pacing of month to date to the month end
    (on_track / at_risk / off_track, or for spend underspending / at_risk / on_track / overspending);
    ``achievement`` is the projected achievement (for spend: spent / planned to date)."""

    metric: str
    unit: str
    direction: str
    yesterday: float | None
    yesterday_target: float | None
    wtd: float | None
    wtd_target: float | None
    mtd: float | None
    month_target: float | None
    expected_to_date: float | None
    projected: float | None
    achievement: float | None
    status: str | None
    prev_status: str | None  # the same pacing as of the day before (None when that is another month)
    day_before: float | None
    last_week: float | None
    trend: tuple[float | None, ...]
    prorate: str = "calendar"  # how the targets were spread over the days (kpi_engine.pacing.METHODS)


@dataclass(frozen=True)
class Freshness:
    """How fresh the data is: the last day with leads or spend, the last upload, the last change."""

    leads_latest: dt.date | None
    spend_latest: dt.date | None
    last_upload_at: dt.datetime | None
    last_upload_file: str | None
    last_upload_table: str | None
    changed_at: dt.datetime | None

    @property
    def data_as_of(self) -> dt.date | None:
        days = [d for d in (self.leads_latest, self.spend_latest) if d is not None]
        return max(days) if days else None

    def days_behind(self, yesterday: dt.date) -> int | None:
        """Days between the last day with data and yesterday (0 = fresh; None without data)."""
        last = self.data_as_of
        return None if last is None else max(0, (yesterday - last).days)


def _clean(value: object) -> float | None:
    if value is None:
        return None
    try:
        v = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return None if math.isnan(v) else v


def _stamp(value: object) -> dt.datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value
    try:
        return dt.datetime.fromisoformat(str(value))
    except ValueError:
        return None


def freshness(engine: Engine) -> Freshness:
    """Latest lead and spend day, the newest upload that was not undone, and when the data last changed."""
    leads, spend, u, meta = schema.leads, schema.spend, schema.uploads, schema.schema_meta
    with engine.connect() as conn:
        lead_max = conn.execute(sa.select(sa.func.max(leads.c.created_at))).scalar()
        spend_max = conn.execute(sa.select(sa.func.max(spend.c.date))).scalar()
        upload = conn.execute(
            sa.select(u.c.uploaded_at, u.c.file_name, u.c.table_name).where(u.c.undone_at.is_(None))
            .order_by(u.c.uploaded_at.desc(), u.c.upload_id.desc()).limit(1)).first()
        changed = conn.execute(sa.select(meta.c.value).where(meta.c.key == "data_changed_at")).scalar()
    return Freshness(
        leads_latest=periods.to_date(lead_max) if lead_max is not None else None,
        spend_latest=periods.to_date(spend_max) if spend_max is not None else None,
        last_upload_at=_stamp(upload[0]) if upload else None,
        last_upload_file=str(upload[1]) if upload else None,
        last_upload_table=str(upload[2]) if upload else None,
        changed_at=_stamp(changed),
    )


def _row(frame: pd.DataFrame) -> dict[str, float | None]:
    if frame.empty:
        return dict.fromkeys(METRICS)
    first = frame.iloc[0]
    return {m: _clean(first[m]) for m in METRICS}


def prorating(engine: Engine, w: Windows, settings: Settings | None = None) -> dict[str, pacing.Spread]:
    """Per board metric, how its targets are spread (:func:`kpi_engine.prorating.for_day` of yesterday: the team
    KPI of the metric in the active team plan, else the plan, else the setting); seasonal carries last year's
    team shape over the months the windows touch (calendar days where last year is empty)."""
    out = prorating_.for_day(engine, w.yesterday, METRICS, settings=settings)
    seasonal = [m for m, sp in out.items() if sp.method == "seasonal"]
    if seasonal:
        span = (periods.period_start(min(w.week[0], w.month[0]), "month"), w.month_period[1])
        shapes = pacing.last_year_shapes(engine, seasonal, span, settings=settings)
        for m in seasonal:
            shape = shapes.get(("", m))
            out[m] = pacing.Spread("seasonal", shape=shape) if shape else pacing.Spread()
    return out


def _targets(engine: Engine, start: dt.date, end: dt.date, spreads: Spreads) -> dict[str, float]:
    rows = targets.monthly_targets(engine, start=start, end=end, scope_type=targets.TEAM, metrics=list(METRICS))
    rows = rows[rows["scope_id"] == ""]  # team targets carry no scope id
    out: dict[str, float] = {}
    for metric, group in rows.groupby("metric_id", sort=True):
        spread = spreads.get(str(metric), pacing.Spread())
        value = targets.prorate(group, start, end, additive=registry.get(str(metric)).cumulative, **spread.kwargs())
        if value is not None:
            out[str(metric)] = value
    return out


def _pace(metric: str, mtd: float | None, target: float | None, w: Windows, as_of: dt.date,
          settings: Settings | None, spread: pacing.Spread) -> tuple[str | None, float | None, float | None, float | None]:
    """(status, projected, achievement, expected to date) of month to date at ``as_of``."""
    if mtd is None or as_of < w.month[0]:
        return None, None, None, None
    if metric == BUDGET_METRIC:
        if target is None:
            return None, None, None, None
        b = pacing.budget_pace(mtd, target, w.month_period, as_of, settings=settings, **spread.kwargs())
        return b.status, b.projected, b.ratio, b.planned_to_date
    m = registry.get(metric)
    p = pacing.pace(mtd, target, w.month_period, as_of, direction=m.direction, additive=m.additive,
                    settings=settings, **spread.kwargs())
    return p.status, p.projected, p.achievement, p.expected_to_date


def cards(engine: Engine, w: Windows, fresh: Freshness, settings: Settings | None = None,
          spreads: Spreads | None = None) -> tuple[Card, ...]:
    """The board's cards, one per metric of :data:`METRICS` (values None without data); ``spreads``: how each
    metric's targets are spread over the days (default :func:`prorating`)."""
    spreads = prorating(engine, w, settings) if spreads is None else spreads
    last = fresh.data_as_of
    y = w.yesterday
    ids = list(METRICS)

    def measured(start: dt.date) -> bool:  # a window that starts after the data ends has no value
        return last is not None and start <= last

    daily = compute(engine, ids, grain="day", start=w.last_week, end=y, settings=settings) if last else None
    by_day: dict[dt.date, dict[str, float | None]] = {}
    if daily is not None:
        for rec in daily.to_dict("records"):
            by_day[rec["period_start"]] = {m: _clean(rec[m]) for m in ids}

    def day(d: dt.date) -> dict[str, float | None]:
        return by_day.get(d, dict.fromkeys(ids)) if measured(d) else dict.fromkeys(ids)

    none = dict.fromkeys(ids)
    wtd = _row(compute(engine, ids, start=w.week[0], end=y, settings=settings)) if measured(w.week[0]) else none
    mtd = _row(compute(engine, ids, start=w.month[0], end=y, settings=settings)) if measured(w.month[0]) else none
    prev_mtd = none
    if w.day_before >= w.month[0] and measured(w.month[0]):
        prev_mtd = _row(compute(engine, ids, start=w.month[0], end=w.day_before, settings=settings))
    trend: dict[str, list[float | None]] = {m: [None] * len(w.trend_weeks) for m in ids}
    if last is not None:
        weekly = compute(engine, ids, grain="week", start=w.trend_weeks[0], end=w.trend_weeks[-1] + 6 * DAY,
                         settings=settings)
        index = {d: i for i, d in enumerate(w.trend_weeks)}
        for rec in weekly.to_dict("records"):
            i = index.get(rec["period_start"])
            if i is not None and measured(rec["period_start"]):
                for m in ids:
                    trend[m][i] = _clean(rec[m])

    t_day, t_week = _targets(engine, y, y, spreads), _targets(engine, *w.week, spreads)
    t_month = _targets(engine, *w.month_period, spreads)
    pace_as_of = min(y, last) if last else y
    out = []
    for metric in ids:
        decl = registry.get(metric)
        spread = spreads.get(metric, pacing.Spread())
        status, projected, achievement, expected = _pace(metric, mtd[metric], t_month.get(metric), w, pace_as_of,
                                                         settings, spread)
        prev_status = _pace(metric, prev_mtd[metric], t_month.get(metric), w, min(w.day_before, pace_as_of),
                            settings, spread)[0]
        out.append(Card(
            metric=metric, unit=decl.unit, direction=decl.direction,
            yesterday=day(y)[metric], yesterday_target=t_day.get(metric),
            wtd=wtd[metric], wtd_target=t_week.get(metric), mtd=mtd[metric], month_target=t_month.get(metric),
            expected_to_date=expected, projected=projected, achievement=achievement, status=status,
            prev_status=prev_status, day_before=day(w.day_before)[metric], last_week=day(w.last_week)[metric],
            trend=tuple(trend[metric]), prorate=spread.method,
        ))
    return tuple(out)


def workday_note(board: Sequence[Card], w: Windows, lang: str = "en") -> str | None:
    """The note to show beside the board when a card's targets follow Chinese working days in a year whose
    holidays are not known yet (:func:`kpi_engine.workdays.note`); None otherwise."""
    if not any(c.prorate == "working" for c in board):
        return None
    return workdays.note(min(w.week[0], w.month[0]), w.month_period[1], lang)
