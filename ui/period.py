"""The period the sidebar picker selects: a grain and the days it covers (calendar rules in kpi_engine.periods)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from kpi_engine import periods

GRAINS = ("day", "week", "month", "quarter", "custom")


@dataclass(frozen=True)
class Period:
    """A selected period: ``grain`` (or ``custom``) and the inclusive dates ``start`` .. ``end``."""

    grain: str
    start: dt.date
    end: dt.date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def label(self) -> str:
        """``2026-10``, ``2026-W05``, ``2026-Q4``, ``2026-10-05`` or ``2026-10-01..2026-10-09``."""
        if self.grain == "custom":
            return f"{self.start.isoformat()}..{self.end.isoformat()}"
        return periods.period_label(self.start, self.grain)


def make_period(grain: str, anchor: dt.date, custom: tuple[dt.date, ...] | None = None) -> Period:
    """The period for the picker's state; a half-picked custom range covers its one day."""
    if grain == "custom":
        if custom and len(custom) == 2:
            start, end = sorted(custom)
        else:
            start = end = custom[0] if custom else anchor
        return Period("custom", start, end)
    start, end = periods.period_range(anchor, grain)
    return Period(grain, start, end)
