"""VALIDATE: parsing, every rule, every problem collected, messages in English and Chinese.

RawFile objects are built directly (text columns + ``__row``), so these tests
need no database; expected values are written by hand.
"""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pytest

from kpi_engine import schema
from kpi_engine.i18n import t
from kpi_engine.i18n.ingest import ISSUE_CODES
from kpi_engine.ingest.messages import issue_records, issues_table
from kpi_engine.ingest.model import Mapping, RawFile
from kpi_engine.ingest.validate import FILL_ONLY_META, existing_columns_needed, key_table, validate

T = dt.datetime
D = dt.date


def raw_file(cols: dict[str, list[str | None]], rows: list[int] | None = None) -> RawFile:
    n = len(next(iter(cols.values())))
    data = {k: pa.array(v, pa.string()) for k, v in cols.items()}
    data["__row"] = pa.array(rows or list(range(2, n + 2)), pa.int64())
    return RawFile(name="f.csv", sha256="0" * 64, size=1, kind="csv", encoding="utf-8", delimiter=",", sheet=None,
                   headers=list(cols), data=pa.table(data))


def identity(table: str, cols: dict[str, list[str | None]], **constants: str) -> Mapping:
    return Mapping(table=table, columns={c: c for c in cols}, constants=constants)


def clean_rows(v) -> list[dict]:
    return sorted(v.clean.to_pylist(), key=lambda r: r["__row"])


def problems(v, severity: str | None = None) -> set[tuple]:
    issues = v.issues if severity is None else v.issues[v.issues["severity"] == severity]
    return {(None if r["row"] is None or r["row"] != r["row"] else int(r["row"]), r["column"], r["code"])
            for r in issues.to_dict("records")}


# --- parsing -------------------------------------------------------------------------------------

DATES = [
    ("2026-10-01", T(2026, 10, 1)), ("2026/10/1", T(2026, 10, 1)), ("2026-10-01 09:30", T(2026, 10, 1, 9, 30)),
    ("2026-10-01 09:30:15", T(2026, 10, 1, 9, 30, 15)), ("2026/10/01 9:30", T(2026, 10, 1, 9, 30)),
    ("2026年10月1日", T(2026, 10, 1)), ("2026年10月1日 9时30分", T(2026, 10, 1, 9, 30)), ("20261001", T(2026, 10, 1)),
    ("2026.10.01", T(2026, 10, 1)), ("2026-10-01T09:30:00", T(2026, 10, 1, 9, 30)),
    ("2026-10-01T01:30:00Z", T(2026, 10, 1, 9, 30)),  # UTC -> Asia/Shanghai (+8)
    ("2026-10-01T09:30:00+08:00", T(2026, 10, 1, 9, 30)), ("46296", T(2026, 10, 1)),  # Excel serial
    ("46296.5", T(2026, 10, 1, 12, 0)), ("Oct 1, 2026", T(2026, 10, 1)), ("1-Oct-2026", T(2026, 10, 1)),
    ("10/1/2026 9:30 PM", T(2026, 10, 1, 21, 30)),
]


def test_dates_in_many_formats() -> None:
    n = len(DATES)
    cols = {"lead_id": [f"L{i}" for i in range(n)], "created_at": [d for d, _ in DATES], "channel_id": ["web"] * n}
    # 10/1/2026 reads both ways, so the order is given (without it the upload asks: test_ingest_dates.py).
    v = validate(raw_file(cols), Mapping(table="leads", columns={c: c for c in cols}, date_order="mdy"))
    assert len(v.issues) == 0, v.issues
    assert [r["created_at"] for r in clean_rows(v)] == [want for _, want in DATES]


