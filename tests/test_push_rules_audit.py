"""Alert rules (issue 13): a rule's problems in English and Chinese, worded for the command line (its options) and
for the Delivery page form (its fields); every rule change, acknowledgement, mute and unmute in the audit log
with who, and the value before and after."""

from __future__ import annotations

import datetime as dt
import json
import re
import string

import pytest

from kpi_engine import access
from kpi_engine.__main__ import main
from kpi_engine.access import audit
from kpi_engine.i18n import catalog
from kpi_engine.push import alerts, rules
from kpi_engine.push.rules import Found, Problem, Rule

MANAGER = access.Principal("mia", "manager", person_id="p1", people=frozenset({"p1"}))
CJK = re.compile(r"[\u4e00-\u9fff]")
CODES = ("bad_id", "bad_kind", "bad_scope", "channel_pace_metric", "pace_metric", "spend_is_budget", "ratio_metric",
         "leads_zero_scope", "negative_threshold")
BAD = {  # a rule with each problem
    "bad_id": Rule("Bad Id", "standup"), "bad_kind": Rule("x", "sometimes"),
    "bad_scope": Rule("x", "standup", scope_type="region"),
    "channel_pace_metric": Rule("x", "behind_pace", "wins", "channel"),
    "pace_metric": Rule("x", "behind_pace", "lead_to_mql"), "spend_is_budget": Rule("x", "behind_pace", "spend"),
    "ratio_metric": Rule("x", "rate_drop", "leads"), "leads_zero_scope": Rule("x", "leads_zero"),
    "negative_threshold": Rule("x", "over_budget", threshold=-0.1)}


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_rule_problem_has_both_wordings_in_both_languages() -> None:
    strings = catalog()
    keys = sorted(k for k in strings if k.startswith("push_rule_err_"))
    assert keys == sorted([f"push_rule_err_{c}" for c in CODES] + [f"push_rule_err_{c}_form" for c in CODES])
    for key in keys:
        en, zh = strings[key]["en"], strings[key]["zh"]
        assert en.strip() and CJK.search(zh) and not CJK.search(en), key
        assert _fields(en) == _fields(zh), key
    assert set(BAD) == set(CODES)
    for code, rule in BAD.items():
        assert [p.code for p in rules.problems(rule)] == [code], code


@pytest.mark.parametrize("code", CODES)
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_form_names_its_fields_and_the_command_line_its_options(code: str, lang: str) -> None:
    (problem,) = rules.problems(BAD[code])
    form, cli = problem.message(lang, "form"), problem.message(lang, "cli")
    assert "{" not in form + cli and form != cli
    assert "--" not in form and "rate_drop" not in form and "leads_zero" not in form and "over_budget" not in form
    assert bool(CJK.search(form)) == (lang == "zh") or code == "bad_id"
    fields = {"en": ("Rule name", "When", "Metric", "Scope", "Threshold"), "zh": ("规则名", "触发条件", "指标", "范围", "阈值")}
    assert any(f in form for f in fields[lang]) or code == "spend_is_budget" and ("When" in form or "触发条件" in form)
    if code not in ("bad_id", "spend_is_budget", "channel_pace_metric"):
        assert "--" in cli  # the option to change
    if code == "leads_zero_scope":
        assert "--scope channel" in cli
        assert form == {"en": "“a channel with leads on most days at zero” watches channels: set Scope to “each channel”",
                        "zh": "“平时天天有线索的渠道突然为零”监测的是渠道：请将“范围”设为“每个渠道”"}[lang]


def test_problem_texts_read_well() -> None:
    assert rules.check(Rule("x", "leads_zero")) == ["leads_zero watches channels: use --scope channel"]
    assert rules.check(Rule("x", "leads_zero"), "zh") == ["leads_zero 监测的是渠道：请用 --scope channel"]
    assert Problem("ratio_metric", "leads", ("lead_to_mql", "mql_to_sql")).message("en", "form") == (
        "Metric Leads: “a rate below its usual range” needs a rate, e.g. Lead → MQL rate, MQL → SQL rate")
    assert rules.check(Rule("x", "behind_pace", "spend"), "zh", "form") == [
        "花费是预算：请在“触发条件”中选择“花费超出预算进度 X 以上”"]
    with pytest.raises(rules.RuleError) as caught:
        rules.save(None, Rule("x", "leads_zero"))  # type: ignore[arg-type]  # refused before the database
    assert str(caught.value) == "leads_zero watches channels: use --scope channel"
    assert caught.value.messages("en", "form") == [
        "“a channel with leads on most days at zero” watches channels: set Scope to “each channel”"]


