"""The demo's calendar and the shape of activity over it.

Every factor is a vectorised function of a ``datetime64[D]`` day array:
a growth trend (level 1.0 on the last day), weekday profiles, Chinese retail
seasons (Spring Festival dip, 618 and Double-11 peaks, a summer lull) and the
three story elements a standup must catch (a sliding channel, a rising person,
a campaign burst). The story is anchored to the end date, so it is always
"now" whatever day the demo is generated.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

# Spring Festival (Chinese New Year's Day) by Gregorian year.
CNY_DATES: dict[int, str] = {
    2019: "2019-02-05", 2020: "2020-01-25", 2021: "2021-02-12", 2022: "2022-02-01", 2023: "2023-01-22",
    2024: "2024-02-10", 2025: "2025-01-29", 2026: "2026-02-17", 2027: "2027-02-06", 2028: "2028-01-26",
    2029: "2029-02-13", 2030: "2030-02-03", 2031: "2031-01-23", 2032: "2032-02-11", 2033: "2033-01-31",
    2034: "2034-02-19", 2035: "2035-02-08", 2036: "2036-01-28", 2037: "2037-02-15", 2038: "2038-02-04",
}

ANNUAL_GROWTH = 0.12  # underlying growth of every channel, per year
SLIDE_LEVEL = 0.56  # the sliding channel's leads, relative to its earlier level
SLIDE_RAMP_DAYS = 10  # the slide starts this many days before the latest full month
RISE_LEVEL = 1.22  # the rising person's channels, relative to their earlier level
RISE_RAMP_DAYS = 90
BURST_DAYS = 7  # the burst covers the last BURST_DAYS days up to the end date
BURST_SPEND = 4.0
BURST_LEADS = 3.2

WEEKDAY_PROFILES: dict[str, tuple[float, ...]] = {  # Monday .. Sunday, normalised to mean 1
    "b2b": (1.16, 1.16, 1.12, 1.10, 1.00, 0.76, 0.70),
    "social": (0.94, 0.94, 0.95, 0.97, 1.03, 1.09, 1.08),
    "live": (0.84, 0.85, 0.90, 0.95, 1.10, 1.22, 1.14),
    "spend": (1.05, 1.05, 1.03, 1.02, 1.00, 0.93, 0.92),
}


def cny(year: int) -> np.datetime64:
    """Spring Festival day of ``year`` (early February when the year is outside the table)."""
    return np.datetime64(CNY_DATES.get(year, f"{year}-02-05"), "D")


def month_start(day: dt.date, back: int = 0) -> dt.date:
    """First day of the month ``back`` months before ``day``'s month."""
    index = day.year * 12 + day.month - 1 - back
    return dt.date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class Calendar:
    """The demo period: ``months`` calendar months ending with the (possibly partial) month of ``end``."""

    start: dt.date
    end: dt.date
    days: np.ndarray  # datetime64[D], start..end inclusive

    @property
    def n(self) -> int:
        return len(self.days)

    @property
    def last_full_month(self) -> dt.date:
        """First day of the latest complete month (the end's own month when ``end`` is its last day)."""
        if (self.end + dt.timedelta(days=1)).day == 1:
            return month_start(self.end)
        return month_start(self.end, 1)

    @property
    def burst_start(self) -> dt.date:
        return self.end - dt.timedelta(days=BURST_DAYS - 1)

    def years(self) -> range:
        return range(self.start.year - 1, self.end.year + 2)

    def weekday(self) -> np.ndarray:
        """0 = Monday .. 6 = Sunday."""
        return ((self.days.astype("int64") + 3) % 7).astype(np.int64)

    def index_of(self, day: dt.date) -> int:
        return (np.datetime64(day, "D") - self.days[0]).astype(int)


def make_calendar(end: dt.date, months: int) -> Calendar:
    if months < 1:
        raise ValueError("months must be at least 1")
    start = month_start(end, months - 1)
    days = np.arange(np.datetime64(start, "D"), np.datetime64(end, "D") + 1)
    return Calendar(start=start, end=end, days=days)


def trend(cal: Calendar, growth: float = ANNUAL_GROWTH) -> np.ndarray:
    """Smooth growth: 1.0 on the end date, lower before."""
    age_years = (np.datetime64(cal.end, "D") - cal.days).astype(float) / 365.0
    return np.power(1.0 + growth, -age_years)


def weekday_factor(cal: Calendar, profile: str) -> np.ndarray:
    weights = np.asarray(WEEKDAY_PROFILES[profile], dtype=float)
    weights = weights / weights.mean()
    return weights[cal.weekday()]


def cny_window(year: int) -> tuple[np.datetime64, np.datetime64]:
    """Days around the Spring Festival when offline events are not held."""
    c = cny(year)
    return c - np.timedelta64(12, "D"), c + np.timedelta64(9, "D")


def season(days: np.ndarray, promo_sensitivity: float) -> np.ndarray:
    """Seasonal multiplier: Spring Festival dip, 618 and Double-11 peaks (scaled by sensitivity), summer lull."""
    factor = np.ones(len(days))
    years = days.astype("datetime64[Y]").astype(int) + 1970
    for year in range(int(years.min()) - 1, int(years.max()) + 2):
        off = (days - cny(year)).astype(float)
        # full dip from 8 days before to 6 days after, 6-day ramps either side
        depth = np.clip(np.minimum((off + 14.0) / 6.0, (12.0 - off) / 6.0), 0.0, 1.0)
        factor *= 1.0 - 0.5 * depth
    month = days.astype("datetime64[M]").astype(int) % 12 + 1
    day_of_month = (days - days.astype("datetime64[M]")).astype(int) + 1
    uplift = np.where((month == 6) & (day_of_month <= 18), 0.45 * day_of_month / 18.0, 0.0)
    nov11 = (days.astype("datetime64[Y]").astype("datetime64[M]") + 10).astype("datetime64[D]") + 10
    to_nov11 = (days - nov11).astype(float)  # -22 (Oct 20) .. 0 (Nov 11)
    uplift = uplift + np.where((to_nov11 >= -22) & (to_nov11 <= 0), 0.55 * (1.0 + 0.7 * to_nov11 / 22.0), 0.0)
    lull = np.where(((month == 7) & (day_of_month >= 15)) | ((month == 8) & (day_of_month <= 25)), 0.06, 0.0)
    return factor * (1.0 + promo_sensitivity * uplift - lull)


def slide(cal: Calendar) -> np.ndarray:
    """The sliding channel: 1.0 until ten days before the latest full month, then down to SLIDE_LEVEL."""
    s = cal.index_of(cal.last_full_month)
    i = np.arange(cal.n, dtype=float)
    ramp = np.clip((i - (s - SLIDE_RAMP_DAYS)) / SLIDE_RAMP_DAYS, 0.0, 1.0)
    return 1.0 - (1.0 - SLIDE_LEVEL) * ramp


def rise(cal: Calendar) -> np.ndarray:
    """The rising person's channels: up to RISE_LEVEL over the quarter before the latest full month."""
    s = cal.index_of(cal.last_full_month)
    i = np.arange(cal.n, dtype=float)
    ramp = np.clip((i - (s - RISE_RAMP_DAYS)) / RISE_RAMP_DAYS, 0.0, 1.0)
    return 1.0 + (RISE_LEVEL - 1.0) * ramp


def burst_mask(cal: Calendar) -> np.ndarray:
    """True on the burst days (the last BURST_DAYS days)."""
    return cal.days >= np.datetime64(cal.burst_start, "D")
