"""Each KPI's actual over a range: the numbers scorecards, reviews, the rationality review and the pacing board share.

``compute(engine, metrics, by=<scope type>, where=<ids>, start, end)`` batched per scope type; growth KPIs through
``compute_growth`` (a running period is compared with the same days of the previous one). A count or sum over a
table without any fact in the range is "no data", not 0; a scope without facts where others have some is 0 (a
campaign that did not run in the range: no data).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from kpi_engine import schema
from kpi_engine.metrics import registry
from kpi_engine.metrics.compile import KEY_COLUMNS
from kpi_engine.metrics.growth import compute_growth
from kpi_engine.metrics.query import compute, with_facts
from kpi_engine.plans import catalog
from kpi_engine.plans.model import Kpi, Scope, split_metric
from kpi_engine.settings import Settings

Actual = tuple[float | None, float | None, float | None]  # (actual, this, previous): growth KPIs fill this/previous


def number_or_none(value: object) -> float | None:
    """A value from a computed frame as a float; None for no value (None, NaN, text)."""
    try:
        f = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return None if math.isnan(f) else f


def kpi_actuals(engine: Engine, kpis: Sequence[Kpi], start: dt.date, end: dt.date, grain: str,
                settings: Settings | None = None) -> list[Actual]:
    """Each KPI's actual over [start, end] (a plan period or its part so far), batched per scope type."""
    out: list[Actual] = [(None, None, None)] * len(kpis)
    groups: dict[tuple[str, bool], dict[str, list[tuple[int, str]]]] = {}
    simple = [k.metric_id for k in kpis
              if k.metric_id in registry.METRICS and isinstance(registry.METRICS[k.metric_id].calc, registry.Simple)]
    present = with_facts(engine, simple, start=start, end=end)  # judged per metric: order never matters
    for i, k in enumerate(kpis):
        kind, mid = split_metric(k.metric)
        if mid not in registry.METRICS or kind not in (None, "pop", "yoy"):
            continue
        try:
            scope = Scope.parse(k.scope)
        except ValueError:  # an unreadable scope: the plan checks report it (unknown_scope) and block activation
            continue
        if isinstance(registry.METRICS[mid].calc, registry.Simple) and mid not in present:
            continue
        if kind is not None:
            g = compute_growth(engine, mid, kind=kind, grain=grain, start=start, end=end, where=scope.where,
                               settings=settings)
            if len(g):
                growth = number_or_none(g["growth"].iloc[0])
                out[i] = (catalog.growth_score_value(mid, growth), number_or_none(g["this"].iloc[0]),
                          number_or_none(g["previous"].iloc[0]))
            continue
        groups.setdefault((scope.type, bool(scope.id)), {}).setdefault(mid, []).append((i, scope.id))
    idle = _idle_campaigns(engine, {sid for mid_map in (groups.get(("campaign", True)) or {}).values()
                                    for _, sid in mid_map}, start, end)
    for (scope_type, has_id), metrics in groups.items():
        ids = sorted({sid for asked in metrics.values() for _, sid in asked})
        frame = compute(engine, sorted(metrics), by=scope_type if has_id else None, start=start, end=end,
                        where={scope_type: ids} if has_id else None, settings=settings)
        for mid, asked in metrics.items():
            for i, sid in asked:
                rows = frame[frame[KEY_COLUMNS[scope_type]] == sid] if has_id else frame
                value = number_or_none(rows[mid].iloc[0]) if len(rows) else None
                if value is None and len(rows) == 0 and isinstance(registry.METRICS[mid].calc, registry.Simple):
                    # facts exist in the range, none for this scope: nothing happened (unless the campaign did not run)
                    value = None if scope_type == "campaign" and sid in idle else 0.0
                out[i] = (value, None, None)
    return out


def _idle_campaigns(engine: Engine, ids: set[str], start: dt.date, end: dt.date) -> set[str]:
    """Campaigns among ``ids`` whose dates (start_date..end_date, open ends allowed) miss [start, end]."""
    if not ids:
        return set()
    c = schema.campaigns
    query = sa.select(c.c.campaign_id).where(c.c.campaign_id.in_(sorted(ids)),
                                             sa.or_(c.c.start_date > end, c.c.end_date < start))
    with engine.connect() as conn:
        return {r[0] for r in conn.execute(query)}
