"""Your own metrics (issue 16.5): the safe formula parser, values on the metrics fixture against hand-written SQL,
division by zero, growth, a plan KPI scored by the scoring engine, admin-only audited writes, the CLI and the tab."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator

import pandas as pd
import pytest
import sqlalchemy as sa
from streamlit.testing.v1 import AppTest

from kpi_engine import access, scoring, store
from kpi_engine.__main__ import main
from kpi_engine.access import audit
from kpi_engine.metrics import custom, custom_view, query, registry
from kpi_engine.metrics.declarations import Const, Op, Ref
from kpi_engine.metrics.formula import MAX_LENGTH, FormulaError, parse, render
from kpi_engine.metrics.growth import compute_any
from kpi_engine.plans import evaluate, yamlio
from kpi_engine.plans import store as plan_store
from kpi_engine.settings_store import set_setting
from tests import metrics_fixture, plans_fixture
from tests.apptest_support import opener

KNOWN = set(registry.BUILTIN)
NET = custom.UserMetric("net", "Net revenue", "净收入", "revenue - spend", "money", "higher")
SQL_PCT = custom.UserMetric("sql_pct", "SQL rate (%)", "SQL 率（%）", "sqls / leads * 100", "score", "higher")


@pytest.fixture(autouse=True)
def _declared_metrics_only() -> Iterator[None]:
    """Each test starts and ends with the declared registry (no store's own metrics left installed)."""
    custom.forget_cached()
    registry.install([])
    yield
    custom.forget_cached()
    registry.install([])


# --- the parser ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "expr"), [
    ("(revenue - spend) / spend", Op("/", Op("-", Ref("revenue"), Ref("spend")), Ref("spend"))),
    ("sqls / leads * 100", Op("*", Op("/", Ref("sqls"), Ref("leads")), Const(100.0))),
    ("-leads + 3", Op("+", Op("-", Const(0.0), Ref("leads")), Const(3.0))),
    ("min(cpl, 100)", Op("least", Ref("cpl"), Const(100.0))),
    ("max(leads, mqls, 1)", Op("greatest", Op("greatest", Ref("leads"), Ref("mqls")), Const(1.0))),
    ("（revenue − spend）÷ spend", Op("/", Op("-", Ref("revenue"), Ref("spend")), Ref("spend"))),  # full-width
    ("0.3 * revenue", Op("*", Const(0.3), Ref("revenue"))),
])
def test_parser_accepts_the_grammar(text: str, expr: object) -> None:
    parsed = parse(text, KNOWN)
    assert parsed.expr == expr
    assert parse(render(parsed.expr), KNOWN).expr == expr  # the text shown reads back to the same tree


@pytest.mark.parametrize(("text", "code", "position"), [
    ("__import__('os')", "call", 1),
    ("__import__('os').system('ls')", "call", 1),
    ("leads.__class__", "attribute", 1),
    ("open('x')", "call", 1),
    ("lambda: leads", "not_allowed", 1),
    ("leads ** 99999999", "power", 1),
    ("9 ** 9 ** 9 ** 9", "power", 1),
    ("leads // 2", "operator", 1),
    ("leads[0]", "not_allowed", 1),
    ("leads if spend else 0", "not_allowed", 1),
    ("leads > spend", "not_allowed", 1),
    ("leads + 'x'", "text", 9),
    ("leads + 1e400", "number", 9),
    ("leads + revenu", "unknown", 9),
    ("leads +", "syntax", 7),
    ("(leads", "syntax", 1),
    ("", "empty", 0),
    ("max(leads)", "arguments", 1),
    ("leads + " * 60 + "1", "too_long", MAX_LENGTH + 1),
    ("(" * 20 + "leads" + ")" * 20, "too_deep", 1),
])
def test_parser_rejects_with_the_position(text: str, code: str, position: int) -> None:
    with pytest.raises(FormulaError) as caught:
        parse(text, KNOWN)
    first = caught.value.problems[0]
    assert (first.code, first.position) == (code, position)
    en, zh = caught.value.messages("en")[0], caught.value.messages("zh")[0]
    assert en and zh and en != zh and "cm_err" not in en + zh


def test_every_problem_is_reported_at_once_with_a_suggestion() -> None:
    with pytest.raises(FormulaError) as caught:
        parse("revenu - spnd + cost(leads)", KNOWN)
    assert [(p.code, p.name, p.position) for p in caught.value.problems] == [
        ("unknown", "revenu", 1), ("unknown", "spnd", 10), ("call", "cost", 17)]
    assert "Did you mean 'revenue'?" in caught.value.messages("en")[0]
    assert "是否想写 'revenue'" in caught.value.messages("zh")[0]


