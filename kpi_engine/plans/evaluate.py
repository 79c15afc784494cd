"""Score a plan against the data: actuals through ``compute``, 360 ratings from ``feedback_360``, one card each.

:func:`score_plan` returns a :class:`PlanScore`: per card (the team or the appraised person, and
each person of a team plan's cascade) every KPI's actual, achievement, score and its written
calculation, the dimension subtotals, the 360 part, the final score, grade and bonus.

- Actuals: :func:`kpi_engine.plans.actuals.kpi_actuals` over the plan period, or from its start up to
  ``as_of`` while it runs.
- A running period scores the data so far against the full-period target and says so; each
  KPI is paced (``kpi_engine.pacing.pace``) to show where it is heading.
- 360: a person's ratings of the periods inside the plan period (months, quarters, the year)
  that started by ``as_of``, role-weighted (:func:`kpi_engine.feedback360.feedback_score`). A team
  card without a subject uses the mean of its people's 360 scores (everyone rated in the
  period); an appraisal uses its subject's own.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from kpi_engine import access, clock, pacing, periods, schema
from kpi_engine.feedback360 import Feedback, feedback_score, team_feedback
from kpi_engine.i18n import LANGS
from kpi_engine.metrics import registry
from kpi_engine.metrics.query import data_bounds
from kpi_engine.plans import catalog
from kpi_engine.plans.actuals import kpi_actuals
from kpi_engine.plans.model import TEAM_CARD, Kpi, Plan, split_metric
from kpi_engine.plans.templates import display_name
from kpi_engine.push.names import names as scope_names
from kpi_engine.scoring import (
    Entry,
    KpiScore,
    Rules,
    Step,
    Totals,
    explain,
    format_pct,
    format_value,
    score_kpi,
    totals,
)
from kpi_engine.settings import Settings
from kpi_engine.settings_store import load_settings


def period_labels(start: dt.date, end: dt.date, as_of: dt.date) -> list[str]:
    """Labels of the months, quarters and years inside [start, end] that started by ``as_of`` (feedback_360 periods)."""
    labels: list[str] = []
    for grain in ("month", "quarter", "year"):
        labels += [periods.period_label(p, grain) for p in periods.period_starts(start, end, grain)
                   if start <= p <= as_of and periods.period_end(p, grain) <= end]
    return list(dict.fromkeys(labels))


def feedback_by_person(engine: Engine, labels: Sequence[str], rules: Rules) -> dict[str, Feedback]:
    """Role-weighted 360 score of everyone rated in periods ``labels``."""
    f = schema.feedback_360
    query = (sa.select(f.c.person_id, f.c.reviewer_role, sa.func.avg(f.c.score), sa.func.count())
             .where(f.c.period.in_(list(labels))).group_by(f.c.person_id, f.c.reviewer_role))
    with engine.connect() as conn:
        rows = conn.execute(query).all() if labels else []
    people: dict[str, list[tuple[str, float, int]]] = {}
    for person, role, mean, n in rows:
        people.setdefault(str(person), []).append((str(role), float(mean), int(n)))
    return {p: feedback_score(sorted(r), rules) for p, r in sorted(people.items())}


@dataclass(frozen=True)
class KpiResult:
    """One KPI scored: its actual (``this``/``previous`` for growth), score and pace."""

    index: int
    kpi: Kpi
    card: str
    unit: str
    direction: str
    actual: float | None
    this: float | None
    previous: float | None
    score: KpiScore
    pace: pacing.Pace | None
    target: float | None = None  # the base target the score used: pro-rated to the days so far while the period runs
    elapsed: float = 1.0  # share of the period's target weight elapsed (1 for a closed period)
    method: str = "calendar"

    @property
    def provisional(self) -> bool:
        return self.elapsed < 1 - 1e-9

    def name(self, lang: str = "en") -> str:
        return catalog.kpi_name(self.kpi.metric, lang)

    def steps(self) -> list[Step]:
        steps = list(self.score.steps)
        if self.provisional and catalog.cumulative(self.kpi.metric) and self.kpi.base is not None:
            steps.insert(0, ("scores_target_to_date", {"base": format_value(self.kpi.base, self.unit),
                                                       "share": format_pct(self.elapsed),
                                                       "method_key": f"scores_method_{self.method}",
                                                       "target": format_value(self.target, self.unit)}))
        if self.this is not None or self.previous is not None:
            m = registry.METRICS.get(self.kpi.metric_id)
            unit = m.unit if m else "count"
            growth = catalog.growth_score_value(self.kpi.metric_id, self.actual)  # back to the plain growth
            steps.insert(0, ("plans_calc_growth", {"this": format_value(self.this, unit),
                                                   "previous": format_value(self.previous, unit),
                                                   "growth": format_pct(growth)}))
            if m is not None and m.direction == "lower":
                steps.insert(1, ("scores_reduction", {"value": format_pct(self.actual)}))
        if self.pace is not None and self.pace.status is not None:
            steps.append(("plans_calc_pace", {"projected": format_value(self.pace.projected, self.unit),
                                              "achievement": format_pct(self.pace.achievement),
                                              "status_key": f"plans_pace_{self.pace.status}"}))
        return steps

    def explain(self, lang: str = "en") -> str:
        return " ".join(explain(self.steps(), lang))


@dataclass(frozen=True)
class CardScore:
    card: str
    label: str
    kpis: tuple[KpiResult, ...]
    feedback: Feedback
    totals: Totals

    def explain(self, lang: str = "en") -> list[str]:
        return explain(self.feedback.steps, lang) + self.totals.explain(lang)


@dataclass(frozen=True)
class KeyResultScore:
    """A key result's progress, 0 to 1.0: reported by hand, or measured (actual against target, capped at 1)."""

    text: str
    score: float | None
    actual: float | None
    target: float | None
    weight: float


