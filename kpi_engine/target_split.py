"""Target splitting (issue 16.2): a quarter's or a year's target split into months, ISO weeks and days.

Each day of the period gets a weight; a day's share of the target is its weight over the period's weight.

- ``even``: every calendar day weighs 1;
- ``workdays``: Chinese working days weigh 1, public holidays and weekends 0, make-up working days (调休) 1
  (:mod:`kpi_engine.workdays`; Monday to Friday in a year the holiday calendar does not cover, with a note);
- ``last_year``: a day weighs what the same metric did on the same date a year earlier (``history``:
  {last year's date: value}, read through the metric query layer by :mod:`kpi_engine.plans.split`). Without
  any history the split is even, with a note; a month of last year without data weighs last year's average
  day (the months are named in a note);
- ``promo``: a base method (``even``, ``workdays`` or ``last_year``) with the days of promotion events
  (618 = 1–18 June, Double 11 = 20 October – 11 November by default) multiplied by their editable uplift
  weight (2 = a promotion day counts double); a day inside two events takes the larger weight.

A target that is a whole number (leads, wins, yuan) is split so that every month is a whole number and the
months add up to the total exactly (largest-remainder rounding); each month is then spread over its days by
their weights, so a day's value may be fractional. Weeks are rounded the same way for display. Ratio targets
(CPL, conversion rates) and stocks are never split: their target is the rate itself, every day and month.

Pure functions; no database, no Streamlit. The saved form (:func:`to_saved` / :func:`parse_saved`) is what a
plan KPI keeps in ``extra["split"]``; its ``days`` drive pacing (:func:`kpi_engine.pacing.method_for`).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from kpi_engine import periods, workdays

METHODS: tuple[str, ...] = ("even", "workdays", "last_year", "promo")
BASES: tuple[str, ...] = ("even", "workdays", "last_year")
K = TypeVar("K", bound=Hashable)


@dataclass(frozen=True)
class PromoEvent:
    """A promotion: its days (inclusive) weigh ``weight`` times their base weight."""

    name: str
    start: dt.date
    end: dt.date
    weight: float = 2.0


def default_events(start: dt.date, end: dt.date) -> tuple[PromoEvent, ...]:
    """618 (1–18 June) and Double 11 (20 October – 11 November) of every year of [start, end], uplift 2,
    keeping those that meet the range."""
    found = []
    for y in range(start.year, end.year + 1):
        for ev in (PromoEvent("618", dt.date(y, 6, 1), dt.date(y, 6, 18)),
                   PromoEvent("Double 11", dt.date(y, 10, 20), dt.date(y, 11, 11))):
            if ev.start <= end and ev.end >= start:
                found.append(ev)
    return tuple(found)


@dataclass(frozen=True)
class Split:
    """A target split over the days of [start, end]: ``days`` {date: value} add up to ``total``.

    ``notes`` are i18n keys (``split_note_*``) of fallbacks taken; ``gaps`` last year's months (YYYY-MM)
    without data.
    """

    total: float
    start: dt.date
    end: dt.date
    method: str
    base: str
    events: tuple[PromoEvent, ...]
    days: dict[dt.date, float] = field(hash=False)
    integer: bool = False
    notes: tuple[str, ...] = ()
    gaps: tuple[str, ...] = ()

    def cumulative(self, day: dt.date) -> float:
        """The split's target from the first day up to and including ``day``."""
        return sum(v for d, v in self.days.items() if d <= day)

    def months(self) -> dict[dt.date, float]:
        """Target per month (keyed by its first day); whole numbers for a whole-number total."""
        out: dict[dt.date, float] = {}
        for d, v in self.days.items():
            key = d.replace(day=1)
            out[key] = out.get(key, 0.0) + v
        return {k: float(round(v)) for k, v in out.items()} if self.integer else out

    def weeks(self) -> dict[str, float]:
        """Target per ISO week (``2026-W23``; the period's first and last weeks may be partial), whole numbers
        adding up to the total for a whole-number total."""
        out: dict[str, float] = {}
        for d, v in self.days.items():
            year, week, _ = d.isocalendar()
            key = f"{year}-W{week:02d}"
            out[key] = out.get(key, 0.0) + v
        return {k: float(n) for k, n in largest_remainder(out, round(self.total)).items()} if self.integer else out

    def weights(self) -> dict[str, float]:
        """The per-day profile pacing uses ({ISO date: value}, 6 decimals)."""
        return {d.isoformat(): round(v, 6) for d, v in sorted(self.days.items())}


def largest_remainder(values: Mapping[K, float], total: int) -> dict[K, int]:
    """Whole numbers close to ``values`` that add up to ``total``: floors, then +1 to the largest remainders."""
    if not values:
        return {}
    scale = sum(values.values())
    exact = {k: (v * total / scale if scale else total / len(values)) for k, v in values.items()}
    out = {k: math.floor(v) for k, v in exact.items()}
    left = total - sum(out.values())
    order = sorted(exact, key=lambda k: (-(exact[k] - out[k]), list(exact).index(k)))
    for k in order[:max(0, left)]:
        out[k] += 1
    return out