def test_the_command_line_says_it_in_the_language_asked(duck_engine, capsys) -> None:
    db = ["--db", str(duck_engine.url)]
    assert main(["push", "rule", "add", "quiet", "--kind", "leads_zero", "--lang", "zh", *db]) == 2
    assert capsys.readouterr().err.strip() == "error: leads_zero 监测的是渠道：请用 --scope channel"
    assert main(["push", "rule", "add", "Quiet", "--kind", "leads_zero", *db]) == 2
    assert capsys.readouterr().err.strip().splitlines() == [
        "error: rule id 'Quiet': use 1 to 48 lower-case letters, digits, '_' or '-'",
        "error: leads_zero watches channels: use --scope channel"]
    assert rules.load(duck_engine) == []


def _log(engine, action: str) -> list[dict]:
    frame = audit.list_events(engine, action=action)
    def value(v: object) -> object:
        return json.loads(v) if isinstance(v, str) else None

    return [{**row, "before": value(row["before"]), "after": value(row["after"])} for row in frame.to_dict("records")]


def test_each_rule_and_alert_action_writes_one_audit_row(duck_engine) -> None:
    engine, day = duck_engine, dt.date(2026, 10, 19)
    alerts.record(engine, [Found("quiet", "channel", "c", day, 0.0, "Channel C had no leads.", "渠道 C 没有线索。")])
    key = "quiet|channel:c|2026-10-19"
    with access.acting_as(MANAGER):
        rules.save(engine, Rule("quiet", "leads_zero", scope_type="channel"))
        rules.save(engine, Rule("quiet", "leads_zero", scope_type="channel", threshold=0.7))
        with pytest.raises(rules.RuleError):
            rules.save(engine, Rule("quiet", "leads_zero"))  # refused: nothing recorded
        alerts.mute(engine, "quiet", dt.date(2026, 10, 31), "channel:c")
        alerts.mute(engine, "quiet", dt.date(2026, 11, 7), "channel:c")
        assert alerts.unmute(engine, "quiet", "channel:c") and not alerts.unmute(engine, "quiet", "channel:c")
        assert alerts.acknowledge(engine, key) and not alerts.acknowledge(engine, key)
        assert rules.remove(engine, "quiet") and not rules.remove(engine, "quiet")
    saves = _log(engine, "alert_rule_save")
    rule = {"kind": "leads_zero", "metric": "", "scope_type": "channel", "active": True}
    assert [(e["actor"], e["target"], e["before"], e["after"]) for e in reversed(saves)] == [
        ("mia", "quiet", None, {**rule, "threshold": None}),
        ("mia", "quiet", {**rule, "threshold": None}, {**rule, "threshold": 0.7})]
    mutes = _log(engine, "alert_mute")
    assert [(e["actor"], e["before"], e["after"]) for e in reversed(mutes)] == [
        ("mia", None, {"scope": "channel:c", "until": "2026-10-31"}),
        ("mia", {"scope": "channel:c", "until": "2026-10-31"}, {"scope": "channel:c", "until": "2026-11-07"})]
    assert mutes[-1]["detail"] == "1 open alert(s) muted"
    (unmute,) = _log(engine, "alert_unmute")
    assert (unmute["actor"], unmute["target"], unmute["before"], unmute["after"]) == (
        "mia", "quiet", {"scope": "channel:c", "until": "2026-11-07"}, None)
    (ack,) = _log(engine, "alert_ack")
    assert (ack["actor"], ack["target"], ack["before"], ack["after"]) == (
        "mia", key, {"status": "muted"}, {"status": "acknowledged"})
    (removed,) = _log(engine, "alert_rule_remove")
    assert (removed["actor"], removed["target"], removed["before"], removed["after"]) == (
        "mia", "quiet", {**rule, "threshold": 0.7}, None)
    assert all(e["occurred_at"] is not None for e in saves + mutes + [unmute, ack, removed])


def test_the_command_line_records_its_user(duck_engine, monkeypatch) -> None:
    monkeypatch.setenv("KPI_USER", "ops-cron")
    db = ["--db", str(duck_engine.url)]
    assert main(["push", "rule", "add", "quiet", "--kind", "leads_zero", "--scope", "channel", *db]) == 0
    assert main(["push", "alerts", "mute", "quiet", "--until", "2026-12-31", *db]) == 0
    assert main(["push", "alerts", "unmute", "quiet", *db]) == 0
    assert main(["push", "rule", "remove", "quiet", *db]) == 0
    log = audit.list_events(duck_engine)
    assert list(log["action"]) == ["alert_rule_remove", "alert_unmute", "alert_mute", "alert_rule_save"]
    assert set(log["actor"]) == {"ops-cron"}