def test_declaration_checks_and_cycles() -> None:
    with pytest.raises(FormulaError) as caught:
        custom.validate(custom.UserMetric("Leads!", "", "x", "leads", "pounds", "up"))
    assert [p.code for p in caught.value.problems] == ["id", "name", "unit", "direction"]
    with pytest.raises(FormulaError, match="already a metric"):
        custom.validate(custom.UserMetric("roi", "x", "y", "leads"))
    with pytest.raises(FormulaError, match="refers back to itself"):
        custom.validate(custom.UserMetric("a", "A", "甲", "a + leads"))
    b = custom.UserMetric("b", "B", "乙", "a * 2")
    with pytest.raises(FormulaError, match=r"a → b → a"):
        custom.validate(custom.UserMetric("a", "A", "甲", "b + leads"), [b])


# --- values against hand-written SQL ----------------------------------------------------------------

INDEPENDENT_SQL = """
WITH months AS (SELECT DATE '2026-11-01' AS m UNION ALL SELECT DATE '2026-12-01' UNION ALL SELECT DATE '2027-01-01'),
rev AS (SELECT CAST(date_trunc('month', won_at) AS DATE) AS m, SUM(deal_value) AS v FROM leads
        WHERE won_at IS NOT NULL GROUP BY 1),
sp AS (SELECT CAST(date_trunc('month', date) AS DATE) AS m, SUM(cost) AS v FROM spend GROUP BY 1),
ld AS (SELECT CAST(date_trunc('month', created_at) AS DATE) AS m, COUNT(*) AS v FROM leads GROUP BY 1),
sq AS (SELECT CAST(date_trunc('month', sql_at) AS DATE) AS m, COUNT(*) AS v FROM leads WHERE sql_at IS NOT NULL
       GROUP BY 1)
SELECT months.m, COALESCE(rev.v, 0) - COALESCE(sp.v, 0) AS net,
       CAST(COALESCE(sq.v, 0) AS DOUBLE PRECISION) / NULLIF(COALESCE(ld.v, 0), 0) * 100 AS sql_pct
FROM months LEFT JOIN rev USING (m) LEFT JOIN sp USING (m) LEFT JOIN ld USING (m) LEFT JOIN sq USING (m)
ORDER BY months.m
"""


def test_values_by_month_match_hand_written_sql_and_hand_numbers(engine: sa.Engine) -> None:
    metrics_fixture.load_small(engine)
    custom.save(engine, NET)
    custom.save(engine, SQL_PCT)
    got = query.compute(engine, ["net", "sql_pct"], grain="month", start=dt.date(2026, 11, 1),
                        end=dt.date(2027, 1, 31))
    with engine.connect() as conn:
        want = pd.DataFrame(conn.execute(sa.text(INDEPENDENT_SQL)).all(), columns=["m", "net", "sql_pct"])
    assert got["net"].tolist() == pytest.approx(want["net"].astype(float).tolist())
    assert got["sql_pct"].tolist() == pytest.approx(want["sql_pct"].astype(float).tolist())
    # by hand: Nov 0 − 150, 0 SQLs of 1 lead; Dec 4000 − 290, 1 of 3; Jan 8000 − 140, 2 of 2
    assert got["net"].tolist() == pytest.approx([-150.0, 3710.0, 7860.0])
    assert got["sql_pct"].tolist() == pytest.approx([0.0, 100 / 3, 100.0])
    # the draft preview (numpy over the parts) agrees with the saved metric's SQL
    draft = custom_view.preview(engine, SQL_PCT, new=False, months=3, end=dt.date(2027, 1, 31))
    assert draft["value"].tolist() == pytest.approx(got["sql_pct"].tolist())


def test_by_channel_and_growth(engine: sa.Engine) -> None:
    metrics_fixture.load_small(engine)
    custom.save(engine, NET)
    by_channel = query.compute(engine, ["net"], by="channel").set_index("channel_id")["net"].to_dict()
    assert by_channel == pytest.approx({"ch_a": 4000 - 240, "ch_b": 8000 - 300, "ch_d": -40.0})
    assert registry.get("net").additive and registry.get("net").cumulative  # a difference of sums adds up
    assert not registry.get("net").helper and registry.get("net").type == "custom"
    growth = compute_any(engine, ["growth:net"], grain="month", start=dt.date(2026, 12, 1), end=dt.date(2027, 1, 31))
    assert growth["growth:net"].tolist()[-1] == pytest.approx((7860 - 3710) / 3710)


