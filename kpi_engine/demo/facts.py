"""Vectorised activity: expected leads and spend per campaign-day, ad-level spend rows, and leads.

Loops run per channel and per campaign (vectorised over the calendar's days);
rows (spend per ad-day, leads) are made with numpy only. Times are int64
seconds since the epoch, naive local business time.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from kpi_engine.demo import roster, shape

DAY = 86_400
HOUR = 3_600
MEDIAN_VALUE = 3400.0  # department median expected value; ~30% of leads reach 5,000
VALUE_SIGMA = 0.75


@dataclass(frozen=True)
class Cells:
    """Expected activity per (day, campaign) cell; campaign -1 means "no campaign"."""

    day: np.ndarray
    campaign: np.ndarray
    channel: np.ndarray
    lam: np.ndarray  # expected leads
    cost: np.ndarray  # spend (0 where the cell has none)


def _noise(rng: np.random.Generator, n: int, sigma: float) -> np.ndarray:
    """Mean-one lognormal noise."""
    return np.exp(rng.normal(-sigma * sigma / 2.0, sigma, n))


def plan_cells(cal: shape.Calendar, campaigns: list[roster.CampaignSpec], scale: float,
               rng: np.random.Generator) -> Cells:
    """Expected leads and spend for every campaign-day (one vectorised pass per channel and campaign)."""
    trend = shape.trend(cal)
    spend_week = shape.weekday_factor(cal, "spend")
    burst = shape.burst_mask(cal)
    day0 = cal.days[0]
    parts: list[tuple[np.ndarray, ...]] = []
    camp_index = {c.campaign_id: i for i, c in enumerate(campaigns)}
    for ci, spec in enumerate(roster.CHANNELS):
        mine = [c for c in campaigns if c.channel_id == spec.channel_id]
        if spec.mode == "daily":
            f = trend * shape.weekday_factor(cal, spec.weekday) * shape.season(cal.days, spec.promo_sens)
            spend_f = trend * spend_week * shape.season(cal.days, spec.promo_sens * 0.8)
            if spec.channel_id == roster.SLIDING_CHANNEL:
                f = f * shape.slide(cal)  # leads slide, spend holds
            if spec.owner_id == roster.RISING_PERSON:
                f = f * shape.rise(cal)
                spend_f = spend_f * (1.0 + (shape.rise(cal) - 1.0) * 0.25)
            lam_ch = spec.leads_pm * 12.0 / 365.0 * scale * f
            spend_ch = spec.spend_pm * 12.0 / 365.0 * scale * spend_f
            day_idx = np.arange(cal.n)
            if not mine:
                lam = lam_ch * _noise(rng, cal.n, 0.22)
                parts.append((day_idx, np.full(cal.n, -1), np.full(cal.n, ci), lam, np.zeros(cal.n)))
                continue
            active = np.array([(cal.days >= np.datetime64(c.start, "D"))
                               & (cal.days <= np.datetime64(c.end or dt.date.max, "D")) for c in mine], dtype=float)
            weights = active * np.array([c.weight for c in mine])[:, None]
            paid = weights * np.array([c.n_ads > 0 for c in mine])[:, None]
            share = weights / np.maximum(weights.sum(axis=0), 1e-12)
            paid_share = paid / np.maximum(paid.sum(axis=0), 1e-12)
            for k, c in enumerate(mine):
                on = active[k] > 0
                lam = lam_ch * share[k] * _noise(rng, cal.n, 0.22)  # day-to-day overdispersion
                cost = spend_ch * paid_share[k]
                if c.campaign_id == roster.BURST_CAMPAIGN:
                    lam = np.where(burst, lam * shape.BURST_LEADS, lam)
                    cost = np.where(burst, cost * shape.BURST_SPEND, cost)
                parts.append((day_idx[on], np.full(on.sum(), camp_index[c.campaign_id]), np.full(on.sum(), ci),
                              lam[on], cost[on]))
        else:
            kernel = roster.EMAIL_KERNEL if spec.mode == "email" else (1.0,)
            for c in mine:
                days = np.array([np.datetime64(d, "D") for d in c.event_days], dtype="datetime64[D]")
                idx = (days - day0).astype(int)
                idx = idx[(idx >= 0) & (idx < cal.n)]
                if not len(idx):
                    continue
                per_day = 1.0 if spec.mode == "email" else 1.0 / len(c.event_days)  # a send vs. a multi-day event
                seas = shape.season(cal.days[idx], spec.promo_sens)
                size = c.event_leads * scale * trend[idx] * seas * _noise(rng, len(idx), 0.10)
                for lag, part in enumerate(kernel):
                    lead_idx = idx + lag
                    keep = lead_idx < cal.n
                    lam = size[keep] * per_day * part
                    cost = (c.event_cost * scale * per_day * _noise(rng, int(keep.sum()), 0.12)
                            if lag == 0 else np.zeros(int(keep.sum())))
                    parts.append((lead_idx[keep], np.full(keep.sum(), camp_index[c.campaign_id]),
                                  np.full(keep.sum(), ci), lam, cost))
    day, camp, chan, lam, cost = (np.concatenate([p[i] for p in parts]) for i in range(5))
    cost = np.round(cost * _noise(rng, len(cost), 0.10), 2)
    return Cells(day.astype(np.int64), camp.astype(np.int64), chan.astype(np.int64), lam, cost)


def spend_rows(cal: shape.Calendar, campaigns: list[roster.CampaignSpec], cells: Cells, scale: float,
               rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Spend rows: one per ad-day for campaigns with ads, one per campaign-day otherwise."""
    has_cost = cells.cost > 0
    n_ads = np.array([roster.ad_count(c.n_ads, scale) for c in campaigns] + [0])
    ads_per_cell = np.where(has_cost, n_ads[cells.campaign], 0)
    # ad-level rows
    cell_of_ad = np.repeat(np.arange(len(cells.day)), ads_per_cell)
    first = np.cumsum(ads_per_cell) - ads_per_cell
    k = np.arange(len(cell_of_ad)) - first[cell_of_ad]
    offsets = np.concatenate([[0], np.cumsum(n_ads[:-1])])
    base_w = np.concatenate([rng.dirichlet(np.full(n, 2.0)) if n else np.zeros(0) for n in n_ads[:-1]])
    ad_flat = offsets[cells.campaign[cell_of_ad]] + k
    w = base_w[ad_flat] * _noise(rng, len(ad_flat), 0.3)
    sums = np.add.reduceat(w, first[ads_per_cell > 0]) if len(w) else np.zeros(0)
    w = w / np.repeat(sums, ads_per_cell[ads_per_cell > 0])
    cost = np.round(cells.cost[cell_of_ad] * w, 2)
    chan = cells.channel[cell_of_ad]
    cpm = np.array([c.cpm for c in roster.CHANNELS])[chan]
    ctr = np.array([c.ctr for c in roster.CHANNELS])[chan]
    impressions = np.round(cost / np.maximum(cpm, 1e-9) * 1000.0 * _noise(rng, len(cost), 0.08))
    clicks = rng.binomial(impressions.astype(np.int64), np.clip(ctr * _noise(rng, len(cost), 0.15), 0, 1))
    conversions = rng.poisson(cells.lam[cell_of_ad] * w * 1.15)
    ad_ids = np.array([f"{c.campaign_id}_ad{j + 1:02d}" for c in campaigns for j in range(roster.ad_count(c.n_ads, scale))]
                      + [""], dtype=object)
    ad_rows = {"day": cells.day[cell_of_ad], "campaign": cells.campaign[cell_of_ad], "channel": chan,
               "ad_id": ad_ids[ad_flat] if len(ad_flat) else np.zeros(0, dtype=object), "cost": cost,
               "impressions": impressions, "clicks": clicks.astype(float), "conversions": conversions.astype(float)}
    # campaign-level rows (events, email sends)
    plain = has_cost & (n_ads[cells.campaign] == 0)
    m = int(plain.sum())
    is_email = cells.channel[plain] == roster.CHANNEL_INDEX["email"]
    delivered = np.where(is_email, rng.poisson(12000.0 * scale, m), np.nan).astype(float)
    opened_clicks = np.where(is_email, rng.binomial(np.nan_to_num(delivered).astype(np.int64), 0.02), np.nan)
    plain_rows = {"day": cells.day[plain], "campaign": cells.campaign[plain], "channel": cells.channel[plain],
                  "ad_id": np.full(m, "", dtype=object), "cost": cells.cost[plain], "impressions": delivered,
                  "clicks": opened_clicks.astype(float), "conversions": np.full(m, np.nan)}
    rows = {key: np.concatenate([ad_rows[key], plain_rows[key]]) for key in ad_rows}
    keep = rows["cost"] > 0
    return {key: value[keep] for key, value in rows.items()}


