"""KPI plans as values: :class:`Plan`, :class:`Kpi`, :class:`Okr` (frozen dataclasses).

A plan belongs to one period (a month ``2026-10``, a quarter ``2026-Q4`` or a year ``2026``)
and holds KPIs (and, beside them, OKRs). The model checks structure only: types, the period,
the framework, the shape of ids and scopes. Whether a metric, scope or owner exists, whether
weights add up and targets make sense is for :mod:`kpi_engine.plans.checks`, which lists
every problem with its fix instead of failing on the first.

Scopes are text: ``team`` (the whole department), ``team:NAME`` (a ``people.team``),
``person:ID``, ``channel:ID`` or ``campaign:ID``. Metrics are registry ids, or
``growth:ID`` (period over period) / ``yoy:ID`` (year over year) for the growth of one.

Cards: a plan is scored for one or more *cards*. A plan with a ``subject`` (an appraisal of
that person, e.g. the marketing manager) is one card for the subject holding every KPI. A
team plan has the team card (KPIs scoped to the team) and one card per person: KPIs scoped to
the person, and channel or campaign KPIs they own (the cascade team -> person -> channel).

Pro-rating (how a target is spread over the days of a week or a month): ``prorate`` is one of
:data:`PRORATE_METHODS`; a plan built without one gets the store's setting ``default_prorate`` when it
is saved and keeps it (stored, exported to YAML), so changing the setting later never changes the
targets of an existing plan (before it is saved, the setting in force applies). ``custom`` takes its weights from ``extra["profile"]`` (YAML
``profile:``, see :func:`kpi_engine.prorate_profile.parse_profile`). A KPI may override both with its own
``prorate`` / ``profile`` keys (``Kpi.extra``), or with a saved target split (``split``, see
:mod:`kpi_engine.target_split`); :func:`kpi_engine.pacing.method_for` resolves them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import re
from dataclasses import dataclass, field
from typing import Any

from kpi_engine import periods, target_split
from kpi_engine.prorate_profile import METHODS as PRORATE_METHODS
from kpi_engine.prorate_profile import parse_profile

FRAMEWORK_IDS: tuple[str, ...] = ("department", "manager", "directions", "bsc")
STATUSES: tuple[str, ...] = ("draft", "active", "closed")
SCOPE_TYPES: tuple[str, ...] = ("team", "person", "channel", "campaign")
PLAN_GRAINS: tuple[str, ...] = ("month", "quarter", "year")
TEAM_CARD = "team"

_PLAN_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,79}$")
_TOKEN = re.compile(r"^[^\s:]+$")


class PlanError(ValueError):
    """A plan that cannot even be built; ``problems`` lists every reason."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(self.problems))


def _num(value: object, what: str, problems: list[str], *, optional: bool = True) -> float | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        if not optional:
            problems.append(f"{what} is required")
        return None
    if isinstance(value, bool):
        problems.append(f"{what} must be a number, not {value!r}")
        return None
    try:
        number = float(str(value).replace(",", "").strip()) if isinstance(value, str) else float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        problems.append(f"{what} must be a number, not {value!r}")
        return None
    if not math.isfinite(number):
        if optional and math.isnan(number):
            return None
        problems.append(f"{what} must be a finite number, not {value!r}")
        return None
    return number


def _text(value: object) -> str:
    return "" if value is None or (isinstance(value, float) and math.isnan(value)) else str(value).strip()


def _prorating(extra: dict[str, Any], what: str, problems: list[str]) -> dict[str, Any]:
    """``extra`` with its ``prorate`` and ``profile`` keys checked and in their stored form."""
    out = dict(extra or {})
    if "prorate" in out:
        method = _text(out["prorate"]).lower()
        if not method:
            out.pop("prorate")
        elif method not in PRORATE_METHODS:
            problems.append(f"{what}prorate must be one of {', '.join(PRORATE_METHODS)}, not {out['prorate']!r}")
        else:
            out["prorate"] = method
    if "profile" in out:
        profile, found = parse_profile(out["profile"])
        problems.extend(f"{what}{p}" for p in found)
        if profile:
            out["profile"] = profile
        elif not found:
            out.pop("profile")
    if "split" in out:  # a saved target split (kpi_engine.target_split): its days drive pacing
        saved, found = target_split.parse_saved(out["split"])
        problems.extend(f"{what}{p}" for p in found)
        if saved is None:
            out.pop("split")
        else:
            out["split"] = saved
    return out


