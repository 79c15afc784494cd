"""Drill-down numbers for the Channels and Team & people pages: ranked overviews, trends against targets, costs.

Every number comes from :func:`kpi_engine.metrics.query.compute` (SQL in the database) or from a small
dimension query; pandas only joins and ranks the aggregated rows (one per channel, campaign or person).

Ranges. Pages pass the selected period clipped to the as-of date (:func:`clip_range`): an actual so far
is compared with its monthly target pro-rated to the same days (``kpi_engine.targets``) the way the active team
plan on the range's last day says (:func:`kpi_engine.prorating.for_day`: calendar days, Chinese working days, last
year's shape or the plan's profile; the setting ``default_prorate`` without a plan).

Ranking. Achievement and gap rank on one KPI, :data:`RANK_METRIC` (leads): ``achievement = leads /
target`` and ``gap = leads − target`` (negative: behind). A gap in leads weighs a channel by its share of
the team's target, so the channel that costs the team most comes first. Rows without a target follow,
by leads. The ``trend`` column holds leads per 7 days for the last :data:`SPARK_WEEKS` weeks up to the
range end (rolling 7-day buckets, so the last point is a full week, not a half-finished ISO week).

Facts without the scope key (leads without a campaign or an owner) are kept under ``""`` so the rows add
up to the parent's total; pages label that row "(none)".
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from kpi_engine import clock, fmt, pacing, periods, prorating, schema, targets
from kpi_engine.metrics import registry
from kpi_engine.metrics.query import compute
from kpi_engine.settings import Settings

RANK_METRIC = "leads"
CHANNEL_METRICS: tuple[str, ...] = ("spend", "leads", "mqls", "sqls", "wins", "revenue", "mql_to_sql", "cpl", "cac",
                                    "roi")
PERSON_METRICS: tuple[str, ...] = ("leads", "mqls", "sqls", "wins", "revenue", "response_sla", "spend")
# KPI cards of a channel or campaign, in reading order.
CARD_METRICS: tuple[str, ...] = ("leads", "spend", "cpl", "mql_to_sql", "cac", "roi", "mqls", "sqls", "wins", "revenue")
COST_METRICS: tuple[str, ...] = ("spend", "cpl", "cac", "cpc", "cpm")
TREND_METRICS: tuple[str, ...] = ("leads", "mqls", "sqls", "wins", "revenue", "spend", "cpl", "cac")
TREND_GRAINS: tuple[str, ...] = ("week", "month")
TREND_PERIODS: dict[str, int] = {"week": 13, "month": 12}
SPARK_WEEKS = 12
NO_KEY = ""

Where = Mapping[str, str | Sequence[str]]


# --- ranges and small helpers -------------------------------------------------------------------------------


def clip_range(start: dt.date, end: dt.date, as_of: dt.date | None) -> tuple[dt.date, dt.date] | None:
    """The part of a period that is over by ``as_of`` (the meeting day): ``[start, min(end, as_of - 1 day)]``.

    Like the Standup, the as-of day itself is not counted (it has just begun), so a channel opened from a
    Standup alert shows the same numbers and pro-rated targets. A period that begins on the as-of day keeps
    that one day; None when the period starts after ``as_of``.
    """
    if as_of is None:
        return start, end
    if as_of < start:
        return None
    return start, min(end, max(start, clock.data_through(as_of)))


def achievement(actual: float | None, target: float | None, direction: str = "higher") -> float:
    """``actual / target`` when higher is better, ``target / actual`` when lower is better; NaN without a value.

    A lower-is-better actual of 0 against a positive target is achieved without limit (``inf``).
    """
    a = fmt.achievement_ratio(actual, target, direction)  # the one definition
    return math.nan if a is None else a


def _dimension(engine: Engine, table: sa.Table, columns: Sequence[str], *conditions: sa.ColumnElement[bool]) -> pd.DataFrame:
    """A small dimension table (channels, campaigns, people) as a DataFrame, ids as text."""
    query = sa.select(*(table.c[c] for c in columns)).where(*conditions)
    with engine.connect() as conn:
        frame = pd.DataFrame(conn.execute(query).all(), columns=list(columns))
    return frame.astype({columns[0]: str})


def person_names(engine: Engine) -> dict[str, str]:
    """person_id -> name."""
    frame = _dimension(engine, schema.people, ["person_id", "name"])
    return dict(zip(frame["person_id"], frame["name"].astype(str), strict=True))


def _fill_counts(frame: pd.DataFrame, metrics: Sequence[str]) -> pd.DataFrame:
    """Zero for additive metrics of rows that had no facts (0 leads were counted); ratios stay NaN."""
    for m in metrics:
        if m in frame and registry.get(m).empty_is_zero:
            frame[m] = frame[m].fillna(0)
            if m in ("leads", "mqls", "sqls", "wins"):
                frame[m] = frame[m].astype("int64")
    return frame


def _rank(frame: pd.DataFrame) -> pd.DataFrame:
    """Add achievement and gap on :data:`RANK_METRIC`; biggest shortfall first, rows without a target last."""
    frame["achievement"] = [achievement(a, t) for a, t in zip(frame[RANK_METRIC], frame["target"], strict=True)]
    frame["gap"] = frame[RANK_METRIC] - frame["target"]
    has_target = frame["gap"].notna()
    ranked = frame[has_target].sort_values(["gap", RANK_METRIC], ascending=[True, False], kind="stable")
    rest = frame[~has_target].sort_values(RANK_METRIC, ascending=False, kind="stable")
    return pd.concat([ranked, rest], ignore_index=True)


def spark_buckets(end: dt.date, weeks: int = SPARK_WEEKS) -> list[tuple[dt.date, dt.date]]:
    """``weeks`` consecutive 7-day ranges, oldest first, the last one ending on ``end``."""
    return [(end - dt.timedelta(days=7 * k + 6), end - dt.timedelta(days=7 * k)) for k in reversed(range(weeks))]


def sparklines(engine: Engine, scope: str, end: dt.date, *, where: Where | None = None,
               metric: str = RANK_METRIC, weeks: int = SPARK_WEEKS) -> dict[str, list[float]]:
    """scope id -> ``metric`` per 7 days for the last ``weeks`` weeks up to ``end`` (additive metrics only)."""
    buckets = spark_buckets(end, weeks)
    daily = compute(engine, [metric], by=scope, grain="day", start=buckets[0][0], end=end, where=where)
    key = daily.columns[0]
    index = (pd.to_datetime(daily["period_start"]) - pd.Timestamp(buckets[0][0])).dt.days // 7
    daily = daily.assign(bucket=index)
    table = daily.pivot_table(index=key, columns="bucket", values=metric, aggfunc="sum", fill_value=0)
    table = table.reindex(columns=range(weeks), fill_value=0)
    return {str(k): [float(v) for v in row] for k, row in zip(table.index, table.to_numpy(), strict=True)}


def _targets(engine: Engine, metrics: Sequence[str], start: dt.date, end: dt.date, scope_type: str) -> pd.DataFrame:
    """Pro-rated targets as one column per metric, indexed by scope id."""
    table = targets.targets_for(engine, list(metrics), start=start, end=end, scope_type=scope_type,
                                spreads=prorating.for_day(engine, end, metrics))
    if table.empty:
        return pd.DataFrame(columns=list(metrics))
    return table.pivot(index="scope_id", columns="metric_id", values="target").reindex(columns=list(metrics))


def _overview(engine: Engine, scope: str, metrics: Sequence[str], dims: pd.DataFrame, start: dt.date, end: dt.date,
              *, where: Where | None = None, keep: pd.Series | None = None,
              settings: Settings | None = None) -> pd.DataFrame:
    """KPIs per scope id, ranked by gap to target.

    Rows: the ``dims`` rows that ``keep`` selects (all by default), every ``dims`` row with facts in the
    range, and scope ids with facts but no dimension row (``""``: facts without the key).
    """
    key = dims.columns[0]
    values = compute(engine, list(metrics), by=scope, start=start, end=end, where=where, settings=settings)
    with_facts = set(values[key])
    chosen = dims[key].isin(with_facts) if keep is None else (keep | dims[key].isin(with_facts))
    orphans = pd.DataFrame({key: sorted(with_facts - set(dims[key]))})
    shown = dims[chosen] if keep is not None else dims
    frame = pd.concat([shown, orphans], ignore_index=True) if len(orphans) else shown.reset_index(drop=True)
    frame = _fill_counts(frame.merge(values, how="left", on=key), metrics)
    goal = _targets(engine, [RANK_METRIC], start, end, scope)
    frame["target"] = frame[key].map(goal[RANK_METRIC]).astype("float64") if len(goal) else math.nan
    spark = sparklines(engine, scope, end, where=where)
    empty = [0.0] * SPARK_WEEKS
    frame["trend"] = [spark.get(k, empty) for k in frame[key]]
    return _rank(frame)


# --- overviews --------------------------------------------------------------------------------------------


def channel_overview(engine: Engine, start: dt.date, end: dt.date, *, owner: str | None = None,
                     settings: Settings | None = None) -> pd.DataFrame:
    """Every channel (or those ``owner`` owns) with :data:`CHANNEL_METRICS` over ``[start, end]``, ranked by gap.

    Columns: channel_id, name, kind, owner_id, owner_name, the metrics, target (leads), achievement, gap, trend.
    """
    cond = [schema.channels.c.owner_id == owner] if owner else []
    dims = _dimension(engine, schema.channels, ["channel_id", "name", "kind", "owner_id"], *cond)
    names = person_names(engine)
    dims["owner_name"] = dims["owner_id"].map(lambda p: names.get(p, p) if isinstance(p, str) else None)
    if owner:
        if dims.empty:
            return _empty(dims, CHANNEL_METRICS)
        where: Where | None = {"channel": list(dims["channel_id"])}
        return _overview(engine, "channel", CHANNEL_METRICS, dims, start, end, where=where, settings=settings)
    return _overview(engine, "channel", CHANNEL_METRICS, dims, start, end, settings=settings)


def _empty(dims: pd.DataFrame, metrics: Sequence[str]) -> pd.DataFrame:
    extra = [*metrics, "target", "achievement", "gap", "trend"]
    return pd.DataFrame(columns=[*dims.columns, *extra])


def campaign_overview(engine: Engine, start: dt.date, end: dt.date, *, channel: str | None = None,
                      owner: str | None = None, settings: Settings | None = None) -> pd.DataFrame:
    """The campaigns of ``channel`` (or owned by ``owner``) that ran or had facts in ``[start, end]``, ranked by gap.

    A channel's leads and spend without a campaign form the row ``""``. Columns: campaign_id, name,
    channel_id, owner_id, kind, start_date, end_date, budget, :data:`CHANNEL_METRICS`, target, achievement,
    gap, trend.
    """
    if not channel and not owner:
        raise ValueError("campaign_overview needs a channel or an owner")
    c = schema.campaigns
    cond = c.c.channel_id == channel if channel else c.c.owner_id == owner
    cols = ["campaign_id", "name", "channel_id", "owner_id", "kind", "start_date", "end_date", "budget"]
    dims = _dimension(engine, c, cols, cond)
    if owner and dims.empty:
        return _empty(dims, CHANNEL_METRICS)
    where: Where = {"channel": channel} if channel else {"campaign": list(dims["campaign_id"])}
    began = pd.to_datetime(dims["start_date"]).dt.date
    ended = pd.to_datetime(dims["end_date"]).dt.date
    ran = pd.Series([(pd.isna(b) or b <= end) and (pd.isna(e) or e >= start) for b, e in zip(began, ended, strict=True)],
                    index=dims.index, dtype=bool)
    frame = _overview(engine, "campaign", CHANNEL_METRICS, dims, start, end, where=where, keep=ran, settings=settings)
    if channel:
        frame.loc[frame["campaign_id"] == NO_KEY, "channel_id"] = channel
    return frame


def person_overview(engine: Engine, start: dt.date, end: dt.date, *, settings: Settings | None = None) -> pd.DataFrame:
    """Every active person (and anyone with facts) with :data:`PERSON_METRICS`, ranked by gap.

    A person's leads are the leads they own; their spend is the spend of the campaigns they own.

    Also ``targets_met`` / ``targets_total``: how many of the person's targets (any metric) are achieved.
    """
    dims = _dimension(engine, schema.people, ["person_id", "name", "role", "team", "active"])
    active = dims["active"].map(lambda a: a is None or pd.isna(a) or bool(a)).astype(bool)
    frame = _overview(engine, "person", PERSON_METRICS, dims, start, end, keep=active, settings=settings)
    cards = scorecards(engine, "person", start, end, settings=settings)
    met = cards.assign(met=cards["achievement"] >= 1).groupby("scope_id")["met"].agg(["sum", "count"])
    frame["targets_met"] = frame["person_id"].map(met["sum"]).fillna(0).astype("int64")
    frame["targets_total"] = frame["person_id"].map(met["count"]).fillna(0).astype("int64")
    return frame


# --- scorecards: every target of a scope against its actual --------------------------------------------------


def scorecards(engine: Engine, scope_type: str, start: dt.date, end: dt.date, *, scope_id: str | None = None,
               settings: Settings | None = None) -> pd.DataFrame:
    """Each (scope, metric) with a target over ``[start, end]``: actual, target, achievement (direction-aware), gap.

    ``scope_type`` "team" (scope_id ""), "channel", "person" or "campaign"; ``scope_id`` keeps one scope.
    Columns: scope_id, metric_id, actual, target, achievement, gap, direction, unit.
    """
    table = targets.targets_for(engine, registry.metric_ids(), start=start, end=end, scope_type=scope_type,
                                spreads=prorating.for_day(engine, end, registry.metric_ids(), settings=settings),
                                settings=settings)
    if scope_id is not None:
        table = table[table["scope_id"] == scope_id]
    cols = ["scope_id", "metric_id", "actual", "target", "achievement", "gap", "direction", "unit"]
    if table.empty:
        return pd.DataFrame(columns=cols)
    metrics = list(dict.fromkeys(table["metric_id"]))
    ids = list(dict.fromkeys(table["scope_id"]))
    if scope_type == "team":
        values = compute(engine, metrics, start=start, end=end, settings=settings).assign(scope_id="")
    else:
        values = compute(engine, metrics, by=scope_type, start=start, end=end, where={scope_type: ids},
                         settings=settings).rename(columns={f"{scope_type}_id": "scope_id"})
    long = values.melt(id_vars=["scope_id"], value_vars=metrics, var_name="metric_id", value_name="actual")
    out = table.merge(long, how="left", on=["scope_id", "metric_id"])
    out["actual"] = out["actual"].astype("float64")
    for i, row in out.iterrows():  # one row per target: a handful
        if pd.isna(row["actual"]) and registry.get(row["metric_id"]).empty_is_zero:
            out.at[i, "actual"] = 0.0
    out["direction"] = [registry.get(m).direction for m in out["metric_id"]]
    out["unit"] = [registry.get(m).unit for m in out["metric_id"]]
    out["achievement"] = [achievement(a, t, d) for a, t, d in zip(out["actual"], out["target"], out["direction"],
                                                                  strict=True)]
    out["gap"] = out["actual"] - out["target"]
    return out[cols].reset_index(drop=True)


# --- trends and costs --------------------------------------------------------------------------------------


def trend_window(end: dt.date, grain: str, count: int | None = None) -> tuple[dt.date, dt.date]:
    """The first day of the ``count`` ``grain`` periods ending with the one that holds ``end``, and ``end``."""
    if grain not in TREND_GRAINS:
        raise ValueError(f"trend grain must be one of {', '.join(TREND_GRAINS)}, not {grain!r}")
    first = periods.period_start(end, grain)
    for _ in range((count or TREND_PERIODS[grain]) - 1):
        first = periods.previous_period_start(first, grain)
    return first, end


def target_series(engine: Engine, metric: str, scope_type: str, scope_id: str,
                  spans: Sequence[tuple[dt.date, dt.date]]) -> list[float]:
    """The target of ``metric`` for the scope pro-rated to each ``(start, end)`` span; NaN where none is set.

    Spread by the active team plan on the last span's end (the scope's own KPI first, :mod:`kpi_engine.prorating`).
    """
    if not spans:
        return []
    monthly = targets.monthly_targets(engine, start=spans[0][0], end=spans[-1][1], scope_type=scope_type,
                                      metrics=[metric])
    monthly = monthly[monthly["scope_id"] == scope_id]
    additive = registry.get(metric).cumulative
    scope = scope_type if not scope_id else f"{scope_type}:{scope_id}"
    spread = prorating.for_day(engine, spans[-1][1], [metric], scope=scope)[metric]
    if spread.method == "seasonal" and len(monthly):
        months = (periods.to_date(monthly["period_start"].min()),
                  periods.period_end(periods.to_date(monthly["period_start"].max()), "month"))
        shapes = pacing.last_year_shapes(engine, [metric], months, by=scope_type if scope_id else None)
        spread = pacing.Spread("seasonal", shape=shapes.get((scope_id, metric)) or None)
    out = []
    for s, e in spans:  # one per period on the chart
        value = targets.prorate(monthly, s, e, additive=additive, **spread.kwargs()) if len(monthly) else None
        out.append(math.nan if value is None else float(value))
    return out


def trend(engine: Engine, metric: str, *, grain: str, end: dt.date, where: Where | None = None,
          target_scope: tuple[str, str] | None = None, count: int | None = None,
          settings: Settings | None = None) -> pd.DataFrame:
    """``metric`` per ``grain`` period for the last ``count`` periods up to ``end``, with the scope's target.

    The last period is cut at ``end`` (``partial``) and its target pro-rated to the same days.
    Columns: period_start, period_end, actual, target, partial.
    """
    first, last = trend_window(end, grain, count)
    values = compute(engine, [metric], grain=grain, start=first, end=last, where=where, settings=settings)
    starts = periods.period_starts(first, last, grain)
    frame = pd.DataFrame({"period_start": starts})
    frame["period_end"] = [min(periods.period_end(s, grain), last) for s in starts]
    frame["partial"] = [periods.period_end(s, grain) > last for s in starts]
    frame["actual"] = frame["period_start"].map(dict(zip(values["period_start"], values[metric], strict=True)))
    frame["actual"] = frame["actual"].astype("float64")
    spans = list(zip(frame["period_start"], frame["period_end"], strict=True))
    frame["target"] = target_series(engine, metric, *target_scope, spans) if target_scope else math.nan
    frame["target"] = frame["target"].astype("float64")
    return frame[["period_start", "period_end", "actual", "target", "partial"]]


def costs(engine: Engine, *, grain: str, end: dt.date, where: Where | None = None, count: int | None = None,
          settings: Settings | None = None) -> pd.DataFrame:
    """Spend, CPL, CAC, CPC and CPM per ``grain`` period for the last ``count`` periods up to ``end``.

    Columns: period_start, spend, cpl, cac, cpc, cpm, leads, wins, clicks, impressions.
    """
    first, last = trend_window(end, grain, count)
    metrics = [*COST_METRICS, "leads", "wins", "clicks", "impressions"]
    return compute(engine, metrics, grain=grain, start=first, end=last, where=where, settings=settings)


def scope_kpis(engine: Engine, scope_type: str, scope_id: str, start: dt.date, end: dt.date, metrics: Sequence[str],
               *, where: Where | None = None, settings: Settings | None = None) -> pd.DataFrame:
    """``metrics``, then every other metric the scope has a target for, over ``[start, end]`` for one scope.

    ``scope_type`` "team" (the whole department; ``scope_id`` ignored), "channel", "campaign" or "person";
    ``where`` narrows the facts further (default ``{scope_type: scope_id}``), e.g. a channel's leads
    without a campaign: ``scope_type="campaign", scope_id="", where={"channel": "x", "campaign": ""}``.
    Columns: metric_id, actual, target, achievement, gap, direction, unit (NaN target: none set).
    """
    sid = "" if scope_type == "team" else scope_id
    cards = scorecards(engine, scope_type, start, end, scope_id=sid, settings=settings).set_index("metric_id")
    ids = list(dict.fromkeys([*metrics, *cards.index]))
    cols = ["metric_id", "actual", "target", "achievement", "gap", "direction", "unit"]
    if not ids:
        return pd.DataFrame(columns=cols)
    if where is None and scope_type != "team":
        where = {scope_type: scope_id}
    values = compute(engine, ids, start=start, end=end, where=where, settings=settings)
    out = pd.DataFrame({"metric_id": ids})
    out["actual"] = [float(values[m].iloc[0]) if len(values) else math.nan for m in ids]
    out["target"] = [float(cards.at[m, "target"]) if m in cards.index else math.nan for m in ids]
    out["direction"] = [registry.get(m).direction for m in ids]
    out["unit"] = [registry.get(m).unit for m in ids]
    out["achievement"] = [achievement(a, t, d) for a, t, d in zip(out["actual"], out["target"], out["direction"],
                                                                  strict=True)]
    out["gap"] = out["actual"] - out["target"]
    return out[cols]
