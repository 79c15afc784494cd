"""``python -m kpi_engine scorecard PLAN_ID_OR_FILE [--as-of DATE] [--format csv|json|table]``.

One row per KPI of the card (the plan's team or appraised person unless ``--card``) with the
columns metric, scope, dimension, weight, actual, base, challenge, achievement (a fraction) and
score (0 to the cap, 120; empty when not measurable; ``--format table`` writes them as the pages do, with
``kpi_engine.fmt``: 12.3%, ¥3,000, — for none), then the totals: weighted score,
qualitative (360) score, final score, grade and bonus. ``--format json`` prints one object with
``kpis`` (a list of objects with those columns) and the keys weighted_score, qualitative_score,
final_score, grade and bonus (plus context: plan, version, notes, dimensions, the calculation).
A CSV has the KPI rows, an empty line, then ``total,value`` rows (and ``note`` rows).
"""

from __future__ import annotations

import argparse
import functools
import json
import sys
from collections.abc import Callable
from typing import TextIO

import pandas as pd
import sqlalchemy as sa

from kpi_engine import exports, fmt
from kpi_engine import store as db
from kpi_engine.cli import add_db_option, database_error, plan_problems
from kpi_engine.cli.metrics import _write as write_frame
from kpi_engine.cli.metrics import clean_number, format_cell
from kpi_engine.cli.plan import add_as_of, resolve_plan
from kpi_engine.plans.evaluate import CardScore, PlanScore, score_plan
from kpi_engine.plans.model import PlanError
from kpi_engine.plans.scorecard_tables import KPI_COLUMNS, card_document, dimension_frame, grade_text, kpi_frame, totals_dict
from kpi_engine.scoring import format_score, format_value
from kpi_engine.settings_store import load_settings

_EPILOG = """\
A plan id scores its active version (else its latest); a YAML file scores the file as it is.
--as-of is the morning scored on (default: today in the business time zone); the data used runs
through the day before, exactly as on the pages. A period still running is provisional: each
additive KPI is compared with its target pro-rated to the days so far, each KPI is paced to the
period end, and the grade and bonus wait for the close (the output says so). KPIs without data are not measurable:
left out of the weighted score, listed in a note. Examples:
  python -m kpi_engine scorecard 2026-10-team-plan --as-of 2026-11-22
  python -m kpi_engine scorecard plan.yaml --card p02 --format json
"""


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("scorecard", help="score a KPI plan: every KPI, weighted score, 360, final, grade, bonus",
                              description="Score a KPI plan against the data.", epilog=_EPILOG,
                              formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("plan", metavar="PLAN_ID_OR_FILE")
    add_as_of(p)
    p.add_argument("--format", choices=("table", "csv", "json"), default="table")
    p.add_argument("--card", default=None, metavar="team|PERSON_ID",
                   help="whose card: the team (or the appraised person) by default, or a person of the cascade")
    p.add_argument("--version", default=None, help="a version number, 'active' (default) or 'latest'")
    p.add_argument("--lang", choices=("en", "zh"), default="en", help="language of notes and calculations")
    add_db_option(p)
    p.set_defaults(func=run)


def _csv(card: CardScore, score: PlanScore, lang: str, out: TextIO) -> None:
    writer = exports.SafeWriter(out)  # formula-safe like every export
    frame = kpi_frame(card, lang)
    writer.writerow(KPI_COLUMNS)
    for row in frame[list(KPI_COLUMNS)].itertuples(index=False):
        writer.writerow([format_cell(v) for v in row])
    writer.writerow([])
    writer.writerow(["total", "value"])
    for key, value in totals_dict(card).items():
        writer.writerow([key, format_cell(value) if value is not None else ""])
    for note in score.notes(lang):
        writer.writerow(["note", note])


def shown_kpis(frame: pd.DataFrame, lang: str, symbol: str | None = None) -> pd.DataFrame:
    """The KPI rows as people read them (``kpi_engine.fmt``, as on the pages): actual, base and challenge in the
    metric's unit (12.3%, ¥3,000, ¥12.46, 1,092), achievement 72.7%, score 87.5, — for no value."""
    out = frame[list(KPI_COLUMNS)].astype("object")
    for col in ("actual", "base", "challenge"):
        out[col] = [fmt.value(v, u, lang, symbol=symbol) for v, u in zip(frame[col], frame["unit"], strict=True)]
    out["achievement"] = [fmt.achievement(v, lang) for v in frame["achievement"]]
    out["score"] = [fmt.score(v, lang) for v in frame["score"]]
    return out


def _table(card: CardScore, score: PlanScore, lang: str, out: TextIO, symbol: str | None = None) -> None:
    p = score.plan
    who = card.label or card.card
    out.write(f"{p.name} · {p.period} · {p.plan_id or 'file'} v{p.version or '-'} · card {who} · morning of "
              f"{score.as_of} (data through {score.effective_end})\n")
    for note in score.notes(lang):
        out.write(f"note: {note}\n")
    out.write("\n")
    write_frame(shown_kpis(kpi_frame(card, lang), lang, symbol), "table", out)
    dims = dimension_frame(score, card, lang)
    if len(dims):
        out.write("\n")
        write_frame(dims[["dimension", "weight", "score", "not_measurable"]], "table", out)
    tot = card.totals
    out.write("\n")
    out.write(f"weighted score     {format_score(tot.weighted)}\n")
    out.write(f"qualitative score  {format_score(tot.qualitative)}\n")
    out.write(f"final score        {format_score(tot.final)}\n")
    out.write(f"grade              {grade_text(tot.grade, tot.status, lang)}\n")
    out.write(f"bonus              {format_value(tot.bonus, 'money', symbol)}\n")
    out.write("\n")
    for r in card.kpis:
        out.write(f"- {r.kpi.metric} @ {r.kpi.scope}: {r.explain(lang)}\n")
    for line in card.explain(lang):
        out.write(f"* {line}\n")


def _json(card: CardScore, score: PlanScore, lang: str, out: TextIO) -> None:
    doc = card_document(score, card, lang)

    def clean(value: object) -> object:
        if isinstance(value, dict):
            return {k: clean(v) for k, v in value.items()}
        if isinstance(value, list):
            return [clean(v) for v in value]
        if isinstance(value, (str, bool)) or value is None:
            return value
        if isinstance(value, (int, float)):
            return clean_number(value)
        return str(value)

    out.write(json.dumps(clean(doc), ensure_ascii=False, indent=2) + "\n")


def run(args: argparse.Namespace) -> int:
    try:
        engine = db.get_engine(args.db)
        plan = resolve_plan(engine, args.plan, args.version or "active")
        settings = load_settings(engine)  # the store's grades, multipliers, currency
        score = score_plan(engine, plan, as_of=args.as_of, settings=settings)
        card = score.card(args.card) if args.card else score.main
    except (PlanError, ValueError, KeyError, LookupError) as exc:
        return plan_problems(exc)
    except sa.exc.SQLAlchemyError as exc:
        return database_error(exc)
    writers: dict[str, Callable[[CardScore, PlanScore, str, TextIO], None]] = {
        "csv": _csv, "json": _json, "table": functools.partial(_table, symbol=settings.currency_symbol)}
    writers[args.format](card, score, args.lang, sys.stdout)
    return 0