def _bool(value: object, what: str, problems: list[str]) -> bool:
    if isinstance(value, bool):
        return value
    text = _text(value).lower()
    if text in ("", "0", "false", "no", "n", "off"):
        return False
    if text in ("1", "true", "yes", "y", "on"):
        return True
    problems.append(f"{what} must be true or false, not {value!r}")
    return False


@dataclass(frozen=True)
class Scope:
    """A parsed scope: ``type`` (team, person, channel, campaign) and ``id`` ("" for the whole team)."""

    type: str
    id: str = ""

    @classmethod
    def parse(cls, text: str) -> Scope:
        """``"channel:douyin_video"`` -> Scope("channel", "douyin_video"); ValueError naming the forms otherwise."""
        raw = _text(text) or "team"
        kind, _, ident = raw.partition(":")
        kind, ident = kind.strip().lower(), ident.strip()
        if kind not in SCOPE_TYPES or (kind != "team" and not ident) or (":" in ident):
            raise ValueError(f"not a scope: {text!r}; use team, team:NAME, person:ID, channel:ID or campaign:ID")
        return cls(kind, ident)

    def __str__(self) -> str:
        return self.type if not self.id else f"{self.type}:{self.id}"

    @property
    def where(self) -> dict[str, str] | None:
        """The ``where`` filter of :func:`kpi_engine.metrics.query.compute` (None for the whole department)."""
        return None if self.type == "team" and not self.id else {self.type: self.id}


def split_metric(ref: str) -> tuple[str | None, str]:
    """``"growth:revenue"`` -> ("pop", "revenue"); ``"yoy:revenue"`` -> ("yoy", "revenue"); ``"leads"`` -> (None, "leads")."""
    text = _text(ref)
    prefix, sep, rest = text.partition(":")
    if not sep:
        return None, text
    kinds = {"growth": "pop", "pop": "pop", "yoy": "yoy"}
    return kinds.get(prefix.strip().lower(), prefix.strip().lower() or "?"), rest.strip()


@dataclass(frozen=True)
class Kpi:
    """One KPI of a plan. ``floor`` is an achievement (0.5 = 50%; None: the setting ``score_floor``).

    ``weight`` is in percent points; a guardrail KPI carries no weight and deducts ``penalty``
    points from the weighted score when breached (its actual worse than its base target).
    ``core`` marks the few KPIs that carry the focus (3 to 5 per card, a check says).
    """

    metric: str
    scope: str = "team"
    dimension: str = ""
    weight: float = 0.0
    base: float | None = None
    challenge: float | None = None
    floor: float | None = None
    owner: str = ""
    core: bool = True
    guardrail: bool = False
    penalty: float = 0.0
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict, hash=False)

    def __post_init__(self) -> None:
        problems: list[str] = []
        metric = _text(self.metric)
        label = f"KPI {metric or '?'}"
        if not metric or any(ch.isspace() for ch in metric):
            problems.append(f"{label}: metric must be a metric id such as leads or growth:revenue, not {self.metric!r}")
        object.__setattr__(self, "metric", metric)
        object.__setattr__(self, "scope", _text(self.scope) or "team")
        object.__setattr__(self, "dimension", _text(self.dimension))
        object.__setattr__(self, "owner", _text(self.owner))
        object.__setattr__(self, "note", _text(self.note))
        weight = _num(self.weight, f"{label}: weight", problems)
        object.__setattr__(self, "weight", 0.0 if weight is None else weight)
        for name in ("base", "challenge", "floor"):
            object.__setattr__(self, name, _num(getattr(self, name), f"{label}: {name}", problems))
        penalty = _num(self.penalty, f"{label}: penalty", problems)
        object.__setattr__(self, "penalty", 0.0 if penalty is None else penalty)
        object.__setattr__(self, "core", _bool(self.core, f"{label}: core", problems))
        object.__setattr__(self, "guardrail", _bool(self.guardrail, f"{label}: guardrail", problems))
        object.__setattr__(self, "extra", _prorating(self.extra, f"{label}: ", problems))
        if problems:
            raise PlanError(problems)

    @property
    def growth_kind(self) -> str | None:
        """``pop`` or ``yoy`` for the growth of a metric, None for a plain metric."""
        return split_metric(self.metric)[0]

    @property
    def metric_id(self) -> str:
        """The registry id under a growth reference (``revenue`` for ``yoy:revenue``)."""
        return split_metric(self.metric)[1]

    def parsed_scope(self) -> Scope:
        return Scope.parse(self.scope)


