"""Plans: YAML round trip, templates, storage with versions on both backends, and scoring a hand-checked department."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pandas as pd
import pytest
import sqlalchemy as sa

from kpi_engine import schema
from kpi_engine import store as kpi_store
from kpi_engine import targets as kpi_targets
from kpi_engine.plans import actuals, checks, evaluate, scorecard_tables, store, suggest, templates, yamlio
from kpi_engine.plans.model import KeyResult, Kpi, Okr, Plan, PlanError, Scope, replace_kpi
from tests.plans_fixture import PLAN_YAML, seed

ISSUE_EXAMPLE = """\
name: Q4 team plan
period: 2026-Q4          # or 2026-10, or 2026
framework: department    # department | manager | directions | bsc
quantitative_share: 0.8
kpis:
  - metric: leads          # a registry id; growth:revenue for growth of a metric
    scope: team            # team | channel:ID | person:ID | campaign:ID
    dimension: campaign_effectiveness
    weight: 20
    base: 3000
    challenge: 3600        # optional
    floor: 0.5             # optional, as achievement
    owner: p01             # optional
"""


# --- the model and the YAML form -------------------------------------------------------------


def test_the_issue_example_reads_as_written() -> None:
    plan = yamlio.plan_from_yaml(ISSUE_EXAMPLE)
    assert (plan.name, plan.period, plan.grain, plan.framework, plan.quantitative_share) == (
        "Q4 team plan", "2026-Q4", "quarter", "department", 0.8)
    assert (plan.start, plan.end) == (dt.date(2026, 10, 1), dt.date(2026, 12, 31))
    assert plan.kpis == (Kpi(metric="leads", scope="team", dimension="campaign_effectiveness", weight=20, base=3000,
                             challenge=3600, floor=0.5, owner="p01"),)


def test_export_then_import_gives_the_same_plan_with_extra_keys_and_okrs() -> None:
    plan = yamlio.plan_from_yaml(ISSUE_EXAMPLE + "reviewed_by: 王志强\nbudget_note: keep\n")
    plan = dataclasses.replace(
        plan, plan_id="q4", version=3, status="active", subject="", base_bonus=5000.0, prorate="working",
        acknowledged=("core_count:team",), note="说明", deliberate_change=True,
        kpis=(*plan.kpis, Kpi(metric="growth:revenue", scope="channel:douyin_video", dimension="customer_growth",
                              weight=0, base=0.2, guardrail=True, penalty=3, core=False, note="why", extra={"tag": "x"})),
        okrs=(Okr(objective="Win the B2B segment", owner="p01",
                  key_results=(KeyResult(text="10 reference customers", score=0.4),
                               KeyResult(text="MQL→SQL 40%", metric="mql_to_sql", scope="team", target=0.4, weight=2))),))
    text = yamlio.plan_to_yaml(plan)
    assert "reviewed_by: 王志强" in text and "budget_note: keep" in text and "tag: x" in text
    again = yamlio.plan_from_yaml(text)
    assert again == plan
    assert yamlio.plan_from_yaml(yamlio.plan_to_yaml(again)) == plan


@pytest.mark.parametrize("template_id", sorted(templates.TEMPLATES))
def test_every_template_round_trips_and_passes_the_error_checks(template_id: str) -> None:
    period = "2026-10" if template_id == "team_example" else "2026-Q4"
    plan = templates.from_template(template_id, period)
    assert yamlio.plan_from_yaml(yamlio.plan_to_yaml(plan)) == plan
    report_ = checks.check_plan(plan)
    assert report_.errors == [], [i.message() for i in report_.errors]
    for card in plan.cards():
        assert sum(k.weight for _, k in plan.kpis_of(card) if not k.guardrail) in (100, 100 * plan.quantitative_share)


def test_yaml_errors_are_listed_together() -> None:
    bad = "name: x\nperiod: 2026-13\nframework: matrix\nquantitative_share: 2\nkpis:\n  - metric: leads\n    weight: lots\n  - scope: team\n"
    with pytest.raises(PlanError) as err:
        yamlio.plan_from_yaml(bad)
    text = str(err.value)
    for part in ("weight must be a number", "kpis[2]: metric is required", "framework must be one of",
                 "quantitative_share must be between 0 and 1", "2026-13"):
        assert part in text
    with pytest.raises(PlanError, match="not valid YAML"):
        yamlio.plan_from_yaml("name: [unclosed\n")
    with pytest.raises(PlanError, match="a plan's period is a month"):
        Plan(name="x", period="2026-10-05")


def test_scopes_and_cards() -> None:
    assert Scope.parse("channel:douyin_video") == Scope("channel", "douyin_video")
    assert Scope.parse("team").where is None and Scope.parse("person:p1").where == {"person": "p1"}
    for bad in ("channel", "galaxy:x", "person:"):
        with pytest.raises(ValueError, match="not a scope"):
            Scope.parse(bad)
    plan = yamlio.plan_from_yaml(PLAN_YAML)
    assert plan.cards() == ["team", "p2", "p3"]
    assert [i for i, _ in plan.kpis_of("p2")] == [3, 4, 5]
    appraisal = dataclasses.replace(plan, subject="p1")
    assert appraisal.cards() == ["p1"] and len(appraisal.kpis_of("p1")) == 7
    changed = replace_kpi(plan, 0, base=5)
    assert changed.kpis[0].base == 5 and plan.kpis[0].base == 4 and not changed.same_content(plan)


def test_templates_presets_industries_previous_and_empty() -> None:
    growth = templates.from_template("growth", "2026-Q4")
    dims = {d: sum(k.weight for k in growth.kpis if k.dimension == d) for d in templates.PRESETS["growth"].weights}
    assert dims == templates.PRESETS["growth"].weights and growth.preset == "growth"
    leads = next(k for k in growth.kpis if k.metric == "leads")
    assert (leads.base, leads.challenge) == (3000, 3600)  # 1,000 a month × 3, challenge 120%
    b2b = templates.from_template("department", "2026-10", industry="b2b")
    assert {"mql_to_sql", "marketing_sourced_share", "high_value_share"} <= {k.metric for k in b2b.kpis}
    assert sum(k.weight for k in b2b.kpis) == 100 and b2b.industry == "b2b"
    with pytest.raises(PlanError, match="for a month"):
        templates.from_template("team_example", "2026-Q4")
    with pytest.raises(PlanError, match="unknown template"):
        templates.from_template("nope", "2026-10")
    team = templates.from_template("team_example", "2026-11")
    assert any(k.scope == "campaign:ts_202611" for k in team.kpis)
    cpl = next(k for k in team.kpis if k.metric == "cpl")
    assert (cpl.base, cpl.challenge) == (200, 167)  # lower is better: 200 / 1.2
    manager = templates.from_template("manager_example", "2026-Q3")
    assert manager.subject == "p01" and sum(k.weight for k in manager.kpis) == 83 and manager.quantitative_share == 0.83
    retention = next(k for k in manager.kpis if k.metric == "core_talent_retention")
    assert retention.challenge == 0.95  # half way to 100%, not 108%
    nxt = templates.from_previous(dataclasses.replace(growth, plan_id="q4"), "2027")
    assert nxt.previous == "q4" and nxt.period == "2027" and nxt.status == "draft"
    assert next(k for k in nxt.kpis if k.metric == "leads").base == 12000  # a quarter's 3,000 × 4
    assert next(k for k in nxt.kpis if k.metric == "cpl").base == next(k for k in growth.kpis if k.metric == "cpl").base
    empty = templates.empty_plan("2026-10", framework="bsc")
    assert empty.kpis == () and empty.framework == "bsc" and checks.check_plan(empty).codes() == {"no_kpis"}


# --- storage and versions (DuckDB and PostgreSQL) ------------------------------------------------


def test_store_round_trip_and_versioning(engine: sa.Engine) -> None:
    seed(engine)
    plan = yamlio.plan_from_yaml(PLAN_YAML)
    plan = dataclasses.replace(plan, okrs=(Okr(objective="Own the B2B niche", owner="p1",
                                               key_results=(KeyResult(text="3 case studies", score=0.5),)),),
                               extra={"reviewed_by": "p1"})
    saved = store.save_plan(engine, plan, user="tester")
    assert (saved.plan_id, saved.version, saved.status) == ("2026-10-october-plan", 1, "draft")
    assert plan.prorate == "" and saved.prorate == "calendar"  # the store's default_prorate, written in
    assert saved.same_content(dataclasses.replace(plan, prorate="calendar"))
    assert store.load_plan(engine, saved.plan_id) == saved

    draft2 = store.save_plan(engine, replace_kpi(saved, 0, base=5.0))  # a draft is replaced in place
    assert draft2.version == 1 and draft2.kpis[0].base == 5
    assert store.list_versions(engine, saved.plan_id)["version"].tolist() == [1]

    active = store.activate_plan(engine, saved.plan_id, acknowledge=True, user="boss", as_of=dt.date(2026, 11, 1))
    assert (active.status, active.version) == ("active", 1)
    assert store.save_plan(engine, active).version == 1  # unchanged content: no new version

    v2 = store.save_plan(engine, replace_kpi(active, 0, base=4.5))
    assert (v2.version, v2.status) == (2, "draft")
    assert store.load_plan(engine, saved.plan_id, "active").kpis[0].base == 5  # scores keep using version 1
    row = store.list_plans(engine).iloc[0]
    assert (row["status"], row["latest_version"], row["active_version"], row["kpis"]) == ("active", 2, 1, 7)

    store.activate_plan(engine, saved.plan_id, acknowledge=True, as_of=dt.date(2026, 11, 1))
    versions = store.list_versions(engine, saved.plan_id)
    assert versions[["version", "status"]].values.tolist() == [[1, "superseded"], [2, "active"]]
    assert versions["activated_by"].tolist()[0] == "boss"
    scored = evaluate.score_plan(engine, store.load_plan(engine, saved.plan_id, "active"), as_of=dt.date(2026, 11, 1))
    assert "version 2 (active)" in scored.notes()[0]
    old = store.load_plan(engine, saved.plan_id, 1)
    assert old.kpis[0].base == 5 and old.status == "closed"

    closed = store.close_plan(engine, saved.plan_id)
    assert closed.status == "closed" and closed.version == 2
    with pytest.raises(PlanError, match="closed"):
        store.save_plan(engine, replace_kpi(closed, 0, base=7.0))
    with pytest.raises(PlanError, match="close it instead"):
        store.delete_plan(engine, saved.plan_id)
    with pytest.raises(store.PlanNotFound):
        store.load_plan(engine, "nope")


def test_activation_publishes_targets_and_is_blocked_by_errors_and_unacknowledged_warnings(engine: sa.Engine) -> None:
    seed(engine)
    plan = yamlio.plan_from_yaml(PLAN_YAML.replace("period: 2026-10", "period: 2026-Q4"))
    bad = store.save_plan(engine, replace_kpi(plan, 0, weight=50.0))  # team weights add up to 90
    with pytest.raises(store.ActivationBlocked) as blocked:
        store.activate_plan(engine, bad.plan_id, acknowledge=True)
    assert "weights_total:team" in {i.key for i in blocked.value.report.errors}
    good = store.save_plan(engine, plan)
    warnings = checks.check_plan(good, engine).warnings
    assert warnings
    with pytest.raises(store.ActivationBlocked):
        store.activate_plan(engine, good.plan_id)
    before = kpi_store.data_version(engine)
    done = store.activate_plan(engine, good.plan_id, acknowledge=[w.key for w in warnings])
    assert kpi_store.data_version(engine) != before  # pages cache targets by the data version
    assert set(done.acknowledged) == {w.key for w in warnings}
    t = schema.targets
    with engine.connect() as conn:
        rows = conn.execute(sa.select(t.c.metric_id, t.c.scope_type, t.c.scope_id, t.c.period_start, t.c.base)
                            .where(t.c.source == f"plan:{good.plan_id}").order_by(t.c.metric_id, t.c.scope_id,
                                                                                   t.c.period_start)).all()
    by_key = {(r[0], r[1], r[2], r[3]): r[4] for r in rows}
    assert len(rows) == 7 * 3  # seven plain KPIs, three months
    assert by_key[("leads", "team", "", dt.date(2026, 10, 1))] == pytest.approx(4 * 31 / 92)  # split by days
    assert by_key[("leads", "team", "", dt.date(2026, 11, 1))] == pytest.approx(4 * 30 / 92)
    assert by_key[("cpl", "channel", "ch_a", dt.date(2026, 12, 1))] == 200  # a rate is the same every month
    # the existing pages read them through kpi_engine.targets
    assert kpi_targets.target_value(engine, "leads", start=dt.date(2026, 10, 1), end=dt.date(2026, 12, 31)) == \
        pytest.approx(4.0)
    assert kpi_targets.target_value(engine, "cpl", start=dt.date(2026, 11, 1), end=dt.date(2026, 11, 7),
                                    scope_type="channel", scope_id="ch_a") == pytest.approx(200.0)
    assert store.previous_plan(engine, templates.from_previous(done, "2027-Q1")).plan_id == done.plan_id
    other = store.save_plan(engine, dataclasses.replace(plan, name="Draft to drop", plan_id=""))
    store.delete_plan(engine, other.plan_id)
    assert other.plan_id not in store.list_plans(engine)["plan_id"].tolist()


# --- scoring against the hand-checked department ------------------------------------------------


def test_scorecards_of_a_closed_month_by_hand(engine: sa.Engine) -> None:
    seed(engine)
    score = evaluate.score_plan(engine, yamlio.plan_from_yaml(PLAN_YAML), as_of=dt.date(2026, 11, 5))
    assert not score.running and [c.card for c in score.cards] == ["team", "p2", "p3"]
    team = score.card("team")
    actuals = {(r.kpi.metric, r.kpi.scope): r.actual for r in team.kpis}
    assert actuals == {("leads", "team"): 3, ("ugc_count", "team"): 40, ("spend", "team"): 400}
    assert [r.score.score for r in team.kpis] == pytest.approx([75.0, 80.0, 87.5])
    tot = team.totals
    assert tot.weighted_before == pytest.approx(77.0) and tot.deductions == 5 and tot.weighted == pytest.approx(72.0)
    assert tot.qualitative == pytest.approx((84.1666667 + 90) / 2)
    assert tot.final == pytest.approx(0.8 * 72 + 0.2 * 87.0833333)
    assert (tot.grade, tot.bonus) == ("C", pytest.approx(600.0))
    p2 = score.card("p2")
    assert p2.label == "Bob"
    assert [r.actual for r in p2.kpis] == [pytest.approx(150.0), 2, None]
    assert [r.score.score for r in p2.kpis] == [pytest.approx(110.0), pytest.approx(100.0), None]
    assert p2.totals.not_measurable == ("followers @ channel:ch_a",)
    assert p2.feedback.score == pytest.approx((80 * 0.35 + 90 * 0.25) / 0.6)  # the 2026-Q4 rating is not used
    assert (p2.totals.weighted, p2.totals.grade, p2.totals.bonus) == (pytest.approx(105.0), "A", pytest.approx(1200.0))
    p3 = score.card("p3")
    assert (p3.kpis[0].actual, p3.kpis[0].score.score, p3.totals.final, p3.totals.grade) == (1.0, 120.0, pytest.approx(114.0), "S")
    notes = " ".join(score.notes())
    assert "Not measurable for Bob (left out of the weighted score): Followers @ A." in notes and "channel:" not in notes
    frame = scorecard_tables.kpi_frame(p2)
    assert list(frame.columns[:9]) == list(scorecard_tables.KPI_COLUMNS)
    assert frame["achievement"].tolist()[:2] == pytest.approx([200 / 150, 1.0]) and pd.isna(frame["score"].iloc[2])
    dims = scorecard_tables.dimension_frame(score, team)
    assert dims[["dimension", "weight", "score"]].values.tolist() == [["campaign_effectiveness", 60.0, 75.0],
                                                                       ["brand_building", 40.0, 80.0]]
    summary = scorecard_tables.card_summary(score)
    assert summary["grade"].tolist() == ["C", "A", "S"]


def test_a_running_period_is_scored_against_the_target_pro_rated_to_the_days_so_far(engine: sa.Engine) -> None:
    seed(engine)
    # the morning of 11 October: data through the 10th, 10 of October's 31 days
    score = evaluate.score_plan(engine, yamlio.plan_from_yaml(PLAN_YAML), as_of=dt.date(2026, 10, 11))
    assert score.running and score.effective_end == dt.date(2026, 10, 10)
    leads = score.card("team").kpis[0]
    assert leads.actual == 2 and leads.provisional and leads.elapsed == pytest.approx(10 / 31)
    # base 4 and challenge 5 for the month -> 4 x 10/31 = 1.29 and 5 x 10/31 = 1.61 so far: 2 is beyond the challenge
    assert leads.target == pytest.approx(4 * 10 / 31) and leads.score.score == pytest.approx(120.0)
    assert leads.pace.status == "on_track" and leads.pace.projected == pytest.approx(2 / (10 / 31))
    assert "Target to date" in leads.explain("en") and "截至目前的目标" in leads.explain("zh")
    assert "still running" in score.notes()[1] and "10 of 31 days" in score.notes()[1]
    assert "on track" in leads.explain("en") and "进度正常" in leads.explain("zh")
    cpl = score.card("p2").kpis[0]  # a rate: its target does not shrink with the days
    assert cpl.target == 200 and cpl.actual == pytest.approx(150.0)
    for card in score.cards:  # provisional: no grade and no bonus before the period closes
        assert card.totals.status in ("provisional", "insufficient", "none")
        assert card.totals.grade is None and card.totals.bonus is None
    assert "the period closes (2026-10-31)" in " ".join(score.card("p2").explain("en"))
    early = evaluate.score_plan(engine, yamlio.plan_from_yaml(PLAN_YAML), as_of=dt.date(2026, 9, 20))
    assert early.not_started and all(r.score.score is None for c in early.cards for r in c.kpis)
    assert "nothing to score yet" in early.notes()[1]
    first_morning = evaluate.score_plan(engine, yamlio.plan_from_yaml(PLAN_YAML), as_of=dt.date(2026, 10, 1))
    assert first_morning.not_started  # on the morning of the 1st there is no October data yet
    closed = evaluate.score_plan(engine, yamlio.plan_from_yaml(PLAN_YAML), as_of=dt.date(2026, 11, 1))
    assert not closed.running and closed.card("p2").totals.status == "final" and closed.card("p2").totals.grade == "A"
    assert all(r.pace is None for c in closed.cards for r in c.kpis)  # a closed month is never "at risk"


def test_growth_idle_campaigns_and_empty_ranges(engine: sa.Engine) -> None:
    seed(engine)
    kpis = [Kpi(metric="growth:leads", base=0.5), Kpi(metric="yoy:leads", base=0.1),
            Kpi(metric="spend", scope="campaign:c1", base=1), Kpi(metric="leads", scope="campaign:c_old", base=1),
            Kpi(metric="leads", scope="person:p1", base=1), Kpi(metric="leads", scope="team:growth", base=1)]
    got = actuals.kpi_actuals(engine, kpis, dt.date(2026, 10, 1), dt.date(2026, 10, 31), "month")
    assert got[0] == (pytest.approx(2.0), 3, 1)  # (3 − 1) / 1, October against September
    assert got[1][0] is None  # nothing a year earlier: no growth
    assert got[2][0] == 300 and got[3][0] is None and got[4][0] == 0 and got[5][0] == 2
    assert actuals.kpi_actuals(engine, kpis[2:], dt.date(2027, 1, 1), dt.date(2027, 1, 31), "month") == [(None, None, None)] * 4


def test_suggestions_from_history_growth_resources_and_benchmark(engine: sa.Engine) -> None:
    seed(engine)
    plan = Plan(name="Nov", period="2026-11", kpis=(Kpi(metric="leads"), Kpi(metric="cpl", scope="channel:ch_a"),
                                                    Kpi(metric="leads", scope="campaign:nope")))
    got = suggest.suggest_targets(engine, plan, growth=0.1, resources=0.2, benchmarks={2: 50}, months=2,
                                  as_of=dt.date(2026, 11, 5))
    leads, cpl, none = got
    assert [v for _, v in leads.history] == [1, 3] and leads.history_average == 2 and leads.recent == 2
    assert (leads.base, leads.challenge, leads.method) == (pytest.approx(2 * 1.1 * 1.2), pytest.approx(2.64 * 1.2, rel=1e-3),
                                                           "history")
    assert [v for _, v in cpl.history] == [None, 150.0]  # September: spend but no lead on ch_a
    assert cpl.base == 135 and cpl.challenge == 113  # 150 × 0.9; 135 / 1.2 = 112.5, rounded
    assert (none.base, none.method, none.benchmark) == (50, "benchmark", 50)
    assert "Suggested base" in leads.explain("en") and "建议基础目标" in leads.explain("zh")
    applied = suggest.apply_suggestions(plan, got)
    assert applied.kpis[0].base == leads.base and applied.kpis[2].base == 50
    one = suggest.suggest_target(engine, "leads", "2026-12", as_of=dt.date(2026, 12, 2), months=3)
    assert one.history_average == pytest.approx(4 / 3)
    assert suggest.suggestions_frame(got)["method"].tolist() == ["history", "history", "benchmark"]


def test_people_scores_for_the_team_page(engine: sa.Engine) -> None:
    seed(engine)
    saved = store.save_plan(engine, yamlio.plan_from_yaml(PLAN_YAML))
    assert scorecard_tables.people_scores(engine, as_of=dt.date(2026, 10, 31)).empty  # nothing active yet
    store.activate_plan(engine, saved.plan_id, acknowledge=True, as_of=dt.date(2026, 10, 31))
    scores = scorecard_tables.people_scores(engine, as_of=dt.date(2026, 11, 1))  # the morning after October closed
    assert scores["card"].tolist() == ["team", "p2", "p3"] and scores["grade"].tolist() == ["C", "A", "S"]
    assert scores["version"].tolist() == [1, 1, 1] and not scores["running"].any()


def test_okrs_beside_the_kpis_score_from_0_to_1(engine: sa.Engine) -> None:
    seed(engine)
    okr = Okr(objective="Grow the pipeline", owner="p1", key_results=(
        KeyResult(text="4 leads", metric="leads", scope="team", target=4),  # 3 of 4: 0.75
        KeyResult(text="Two case studies", score=0.5, weight=2),
        KeyResult(text="Cost per lead ¥120 on A", metric="cpl", scope="channel:ch_a", target=120, weight=0)))
    plan = dataclasses.replace(yamlio.plan_from_yaml(PLAN_YAML), okrs=(okr,))
    score = evaluate.score_plan(engine, plan, as_of=dt.date(2026, 11, 1))
    (got,) = score.okrs
    assert [kr.score for kr in got.key_results] == [pytest.approx(0.75), 0.5, pytest.approx(120 / 150)]
    assert got.score == pytest.approx((0.75 + 0.5 * 2) / 3)  # the third has weight 0
    doc = scorecard_tables.card_document(score, score.main)
    assert doc["okrs"][0]["score"] == pytest.approx(got.score) and doc["okrs"][0]["key_results"][0]["actual"] == 3
    assert evaluate.score_plan(engine, plan, as_of=dt.date(2026, 9, 1)).okrs == ()


def test_the_kpi_table_round_trips_and_reports_bad_cells() -> None:
    from kpi_engine.plans.editing import apply_kpi_table, kpi_table

    plan = templates.from_template("team_example", "2026-10")
    plan = replace_kpi(plan, 0, extra={"tag": "kept"})
    frame = kpi_table(plan)
    assert len(frame) == 19 and frame["challenge"].dtype == "float64"
    assert apply_kpi_table(plan, frame) == plan
    frame.loc[0, "base"] = 1100.0
    frame.loc[1, "challenge"] = float("nan")
    frame = pd.concat([frame, pd.DataFrame([{"metric": "", "weight": float("nan")}])], ignore_index=True)  # dropped
    edited = apply_kpi_table(plan, frame)
    assert edited.kpis[0].base == 1100 and edited.kpis[0].extra == {"tag": "kept"} and edited.kpis[1].challenge is None
    assert len(edited.kpis) == 19
    frame = frame.astype({"weight": object, "floor": object})  # text typed into number cells
    frame.loc[2, "weight"] = "lots"
    frame.loc[3, "floor"] = "half"
    with pytest.raises(PlanError) as err:
        apply_kpi_table(plan, frame)
    assert err.value.problems == ["row 3: KPI high_value_share: weight must be a number, not 'lots'",
                                  "row 4: KPI lead_to_customer: floor must be a number, not 'half'"]


def test_a_note_says_when_the_data_ends_before_the_day_scored(engine: sa.Engine) -> None:
    seed(engine)
    plan = yamlio.plan_from_yaml(PLAN_YAML)
    fresh = evaluate.score_plan(engine, plan, as_of=dt.date(2026, 10, 16))  # L3 was created on the 15th
    assert fresh.data_end == dt.date(2026, 10, 15) and not any("data end" in n for n in fresh.notes())
    stale = evaluate.score_plan(engine, plan, as_of=dt.date(2026, 11, 5))
    assert stale.data_end == dt.date(2026, 10, 15)
    assert "The leads and spend data end on 2026-10-15, before 2026-10-31" in " ".join(stale.notes())


def test_a_plan_without_a_method_takes_the_stores_default_when_saved(engine: sa.Engine) -> None:
    """The setting default_prorate as the store holds it (not the built-in default) is written into a plan that
    names no method when it is saved; changing the setting afterwards leaves that plan's targets alone."""
    from kpi_engine.settings_store import set_setting

    seed(engine)
    plan = yamlio.plan_from_yaml(PLAN_YAML)
    assert plan.prorate == "" and "prorate" not in yamlio.plan_to_yaml(plan)  # not chosen: not exported as chosen
    assert set_setting(engine, "default_prorate", "working")
    saved = store.save_plan(engine, plan, user="tester")
    assert saved.prorate == "working" and "prorate: working" in yamlio.plan_to_yaml(saved)
    assert set_setting(engine, "default_prorate", "calendar")
    assert store.load_plan(engine, saved.plan_id).prorate == "working"
    again = store.save_plan(engine, replace_kpi(saved, 0, base=7.0))  # its own method, kept through an edit
    assert again.prorate == "working"
