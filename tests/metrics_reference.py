"""An independent computation of the customer, order, NPS, cycle and manual metrics, in pandas over raw tables.

Written from SPEC section 4 and the registry's descriptions, not from the compiler: scope keys by
dictionaries, periods by pandas, windows by filtering the raw rows for each key row.
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from kpi_engine import periods, schema

KEY = {"channel": "channel_id", "person": "person_id", "team": "team", "campaign": "campaign_id"}
CUSTOMER_METRICS = ["customers_at_start", "customers_at_end", "retention", "ltv", "ltv_cac", "nps",
                    "marketing_sourced_share", "cycle_days"]
MARGIN, CAP = 0.6, 60.0


def read(engine: Engine) -> dict[str, pd.DataFrame]:
    out = {}
    with engine.connect() as conn:
        for name in ("leads", "spend", "people", "campaigns", "customers", "orders", "survey_responses", "metric_values"):
            result = conn.execute(sa.select(schema.UPLOAD_TABLES[name]))
            out[name] = pd.DataFrame(result.all(), columns=list(result.keys()))
    return out


def _clean(values: pd.Series) -> pd.Series:
    return values.where(values.notna(), "").astype(str).replace("None", "")


def _scoped(raw: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Each fact with columns channel, campaign, person, team (the scope keys, "" for none)."""
    leads, people, campaigns = raw["leads"], raw["people"], raw["campaigns"]
    team_of = {p: (t if isinstance(t, str) else "") for p, t in zip(people["person_id"], people["team"], strict=True)}
    lead = leads.set_index("lead_id")
    owner_of = {c: (o if isinstance(o, str) else "") for c, o in zip(campaigns["campaign_id"], campaigns["owner_id"],
                                                                     strict=True)}

    def lead_col(ids: pd.Series, column: str) -> pd.Series:
        return ids.map(lambda i: lead[column].get(i) if isinstance(i, str) and i in lead.index else None)

    cust = raw["customers"].copy()
    cust["channel"] = _clean(cust["channel_id"].where(cust["channel_id"].notna(), lead_col(cust["lead_id"], "channel_id")))
    cust["campaign"] = _clean(lead_col(cust["lead_id"], "campaign_id"))
    cust["person"] = _clean(lead_col(cust["lead_id"], "owner_id"))
    cust["team"] = cust["person"].map(lambda p: team_of.get(p, ""))
    by_id = cust.set_index("customer_id")

    def via_customer(frame: pd.DataFrame) -> pd.DataFrame:
        f = frame.copy()
        for scope in ("channel", "campaign", "person", "team"):
            f[scope] = f["customer_id"].map(lambda c, s=scope: by_id[s].get(c, "") if isinstance(c, str) else "")
        return f

    orders = via_customer(raw["orders"])
    orders["sourced"] = orders["customer_id"].map(
        lambda c: isinstance(by_id["lead_id"].get(c), str) and by_id["lead_id"].get(c) != "")
    surveys = via_customer(raw["survey_responses"])
    surveys["channel"] = _clean(raw["survey_responses"]["channel_id"]).where(
        raw["survey_responses"]["channel_id"].notna(), surveys["channel"])
    wins = leads[leads["won_at"].notna()].copy()
    wins["channel"], wins["campaign"], wins["person"] = _clean(wins["channel_id"]), _clean(wins["campaign_id"]), \
        _clean(wins["owner_id"])
    wins["team"] = wins["person"].map(lambda p: team_of.get(p, ""))
    wins["days"] = (pd.to_datetime(wins["won_at"]) - pd.to_datetime(wins["created_at"])).dt.total_seconds() / 86400
    spend = raw["spend"].copy()
    spend["channel"], spend["campaign"] = spend["channel_id"], spend["campaign_id"]
    spend["person"] = spend["campaign_id"].map(lambda c: owner_of.get(c, ""))
    spend["team"] = spend["person"].map(lambda p: team_of.get(p, ""))
    return {"customers": cust, "orders": orders, "surveys": surveys, "wins": wins, "spend": spend}


def _day(values: pd.Series) -> pd.Series:
    return pd.to_datetime(values).dt.date


def _events(f: dict[str, pd.DataFrame]) -> list[tuple[pd.DataFrame, str]]:
    """(frame, event column) of every fact/event the customer metrics read (for key rows and bounds)."""
    return [(f["customers"], "acquired_at"), (f["customers"], "churned_at"), (f["orders"], "order_date"),
            (f["surveys"], "date"), (f["wins"], "won_at"), (f["spend"], "date")]


def _arrays(frame: pd.DataFrame, by: str | None) -> dict[str, np.ndarray]:
    """Numpy columns of a scoped fact: its scope key, timestamps as datetime64, numbers as float."""
    out: dict[str, np.ndarray] = {"key": (frame[by] if by else pd.Series([""] * len(frame))).to_numpy(dtype=object)}
    for column in frame.columns:
        if column in ("acquired_at", "churned_at", "order_date", "date", "won_at"):
            out[column] = pd.to_datetime(frame[column]).to_numpy(dtype="datetime64[ns]")
        elif column in ("amount", "score", "days", "cost"):
            out[column] = frame[column].to_numpy(dtype=float)
        elif column == "sourced":
            out[column] = frame[column].to_numpy(dtype=bool)
    return out