def test_numeric_day_month_order_decided_per_column() -> None:
    us = {"lead_id": ["A", "B"], "created_at": ["01/10/2026", "12/31/2026"], "channel_id": ["web", "web"]}
    v = validate(raw_file(us), identity("leads", us))
    assert [r["created_at"] for r in clean_rows(v)] == [T(2026, 1, 10), T(2026, 12, 31)]
    eu = {"lead_id": ["A", "B"], "created_at": ["01/10/2026", "31/12/2026"], "channel_id": ["web", "web"]}
    v = validate(raw_file(eu), identity("leads", eu))
    assert [r["created_at"] for r in clean_rows(v)] == [T(2026, 10, 1), T(2026, 12, 31)]


@pytest.mark.parametrize(("text", "code"), [
    ("yesterday", "bad_date"), ("2026-02-30", "bad_date"), ("2026-13-01", "bad_date"), ("32/13/2026", "bad_date"),
    ("0026-10-01", "date_out_of_range"), ("9999-12-31", "date_out_of_range"),  # real dates: the range is said
])
def test_bad_dates(text: str, code: str) -> None:
    cols = {"lead_id": ["A"], "created_at": [text], "channel_id": ["web"]}
    v = validate(raw_file(cols), identity("leads", cols))
    assert problems(v) == {(2, "created_at", code)}
    assert v.issues.iloc[0]["value"] == text and v.clean.num_rows == 0


NUMBERS = [("1200", 1200.0), ("1,234.5", 1234.5), ("¥1,200.50", 1200.5), ("￥300", 300.0), ("1200元", 1200.0),
           ("$45.5", 45.5), ("1.2万", 12000.0), ("RMB 1,000", 1000.0), ("1e3", 1000.0), ("0", 0.0)]


def test_numbers_with_currency_separators_and_wan() -> None:
    n = len(NUMBERS)
    cols = {"date": ["2026-01-01"] * n, "channel_id": ["web"] * n, "ad_id": [f"a{i}" for i in range(n)],
            "cost": [x for x, _ in NUMBERS]}
    v = validate(raw_file(cols), identity("spend", cols))
    assert len(v.issues) == 0, v.issues
    assert [r["cost"] for r in clean_rows(v)] == [want for _, want in NUMBERS]


def test_bad_negative_and_out_of_range_numbers() -> None:
    cols = {"response_id": ["R1", "R2", "R3", "R4", "R5"], "date": ["2026-01-01"] * 5,
            "score": ["12,5O", "-1", "11", "12,5", "10"]}
    v = validate(raw_file(cols), identity("survey_responses", cols))
    assert problems(v) == {(2, "score", "bad_number"), (3, "score", "negative"), (4, "score", "out_of_range"),
                           (5, "score", "bad_number")}
    assert v.rejected_rows == 4
    assert clean_rows(v) == [{"response_id": "R5", "date": D(2026, 1, 1), "score": 10.0, "__row": 6}]


def test_percent_only_where_a_ratio_is_expected() -> None:
    cols = {"metric_id": ["m", "m"], "period_start": ["2026-01-01", "2026-02-01"], "grain": ["month", "月"],
            "value": ["12%", "0.5"]}
    v = validate(raw_file(cols), identity("metric_values", cols))
    assert len(v.issues) == 0, v.issues
    rows = clean_rows(v)
    assert [r["value"] for r in rows] == [0.12, 0.5]
    assert [r["grain"] for r in rows] == ["month", "month"] and [r["scope_type"] for r in rows] == ["team", "team"]
    assert [r["scope_id"] for r in rows] == ["", ""]
    spend = {"date": ["2026-01-01"], "channel_id": ["web"], "cost": ["12%"]}
    assert problems(validate(raw_file(spend), identity("spend", spend))) == {(2, "cost", "bad_number")}


