"""Daily rollup tables: per day and the fact's own scope columns, each additive simple metric summed.

One table per (fact, event date) of the facts that grow with the business (leads, spend), for example
``rollup_leads_created_at``: ``day`` (the event's date), the fact columns every scope path starts from
(``channel_id``, ``campaign_id``, ``owner_id``; teams and campaign owners are joined at query time, so a
change to people or campaigns never makes a rollup stale) and one column per metric that can be read from
it (:func:`routable`): a count or a sum over the fact. A count whose condition compares with a setting (high-value
leads, leads within the response SLA) is built under the store's settings (:func:`setting_names`).

The tables are declared on :data:`kpi_engine.schema.metadata` (``create_all`` makes them);
``rollup_touched`` remembers the days each upload changed, so that undoing it rebuilds exactly those.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import sqlalchemy as sa

from kpi_engine import schema
from kpi_engine.metrics import registry
from kpi_engine.metrics.registry import Col, DaysBetween, HoursBetween, Metric, Simple
from kpi_engine.metrics.scopes import SCOPE_PATHS, ScopePath

ROLLED_FACTS = ("leads", "spend")  # the big facts; customers, orders and surveys stay on the facts


@dataclass(frozen=True)
class Rollup:
    fact: str
    event: str
    table: sa.Table
    keys: tuple[str, ...]  # fact columns kept as they are
    metrics: tuple[Metric, ...]  # one column each, named by metric id


def routable(metric: Metric) -> bool:
    """Whether a built-in simple metric adds up over a rollup's grain (day x the fact's scope columns)."""
    calc = metric.calc
    if not isinstance(calc, Simple) or calc.fact not in ROLLED_FACTS or metric.id not in registry.BUILTIN:
        return False
    if registry.BUILTIN[metric.id] != metric:
        return False
    measures = [calc.measure] if calc.measure is not None else []
    measures += [c.measure for c in calc.where]
    return all(isinstance(m, Col | HoursBetween | DaysBetween) for m in measures)


def setting_names(metric: Metric) -> tuple[str, ...]:
    """The settings a simple metric's conditions compare with (``high_value_threshold``, ``response_sla_hours``).

    Its rollup column holds the counts under the values the rollup was built with (recorded with the rollups); the
    compiler reads it only while the settings asked for are those (:func:`setting_token`), the facts otherwise.
    """
    calc = metric.calc
    return tuple(sorted({c.setting for c in calc.where if c.setting})) if isinstance(calc, Simple) else ()


def setting_token(metric_id: str) -> str:
    """The mark, among the facts whose rollups may be read, that a settings-dependent metric's column may be too."""
    return f"metric:{metric_id}"


def _path_columns(path: ScopePath | None) -> list[str]:
    out: list[str] = []
    while path is not None:
        out.append(path.column)
        path = path.fallback
    return out


def _sum_type(fact_table: sa.Table, calc: Simple) -> sa.types.TypeEngine:
    """A count is a BIGINT; a sum of money a DECIMAL(38,2) (``schema.MONEY_SUM``: exact, and money to the compiler,
    which sums it in DECIMAL); any other sum (hours, days, clicks) a DOUBLE, as the compiler sums it."""
    if calc.agg == "count":
        return sa.BigInteger()
    measure = calc.measure
    if isinstance(measure, Col) and isinstance(fact_table.c[measure.name].type, schema.Money):
        return schema.MONEY_SUM
    return sa.Double()


def _build() -> dict[tuple[str, str], Rollup]:
    out: dict[tuple[str, str], Rollup] = {}
    groups: dict[tuple[str, str], list[Metric]] = {}
    for metric in registry.BUILTIN.values():
        if routable(metric):
            calc = metric.calc
            assert isinstance(calc, Simple)
            groups.setdefault((calc.fact, calc.event), []).append(metric)
    for (fact, event), metrics in groups.items():
        fact_table = schema.UPLOAD_TABLES[fact]
        keys = tuple(dict.fromkeys(c for p in SCOPE_PATHS[fact].values() for c in _path_columns(p)))
        cols: list[sa.Column] = [sa.Column("day", sa.Date, nullable=False)]
        cols += [sa.Column(k, fact_table.c[k].type, nullable=True) for k in keys]
        for m in metrics:
            calc = m.calc
            assert isinstance(calc, Simple)
            cols.append(sa.Column(m.id, _sum_type(fact_table, calc), nullable=True))
        name = f"rollup_{fact}_{event}"
        table = sa.Table(name, schema.metadata, *cols, sa.Index(f"ix_{name}_day", "day"))
        out[(fact, event)] = Rollup(fact, event, table, keys, tuple(metrics))
    return out


ROLLUPS: dict[tuple[str, str], Rollup] = _build()

touched = sa.Table(
    "rollup_touched", schema.metadata,
    sa.Column("upload_id", sa.Integer, nullable=False),
    sa.Column("fact", sa.String, nullable=False),
    sa.Column("day", sa.Date, nullable=False),
    sa.PrimaryKeyConstraint("upload_id", "fact", "day"),
)


def rollup_for(metric: Metric) -> Rollup | None:
    """The rollup that holds ``metric``'s daily sums, None when it is read from the facts."""
    if not routable(metric):
        return None
    calc = metric.calc
    assert isinstance(calc, Simple)
    return ROLLUPS.get((calc.fact, calc.event))


def signature() -> str:
    """Changes whenever a rollup's columns or a metric's declaration change (the store's rollups are then rebuilt)."""
    digest = hashlib.sha256(b"rollups-1")
    for key, r in sorted(ROLLUPS.items()):
        digest.update(repr((key, r.keys, [(c.name, str(c.type)) for c in r.table.columns],
                            [m.calc for m in r.metrics])).encode())
    return digest.hexdigest()[:16]
