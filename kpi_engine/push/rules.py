"""Alert rules a manager sets (table ``alert_rules``), and what each finds on a day.

Kinds (``threshold`` in brackets, its default after the colon):

``behind_pace`` [X: 0.1]
    A KPI paced to the month end projects less than (1 − X) of its target. ``scope_type`` team: any standup
    metric (``kpi_engine.standup`` cards); channel: leads per channel (the standup's pace alerts).
``over_budget`` [X: 0.1]
    Spend so far is more than (1 + X) × the budget pro-rated to date (the standup's spend card).
``leads_zero`` [share: 0.8]
    A channel that had leads on at least that share of the 28 days before had none on the data day, while the
    team had some (so a late upload does not raise it for every channel).
``rate_drop`` [k: 3]
    A ratio metric (team or per channel) below its usual range: robust z-score below −k against the same
    weekday of the trailing 8 weeks (:mod:`kpi_engine.push.baseline`, docs/alerts.md).
``standup``
    The standup's own alerts (channels behind pace, response SLA, unusual spend: ``kpi_engine.standup.alerts``).

The data day is ``clock.data_through(as_of)``. Daily series come from ``kpi_engine.metrics.query.compute``
at grain day; every rule is evaluated on whole frames, never row by row in Python over facts.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from kpi_engine import access, clock, fmt, schema, standup
from kpi_engine.access import audit
from kpi_engine.i18n import t
from kpi_engine.metrics import registry
from kpi_engine.metrics.query import compute
from kpi_engine.push import baseline
from kpi_engine.push.names import names
from kpi_engine.settings import Settings
from kpi_engine.settings_store import load_settings
from kpi_engine.standup.alerts import pace_alerts

KINDS: tuple[str, ...] = ("behind_pace", "over_budget", "leads_zero", "rate_drop", "standup")
DEFAULTS: dict[str, float | None] = {"behind_pace": 0.1, "over_budget": 0.1, "leads_zero": 0.8, "rate_drop": 3.0,
                                     "standup": None}
LOOKBACK_DAYS = 28
_ID = re.compile(r"^[a-z0-9_\-]{1,48}$")
_T = schema.alert_rules


@dataclass(frozen=True)
class Rule:
    rule_id: str
    kind: str
    metric: str = ""
    scope_type: str = "team"
    threshold: float | None = None
    active: bool = True

    @property
    def limit(self) -> float | None:
        return DEFAULTS[self.kind] if self.threshold is None else self.threshold


@dataclass(frozen=True)
class Found:
    """One alert a rule found: where, which day, its value, its sentence in both languages."""

    rule_id: str
    scope_type: str
    scope_id: str
    day: dt.date
    value: float | None
    text_en: str
    text_zh: str

    @property
    def key(self) -> str:
        return f"{self.rule_id}|{self.scope_type}:{self.scope_id}|{self.day.isoformat()}"

    @property
    def scope(self) -> str:
        return f"{self.scope_type}:{self.scope_id}"


PLACES: tuple[str, ...] = ("cli", "form")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a rule: ``code`` (``bad_id``, ``bad_kind``, ``bad_scope``, ``channel_pace_metric``,
    ``pace_metric``, ``spend_is_budget``, ``ratio_metric``, ``leads_zero_scope``, ``negative_threshold``), the value
    given and the values that would do. Its sentence names the fix where it is read: the command line's options
    (``where="cli"``) or the Delivery page's form fields (``where="form"``), in English or Chinese."""

    code: str
    value: str = ""
    choices: tuple[str, ...] = ()

    def message(self, lang: str = "en", where: str = "cli") -> str:
        if where == "cli":
            return t(f"push_rule_err_{self.code}", lang, value=repr(self.value), choices=", ".join(self.choices))
        label = _FORM_LABELS.get(self.code, _quoted)
        sep = "、" if lang == "zh" else ", "
        return t(f"push_rule_err_{self.code}_form", lang, value=label(self.value, lang),
                 choices=sep.join(label(c, lang) for c in self.choices),
                 team=_scope_label("team", lang), channel=_scope_label("channel", lang),
                 leads=_metric_label("leads", lang), over_budget=_kind_label("over_budget", lang),
                 rate_drop=_kind_label("rate_drop", lang), leads_zero=_kind_label("leads_zero", lang))