@dataclass(frozen=True)
class KeyResult:
    """A key result: scored 0 to 1.0 by hand (``score``) or measured (``metric`` against ``target``)."""

    text: str
    score: float | None = None
    metric: str = ""
    scope: str = "team"
    target: float | None = None
    weight: float | None = None

    def __post_init__(self) -> None:
        problems: list[str] = []
        object.__setattr__(self, "text", _text(self.text))
        object.__setattr__(self, "metric", _text(self.metric))
        object.__setattr__(self, "scope", _text(self.scope) or "team")
        for name in ("score", "target", "weight"):
            object.__setattr__(self, name, _num(getattr(self, name), f"key result {self.text!r}: {name}", problems))
        if not self.text:
            problems.append("a key result needs a text")
        if self.score is not None and not 0 <= self.score <= 1:
            problems.append(f"key result {self.text!r}: score must be between 0 and 1.0, not {self.score:g}")
        if self.weight is not None and self.weight < 0:
            problems.append(f"key result {self.text!r}: weight must be 0 or more")
        if problems:
            raise PlanError(problems)


@dataclass(frozen=True)
class Okr:
    """An objective with its key results (shown beside the KPIs; KPIs run the business, OKRs stretch it)."""

    objective: str
    key_results: tuple[KeyResult, ...] = ()
    owner: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "objective", _text(self.objective))
        object.__setattr__(self, "owner", _text(self.owner))
        object.__setattr__(self, "key_results", tuple(self.key_results or ()))
        if not self.objective:
            raise PlanError(["an OKR needs an objective"])


