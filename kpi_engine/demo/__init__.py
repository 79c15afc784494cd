"""Deterministic demo data: a Chinese marketing department of 8 people, 9 channels, ~1,000 leads a month.

``generate(engine)`` replaces every fact table's rows in one transaction. The
same seed and end date always give the same rows. The story a standup should
catch is built in: Xiaohongshu (``SLIDING_CHANNEL``) slides in the latest full
month and month to date while its spend holds; the new-media lead
(``RISING_PERSON``) is ahead, their channels up ~20%; ``BURST_CAMPAIGN`` spikes
in spend and leads over the last week. ``scale`` multiplies volume (leads,
customers, orders, spend; ads grow with its square root): scale 55 gives about
a million leads.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Mapping, Sized
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from kpi_engine import access, clock, schema, store
from kpi_engine.demo import after_sale, facts, load, manual, roster, shape, targets, touches
from kpi_engine.demo.roster import BURST_CAMPAIGN, RISING_PERSON, SLIDING_CHANNEL

__all__ = ["BURST_CAMPAIGN", "RISING_PERSON", "SLIDING_CHANNEL", "DemoData", "DemoSummary", "build", "default_end",
           "expected_leads", "generate", "scale_for_leads"]

Progress = Callable[[float, str], None]


@dataclass(frozen=True)
class DemoSummary:
    """What ``generate`` wrote."""

    counts: dict[str, int]
    start: dt.date
    end: dt.date
    months: int
    seed: int
    scale: float
    build_seconds: float
    write_seconds: float
    story: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, object]:
        return {"counts": self.counts, "start": self.start.isoformat(), "end": self.end.isoformat(),
                "months": self.months, "seed": self.seed, "scale": self.scale,
                "build_seconds": round(self.build_seconds, 3), "write_seconds": round(self.write_seconds, 3),
                "story": self.story}


@dataclass(frozen=True)
class DemoData:
    """The generated tables (arrow, canonical columns) and the calendar and campaigns they came from."""

    calendar: shape.Calendar
    campaigns: list[roster.CampaignSpec]
    tables: dict[str, pa.Table]


def default_end() -> dt.date:
    """Yesterday in the business time zone, so a standup always has fresh data."""
    return clock.business_today() - dt.timedelta(days=1)


def expected_leads(*, end: dt.date | None = None, months: int = 18, seed: int = 7) -> float:
    """Expected number of leads at scale 1 (the sum of the Poisson means)."""
    cal = shape.make_calendar(end or default_end(), months)
    streams = np.random.SeedSequence([seed, 20261]).spawn(2)
    campaigns = roster.build_campaigns(cal, np.random.Generator(np.random.PCG64(streams[0])))
    return float(facts.plan_cells(cal, campaigns, 1.0, np.random.Generator(np.random.PCG64(streams[1]))).lam.sum())


def scale_for_leads(leads: int, *, end: dt.date | None = None, months: int = 18, seed: int = 7) -> float:
    """The scale that gives about ``leads`` leads over ``months`` months."""
    return leads / expected_leads(end=end, months=months, seed=seed)


def _ids(prefix: str, n: int, width: int) -> pa.Array:
    digits = pc.utf8_lpad(pc.cast(pa.array(np.arange(1, n + 1, dtype=np.int64)), pa.string()), width=width, padding="0")
    return pc.binary_join_element_wise(prefix, digits, "")


def _take(names: list[str], index: np.ndarray) -> pa.Array:
    """Names by index; -1 gives null."""
    idx = pa.array(np.where(index >= 0, index, 0), mask=index < 0)
    return pc.take(pa.array(names, pa.string()), idx)


def _ts(seconds: np.ndarray) -> pa.Array:
    return pa.array(np.where(seconds >= 0, seconds, 0) * 1_000_000, pa.timestamp("us"), mask=seconds < 0)


def _day(days: np.ndarray) -> pa.Array:
    return pa.array(days.astype(np.int32), pa.date32())


def _table(name: str, columns: Mapping[str, Sized]) -> pa.Table:
    """An arrow table with the schema's types; columns not given are null."""
    target = load.arrow_schema(schema.UPLOAD_TABLES[name])
    n = max((len(v) for v in columns.values()), default=0)
    arrays = []
    for f in target:
        value = columns.get(f.name)
        if value is None:
            arrays.append(pa.nulls(n, f.type))
        elif isinstance(value, pa.Array | pa.ChunkedArray):
            arrays.append(value.cast(f.type))
        else:
            arrays.append(pa.array(value, f.type, from_pandas=True))
    return pa.Table.from_arrays(arrays, schema=target)


