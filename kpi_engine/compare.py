"""Which days a period is compared with, and the morning a period is looked at from (pure Python).

Every page shows one period (grain ``day``, ``week``, ``month``, ``quarter`` or a ``custom`` range, the sidebar's
picker) on one morning (today, or ``?asof=`` for a replay). The data of a morning runs through the day before
(:func:`kpi_engine.clock.data_through`), so a period still running is counted through yesterday.

The same elapsed days
    A running period counted through day *k* (``through``) is compared with days 1..k of the comparison period,
    never past that period's end: 1–16 September against 1–16 August; 1–31 March against 1–28 February (or 1–29 in
    a leap year). A closed period is compared with the whole comparison period: April against all of March.

The comparison periods (:func:`comparison_period`)
    ========= ============================================ ============================================
    grain     ``previous``                                 ``last_year``
    ========= ============================================ ============================================
    day       the day before                               the same date a year earlier (29 Feb -> 28 Feb)
    week      the ISO week before                          52 weeks earlier, the same weekdays (2026-W53,
                                                           28 Dec 2026 - 3 Jan 2027, -> 2026-W01)
    month     the month before                             the same month a year earlier
    quarter   the quarter before                           the same quarter a year earlier
    custom    the calendar period before when the range    the same dates a year earlier (an end on a
              is one (a month, a quarter ...), else the    month's last day stays on one)
              same number of days just before it
    ========= ============================================ ============================================

These are the rules of ``growth:``/``yoy:`` metrics (:mod:`kpi_engine.metrics.growth`), which this module reuses;
the Standup's pacing board (:mod:`kpi_engine.standup.pace_board`) takes its comparison windows from here too.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from kpi_engine import fmt, periods
from kpi_engine.metrics import growth

Window = tuple[dt.date, dt.date]
PERIOD_GRAINS: tuple[str, ...] = ("day", "week", "month", "quarter", "custom")
KINDS: tuple[str, ...] = ("previous", "last_year")
# The sidebar's "Compare to" choice -> the comparisons it shows.
CHOICES: dict[str, tuple[str, ...]] = {"previous": ("previous",), "last_year": ("last_year",),
                                       "both": ("previous", "last_year"), "none": ()}
DEFAULT_CHOICE = "both"


def comparison_period(start: dt.date, end: dt.date, grain: str, kind: str) -> Window:
    """The whole period ``[start, end]`` (one period of ``grain``) is compared with, see the module docstring."""
    if kind not in KINDS:
        raise ValueError(f"unknown comparison {kind!r}; use one of: {', '.join(KINDS)}")
    if grain not in (*PERIOD_GRAINS, "year"):  # a plan's period may be a year
        raise ValueError(f"unknown grain {grain!r}; use one of: {', '.join(PERIOD_GRAINS)}")
    if grain == "week" and kind == "last_year":
        return start - dt.timedelta(days=364), end - dt.timedelta(days=364)
    if grain == "day":
        if kind == "previous":
            return start - dt.timedelta(days=1), end - dt.timedelta(days=1)
        return periods.shift_months(start, -12), periods.shift_months(end, -12)
    return growth.previous_range(start, end, "pop" if kind == "previous" else "yoy")


def same_elapsed(start: dt.date, through: dt.date, end: dt.date, other: Window) -> Window:
    """Days 1..k of ``other`` for a period ``[start, end]`` counted through ``through`` (k = days so far), clipped to
    ``other``'s end; all of ``other`` when the period is closed (``through >= end``)."""
    if through >= end:
        return other
    return other[0], min(other[1], other[0] + (through - start))


@dataclass(frozen=True)
class Comparison:
    """A period counted through ``through`` and the windows it is compared with (None: nothing counted yet)."""

    start: dt.date
    end: dt.date
    through: dt.date | None
    previous: Window | None
    last_year: Window | None

    @property
    def current(self) -> Window | None:
        return None if self.through is None else (self.start, self.through)

    def window(self, kind: str) -> Window | None:
        return self.previous if kind == "previous" else self.last_year


def counted_through(start: dt.date, end: dt.date, morning: dt.date) -> dt.date | None:
    """The last day of ``[start, end]`` whose data a view on ``morning`` counts: the day before the morning, at most
    the period's end; None when the period has not begun by then."""
    last = min(end, morning - dt.timedelta(days=1))
    return None if last < start else last


def compare(start: dt.date, end: dt.date, grain: str, morning: dt.date) -> Comparison:
    """The period ``[start, end]`` seen on ``morning``, with its previous and last year's windows over the same
    elapsed days."""
    through = counted_through(start, end, morning)
    if through is None:
        return Comparison(start, end, None, None, None)
    prev, year = (same_elapsed(start, through, end, comparison_period(start, end, grain, k)) for k in KINDS)
    return Comparison(start, end, through, prev, year)


def meeting_day(start: dt.date, end: dt.date, morning: dt.date) -> dt.date:
    """The Standup a period opens: the meeting on the morning after its last day (its numbers final), or the
    morning itself while the period runs (numbers through yesterday)."""
    return min(morning, end + dt.timedelta(days=1))


def change(value: float | None, reference: float | None, unit: str) -> float | None:
    """The change from ``reference`` to ``value``: for a rate the difference in points (0.012 = +1.2 pp), else
    relative (0.25 = +25%); None when either has no value or a relative change has no positive base."""
    if unit == "ratio":
        return None if fmt.no_value(value) or fmt.no_value(reference) else float(value) - float(reference)  # type: ignore[arg-type]
    return fmt.relative(value, reference)


def review_for(grain: str, start: dt.date, end: dt.date, morning: dt.date) -> tuple[str, str, bool]:
    """The review the Reviews page shows for a period: ``(kind, label, exact)``; ``exact`` False when the period is
    not itself a week or a month (the page says which review it shows then).

    A week: its weekly review; a month: its monthly review; a day: the weekly review of its ISO week; a custom range
    within one ISO week: that week's; a quarter or a longer range: the monthly review of the month holding its last
    counted day (its first day before it has begun).
    """
    if grain == "week":
        return "weekly", periods.period_label(start, "week"), True
    if grain == "month":
        return "monthly", periods.period_label(start, "month"), True
    if grain == "day" or (grain == "custom" and periods.period_start(start, "week") == periods.period_start(end, "week")):
        return "weekly", periods.period_label(end, "week"), False
    last = counted_through(start, end, morning) or start
    return "monthly", periods.period_label(last, "month"), False


__all__ = ["CHOICES", "Comparison", "DEFAULT_CHOICE", "KINDS", "PERIOD_GRAINS", "Window", "change", "compare",
           "comparison_period", "counted_through", "meeting_day", "review_for", "same_elapsed"]
