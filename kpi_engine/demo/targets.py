"""The demo's monthly targets: SPEC's example team, person and channel targets, sized to the generated history.

Until KPI plans exist, these rows are what the Standup, Channels and Team pages compare against. The team's
1,000 leads a month is shared among channels as they shared the leads of the months before the last three;
people's lead targets are 5% above that baseline. So a channel that slides (the story's xiaohongshu) falls
visibly behind, and the new-media lead (400 leads a month, as in SPEC) is ahead.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pyarrow as pa

from kpi_engine import periods

UPLIFT = 1.05
TEAM_LEADS = 1000.0
HISTORY_EXCLUDES = 3  # recent months left out of the baseline (the story happens there)
# SPEC's fixed examples (per month, at scale 1 for counts).
TEAM_FIXED = {"response_sla": 0.85, "lead_to_customer": 0.08, "high_value_share": 0.30, "aov_new": 3000.0}
PERSON_FIXED = {("p02", "leads"): 400.0, ("p03", "leads"): 200.0, ("p04", "high_value_share"): 0.30,
                ("p04", "response_sla"): 0.85}


def _month_starts(start: dt.date, end: dt.date) -> list[dt.date]:
    out, day = [], periods.period_start(start, "month")
    while day <= end:
        out.append(day)
        day = periods.next_period_start(day, "month")
    return out


def _baseline(frame: pd.DataFrame, key: str, value: str, months: list[dt.date]) -> pd.Series:
    """Mean monthly total of ``value`` per ``key`` over the baseline months (zeros count)."""
    base = months[1:-HISTORY_EXCLUDES] or months  # the first month may be partial
    frame = frame[frame["month"].isin(base)]
    totals = frame.groupby([key, "month"])[value].sum().unstack(fill_value=0.0).reindex(columns=base, fill_value=0.0)
    return totals.mean(axis=1)


def build_targets(tables: dict[str, pa.Table], start: dt.date, end: dt.date, scale: float) -> list[dict[str, object]]:
    """Target rows (metric_id, scope_type, scope_id, period_start, base, challenge, floor, source) for every month."""
    months = _month_starts(start, end)
    leads = tables["leads"].select(["created_at", "channel_id", "owner_id", "mql_at", "sql_at", "won_at"]).to_pandas()
    leads["month"] = leads["created_at"].dt.to_period("M").dt.start_time.dt.date
    leads["n"] = 1.0
    spend = tables["spend"].select(["date", "channel_id", "cost"]).to_pandas()
    spend["month"] = pd.to_datetime(spend["date"]).dt.to_period("M").dt.start_time.dt.date

    # SPEC: the team's target is 1,000 leads a month; channels share it as they shared the baseline months.
    team_leads = round(TEAM_LEADS * scale, -1)
    channel_base = _baseline(leads, "channel_id", "n", months)
    channel_leads = (channel_base * team_leads / channel_base.sum()).round()
    channel_spend = _baseline(spend, "channel_id", "cost", months).round(-2)
    person_leads = (_baseline(leads.dropna(subset=["owner_id"]), "owner_id", "n", months) * UPLIFT).round()
    team_spend = float(round(channel_spend.sum(), -3))
    mql_rate = float(leads["mql_at"].notna().mean() or 0.0)
    sql_rate = float(leads["sql_at"].notna().sum() / max(leads["mql_at"].notna().sum(), 1))

    mqls = round(team_leads * mql_rate * UPLIFT)
    team: dict[str, float | None] = {"leads": team_leads, "mqls": mqls, "spend": team_spend,
            "cpl": round(team_spend / team_leads, 1) if team_leads else None,
            "lead_to_mql": round(mql_rate * UPLIFT, 3), "mql_to_sql": round(sql_rate, 3), **TEAM_FIXED}
    team["sqls"] = round(mqls * sql_rate)
    team["wins"] = round(team_leads * TEAM_FIXED["lead_to_customer"])

    rows: list[tuple[str, str, str, float]] = [(m, "team", "", v) for m, v in team.items() if v]
    for channel, n in channel_leads.items():
        rows.append(("leads", "channel", str(channel), float(n)))
        cost = float(channel_spend.get(channel, 0.0))
        if cost > 0 and n > 0:
            rows.append(("spend", "channel", str(channel), cost))
            rows.append(("cpl", "channel", str(channel), round(cost / float(n), 1)))
    fixed_people = {p for p, _ in PERSON_FIXED}
    for person, n in person_leads.items():
        if person not in fixed_people and n > 0:
            rows.append(("leads", "person", str(person), float(n)))
    for (person, metric), value in PERSON_FIXED.items():
        rows.append((metric, "person", person, value * scale if metric == "leads" else value))

    out: list[dict[str, object]] = []
    for month in months:
        for metric, scope_type, scope_id, base in rows:
            challenge = None if metric in ("cpl", "spend") else round(base * 1.2, 3)
            out.append({"metric_id": metric, "scope_type": scope_type, "scope_id": scope_id, "period_start": month,
                        "base": float(base), "challenge": challenge, "floor": 0.5, "source": "demo"})
    return out