def test_booleans_and_choices_with_synonyms() -> None:
    people = {"person_id": ["a", "b", "c", "d"], "name": ["A", "B", "C", "D"], "active": ["是", "no", "TRUE", "maybe"]}
    v = validate(raw_file(people), identity("people", people))
    assert problems(v) == {(5, "active", "bad_choice")}
    assert [r["active"] for r in clean_rows(v)] == [True, False, True]
    channels = {"channel_id": ["x", "y", "z"], "name": ["X", "Y", "Z"], "kind": ["付费", "Paid", "tv"]}
    v = validate(raw_file(channels), identity("channels", channels))
    assert problems(v) == {(4, "kind", "bad_choice")}
    assert [r["kind"] for r in clean_rows(v)] == ["paid", "paid"]
    assert "choices=paid|organic|social|event|email|referral|other" == v.issues.iloc[0]["detail"]


# --- rules ---------------------------------------------------------------------------------------


def test_every_problem_of_every_row_is_collected() -> None:
    cols = {"lead_id": ["A", None, "C", "A"], "created_at": ["2026-03-01", "2026-03-02", "soon", "2026-03-04"],
            "channel_id": ["web", "web", None, "web"], "expected_value": ["-1", "5", "x", "7"]}
    v = validate(raw_file(cols), identity("leads", cols))
    assert problems(v) == {
        (2, "expected_value", "negative"), (3, "lead_id", "missing_value"), (4, "created_at", "bad_date"),
        (4, "expected_value", "bad_number"), (4, "channel_id", "channel_blank"), (5, "lead_id", "duplicate_key"),
    }
    assert v.rejected_rows == 4 and v.clean.num_rows == 0
    dup = v.issues[v.issues["code"] == "duplicate_key"].iloc[0]
    assert (dup["value"], dup["detail"]) == ("A", "2")  # detail: the first row with that key


def test_duplicate_key_keeps_the_first_row() -> None:
    cols = {"lead_id": ["D1", "D2", "D1"], "created_at": ["2026-03-01"] * 3, "channel_id": ["a", "b", "c"]}
    v = validate(raw_file(cols), identity("leads", cols))
    assert problems(v) == {(4, "lead_id", "duplicate_key")}
    assert [(r["lead_id"], r["channel_id"]) for r in clean_rows(v)] == [("D1", "a"), ("D2", "b")]


def test_spend_key_blanks_become_empty_text_and_duplicates_use_the_whole_key() -> None:
    cols = {"date": ["2026-01-01", "2026-01-01", "2026-01-01"], "channel_id": ["web"] * 3,
            "campaign_id": ["C1", "C1", None], "ad_id": ["A1", "A2", None], "cost": ["1", "2", "3"]}
    v = validate(raw_file(cols), identity("spend", cols))
    assert len(v.issues) == 0
    assert [(r["campaign_id"], r["ad_id"]) for r in clean_rows(v)] == [("C1", "A1"), ("C1", "A2"), ("", "")]
    cols["ad_id"] = ["A1", "A1", None]
    v = validate(raw_file(cols), identity("spend", cols))
    assert problems(v) == {(3, "date+channel_id+campaign_id+ad_id", "duplicate_key")}
    assert v.issues.iloc[0]["value"] == "2026-01-01 | web | C1 | A1"


def test_constants_fill_a_column_for_the_whole_file() -> None:
    cols = {"campaign_id": ["C1", "C2"], "cost": ["10", "20"]}
    mapping = Mapping(table="spend", columns={"campaign_id": "campaign_id", "cost": "cost"},
                      constants={"date": "2026-05-01", "channel_id": "douyin"})
    v = validate(raw_file(cols), mapping)
    assert len(v.issues) == 0
    assert [(r["date"], r["channel_id"], r["cost"]) for r in clean_rows(v)] == [(D(2026, 5, 1), "douyin", 10.0),
                                                                              (D(2026, 5, 1), "douyin", 20.0)]
    bad = Mapping(table="spend", columns={"cost": "cost"}, constants={"date": "someday", "channel_id": "x"})
    assert problems(validate(raw_file(cols), bad), "error") == {(2, "date", "bad_date"), (3, "date", "bad_date")}


