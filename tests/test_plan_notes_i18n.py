"""The example plans' notes (and so the demo plans') are stored in English and shown in the reader's language, through
the i18n catalog (``plans_note_*``); a note someone wrote or edited is shown and kept as written."""

from __future__ import annotations

import re

from kpi_engine.i18n import catalog, t
from kpi_engine.plans import catalog as plan_catalog
from kpi_engine.plans import editing, editor_view, templates
from kpi_engine.plans.templates import from_template

CJK = re.compile(r"[\u4e00-\u9fff]")


def test_every_example_note_is_in_the_catalog_in_both_languages() -> None:
    for template in ("team_example", "manager_example"):
        period = "2026-11" if template == "team_example" else "2026-Q4"
        plan = from_template(template, period)
        notes = [plan.note, *(k.note for k in plan.kpis if k.note)]
        assert len(notes) > 5
        for note in notes:
            zh = plan_catalog.note_text(note, "zh")
            assert zh != note and CJK.search(zh), note  # a Chinese reader reads Chinese
            assert plan_catalog.note_text(note, "en") == note  # stored as the English of its catalog string
    keys = [k for k in catalog() if k.startswith("plans_note_")]
    assert all(CJK.search(t(k, "zh")) for k in keys)


def test_the_editor_shows_them_in_the_readers_language_and_keeps_what_is_stored() -> None:
    plan = from_template("team_example", "2026-11")
    shown = editor_view.display_table(plan, "zh")
    assert shown["note"].iloc[0] == t("plans_note_team_leads", "zh") == "团队线索量：每月 1,000 条。"
    assert editor_view.display_table(plan, "en")["note"].iloc[0] == "Team lead volume: 1,000 a month."
    back = editing.apply_kpi_table(plan, editor_view.from_display(plan, shown, "zh"))
    assert [k.note for k in back.kpis] == [k.note for k in plan.kpis]  # saved in zh: still the English it was
    edited = shown.copy()
    edited.loc[0, "note"] = "每月 1,200 条"  # someone's own note: kept as typed, shown as typed
    changed = editing.apply_kpi_table(plan, editor_view.from_display(plan, edited, "zh"))
    assert changed.kpis[0].note == "每月 1,200 条" and plan_catalog.note_text("每月 1,200 条", "en") == "每月 1,200 条"


def test_a_default_plan_name_is_shown_in_the_readers_language() -> None:
    """A plan whose creator gave no name gets its template's default, stored in English ("Team plan 2026-11", the
    demo's); a Chinese reader sees it in Chinese. A name someone gave is shown as given, in both languages."""
    expected = {"team_example": ("2026-11", "Team plan 2026-11", "团队计划 2026-11"),
                "manager_example": ("2026-Q4", "Marketing manager appraisal 2026-Q4", "市场经理考核 2026-Q4"),
                "growth": ("2026-11", "Growth-oriented plan 2026-11", "增长导向计划 2026-11"),
                "bsc": ("2026-11", "Balanced scorecard 2026-11", "平衡计分卡 2026-11")}
    for template_id in templates.TEMPLATES:
        period = "2026-Q4" if template_id == "manager_example" else "2026-11"
        name = from_template(template_id, period).name
        assert name == templates.default_name(template_id, period)
        shown = templates.display_name(name, period, "zh")
        assert CJK.search(shown) and period in shown and templates.display_name(name, period, "en") == name, shown
        if template_id in expected:
            assert (period, name, shown) == expected[template_id]
    empty = templates.empty_plan("2026-11")
    assert templates.display_name(empty.name, "2026-11", "zh") == "KPI 计划 2026-11"
    assert templates.display_name("Team plan 2026-11", "2026-12", "zh") == "Team plan 2026-11"  # not this period's
    assert templates.display_name("Q4 push", "2026-11", "zh") == "Q4 push"  # someone's own name
    assert from_template("team_example", "2026-11", name="十一月冲刺").name == "十一月冲刺"
