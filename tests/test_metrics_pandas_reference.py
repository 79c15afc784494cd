"""Every metric against an independent pandas computation over the raw tables of a larger random dataset (written separately from the registry and the compiler)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from kpi_engine import schema
from kpi_engine.metrics.query import compute
from tests.test_metrics import ALL, KEY, D, same

# Written separately from the registry and the compiler: pandas over the raw tables.
_RATIO_DEFS = {
    "lead_to_mql": ("mqls", "leads", 1), "mql_to_sql": ("sqls", "mqls", 1), "lead_to_customer": ("wins", "leads", 1),
    "high_value_share": ("high_value_leads", "leads", 1), "cpl": ("spend", "leads", 1), "cost_per_mql": ("spend", "mqls", 1),
    "cac": ("spend", "wins", 1), "roas": ("revenue", "spend", 1), "expense_ratio": ("spend", "revenue", 1),
    "aov_new": ("revenue", "wins", 1), "ctr": ("clicks", "impressions", 1), "cpc": ("spend", "clicks", 1),
    "cpm": ("spend", "impressions", 1000), "response_hours": ("hours_total", "responded_leads", 1),
    "response_sla": ("leads_within_sla", "leads", 1),
}


_COSTS = ("cpl", "cost_per_mql", "cac", "cpc", "cpm")


_PANDAS_PERIOD = {"month": "M", "quarter": "Q", "year": "Y"}


_DENSE_FREQ = {"day": "D", "week": "W-MON", "month": "MS", "quarter": "QS", "year": "YS"}


def _read(engine: Engine, table: sa.Table) -> pd.DataFrame:
    with engine.connect() as conn:
        result = conn.execute(sa.select(table))
        return pd.DataFrame(result.all(), columns=list(result.keys()))


def _truncate(values: pd.Series, grain: str) -> pd.Series:
    ts = pd.to_datetime(values).dt.normalize()
    if grain == "day":
        out = ts
    elif grain == "week":
        out = ts - pd.to_timedelta(ts.dt.day_of_week, unit="D")
    else:
        out = ts.dt.to_period(_PANDAS_PERIOD[grain]).dt.start_time
    return out.dt.date


def read_raw(engine: Engine) -> dict[str, pd.DataFrame]:
    return {t.name: _read(engine, t) for t in (schema.leads, schema.spend, schema.people, schema.campaigns)}


def reference(raw: dict[str, pd.DataFrame], by: str | None, grain: str | None, start: dt.date | None = None,
              end: dt.date | None = None) -> pd.DataFrame:
    """Every metric of ALL, by pandas over the raw tables, indexed by (key, period_start) as available."""
    leads, spend = raw["leads"].copy(), raw["spend"].copy()
    people, campaigns = raw["people"], raw["campaigns"]
    team_of = dict(zip(people["person_id"], people["team"].fillna(""), strict=True))
    owner_of = dict(zip(campaigns["campaign_id"], campaigns["owner_id"].fillna(""), strict=True))
    leads["channel"] = leads["channel_id"].fillna("")
    leads["campaign"] = leads["campaign_id"].fillna("")
    leads["person"] = leads["owner_id"].fillna("")
    leads["team"] = leads["person"].map(lambda o: team_of.get(o, ""))
    spend["channel"], spend["campaign"] = spend["channel_id"], spend["campaign_id"]
    spend["person"] = spend["campaign_id"].map(lambda c: owner_of.get(c, ""))
    spend["team"] = spend["person"].map(lambda o: team_of.get(o, ""))
    hours = (pd.to_datetime(leads["first_response_at"]) - pd.to_datetime(leads["created_at"])).dt.total_seconds() / 3600
    leads["one"] = 1
    leads["hv"] = (leads["expected_value"] >= 5000).astype(int)
    leads["responded"] = leads["first_response_at"].notna().astype(int)
    leads["in_sla"] = (hours <= 2).astype(int)
    leads["hours"] = hours.fillna(0)
    parts = [  # (frame, event column, {metric: source column})
        (leads, "created_at", {"leads": "one", "high_value_leads": "hv", "responded_leads": "responded",
                               "leads_within_sla": "in_sla", "hours_total": "hours"}),
        (leads, "mql_at", {"mqls": "one"}), (leads, "sql_at", {"sqls": "one"}),
        (leads, "won_at", {"wins": "one", "revenue": "deal_value"}),
        (spend, "date", {"spend": "cost", "impressions": "impressions", "clicks": "clicks"}),
    ]
    keys = ([by] if by else []) + (["period_start"] if grain else [])
    sums = []
    lo = hi = None
    for frame, event, columns in parts:
        f = frame[frame[event].notna()].copy()
        day = pd.to_datetime(f[event]).dt.date
        if start:
            f, day = f[day >= start], day[day >= start]
        if end:
            f, day = f[day <= end], day[day <= end]
        if f.empty:
            continue
        lo = min(lo or day.min(), day.min())
        hi = max(hi or day.max(), day.max())
        if grain:
            f["period_start"] = _truncate(f[event], grain)
        f = f.assign(**{m: pd.to_numeric(f[c]).fillna(0) for m, c in columns.items()})
        sums.append(f.groupby(keys)[list(columns)].sum() if keys else f[list(columns)].sum().to_frame().T)
    if not keys:
        base = pd.concat(sums, axis=1) if sums else pd.DataFrame(index=[0])
    else:
        base = pd.concat(sums, axis=1) if sums else pd.DataFrame()
    if grain and not by and lo is not None:
        first = pd.Timestamp(start or lo)
        first = first - pd.Timedelta(days=first.weekday()) if grain == "week" else pd.Timestamp(
            _truncate(pd.Series([first]), grain).iloc[0])
        index = pd.date_range(first, pd.Timestamp(end or hi), freq=_DENSE_FREQ[grain]).date
        base = base.reindex(index)
    for name in ["leads", "mqls", "sqls", "wins", "revenue", "spend", "impressions", "clicks", "high_value_leads",
                 "responded_leads", "leads_within_sla", "hours_total"]:
        base[name] = base[name].fillna(0) if name in base else 0.0
    for name, (num, den, mult) in _RATIO_DEFS.items():
        top = base[num].where(base[num] != 0) if name in _COSTS else base[num]  # no spend: no cost per anything
        base[name] = (top / base[den].where(base[den] != 0)) * mult
    base["roi"] = (base["revenue"] - base["spend"]) / base["spend"].where(base["spend"] != 0)
    return base[ALL]


def _compare(frame: pd.DataFrame, ref: pd.DataFrame, by: str | None, grain: str | None, label: str) -> None:
    keys = ([KEY[by]] if by else []) + (["period_start"] if grain else [])
    got = frame.set_index(keys) if keys else frame
    assert len(got) == len(ref), f"{label}: {len(got)} rows, reference {len(ref)}"
    if keys:
        assert sorted(got.index.tolist()) == sorted(ref.index.tolist()), label
        got = got.loc[ref.index]
    bad = [(idx, m, a, e) for m in ALL for idx, a, e in zip(ref.index, got[m].tolist(), ref[m].tolist(), strict=True)
           if not same(a, None if pd.isna(e) else e)]
    assert not bad, f"{label}: (row, metric, got, reference) {bad[:5]}"


def test_matches_independent_pandas_computation(engine: Engine) -> None:
    from tests.metrics_fixture import load_random

    load_random(engine, seed=42)
    raw = read_raw(engine)
    for by in (None, "team", "channel", "person", "campaign"):
        for grain in (None, "day", "week", "month", "quarter", "year"):
            frame = compute(engine, ALL, by=by, grain=grain)
            _compare(frame, reference(raw, by, grain), by, grain, f"by={by} grain={grain}")
    # a range that starts mid-week and ends mid-month, across the year end
    for by in (None, "person"):
        for grain in (None, "week", "month"):
            frame = compute(engine, ALL, by=by, grain=grain, start=D(2025, 12, 10), end=D(2026, 1, 20))
            ref = reference(raw, by, grain, D(2025, 12, 10), D(2026, 1, 20))
            _compare(frame, ref, by, grain, f"range by={by} grain={grain}")
