"""KPI plans (SPEC section 5): model, templates, storage with versions, checks, suggestions, scoring.

- :mod:`~kpi_engine.plans.model`: :class:`Plan`, :class:`Kpi`, :class:`Okr` (frozen values);
- :mod:`~kpi_engine.plans.templates` and :mod:`~kpi_engine.plans.examples`: frameworks, presets,
  industry emphases, the SPEC's two example plans;
- :mod:`~kpi_engine.plans.yamlio`: the YAML file form (export / import);
- :mod:`~kpi_engine.plans.store`: save, version, activate, close; targets for the pages; with
  :mod:`~kpi_engine.plans.reading` (load, list, the previous plan), which the checks read from;
- :mod:`~kpi_engine.plans.checks` and :mod:`~kpi_engine.plans.rationality`: plan checks and the quarterly review;
- :mod:`~kpi_engine.plans.suggest`: target suggestions from history, growth, benchmark and resources;
- :mod:`~kpi_engine.plans.evaluate`: scorecards from the data (``kpi_engine.scoring`` does the arithmetic).
"""

from __future__ import annotations

from kpi_engine.plans.model import TEAM_CARD, KeyResult, Kpi, Okr, Plan, PlanError, Scope

__all__ = ["TEAM_CARD", "KeyResult", "Kpi", "Okr", "Plan", "PlanError", "Scope"]