def test_blank_channel_becomes_unattributed_with_a_warning() -> None:
    cols = {"lead_id": ["A", "B"], "created_at": ["2026-03-01", "2026-03-02"], "channel_id": ["web", None]}
    v = validate(raw_file(cols), identity("leads", cols))
    assert problems(v, "warning") == {(3, "channel_id", "channel_blank")} and v.rejected_rows == 0
    assert [r["channel_id"] for r in clean_rows(v)] == ["web", "unattributed"]
    assert "channel_id" in v.present


def test_no_channel_column_fills_new_rows_only() -> None:
    cols = {"lead_id": ["A"], "created_at": ["2026-03-01"]}
    v = validate(raw_file(cols), identity("leads", cols))
    assert problems(v) == {(None, "channel_id", "channel_missing")}
    assert clean_rows(v)[0]["channel_id"] == "unattributed"
    assert "channel_id" not in v.present  # an existing lead keeps its channel


STAGES = [("won", "won"), ("Closed Won", "won"), ("赢单", "won"), ("成交", "won"), ("签约", "won"), ("closedwon", "won"),
          ("lost", "lost"), ("Closed Lost", "lost"), ("输单", "lost"), ("丢单", "lost"), ("关闭", "lost"),
          ("negotiation", None), ("跟进中", None)]


def test_stage_and_close_date_fill_won_at_or_lost_at() -> None:
    n = len(STAGES)
    cols = {"lead_id": [f"L{i}" for i in range(n)], "created_at": ["2026-03-01"] * n, "channel_id": ["web"] * n,
            "stage": [s for s, _ in STAGES], "close_date": ["2026-03-20"] * n}
    v = validate(raw_file(cols), identity("leads", cols))
    assert len(v.issues) == 0
    closed = T(2026, 3, 20)
    for row, (_, outcome) in zip(clean_rows(v), STAGES, strict=True):
        assert row["won_at"] == (closed if outcome == "won" else None), row
        assert row["lost_at"] == (closed if outcome == "lost" else None), row
    assert "stage" not in v.clean.column_names and {"won_at", "lost_at"} <= set(v.present)
    assert v.clean.schema.metadata[FILL_ONLY_META] == b"won_at,lost_at"


def test_file_won_at_wins_over_stage_and_won_without_date_warns() -> None:
    cols = {"lead_id": ["A", "B", "C"], "created_at": ["2026-03-01"] * 3, "channel_id": ["web"] * 3,
            "stage": ["won", "won", "lost"], "close_date": ["2026-03-20", None, None],
            "won_at": ["2026-03-10", None, None]}
    v = validate(raw_file(cols), identity("leads", cols))
    assert problems(v) == {(3, "stage", "stage_without_date"), (4, "stage", "stage_without_date")}
    rows = clean_rows(v)
    assert [r["won_at"] for r in rows] == [T(2026, 3, 10), None, None]
    assert [r["lost_at"] for r in rows] == [None, None, None]
    assert v.clean.schema.metadata[FILL_ONLY_META] == b"lost_at"  # won_at comes from the file: it overwrites


def test_stage_dates_before_created_at_are_errors() -> None:
    cols = {"lead_id": ["A", "B", "C"], "created_at": ["2026-03-10 10:00"] * 3, "channel_id": ["web"] * 3,
            "mql_at": ["2026-03-10 09:00", "2026-03-11", None], "stage": [None, None, "won"],
            "close_date": [None, None, "2026-03-01"]}
    v = validate(raw_file(cols), identity("leads", cols))
    assert problems(v) == {(2, "mql_at", "stage_before_created"), (4, "won_at", "stage_before_created")}
    mql = v.issues[v.issues["column"] == "mql_at"].iloc[0]
    assert (mql["value"], mql["detail"]) == ("2026-03-10 09:00", "created_at=2026-03-10 10:00")
    won = v.issues[v.issues["column"] == "won_at"].iloc[0]
    assert won["value"] == "2026-03-01"  # the close date the won date came from
    assert [r["lead_id"] for r in clean_rows(v)] == ["B"]