def _dimension_tables(campaigns: list[roster.CampaignSpec], scale: float) -> dict[str, pa.Table]:
    people = _table("people", {
        "person_id": [p[0] for p in roster.PEOPLE], "name": [p[1] for p in roster.PEOPLE],
        "role": [p[2] for p in roster.PEOPLE], "team": [p[3] for p in roster.PEOPLE],
        "manager_id": [None if p[0] == roster.LEAD_PERSON else roster.LEAD_PERSON for p in roster.PEOPLE],
        "email": [f"{p[4]}@example.com" for p in roster.PEOPLE], "active": [True] * len(roster.PEOPLE)})
    channels = _table("channels", {
        "channel_id": [c.channel_id for c in roster.CHANNELS], "name": [c.name for c in roster.CHANNELS],
        "kind": [c.kind for c in roster.CHANNELS], "owner_id": [c.owner_id for c in roster.CHANNELS]})
    camps = _table("campaigns", {
        "campaign_id": [c.campaign_id for c in campaigns], "name": [c.name for c in campaigns],
        "channel_id": [c.channel_id for c in campaigns], "owner_id": [c.owner_id for c in campaigns],
        "kind": [c.kind for c in campaigns], "start_date": [c.start for c in campaigns],
        "end_date": [c.end for c in campaigns],
        "budget": [None if c.budget is None else round(c.budget * scale, 2) for c in campaigns]})
    return {"people": people, "channels": channels, "campaigns": camps}


def build(*, end: dt.date | None = None, months: int = 18, seed: int = 7, scale: float = 1.0,
          progress: Progress | None = None) -> DemoData:
    """Generate every demo table in memory (no database)."""
    if scale <= 0:
        raise ValueError("scale must be positive")
    end = end or default_end()
    cal = shape.make_calendar(end, months)
    streams = np.random.SeedSequence([seed, 20261]).spawn(6)  # one stream per step: same seed, same rows
    rng_cast, rng_cells, rng_spend, rng_leads, rng_after, rng_manual = (np.random.Generator(np.random.PCG64(s))
                                                                        for s in streams)
    note = progress or (lambda _f, _s: None)
    note(0.0, "demo_stage_cast")
    campaigns = roster.build_campaigns(cal, rng_cast)
    camp_ids = [c.campaign_id for c in campaigns]
    chan_ids = [c.channel_id for c in roster.CHANNELS]
    person_ids = [p[0] for p in roster.PEOPLE]
    tables = _dimension_tables(campaigns, scale)

    note(0.1, "demo_stage_spend")
    cells = facts.plan_cells(cal, campaigns, scale, rng_cells)
    sp = facts.spend_rows(cal, campaigns, cells, scale, rng_spend)
    day_num = cal.days.astype(np.int64)
    tables["spend"] = _table("spend", {
        "date": _day(day_num[sp["day"]]), "channel_id": _take(chan_ids, sp["channel"]),
        "campaign_id": pc.fill_null(_take(camp_ids, sp["campaign"]), ""), "ad_id": pa.array(sp["ad_id"], pa.string()),
        "cost": sp["cost"], "impressions": sp["impressions"], "clicks": sp["clicks"], "conversions": sp["conversions"]})

    note(0.25, "demo_stage_leads")
    ld = facts.make_leads(cal, campaigns, cells, rng_leads)
    lead_ids = _ids("L", len(ld["created_at"]), 7)
    tables["leads"] = _table("leads", {
        "lead_id": lead_ids, "created_at": _ts(ld["created_at"]), "channel_id": _take(chan_ids, ld["channel"]),
        "campaign_id": _take(camp_ids, ld["campaign"]), "owner_id": _take(person_ids, ld["owner"]),
        "expected_value": ld["expected_value"], "mql_at": _ts(ld["mql_at"]), "sql_at": _ts(ld["sql_at"]),
        "won_at": _ts(ld["won_at"]), "lost_at": _ts(ld["lost_at"]), "deal_value": ld["deal_value"],
        "first_response_at": _ts(ld["first_response_at"])})

    tc = touches.make_touches(ld, chan_ids, seed)  # its own random stream: the other tables stay as they were
    tables["touches"] = _table("touches", {
        "lead_id": pc.take(lead_ids, pa.array(tc["lead"])), "touched_at": _ts(tc["at"]),
        "channel_id": _take(chan_ids, tc["channel"]), "campaign_id": _take(camp_ids, tc["campaign"])})

    note(0.4, "demo_stage_customers")
    cu = after_sale.customers(cal, ld, scale, rng_after)
    customer_ids = _ids("C", len(cu["acquired_at"]), 7)
    tables["customers"] = _table("customers", {
        "customer_id": customer_ids, "acquired_at": _ts(cu["acquired_at"]), "channel_id": _take(chan_ids, cu["channel"]),
        "lead_id": pc.take(lead_ids, pa.array(np.where(cu["lead"] >= 0, cu["lead"], 0), mask=cu["lead"] < 0)),
        "churned_at": _ts(cu["churned_at"])})
    od = after_sale.orders(cal, cu, rng_after)
    tables["orders"] = _table("orders", {
        "order_id": _ids("O", len(od["customer"]), 8), "customer_id": pc.take(customer_ids, pa.array(od["customer"])),
        "order_date": _day(od["order_day"]), "amount": od["amount"]})
    sv = after_sale.survey(cal, cu, rng_after)
    tables["survey_responses"] = _table("survey_responses", {
        "response_id": _ids("R", len(sv["customer"]), 7), "date": _day(sv["day"]), "score": sv["score"],
        "channel_id": _take(chan_ids, cu["channel"][sv["customer"]]),
        "customer_id": pc.take(customer_ids, pa.array(sv["customer"]))})

    note(0.5, "demo_stage_manual")
    mv = manual.metric_values(cal, rng_manual)
    names = ("metric_id", "period_start", "grain", "scope_type", "scope_id", "value", "source", "note")
    tables["metric_values"] = _table("metric_values", {k: [r[i] for r in mv] for i, k in enumerate(names)})
    fb = manual.feedback_360(cal, rng_manual)
    fb_names = ("period", "person_id", "reviewer_role", "reviewer_id", "dimension", "score")
    tables["feedback_360"] = _table("feedback_360", {k: [r[i] for r in fb] for i, k in enumerate(fb_names)})
    return DemoData(calendar=cal, campaigns=campaigns, tables=tables)