@dataclass(frozen=True)
class OkrScore:
    """An objective's score: the weighted mean of its key results' scores (those that have one)."""

    objective: str
    owner: str
    score: float | None
    key_results: tuple[KeyResultScore, ...]


def score_okrs(engine: Engine, plan: Plan, start: dt.date, end: dt.date, settings: Settings | None = None) -> tuple[OkrScore, ...]:
    """The plan's OKRs over [start, end]: measured key results through :func:`kpi_actuals`."""
    measured = [(o, kr) for o in plan.okrs for kr in o.key_results if kr.metric and kr.target]
    kpis = [Kpi(metric=kr.metric, scope=kr.scope, base=kr.target) for _, kr in measured]
    values = dict(zip([id(kr) for _, kr in measured], kpi_actuals(engine, kpis, start, end, plan.grain, settings)
                      if kpis and end >= start else [(None, None, None)] * len(kpis), strict=True))
    out = []
    for o in plan.okrs:
        krs = []
        for kr in o.key_results:
            actual = values.get(id(kr), (None, None, None))[0]
            score = kr.score
            if kr.metric and kr.target:
                lower = catalog.direction(kr.metric) == "lower"
                score = None if actual is None else (
                    1.0 if lower and actual <= 0 else min(1.0, max(0.0, (kr.target / actual) if lower else actual / kr.target)))
            krs.append(KeyResultScore(kr.text, score, actual, kr.target, 1.0 if kr.weight is None else kr.weight))
        scored = [(k.score, k.weight) for k in krs if k.score is not None and k.weight > 0]
        total = sum(w for _, w in scored)
        value = sum(s * w for s, w in scored) / total if total else None
        out.append(OkrScore(o.objective, o.owner, value, tuple(krs)))
    return tuple(out)