def customer_reference(raw: dict[str, pd.DataFrame], by: str | None, grain: str | None,
                       start: dt.date | None = None, end: dt.date | None = None) -> pd.DataFrame:
    """CUSTOMER_METRICS per (scope key, period start) as ``compute`` returns them (non-dense by scope)."""
    f = _scoped(raw)
    keys: set[tuple] = set()
    last_day: dt.date | None = None
    for frame, event in _events(f):
        day = _day(frame[event].dropna()).tolist()
        scope_of = frame.loc[frame[event].notna(), by].tolist() if by else [""] * len(day)
        for d, k in zip(day, scope_of, strict=True):
            if (start and d < start) or (end and d > end):
                continue
            last_day = max(last_day, d) if last_day else d
            keys.add((k, periods.period_start(d, grain) if grain else None))
    if not grain and end is None:
        end = last_day
    if not grain:
        if by:  # the windows' own rows: customers acquired before the end
            e = (end + dt.timedelta(days=1)) if end else None
            acquired = f["customers"][pd.to_datetime(f["customers"]["acquired_at"]) < pd.Timestamp(e)] if e else f["customers"]
            keys |= {(k, None) for k in acquired[by]}
        else:
            keys = {("", None)}
    arrays = {name: _arrays(frame, by) for name, frame in f.items()}
    cust, orders, surveys, wins, spend = (arrays[n] for n in ("customers", "orders", "surveys", "wins", "spend"))
    rows = []
    for k, p in sorted(keys, key=lambda x: (x[0], x[1] or dt.date.min)):
        if grain:
            lo = max(p, start) if start else p
            hi_excl = periods.next_period_start(p, grain)
            if end:
                hi_excl = min(hi_excl, end + dt.timedelta(days=1))
        else:
            lo, hi_excl = start, (end + dt.timedelta(days=1) if end else None)

        def count(a: dict, column: str, lo: dt.date | None = lo, hi: dt.date | None = hi_excl, k: str = k) -> np.ndarray:
            """Mask of rows of scope ``k`` whose ``column`` is in [lo, hi) (midnights)."""
            ts = a[column]
            ok = (a["key"] == k) & ~np.isnat(ts)
            if lo is not None:
                ok &= ts >= np.datetime64(lo)
            if hi is not None:
                ok &= ts < np.datetime64(hi)
            return ok

        def active(point: dt.date | None) -> int:
            """Customers acquired before ``point`` and not churned before it."""
            if point is None:
                return 0
            return int(count(cust, "acquired_at", None, point).sum() - count(cust, "churned_at", None, point).sum())

        at_start, at_end = active(lo), active(hi_excl)
        new = int(count(cust, "acquired_at").sum())
        retention = (at_end - new) / at_start if at_start else np.nan
        # LTV over the 12 months before the period end
        w_lo = periods.shift_months(hi_excl, -12)
        rev12 = float(orders["amount"][count(orders, "order_date", w_lo, hi_excl)].sum())
        churn12 = int(count(cust, "churned_at", w_lo, hi_excl).sum())
        avg = (active(w_lo) + at_end) / 2
        lifetime = min(12 * avg / churn12, CAP) if churn12 else CAP
        ltv = MARGIN * rev12 / (12 * avg) * lifetime if avg else np.nan
        n_wins = int(count(wins, "won_at").sum())
        cost = float(spend["cost"][count(spend, "date")].sum())
        cac = cost / n_wins if n_wins else np.nan
        ltv_cac = ltv / cac if cac and not math.isnan(cac) else np.nan
        scores = surveys["score"][count(surveys, "date")]
        nps = ((scores >= 9).sum() - (scores <= 6).sum()) / len(scores) * 100 if len(scores) else np.nan
        in_orders = count(orders, "order_date")
        revenue = float(orders["amount"][in_orders].sum())
        share = float(orders["amount"][in_orders & orders["sourced"]].sum()) / revenue if revenue else np.nan
        in_wins = count(wins, "won_at")
        cycle = float(wins["days"][in_wins].sum()) / in_wins.sum() if in_wins.any() else np.nan
        rows.append({"key": k, "period_start": p, "customers_at_start": at_start, "customers_at_end": at_end,
                     "retention": retention, "ltv": ltv, "ltv_cac": ltv_cac, "nps": nps,
                     "marketing_sourced_share": share, "cycle_days": cycle})
    return pd.DataFrame(rows, columns=["key", "period_start", *CUSTOMER_METRICS])


MANUAL_AGG = {"ugc_count": ("sum", True), "followers": ("last", True), "cross_dept_satisfaction": ("average", False)}


def manual_reference(raw: dict[str, pd.DataFrame], metric: str, scope_type: str, grain: str | None,
                     where_ids: list[str] | None = None) -> dict[tuple, float]:
    """{(scope id, period start or None): value} for monthly-only reports (``scope_type`` "" = the department).

    ``where_ids``: only these scope ids, combined into one department value.
    """
    agg, additive = MANUAL_AGG[metric]
    mv = raw["metric_values"]
    rows = mv[(mv["metric_id"] == metric) & (mv["grain"] == "month")]
    if scope_type:
        rows = rows[(rows["scope_type"] == scope_type) & (rows["scope_id"] != "")]
    else:
        rows = rows[(rows["scope_type"] == "team") & (rows["scope_id"] == "")]
    if where_ids is not None:
        rows = rows[rows["scope_id"].isin(where_ids)]
    if grain in ("day", "week"):
        return {}  # a month fits no day and no week
    rows = rows.assign(period=[periods.period_start(p, grain) if grain else None for p in rows["period_start"]])
    out: dict[tuple, float] = {}
    for (sid, period), group in rows.groupby(["scope_id", "period"], dropna=False, sort=True):
        group = group.sort_values("period_start")
        value = {"sum": group["value"].sum(), "average": group["value"].mean(), "last": group["value"].iloc[-1]}[agg]
        out[(sid, None if pd.isna(period) else period)] = float(value)
    if where_ids is not None:
        combined: dict[tuple, list[float]] = {}
        for (_sid, period), value in out.items():
            combined.setdefault(("", period), []).append(value)
        return {k: float(sum(v) if additive else sum(v) / len(v)) for k, v in combined.items()}
    return out
