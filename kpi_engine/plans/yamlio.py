"""Plans as YAML files, for review and reuse (``plan export`` / ``plan import``).

The form (more keys are welcome; unknown ones are kept and written back)::

    name: Q4 team plan
    period: 2026-Q4          # or 2026-10, or 2026
    framework: department    # department | manager | directions | bsc
    quantitative_share: 0.8
    kpis:
      - metric: leads          # a registry id; growth:revenue (or yoy:revenue) for growth of a metric
        scope: team            # team | channel:ID | person:ID | campaign:ID
        dimension: campaign_effectiveness
        weight: 20
        base: 3000
        challenge: 3600        # optional
        floor: 0.5             # optional, as achievement
        owner: p01             # optional

Optional plan keys: id, version, status, subject (the person an appraisal scores), preset,
industry, base_bonus, prorate (calendar | working | seasonal | custom; without it the setting
default_prorate), profile (the custom method's weights), previous (the plan this one continues),
deliberate_change, note, acknowledged (keys of acknowledged warnings) and okrs
(``- objective: ..., owner: ..., key_results: [{text, score | metric + scope + target, weight}]``).
Optional KPI keys: core, guardrail, penalty, note, and prorate / profile to spread that KPI's
target differently from the plan, or split (a saved target split: method, promotion events and the
value of every day, :mod:`kpi_engine.target_split`), which wins over both. Export then import gives the same plan; the export always
writes ``prorate``, so a plan keeps its method wherever it is imported. A custom profile::

    prorate: custom
    profile:                 # weight per weekday (a weekday left out weighs 1) ...
      mon: 1.2
      sat: 0.5
      sun: 0.3
      2026-10-01: 0          # ... and per date, which wins over its weekday
"""

from __future__ import annotations

from typing import Any

import yaml

from kpi_engine.plans.model import KeyResult, Kpi, Okr, Plan, PlanError

_PLAN_KEYS = {"name": "name", "period": "period", "framework": "framework", "quantitative_share": "quantitative_share",
              "id": "plan_id", "version": "version", "status": "status", "subject": "subject", "preset": "preset",
              "industry": "industry", "base_bonus": "base_bonus", "prorate": "prorate", "previous": "previous",
              "deliberate_change": "deliberate_change", "note": "note", "acknowledged": "acknowledged"}
_KPI_KEYS = ("metric", "scope", "dimension", "weight", "base", "challenge", "floor", "owner", "core", "guardrail",
             "penalty", "note")
_KR_KEYS = ("text", "score", "metric", "scope", "target", "weight")
_DEFAULTS = Plan(name="x", period="2026-01")
_KPI_DEFAULTS = Kpi(metric="x")
_KR_DEFAULTS = KeyResult(text="x")