def test_division_by_zero_gives_no_value(engine: sa.Engine) -> None:
    metrics_fixture.load_small(engine)
    custom.save(engine, custom.UserMetric("spend_per_sql", "Spend per SQL", "每 SQL 花费", "spend / sqls", "money",
                                          "lower"))
    custom.save(engine, custom.UserMetric("per_nothing", "Leads / 0", "线索 / 0", "leads / 0", "count", "higher"))
    got = query.compute(engine, ["spend_per_sql", "per_nothing"], grain="month", start=dt.date(2026, 11, 1),
                        end=dt.date(2027, 1, 31))
    assert pd.isna(got["spend_per_sql"].iloc[0])  # November: ¥150 spent, no SQL -> no value (never inf or 0)
    assert got["spend_per_sql"].tolist()[1:] == pytest.approx([290.0, 70.0])
    assert got["per_nothing"].isna().all()


# --- plans and scoring ---------------------------------------------------------------------------------

PLAN = """\
name: October plan with our own metrics
period: 2026-10
framework: department
quantitative_share: 1.0
kpis:
  - {metric: net, scope: team, dimension: campaign_effectiveness, weight: 50, base: 2400, owner: p1}
  - {metric: mql_pct, scope: "channel:ch_a", dimension: campaign_effectiveness, weight: 50, base: 45, owner: p1}
"""


def test_a_plan_kpi_on_a_custom_metric_is_scored(engine: sa.Engine) -> None:
    plans_fixture.seed(engine)
    custom.save(engine, NET)
    custom.save(engine, custom.UserMetric("mql_pct", "MQL rate (%)", "MQL 率（%）", "mqls / leads * 100", "score"))
    score = evaluate.score_plan(engine, yamlio.plan_from_yaml(PLAN), as_of=dt.date(2026, 11, 5))
    rows = {r.kpi.metric: r for card in score.cards for r in card.kpis}  # the channel KPI is on its owner's card
    # October: won 3000 − spend 400; ch_a: 1 MQL of 2 leads
    assert [rows["net"].actual, rows["mql_pct"].actual] == pytest.approx([2600.0, 50.0])
    want = [scoring.score_kpi(2600.0, 2400.0, unit="money").score, scoring.score_kpi(50.0, 45.0, unit="score").score]
    assert [rows["net"].score.score, rows["mql_pct"].score.score] == pytest.approx(want)
    assert 100 < want[0] < want[1] < 120  # above target, under the cap: the numbers matter
    saved = plan_store.save_plan(engine, yamlio.plan_from_yaml(PLAN), user="ann")  # saving checks the ids too
    with pytest.raises(FormulaError, match=f"used by plan:{saved.plan_id}"):  # a metric a plan uses stays
        custom.delete(engine, "net")


# --- the store: writes, audit, reload --------------------------------------------------------------------


def test_only_admins_write_and_every_change_is_audited(engine: sa.Engine) -> None:
    viewer = access.Principal("vic", "viewer")
    with access.acting_as(viewer), pytest.raises(access.NotAllowed):
        custom.save(engine, NET)
    custom.save(engine, NET, user="ann")
    assert "net" in registry.METRICS and registry.custom_ids() == ["net"]
    changed = custom.UserMetric("net", "Net revenue", "净收入", "revenue - spend - 100", "money", "higher")
    with pytest.raises(FormulaError, match="already exists"):
        custom.save(engine, changed)  # new=True on an id that exists
    custom.save(engine, changed, new=False, user="ann")
    assert registry.get("net").formula("en") == "revenue − spend − 100"
    assert not registry.get("net").adds_up  # a constant per period does not add up over time
    custom.save(engine, custom.UserMetric("net2", "N2", "N2", "net * 2", "money"))
    with pytest.raises(FormulaError, match="used by metric:net2"):
        custom.delete(engine, "net")
    custom.delete(engine, "net2", user="ann")
    custom.delete(engine, "net", user="ann")
    assert "net" not in registry.METRICS
    log = audit.list_events(engine, action=None)
    assert [(a, tg) for a, tg in zip(log["action"], log["target"], strict=True)
            if a.startswith("metric")] == [("metric_delete", "net"), ("metric_delete", "net2"),
                                           ("metric_save", "net2"), ("metric_save", "net"), ("metric_save", "net")]


def test_another_store_has_its_own_metrics(engine: sa.Engine, tmp_path) -> None:
    custom.save(engine, NET)
    other = store.get_engine(f"duckdb:///{tmp_path / 'other.duckdb'}")
    try:
        query.compute(other, ["leads"])
        assert "net" not in registry.METRICS
        with pytest.raises(ValueError, match="unknown metric"):
            query.compute(other, ["net"])
        query.compute(engine, ["net"])
        assert "net" in registry.METRICS
    finally:
        store.dispose_engine(str(other.url))


