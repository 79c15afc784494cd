"""What the metric compiler is asked: a :class:`Request` (metrics, scopes to break down by, grain, date range, scope
filters, periods to show), built and checked by :func:`make_request`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from kpi_engine import periods
from kpi_engine.metrics import registry
from kpi_engine.metrics.scopes import SCOPES


@dataclass(frozen=True)
class Request:
    """What to compute. Build it with :func:`make_request`, which checks every part.

    ``by``: scopes to break down by (empty: the whole department); ``grain``: None for
    one value over the range; ``start``/``end``: inclusive days, None for open;
    ``where``: scope filters ((scope, allowed ids), ...); ``periods``: period starts to
    show even without data (None: only periods with data).
    """

    metrics: tuple[str, ...]
    by: tuple[str, ...] = ()
    grain: str | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    where: tuple[tuple[str, tuple[str, ...]], ...] = ()
    periods: tuple[dt.date, ...] | None = None


def normalize_by(by: str | Sequence[str] | None) -> tuple[str, ...]:
    """Scopes from ``None``/``"all"``/``""`` (department), ``"channel"``, ``"person,channel"`` or a sequence."""
    if by is None:
        return ()
    items = by.split(",") if isinstance(by, str) else list(by)
    scopes = tuple(dict.fromkeys(s.strip() for s in items if s and s.strip() and s.strip() != "all"))
    bad = [s for s in scopes if s not in SCOPES]
    if bad:
        raise ValueError(f"unknown scope {', '.join(bad)}; use one of: {', '.join(SCOPES)}")
    return scopes


def make_request(metrics: Sequence[str], *, by: str | Sequence[str] | None = None, grain: str | None = None,
                 start: dt.date | None = None, end: dt.date | None = None,
                 where: Mapping[str, str | Sequence[str]] | None = None,
                 periods_: Sequence[dt.date] | None = None) -> Request:
    """A checked :class:`Request`; ``ValueError`` with a clear message for any bad part."""
    ids = registry.validate_ids(metrics.split(",") if isinstance(metrics, str) else list(metrics))
    if grain is not None:
        periods.check_grain(grain)
    if start is not None and end is not None and end < start:
        raise ValueError(f"the range ends ({end}) before it starts ({start})")
    filters: list[tuple[str, tuple[str, ...]]] = []
    for scope, values in (where or {}).items():
        normalize_by(scope)
        vals = (values,) if isinstance(values, str) else tuple(values)
        filters.append((scope, tuple(str(v) for v in vals)))
    if periods_ is not None and not periods_:
        raise ValueError("periods must list at least one period start")
    return Request(tuple(ids), normalize_by(by), grain, start, end, tuple(filters),
                   tuple(periods_) if periods_ is not None else None)