@dataclass(frozen=True)
class Plan:
    """A KPI plan (one version of it). ``quantitative_share`` is the KPI part of the final score (0..1)."""

    name: str
    period: str
    framework: str = "department"
    quantitative_share: float = 0.8
    kpis: tuple[Kpi, ...] = ()
    okrs: tuple[Okr, ...] = ()
    status: str = "draft"
    plan_id: str = ""
    version: int = 0
    subject: str = ""
    preset: str = ""
    industry: str = ""
    base_bonus: float | None = None
    prorate: str = ""  # "": the store's setting default_prorate, written in when the plan is saved
    previous: str = ""
    deliberate_change: bool = False
    acknowledged: tuple[str, ...] = ()
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict, hash=False)

    def __post_init__(self) -> None:
        problems: list[str] = []
        object.__setattr__(self, "name", _text(self.name))
        if not self.name:
            problems.append("a plan needs a name")
        try:
            grain, start, _ = periods.parse_period(_text(self.period))
            if grain not in PLAN_GRAINS:
                raise ValueError(f"a plan's period is a month (2026-10), a quarter (2026-Q4) or a year (2026), not {self.period!r}")
            object.__setattr__(self, "period", periods.period_label(start, grain))
        except ValueError as exc:
            problems.append(str(exc))
        framework = _text(self.framework).lower()
        if framework not in FRAMEWORK_IDS:
            problems.append(f"framework must be one of {', '.join(FRAMEWORK_IDS)}, not {self.framework!r}")
        object.__setattr__(self, "framework", framework)
        share = _num(self.quantitative_share, "quantitative_share", problems, optional=False)
        if share is not None and not 0 <= share <= 1:
            problems.append(f"quantitative_share must be between 0 and 1 (0.8 = 80%), not {share:g}")
        object.__setattr__(self, "quantitative_share", 0.8 if share is None else share)
        status = _text(self.status).lower() or "draft"
        if status not in STATUSES:
            problems.append(f"status must be one of {', '.join(STATUSES)}, not {self.status!r}")
        object.__setattr__(self, "status", status)
        plan_id = _text(self.plan_id)
        if plan_id and not _PLAN_ID.match(plan_id):
            problems.append(f"plan id {plan_id!r}: use letters, digits, '-', '_' or '.' (up to 80)")
        object.__setattr__(self, "plan_id", plan_id)
        prorate = _text(self.prorate).lower()  # "": the store's default_prorate, written in when the plan is saved
        if prorate and prorate not in PRORATE_METHODS:
            problems.append(f"prorate must be one of {', '.join(PRORATE_METHODS)}, not {self.prorate!r}")
        object.__setattr__(self, "prorate", prorate)
        for name in ("subject", "preset", "industry", "previous", "note"):
            object.__setattr__(self, name, _text(getattr(self, name)))
        if self.subject and not _TOKEN.match(self.subject):
            problems.append(f"subject must be a person id, not {self.subject!r}")
        object.__setattr__(self, "base_bonus", _num(self.base_bonus, "base_bonus", problems))
        object.__setattr__(self, "deliberate_change", _bool(self.deliberate_change, "deliberate_change", problems))
        object.__setattr__(self, "version", int(self.version or 0))
        object.__setattr__(self, "kpis", tuple(self.kpis or ()))
        object.__setattr__(self, "okrs", tuple(self.okrs or ()))
        object.__setattr__(self, "acknowledged", tuple(dict.fromkeys(_text(a) for a in (self.acknowledged or ()) if _text(a))))
        object.__setattr__(self, "extra", _prorating(self.extra, "", problems))
        if problems:
            raise PlanError(problems)

    # --- the period ---------------------------------------------------------------
    @property
    def grain(self) -> str:
        return periods.parse_period(self.period)[0]

    @property
    def start(self) -> dt.date:
        return periods.parse_period(self.period)[1]

    @property
    def end(self) -> dt.date:
        return periods.parse_period(self.period)[2]

    @property
    def profile(self) -> dict[str, float]:
        """The custom pro-rating profile ({} without one)."""
        return dict(self.extra.get("profile") or {})

    # --- cards --------------------------------------------------------------------
    @property
    def main_card(self) -> str:
        """The card the plan is about: its subject, or the team."""
        return self.subject or TEAM_CARD

    def card_of(self, kpi: Kpi) -> str:
        """Which card a KPI scores on (see the module docstring)."""
        if self.subject:
            return self.subject
        try:
            scope = kpi.parsed_scope()
        except ValueError:
            return TEAM_CARD
        if scope.type == "person":
            return scope.id
        if scope.type in ("channel", "campaign") and kpi.owner:
            return kpi.owner
        return TEAM_CARD

    def cards(self) -> list[str]:
        """Card ids in order: the main card first, then people in the order their KPIs appear."""
        found = [self.main_card] + [self.card_of(k) for k in self.kpis]
        return list(dict.fromkeys(found))

    def kpis_of(self, card: str) -> list[tuple[int, Kpi]]:
        """(index in ``kpis``, KPI) of one card."""
        return [(i, k) for i, k in enumerate(self.kpis) if self.card_of(k) == card]

    # --- versions -----------------------------------------------------------------
    def content(self) -> Plan:
        """The plan without bookkeeping (id, version, status, acknowledgements): equal content, equal value."""
        return dataclasses.replace(self, plan_id="", version=0, status="draft", acknowledged=())

    def same_content(self, other: Plan) -> bool:
        return self.content() == other.content()


def replace_kpi(plan: Plan, index: int, **changes: Any) -> Plan:
    """A copy of ``plan`` with KPI ``index`` changed (a page editing one cell)."""
    kpis = list(plan.kpis)
    kpis[index] = dataclasses.replace(kpis[index], **changes)
    return dataclasses.replace(plan, kpis=tuple(kpis))