def _kind_label(kind: str, lang: str) -> str:
    return t(f"push_ui_rule_kind_{kind}", lang) if kind in KINDS else repr(kind)


def _scope_label(scope: str, lang: str) -> str:
    return t(f"push_ui_rule_scope_{scope}", lang) if scope in ("team", "channel") else repr(scope)


def _metric_label(metric: str, lang: str) -> str:
    m = registry.METRICS.get(metric)
    return "—" if not metric else (m.name(lang) if m is not None else repr(metric))


def _quoted(value: str, lang: str) -> str:
    return repr(value)


_FORM_LABELS: dict[str, Callable[[str, str], str]] = {
    "bad_kind": _kind_label, "bad_scope": _scope_label, "channel_pace_metric": _metric_label,
    "pace_metric": _metric_label, "ratio_metric": _metric_label}


class RuleError(ValueError):
    """Every problem of a rule; ``str()`` is the command line's English, :meth:`messages` any language and place."""

    def __init__(self, problems: list[Problem] | tuple[Problem, ...]) -> None:
        self.problems = tuple(problems)
        super().__init__("; ".join(self.messages()))

    def messages(self, lang: str = "en", where: str = "cli") -> list[str]:
        return [p.message(lang, where) for p in self.problems]


def problems(rule: Rule) -> list[Problem]:
    """What is wrong with ``rule`` (empty: fine)."""
    out = []
    if not _ID.match(rule.rule_id):
        out.append(Problem("bad_id", rule.rule_id))
    if rule.kind not in KINDS:
        return [*out, Problem("bad_kind", rule.kind, KINDS)]
    if rule.scope_type not in ("team", "channel"):
        out.append(Problem("bad_scope", rule.scope_type))
    if rule.kind == "behind_pace":
        if rule.scope_type == "channel" and rule.metric not in ("", "leads"):
            out.append(Problem("channel_pace_metric", rule.metric))
        elif rule.scope_type == "team" and rule.metric not in standup.METRICS:
            out.append(Problem("pace_metric", rule.metric, tuple(m for m in standup.METRICS if m != "spend")))
        elif rule.metric == "spend":
            out.append(Problem("spend_is_budget", rule.metric))
    if rule.kind == "rate_drop":
        m = registry.METRICS.get(rule.metric)
        if m is None or m.unit != "ratio":
            ratios = tuple(k for k, v in registry.METRICS.items() if v.unit == "ratio")[:8]
            out.append(Problem("ratio_metric", rule.metric, ratios))
    if rule.kind in ("leads_zero",) and rule.scope_type != "channel":
        out.append(Problem("leads_zero_scope", rule.scope_type))
    if rule.threshold is not None and rule.threshold < 0:
        out.append(Problem("negative_threshold"))
    return out


def check(rule: Rule, lang: str = "en", where: str = "cli") -> list[str]:
    """What is wrong with ``rule`` (empty: fine), each with the fix, in ``lang`` for ``where`` (cli or form)."""
    return [p.message(lang, where) for p in problems(rule)]


def save(engine: Engine, rule: Rule, user: str | None = None) -> None:
    """Add ``rule`` or replace the one with its id (admins and managers); :class:`RuleError` listing every problem."""
    access.require("alerts")
    found = problems(rule)
    if found:
        raise RuleError(found)
    values = dict(kind=rule.kind, metric=rule.metric, scope_type=rule.scope_type, threshold=rule.threshold,
                  active=rule.active)
    who = access.actor_name() or user or None
    with engine.begin() as conn:
        before = _audited(conn, rule.rule_id)
        if before is None:
            conn.execute(sa.insert(_T).values(rule_id=rule.rule_id, created_at=clock.stamp(conn), created_by=who,
                                              **values))
        else:
            conn.execute(sa.update(_T).where(_T.c.rule_id == rule.rule_id).values(**values))
        audit.record(conn, "alert_rule_save", target=rule.rule_id, before=before, after=values, actor=who)