def _plain(value: Any) -> Any:
    """Numbers as people write them: 20 rather than 20.0."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return int(value)
    return value


def _fields(obj: Any, keys: tuple[str, ...], defaults: Any, always: tuple[str, ...]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key in keys:
        value = getattr(obj, key)
        if key in always or value != getattr(defaults, key):
            out[key] = _plain(value)
    return out


def plan_to_dict(plan: Plan) -> dict[str, Any]:
    """The plan as the YAML form's mapping (defaults left out, except the form's core keys)."""
    out: dict[str, Any] = {}
    for key, attr in _PLAN_KEYS.items():
        value = getattr(plan, attr)
        if key == "prorate" and not value:
            continue  # not yet saved to a store: the store's default_prorate applies where it is imported
        if key in ("name", "period", "framework", "quantitative_share", "prorate") or value != getattr(_DEFAULTS, attr):
            out[key] = list(value) if isinstance(value, tuple) else _plain(value)
        if key == "prorate" and plan.profile:
            out["profile"] = {k: _plain(v) for k, v in plan.profile.items()}
    out["kpis"] = [{**_fields(k, _KPI_KEYS, _KPI_DEFAULTS, ("metric", "scope", "dimension", "weight", "base")),
                    **k.extra} for k in plan.kpis]
    if plan.okrs:
        out["okrs"] = [{"objective": o.objective, **({"owner": o.owner} if o.owner else {}),
                        "key_results": [_fields(kr, _KR_KEYS, _KR_DEFAULTS, ("text",)) for kr in o.key_results]}
                       for o in plan.okrs]
    out.update({k: v for k, v in plan.extra.items() if k != "profile"})
    return out


def plan_to_yaml(plan: Plan) -> str:
    """The plan as YAML text (UTF-8, Chinese kept readable)."""
    return yaml.safe_dump(plan_to_dict(plan), allow_unicode=True, sort_keys=False, default_flow_style=False, width=120)


def _kpi(index: int, raw: object, problems: list[str]) -> Kpi | None:
    if not isinstance(raw, dict):
        problems.append(f"kpis[{index + 1}] must be a mapping with metric, scope, dimension, weight, base ...")
        return None
    known = {k: raw[k] for k in _KPI_KEYS if k in raw}
    extra = {str(k): v for k, v in raw.items() if k not in _KPI_KEYS}
    if "metric" not in known:
        problems.append(f"kpis[{index + 1}]: metric is required")
        return None
    try:
        return Kpi(**known, extra=extra)
    except (PlanError, TypeError) as exc:
        problems.append(f"kpis[{index + 1}]: {exc}")
        return None


def _okr(index: int, raw: object, problems: list[str]) -> Okr | None:
    if not isinstance(raw, dict) or "objective" not in raw:
        problems.append(f"okrs[{index + 1}] must be a mapping with objective and key_results")
        return None
    krs: list[KeyResult] = []
    for j, item in enumerate(raw.get("key_results") or []):
        try:
            if isinstance(item, str):
                krs.append(KeyResult(text=item))
            elif isinstance(item, dict):
                krs.append(KeyResult(**{k: item[k] for k in _KR_KEYS if k in item}))
            else:
                raise PlanError([f"a key result is a text or a mapping, not {item!r}"])
        except (PlanError, TypeError) as exc:
            problems.append(f"okrs[{index + 1}].key_results[{j + 1}]: {exc}")
    try:
        return Okr(objective=raw["objective"], key_results=tuple(krs), owner=raw.get("owner") or "")
    except PlanError as exc:
        problems.append(f"okrs[{index + 1}]: {exc}")
        return None


def plan_from_dict(data: object) -> Plan:
    """A plan from the YAML form's mapping; :class:`PlanError` listing every problem."""
    if not isinstance(data, dict):
        raise PlanError(["a plan file is a mapping with name, period, framework, quantitative_share and kpis"])
    problems: list[str] = []
    kpis_raw = data.get("kpis") or []
    okrs_raw = data.get("okrs") or []
    if not isinstance(kpis_raw, list):
        problems.append("kpis must be a list")
        kpis_raw = []
    if not isinstance(okrs_raw, list):
        problems.append("okrs must be a list")
        okrs_raw = []
    kpis = [_kpi(i, raw, problems) for i, raw in enumerate(kpis_raw)]
    okrs = [_okr(i, raw, problems) for i, raw in enumerate(okrs_raw)]
    args: dict[str, Any] = {attr: data[key] for key, attr in _PLAN_KEYS.items() if key in data}
    if "acknowledged" in args and not isinstance(args["acknowledged"], list | tuple):
        problems.append("acknowledged must be a list of warning keys")
        args.pop("acknowledged")
    extra = {str(k): v for k, v in data.items() if k not in _PLAN_KEYS and k not in ("kpis", "okrs")}
    plan = None
    try:
        plan = Plan(**{"name": "", "period": "", **args}, kpis=tuple(k for k in kpis if k is not None),
                    okrs=tuple(o for o in okrs if o is not None), extra=extra)
    except (PlanError, TypeError) as exc:
        problems.extend(exc.problems if isinstance(exc, PlanError) else [str(exc)])
    problems = list(dict.fromkeys(problems))
    if problems or plan is None:
        raise PlanError(problems)
    return plan


def plan_from_yaml(text: str) -> Plan:
    """A plan from YAML text; :class:`PlanError` for text that is not YAML or not a plan."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark is not None else ""
        raise PlanError([f"not valid YAML{where}: {getattr(exc, 'problem', None) or exc}"]) from None
    return plan_from_dict(data)
