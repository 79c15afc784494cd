"""Metrics: registry declarations, and compute() on real DuckDB and PostgreSQL.

Expected values are worked out by hand from tests/metrics_fixture.py (its docstring
lists every lead and spend row). None means "no value" (a zero denominator).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math

import pandas as pd
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from kpi_engine import periods, rollups, schema
from kpi_engine.metrics import registry
from kpi_engine.metrics.compile import compile_request, make_request
from kpi_engine.metrics.query import compute, total
from kpi_engine.settings import Settings
from tests.metrics_fixture import load_small

D = dt.date
BASE = ["leads", "mqls", "sqls", "wins", "revenue", "spend", "impressions", "clicks",
        "high_value_leads", "responded_leads", "leads_within_sla"]
RATIOS = ["lead_to_mql", "mql_to_sql", "lead_to_customer", "high_value_share", "cpl", "cost_per_mql", "cac", "roi",
          "roas", "expense_ratio", "aov_new", "ctr", "cpc", "cpm", "response_hours", "response_sla"]
ALL = BASE + RATIOS
N = None

# Whole department, all the data.
DEPARTMENT = [6, 5, 3, 2, 12000, 580, 47000, 470, 3, 5, 4] + [
    5 / 6, 3 / 5, 2 / 6, 3 / 6, 580 / 6, 580 / 5, 580 / 2, (12000 - 580) / 580, 12000 / 580, 580 / 12000, 12000 / 2,
    470 / 47000, 580 / 470, 580 / 47000 * 1000, 7.5 / 5, 4 / 6]

# key -> BASE + RATIOS, per scope (all the data).
BY_SCOPE: dict[str, dict[str, list]] = {
    "channel": {
        "ch_a": [3, 3, 2, 1, 4000, 240, 17000, 270, 1, 3, 2] + [
            1, 2 / 3, 1 / 3, 1 / 3, 80, 80, 240, (4000 - 240) / 240, 4000 / 240, 0.06, 4000,
            270 / 17000, 240 / 270, 240 / 17000 * 1000, 5 / 3, 2 / 3],
        "ch_b": [2, 1, 1, 1, 8000, 300, 30000, 200, 1, 1, 1] + [
            0.5, 1, 0.5, 0.5, 150, 300, 300, (8000 - 300) / 300, 8000 / 300, 0.0375, 8000,
            200 / 30000, 1.5, 10, 2, 0.5],
        # leads but no spend: no cost per lead or per MQL (never ¥0)
        "ch_c": [1, 1, 0, 0, 0, 0, 0, 0, 1, 1, 1] + [1, 0, 0, 1, N, N, N, N, N, N, N, N, N, N, 0.5, 1],
        # spend but no leads: still a row
        "ch_d": [0, 0, 0, 0, 0, 40, 0, 0, 0, 0, 0] + [N, N, N, N, N, N, N, -1, 0, N, N, N, N, N, N, N],
    },
    "person": {
        # L5 has no owner; spend S3, S6 (no campaign) and S7 (c3 has no owner) have no person
        "": [1, 1, 0, 0, 0, 130, 2000, 20, 1, 1, 1] + [1, 0, 0, 1, 130, 130, N, -1, 0, N, N, 0.01, 6.5, 65, 0.5, 1],
        "ann": [3, 3, 2, 1, 4000, 150, 15000, 250, 1, 3, 2] + [
            1, 2 / 3, 1 / 3, 1 / 3, 50, 50, 150, (4000 - 150) / 150, 4000 / 150, 150 / 4000, 4000,
            250 / 15000, 0.6, 10, 5 / 3, 2 / 3],
        "bob": [1, 1, 1, 1, 8000, 300, 30000, 200, 1, 1, 1] + [
            1, 1, 1, 1, 300, 300, 300, (8000 - 300) / 300, 8000 / 300, 0.0375, 8000, 200 / 30000, 1.5, 10, 2, 1],
        "cat": [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0] + [0, N, 0, 0, N, N, N, N, N, N, N, N, N, N, N, 0],
    },
    "team": {
        # cat (no team) and the unowned facts
        "": [2, 1, 0, 0, 0, 130, 2000, 20, 1, 1, 1] + [0.5, 0, 0, 0.5, 65, 130, N, -1, 0, N, N, 0.01, 6.5, 65, 0.5, 0.5],
        "brand": [1, 1, 1, 1, 8000, 300, 30000, 200, 1, 1, 1] + [
            1, 1, 1, 1, 300, 300, 300, (8000 - 300) / 300, 8000 / 300, 0.0375, 8000, 200 / 30000, 1.5, 10, 2, 1],
        "growth": [3, 3, 2, 1, 4000, 150, 15000, 250, 1, 3, 2] + [
            1, 2 / 3, 1 / 3, 1 / 3, 50, 50, 150, (4000 - 150) / 150, 4000 / 150, 150 / 4000, 4000,
            250 / 15000, 0.6, 10, 5 / 3, 2 / 3],
    },
    "campaign": {
        # L4, L5 and spend S3, S6 have no campaign
        "": [2, 1, 0, 0, 0, 70, 0, 0, 1, 1, 1] + [0.5, 0, 0, 0.5, 35, 70, N, -1, 0, N, N, N, N, N, 0.5, 0.5],
        "c1": [2, 2, 1, 1, 4000, 150, 15000, 250, 1, 2, 1] + [
            1, 0.5, 0.5, 0.5, 75, 75, 150, (4000 - 150) / 150, 4000 / 150, 150 / 4000, 4000,
            250 / 15000, 0.6, 10, 2, 0.5],
        "c2": [1, 1, 1, 1, 8000, 300, 30000, 200, 1, 1, 1] + [
            1, 1, 1, 1, 300, 300, 300, (8000 - 300) / 300, 8000 / 300, 0.0375, 8000, 200 / 30000, 1.5, 10, 2, 1],
        "c3": [1, 1, 1, 0, 0, 60, 2000, 20, 0, 1, 1] + [1, 1, 0, 0, 60, 60, N, -1, 0, N, N, 0.01, 3, 30, 1, 1],
    },
}
KEY = {"channel": "channel_id", "person": "person_id", "team": "team", "campaign": "campaign_id"}

GRAIN_METRICS = ["leads", "mqls", "sqls", "wins", "revenue", "spend", "impressions", "clicks", "cpl", "lead_to_mql",
                 "aov_new", "roi"]
# Department by grain (every period between the first and last event, zeros where nothing happened).
DEPARTMENT_BY_GRAIN: dict[str, dict[dt.date, list]] = {
    "week": {
        D(2026, 11, 30): [2, 2, 1, 0, 0, 180, 15000, 250, 90, 1, N, -1],  # Mon 30 Nov .. Sun 6 Dec
        D(2026, 12, 7): [0, 0, 0, 0, 0, 0, 0, 0, N, N, N, N],
        D(2026, 12, 14): [0, 0, 0, 1, 4000, 0, 0, 0, N, N, 4000, N],  # L1 won on Sunday 20 Dec
        D(2026, 12, 21): [0, 0, 0, 0, 0, 0, 0, 0, N, N, N, N],
        D(2026, 12, 28): [3, 2, 1, 0, 0, 360, 32000, 220, 120, 2 / 3, N, -1],  # 2026-W53 .. Sun 3 Jan 2027
        D(2027, 1, 4): [1, 1, 1, 1, 8000, 40, 0, 0, 40, 1, 8000, 199],
    },
    "month": {
        D(2026, 11, 1): [1, 0, 0, 0, 0, 150, 15000, 250, 150, 0, N, -1],
        D(2026, 12, 1): [3, 3, 1, 1, 4000, 290, 22000, 120, 290 / 3, 1, 4000, (4000 - 290) / 290],
        D(2027, 1, 1): [2, 2, 2, 1, 8000, 140, 10000, 100, 70, 1, 8000, (8000 - 140) / 140],
    },
    "quarter": {
        D(2026, 10, 1): [4, 3, 1, 1, 4000, 440, 37000, 370, 110, 0.75, 4000, (4000 - 440) / 440],
        D(2027, 1, 1): [2, 2, 2, 1, 8000, 140, 10000, 100, 70, 1, 8000, (8000 - 140) / 140],
    },
    "year": {
        D(2026, 1, 1): [4, 3, 1, 1, 4000, 440, 37000, 370, 110, 0.75, 4000, (4000 - 440) / 440],
        D(2027, 1, 1): [2, 2, 2, 1, 8000, 140, 10000, 100, 70, 1, 8000, (8000 - 140) / 140],
    },
}
# Department by day over 2026-12-28 .. 2027-01-05 (across the year end).
DEPARTMENT_DAYS: dict[dt.date, list] = {
    D(2026, 12, 28): [0, 0, 0, 0, 0, 0, 0, 0, N, N, N, N],
    D(2026, 12, 29): [1, 0, 0, 0, 0, 200, 20000, 100, 200, 0, N, -1],
    D(2026, 12, 30): [0, 0, 0, 0, 0, 0, 0, 0, N, N, N, N],
    D(2026, 12, 31): [1, 1, 0, 0, 0, 60, 2000, 20, 60, 1, N, -1],  # L6 at 23:00, MQL at 23:30
    D(2027, 1, 1): [1, 0, 1, 0, 0, 0, 0, 0, N, 0, N, N],  # L4; L6 became SQL at 00:30; no spend: no CPL
    D(2027, 1, 2): [0, 1, 0, 0, 0, 100, 10000, 100, N, N, N, -1],
    D(2027, 1, 3): [0, 0, 0, 0, 0, 0, 0, 0, N, N, N, N],
    D(2027, 1, 4): [1, 1, 1, 0, 0, 40, 0, 0, 40, 1, N, -1],
    D(2027, 1, 5): [0, 0, 0, 1, 8000, 0, 0, 0, N, N, 8000, N],
}
SCOPED_GRAIN_METRICS = ["leads", "mqls", "sqls", "wins", "revenue", "spend"]
# (scope, grain) -> {(key, period_start): SCOPED_GRAIN_METRICS}; only scope/periods with data.
SCOPED_BY_GRAIN: dict[tuple[str, str], dict[tuple[str, dt.date], list]] = {
    ("channel", "week"): {
        ("ch_a", D(2026, 11, 30)): [2, 2, 1, 0, 0, 180],
        ("ch_a", D(2026, 12, 14)): [0, 0, 0, 1, 4000, 0],
        ("ch_a", D(2026, 12, 28)): [1, 1, 1, 0, 0, 60],
        ("ch_b", D(2026, 12, 28)): [2, 1, 0, 0, 0, 300],
        ("ch_b", D(2027, 1, 4)): [0, 0, 1, 1, 8000, 0],
        ("ch_c", D(2027, 1, 4)): [1, 1, 0, 0, 0, 0],
        ("ch_d", D(2027, 1, 4)): [0, 0, 0, 0, 0, 40],
    },
    ("team", "week"): {
        ("", D(2026, 11, 30)): [0, 0, 0, 0, 0, 30],
        ("", D(2026, 12, 28)): [1, 0, 0, 0, 0, 60],
        ("", D(2027, 1, 4)): [1, 1, 0, 0, 0, 40],
        ("brand", D(2026, 12, 28)): [1, 1, 0, 0, 0, 300],
        ("brand", D(2027, 1, 4)): [0, 0, 1, 1, 8000, 0],
        ("growth", D(2026, 11, 30)): [2, 2, 1, 0, 0, 150],
        ("growth", D(2026, 12, 14)): [0, 0, 0, 1, 4000, 0],
        ("growth", D(2026, 12, 28)): [1, 1, 1, 0, 0, 0],
    },
    ("person", "month"): {
        ("", D(2026, 12, 1)): [0, 0, 0, 0, 0, 90],
        ("", D(2027, 1, 1)): [1, 1, 0, 0, 0, 40],
        ("ann", D(2026, 11, 1)): [1, 0, 0, 0, 0, 150],
        ("ann", D(2026, 12, 1)): [2, 3, 1, 1, 4000, 0],
        ("ann", D(2027, 1, 1)): [0, 0, 1, 0, 0, 0],
        ("bob", D(2026, 12, 1)): [1, 0, 0, 0, 0, 200],
        ("bob", D(2027, 1, 1)): [0, 1, 1, 1, 8000, 100],
        ("cat", D(2027, 1, 1)): [1, 0, 0, 0, 0, 0],
    },
    ("campaign", "day"): {
        ("", D(2026, 12, 2)): [0, 0, 0, 0, 0, 30],
        ("", D(2027, 1, 1)): [1, 0, 0, 0, 0, 0],
        ("", D(2027, 1, 4)): [1, 1, 0, 0, 0, 40],
        ("c1", D(2026, 11, 30)): [1, 0, 0, 0, 0, 150],
        ("c1", D(2026, 12, 1)): [0, 1, 0, 0, 0, 0],
        ("c1", D(2026, 12, 2)): [1, 1, 0, 0, 0, 0],
        ("c1", D(2026, 12, 3)): [0, 0, 1, 0, 0, 0],
        ("c1", D(2026, 12, 20)): [0, 0, 0, 1, 4000, 0],
        ("c2", D(2026, 12, 29)): [1, 0, 0, 0, 0, 200],
        ("c2", D(2027, 1, 2)): [0, 1, 0, 0, 0, 100],
        ("c2", D(2027, 1, 4)): [0, 0, 1, 0, 0, 0],
        ("c2", D(2027, 1, 5)): [0, 0, 0, 1, 8000, 0],
        ("c3", D(2026, 12, 31)): [1, 1, 0, 0, 0, 60],
        ("c3", D(2027, 1, 1)): [0, 0, 1, 0, 0, 0],
    },
}


def same(actual: object, expected: object) -> bool:
    """Equal within float noise; None/NaN only equal each other (never 0, never inf)."""
    if expected is None:
        return actual is None or (isinstance(actual, float) and math.isnan(actual))
    if actual is None or (isinstance(actual, float) and not math.isfinite(actual)):
        return False
    return math.isclose(float(actual), float(expected), rel_tol=1e-9, abs_tol=1e-9)  # type: ignore[arg-type]


def assert_rows(frame: pd.DataFrame, keys: list[str], metrics: list[str], expected: dict) -> None:
    """``expected``: {key value or tuple of key values: [metric values]}; the frame must have exactly these rows."""
    got = {}
    for row in frame.to_dict(orient="records"):
        key = tuple(row[k] for k in keys)
        got[key if len(key) > 1 else key[0]] = [row[m] for m in metrics]
    assert list(got) == list(expected), f"rows: {list(got)}"
    problems = [(key, m, got[key][i], want[i]) for key, want in expected.items() for i, m in enumerate(metrics)
                if not same(got[key][i], want[i])]
    assert not problems, f"(key, metric, got, expected): {problems}"


@pytest.fixture(params=["facts", "rollups"])
def small(engine: Engine, request: pytest.FixtureRequest) -> Engine:
    """The hand-checked dataset, read from the facts, or (the same expected values) through the daily rollups."""
    load_small(engine)
    if request.param == "rollups":
        with engine.begin() as conn:
            rollups.rebuild(conn)
            tokens = {rollups.setting_token(m.id) for r in rollups.ROLLUPS.values() for m in r.metrics
                      if rollups.setting_names(m)}  # high-value leads, the response SLA: read from the rollup too
            assert rollups.usable(conn) == frozenset(rollups.ROLLED_FACTS) | tokens
    return engine


# --- Registry --------------------------------------------------------------------------

ISSUE_2_METRICS = ["leads", "mqls", "sqls", "wins", "revenue", "spend", "impressions", "clicks", "lead_to_mql",
                   "mql_to_sql", "lead_to_customer", "cpl", "cac", "roi", "ctr", "cpc", "cpm"]


def test_registry_declares_every_metric_with_both_languages() -> None:
    ids = registry.metric_ids()
    assert set(ISSUE_2_METRICS + ["cost_per_mql", "roas", "expense_ratio", "aov_new", "high_value_share",
                                  "response_hours", "response_sla"]) <= set(ids)
    for m in registry.METRICS.values():
        for field in ("name", "description", "formula"):
            for lang in ("en", "zh"):
                assert m.text(field, lang).strip(), f"{m.id}: empty {field}_{lang}"
        assert m.unit in registry.UNITS and m.direction in registry.DIRECTIONS
        assert m.facts and set(m.facts) <= {"leads", "spend", "customers", "orders", "survey_responses", "metric_values"}
        assert m.additive == (m.type == "simple" or (m.type == "manual" and m.calc.additive))
        for dep in registry.dependencies(m.calc):  # the formula text names what the calculation uses
            assert dep in m.formula_en, f"{m.id}: formula text does not mention {dep}"


def test_registry_types_and_units() -> None:
    m = registry.METRICS
    assert (m["leads"].type, m["leads"].unit, m["leads"].direction, m["leads"].facts) == ("simple", "count", "higher", ("leads",))
    assert (m["spend"].unit, m["spend"].direction) == ("money", "lower")
    assert (m["cpl"].type, m["cpl"].unit, m["cpl"].direction, m["cpl"].facts) == ("ratio", "money", "lower", ("spend", "leads"))
    assert (m["roi"].type, m["roi"].unit, m["roi"].additive) == ("derived", "ratio", False)
    assert m["response_hours"].unit == "hours" and m["response_sla"].unit == "ratio"
    assert "campaigns the person owns" in m["spend"].description_en
    assert m["response_hours_total"].helper and "response_hours_total" not in registry.metric_ids()
    with pytest.raises(dataclasses.FrozenInstanceError):
        m["leads"].unit = "money"  # type: ignore[misc]


def test_texts_follow_settings() -> None:
    hv = registry.METRICS["high_value_leads"]
    assert "≥ 5000" in hv.formula("en")
    assert "≥ 8000" in hv.formula("zh", Settings(high_value_threshold=8000))
    assert "within 3 hours" in registry.METRICS["response_sla"].description("en", Settings(response_sla_hours=3))


def test_registry_rejects_bad_declarations() -> None:
    leads = registry.METRICS["leads"]
    bad_ref = registry.Metric("x", "X", "X", "d", "d", "f", "f", "ratio", "higher", registry.Ratio("leads", "nope"))
    with pytest.raises(ValueError, match="unknown metric 'nope'"):
        registry._build((leads, bad_ref))
    loop = registry.Metric("y", "Y", "Y", "d", "d", "f", "f", "ratio", "higher", registry.Ratio("y", "leads"))
    with pytest.raises(ValueError, match="cycle"):
        registry._build((leads, loop))
    with pytest.raises(ValueError, match="declared twice"):
        registry._build((leads, leads))


def test_unknown_metric_lists_the_valid_ones(small: Engine) -> None:
    with pytest.raises(ValueError, match=r"unknown metric\(s\): nps_x; valid metrics: leads, mqls, .*cpm"):
        compute(small, ["leads", "nps_x"])
    with pytest.raises(ValueError, match="unknown scope region"):
        compute(small, ["leads"], by="region")
    with pytest.raises(ValueError, match="unknown grain"):
        compute(small, ["leads"], grain="fortnight")
    with pytest.raises(ValueError, match="before it starts"):
        compute(small, ["leads"], start=D(2027, 1, 2), end=D(2027, 1, 1))


# --- Hand-computed values ------------------------------------------------------------------


def test_department_all_metrics(small: Engine) -> None:
    frame = compute(small, ALL)
    assert list(frame.columns) == ALL and len(frame) == 1
    got = frame.iloc[0].tolist()
    assert all(same(g, e) for g, e in zip(got, DEPARTMENT, strict=True)), list(zip(ALL, got, DEPARTMENT, strict=True))
    assert total(small, "cpl") == pytest.approx(580 / 6)
    assert total(small, "cac", start=D(2027, 1, 4)) == 40  # S6 40 / L3 won on 5 Jan
    assert total(small, "cac", end=D(2026, 12, 19)) is None  # spend 180, no win before L1 on 20 Dec
    assert frame["leads"].dtype == "int64" and frame["cpl"].dtype == "float64"


@pytest.mark.parametrize("scope", list(BY_SCOPE))
def test_every_metric_by_scope(small: Engine, scope: str) -> None:
    frame = compute(small, ALL, by=scope)
    assert list(frame.columns) == [KEY[scope], *ALL]
    assert_rows(frame, [KEY[scope]], ALL, BY_SCOPE[scope])
    # additive metrics add up to the department total across every scope
    for i, metric in enumerate(BASE):
        assert frame[metric].sum() == pytest.approx(DEPARTMENT[i])


@pytest.mark.parametrize("grain", list(DEPARTMENT_BY_GRAIN))
def test_department_by_grain(small: Engine, grain: str) -> None:
    frame = compute(small, GRAIN_METRICS, grain=grain)
    assert list(frame.columns) == ["period_start", *GRAIN_METRICS]
    assert_rows(frame, ["period_start"], GRAIN_METRICS, DEPARTMENT_BY_GRAIN[grain])


def test_department_by_day_across_the_year_end(small: Engine) -> None:
    frame = compute(small, GRAIN_METRICS, grain="day", start=D(2026, 12, 28), end=D(2027, 1, 5))
    assert_rows(frame, ["period_start"], GRAIN_METRICS, DEPARTMENT_DAYS)
    assert all(isinstance(p, dt.date) for p in frame["period_start"])


@pytest.mark.parametrize(("scope", "grain"), list(SCOPED_BY_GRAIN))
def test_scope_by_grain(small: Engine, scope: str, grain: str) -> None:
    frame = compute(small, SCOPED_GRAIN_METRICS, by=scope, grain=grain)
    assert list(frame.columns) == [KEY[scope], "period_start", *SCOPED_GRAIN_METRICS]
    assert_rows(frame, [KEY[scope], "period_start"], SCOPED_GRAIN_METRICS, SCOPED_BY_GRAIN[(scope, grain)])


def test_date_range_is_inclusive_by_day(small: Engine) -> None:
    # December 2026: L2, L3, L6 (31 Dec 23:00) created; L1, L2, L6 MQL; L1 SQL and won; spend S3, S4, S7
    frame = compute(small, ["leads", "mqls", "sqls", "wins", "revenue", "spend", "cpl"], start=D(2026, 12, 1), end=D(2026, 12, 31))
    assert_rows(frame.assign(k="all"), ["k"], list(frame.columns[:-1]), {"all": [3, 3, 1, 1, 4000, 290, 290 / 3]})
    by_channel = compute(small, ["leads", "spend", "cpl"], by="channel", start="2026-12-31", end="2026-12-31")
    assert_rows(by_channel, ["channel_id"], ["leads", "spend", "cpl"], {"ch_a": [1, 60, 60]})


def test_dense_department_and_empty_range(small: Engine) -> None:
    frame = compute(small, ["leads", "cpl"], grain="month", start=D(2030, 1, 1), end=D(2030, 2, 15))
    assert_rows(frame, ["period_start"], ["leads", "cpl"], {D(2030, 1, 1): [0, N], D(2030, 2, 1): [0, N]})
    assert_rows(compute(small, ["leads", "cpl"], start=D(2030, 1, 1)).assign(k=1), ["k"], ["leads", "cpl"], {1: [0, N]})
    assert compute(small, ["leads"], by="channel", start=D(2030, 1, 1)).empty
    # a scope series can be made dense too: every scope found x every period of the range
    dense = compute(small, ["leads", "spend"], by="channel", grain="month", where={"channel": ["ch_c", "ch_d"]}, dense=True,
                    start=D(2026, 11, 15), end=D(2027, 1, 31))
    assert_rows(dense, ["channel_id", "period_start"], ["leads", "spend"], {
        ("ch_c", D(2026, 11, 1)): [0, 0], ("ch_c", D(2026, 12, 1)): [0, 0], ("ch_c", D(2027, 1, 1)): [1, 0],
        ("ch_d", D(2026, 11, 1)): [0, 0], ("ch_d", D(2026, 12, 1)): [0, 0], ("ch_d", D(2027, 1, 1)): [0, 40]})


def test_empty_database(engine: Engine) -> None:
    assert_rows(compute(engine, ["leads", "spend", "cpl", "roi"]).assign(k=1), ["k"], ["leads", "spend", "cpl", "roi"],
                {1: [0, 0, N, N]})
    weekly = compute(engine, ["leads", "cpl"], grain="week")
    assert weekly.empty and list(weekly.columns) == ["period_start", "leads", "cpl"]
    assert list(compute(engine, ["cpl"], by="person", grain="day").columns) == ["person_id", "period_start", "cpl"]


def test_scope_filter_and_two_scopes(small: Engine) -> None:
    frame = compute(small, ["leads", "spend", "cpl"], by="campaign", where={"channel": "ch_a"})
    assert_rows(frame, ["campaign_id"], ["leads", "spend", "cpl"], {"": [0, 30, N], "c1": [2, 150, 75], "c3": [1, 60, 60]})
    pairs = compute(small, ["leads", "spend"], by=("team", "person"))
    assert list(pairs.columns) == ["team", "person_id", "leads", "spend"]
    assert_rows(pairs, ["team", "person_id"], ["leads", "spend"], {
        ("", ""): [1, 130], ("", "cat"): [1, 0], ("brand", "bob"): [1, 300], ("growth", "ann"): [3, 150]})


def test_settings_change_thresholds(small: Engine) -> None:
    # threshold 2000: L1, L3, L5 and L6 (2000) are high-value; SLA 1 h: L1 (1 h), L5 (0.5 h), L6 (1 h)
    frame = compute(small, ["high_value_share", "response_sla"], settings=Settings(high_value_threshold=2000, response_sla_hours=1))
    assert same(frame.loc[0, "high_value_share"], 4 / 6) and same(frame.loc[0, "response_sla"], 3 / 6)


def test_zero_denominators_never_give_inf_or_error(small: Engine) -> None:
    for scope in (None, "channel", "person", "campaign", "team"):
        for grain in (None, "day"):
            frame = compute(small, RATIOS, by=scope, grain=grain)
            values = frame[RATIOS].to_numpy(dtype=float)
            assert not (values == float("inf")).any() and not (values == float("-inf")).any()
    # ch_d: spend 40, no leads, clicks or revenue
    ch_d = compute(small, ["cpl", "cpc", "cpm", "expense_ratio", "lead_to_mql", "roi"], by="channel", where={"channel": "ch_d"})
    assert_rows(ch_d, ["channel_id"], list(ch_d.columns[1:]), {"ch_d": [N, N, N, N, N, -1]})


def test_values_are_bound_parameters(small: Engine) -> None:
    req = make_request(["cpl", "high_value_share"], by="channel", start=D(2026, 12, 1), end=D(2026, 12, 31),
                       where={"channel": "x'); DROP TABLE leads; --"})
    sql = str(compile_request(req).compile(small))
    assert "2026-12" not in sql and "DROP TABLE" not in sql and "5000" not in sql
    assert "nullif" in sql.lower()
    assert compute(small, ["leads"], by="channel", where={"channel": "x'); DROP TABLE leads; --"}).empty
    with small.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(schema.leads)).scalar() == 6


def test_sql_periods_agree_with_python_periods(engine: Engine) -> None:
    """One spend row a day across a month and a year end: each period's spend is its number of days."""
    days = [D(2026, 11, 20) + dt.timedelta(days=i) for i in range(60)]  # 2026-11-20 .. 2027-01-18
    with engine.begin() as conn:
        conn.execute(sa.insert(schema.spend), [{"date": d, "channel_id": "x", "cost": 1.0} for d in days])
    for grain in periods.GRAINS:
        expected = {p: periods.overlap_days(p, periods.period_end(p, grain), days[0], days[-1])
                    for p in periods.period_starts(days[0], days[-1], grain)}
        dense = compute(engine, ["spend"], grain=grain)  # periods from Python, sums from SQL
        sparse = compute(engine, ["spend"], by="channel", grain=grain)  # periods from SQL date_trunc
        assert dict(zip(dense["period_start"], dense["spend"], strict=True)) == expected
        assert dict(zip(sparse["period_start"], sparse["spend"], strict=True)) == expected