def _snap(rng: np.random.Generator, after: np.ndarray, lag_days: np.ndarray) -> np.ndarray:
    """A business-hours moment about ``lag_days`` after ``after`` (and always after it)."""
    t = after + (lag_days * DAY).astype(np.int64)
    snapped = (t // DAY) * DAY + 9 * HOUR + rng.integers(0, 10 * HOUR, len(t))
    return np.where(snapped > after, snapped, after + rng.integers(600, 2 * HOUR, len(t)))


def make_leads(cal: shape.Calendar, campaigns: list[roster.CampaignSpec], cells: Cells,
               rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Leads with their funnel: indices (channel, campaign, owner), int64 timestamps (-1 = none), values."""
    counts = rng.poisson(cells.lam)
    day = np.repeat(cells.day, counts)
    campaign = np.repeat(cells.campaign, counts)
    channel = np.repeat(cells.channel, counts)
    n = len(day)
    hour = np.zeros(n, dtype=np.int64)
    profiles = list(roster.HOUR_PROFILES)
    profile_of = np.array([profiles.index(c.hours) for c in roster.CHANNELS])[channel]
    for p, name in enumerate(profiles):
        mask = profile_of == p
        weights = np.asarray(roster.HOUR_PROFILES[name], dtype=float)
        hour[mask] = rng.choice(24, size=int(mask.sum()), p=weights / weights.sum())
    day_sec = cal.days.astype("datetime64[s]").astype(np.int64)
    created = day_sec[day] + hour * HOUR + rng.integers(0, HOUR, n)
    order = np.argsort(created, kind="stable")
    created, campaign, channel = created[order], campaign[order], channel[order]

    chan_owner = np.array([roster.PERSON_INDEX[c.owner_id] for c in roster.CHANNELS])
    camp_owner = np.array([roster.PERSON_INDEX[c.owner_id] for c in campaigns] + [0])
    owner = np.where(campaign >= 0, camp_owner[campaign], chan_owner[channel])

    spec = roster.CHANNELS
    value_mult = np.array([c.value_mult for c in spec])[channel]
    expected = np.round(np.exp(rng.normal(np.log(MEDIAN_VALUE * value_mult), VALUE_SIGMA)), -2)
    expected = np.maximum(expected, 100.0)

    p_mql, p_sql, p_win = (np.array([getattr(c, a) for c in spec])[channel] for a in ("mql", "sql", "win"))
    skip = np.array([c.skip_mql for c in spec])[channel]
    is_mql = rng.random(n) < p_mql
    direct = ~is_mql & (rng.random(n) < skip * p_mql * p_sql / np.maximum(1.0 - p_mql, 1e-9))
    is_sql = (is_mql & (rng.random(n) < p_sql)) | direct
    is_won = is_sql & (rng.random(n) < p_win)
    mql_at = _snap(rng, created, rng.gamma(2.0, 1.5, n))
    sql_at = _snap(rng, np.where(is_mql, mql_at, created), rng.gamma(2.0, 5.0, n))
    won_at = _snap(rng, sql_at, rng.gamma(3.0, 9.0, n))
    lost_sql = _snap(rng, sql_at, rng.gamma(3.0, 10.0, n))
    lost_mql = _snap(rng, mql_at, rng.gamma(2.0, 10.0, n))
    lost_new = _snap(rng, created, rng.gamma(2.0, 3.0, n))
    u_lost = rng.random(n)
    lost_at = np.select([is_sql & ~is_won, is_mql & ~is_sql & (u_lost < 0.6), ~is_mql & ~is_sql & (u_lost < 0.5)],
                        [lost_sql, lost_mql, lost_new], -1)

    # first response: working hours 8:00-22:00 answered in ~30 min, slower at weekends, some forgotten
    tod = (created % DAY) // HOUR
    weekend = ((created // DAY + 3) % 7) >= 5
    delay = np.exp(rng.normal(np.log(np.where(weekend, 3600.0, 1800.0)), 0.9, n))
    next_morning = (created // DAY + np.where(tod >= 22, 1, 0)) * DAY + 9 * HOUR
    off_hours = (tod >= 22) | (tod < 8)
    delay = np.where(off_hours, next_morning - created + np.exp(rng.normal(np.log(2400.0), 0.6, n)), delay)
    forgotten = rng.random(n) < 0.04
    delay = np.where(forgotten, rng.uniform(3 * HOUR, 48 * HOUR, n), delay)
    response = created + np.maximum(delay, 60).astype(np.int64)
    response = np.where(rng.random(n) < 0.02, -1, response)

    end_ts = int(np.datetime64(cal.end + dt.timedelta(days=1), "s").astype(np.int64)) - 1
    mql_at = np.where(is_mql & (mql_at <= end_ts), mql_at, -1)
    sql_at = np.where(is_sql & (sql_at <= end_ts), sql_at, -1)
    won_at = np.where(is_won & (won_at <= end_ts), won_at, -1)
    lost_at = np.where(lost_at <= end_ts, lost_at, -1)
    response = np.where(response <= end_ts, response, -1)
    deal = np.where(won_at >= 0, np.round(expected * rng.uniform(0.5, 0.8, n), -1), np.nan)
    return {"created_at": created, "channel": channel, "campaign": campaign, "owner": owner,
            "expected_value": expected, "mql_at": mql_at, "sql_at": sql_at, "won_at": won_at,
            "lost_at": lost_at, "deal_value": deal, "first_response_at": response}
