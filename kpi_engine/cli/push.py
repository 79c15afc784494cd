"""``python -m kpi_engine push``: send a digest or the alerts now (for cron), and manage destinations and rules.

  push --now --kind standup|weekly|monthly|alerts [--to NAME] [--as-of DATE] [--force]
  push dest add NAME --kind feishu|wecom|dingtalk|email --url URL [--secret-env VAR] [--lang zh] [--receives ...]
  push dest list | remove NAME | test NAME
  push rule add ID --kind behind_pace|over_budget|leads_zero|rate_drop|standup [--metric M] [--scope team|channel]
                [--threshold X] [--lang en|zh]
  push rule list | remove ID
  push alerts list | ack KEY | mute RULE --until DATE [--scope channel:ID]

Secrets are read from environment variables (``--secret-env``), never from the command line (shell history)
and are never printed.
"""

from __future__ import annotations

import argparse
import os
import sys

import sqlalchemy as sa

from kpi_engine import periods, store
from kpi_engine.cli import add_db_option
from kpi_engine.push import alerts, destinations, jobs, rules
from kpi_engine.push.destinations import SUBSCRIPTIONS, Destination
from kpi_engine.settings import env_config


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("push", help="send the standup / review digests and alerts; destinations, rules",
                                   description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--now", action="store_true", help="send now (what cron runs)")
    parser.add_argument("--kind", choices=jobs.KINDS, help="what to send")
    parser.add_argument("--to", action="append", metavar="NAME", help="only this destination (repeatable)")
    parser.add_argument("--as-of", metavar="DATE", help="the morning (default: today in the business time zone)")
    parser.add_argument("--force", action="store_true", help="send again even if this period was sent or interrupted")
    add_db_option(parser)
    parser.set_defaults(func=run_now)
    sub = parser.add_subparsers(dest="push_command", metavar="SUBCOMMAND")

    dest = sub.add_parser("dest", help="destinations: add, list, remove, test")
    dsub = dest.add_subparsers(dest="dest_command", required=True, metavar="ACTION")
    add = dsub.add_parser("add", help="add or replace a destination")
    add.add_argument("name")
    add.add_argument("--kind", required=True, choices=destinations.KINDS)
    add.add_argument("--url", metavar="URL", help="the webhook URL (feishu, wecom, dingtalk)")
    add.add_argument("--url-env", metavar="VAR", help="read the webhook URL from this environment variable")
    add.add_argument("--to-addr", metavar="ADDRS", help="email: recipients, comma separated")
    add.add_argument("--secret-env", metavar="VAR", help="signing secret (Feishu/DingTalk) or SMTP password, from $VAR")
    add.add_argument("--app-id", help="Feishu: the app id used to upload the chart image")
    add.add_argument("--app-secret-env", metavar="VAR", help="Feishu: the app secret, from $VAR")
    add.add_argument("--api-base", help="Feishu Open API base (default https://open.feishu.cn)")
    add.add_argument("--smtp", metavar="HOST[:PORT]", help="email: the SMTP server (default $KPI_SMTP_HOST)")
    add.add_argument("--sender", help="email: the From address (default $KPI_SMTP_FROM)")
    add.add_argument("--smtp-user", help="email: SMTP login")
    add.add_argument("--starttls", action="store_true", help="email: STARTTLS")
    add.add_argument("--lang", choices=destinations.LANGS, default="zh")
    add.add_argument("--receives", default=",".join(SUBSCRIPTIONS), help=f"comma list of {','.join(SUBSCRIPTIONS)}")
    leaves = [add]
    for name, text in (("list", "list destinations (secrets hidden)"), ("remove", "remove a destination"),
                       ("test", "send a test message")):
        p = dsub.add_parser(name, help=text)
        leaves.append(p)
        if name != "list":
            p.add_argument("name")
    dest.set_defaults(func=run_dest)

    rule = sub.add_parser("rule", help="alert rules: add, list, remove")
    rsub = rule.add_subparsers(dest="rule_command", required=True, metavar="ACTION")
    radd = rsub.add_parser("add", help="add or replace a rule")
    radd.add_argument("rule_id")
    radd.add_argument("--kind", required=True, choices=rules.KINDS)
    radd.add_argument("--metric", default="")
    radd.add_argument("--scope", choices=("team", "channel"), default="team")
    radd.add_argument("--threshold", type=float, help="X, the share, or k (see docs/alerts.md); default per kind")
    radd.add_argument("--lang", choices=("en", "zh"), default="en", help="language of the problems, if any")
    leaves += [radd, rsub.add_parser("list", help="list rules")]
    rrm = rsub.add_parser("remove", help="remove a rule")
    leaves.append(rrm)
    rrm.add_argument("rule_id")
    rule.set_defaults(func=run_rule)

    al = sub.add_parser("alerts", help="logged alerts: list, ack, mute, unmute")
    asub = al.add_subparsers(dest="alerts_command", required=True, metavar="ACTION")
    leaves.append(asub.add_parser("list", help="the latest alerts"))
    ack = asub.add_parser("ack", help="acknowledge an alert by its key")
    ack.add_argument("key")
    mute = asub.add_parser("mute", help="mute a rule (or one scope) through a date")
    mute.add_argument("rule_id")
    mute.add_argument("--until", required=True, metavar="DATE")
    mute.add_argument("--scope", default="", metavar="TYPE:ID", help="e.g. channel:douyin (default: every scope)")
    unmute = asub.add_parser("unmute", help="lift a mute")
    unmute.add_argument("rule_id")
    unmute.add_argument("--scope", default="")
    leaves += [ack, mute, unmute]
    _leaf_db(*leaves)
    al.set_defaults(func=run_alerts)


def _leaf_db(*parsers: argparse.ArgumentParser) -> None:
    """``--db`` after an action too (``push dest list --db URL``), without hiding one given before it."""
    for p in parsers:
        p.add_argument("--db", metavar="URL", default=argparse.SUPPRESS, help="SQLAlchemy database URL")


def _env(var: str | None) -> str:
    if not var:
        return ""
    value = os.environ.get(var, "")
    if not value:
        raise ValueError(f"the environment variable {var} is empty or not set")
    return value


def _engine(args: argparse.Namespace):
    return store.get_engine(args.db)


def _guard(func):
    def wrapped(args: argparse.Namespace) -> int:
        try:
            return func(args)
        except ValueError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        except sa.exc.SQLAlchemyError as exc:
            print(f"error: cannot use the database: {exc.__class__.__name__}", file=sys.stderr)
            return 1
    return wrapped


@_guard
def run_now(args: argparse.Namespace) -> int:
    if args.push_command is None and not (args.now and args.kind):
        print("error: use push --now --kind standup|weekly|monthly|alerts, or push dest|rule|alerts ...", file=sys.stderr)
        return 2
    as_of = periods.to_date(args.as_of) if args.as_of else None
    outcomes = jobs.run(_engine(args), args.kind, as_of, to=args.to, force=args.force)
    if not outcomes:
        print(f"{args.kind}: nothing to send (no destination receives it, or no new alert)")
    for o in outcomes:
        extra = f" ({o.error})" if o.error else f" (already {o.previous})" if o.previous else ""
        print(f"{args.kind} -> {o.destination}: {o.status} after {o.attempts} attempt(s){extra}")
        if o.previous == "sending":
            print("  an earlier send was interrupted: check the group, then use --force to send again")
    return 1 if any(o.status == "failed" for o in outcomes) else 0


@_guard
def run_dest(args: argparse.Namespace) -> int:
    engine = _engine(args)
    if args.dest_command == "list":
        for d in destinations.load(engine, include_inactive=True):
            state = "" if d.active else " (paused)"
            print(f"{d.name}\t{d.kind}\t{d.masked()}\t{d.lang}\t{','.join(d.kinds)}{state}")
        return 0
    if args.dest_command == "remove":
        if not destinations.remove(engine, args.name):
            raise ValueError(f"no destination named {args.name}")
        print(f"removed {args.name}")
        return 0
    if args.dest_command == "test":
        o = jobs.test_destination(engine, args.name)
        print(f"test -> {o.destination}: {o.status}{f' ({o.error})' if o.error else ''}")
        return 0 if o.status == "sent" else 1
    secrets: dict[str, str] = {}
    options: dict[str, object] = {}
    if args.kind == "email":
        target = args.to_addr or ""
        if args.secret_env:
            secrets["password"] = _env(args.secret_env)
        if args.smtp:
            host, _, port = args.smtp.partition(":")
            options.update(host=host, **({"port": int(port)} if port else {}))
        options.update({k: v for k, v in (("sender", args.sender), ("user", args.smtp_user)) if v})
        if args.starttls:
            options["starttls"] = True
    else:
        target = args.url or _env(args.url_env)
        if args.secret_env:
            secrets["sign"] = _env(args.secret_env)
        if args.app_id:
            options["app_id"] = args.app_id
            secrets["app_secret"] = _env(args.app_secret_env)
        if args.api_base:
            options["api_base"] = args.api_base
    dest = Destination(args.name, args.kind, target, secrets, lang=args.lang,
                       kinds=tuple(k.strip() for k in args.receives.split(",") if k.strip()), options=options)
    destinations.save(engine, dest)
    print(f"saved {dest.name} ({dest.kind}, {dest.masked()}, {dest.lang}, receives {','.join(dest.kinds)})")
    return 0


@_guard
def run_rule(args: argparse.Namespace) -> int:
    engine = _engine(args)
    if args.rule_command == "list":
        for r in rules.load(engine, active_only=False):
            print(f"{r.rule_id}\t{r.kind}\t{r.metric or '-'}\t{r.scope_type}\t{r.limit if r.limit is not None else '-'}")
        return 0
    if args.rule_command == "remove":
        if not rules.remove(engine, args.rule_id, env_config().user):
            raise ValueError(f"no rule {args.rule_id}")
        print(f"removed {args.rule_id}")
        return 0
    rule = rules.Rule(args.rule_id, args.kind, args.metric, args.scope, args.threshold)
    try:
        rules.save(engine, rule, env_config().user)
    except rules.RuleError as exc:
        print("\n".join(f"error: {m}" for m in exc.messages(args.lang, "cli")), file=sys.stderr)
        return 2
    print(f"saved rule {rule.rule_id} ({rule.kind}, threshold {rule.limit})")
    return 0


@_guard
def run_alerts(args: argparse.Namespace) -> int:
    engine = _engine(args)
    user = env_config().user
    if args.alerts_command == "list":
        for r in alerts.events(engine, limit=50).itertuples():
            print(f"{r.day}\t{r.status}\t{r.alert_key}\t{r.text_en}")
        return 0
    if args.alerts_command == "ack":
        if not alerts.acknowledge(engine, args.key, user):
            raise ValueError(f"no unacknowledged alert {args.key}")
        print(f"acknowledged {args.key}")
        return 0
    if args.alerts_command == "unmute":
        print("unmuted" if alerts.unmute(engine, args.rule_id, args.scope, user) else "nothing was muted")
        return 0
    alerts.mute(engine, args.rule_id, periods.to_date(args.until), args.scope, user)
    print(f"muted {args.rule_id}{' ' + args.scope if args.scope else ''} through {args.until}")
    return 0
