"""``python -m kpi_engine plan``: KPI plans as files and in the database.

Subcommands: ``list``, ``new``, ``export``, ``import``, ``check``, ``activate``, ``versions``,
``close``, ``suggest`` and ``review``. PLAN_ID_OR_FILE is a plan id in the database or a YAML
plan file. Exit status: 0 done, 1 checks that block (or a database error), 2 bad input.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import sys
from pathlib import Path
from typing import TextIO

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from kpi_engine import store as db
from kpi_engine.cli import add_db_option, database_error, plan_problems
from kpi_engine.cli.metrics import _write as write_frame
from kpi_engine.plans import checks, rationality, store, suggest, templates, yamlio
from kpi_engine.plans.model import Plan, PlanError

_EPILOG = """\
Templates (plan new --template): {templates}
Industry emphasis (--industry): {industries}
Examples:
  python -m kpi_engine plan new --template team_example --period 2026-11
  python -m kpi_engine plan export 2026-11-team-plan > plan.yaml
  python -m kpi_engine plan import plan.yaml
  python -m kpi_engine plan check plan.yaml --as-of 2026-11-22
  python -m kpi_engine plan activate 2026-11-team-plan --ack-all
"""


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from exc


def add_as_of(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--as-of", type=_date, default=None, metavar="DATE",
                        help="the morning to score on: data through the day before, as on the pages "
                             "(default: today in the business time zone)")


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "plan", help="KPI plans: new, export, import, check, activate, list ...",
        description="KPI plans: build from templates, move as YAML files, check, version and activate.",
        epilog=_EPILOG.format(templates=", ".join(templates.TEMPLATES), industries=", ".join(templates.INDUSTRIES)),
        formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="plan_command", required=True, metavar="SUBCOMMAND")

    p = sub.add_parser("list", help="the plans in the database")
    p.add_argument("--format", choices=("table", "csv", "json"), default="table")
    p = sub.add_parser("new", help="a new draft plan from a template, from last period's plan, or empty")
    p.add_argument("--template", choices=sorted(templates.TEMPLATES), default=None)
    p.add_argument("--period", required=True, help="2026-10, 2026-Q4 or 2026")
    p.add_argument("--industry", choices=sorted(templates.INDUSTRIES), default="")
    p.add_argument("--name", default="")
    p.add_argument("--from-plan", default=None, metavar="PLAN_ID", help="carry over this plan's KPIs")
    p.add_argument("--framework", choices=sorted(templates.FRAMEWORKS), default="department",
                   help="for an empty plan (no --template, no --from-plan)")
    p.add_argument("--suggest", action="store_true", help="set base and challenge targets from history")
    add_as_of(p)
    p.add_argument("--output", "-o", default=None, metavar="FILE",
                   help="write the YAML to FILE ('-' for stdout) instead of saving it in the database")
    p = sub.add_parser("export", help="write a plan as YAML")
    p.add_argument("plan_id")
    p.add_argument("--version", default=None, help="a version number, 'active' or 'latest' (default)")
    p.add_argument("--output", "-o", default="-", metavar="FILE")
    p = sub.add_parser("import", help="store a YAML plan (a new plan, or a new version of its id)")
    p.add_argument("file")
    p.add_argument("--id", default=None, help="store under this plan id (default: the file's id, else a new one)")
    for name, text in (("check", "the plan checks, every problem with its fix"),
                       ("review", "the quarterly rationality review over closed periods"),
                       ("suggest", "target suggestions from history, growth, benchmark and resources")):
        p = sub.add_parser(name, help=text)
        p.add_argument("plan", metavar="PLAN_ID_OR_FILE")
        p.add_argument("--format", choices=("table", "json"), default="table")
        p.add_argument("--lang", choices=("en", "zh"), default="en")
        add_as_of(p)
        if name == "suggest":
            p.add_argument("--growth", type=float, default=0.0, help="growth assumption (0.1 = 10%% better)")
            p.add_argument("--resources", type=float, default=0.0, help="planned resources (0.2 = 20%% more budget)")
    p = sub.add_parser("activate", help="activate the latest version after its checks")
    p.add_argument("plan_id")
    p.add_argument("--ack", action="append", default=[], metavar="KEY", help="acknowledge a warning (repeat)")
    p.add_argument("--ack-all", action="store_true", help="acknowledge every warning")
    p.add_argument("--no-targets", action="store_true", help="do not write the plan's targets for the pages")
    add_as_of(p)
    p = sub.add_parser("versions", help="the versions of a plan")
    p.add_argument("plan_id")
    p = sub.add_parser("close", help="close a plan whose period is over")
    p.add_argument("plan_id")
    for sp in sub.choices.values():
        add_db_option(sp)
    parser.set_defaults(func=run)


def resolve_plan(engine: Engine, ref: str, version: str | None = None) -> Plan:
    """A plan from a YAML file path, or from the database by id (``version``: number, 'active', 'latest')."""
    path = Path(ref)
    if path.suffix.lower() in (".yaml", ".yml") or path.is_file():
        if not path.is_file():
            raise PlanError([f"no such file: {ref}"])
        return yamlio.plan_from_yaml(path.read_text(encoding="utf-8-sig"))
    number: int | str | None = version
    if version not in (None, "active", "latest"):
        try:
            number = int(version)
        except ValueError:
            raise PlanError([f"--version must be a number, 'active' or 'latest', not {version!r}"]) from None
    try:
        return store.load_plan(engine, ref, number)
    except store.PlanNotFound as exc:
        raise PlanError([str(exc).strip("'\"")]) from None


def _print_issues(report: checks.CheckReport, lang: str, out: TextIO | None = None) -> None:
    out = out or sys.stdout
    if not report.issues:
        print("no problems found" if lang == "en" else "未发现问题", file=out)
    for issue in report.issues:
        mark = "ERROR" if issue.severity == "error" else ("warning (acknowledged)" if issue.acknowledged else "warning")
        print(f"{mark} [{issue.key}] {issue.message(lang)}\n    fix: {issue.fix(lang)}", file=out)


def _report_json(report: checks.CheckReport, lang: str) -> str:
    frame = report.to_frame(lang)
    data = [{k: (None if isinstance(v, float) and pd.isna(v) else v) for k, v in r.items()}
            for r in frame.to_dict(orient="records")]
    return json.dumps({"issues": data, "errors": len(report.errors), "warnings": len(report.warnings)},
                      ensure_ascii=False, indent=2, default=str)


def _write_text(text: str, target: str) -> None:
    if target in ("-", ""):
        sys.stdout.write(text)
    else:
        Path(target).write_text(text, encoding="utf-8")


def _new(args: argparse.Namespace, engine: Engine) -> int:
    if args.from_plan:
        plan = templates.from_previous(resolve_plan(engine, args.from_plan, "active"), args.period, name=args.name)
    elif args.template:
        plan = templates.from_template(args.template, args.period, industry=args.industry, name=args.name)
    else:
        plan = templates.apply_industry(templates.empty_plan(args.period, framework=args.framework, name=args.name),
                                        args.industry)
    if args.suggest:
        plan = suggest.apply_suggestions(plan, suggest.suggest_targets(engine, plan, as_of=args.as_of))
    if args.output:
        _write_text(yamlio.plan_to_yaml(plan), args.output)
        return 0
    saved = store.save_plan(engine, plan)
    print(f"saved plan {saved.plan_id} version {saved.version} ({saved.status}): {saved.name}, {saved.period}, "
          f"{len(saved.kpis)} KPIs")
    return 0


def _run(args: argparse.Namespace, engine: Engine) -> int:
    cmd = args.plan_command
    if cmd == "list":
        frame = store.list_plans(engine)
        frame["updated_at"] = frame["updated_at"].astype(str)
        write_frame(frame, args.format, sys.stdout)
        return 0
    if cmd == "new":
        return _new(args, engine)
    if cmd == "export":
        plan = resolve_plan(engine, args.plan_id, args.version)
        _write_text(yamlio.plan_to_yaml(plan), args.output)
        return 0
    if cmd == "import":
        plan = resolve_plan(engine, args.file)
        if args.id:
            plan = dataclasses.replace(plan, plan_id=args.id)
        saved = store.save_plan(engine, plan)
        report = checks.check_plan(saved, engine)
        print(f"imported plan {saved.plan_id} version {saved.version} ({saved.status}): {len(saved.kpis)} KPIs, "
              f"{len(report.errors)} errors, {len(report.warnings)} warnings")
        return 0
    if cmd in ("check", "review", "suggest"):
        plan = resolve_plan(engine, args.plan)
        if cmd == "suggest":
            rows = suggest.suggestions_frame(suggest.suggest_targets(engine, plan, growth=args.growth,
                                                                     resources=args.resources, as_of=args.as_of), args.lang)
            if args.format == "json":
                print(rows.to_json(orient="records", force_ascii=False, indent=2, date_format="iso"))
            else:
                write_frame(rows.drop(columns=["history"]), "table", sys.stdout)
            return 0
        report = (checks.check_plan(plan, engine, as_of=args.as_of) if cmd == "check"
                  else rationality.rationality_review(engine, plan, as_of=args.as_of))
        if args.format == "json":
            print(_report_json(report, args.lang))
        else:
            _print_issues(report, args.lang)
        return 1 if report.errors else 0
    if cmd == "activate":
        try:
            plan = store.activate_plan(engine, args.plan_id, acknowledge=True if args.ack_all else args.ack,
                                       publish=not args.no_targets, as_of=args.as_of)
        except store.ActivationBlocked as exc:
            print("activation blocked: fix the errors and acknowledge the warnings (--ack KEY or --ack-all)",
                  file=sys.stderr)
            _print_issues(exc.report, "en", sys.stderr)  # type: ignore[arg-type]
            return 1
        print(f"activated plan {plan.plan_id} version {plan.version}")
        return 0
    if cmd == "versions":
        frame = store.list_versions(engine, args.plan_id)
        if frame.empty:
            raise PlanError([f"no plan {args.plan_id!r}"])
        write_frame(frame.astype({"saved_at": str, "activated_at": str}), "table", sys.stdout)
        return 0
    plan = store.close_plan(engine, args.plan_id)
    print(f"closed plan {plan.plan_id} (version {plan.version} is the one scored)")
    return 0


def run(args: argparse.Namespace) -> int:
    try:
        engine = db.get_engine(args.db)
        return _run(args, engine)
    except (PlanError, ValueError, LookupError) as exc:
        return plan_problems(exc)
    except sa.exc.SQLAlchemyError as exc:
        return database_error(exc, "use")
