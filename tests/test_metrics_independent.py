"""Every metric against an independent computation: random fixtures, every scope and grain, the demo data (on DuckDB and PostgreSQL)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.engine import Engine

from kpi_engine.metrics import registry
from kpi_engine.metrics.query import compute
from tests.test_metrics import same
from tests.test_metrics_full import (
    D,
    full,  # noqa: F401  (the fixture, shared)
)


@pytest.fixture
def random_full(engine: Engine) -> Engine:
    from tests.metrics_fixture import load_random, load_random_customers

    load_random(engine, seed=42)
    load_random_customers(engine, seed=7)
    return engine


def _compare_customers(frame: object, ref: object, by: str | None, grain: str | None, label: str) -> None:
    import pandas as pd

    from tests.metrics_reference import CUSTOMER_METRICS, KEY

    assert isinstance(frame, pd.DataFrame) and isinstance(ref, pd.DataFrame)
    key_col = KEY[by] if by else None
    got = {}
    for row in frame.to_dict(orient="records"):
        got[(row[key_col] if key_col else "", row["period_start"] if grain else None)] = row
    want = {(r["key"], r["period_start"] if grain else None): r for r in ref.to_dict(orient="records")}
    assert sorted(got, key=str) == sorted(want, key=str), f"{label}: rows differ"
    bad = [(k, m, got[k][m], want[k][m]) for k in want for m in CUSTOMER_METRICS
           if not same(got[k][m], None if pd.isna(want[k][m]) else want[k][m])]
    assert not bad, f"{label}: (row, metric, got, reference) {bad[:5]}"


def test_customer_metrics_match_an_independent_computation(random_full: Engine) -> None:
    from tests.metrics_reference import CUSTOMER_METRICS, customer_reference, read

    raw = read(random_full)
    grains = {None: (None, "day", "week", "month", "quarter"), "channel": (None, "week", "year"),
              "person": (None, "month"), "team": (None, "quarter"), "campaign": (None, "month")}
    cases = [(by, grain, None, None) for by, gs in grains.items() for grain in gs]
    cases += [(None, None, D(2025, 6, 10), D(2026, 1, 20)), ("person", "month", D(2025, 6, 10), D(2026, 1, 20)),
              ("channel", "week", D(2025, 12, 17), D(2026, 1, 13))]
    for by, grain, start, end in cases:
        frame = compute(random_full, CUSTOMER_METRICS, by=by, grain=grain, start=start, end=end)
        ref = customer_reference(raw, by, grain, start, end)
        if by is None and grain:  # the department series is dense: every period in the range
            lo, hi = start or min(ref["period_start"]), end or periods_end(ref, grain)
            assert list(frame["period_start"]) == periods_list(lo, hi, grain)
            frame = frame[frame["period_start"].isin(set(ref["period_start"]))]
        _compare_customers(frame, ref, by, grain, f"by={by} grain={grain} {start}..{end}")


def periods_list(lo: dt.date, hi: dt.date, grain: str) -> list[dt.date]:
    from kpi_engine import periods

    return periods.period_starts(lo, hi, grain)


def periods_end(ref: object, grain: str) -> dt.date:
    from kpi_engine import periods

    return periods.period_end(max(ref["period_start"]), grain)  # type: ignore[index]


@pytest.mark.parametrize("metric", ["ugc_count", "followers", "cross_dept_satisfaction"])
def test_manual_metrics_match_an_independent_computation(random_full: Engine, metric: str) -> None:
    from tests.metrics_reference import manual_reference, read

    raw = read(random_full)
    for by, scope_type in ((None, ""), ("channel", "channel"), ("person", "person"), ("team", "team")):
        for grain in (None, "day", "week", "month", "quarter", "year"):
            frame = compute(random_full, [metric], by=by, grain=grain)
            key = {"channel": "channel_id", "person": "person_id", "team": "team"}.get(by or "")
            got = {(row[key] if key else "", row["period_start"] if grain else None): row[metric]
                   for row in frame.to_dict(orient="records") if not (row[metric] != row[metric])}
            want = manual_reference(raw, metric, scope_type, grain)
            assert set(got) == set(want), f"{metric} by={by} grain={grain}: {sorted(got, key=str)[:3]}"
            assert all(same(got[k], want[k]) for k in want), f"{metric} by={by} grain={grain}"
            if by:  # rows only where something was reported
                assert len(frame) == len(want)
    # filtered to two channels: one department value per quarter
    frame = compute(random_full, [metric], grain="quarter", where={"channel": ["ch0", "ch1"]})
    want = manual_reference(raw, metric, "channel", "quarter", ["ch0", "ch1"])
    got = {("", p): v for p, v in zip(frame["period_start"], frame[metric], strict=True) if v == v}
    assert set(got) == set(want) and all(same(got[k], want[k]) for k in want)


SCOPE_SETS: list[object] = [None, "team", "channel", "person", "campaign", ("team", "person")]


def _check_all(engine: Engine, start: dt.date | None = None, end: dt.date | None = None) -> int:
    """Compute every metric (helpers too) at every scope and grain; check columns and types; return the rows seen."""
    import numpy as np

    from kpi_engine import periods
    from kpi_engine.metrics.compile import KEY_COLUMNS, normalize_by

    ids = registry.metric_ids(include_helpers=True)
    seen = 0
    for by in SCOPE_SETS:
        keys = [KEY_COLUMNS[s] for s in normalize_by(by)]  # type: ignore[arg-type]
        for grain in (None, *periods.QUERY_GRAINS):
            frame = compute(engine, ids, by=by, grain=grain, start=start, end=end)  # type: ignore[arg-type]
            assert list(frame.columns) == [*keys, *(["period_start"] if grain else []), *ids], (by, grain)
            values = frame[ids].to_numpy(dtype=float)
            assert not np.isinf(values).any(), (by, grain)
            counts = [m for m in ids if registry.METRICS[m].type == "simple" and registry.METRICS[m].calc.agg == "count"]
            assert all(frame[m].dtype == "int64" for m in counts), (by, grain)
            seen += len(frame)
    return seen


def test_every_metric_by_every_scope_and_grain_on_the_fixture(full: Engine) -> None:
    assert _check_all(full) > 100
    frame = compute(full, registry.metric_ids(), by="person", grain="range", start=D(2026, 12, 15), end=D(2027, 1, 3))
    assert list(frame["period_start"].unique()) == [D(2026, 12, 15)] and len(frame) == 4  # "", ann, bob, cat


def test_every_metric_by_every_scope_and_grain_on_demo_data(engine: Engine) -> None:
    from kpi_engine import demo

    demo.generate(engine, end=D(2026, 9, 16), months=3, scale=0.15)
    assert _check_all(engine) > 1000
    # the demo's reports show up: team UGC per month, channel followers, a person's content
    monthly = compute(engine, ["ugc_count", "followers", "content_published"], grain="month")
    assert monthly[["ugc_count", "followers", "content_published"]].notna().all().all()
    by_channel = compute(engine, ["followers"], by="channel")
    assert set(by_channel["channel_id"]) == {"douyin_video", "xiaohongshu", "wechat_mp"}
