"""Docs stay honest: every metric and every setting is described in English and Chinese (ARCHITECTURE practice 8)."""

from __future__ import annotations

import dataclasses
import re

import pytest

from kpi_engine.metrics import registry
from kpi_engine.settings import SETTING_DOCS, Settings

CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.mark.parametrize("metric_id", registry.metric_ids(include_helpers=True))
def test_every_metric_has_names_descriptions_and_formulas_in_both_languages(metric_id: str) -> None:
    m = registry.METRICS[metric_id]
    for field in ("name", "description", "formula"):
        for lang in ("en", "zh"):
            text = m.text(field, lang)
            assert text.strip(), f"{metric_id}: empty {field} ({lang})"
            assert "{" not in text and "}" not in text, f"{metric_id}: unfilled placeholder in {field} ({lang})"
    assert CJK.search(m.description("zh")), f"{metric_id}: the Chinese description is not in Chinese"
    assert not CJK.search(m.name_en + m.description_en + m.formula_en), f"{metric_id}: Chinese in the English texts"
    assert m.description("en") != m.name("en"), f"{metric_id}: the description only repeats the name"
    assert m.unit in registry.UNIT_NAMES and m.direction in registry.DIRECTION_NAMES


def test_every_setting_is_documented_in_both_languages() -> None:
    fields = [f.name for f in dataclasses.fields(Settings)]
    assert set(SETTING_DOCS) == set(fields), f"undocumented: {set(fields) - set(SETTING_DOCS)}, extra: {set(SETTING_DOCS) - set(fields)}"
    for name, docs in SETTING_DOCS.items():
        assert docs.get("en", "").strip() and docs.get("zh", "").strip(), f"setting {name}: empty description"
        assert CJK.search(docs["zh"]) and not CJK.search(docs["en"]), f"setting {name}: wrong language"


def test_settings_the_metrics_name_exist_and_are_documented() -> None:
    used = set()
    for m in registry.METRICS.values():
        for lang in ("en", "zh"):
            for field in ("description", "formula"):
                used |= set(re.findall(r"\{(\w+)(?::[^}]*)?\}", getattr(m, f"{field}_{lang}")))
    assert used, "no metric text names a setting"
    assert used <= set(SETTING_DOCS), used - set(SETTING_DOCS)
    assert {"gross_margin", "ltv_churn_cap_months", "high_value_threshold", "response_sla_hours"} <= used


def test_unit_and_direction_labels_in_both_languages() -> None:
    for labels in (registry.UNIT_NAMES, registry.DIRECTION_NAMES):
        for key, names in labels.items():
            assert names["en"].strip() and CJK.search(names["zh"]), key
    assert set(registry.UNIT_NAMES) == set(registry.UNITS) and set(registry.DIRECTION_NAMES) == set(registry.DIRECTIONS)


def test_the_architecture_map_names_every_engine_package_and_the_page_folder() -> None:
    """docs/ARCHITECTURE.md is the map of the house: every package of kpi_engine/ and app_pages/ are on it."""
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    text = (root / "docs" / "ARCHITECTURE.md").read_text(encoding="utf-8")
    packages = sorted(p.name for p in (root / "kpi_engine").iterdir() if (p / "__init__.py").exists())
    assert packages and [p for p in packages if f"{p}/" not in text] == []
    assert "app_pages/" in text and not (root / "pages").exists()


def test_sql_runs_in_the_engine_never_in_ui_or_pages() -> None:
    """Pages and ui/ ask kpi_engine for numbers; no connection, query or SQL text is built there."""
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    sql = re.compile(r"\.connect\(\)|\.begin\(\)|conn\.execute|sa\.select\(|sa\.text\(|\bSELECT\b")
    offenders = [f"{path.relative_to(root)}:{n}" for folder in ("ui", "app_pages") for path in sorted((root / folder).glob("*.py"))
                 for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if sql.search(line)]
    assert offenders == []
