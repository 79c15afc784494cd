"""What a plan check reports: :class:`Issue` (one problem, its message and fix in English or Chinese) and
:class:`CheckReport` (all of them: errors, warnings, acknowledgements); KPIs are named by name, never by id."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import pandas as pd

from kpi_engine.plans import catalog
from kpi_engine.plans.model import Kpi
from kpi_engine.scoring import explain


@dataclass(frozen=True)
class Issue:
    """One problem: ``code`` names the rule; ``key`` identifies it for acknowledgement."""

    code: str
    severity: str  # error | warning
    key: str
    params: dict[str, str] = field(default_factory=dict)
    kpi: int | None = None
    card: str | None = None
    acknowledged: bool = False

    def message(self, lang: str = "en") -> str:
        return explain([(f"plans_check_{self.code}", self._params(lang))], lang)[0]

    def fix(self, lang: str = "en") -> str:
        return explain([(f"plans_fix_{self.code}", self._params(lang))], lang)[0]

    def _params(self, lang: str) -> dict[str, str]:
        """The KPI in ``lang`` by name ("Leads @ 小红书笔记"), never "leads @ channel:xiaohongshu"."""
        p = dict(self.params)
        if "kpi_metric" in p and "kpi_scope" in p:
            scope = p["kpi_scope"]
            p["kpi_label"] = catalog.kpi_label(p["kpi_metric"], scope, lang, {scope: p.get("kpi_scope_name", "")})
            p.setdefault("what", p["kpi_label"])  # the pro-rating checks name their KPI as "what"
        return p


@dataclass(frozen=True)
class CheckReport:
    issues: tuple[Issue, ...] = ()

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "error"]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "warning"]

    @property
    def unacknowledged(self) -> list[Issue]:
        return [i for i in self.warnings if not i.acknowledged]

    @property
    def blocking(self) -> list[Issue]:
        """What stops activation: every error, and warnings nobody acknowledged."""
        return self.errors + self.unacknowledged

    @property
    def ok(self) -> bool:
        """No errors (warnings may remain to acknowledge)."""
        return not self.errors

    def codes(self) -> set[str]:
        return {i.code for i in self.issues}

    def acknowledge(self, keys: Iterable[str]) -> CheckReport:
        chosen = set(keys)
        return CheckReport(tuple(dataclasses.replace(i, acknowledged=i.severity == "warning" and i.key in chosen)
                                 for i in self.issues))

    def to_frame(self, lang: str = "en") -> pd.DataFrame:
        """A table for pages: severity, message, fix, KPI, card, acknowledged, key, code."""
        return pd.DataFrame([{"severity": i.severity, "message": i.message(lang), "fix": i.fix(lang), "kpi": i.kpi,
                              "card": i.card, "acknowledged": i.acknowledged, "key": i.key, "code": i.code}
                             for i in self.issues],
                            columns=["severity", "message", "fix", "kpi", "card", "acknowledged", "key", "code"])


def kpi_label(k: Kpi, names: Mapping[str, str] | None = None) -> str:
    """The KPI in English by name (see :func:`kpi_params` for a label in the message's language)."""
    return catalog.kpi_label(k.metric, k.scope, "en", names)


def kpi_params(k: Kpi, names: Mapping[str, str] | None = None) -> dict[str, str]:
    """Message parameters naming a KPI: ``kpi_label`` (English) and what :class:`Issue` needs to name it in any
    language (the metric, the scope key and the scope's name from ``names``)."""
    return {"kpi_label": kpi_label(k, names), "kpi_metric": k.metric, "kpi_scope": k.scope,
            "kpi_scope_name": (names or {}).get(k.scope, "")}
