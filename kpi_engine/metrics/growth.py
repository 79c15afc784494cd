"""Growth of any metric: period over period and year over year (SPEC section 4).

Growth is a transformation, not a metric: ``growth = (this − previous) / previous``,
with no value when ``previous`` is 0, negative or has no value (or ``this`` has none): a
change from nothing, or from a loss (a negative ROI), has no meaningful percent. A growth KPI of
a lower-is-better metric scores the reduction instead (``kpi_engine.plans.catalog.growth_score_value``). Which
period is "previous":

======== ===================================== ==========================================
grain    ``pop`` (period over period)          ``yoy`` (year over year)
======== ===================================== ==========================================
day      the day before                        the same date a year earlier
week     the week before                       52 weeks earlier (same weekdays)
month    the month before                      the same month a year earlier
quarter  the quarter before                    the same quarter a year earlier
year     the year before                       the year before
range    the calendar period before when the   the same dates a year earlier
         range is one (a month, a quarter ...),
         else the same number of days before
======== ===================================== ==========================================

A first or last period cut by ``start``/``end`` is compared with the same days of the
previous period (1–16 September against 1–16 August: month to date). Everything is
computed by :func:`kpi_engine.metrics.query.compute` (SQL); only the pairing of a
period with its previous one happens here, on the aggregated rows.

Metric references ``growth:revenue`` (period over period) and ``yoy:revenue`` name a
growth wherever a metric id is accepted by :func:`compute_any` (and the CLI).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from sqlalchemy.engine import Engine

from kpi_engine import periods
from kpi_engine.metrics import registry
from kpi_engine.metrics.compile import KEY_COLUMNS, normalize_by
from kpi_engine.metrics.query import compute, data_bounds
from kpi_engine.settings import Settings

KINDS: tuple[str, ...] = ("pop", "yoy")
PREFIXES: dict[str, str] = {"growth": "pop", "yoy": "yoy"}
GROWTH_COLUMNS: tuple[str, ...] = ("this", "previous", "growth")

Where = Mapping[str, str | Sequence[str]] | None


def parse_ref(ref: str) -> tuple[str | None, str]:
    """``"growth:leads"`` -> ``("pop", "leads")``, ``"yoy:leads"`` -> ``("yoy", "leads")``, ``"leads"`` -> ``(None, "leads")``.

    ``ValueError`` naming the valid forms for an unknown prefix or metric.
    """
    text = ref.strip()
    kind: str | None = None
    if ":" in text:
        prefix, text = (part.strip() for part in text.split(":", 1))
        if prefix not in PREFIXES:
            raise ValueError(f"unknown transformation {prefix!r} in {ref!r}; use growth:METRIC or yoy:METRIC")
        kind = PREFIXES[prefix]
    registry.validate_ids([text])
    return kind, text


_LABELS = {
    "pop": {"en": ("{name} growth (period over period)", "(this − previous) / previous of {id}, previous = the period before"),
            "zh": ("{name}环比增长", "{id} 的（本期 − 上期）/ 上期，上期为前一个周期")},
    "yoy": {"en": ("{name} growth (year over year)", "(this − previous) / previous of {id}, previous = a year earlier"),
            "zh": ("{name}同比增长", "{id} 的（本期 − 去年同期）/ 去年同期")},
}


def ref_text(ref: str, lang: str = "en") -> tuple[str, str]:
    """(name, formula) of a metric reference in ``lang``: the metric's own, or its growth's."""
    kind, mid = parse_ref(ref)
    m = registry.METRICS[mid]
    lang = "zh" if lang.startswith("zh") else "en"
    if kind is None:
        return m.name(lang), m.formula(lang)
    name, formula = _LABELS[kind][lang]
    return name.format(name=m.name(lang)), formula.format(id=mid)


def _shift(grain: str, kind: str) -> dict[str, int]:
    """How far back the previous period is, as ``shift_range`` arguments."""
    if kind == "yoy":
        return {"days": -364} if grain == "week" else {"months": -12}
    return {"day": {"days": -1}, "week": {"days": -7}, "month": {"months": -1}, "quarter": {"months": -3},
            "year": {"months": -12}}[grain]


def previous_range(start: dt.date, end: dt.date, kind: str = "pop") -> tuple[dt.date, dt.date]:
    """The range ``[start, end]`` (one period) is compared with: see the module docstring (grain ``range``)."""
    _check_kind(kind)
    if kind == "yoy":
        return periods.shift_range(start, end, months=-12)
    for grain in ("year", "quarter", "month", "week"):
        if periods.period_range(start, grain) == (start, end):
            return periods.shift_range(start, end, **_shift(grain, "pop"))
    n = periods.days_in(start, end)
    return start - dt.timedelta(days=n), start - dt.timedelta(days=1)


def _check_kind(kind: str) -> None:
    if kind not in KINDS:
        raise ValueError(f"unknown growth kind {kind!r}; use one of: {', '.join(KINDS)}")


def compute_growth(engine: Engine, metric: str, *, kind: str = "pop", by: str | Sequence[str] | None = None,
                   grain: str | None = None, start: dt.date | str | None = None, end: dt.date | str | None = None,
                   where: Where = None, settings: Settings | None = None) -> pd.DataFrame:
    """Growth of ``metric`` per scope and period: key columns, ``period_start`` (with a grain), this, previous, growth.

    Without a grain (or with ``grain="range"``) the range is one period and needs ``start``
    and ``end`` (or data to take them from). Every scope seen in either period has a row.
    """
    _check_kind(kind)
    registry.validate_ids([metric])
    scopes = normalize_by(by)
    keys = [KEY_COLUMNS[s] for s in scopes]
    start_d = periods.to_date(start) if start is not None else None
    end_d = periods.to_date(end) if end is not None else None
    if start_d is None or end_d is None:
        found = data_bounds(engine, [metric], start=start_d, end=end_d, where=where)
        if found is None:
            return _empty(keys, grain)
        start_d = start_d or (periods.period_start(found[0], grain) if grain not in (None, "range") else found[0])
        end_d = end_d or (periods.period_end(found[1], grain) if grain not in (None, "range") else found[1])
    if end_d < start_d:
        raise ValueError(f"the range ends ({end_d}) before it starts ({start_d})")
    args = {"by": scopes, "where": where, "settings": settings}
    if grain in (None, "range"):
        prev = previous_range(start_d, end_d, kind)
        this = compute(engine, [metric], start=start_d, end=end_d, **args)  # type: ignore[arg-type]
        before = compute(engine, [metric], start=prev[0], end=prev[1], **args)  # type: ignore[arg-type]
        frame = _pair(this, before, keys, metric)
        if grain == "range":
            frame.insert(len(keys), "period_start", pd.Series([start_d] * len(frame), dtype="object", index=frame.index))
        return frame
    periods.check_grain(grain)
    shift = _shift(grain, kind)
    prev_start, prev_end = periods.shift_range(start_d, end_d, **shift)
    this = compute(engine, [metric], grain=grain, start=start_d, end=end_d, dense=True, **args)  # type: ignore[arg-type]
    before = compute(engine, [metric], grain=grain, start=prev_start, end=prev_end, dense=True, **args)  # type: ignore[arg-type]
    # a previous period_start moved forward is the period it is compared with
    back = {"days": -shift["days"]} if "days" in shift else {"months": -shift["months"]}
    before["period_start"] = [periods.shift_range(p, p, **back)[0] for p in before["period_start"]]
    before = before[before["period_start"].isin(set(periods.period_starts(start_d, end_d, grain)))]
    return _pair(this, before, [*keys, "period_start"], metric)


def _empty(keys: list[str], grain: str | None) -> pd.DataFrame:
    columns = [*keys, *(["period_start"] if grain else []), *GROWTH_COLUMNS]
    frame = pd.DataFrame({c: pd.Series([], dtype="object" if c not in GROWTH_COLUMNS else "float64") for c in columns})
    return frame


def _empty_value(metric: str) -> float:
    """The metric's value over a scope and period without data: 0 for counts and sums, else no value."""
    return 0.0 if isinstance(registry.METRICS[metric].calc, registry.Simple) else np.nan


