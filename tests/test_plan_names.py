"""Names, never ids, in the plan editor and the plan checks (issue 11, point 3).

The editor offers metrics, scopes, dimensions and owners by name (the cells keep ids) and shows a rate's
targets as percents; opening a plan and saving it unchanged stores exactly the same plan. The checks name
people, metrics and scopes, while their keys (used to acknowledge warnings) stay ids.
"""

from __future__ import annotations

import dataclasses
import math

import pandas as pd
import pytest
import sqlalchemy as sa

from kpi_engine import schema
from kpi_engine.plans import checks, editing, editor_view
from kpi_engine.plans.model import PlanError, replace_kpi
from kpi_engine.scoring import Entry, totals
from tests.plans_fixture import seed
from tests.test_plan_checks import AS_OF, CLEAN, K, with_kpis

ODD = with_kpis(CLEAN, *CLEAN.kpis, K("yoy:leads", "team", "lead_generation", 0, 0.2, "p1", challenge=0.144),
                K("lead_to_mql", "channel:ch_b", "conversion_support", 0, 0.1234567, "p3", floor=0.57))


@pytest.fixture
def db(duck_engine: sa.Engine) -> sa.Engine:
    seed(duck_engine)
    return duck_engine


def test_choices_are_names_in_both_languages(db: sa.Engine) -> None:
    en, zh = editor_view.choices(db, ODD, "en"), editor_view.choices(db, ODD, "zh")
    assert en["owner"]["p2"] == "Bob" and en["scope"]["person:p3"] == "Cat" and en["scope"]["channel:ch_a"] == "A"
    assert en["scope"]["team"] == "Team" and zh["scope"]["team"] == "团队"
    assert en["metric"]["leads"] == "Leads" and zh["metric"]["leads"] == "线索数"
    assert "year over year" in en["metric"]["yoy:leads"] and "同比" in zh["metric"]["yoy:leads"]
    assert zh["dimension"]["lead_generation"] == "线索获取"
    for labels in (*en.values(), *zh.values()):  # one label, one id: the editor never confuses two of them
        assert len(set(labels.values())) == len(labels)


def test_two_people_with_one_name_are_told_apart(db: sa.Engine) -> None:
    with db.begin() as conn:
        conn.execute(sa.update(schema.people).where(schema.people.c.person_id == "p3").values(name="Bob"))
    owners = editor_view.choices(db, CLEAN, "en")["owner"]
    assert owners["p2"] == "Bob (p2)" and owners["p3"] == "Bob (p3)"


def test_rate_targets_are_percents_and_the_round_trip_is_exact() -> None:
    shown = editor_view.display_table(ODD)
    rows = {(m, s): r for m, s, r in zip(shown["metric"], shown["scope"], shown.to_dict("records"), strict=True)}
    assert rows[("lead_to_mql", "team")]["base"] == "50.0%" and rows[("lead_to_mql", "team")]["challenge"] == "60.0%"
    assert rows[("yoy:leads", "team")]["base"] == "20.0%" and rows[("yoy:leads", "team")]["challenge"] == "14.4%"
    assert rows[("leads", "team")]["base"] == "2" and rows[("cpl", "channel:ch_a")]["base"] == "140"
    assert rows[("lead_to_mql", "channel:ch_b")]["base"] == "12.34567%"
    back = editing.apply_kpi_table(ODD, editor_view.from_display(ODD, shown, "en"))
    assert back == ODD  # opened and saved without a change: exactly the same plan


def test_a_percent_typed_as_a_number_is_stored_as_a_ratio() -> None:
    shown = editor_view.display_table(ODD)
    row = list(shown["metric"]).index("yoy:leads")
    shown.loc[row, "base"], shown.loc[row, "challenge"] = "14.4", "25%"
    shown.loc[0, "base"] = "1,500"
    plan = editing.apply_kpi_table(ODD, editor_view.from_display(ODD, shown, "en"))
    assert plan.kpis[row].base == 0.144 and plan.kpis[row].challenge == 0.25 and plan.kpis[0].base == 1500
    added = pd.concat([shown, pd.DataFrame([{"metric": "lead_to_mql", "scope": "team", "base": "30"}], index=[99])])
    assert editing.apply_kpi_table(ODD, editor_view.from_display(ODD, added, "en")).kpis[-1].base == 0.3
    shown.loc[0, "base"] = "lots"
    with pytest.raises(PlanError) as err:
        editor_view.from_display(ODD, shown, "zh")
    assert err.value.problems == ["第 1 行：基础目标“lots”不是数字"]
    shown.loc[0, "base"] = None
    assert math.isnan(editor_view.from_display(ODD, shown, "en")["base"].iloc[0])


def test_check_messages_name_people_and_metrics_keys_stay_ids(db: sa.Engine) -> None:
    two = replace_kpi(replace_kpi(CLEAN, 6, core=False), 9, core=False)  # Bob's card: one core KPI
    short = replace_kpi(two, 7, base=0.5)  # people's leads 1.5 of the team's 2
    report = checks.check_plan(short, db, as_of=AS_OF)
    core = next(i for i in report.issues if i.code == "core_count" and i.card == "p2")
    assert core.key == "core_count:p2" and core.message().startswith("Bob has") and "p2" not in core.message("zh")
    cascade = next(i for i in report.issues if i.code == "cascade_coverage")
    assert cascade.key == "cascade_coverage:leads:person"
    assert "of Leads add up" in cascade.message() and cascade.message("zh").startswith("线索数的个人目标")
    acked = report.acknowledge([core.key, cascade.key])  # acknowledgements still match the keys
    assert {i.key for i in acked.warnings if i.acknowledged} == {core.key, cascade.key}


def test_continuity_names_dropped_kpis_in_the_reader_s_language() -> None:
    before = dataclasses.replace(CLEAN, name="October plan", kpis=(
        K("revenue", "team", "conversion_support", 50, 1, "p1"), K("wins", "team", "conversion_support", 50, 1, "p1"),
        K("leads", "team", "lead_generation", 0, 1, "p1")))
    issue = next(i for i in checks.check_plan(CLEAN, previous=before).issues if i.code == "continuity")
    assert "October plan" in issue.message() and "Won revenue @ Team" in issue.message()
    assert "@ 团队" in issue.message("zh") and "Team" not in issue.message("zh")


def test_scorecard_steps_name_an_unmeasurable_kpi() -> None:
    shown = (("en", "Brand search volume growth (year over year) @ Team"), ("zh", "品牌搜索量同比增长 @ 团队"))
    tot = totals([Entry("leads @ team", 50, 100.0), Entry("yoy:brand_search_volume @ team", 50, None, shown=shown)],
                 qualitative=None, share=1.0)
    assert tot.not_measurable == ("yoy:brand_search_volume @ team",)  # the key, for matching
    assert any("品牌搜索量同比增长 @ 团队" in line for line in tot.explain("zh"))
    assert any("(year over year) @ Team" in line for line in tot.explain("en"))
    assert not any("yoy:" in line for line in tot.explain("en") + tot.explain("zh"))
