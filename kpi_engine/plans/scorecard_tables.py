"""Scorecards as tables and documents, for pages, the CLI and exports.

``kpi_frame`` has the scorecard columns of the issue first (metric, scope, dimension, weight,
actual, base, challenge, achievement as a fraction, score on the 0..cap scale; no value when
not measurable), then what a page shows beside them (name, unit, owner, tier, pace, the
written calculation). ``card_document`` is the CLI's JSON object. ``people_scores`` is each
person's current score from the active plans, for the Team & people page.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import pandas as pd
from sqlalchemy.engine import Engine

from kpi_engine import clock
from kpi_engine.i18n import t
from kpi_engine.plans import store
from kpi_engine.plans.evaluate import CardScore, PlanScore, score_plan
from kpi_engine.plans.model import TEAM_CARD
from kpi_engine.plans.templates import FRAMEWORKS
from kpi_engine.settings_store import load_settings

KPI_COLUMNS: tuple[str, ...] = ("metric", "scope", "dimension", "weight", "actual", "base", "challenge", "achievement",
                                "score")
EXTRA_COLUMNS: tuple[str, ...] = ("name", "unit", "direction", "owner", "core", "guardrail", "penalty", "tier",
                                  "measurable", "pace", "projected", "explanation", "target_to_date")
TOTAL_KEYS: tuple[str, ...] = ("weighted_score", "qualitative_score", "final_score", "grade", "bonus", "status",
                               "measured_share")


def kpi_frame(card: CardScore, lang: str = "en") -> pd.DataFrame:
    """One row per KPI of a card (see the module docstring)."""
    rows = []
    for r in card.kpis:
        k, s = r.kpi, r.score
        rows.append({"metric": k.metric, "scope": k.scope, "dimension": k.dimension, "weight": k.weight,
                     "actual": r.actual, "base": k.base, "challenge": k.challenge,
                     "achievement": s.achievement if s.measurable else None, "score": s.score,
                     "name": r.name(lang), "unit": r.unit, "direction": r.direction, "owner": k.owner, "core": k.core,
                     "guardrail": k.guardrail, "penalty": k.penalty, "tier": s.tier, "measurable": s.measurable,
                     "pace": r.pace.status if r.pace else None, "projected": r.pace.projected if r.pace else None,
                     "explanation": r.explain(lang), "target_to_date": r.target})
    frame = pd.DataFrame(rows, columns=[*KPI_COLUMNS, *EXTRA_COLUMNS])
    for col in ("weight", "actual", "base", "challenge", "achievement", "score", "penalty", "projected",
                "target_to_date"):
        frame[col] = pd.to_numeric(frame[col], errors="coerce").astype("float64")
    return frame


def dimension_frame(score: PlanScore, card: CardScore, lang: str = "en") -> pd.DataFrame:
    """The card's dimension subtotals: dimension, its name, weight, measured weight, score, KPIs, not measurable."""
    fw = FRAMEWORKS[score.plan.framework]
    rows = []
    for d in card.totals.dimensions:
        dim = fw.dimension(d.dimension)
        rows.append({"dimension": d.dimension, "name": dim.name(lang) if dim else d.dimension, "weight": d.weight,
                     "measured_weight": d.measured_weight, "score": d.score, "kpis": d.kpis,
                     "not_measurable": d.not_measurable})
    return pd.DataFrame(rows, columns=["dimension", "name", "weight", "measured_weight", "score", "kpis", "not_measurable"])


def grade_text(grade: object, status: object, lang: str = "en") -> str:
    """The grade, or why there is none yet (provisional, not enough data to grade, nothing measured)."""
    if isinstance(grade, str) and grade:
        return grade
    return t(f"scores_status_{status}", lang) if isinstance(status, str) and status != "final" else "—"


def totals_dict(card: CardScore) -> dict[str, object]:
    tot = card.totals
    return {"weighted_score": tot.weighted, "qualitative_score": tot.qualitative, "final_score": tot.final,
            "grade": tot.grade, "bonus": tot.bonus, "status": tot.status, "measured_share": tot.measured_share}


def card_summary(score: PlanScore, lang: str = "en") -> pd.DataFrame:
    """One row per card: card, label, weighted, qualitative, final score, grade, base bonus, bonus, not measurable."""
    rows = [{"card": c.card, "label": c.label or (t("plans_card_team", lang) if c.card == TEAM_CARD else c.card),
             **totals_dict(c), "base_bonus": c.totals.base_bonus, "not_measurable": len(c.totals.not_measurable)}
            for c in score.cards]
    return pd.DataFrame(rows, columns=["card", "label", *TOTAL_KEYS, "base_bonus", "not_measurable"])


def card_document(score: PlanScore, card: CardScore, lang: str = "en") -> dict[str, object]:
    """The scorecard as one JSON-ready object: ``kpis`` and the totals, then context (plan, version, notes ...)."""
    p = score.plan
    kpis = kpi_frame(card, lang)
    records = [{c: (None if pd.isna(v) else v) if not isinstance(v, str | bool) else v for c, v in row.items()}
               for row in kpis[[*KPI_COLUMNS, "name", "owner", "tier", "pace", "projected", "explanation"]]
               .to_dict(orient="records")]
    return {"kpis": records, **totals_dict(card),
            "plan_id": p.plan_id or None, "version": p.version or None, "name": p.name, "period": p.period,
            "card": card.card, "label": card.label, "as_of": score.as_of.isoformat(),
            "data_to": score.effective_end.isoformat(), "running": score.running,
            "weighted_before_deductions": card.totals.weighted_before, "deductions": card.totals.deductions,
            "quantitative_share": card.totals.share, "base_bonus": card.totals.base_bonus,
            "dimensions": dimension_frame(score, card, lang).to_dict(orient="records"),
            "not_measurable": list(card.totals.not_measurable), "notes": score.notes(lang),
            "calculation": card.explain(lang),
            "okrs": [{"objective": o.objective, "owner": o.owner, "score": o.score,
                      "key_results": [dataclasses.asdict(kr) for kr in o.key_results]} for o in score.okrs],
            "cards": card_summary(score, lang).to_dict(orient="records")}


def people_scores(engine: Engine, *, as_of: dt.date | None = None, lang: str = "en") -> pd.DataFrame:
    """Each card's score on the morning ``as_of`` (default today) from the active plans whose period contains the
    last day of data (the day before: on 1 November, October's plans, now closed).

    Columns: plan_id, version, period, card, label, weighted_score, qualitative_score, final_score, grade, bonus,
    running. A person with cards in several plans has one row per plan.
    """
    s = load_settings(engine)  # the business time zone
    day = clock.morning(as_of, s)
    frames = []
    for plan in store.active_plans(engine, clock.data_through(day, s)):
        score = score_plan(engine, plan, as_of=day)
        summary = card_summary(score, lang)
        summary.insert(0, "plan_id", plan.plan_id)
        summary.insert(1, "version", plan.version)
        summary.insert(2, "period", plan.period)
        summary["running"] = score.running
        frames.append(summary)
    columns = ["plan_id", "version", "period", "card", "label", *TOTAL_KEYS, "base_bonus", "not_measurable", "running"]
    return pd.concat(frames, ignore_index=True)[columns] if frames else pd.DataFrame(columns=columns)