def test_partial_update_uses_stored_created_at_and_rejects_unknown_keys() -> None:
    cols = {"lead_id": ["L1", "L2", "L9"], "won_at": ["2026-02-20", "2026-01-01", "2026-02-21"], "deal_value": ["8000", "1", "5"]}
    mapping = identity("leads", cols)
    assert existing_columns_needed(mapping) == ["created_at"]
    keys = key_table(raw_file(cols), mapping)
    assert sorted(keys.column("lead_id").to_pylist()) == ["L1", "L2", "L9"]
    existing = pa.table({"lead_id": ["L1", "L2"], "created_at": pa.array([T(2026, 1, 2), T(2026, 1, 5)], pa.timestamp("us"))})
    v = validate(raw_file(cols), mapping, existing=existing)
    assert problems(v) == {(3, "won_at", "stage_before_created"), (4, "lead_id", "unknown_key")}
    unknown = v.issues[v.issues["code"] == "unknown_key"].iloc[0]
    assert (unknown["value"], unknown["detail"]) == ("L9", "missing=created_at")
    assert clean_rows(v) == [{"lead_id": "L1", "won_at": T(2026, 2, 20), "deal_value": 8000.0, "channel_id": "unattributed",
                              "__row": 2}]
    assert v.present == ["lead_id", "won_at", "deal_value"]


def test_partial_file_matching_no_stored_row_is_a_missing_column() -> None:
    cols = {"lead_id": ["M1"], "channel_id": ["web"]}
    empty = pa.table({"lead_id": pa.array([], pa.string())})
    for existing in (None, empty):
        v = validate(raw_file(cols), identity("leads", cols), existing=existing)
        assert problems(v) == {(None, "created_at", "missing_column")}
        assert v.clean.num_rows == 0


def test_missing_key_column_and_unknown_table() -> None:
    cols = {"created_at": ["2026-03-01"], "channel_id": ["web"]}
    assert problems(validate(raw_file(cols), identity("leads", cols))) == {(None, "lead_id", "missing_column")}
    v = validate(raw_file({"colour": ["red"]}), Mapping(table="", columns={}))
    assert problems(v) == {(None, None, "table_unknown")} and v.issues.iloc[0]["detail"] == "colour"


def test_formula_looking_text_is_kept_as_text_with_a_warning() -> None:
    names = ['=HYPERLINK("http://x","y")', "+1", "-2+3", "@SUM(1)", "Spring"]
    cols = {"campaign_id": [f"F{i}" for i in range(5)], "name": names, "channel_id": ["web"] * 5}
    v = validate(raw_file(cols), identity("campaigns", cols))
    assert problems(v) == {(r, "name", "formula_text") for r in (2, 3, 4, 5)}
    assert [r["name"] for r in clean_rows(v)] == names


def test_nul_in_text_is_rejected() -> None:
    cols = {"person_id": ["a", "b"], "name": ["A\x00B", "B"]}
    v = validate(raw_file(cols), identity("people", cols))
    assert problems(v) == {(2, "name", "bad_text")}
    assert [r["person_id"] for r in clean_rows(v)] == ["b"]


def test_row_numbers_come_from_the_file() -> None:
    cols = {"lead_id": ["A", "B"], "created_at": ["2026-03-01", "bad"], "channel_id": ["w", "w"]}
    v = validate(raw_file(cols, rows=[5, 9]), identity("leads", cols))
    assert problems(v) == {(9, "created_at", "bad_date")}


# --- messages ------------------------------------------------------------------------------------


def test_every_issue_code_has_reason_and_fix_in_both_languages() -> None:
    contract = {"missing_value", "bad_date", "bad_number", "negative", "out_of_range", "bad_choice",
                "stage_before_created", "duplicate_key", "unknown_key", "formula_text", "channel_blank",
                "stage_without_date", "table_unknown", "missing_column", "file_empty", "file_header_only",
                "file_not_text", "file_bad_xlsx", "file_bad_row", "file_duplicate_header", "file_blank_header",
                "file_encoding_guess"}
    assert contract <= set(ISSUE_CODES)
    for code in ISSUE_CODES:
        for kind in ("issue", "fix"):
            key = f"ingest_{kind}_{code}"
            en, zh = t(key, "en"), t(key, "zh")
            assert en != key and zh != key and en != zh, key


