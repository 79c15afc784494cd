"""The weekly and monthly review document and the report command, against numbers worked by hand.

A small November 2026 (Monday 2026-11-02 starts ISO week 45); the review is held on Wednesday 2026-11-25,
with data through Tuesday 11-24, so the weekly review is 2026-W47 (16..22) and the week to date is 23..24.

=========  ==========================  =====================
day        leads (channel/owner)       spend
=========  ==========================  =====================
10-05      10 a/p1                     -
11-02      7 a/p1                      -
11-10      10 a/p1, 4 b/p2             a 50
11-17      5 a/p1, 16 b/p2             a 100
11-23      3 a/p1                      -
=========  ==========================  =====================

Plan 2026-11 (activated, so its targets are published): leads team 300 (weight 80), leads person:p1 150
(weight 100, p1's card), CPL channel:a 10 (weight 20, lower is better; on the team card).
W47 by hand: team leads target 300 x 7/30 = 70, actual 21, deviation -49 (-70%), achievement 0.3, weighted gap
80 x 0.7 = 56; p1: target 35, actual 5, achievement 1/7, weighted gap 100 x 6/7 = 85.714; CPL a: 100 / 5 = 20
against 10, achievement 10/20 = 0.5, weighted gap 20 x 0.5 = 10. Week to date: team target 300 x 2/30 = 20,
actual 3. November so far (1..24): 45 leads, elapsed 24/30, projected 45 / 0.8 = 56.25.
"""

from __future__ import annotations

import datetime as dt
import io
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy.engine import Engine

from kpi_engine import schema, store
from kpi_engine.plans import store as plans
from kpi_engine.plans.model import Kpi, Plan
from kpi_engine.reviews import build, monthly, notes, weekly
from kpi_engine.reviews.export_excel import review_to_xlsx
from kpi_engine.reviews.export_html import review_to_html

ROOT = Path(__file__).resolve().parent.parent
AS_OF = dt.date(2026, 11, 25)
W47 = dt.date(2026, 11, 16)
_LEADS = [(dt.date(2026, 10, 5), "a", "p1", 10), (dt.date(2026, 11, 2), "a", "p1", 7), (dt.date(2026, 11, 10), "a", "p1", 10),
          (dt.date(2026, 11, 10), "b", "p2", 4), (dt.date(2026, 11, 17), "a", "p1", 5), (dt.date(2026, 11, 17), "b", "p2", 16),
          (dt.date(2026, 11, 23), "a", "p1", 3)]


def seed(engine: Engine) -> Plan:
    leads = [{"lead_id": f"L{d:%m%d}{c}{i}", "created_at": dt.datetime(d.year, d.month, d.day, 10), "channel_id": c,
              "owner_id": o} for d, c, o, n in _LEADS for i in range(n)]
    spend = [{"date": dt.date(2026, 11, 10), "channel_id": "a", "campaign_id": "", "ad_id": "", "cost": 50.0},
             {"date": dt.date(2026, 11, 17), "channel_id": "a", "campaign_id": "", "ad_id": "", "cost": 100.0}]
    with store.transaction(engine) as conn:
        conn.execute(schema.people.insert(), [{"person_id": "p1", "name": "Ann"}, {"person_id": "p2", "name": "Bob"}])
        conn.execute(schema.channels.insert(), [{"channel_id": "a", "name": "A"}, {"channel_id": "b", "name": "B"}])
        conn.execute(schema.leads.insert(), leads)
        conn.execute(schema.spend.insert(), spend)
        store.bump_data_version(conn)
    plan = Plan(name="November", period="2026-11", kpis=(
        Kpi("leads", "team", "results", 80, 300), Kpi("leads", "person:p1", "results", 100, 150),
        Kpi("cpl", "channel:a", "efficiency", 20, 10)))
    saved = plans.save_plan(engine, plan)
    return plans.activate_plan(engine, saved.plan_id, acknowledge=True, as_of=dt.date(2026, 11, 1))


@pytest.fixture
def plan(engine: Engine) -> Plan:
    return seed(engine)