# --- the command line and the page --------------------------------------------------------------------


def test_cli_add_list_and_metrics_list(duck_engine: sa.Engine, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(duck_engine.url)
    assert main(["metric", "add", "net", "--name-en", "Net revenue", "--name-zh", "净收入", "--formula",
                 "revenue - spend", "--unit", "money", "--db", db]) == 0
    assert main(["metric", "add", "bad", "--name-en", "B", "--name-zh", "B", "--formula", "leads ** 2", "--db", db]) == 2
    assert "Powers (**) are not allowed" in capsys.readouterr().err
    assert main(["metric", "list", "--format", "csv", "--db", db]) == 0
    assert "net,Net revenue,净收入,revenue - spend,money,higher" in capsys.readouterr().out
    registry.install([])  # a new process: --list reads the store's metrics itself
    custom.forget_cached()
    assert main(["metrics", "--list", "--format", "csv", "--db", db]) == 0
    assert "net,Net revenue,净收入,custom,money,higher,yes" in capsys.readouterr().out
    assert main(["metric", "remove", "net", "--db", db]) == 0


def test_metrics_list_states_the_stores_thresholds(duck_engine: sa.Engine, capsys: pytest.CaptureFixture[str]) -> None:
    """``metrics --list --db`` writes each formula with that store's settings (high-value at its 8000), as the
    pages do; without a store, the built-in 5000."""
    assert set_setting(duck_engine, "high_value_threshold", "8000")
    assert main(["metrics", "--list", "--format", "json", "--lang", "en", "--db", str(duck_engine.url)]) == 0
    listed = {r["id"]: r["formula"] for r in json.loads(capsys.readouterr().out)}
    assert listed["high_value_leads"] == "count of leads with expected_value ≥ 8000, by created_at"
    assert "≥ 5000" in registry.get("high_value_leads").formula("en")  # nothing left in force after the command


@pytest.fixture
def open_page(monkeypatch: pytest.MonkeyPatch) -> Callable[..., AppTest]:
    return opener(monkeypatch, "app_pages/analytics.py", 120)


def test_the_metric_list_states_the_stores_thresholds(open_page, tmp_path) -> None:
    """The formulas listed next to the editor say the store's thresholds (a page run's settings in force), not the
    built-in ones: high-value leads at the store's 8000, never the default 5000."""
    url = f"duckdb:///{tmp_path / 'page.duckdb'}"
    engine = store.get_engine(url)
    metrics_fixture.load_small(engine)
    assert set_setting(engine, "high_value_threshold", "8000")
    try:
        at = open_page(url, lang="en")
        at.session_state["an_tab"] = "Your metrics"  # only the open tab runs (ui.analytics.TAB_KEY)
        at.run()
        listed = next(d.value for d in at.dataframe if "high_value_leads" in set(d.value.iloc[:, 0]))
        formula = listed.set_index(listed.columns[0]).loc["high_value_leads"].iloc[-1]
        assert "≥ 8000" in formula and "5000" not in formula, formula
    finally:
        store.dispose_engine(url)


def test_the_tab_renders_previews_and_saves_a_metric(open_page, tmp_path) -> None:
    url = f"duckdb:///{tmp_path / 'page.duckdb'}"
    metrics_fixture.load_small(store.get_engine(url))
    try:
        at = open_page(url, lang="en")
        assert [t.label for t in at.tabs][3] == "Your metrics"
        at.session_state["an_tab"] = "Your metrics"  # only the open tab runs (ui.analytics.TAB_KEY)
        at.run()
        assert any("No custom metric yet" in i.value for i in at.info)
        at.text_input(key="cm_formula").set_value("sqls / leads * 100").run()
        at.text_input(key="cm_id").set_value("sql_pct").run()
        at.text_input(key="cm_name_en").set_value("SQL rate (%)").run()
        at.text_input(key="cm_name_zh").set_value("SQL 率（%）").run()
        at.selectbox(key="cm_unit").set_value("score").run()
        assert not at.error, [e.value for e in at.error]
        assert any("Sales-qualified" in m.value or "÷" in m.value for m in at.markdown)  # the definition
        at.button(key="cm_save_btn").click().run()
        assert not at.exception and not at.error, [e.value for e in at.error]
        assert any("Saved SQL rate (%)" in s.value for s in at.success)
        assert [d.id for d in custom.load(store.get_engine(url))] == ["sql_pct"]
        at.text_input(key="cm_formula").set_value("sqls / leadz").run()
        assert any("Unknown metric 'leadz' at position 8" in e.value for e in at.error)
    finally:
        store.dispose_engine(url)