def test_reason_names_column_row_value_and_rule() -> None:
    cols = {"date": ["2026-01-01"] * 2, "channel_id": ["web"] * 2, "ad_id": ["a", "b"], "cost": ["12,5O", "-3"]}
    v = validate(raw_file(cols, rows=[17, 18]), identity("spend", cols))
    en, zh = issue_records(v.issues, "en"), issue_records(v.issues, "zh")
    assert en[0]["reason"] == "cost must be a number ≥ 0 (row 17: '12,5O')."
    assert zh[0]["reason"] == "cost 必须是不小于 0 的数字（第 17 行：'12,5O'）。"
    assert en[1]["reason"] == "cost must be a number ≥ 0 (row 18: '-3')."
    assert en[0]["row"] == 17 and type(en[0]["row"]) is int and en[0]["value"] == "12,5O"
    assert "1234.5" in en[0]["fix"] and "1234.5" in zh[0]["fix"]


def test_reason_mentions_the_file_header_when_it_differs() -> None:
    cols = {"线索编号": ["A"], "创建时间": ["soon"], "渠道": ["web"]}
    mapping = Mapping(table="leads", columns={"lead_id": "线索编号", "created_at": "创建时间", "channel_id": "渠道"})
    rec = issue_records(validate(raw_file(cols), mapping).issues, "en")[0]
    assert rec["reason"] == "created_at (创建时间) must be a date (row 2: 'soon')."
    assert rec["source"] == "创建时间"


def test_issues_table_has_localized_headers() -> None:
    cols = {"lead_id": ["A"], "created_at": ["soon"], "channel_id": ["web"]}
    issues = validate(raw_file(cols), identity("leads", cols)).issues
    zh = issues_table(issues, "zh")
    assert list(zh.columns) == ["级别", "行号", "列", "文件表头", "值", "原因", "修改方法", "代码"]
    assert zh.iloc[0]["级别"] == "错误" and zh.iloc[0]["行号"] == 2
    en = issues_table(issues, "en")
    assert en.iloc[0]["Reason"] == "created_at must be a date (row 2: 'soon')."


def test_every_table_validates_a_minimal_valid_row() -> None:
    rows = {
        "people": {"person_id": "p", "name": "P"}, "channels": {"channel_id": "c", "name": "C"},
        "campaigns": {"campaign_id": "k", "name": "K", "channel_id": "c"},
        "spend": {"date": "2026-01-01", "channel_id": "c", "cost": "1"},
        "leads": {"lead_id": "l", "created_at": "2026-01-01", "channel_id": "c"},
        "customers": {"customer_id": "u", "acquired_at": "2026-01-01"},
        "orders": {"order_id": "o", "customer_id": "u", "order_date": "2026-01-01", "amount": "5"},
        "survey_responses": {"response_id": "r", "date": "2026-01-01", "score": "9"},
        "metric_values": {"metric_id": "m", "period_start": "2026-01-01", "grain": "month", "value": "1"},
        "feedback_360": {"period": "2026-Q1", "person_id": "p", "reviewer_role": "peer", "dimension": "d", "score": "80"},
        "touches": {"lead_id": "l", "touched_at": "2026-01-01 09:30", "channel_id": "c"},
    }
    assert set(rows) == set(schema.UPLOAD_TABLES)
    for table, row in rows.items():
        cols = {k: [v] for k, v in row.items()}
        v = validate(raw_file(cols), identity(table, cols))
        assert v.rejected_rows == 0 and v.clean.num_rows == 1, (table, v.issues)
        assert set(schema.key_columns(schema.UPLOAD_TABLES[table])) <= set(v.clean.column_names)