def remove(engine: Engine, rule_id: str, user: str | None = None) -> bool:
    """Remove the rule ``rule_id`` (admins and managers); False when there is none."""
    access.require("alerts")
    with engine.begin() as conn:
        before = _audited(conn, rule_id)
        if before is None:
            return False
        conn.execute(sa.delete(_T).where(_T.c.rule_id == rule_id))
        audit.record(conn, "alert_rule_remove", target=rule_id, before=before, actor=access.actor_name() or user or None)
    return True


def _audited(conn: sa.Connection, rule_id: str) -> dict[str, object] | None:
    """The stored rule ``rule_id`` as the audit log shows it (None: no such rule)."""
    row = conn.execute(sa.select(_T.c.kind, _T.c.metric, _T.c.scope_type, _T.c.threshold, _T.c.active)
                       .where(_T.c.rule_id == rule_id)).first()
    return None if row is None else {**row._asdict(), "metric": row.metric or "", "active": bool(row.active)}


def load(engine: Engine, *, active_only: bool = True) -> list[Rule]:
    query = sa.select(_T).order_by(_T.c.rule_id)
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    found = [Rule(r.rule_id, r.kind, r.metric or "", r.scope_type, r.threshold, bool(r.active)) for r in rows]
    return [r for r in found if r.active or not active_only]


class Day:
    """The data a day's rules share, computed once (the standup view)."""

    def __init__(self, engine: Engine, as_of: dt.date, settings: Settings | None = None) -> None:
        self.engine, self.as_of = engine, as_of
        self.settings = settings or load_settings(engine)
        self.day = clock.data_through(as_of)

    @cached_property
    def view(self) -> standup.Standup:
        return standup.build(self.engine, self.as_of, self.settings)


def _texts(key: str, make: Callable[[str], dict[str, object]]) -> tuple[str, str]:
    """The sentence ``key`` in English and Chinese, its parameters formatted per language by ``make``."""
    return t(key, "en", **make("en")), t(key, "zh", **make("zh"))


def _found(rule: Rule, d: Day, scope_type: str, scope_id: str, value: float | None,
           texts: tuple[str, str]) -> Found:
    return Found(rule.rule_id, scope_type, scope_id, d.day, value, *texts)


def _behind_pace(rule: Rule, d: Day) -> list[Found]:
    limit = float(rule.limit or 0.0)
    if rule.scope_type == "channel":
        w = d.view.windows
        last = d.view.freshness.data_as_of
        if last is None:
            return []
        out = []
        for a in pace_alerts(d.engine, w, min(w.yesterday, last), d.settings):
            ach = a.fact("achievement")
            if ach is not None and ach < 1 - limit:
                named = dataclasses.replace(a, scope_id=a.name or a.scope_id)
                out.append(_found(rule, d, "channel", a.scope_id, ach,
                                  (named.text("en", d.settings), named.text("zh", d.settings))))
        return out
    card = d.view.card(rule.metric or "leads")
    if card.achievement is None or card.status is None or card.achievement >= 1 - limit:
        return []

    def make(lang: str) -> dict[str, object]:
        v = lambda x: fmt.value(x, card.unit, lang, settings=d.settings)  # noqa: E731
        return dict(name=registry.get(card.metric).name(lang), mtd=v(card.mtd), expected=v(card.expected_to_date),
                    target=v(card.month_target), projected=v(card.projected),
                    achievement=fmt.achievement(card.achievement, lang), limit=fmt.percent(1 - limit, lang))

    return [_found(rule, d, "team", "", card.achievement, _texts("push_alert_behind_pace", make))]


def _over_budget(rule: Rule, d: Day) -> list[Found]:
    card = d.view.card("spend")
    limit = float(rule.limit or 0.0)
    if card.achievement is None or card.achievement <= 1 + limit:
        return []

    def make(lang: str) -> dict[str, object]:
        m = lambda x: fmt.money(x, lang, settings=d.settings)  # noqa: E731
        return dict(spent=m(card.mtd), planned=m(card.expected_to_date), budget=m(card.month_target),
                    ratio=fmt.percent(card.achievement, lang), limit=fmt.percent(1 + limit, lang))

    return [_found(rule, d, "team", "", card.achievement, _texts("push_alert_over_budget", make))]