@dataclass(frozen=True)
class PlanScore:
    plan: Plan
    as_of: dt.date
    effective_end: dt.date  # last day of data used
    running: bool
    not_started: bool
    cards: tuple[CardScore, ...]
    okrs: tuple[OkrScore, ...] = ()
    data_end: dt.date | None = None  # last day with leads or spend in the period
    scope_names: dict[str, str] = field(default_factory=dict)  # scope key (channel:douyin) -> name

    @property
    def main(self) -> CardScore:
        return self.cards[0]

    def card(self, card_id: str) -> CardScore:
        for c in self.cards:
            if c.card == card_id:
                return c
        if card_id in self.plan.cards():  # the plan has it, the signed-in principal may not see it
            raise access.NotAllowed("scorecard", card_id)
        raise KeyError(f"no card {card_id!r}; cards: {', '.join(c.card for c in self.cards)}")

    def notes(self, lang: str = "en") -> list[str]:
        """What a reader must know: running or not started, the version scored, KPIs not measurable."""
        p = self.plan
        steps: list[Step] = [("plans_note_version", {"plan": display_name(p.name, p.period, lang) or p.plan_id,
                                                     "version": str(p.version or "—"),
                                                     "status_key": f"plans_status_{p.status}"})]
        if self.not_started:
            steps.append(("plans_note_not_started", {"start": p.start.isoformat(), "as_of": self.as_of.isoformat()}))
        elif self.running:
            steps.append(("plans_note_running", {"start": p.start.isoformat(), "as_of": self.effective_end.isoformat(),
                                                 "end": p.end.isoformat(),
                                                 "days": str(periods.days_in(p.start, self.effective_end)),
                                                 "total": str(periods.days_in(p.start, p.end))}))
        if not self.not_started and (self.data_end is None or self.data_end < self.effective_end):
            steps.append(("plans_note_data_ends", {"data_end": self.data_end.isoformat() if self.data_end else "—",
                                                   "as_of": self.effective_end.isoformat()}))
        for c in self.cards:
            if c.totals.not_measurable:
                shown = {f"{r.kpi.metric} @ {r.kpi.scope}": catalog.kpi_label(r.kpi.metric, r.kpi.scope, lang,
                                                                               self.scope_names) for r in c.kpis}
                steps.append(("plans_note_not_measurable", {"kpis": ", ".join(shown.get(k, k)
                                                                              for k in c.totals.not_measurable),
                                                            **({"card_key": "plans_card_team"} if c.card == TEAM_CARD
                                                               else {"card": c.label or c.card})}))
        return explain(steps, lang)


def _person_names(engine: Engine) -> dict[str, str]:
    p = schema.people
    with engine.connect() as conn:
        return {r[0]: r[1] for r in conn.execute(sa.select(p.c.person_id, p.c.name))}


def score_plan(engine: Engine, plan: Plan, *, as_of: dt.date | str | None = None,
               settings: Settings | None = None) -> PlanScore:
    """The cards of ``plan`` the signed-in principal may see, scored on the morning ``as_of`` (see :func:`score_all`).

    The team card is an aggregate and always shown; a person's card only to admins, that person and
    their managers (:func:`kpi_engine.access.check_card`). A plan whose only card is hidden raises
    :class:`kpi_engine.access.NotAllowed`.
    """
    viewer = access.current()
    with access.acting_as(access.SYSTEM):  # the team's numbers need everyone's facts; cards are filtered below
        score = score_all(engine, plan, as_of=as_of, settings=settings)
    shown = []
    for card in score.cards:
        try:
            access.check_card(card.card, viewer)
        except access.NotAllowed:  # a card this viewer may not see is left out, by design
            continue
        shown.append(card)
    if not shown:
        raise access.NotAllowed("scorecard", plan.plan_id or plan.name)
    return dataclasses.replace(score, cards=tuple(shown))


def score_all(engine: Engine, plan: Plan, *, as_of: dt.date | str | None = None,
              settings: Settings | None = None) -> PlanScore:
    """Every card of ``plan`` scored on the morning ``as_of`` (default: the business day today).

    The data used runs through the day before the morning (:func:`kpi_engine.clock.data_through`),
    so a page, a report and the CLI give the same score on the same morning at any hour. While the
    period runs, an additive KPI is compared with its target pro-rated to the days so far (by the
    plan's pro-rating method) and the card is provisional: no grade or bonus until the period closes.
    """
    from kpi_engine.reviews.connection import held  # one DuckDB connection for the ~30 queries (issue 14.3)

    with held(engine) as one:
        return _score_all(one, plan, as_of=as_of, settings=settings)


