"""Plan checks (SPEC section 5): every problem at once, each with its fix in English and Chinese.

Errors block activation: no KPI at all, a metric or scope that does not exist, a missing or
non-positive base target (or a floor outside 0..1), base and challenge in the wrong order,
weights of a card that add up neither to 100 nor to 100 × the quantitative share (the
appraisal form, where the 360 part is the rest), a custom pro-rating without a usable profile
(:mod:`kpi_engine.plans.prorating`). Everything else is a warning that a manager
can acknowledge (by its ``key``); scoring never depends on warnings:

- dimensions: a KPI in a dimension its framework does not have; the main card's dimension
  weights outside the framework's recommended ranges (or, with a preset, more than 5 points
  away from the preset's weights);
- focus: 3 to 5 core KPIs per card; results and process indicators both present; on the main
  card short-term results about 60-70% and long-term brand about 20-30% of the weight (5
  points of slack);
- ownership and data: every KPI has an owner, who exists and can influence it (for a person's
  KPI, the person or their manager; for a channel's or campaign's, its owner or their manager);
  a manual metric has values reported for the scope, a computed one has facts;
- no vanity-only measurement: exposure (impressions, followers ...) without a conversion KPI
  for the same scope (for a channel: or for a campaign of it, or the person who runs it);
- target sanity against the last six complete months: above 3× the average, or not beyond
  the recent level (the last three months), is flagged;
- cascade coverage: person (or channel) targets of a metric that adds up cover the team's;
- continuity: at least half the previous plan's KPIs carried over, unless ``deliberate_change``;
- guardrails carry no weight and deduct a positive penalty; no KPI twice.

Checks that need the database (existence, owners, data, history, continuity) run when an
engine is given. The quarterly rationality review lives in :mod:`kpi_engine.plans.rationality`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import partial
from typing import TypedDict

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from kpi_engine import clock, schema
from kpi_engine.i18n import LANGS, t
from kpi_engine.metrics import registry
from kpi_engine.metrics.query import data_bounds
from kpi_engine.plans import catalog, suggest
from kpi_engine.plans.check_issues import CheckReport, Issue, kpi_label, kpi_params
from kpi_engine.plans.directory import Directory
from kpi_engine.plans.model import TEAM_CARD, Kpi, Plan, Scope, split_metric
from kpi_engine.plans.prorating import profile_issues
from kpi_engine.plans.reading import previous_plan
from kpi_engine.plans.templates import FRAMEWORKS, PRESETS
from kpi_engine.scoring import format_pct, format_value
from kpi_engine.settings_store import load_settings

CORE_RANGE = (3, 5)
SHORT_RANGE, BRAND_RANGE, ABOUT = (60.0, 70.0), (20.0, 30.0), 5.0
PRESET_TOLERANCE = 5.0
FAR_ABOVE = 3.0
MIN_CARRIED = 0.5


class CardParams(TypedDict, total=False):
    card_key: str  # the team's card, by its i18n key
    card: str  # a person's card, by id


class ScopeParams(TypedDict, total=False):
    scope_key: str  # the team, by its i18n key
    scope: str  # any other scope, by name


def in_langs(name: str, text: Callable[[str], str]) -> dict[str, str]:
    """A message parameter in every language (``NAME__en``, ``NAME__zh``: see :func:`kpi_engine.scoring.explain`)."""
    return {f"{name}__{lang}": text(lang) for lang in LANGS}


def _metric_names(refs: tuple[str, ...], lang: str) -> str:
    return ", ".join(catalog.kpi_name(ref, lang) for ref in refs)


def _dimension_names(dims: tuple[str, ...], lang: str) -> str:
    return ", ".join(t(f"plans_dim_{d}", lang) for d in dims)


def card_params(card: str) -> CardParams:
    return {"card_key": "plans_card_team"} if card == TEAM_CARD else {"card": card}


class _Out:
    def __init__(self, plan: Plan | None = None, directory: Directory | None = None) -> None:
        self.items: list[Issue] = []
        self.plan, self.names = plan, directory.names if directory is not None else {}

    def add(self, code: str, severity: str, key: str, *, kpi: int | None = None, card_id: str | None = None,
            **params: object) -> None:
        if "kpi_label" in params and kpi is not None and self.plan is not None and kpi < len(self.plan.kpis):
            params = {**params, **kpi_params(self.plan.kpis[kpi], self.names)}
        if "card" in params:  # a person's card by their name, never their id
            params["card"] = self.names.get(f"person:{params['card']}") or params["card"]
        self.items.append(Issue(code, severity, key, {k: str(v) for k, v in params.items()}, kpi, card_id))


# --- the checks -----------------------------------------------------------------------------


def _weights_ok(total: float, share: float) -> bool:
    return abs(total - 100) < 0.01 or (share < 1 and abs(total - 100 * share) < 0.01)


def _structure(plan: Plan, out: _Out, directory: Directory | None) -> None:
    if not plan.kpis:
        out.add("no_kpis", "error", "no_kpis")
        return
    fw = FRAMEWORKS[plan.framework]
    seen: dict[tuple[str, str], int] = {}
    for i, k in enumerate(plan.kpis):
        label, key = kpi_label(k), f"{k.metric}@{k.scope}"
        kind, mid = split_metric(k.metric)
        if kind not in (None, "pop", "yoy") or mid not in registry.METRICS:
            out.add("unknown_metric", "error", f"unknown_metric:{key}", kpi=i, kpi_label=label, metric=k.metric)
        try:
            scope = Scope.parse(k.scope)
            if directory is not None and not directory.exists(scope):
                out.add("unknown_scope", "error", f"unknown_scope:{key}", kpi=i, kpi_label=label, scope=k.scope)
        except ValueError:
            out.add("unknown_scope", "error", f"unknown_scope:{key}", kpi=i, kpi_label=label, scope=k.scope)
        if k.base is None or k.base <= 0 or (k.floor is not None and not 0 <= k.floor <= 1) or k.weight < 0:
            out.add("target_invalid", "error", f"target_invalid:{key}", kpi=i, kpi_label=label,
                    base="—" if k.base is None else f"{k.base:g}", floor="—" if k.floor is None else f"{k.floor:g}",
                    weight=f"{k.weight:g}")
        elif k.challenge is not None:
            lower = catalog.direction(k.metric) == "lower"
            if (lower and k.challenge > k.base) or (not lower and k.challenge < k.base):
                out.add("target_order", "error", f"target_order:{key}", kpi=i, kpi_label=label, base=f"{k.base:g}",
                        challenge=f"{k.challenge:g}", direction_key=f"plans_direction_{'lower' if lower else 'higher'}")
        if k.dimension not in fw.dimension_ids:
            out.add("dimension_unknown", "warning", f"dimension_unknown:{key}", kpi=i, kpi_label=label,
                    dimension=k.dimension or "—", **in_langs("valid", partial(_dimension_names, fw.dimension_ids)))
        if k.guardrail and k.weight > 0:
            out.add("guardrail_weight", "warning", f"guardrail_weight:{key}", kpi=i, kpi_label=label, weight=f"{k.weight:g}")
        if k.guardrail and k.penalty <= 0:
            out.add("guardrail_penalty", "warning", f"guardrail_penalty:{key}", kpi=i, kpi_label=label)
        if (k.metric, k.scope) in seen:
            out.add("duplicate_kpi", "warning", f"duplicate_kpi:{key}", kpi=i, kpi_label=label, first=seen[(k.metric, k.scope)] + 1)
        seen.setdefault((k.metric, k.scope), i)


def dimension_issues(plan: Plan, code: str) -> list[Issue]:
    """The main card's dimension weights against the preset (±5 points) or the framework's ranges."""
    out = _Out()
    entries = [k for _, k in plan.kpis_of(plan.main_card) if not k.guardrail]
    total = sum(k.weight for k in entries)
    if total <= 0:
        return []
    scale = 1.0 if _weights_ok(total, plan.quantitative_share) else 100 / total
    preset = PRESETS.get(plan.preset) if plan.framework == "department" else None
    for dim in FRAMEWORKS[plan.framework].dimensions:
        pct = sum(k.weight for k in entries if k.dimension == dim.id) * scale
        if preset is not None:
            low = high = preset.weights.get(dim.id, 0.0)
            low, high = low - PRESET_TOLERANCE, high + PRESET_TOLERANCE
        elif dim.low is None or dim.high is None:
            continue
        else:
            low, high = dim.low, dim.high
        if pct < low - 0.01 or pct > high + 0.01:
            out.add(code, "warning", f"{code}:{dim.id}", card_id=plan.main_card, dimension_key=f"plans_dim_{dim.id}",
                    weight=f"{pct:g}", low=f"{max(low, 0):g}", high=f"{high:g}",
                    reference_key="plans_reference_preset" if preset else "plans_reference_framework",
                    preset=preset.name_en if preset else "")
    return out.items


def _cards(plan: Plan, out: _Out) -> None:
    for card in plan.cards():
        mine = [k for _, k in plan.kpis_of(card)]
        if not mine:
            continue
        scored = [k for k in mine if not k.guardrail]
        total = sum(k.weight for k in scored)
        if not _weights_ok(total, plan.quantitative_share):
            out.add("weights_total", "error", f"weights_total:{card}", card_id=card, total=f"{total:g}",
                    share_total=f"{100 * plan.quantitative_share:g}", **card_params(card))
        core = sum(1 for k in scored if k.core)
        if not CORE_RANGE[0] <= core <= CORE_RANGE[1]:
            out.add("core_count", "warning", f"core_count:{card}", card_id=card, count=core, **card_params(card))
        kinds = {catalog.nature(k.metric) for k in scored}
        if kinds != {"result", "process"}:
            missing = "process" if "process" not in kinds else "result"
            out.add("results_process", "warning", f"results_process:{card}", card_id=card,
                    missing_key=f"plans_nature_{missing}", **card_params(card))
        if card == plan.main_card and total > 0:
            short = sum(k.weight for k in scored if catalog.horizon(k.metric) == "short") * 100 / total
            brand = sum(k.weight for k in scored if catalog.horizon(k.metric) == "brand") * 100 / total
            if not SHORT_RANGE[0] - ABOUT <= short <= SHORT_RANGE[1] + ABOUT:
                out.add("horizon_short", "warning", f"horizon_short:{card}", card_id=card, share=f"{short:.0f}",
                        **card_params(card))
            if not BRAND_RANGE[0] - ABOUT <= brand <= BRAND_RANGE[1] + ABOUT:
                out.add("horizon_brand", "warning", f"horizon_brand:{card}", card_id=card, share=f"{brand:.0f}",
                        **card_params(card))


def _owners(plan: Plan, out: _Out, directory: Directory | None) -> None:
    for i, k in enumerate(plan.kpis):
        label, key = kpi_label(k), f"{k.metric}@{k.scope}"
        if not k.owner:
            out.add("owner_missing", "warning", f"owner_missing:{key}", kpi=i, kpi_label=label)
            continue
        if directory is None:
            continue
        if k.owner not in directory.people:
            out.add("owner_unknown", "warning", f"owner_unknown:{key}", kpi=i, kpi_label=label, owner=k.owner)
            continue
        try:
            who = directory.influencers(Scope.parse(k.scope))
        except ValueError:  # an unreadable scope: _structure reports it (unknown_scope, an error)
            continue
        if who is not None and who and k.owner not in who:  # people by name, never by id
            out.add("owner_influence", "warning", f"owner_influence:{key}", kpi=i, kpi_label=label,
                    owner=directory.person(k.owner), who=", ".join(sorted(directory.person(w) for w in who)))


def _vanity(plan: Plan, out: _Out, directory: Directory | None) -> None:
    scopes: dict[str, list[Kpi]] = {}
    for k in plan.kpis:
        scopes.setdefault(k.scope, []).append(k)
    for scope_text, kpis in scopes.items():
        exposure = [k.metric for k in kpis if catalog.is_exposure(k.metric)]
        if not exposure or any(catalog.is_conversion(k.metric) for k in kpis):
            continue
        covered = False
        try:
            scope = Scope.parse(scope_text)
        except ValueError:  # an unreadable scope: _structure reports it (unknown_scope, an error)
            continue
        if scope.type == "channel":
            owner = directory.channels.get(scope.id, "") if directory else ""
            related = {f"person:{owner}"} if owner else set()
            if directory:
                related |= {f"campaign:{c}" for c, (ch, _) in directory.campaigns.items() if ch == scope.id}
            covered = any(catalog.is_conversion(k.metric) for s in related for k in scopes.get(s, []))
        if not covered:  # the scope by name ("小红书笔记", the team in the reader's language), never its key
            shown: ScopeParams = ({"scope_key": "push_scope_team"} if scope.type == "team" and not scope.id else
                                  {"scope": (directory.names if directory else {}).get(scope_text) or scope_text})
            out.add("vanity_only", "warning", f"vanity_only:{scope_text}", kpi=None, **shown,
                    **in_langs("metrics", partial(_metric_names, tuple(exposure))))


def _cascade(plan: Plan, out: _Out) -> None:
    for team_kpi in plan.kpis:
        if team_kpi.scope != "team" or team_kpi.growth_kind or team_kpi.base is None:
            continue
        m = registry.METRICS.get(team_kpi.metric_id)
        if m is None or not m.additive:
            continue
        for level in ("person", "channel"):
            parts = [k.base for k in plan.kpis if k.metric == team_kpi.metric and k.scope.startswith(f"{level}:")
                     and k.base is not None]
            if parts and sum(parts) < team_kpi.base * 0.999:
                out.add("cascade_coverage", "warning", f"cascade_coverage:{team_kpi.metric}:{level}", kpi=None,
                        **in_langs("metric", partial(_metric_names, (team_kpi.metric,))),
                        level_key=f"plans_level_{level}", covered=format_value(sum(parts), m.unit),
                        team=format_value(team_kpi.base, m.unit), share=format_pct(sum(parts) / team_kpi.base))


def _data_sources(plan: Plan, out: _Out, engine: Engine) -> None:
    mv = schema.metric_values
    seen: dict[tuple[str, ...], int] = {}
    for i, k in enumerate(plan.kpis):
        kind, mid = split_metric(k.metric)
        if mid not in registry.METRICS:
            continue
        try:
            scope = Scope.parse(k.scope)
        except ValueError:  # an unreadable scope: _structure reports it (unknown_scope, an error)
            continue
        manual = [m.source_id for m in registry.manual_closure([mid])]
        memo = (*manual, scope.type, scope.id) if manual else registry.METRICS[mid].facts
        if memo not in seen:
            if manual:
                query = sa.select(sa.func.count()).select_from(mv).where(mv.c.metric_id.in_(manual),
                                                                          mv.c.scope_type == scope.type,
                                                                          mv.c.scope_id == scope.id)
                with engine.connect() as conn:
                    seen[memo] = conn.execute(query).scalar() or 0
            else:
                seen[memo] = 1 if data_bounds(engine, [mid]) is not None else 0
        found = seen[memo]
        if not found:
            out.add("data_source", "warning", f"data_source:{k.metric}@{k.scope}", kpi=i, kpi_label=kpi_label(k),
                    source_key="plans_source_manual" if manual else "plans_source_facts",
                    tables=", ".join(manual or registry.METRICS[mid].facts))


def _history(plan: Plan, out: _Out, engine: Engine, as_of: dt.date | None) -> None:
    refs = [(k.metric, k.scope) for k in plan.kpis if k.growth_kind is None and k.base and k.base > 0]
    if not refs:
        return
    start, end = suggest.history_window(plan.start, as_of)
    hist = suggest.monthly_history(engine, refs, start, end)
    for i, k in enumerate(plan.kpis):
        values = [v for _, v in hist.get((k.metric, k.scope), [])]
        avg = suggest.per_period(values, k.metric, plan.grain)
        recent = suggest.per_period(values[-suggest.RECENT_MONTHS:], k.metric, plan.grain)
        if avg is None or recent is None or not avg or k.base is None:
            continue
        lower = catalog.direction(k.metric) == "lower"
        unit = registry.METRICS[k.metric_id].unit
        params = {"kpi_label": kpi_label(k), "base": format_value(k.base, unit), "average": format_value(avg, unit),
                  "recent": format_value(recent, unit)}
        key = f"{k.metric}@{k.scope}"
        if (not lower and k.base > FAR_ABOVE * avg) or (lower and k.base < avg / FAR_ABOVE):
            out.add("target_far", "warning", f"target_far:{key}", kpi=i, **params)
        elif (not lower and k.base < recent) or (lower and k.base > recent):
            out.add("target_easy", "warning", f"target_easy:{key}", kpi=i, **params)


def _continuity(plan: Plan, out: _Out, previous: Plan | None) -> None:
    if previous is None or plan.deliberate_change or not previous.kpis:
        return
    before = {(k.metric, k.scope) for k in previous.kpis}
    now = {(k.metric, k.scope) for k in plan.kpis}
    carried = len(before & now) / len(before)
    if carried < MIN_CARRIED:

        def dropped(lang: str) -> str:
            shown = sorted(catalog.kpi_label(m, s, lang, out.names) for m, s in before - now)
            return ", ".join(shown[:8]) + (" …" if len(shown) > 8 else "")

        out.add("continuity", "warning", "continuity", kpi=None, previous=previous.name or previous.plan_id, share=format_pct(carried),
                **in_langs("dropped", dropped))


def check_plan(plan: Plan, engine: Engine | None = None, *, previous: Plan | None = None, as_of: dt.date | None = None,
               find_previous: bool = True) -> CheckReport:
    """Every check of SPEC section 5 (errors first); the plan's own acknowledgements applied."""
    directory = Directory.load(engine) if engine is not None else None
    out = _Out(plan, directory)
    _structure(plan, out, directory)
    out.items.extend(profile_issues(plan, directory.names if directory else None))
    if plan.kpis:
        _cards(plan, out)
        out.items.extend(dimension_issues(plan, "dimension_range"))
        _owners(plan, out, directory)
        _vanity(plan, out, directory)
        _cascade(plan, out)
        if engine is not None:
            _data_sources(plan, out, engine)
            _history(plan, out, engine, as_of or clock.business_today(load_settings(engine)))
            if previous is None and find_previous:
                previous = previous_plan(engine, plan)
        _continuity(plan, out, previous)
    issues = sorted(out.items, key=lambda i: i.severity != "error")
    return CheckReport(tuple(issues)).acknowledge(plan.acknowledged)