def test_dates_of_a_review_held_on_wednesday():
    assert weekly.last_complete_week(AS_OF) == W47
    assert weekly.last_complete_week(dt.date(2026, 11, 23)) == W47  # Monday: last week just ended
    assert weekly.last_complete_week(dt.date(2026, 11, 22)) == dt.date(2026, 11, 9)  # Sunday: data through Saturday
    assert weekly.week_to_date(W47, AS_OF) == (dt.date(2026, 11, 23), dt.date(2026, 11, 24))
    assert weekly.week_to_date(W47, dt.date(2026, 11, 23)) is None
    assert build.resolve_period("weekly", "last", AS_OF) == ("2026-W47", W47, dt.date(2026, 11, 22))
    assert build.resolve_period("monthly", "last", AS_OF)[0] == "2026-11"
    with pytest.raises(ValueError, match="weekly review needs a week"):
        build.resolve_period("weekly", "2026-11", AS_OF)


def test_weekly_kpis_by_hand(engine, plan):
    frame = weekly.weekly_kpis(engine, plan, W47, AS_OF)
    assert frame["scope"].tolist() == ["team", "person:p1", "channel:a"]  # team, then people, then channels
    assert frame["scope_name"].tolist() == ["Team", "Ann", "A"]  # shown by name; the key stays in "scope"
    team, p1, cpl = (frame.iloc[i] for i in range(3))
    assert team["target"] == pytest.approx(70) and team["actual"] == 21 and team["deviation"] == pytest.approx(-49)
    assert team["deviation_pct"] == pytest.approx(-0.7) and team["achievement"] == pytest.approx(0.3)
    assert team["weighted_gap"] == pytest.approx(56)
    assert team["wtd_target"] == pytest.approx(20) and team["wtd_actual"] == 3
    assert team["period_actual"] == 45 and team["projected"] == pytest.approx(56.25) and team["pace"] == "off_track"
    assert p1["target"] == pytest.approx(35) and p1["actual"] == 5
    assert p1["weighted_gap"] == pytest.approx(100 * 6 / 7)
    assert cpl["actual"] == pytest.approx(20) and cpl["target"] == 10 and cpl["achievement"] == pytest.approx(0.5)
    assert cpl["weighted_gap"] == pytest.approx(10) and cpl["deviation_pct"] == pytest.approx(1.0)


def test_weekly_trend_gaps_where_no_data_or_target(engine, plan):
    trend = weekly.weekly_trend(engine, plan, W47)
    team = trend[trend["position"] == 0].set_index("label")
    assert list(team.index) == [f"2026-W{w}" for w in range(40, 48)]
    assert team.loc["2026-W45", "actual"] == 7 and team.loc["2026-W46", "actual"] == 14
    assert team.loc["2026-W47", "actual"] == 21
    assert team.loc["2026-W41", "actual"] == 10  # October 5
    assert team.loc["2026-W42", "actual"] == 0  # facts exist in the range, none that week
    assert team.loc["2026-W45", "target"] == pytest.approx(70)
    assert team.loc[["2026-W40", "2026-W44"], "target"].isna().all()  # October has no target
    p1 = trend[trend["position"] == 1].set_index("label")
    assert p1.loc["2026-W46", "actual"] == 10 and p1.loc["2026-W47", "actual"] == 5


def test_monthly_movers_and_people(engine, plan):
    start, end = dt.date(2026, 11, 1), dt.date(2026, 11, 24)
    ranges = monthly.comparison_ranges(start, end, dt.date(2026, 11, 30))
    assert ranges == {"previous": (dt.date(2026, 10, 1), dt.date(2026, 10, 24)),
                      "last-year": (dt.date(2025, 11, 1), dt.date(2025, 11, 24))}
    frame = monthly.movers(engine, ["leads"], start, end, dt.date(2026, 11, 30))
    prev = frame[frame["vs"] == "previous"].iloc[0]
    assert (prev["this"], prev["comparison"], prev["change"]) == (45, 10, 35)
    assert prev["change_pct"] == pytest.approx(3.5) and prev["favourable"]
    assert prev["driver"] == "b" and prev["driver_contribution"] == 20  # a: 25 - 10 = 15, b: 20 - 0 = 20
    ly = frame[frame["vs"] == "last-year"].iloc[0]
    assert pd_isna(ly["comparison"]) and ly["favourable"] is None  # no data a year ago: no value, not 0
    score = monthly.monthly_score(engine, plan, AS_OF)
    people, metrics = monthly.people_contributions(engine, plan, score, start, end)
    assert metrics == ["leads"] and people["card"].tolist() == ["p1"]
    assert people["actual:leads"].iloc[0] == 25 and people["share:leads"].iloc[0] == pytest.approx(25 / 45)


def pd_isna(value: object) -> bool:
    return value is None or value != value  # NaN is the only value unequal to itself