def generate(engine: Engine, *, months: int = 18, seed: int = 7, scale: float = 1.0, end: dt.date | None = None,
             progress: Progress | None = None) -> DemoSummary:
    """Write a complete demo department into ``engine``'s store, replacing all fact rows in one transaction (admins)."""
    access.require("upload")
    store.ensure_schema(engine)  # idempotent: an engine made without get_engine() works too
    t0 = time.perf_counter()
    data = build(end=end, months=months, seed=seed, scale=scale, progress=progress)
    t1 = time.perf_counter()
    target_rows = targets.build_targets(data.tables, data.calendar.start, data.calendar.end, scale)
    with store.transaction(engine) as conn:
        load.write_tables(conn, data.tables, progress)
        tg = schema.targets
        conn.execute(tg.delete().where(tg.c.source == "demo"))
        # Months an activated plan already covers keep the plan's targets.
        taken = {tuple(r) for r in conn.execute(sa.select(tg.c.metric_id, tg.c.scope_type, tg.c.scope_id, tg.c.period_start))}
        fresh = [r for r in target_rows if (r["metric_id"], r["scope_type"], r["scope_id"], r["period_start"]) not in taken]
        if fresh:
            conn.execute(tg.insert(), fresh)
    t2 = time.perf_counter()
    if progress:
        progress(1.0, "demo_stage_done")
    cal = data.calendar
    story = {"sliding_channel": SLIDING_CHANNEL, "rising_person": RISING_PERSON, "burst_campaign": BURST_CAMPAIGN,
             "burst_start": cal.burst_start.isoformat(), "latest_full_month": cal.last_full_month.isoformat()}
    return DemoSummary(counts={name: data.tables[name].num_rows for name in load.FACT_TABLES}, start=cal.start, end=cal.end,
                       months=months, seed=seed, scale=scale, build_seconds=t1 - t0, write_seconds=t2 - t1,
                       story=story)