def _score_all(engine: Engine, plan: Plan, *, as_of: dt.date | str | None, settings: Settings | None) -> PlanScore:
    s = settings or load_settings(engine)
    rules = Rules.from_settings(s)
    as_of_d = clock.morning(as_of, s)
    through = clock.data_through(as_of_d, s)
    end = min(through, plan.end)
    not_started = through < plan.start
    running = not not_started and through < plan.end
    actuals = [(None, None, None)] * len(plan.kpis) if not_started else kpi_actuals(engine, plan.kpis, plan.start, end,
                                                                                   plan.grain, s)
    results: list[KpiResult] = []
    for i, (k, (actual, this, prev)) in enumerate(zip(plan.kpis, actuals, strict=True)):
        kind, mid = split_metric(k.metric)
        metric = registry.METRICS.get(mid)
        unit = "ratio" if kind else (metric.unit if metric else "count")
        direction = catalog.direction(k.metric)
        additive = catalog.cumulative(k.metric)
        spread = pacing.spread_for(engine, plan, k, settings=s) if running and additive else pacing.Spread()
        elapsed = pacing.share((plan.start, plan.end), (plan.start, end), **spread.kwargs()) if running else 1.0
        scale = elapsed if additive else 1.0  # a rate's target does not shrink with the days
        target = None if k.base is None else k.base * scale
        challenge = None if k.challenge is None else k.challenge * scale
        sc = score_kpi(actual, target, challenge=challenge, floor=k.floor, direction=direction, unit=unit, rules=rules)
        pace = None
        if running and actual is not None and k.base:
            pace = pacing.pace(actual, k.base, (plan.start, plan.end), end, direction=direction,
                               floor=k.floor if k.floor is not None else rules.floor, additive=additive,
                               settings=s, **spread.kwargs())
        results.append(KpiResult(i, k, plan.card_of(k), unit, direction, actual, this, prev, sc, pace, target,
                                 elapsed, spread.method))
    labels = [] if not_started else period_labels(plan.start, plan.end, end)
    feedback = feedback_by_person(engine, labels, rules)
    names = _person_names(engine)
    by_type: dict[str, set[str]] = {}
    for k in plan.kpis:
        kind, _, sid = k.scope.partition(":")
        by_type.setdefault(kind, set()).add(sid)
    named = {f"{kind}:{i}": n for kind, ids in by_type.items() for i, n in scope_names(engine, kind, ids).items()}
    cards: list[CardScore] = []
    for card in plan.cards():
        mine = tuple(r for r in results if r.card == card)
        if not mine and card != plan.main_card:
            continue
        if card == TEAM_CARD:
            fb = team_feedback(list(feedback.items()))
        else:
            fb = feedback.get(card) or Feedback(None, (), (("plans_calc_360_none", {}),))
        entries = [Entry(f"{r.kpi.metric} @ {r.kpi.scope}", r.kpi.weight, r.score.score, r.kpi.dimension,
                         r.kpi.guardrail, r.kpi.penalty, r.score.achievement,
                         tuple((lg, catalog.kpi_label(r.kpi.metric, r.kpi.scope, lg, named)) for lg in LANGS)) for r in mine]
        tot = totals(entries, qualitative=fb.score, share=plan.quantitative_share, base_bonus=plan.base_bonus, rules=rules,
                     provisional=running, closes=plan.end.isoformat())
        cards.append(CardScore(card, names.get(card, "") if card != TEAM_CARD else "", mine, fb, tot))
    okrs = score_okrs(engine, plan, plan.start, end, s) if plan.okrs and not not_started else ()
    bounds = None if not_started else data_bounds(engine, ["leads", "spend"], start=plan.start, end=end)
    return PlanScore(plan, as_of_d, end, running, not_started, tuple(cards), okrs, bounds[1] if bounds else None, named)