def _pair(this: pd.DataFrame, before: pd.DataFrame, keys: list[str], metric: str) -> pd.DataFrame:
    """Outer-join this and previous on ``keys`` and add the growth column."""
    left = this.rename(columns={metric: "this"})
    right = before.rename(columns={metric: "previous"})
    if keys:
        merged = left.merge(right, on=keys, how="outer", sort=True)
    else:
        merged = pd.concat([left.reset_index(drop=True), right.reset_index(drop=True)], axis=1)
    fill = _empty_value(metric)
    this_v = pd.to_numeric(merged["this"], errors="coerce").astype("float64").fillna(fill)
    prev_v = pd.to_numeric(merged["previous"], errors="coerce").astype("float64").fillna(fill)
    merged["this"], merged["previous"] = this_v, prev_v
    denominator = prev_v.where(prev_v > 0)  # growth from zero or from a negative base has no value
    merged["growth"] = ((this_v - prev_v) / denominator).astype("float64")
    return merged[[*keys, *GROWTH_COLUMNS]].reset_index(drop=True)


def compute_any(engine: Engine, refs: Sequence[str], *, by: str | Sequence[str] | None = None, grain: str | None = None,
                start: dt.date | str | None = None, end: dt.date | str | None = None, where: Where = None,
                settings: Settings | None = None) -> pd.DataFrame:
    """Like ``compute`` but ``refs`` may also hold ``growth:METRIC`` and ``yoy:METRIC`` (a column named as the ref).

    With growth references the rows are every scope × period of the growth frames (and
    of the plain metrics); a plain count missing for a row is 0, any other metric no value.
    """
    parsed = [(ref.strip(), *parse_ref(ref)) for ref in refs]
    plain = [mid for _, kind, mid in parsed if kind is None]
    transforms = [(ref, kind, mid) for ref, kind, mid in parsed if kind is not None]
    if not transforms:
        return compute(engine, plain, by=by, grain=grain, start=start, end=end, where=where, settings=settings)
    keys = [KEY_COLUMNS[s] for s in normalize_by(by)] + (["period_start"] if grain else [])
    frames: list[pd.DataFrame] = []
    for ref, kind, mid in dict.fromkeys(transforms):
        g = compute_growth(engine, mid, kind=kind, by=by, grain=grain, start=start, end=end, where=where,
                           settings=settings)
        frames.append(g[[*keys, "growth"]].rename(columns={"growth": ref}))
    if plain:
        if grain not in (None, "range") and (start is None or end is None):
            # the same periods as the growth frames: take the range from them
            first = frames[0]
            if len(first):
                start = start or min(first["period_start"])
                end = end or periods.period_end(max(first["period_start"]), grain)
        frames.insert(0, compute(engine, plain, by=by, grain=grain, start=start, end=end, where=where,
                                 dense=bool(grain), settings=settings))
    out = frames[0]
    for frame in frames[1:]:
        out = out.merge(frame, on=keys, how="outer", sort=True) if keys else pd.concat([out, frame], axis=1)
    for mid in plain:
        calc = registry.METRICS[mid].calc
        if isinstance(calc, registry.Simple):  # a scope or period only the growth frames have: nothing happened
            out[mid] = out[mid].fillna(0).astype("int64" if calc.agg == "count" else "float64")
    columns = [*keys, *(ref for ref, _, _ in dict.fromkeys(parsed))]
    return out[columns].reset_index(drop=True)