def test_documents_and_reports_match_the_engine(engine, plan, tmp_path):
    notes.add_note(engine, period="2026-W46", metric_id="leads", cause="=HYPERLINK(\"x\")", action="Call <b>back</b>",
                   owner_id="p1", status="open", created_by="test")
    doc = build.build_review(engine, "weekly", "2026-W47", as_of=AS_OF, lang="en")
    assert [s.key for s in doc.sections] == ["carried", "off_track", "kpis", "trend", "gap", "notes"]
    off = doc.section("off_track").table
    assert off["weighted_gap"].tolist() == pytest.approx([100 * 6 / 7, 56, 10])
    assert doc.section("carried").table["action"].tolist() == ["Call <b>back</b>"]
    assert doc.section("carried").table["owner"].tolist() == ["Ann"]  # names, never ids
    assert doc.section("carried").table["scope"].tolist() == ["Team"]
    assert sorted(off["scope"]) == ["A", "Ann", "Team"] and sorted(doc.section("kpis").table["scope"]) == ["A", "Ann", "Team"]
    labels = [*doc.section("off_track").charts[0].data["label"], *(c.title for c in doc.section("trend").charts)]
    assert "Leads @ Ann" in labels and not any(":" in lab or "p1" in lab for lab in labels)
    assert sorted(doc.section("trend").table["scope"]) == ["A", "Ann", "Team"]
    gap = doc.section("gap").table.set_index("channel_id")
    assert gap.loc["total", "actual"] == 21 and gap.loc["total", "comparison"] == pytest.approx(70)

    book = openpyxl.load_workbook(io.BytesIO(review_to_xlsx(doc)))
    sheet = book[_sheet_named(book, doc.section("off_track").title)]
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    header_row = next(i for i, r in enumerate(values) if "Weighted gap" in r)
    col = values[header_row].index("Weighted gap")
    assert [r[col] for r in values[header_row + 1: header_row + 4]] == pytest.approx([100 * 6 / 7, 56, 10])
    assert all(c.data_type != "f" for ws in book.worksheets for row in ws.iter_rows() for c in row)

    html = review_to_html(doc)
    for s in doc.sections:
        assert s.title in html
    assert "Call &lt;b&gt;back&lt;/b&gt;" in html and "<b>back</b>" not in html and "<script" not in html

    zh = build.build_review(engine, "monthly", "2026-11", as_of=AS_OF, lang="zh")
    assert "月度复盘" in zh.title and "团队达成与得分" in review_to_html(zh)


def _sheet_named(book: openpyxl.Workbook, title: str) -> str:
    for name in book.sheetnames:
        if title.startswith(name[:20]) or name.startswith(title[:20]):
            return name
    raise AssertionError(f"no sheet for {title!r} in {book.sheetnames}")


def test_report_command_writes_both_formats(duck_engine, tmp_path):
    seed(duck_engine)
    url = str(duck_engine.url)
    duck_engine.dispose()
    for name in ("weekly.xlsx", "weekly.html"):
        out = tmp_path / name
        done = subprocess.run([sys.executable, "-m", "kpi_engine", "report", "--period", "2026-W47", "--kind", "weekly",
                               "--out", str(out), "--as-of", "2026-11-25", "--db", url],
                              cwd=ROOT, capture_output=True, text=True, timeout=180)
        assert done.returncode == 0, done.stderr
        assert out.stat().st_size > 1000 and "wrote" in done.stdout
    book = openpyxl.load_workbook(tmp_path / "weekly.xlsx")
    assert len(book.sheetnames) >= 6
    assert "Weekly review 2026-W47" in (tmp_path / "weekly.html").read_text(encoding="utf-8")
    bad = subprocess.run([sys.executable, "-m", "kpi_engine", "report", "--period", "2026-11", "--kind", "weekly",
                          "--out", str(tmp_path / "x.xlsx"), "--db", url], cwd=ROOT, capture_output=True, text=True,
                         timeout=180)
    assert bad.returncode == 2 and "needs a week" in bad.stderr and not (tmp_path / "x.xlsx").exists()
    wrong = subprocess.run([sys.executable, "-m", "kpi_engine", "report", "--period", "last", "--kind", "monthly",
                            "--out", str(tmp_path / "x.pdf"), "--db", url], cwd=ROOT, capture_output=True, text=True,
                           timeout=180)
    assert wrong.returncode == 2 and ".xlsx or .html" in wrong.stderr