def _days(start: dt.date, end: dt.date) -> list[dt.date]:
    return [start + dt.timedelta(days=i) for i in range(periods.days_in(start, end))]


def _last_year_weights(days: list[dt.date], history: Mapping[dt.date, float] | None,
                       notes: list[str], gaps: list[str]) -> dict[dt.date, float]:
    hist = {periods.to_date(k): max(0.0, float(v)) for k, v in (history or {}).items() if v == v}
    weights = {d: hist.get(periods.shift_months(d, -12), 0.0) for d in days}
    if sum(weights.values()) <= 0:
        notes.append("split_note_no_history")
        return dict.fromkeys(days, 1.0)
    by_month: dict[dt.date, list[dt.date]] = {}
    for d in days:
        by_month.setdefault(d.replace(day=1), []).append(d)
    empty = [m for m, ds in by_month.items() if sum(weights[d] for d in ds) <= 0]
    if empty:
        full = [d for m, ds in by_month.items() if m not in empty for d in ds]
        mean = sum(weights[d] for d in full) / len(full)
        for m in empty:
            weights.update(dict.fromkeys(by_month[m], mean))
        notes.append("split_note_gaps")
        gaps.extend(periods.shift_months(m, -12).strftime("%Y-%m") for m in empty)
    return weights


def day_weights(start: dt.date, end: dt.date, method: str = "even", *, base: str = "even",
                events: Sequence[PromoEvent] = (), history: Mapping[dt.date, float] | None = None,
                notes: list[str] | None = None, gaps: list[str] | None = None) -> dict[dt.date, float]:
    """Every day's weight under ``method`` (see the module docstring); fallbacks are appended to ``notes``."""
    if end < start:
        raise ValueError(f"the period ends ({end}) before it starts ({start})")
    if method not in METHODS:
        raise ValueError(f"unknown split method {method!r}; use one of: {', '.join(METHODS)}")
    notes = [] if notes is None else notes
    gaps = [] if gaps is None else gaps
    days = _days(start, end)
    kind = base if method == "promo" else method
    if kind not in BASES:
        raise ValueError(f"unknown base method {base!r} for promo; use one of: {', '.join(BASES)}")
    if kind == "workdays":
        weights = {d: 1.0 if workdays.is_workday(d) else 0.0 for d in days}
        if workdays.uncovered_years(start, end):
            notes.append("split_note_uncovered")
    elif kind == "last_year":
        weights = _last_year_weights(days, history, notes, gaps)
    else:
        weights = dict.fromkeys(days, 1.0)
    if method == "promo":
        for d in days:
            uplift = [ev.weight for ev in events if ev.start <= d <= ev.end]
            if uplift:
                weights[d] *= max(uplift)
    if sum(weights.values()) <= 0:
        notes.append("split_note_all_zero")
        return dict.fromkeys(days, 1.0)
    return weights


def from_weights(total: float, weights: Mapping[dt.date, float], *, integer: bool | None = None) -> dict[dt.date, float]:
    """``total`` spread over the days by ``weights``; whole-number months for a whole-number total."""
    whole = float(total).is_integer() if integer is None else integer
    scale = sum(weights.values())
    if scale <= 0:
        weights, scale = dict.fromkeys(weights, 1.0), float(len(weights))
    if not whole:
        return {d: total * w / scale for d, w in weights.items()}
    month_w: dict[dt.date, float] = {}
    for d, w in weights.items():
        month_w[d.replace(day=1)] = month_w.get(d.replace(day=1), 0.0) + w
    month_n = largest_remainder(month_w, round(total))
    out: dict[dt.date, float] = {}
    for d, w in weights.items():
        m = d.replace(day=1)
        out[d] = month_n[m] * w / month_w[m] if month_w[m] > 0 else 0.0
    return out


def split(total: float, start: dt.date, end: dt.date, method: str = "even", *, base: str = "even",
          events: Iterable[PromoEvent] | None = None, history: Mapping[dt.date, float] | None = None) -> Split:
    """Split ``total`` over [start, end] by ``method``; ``events`` default to :func:`default_events` for promo."""
    start, end = periods.to_date(start), periods.to_date(end)
    evs = tuple(default_events(start, end) if events is None else events) if method == "promo" else ()
    notes: list[str] = []
    gaps: list[str] = []
    weights = day_weights(start, end, method, base=base, events=evs, history=history, notes=notes, gaps=gaps)
    integer = float(total).is_integer()
    return Split(float(total), start, end, method, base if method == "promo" else method, evs,
                 from_weights(total, weights, integer=integer), integer, tuple(notes), tuple(gaps))


