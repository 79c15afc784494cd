"""Scorecard speed at ten million leads (issue 14.3): every KPI of a plan against one hand-written scan.

    python bench/bench_scorecard.py [--leads 10000000] [--repeat 3] [--limit 1.5] [--reuse-stale] [--pg URL]

1. The cached demo store of bench_pages.py (--leads leads; DuckDB, or a schema of --pg) with its team plan for
   the latest full month (the plan and every person's card of its cascade).
2. (a) One hand-written SQL statement: a single pass over the leads and one over the spend of that month with a
   conditional aggregate per (metric, scope) the plan's fact-based KPIs need, the ratios worked out from them.
   (b) ``kpi_engine.plans.evaluate.score_all``: every card and KPI scored, as the Scorecards page does.
   (a) and (b) alternate --repeat times; the best of each counts.
3. Checks that (a) and (b) give the same actual for every KPI the scan covers (manual values and growth KPIs are
   read by (b) only), then prints b/a and PASS/FAIL against --limit, with the load average.

Exit status 0 on PASS, 1 on FAIL or when a number differs.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import math
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for p in (ROOT, ROOT / "bench"):
    if str(p) not in sys.path:
        sys.path.insert(0, str(p))

import bench_pages  # noqa: E402
import sqlalchemy as sa  # noqa: E402

from kpi_engine import access, demo, periods, store  # noqa: E402
from kpi_engine.demo.plans import demo_plan_months  # noqa: E402
from kpi_engine.metrics import registry  # noqa: E402
from kpi_engine.plans import store as plan_store  # noqa: E402
from kpi_engine.plans.evaluate import score_all  # noqa: E402
from kpi_engine.plans.model import Scope  # noqa: E402
from kpi_engine.settings_store import load_settings  # noqa: E402

# What each fact-based simple metric counts, written by hand (per lead or spend row); {m} is the month filter.
LEAD_SUMS = {
    "leads": "COUNT(*) FILTER (WHERE created_at >= :lo AND created_at < :hi AND {s})",
    "sqls": "COUNT(*) FILTER (WHERE sql_at >= :lo AND sql_at < :hi AND {s})",
    "wins": "COUNT(*) FILTER (WHERE won_at >= :lo AND won_at < :hi AND {s})",
    "revenue": "SUM(CAST(deal_value AS DOUBLE PRECISION)) FILTER (WHERE won_at >= :lo AND won_at < :hi AND {s})",
    "high_value_leads": "COUNT(*) FILTER (WHERE created_at >= :lo AND created_at < :hi AND expected_value >= :hv AND {s})",
    "leads_within_sla": "COUNT(*) FILTER (WHERE created_at >= :lo AND created_at < :hi AND first_response_at IS NOT NULL "
                        "AND (EXTRACT(epoch FROM first_response_at) - EXTRACT(epoch FROM created_at)) / 3600.0 <= :sla "
                        "AND {s})",
}
SPEND_SUMS = {"spend": "SUM(CAST(s.cost AS DOUBLE PRECISION)) FILTER (WHERE {s})",
              "impressions": "SUM(CAST(s.impressions AS DOUBLE PRECISION)) FILTER (WHERE {s})",
              "clicks": "SUM(CAST(s.clicks AS DOUBLE PRECISION)) FILTER (WHERE {s})"}
LEAD_SCOPE = {"team": "TRUE", "person": "owner_id = :{p}", "channel": "channel_id = :{p}", "campaign": "campaign_id = :{p}"}
SPEND_SCOPE = {"team": "TRUE", "person": "c.owner_id = :{p}", "channel": "s.channel_id = :{p}",
               "campaign": "s.campaign_id = :{p}"}


def _simple_needs(metric: str) -> set[str] | None:
    """The simple metrics a fact-based KPI needs, None when the scan does not cover it."""
    calc = registry.METRICS[metric].calc
    if isinstance(calc, registry.Ratio):
        a, b = _simple_needs(calc.numerator), _simple_needs(calc.denominator)
        return None if a is None or b is None else a | b
    return {metric} if metric in LEAD_SUMS or metric in SPEND_SUMS else None


def _value(metric: str, sums: dict[str, float | None]) -> float | None:
    calc = registry.METRICS[metric].calc
    if isinstance(calc, registry.Ratio):
        num, den = _value(calc.numerator, sums), _value(calc.denominator, sums)
        if num is None or den is None or den == 0 or (calc.numerator_required and num == 0):
            return None
        return num / den * calc.multiplier
    return sums.get(metric) or 0.0


def scan_sql(kpis: list[tuple[str, str]]) -> tuple[str, dict[str, object], list[tuple[str, str, str]]]:
    """One statement: the month's leads and spend, one conditional aggregate per (simple metric, scope).

    The SQL text comes only from the templates above (LEAD_SUMS, SPEND_SUMS, the scope filters) and generated aliases;
    every value (scope ids, dates) is a bound parameter."""
    params: dict[str, object] = {}
    cols: list[tuple[str, str, str]] = []  # (column alias, simple metric, scope)
    lead_parts, spend_parts = [], []
    for metric, scope in dict.fromkeys(kpis):
        parsed = Scope.parse(scope)
        for simple in sorted(_simple_needs(metric) or ()):
            if (simple, scope) in {(c[1], c[2]) for c in cols}:
                continue
            alias = f"c{len(cols)}"
            name = f"p{len(params)}"
            if parsed.id:
                params[name] = parsed.id
            if simple in LEAD_SUMS:
                lead_parts.append(LEAD_SUMS[simple].format(s=LEAD_SCOPE[parsed.type].format(p=name)) + f" AS {alias}")
            else:
                spend_parts.append(SPEND_SUMS[simple].format(s=SPEND_SCOPE[parsed.type].format(p=name)) + f" AS {alias}")
            cols.append((alias, simple, scope))
    lead = (f"SELECT {', '.join(lead_parts)} FROM leads WHERE (created_at >= :lo AND created_at < :hi) "
            "OR (sql_at >= :lo AND sql_at < :hi) OR (won_at >= :lo AND won_at < :hi)")
    spend = (f"SELECT {', '.join(spend_parts)} FROM spend s LEFT JOIN campaigns c ON c.campaign_id = s.campaign_id "
             "WHERE s.date >= :dlo AND s.date <= :dhi")
    return f"SELECT * FROM ({lead}) l CROSS JOIN ({spend}) sp", params, cols


def run_scan(engine: sa.Engine, sql: str, params: dict[str, object],
             cols: list[tuple[str, str, str]]) -> dict[tuple[str, str], float | None]:
    with engine.connect() as conn:
        row = conn.execute(sa.text(sql), params).one()._mapping
    return {(simple, scope): (None if row[alias] is None else float(row[alias])) for alias, simple, scope in cols}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--leads", type=int, default=10_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--limit", type=float, default=1.5)
    parser.add_argument("--months", type=int, default=18)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--end", type=dt.date.fromisoformat, default=None)
    parser.add_argument("--fresh", action="store_true")
    parser.add_argument("--reuse-stale", action="store_true")
    parser.add_argument("--pg", metavar="URL")
    args = parser.parse_args(argv)
    logging.disable(logging.WARNING)
    end = args.end or demo.default_end()
    url = bench_pages._stores(args, end, ("large",))["large"]
    engine = store.get_engine(url)
    label = demo_plan_months(end)[0]
    _, first, last = periods.parse_period(label)
    plan = next(p for p in plan_store.active_plans(engine, first) if p.grain == "month" and not p.subject)
    settings = load_settings(engine)
    as_of = end + dt.timedelta(days=1)

    with access.acting_as(access.SYSTEM):
        score = score_all(engine, plan, as_of=as_of)
    results = [(k.kpi.metric, k.kpi.scope, k.actual) for card in score.cards for k in card.kpis]
    covered = [(m, s) for m, s, _ in results
               if ":" not in m and _simple_needs(m) is not None and not s.startswith("team:")]
    sql, params, cols = scan_sql(covered)
    params.update(lo=dt.datetime.combine(first, dt.time()), hi=dt.datetime.combine(last + dt.timedelta(days=1), dt.time()),
                  dlo=first, dhi=last, hv=float(settings.high_value_threshold), sla=float(settings.response_sla_hours))
    print(f"plan {plan.plan_id}: {len(score.cards)} cards, {len(results)} KPIs ({len(covered)} from leads and spend, "
          f"in the scan; the others are manual values or growth, read by the scorecard only)")

    best_a = best_b = math.inf
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        sums = run_scan(engine, sql, params, cols)
        best_a = min(best_a, time.perf_counter() - t0)
        t0 = time.perf_counter()
        with access.acting_as(access.SYSTEM):
            score = score_all(engine, plan, as_of=as_of)
        best_b = min(best_b, time.perf_counter() - t0)

    bad = []
    for metric, scope, actual in results:
        if (metric, scope) not in covered:
            continue
        mine = _value(metric, {simple: v for (simple, sc), v in sums.items() if sc == scope})
        if (mine is None) != (actual is None) or (mine is not None and not math.isclose(mine, actual, rel_tol=1e-9)):
            bad.append((metric, scope, actual, mine))
    ratio = best_b / best_a
    passed = ratio <= args.limit and not bad
    backend = "PostgreSQL" if args.pg else "DuckDB"
    print(f"{backend}, {store.table_counts(engine)['leads']:,} leads, {label}: hand-written scan best {best_a:.3f} s, "
          f"scorecard best {best_b:.3f} s, ratio {ratio:.2f} {'PASS' if passed else 'FAIL'} (limit {args.limit:g}; "
          f"{bench_pages.load()})")
    if bad:
        print(f"numbers differ (metric, scope, scorecard, scan): {bad}")
    store.dispose_engine(url)
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