def _leads_zero(rule: Rule, d: Day) -> list[Found]:
    start = d.day - dt.timedelta(days=LOOKBACK_DAYS)
    frame = compute(d.engine, ["leads"], by="channel", grain="day", start=start, end=d.day, dense=True,
                    settings=d.settings)
    frame = frame[frame["channel_id"] != ""]
    if frame.empty or int(frame.loc[frame["period_start"] == d.day, "leads"].sum()) == 0:
        return []  # nothing arrived for the day at all: a late upload, not a channel gone quiet
    before = frame[frame["period_start"] < d.day]
    share = (before["leads"] > 0).groupby(before["channel_id"]).sum() / LOOKBACK_DAYS
    today = frame[frame["period_start"] == d.day].set_index("channel_id")["leads"]
    table = pd.DataFrame({"share": share, "today": today}).fillna({"today": 0})
    hits = table[(table["share"] >= float(rule.limit or 0.0)) & (table["today"] == 0)]
    labels = names(d.engine, "channel", hits.index)
    out = []
    for cid, row in hits.iterrows():
        days = int(round(row["share"] * LOOKBACK_DAYS))
        def params(lang: str, c: str = str(cid), n: int = days) -> dict[str, object]:
            return dict(name=labels.get(c) or t("push_scope_unnamed", lang, kind=t("push_scope_channel", lang)),
                        days=n, window=LOOKBACK_DAYS)

        texts = _texts("push_alert_leads_zero", params)
        out.append(_found(rule, d, "channel", str(cid), 0.0, texts))
    return out


def _rate_drop(rule: Rule, d: Day) -> list[Found]:
    by = "channel" if rule.scope_type == "channel" else None
    start = d.day - dt.timedelta(days=7 * baseline.WEEKS)
    frame = compute(d.engine, [rule.metric], by=by, grain="day", start=start, end=d.day, dense=True,
                    settings=d.settings)
    keys = ["channel_id"] if by else []
    if by:
        frame = frame[frame["channel_id"] != ""]
    hits = baseline.drops(baseline.weekday_baseline(frame, rule.metric, d.day, keys), float(rule.limit or 0.0))
    labels = names(d.engine, "channel", hits["channel_id"]) if by else {}
    metric = registry.get(rule.metric)
    out = []
    for row in hits.to_dict("records"):
        sid = str(row.get("channel_id", ""))

        def make(lang: str, r: dict = row, s: str = sid) -> dict[str, object]:
            unnamed = t("push_scope_unnamed", lang, kind=t("push_scope_channel", lang))
            where = (labels.get(s) or unnamed) if s else t("push_scope_team", lang)
            return dict(name=metric.name(lang), where=where, value=fmt.percent(r["value"], lang),
                        median=fmt.percent(r["median"], lang), low=fmt.percent(r["median"] - (rule.limit or 0) *
                                                                              r["sigma"], lang),
                        weekday=t(f"push_weekday_{d.day.weekday()}", lang), weeks=baseline.WEEKS,
                        z=fmt.number(r["z"], 1, lang) if abs(r["z"]) != float("inf") else "−∞")

        out.append(_found(rule, d, "channel" if by else "team", sid, float(row["value"]),
                          _texts("push_alert_rate_drop", make)))
    return out


def _standup(rule: Rule, d: Day) -> list[Found]:
    out = []
    for a in d.view.alerts:
        named = dataclasses.replace(a, scope_id=a.name) if a.name else a
        texts = tuple(f"{named.title(lang)}: {named.text(lang, d.settings)}" for lang in ("en", "zh"))
        out.append(_found(rule, d, a.scope_type, f"{a.kind}:{a.scope_id}", a.severity, texts))  # type: ignore[arg-type]
    return out


EVALUATORS: dict[str, Callable[[Rule, Day], list[Found]]] = {
    "behind_pace": _behind_pace, "over_budget": _over_budget, "leads_zero": _leads_zero, "rate_drop": _rate_drop,
    "standup": _standup}


def evaluate(engine: Engine, rules: list[Rule], as_of: dt.date, settings: Settings | None = None) -> list[Found]:
    """Everything the ``rules`` find for the meeting on ``as_of`` (data day: the day before)."""
    d = Day(engine, as_of, settings)
    if not rules or d.view.freshness.data_as_of is None:
        return []
    return [f for rule in rules for f in EVALUATORS[rule.kind](rule, d)]