def rescaled(saved: Split, total: float) -> Split:
    """The same split (its day shape) for another total: a base target changed after the split was made."""
    integer = float(total).is_integer()
    return Split(float(total), saved.start, saved.end, saved.method, saved.base, saved.events,
                 from_weights(total, saved.days, integer=integer), integer, saved.notes, saved.gaps)


# --- the saved form (Kpi.extra["split"], YAML) -------------------------------------------------------------------


def to_saved(s: Split) -> dict[str, Any]:
    """The split as plain data for a plan version and its YAML file."""
    out: dict[str, Any] = {"method": s.method}
    if s.method == "promo":
        out["base"] = s.base
        out["events"] = [{"name": e.name, "start": e.start.isoformat(), "end": e.end.isoformat(),
                          "weight": float(e.weight)} for e in s.events]
    if s.notes:
        out["notes"] = list(s.notes)
    if s.gaps:
        out["gaps"] = list(s.gaps)
    out["days"] = s.weights()
    return out


def _date(value: object) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value).strip())


def parse_events(raw: object, problems: list[str]) -> tuple[PromoEvent, ...]:
    """Promotion events from a list of {name, start, end, weight}; every problem appended to ``problems``."""
    if raw is None:
        return ()
    if not isinstance(raw, list | tuple):
        problems.append("split: events must be a list of {name, start, end, weight}")
        return ()
    out = []
    for i, item in enumerate(raw, start=1):
        if isinstance(item, PromoEvent):
            out.append(item)
            continue
        if not isinstance(item, Mapping):
            problems.append(f"split: event {i} must be a mapping with name, start, end and weight")
            continue
        name = str(item.get("name") or "").strip() or f"event {i}"
        try:
            start, end = _date(item.get("start")), _date(item.get("end"))
        except ValueError:
            problems.append(f"split: event {name}: start and end must be dates (2026-06-01)")
            continue
        try:
            weight = float(item.get("weight", 2.0)) if not isinstance(item.get("weight"), bool) else math.nan
        except (TypeError, ValueError):
            weight = math.nan
        if end < start:
            problems.append(f"split: event {name} ends ({end}) before it starts ({start})")
        elif not math.isfinite(weight) or weight < 0:
            problems.append(f"split: event {name}: the weight must be a number ≥ 0 (2 = double), not {item.get('weight')!r}")
        else:
            out.append(PromoEvent(name, start, end, weight))
    return tuple(out)


def parse_saved(raw: object) -> tuple[dict[str, Any] | None, list[str]]:
    """A saved split in canonical form (or None) and every problem with it."""
    if raw is None or raw == {}:
        return None, []
    if not isinstance(raw, Mapping):
        return None, [f"split must be a mapping with method and days, not {raw!r}"]
    problems: list[str] = []
    method = str(raw.get("method") or "").strip().lower()
    if method not in METHODS:
        problems.append(f"split: method must be one of {', '.join(METHODS)}, not {raw.get('method')!r}")
    out: dict[str, Any] = {"method": method}
    if method == "promo":
        base = str(raw.get("base") or "even").strip().lower()
        if base not in BASES:
            problems.append(f"split: base must be one of {', '.join(BASES)}, not {raw.get('base')!r}")
        out["base"] = base
        out["events"] = [{"name": e.name, "start": e.start.isoformat(), "end": e.end.isoformat(),
                          "weight": float(e.weight)} for e in parse_events(raw.get("events"), problems)]
    for key in ("notes", "gaps"):
        if raw.get(key):
            out[key] = [str(x) for x in raw[key]]
    days: dict[str, float] = {}
    for k, v in (raw.get("days") or {}).items() if isinstance(raw.get("days"), Mapping) else ():
        try:
            d = _date(k)
            w = float(v) if not isinstance(v, bool) else math.nan
        except (TypeError, ValueError):
            problems.append(f"split: day {k!r}: {v!r} is not a date with a number ≥ 0")
            continue
        if not math.isfinite(w) or w < 0:
            problems.append(f"split: day {k}: the value must be a number ≥ 0, not {v!r}")
            continue
        days[d.isoformat()] = round(w, 6)
    if not days:
        problems.append("split: days (the value of every day of the period) are missing")
    out["days"] = dict(sorted(days.items()))
    return out, problems


def from_saved(saved: Mapping[str, Any], total: float | None = None) -> Split:
    """A :class:`Split` from its saved form, rescaled to ``total`` when given (the KPI's current base)."""
    days = {dt.date.fromisoformat(k): float(v) for k, v in saved["days"].items()}
    problems: list[str] = []
    whole = sum(days.values())
    s = Split(whole, min(days), max(days), saved["method"], saved.get("base", saved["method"]),
              parse_events(saved.get("events"), problems), days, abs(whole - round(whole)) < 1e-6, tuple(saved.get("notes") or ()),
              tuple(saved.get("gaps") or ()))
    return s if total is None else rescaled(s, total)
