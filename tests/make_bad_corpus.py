"""The corpus of malformed upload files (tests/data/bad/), generated deterministically.

Each ``BadFile`` holds the bytes of one file, a one-line description, and what
an upload of it must give: the issues the report must name (code, row, column,
value) and the outcome with ``on_error="abort"`` and with ``on_error="skip"``.
``tests/test_ingest_bad_corpus.py`` runs them; this module is the single source
of truth for both the files and their expectations.

Small files are committed; big ones (``big=True``) are written at test time.
Regenerate the committed files and MANIFEST.md with::

    python tests/make_bad_corpus.py
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from tests.bad_corpus_bytes import (
    LEADS,
    NOTES,
    XL_LEADS,
    csv_bytes,
    huge_id_bytes,
    lines_bytes,
    long_cell_bytes,
    mixed_encoding_bytes,
    png_bytes,
    random_bytes,
    utf16_bytes,
    wide_bytes,
    xlsx_bytes,
    xlsx_empty,
    xlsx_error_cells,
    xlsx_leads_negative,
    xlsx_truncated,
    zip_not_xlsx,
)
from tests.bad_corpus_model import BAD_DIR, EITHER, LOADS, REFUSED, BadFile, Expect, Skip, Stored


def _absent(table: str, **where: str) -> tuple[str, dict[str, str]]:
    return (table, dict(where))


CORPUS: list[BadFile] = [
    BadFile("empty.csv", "Zero-byte file.", lambda: b"", "leads",
            expect=(Expect(("file_empty",)),), statuses=("refused", "empty")),
    BadFile("whitespace_only.csv", "Only spaces, tabs and line breaks.", lambda: b"   \r\n\t \n  \n", "leads",
            expect=(Expect(("file_empty",)),), statuses=("refused", "empty")),
    BadFile("header_only.csv", "A header row and no data rows.", lambda: lines_bytes(LEADS, newline="\r\n"), "leads",
            expect=(Expect(("file_header_only",)),), statuses=("refused", "empty")),
    BadFile("png_renamed.csv", "A PNG image renamed to .csv.", png_bytes, None,
            expect=(Expect(("file_not_text",)),)),
    BadFile("random_bytes.csv", "4 KB of random bytes (fixed seed).", random_bytes, None,
            expect=(Expect(),)),
    BadFile("zip_not_xlsx.xlsx", "A zip archive of text files named .xlsx.", zip_not_xlsx, None,
            expect=(Expect(("file_bad_xlsx",)),)),
    BadFile("truncated.xlsx", "A real leads workbook cut in half.", xlsx_truncated, "leads",
            expect=(Expect(("file_bad_xlsx",)),)),
    BadFile("empty_sheet.xlsx", "A valid workbook whose only sheet is empty.", xlsx_empty, "leads",
            expect=(Expect(("file_empty", "file_header_only")),), statuses=("refused", "empty")),
    BadFile("xlsx_named_csv.csv", "A real .xlsx named .csv (kind must come from content); row 3 has a negative expected_value.",
            xlsx_leads_negative, "leads",
            expect=(Expect(("negative",), 3, "expected_value", "-10"),),
            skip=Skip(1, 1, absent=(_absent("leads", lead_id="X102"),),
                      stored=(Stored("leads", {"lead_id": "X101"}, "created_at", dt.datetime(2026, 3, 1, 9, 30)),))),
    BadFile("bad_cells.xlsx", "Spend workbook: an Excel #VALUE! error cell and a negative cost.", xlsx_error_cells, "spend",
            expect=(Expect(("bad_number", "missing_value"), 3, "cost"), Expect(("negative",), 4, "cost", "-3")),
            skip=Skip(1, 2, stored=(Stored("spend", {"date": "2026-01-21", "campaign_id": "C100"}, "cost", 88.5),))),
    BadFile("wrong_table.csv", "Headers that match no table.", lambda: lines_bytes("colour,flavour,size", "red,sweet,L", "blue,sour,M"), None,
            expect=(Expect(("table_unknown",)),)),
    BadFile("html_renamed.csv", "An HTML page saved as .csv.",
            lambda: lines_bytes("<!DOCTYPE html>", "<html><head><title>Leads</title></head>",
                           "<body><table><tr><th>lead_id</th><th>created_at</th></tr>",
                           "<tr><td>H1</td><td>2026-03-01</td></tr></table></body></html>"), None,
            expect=(Expect(),)),
    BadFile("json_renamed.csv", "A JSON array of lead objects saved as .csv.",
            lambda: lines_bytes('[{"lead_id": "J1", "created_at": "2026-03-01", "channel_id": "baidu_search"},',
                           ' {"lead_id": "J2", "created_at": "2026-03-02", "channel_id": "douyin_video"}]'), None,
            expect=(Expect(),)),
    BadFile("bad_dates.csv", "Leads with unparseable created_at values ('yesterday', '32/13/2026').",
            lambda: lines_bytes(LEADS, "B101,2026-01-05 10:00,baidu_search", "B102,yesterday,baidu_search",
                           "B103,32/13/2026,baidu_search", "B104,2026-01-06,douyin_video"), "leads",
            expect=(Expect(("bad_date",), 3, "created_at", "yesterday"), Expect(("bad_date",), 4, "created_at", "32/13/2026")),
            skip=Skip(2, 2, absent=(_absent("leads", lead_id="B102"), _absent("leads", lead_id="B103")))),
    BadFile("impossible_dates.csv", "Dates that do not exist: 2026-02-30, 2026-13-01, 2026-04-31, 2025-02-29.",
            lambda: lines_bytes(LEADS, "I101,2026-02-28,baidu_search", "I102,2026-02-30,baidu_search",
                           "I103,2026-13-01,baidu_search", "I104,2026-04-31,baidu_search", "I105,2025-02-29,baidu_search"),
            "leads",
            expect=(Expect(("bad_date",), 3, "created_at", "2026-02-30"), Expect(("bad_date",), 4, "created_at", "2026-13-01"),
                    Expect(("bad_date",), 5, "created_at", "2026-04-31"), Expect(("bad_date",), 6, "created_at", "2025-02-29")),
            skip=Skip(1, 4, absent=(_absent("leads", lead_id="I103"),),
                      stored=(Stored("leads", {"lead_id": "I101"}, "created_at", dt.datetime(2026, 2, 28)),))),
    BadFile("future_year_9999.csv", "A lead created on 9999-12-31: refused with a report, or stored exactly (no overflow).",
            lambda: lines_bytes(LEADS, "Y101,9999-12-31,baidu_search"), "leads", outcome=EITHER,
            expect=(Expect(("date_out_of_range",), 2, "created_at", "9999-12-31"),),
            stored=(Stored("leads", {"lead_id": "Y101"}, "created_at", dt.datetime(9999, 12, 31)),)),
    BadFile("bad_numbers.csv", "Spend with unparseable numbers: '12,5O', 'N/A', '—', 'lots'.",
            lambda: csv_bytes([["date", "channel_id", "campaign_id", "cost", "impressions"],
                          ["2026-01-10", "baidu_search", "C100", "120.5", "1000"],
                          ["2026-01-11", "baidu_search", "C100", "12,5O", "900"],
                          ["2026-01-12", "baidu_search", "C100", "N/A", "800"],
                          ["2026-01-13", "baidu_search", "C100", "—", "700"],
                          ["2026-01-14", "baidu_search", "C100", "99", "lots"]]), "spend",
            expect=(Expect(("bad_number",), 3, "cost", "12,5O"), Expect(("bad_number", "missing_value"), 4, "cost"),
                    Expect(("bad_number", "missing_value"), 5, "cost"), Expect(("bad_number",), 6, "impressions", "lots")),
            skip=Skip(1, 4, stored=(Stored("spend", {"date": "2026-01-10", "campaign_id": "C100"}, "cost", 120.5),),
                      absent=(_absent("spend", date="2026-01-11"), _absent("spend", date="2026-01-14")))),
    BadFile("excel_errors.csv", "Excel error values exported as text in number columns: #VALUE!, #N/A, #DIV/0!.",
            lambda: lines_bytes("date,channel_id,campaign_id,cost,clicks", "2026-01-15,baidu_search,C100,10,1",
                           "2026-01-16,baidu_search,C100,#VALUE!,2", "2026-01-17,baidu_search,C100,#N/A,3",
                           "2026-01-18,baidu_search,C100,12,#DIV/0!"), "spend",
            expect=(Expect(("bad_number", "missing_value"), 3, "cost"), Expect(("bad_number", "missing_value"), 4, "cost"),
                    Expect(("bad_number",), 5, "clicks", "#DIV/0!")),
            skip=Skip(1, 3, absent=(_absent("spend", date="2026-01-18"),))),
    BadFile("negative_cost.csv", "Spend with a negative cost and negative clicks.",
            lambda: lines_bytes("date,channel_id,campaign_id,ad_id,cost,clicks", "2026-01-05,baidu_search,C100,AD1,50,3",
                           "2026-01-05,baidu_search,C100,AD2,-5,3", "2026-01-05,baidu_search,C100,AD3,7,-1"), "spend",
            expect=(Expect(("negative",), 3, "cost", "-5"), Expect(("negative",), 4, "clicks", "-1")),
            skip=Skip(1, 2, absent=(_absent("spend", ad_id="AD2"), _absent("spend", ad_id="AD3")))),
    BadFile("negative_amount.csv", "Orders with negative amounts.",
            lambda: lines_bytes("order_id,customer_id,order_date,amount", "O101,CU1,2026-02-01,300",
                           "O102,CU1,2026-02-02,-100", "O103,CU1,2026-02-03,-0.01"), "orders",
            expect=(Expect(("negative",), 3, "amount", "-100"), Expect(("negative",), 4, "amount", "-0.01")),
            skip=Skip(1, 2, absent=(_absent("orders", order_id="O102"),))),
    BadFile("stage_before_created.csv", "Leads whose mql_at / won_at is earlier than created_at.",
            lambda: lines_bytes("lead_id,created_at,channel_id,mql_at,won_at,deal_value",
                           "S101,2026-02-01 10:00,baidu_search,2026-02-03 09:00,,",
                           "S102,2026-02-10 10:00,baidu_search,2026-02-09 09:00,,",
                           "S103,2026-02-10,douyin_video,,2026-01-31,5000"), "leads",
            expect=(Expect(("stage_before_created",), 3, "mql_at", "2026-02-09 09:00"),
                    Expect(("stage_before_created",), 4, "won_at", "2026-01-31")),
            skip=Skip(1, 2, absent=(_absent("leads", lead_id="S102"), _absent("leads", lead_id="S103")),
                      stored=(Stored("leads", {"lead_id": "S101"}, "mql_at", dt.datetime(2026, 2, 3, 9, 0)),))),
    BadFile("nps_out_of_range.csv", "NPS answers scored 11 and -1 (allowed 0 to 10).",
            lambda: lines_bytes("response_id,date,score", "N101,2026-02-01,9", "N102,2026-02-01,11", "N103,2026-02-02,-1",
                           "N104,2026-02-02,10", "N105,2026-02-03,0"), "survey_responses",
            expect=(Expect(("out_of_range",), 3, "score", "11"), Expect(("negative", "out_of_range"), 4, "score", "-1")),
            skip=Skip(3, 2, absent=(_absent("survey_responses", response_id="N102"),),
                      stored=(Stored("survey_responses", {"response_id": "N105"}, "score", 0.0),))),
    BadFile("feedback_360_out_of_range.csv", "360 ratings with a score of 130 and a reviewer role 'boss'.",
            lambda: lines_bytes("period,person_id,reviewer_role,dimension,score", "2026-Q1,p_ann,manager,teamwork,85",
                           "2026-Q1,p_ann,peer,teamwork,130", "2026-Q1,p_ann,boss,teamwork,70"), "feedback_360",
            expect=(Expect(("out_of_range",), 3, "score", "130"), Expect(("bad_choice",), 4, "reviewer_role", "boss")),
            skip=Skip(1, 2, absent=(_absent("feedback_360", reviewer_role="peer"),))),
    BadFile("bad_choice.csv", "A channel kind that is not one of the allowed kinds ('tv').",
            lambda: lines_bytes("channel_id,name,kind", "tv_ads,TV,tv", "web,官网,organic"), "channels",
            expect=(Expect(("bad_choice",), 2, "kind", "tv"),),
            skip=Skip(1, 1, absent=(_absent("channels", channel_id="tv_ads"),))),
    BadFile("churn_before_acquired.csv", "Customers whose churned_at is earlier than acquired_at.",
            lambda: lines_bytes("customer_id,acquired_at,channel_id,churned_at", "CU101,2026-02-01,baidu_search,2026-05-01",
                           "CU102,2026-02-10,baidu_search,2026-01-05"), "customers",
            expect=(Expect(row=3, column="churned_at", value="2026-01-05"),),
            skip=Skip(1, 1, absent=(_absent("customers", customer_id="CU102"),))),
    BadFile("metric_values_bad_grain.csv", "Manual metric values with an unknown grain ('fortnight') and a text value.",
            lambda: lines_bytes("metric_id,period_start,grain,value", "event_satisfaction,2026-02-01,month,4.2",
                           "event_satisfaction,2026-02-15,fortnight,4.0", "booth_visits,2026-02-01,month,many"),
            "metric_values",
            expect=(Expect(("bad_choice",), 3, "grain", "fortnight"), Expect(("bad_number",), 4, "value", "many")),
            skip=Skip(1, 2, absent=(_absent("metric_values", metric_id="booth_visits"),),
                      stored=(Stored("metric_values", {"metric_id": "event_satisfaction", "period_start": "2026-02-01"},
                                     "scope_type", "team"),))),
    BadFile("touches_bad_rows.csv", "Touches with a time that is not a date (row 3) and a blank lead (row 4).",
            lambda: lines_bytes("lead_id,touched_at,channel_id,campaign_id", "T101,2026-03-01 10:00,baidu_search,",
                                "T102,yesterday,douyin_video,", ",2026-03-02 09:30,baidu_search,"),
            "touches",
            expect=(Expect(("bad_date",), 3, "touched_at", "yesterday"), Expect(("missing_value",), 4, "lead_id")),
            skip=Skip(1, 2, absent=(_absent("touches", lead_id="T102"),),
                      stored=(Stored("touches", {"lead_id": "T101"}, "channel_id", "baidu_search"),))),
    BadFile("duplicate_keys.csv", "The same lead_id twice in one file (the first is kept).",
            lambda: lines_bytes(LEADS, "D101,2026-03-01,baidu_search", "D102,2026-03-01,baidu_search", "D101,2026-03-02,douyin_video"),
            "leads",
            expect=(Expect(("duplicate_key",), 4, "lead_id", "D101"),),
            skip=Skip(2, 1, stored=(Stored("leads", {"lead_id": "D101"}, "channel_id", "baidu_search"),))),
    BadFile("missing_key_column.csv", "A leads file without its key column lead_id.",
            lambda: lines_bytes("created_at,channel_id", "2026-03-01,baidu_search"), "leads",
            expect=(Expect(("missing_column",), column="lead_id"),)),
    BadFile("missing_key_partial.csv", "Won dates and channels with no lead_id column (and no created_at): nothing to match on.",
            lambda: lines_bytes("channel_id,won_at", "baidu_search,2026-03-01"), "leads",
            expect=(Expect(("missing_column",), column="lead_id"),)),
    BadFile("missing_required_column.csv", "New leads without the required created_at column (not a partial update: keys unknown).",
            lambda: lines_bytes("lead_id,channel_id", "M101,baidu_search", "M102,douyin_video"), "leads",
            expect=(Expect(("missing_column", "unknown_key")),), statuses=("refused", "empty")),
    BadFile("unknown_key_partial.csv", "A partial update (won_at, deal_value) of one existing lead and one unknown lead.",
            lambda: lines_bytes("lead_id,won_at,deal_value", "L0001,2026-02-20,8000", "L9999,2026-02-21,500"), "leads",
            expect=(Expect(("unknown_key",), 3, "lead_id", "L9999"),),
            skip=Skip(0, 1, updated=1, absent=(_absent("leads", lead_id="L9999"),),
                      stored=(Stored("leads", {"lead_id": "L0001"}, "deal_value", 8000.0),
                              Stored("leads", {"lead_id": "L0001"}, "won_at", dt.datetime(2026, 2, 20)),
                              Stored("leads", {"lead_id": "L0001"}, "channel_id", "baidu_search"),
                              Stored("leads", {"lead_id": "L0001"}, "owner_id", "p_ann")))),
    BadFile("blank_required_cells.csv", "Blank and whitespace-only required cells; a blank channel (warning, becomes unattributed).",
            lambda: lines_bytes("lead_id,created_at,channel_id,owner_id", "E101,2026-03-01,baidu_search,p_ann",
                           "E102,,baidu_search,p_ann", ",2026-03-02,baidu_search,", "E104,2026-03-03,,",
                           "E105,   ,baidu_search,"), "leads",
            expect=(Expect(("missing_value",), 3, "created_at"), Expect(("missing_value",), 4, "lead_id"),
                    Expect(("missing_value",), 6, "created_at"), Expect(("channel_blank",), 5, "channel_id", severity="warning")),
            skip=Skip(2, 3, absent=(_absent("leads", lead_id="E102"), _absent("leads", lead_id="E105")),
                      stored=(Stored("leads", {"lead_id": "E104"}, "channel_id", "unattributed"),))),
    BadFile("ragged_too_many.csv", "Row 3 has five fields under a three-column header.",
            lambda: lines_bytes(LEADS, "R101,2026-03-01,baidu_search", "R102,2026-03-01,baidu_search,extra,more",
                           "R103,2026-03-02,douyin_video"), "leads",
            expect=(Expect(("file_bad_row",), 3, value_contains="R102"),),
            skip=Skip(2, 1, absent=(_absent("leads", lead_id="R102"),))),
    BadFile("ragged_too_few.csv", "Row 3 has two fields under a three-column header.",
            lambda: lines_bytes(LEADS, "R201,2026-03-01,baidu_search", "R202,2026-03-01", "R203,2026-03-02,douyin_video"), "leads",
            expect=(Expect(("file_bad_row",), 3, value_contains="R202"),),
            skip=Skip(2, 1, absent=(_absent("leads", lead_id="R202"),))),
    BadFile("unterminated_quote.csv", "A quote opened on row 3 and never closed.",
            lambda: lines_bytes(LEADS, "Q101,2026-03-01,baidu_search", 'Q102,"2026-03-02,baidu_search', "Q103,2026-03-03,baidu_search"),
            "leads", expect=(Expect(row=3),), skip=Skip(1, 1, absent=(_absent("leads", lead_id="Q102"),))),
    BadFile("mixed_encoding.csv", "A UTF-8 file with one GBK-encoded line (row 3).", mixed_encoding_bytes, "people",
            outcome=EITHER, expect=(Expect(severity="any"),)),
    BadFile("utf16_bom.csv", "UTF-16 with BOM, tab-delimited, Chinese headers (Excel 'Unicode text'): must load.",
            lambda: utf16_bytes(True), "leads", outcome=LOADS,
            stored=(Stored("leads", {"lead_id": "U101"}, "created_at", dt.datetime(2026, 3, 5, 10, 0)),
                    Stored("leads", {"lead_id": "U102"}, "channel_id", "baidu_search"))),
    BadFile("utf16_no_bom.csv", "UTF-16-LE without a BOM: loaded correctly or refused, never garbage.",
            lambda: utf16_bytes(False), "leads", outcome=EITHER, expect=(Expect(),),
            stored=(Stored("leads", {"lead_id": "U101"}, "created_at", dt.datetime(2026, 3, 5, 10, 0)),
                    Stored("leads", {"lead_id": "U102"}, "channel_id", "baidu_search"))),
    BadFile("nul_bytes.csv", "NUL bytes inside a cell: reported; a NUL is never stored.",
            lambda: b"lead_id,created_at,channel_id\nZ101,2026-03-01,baidu\x00_search\nZ102,2026-03-01,baidu_search\n", "leads",
            outcome=EITHER, expect=(Expect(severity="any"),)),
    BadFile("long_cell.csv", "A person whose name is 1,000,000 characters long: stored exactly or refused.", long_cell_bytes,
            "people", outcome=EITHER, expect=(Expect(row=2, column="name"),),
            stored=(Stored("people", {"person_id": "P_LONG"}, "name", "长" * 1000 + "x" * 999_000),), big=True),
    BadFile("wide_10000_columns.csv", "A 10,000-column header (3 known columns) and a bad date on row 3.", wide_bytes, "leads",
            expect=(Expect(("bad_date",), 3, "created_at", "not-a-date"),),
            skip=Skip(1, 1, absent=(_absent("leads", lead_id="W102"),)), big=True),
    BadFile("formula_cells.csv", "Formula-looking campaign names: stored as plain text, reported as warnings.",
            lambda: csv_bytes([["campaign_id", "name", "channel_id", "kind"],
                          ["F101", '=HYPERLINK("http://x","click")', "baidu_search", "online"],
                          ["F102", "+cmd|' /C calc'!A0", "baidu_search", "online"],
                          ["F103", "@SUM(1)", "baidu_search", "online"],
                          ["F104", "-2+3", "baidu_search", "online"],
                          ["F105", "Spring sale", "baidu_search", "online"]]), "campaigns", outcome=LOADS,
            expect=(Expect(("formula_text",), 2, "name", '=HYPERLINK("http://x","click")', severity="warning"),
                    Expect(("formula_text",), 3, "name", "+cmd|' /C calc'!A0", severity="warning"),
                    Expect(("formula_text",), 4, "name", "@SUM(1)", severity="warning"),
                    Expect(("formula_text",), 5, "name", "-2+3", severity="warning")),
            stored=(Stored("campaigns", {"campaign_id": "F101"}, "name", '=HYPERLINK("http://x","click")'),
                    Stored("campaigns", {"campaign_id": "F102"}, "name", "+cmd|' /C calc'!A0"),
                    Stored("campaigns", {"campaign_id": "F103"}, "name", "@SUM(1)"),
                    Stored("campaigns", {"campaign_id": "F104"}, "name", "-2+3"),
                    Stored("campaigns", {"campaign_id": "F105"}, "name", "Spring sale"))),
    BadFile("currency_strings.csv", "Costs written as ¥1,200.50, 1.2万, ￥300, $45.5, 2,500元: must load as numbers.",
            lambda: csv_bytes([["date", "channel_id", "campaign_id", "cost"],
                          ["2026-02-01", "baidu_search", "C100", "¥1,200.50"],
                          ["2026-02-02", "baidu_search", "C100", "1.2万"],
                          ["2026-02-03", "baidu_search", "C100", "￥300"],
                          ["2026-02-04", "baidu_search", "C100", "$45.5"],
                          ["2026-02-05", "baidu_search", "C100", "2,500元"]]), "spend", outcome=LOADS,
            stored=tuple(Stored("spend", {"date": d, "campaign_id": "C100"}, "cost", v) for d, v in
                         [("2026-02-01", 1200.5), ("2026-02-02", 12000.0), ("2026-02-03", 300.0),
                          ("2026-02-04", 45.5), ("2026-02-05", 2500.0)])),
    BadFile("semicolon_decimal_comma.csv", "Semicolon-delimited with a decimal comma (1234,56): 1234.56 or refused, never 123456.",
            lambda: lines_bytes("date;channel_id;campaign_id;cost", "2026-01-20;baidu_search;C100;1234,56"), "spend", outcome=EITHER,
            expect=(Expect(("bad_number",), 2, "cost", "1234,56"),),
            stored=(Stored("spend", {"date": "2026-01-20", "campaign_id": "C100"}, "cost", 1234.56),)),
    BadFile("only_delimiters.csv", "A header and five lines of nothing but commas.",
            lambda: lines_bytes(LEADS, *[",,"] * 5), "leads",
            expect=(Expect(("file_header_only", "file_empty")),), statuses=("refused", "empty")),
    BadFile("delimiter_rows_between.csv", "Comma-only lines between rows: row numbers still match the spreadsheet (error on row 5).",
            lambda: lines_bytes(LEADS, "K101,2026-03-01,baidu_search", ",,", ",,", "K105,not-a-date,baidu_search"), "leads",
            expect=(Expect(("bad_date",), 5, "created_at", "not-a-date"),),
            skip=Skip(1, 1, absent=(_absent("leads", lead_id="K105"),))),
    BadFile("blank_lines_200.csv", "200 blank lines.", lambda: b"\n" * 200, "leads",
            expect=(Expect(("file_empty",)),), statuses=("refused", "empty")),
    BadFile("duplicate_header.csv", "Two columns named channel_id (warning; the first one is used).",
            lambda: lines_bytes("lead_id,created_at,channel_id,channel_id", "H101,2026-03-01,baidu_search,douyin_video"), "leads",
            outcome=LOADS, expect=(Expect(("file_duplicate_header",), severity="warning"),),
            stored=(Stored("leads", {"lead_id": "H101"}, "channel_id", "baidu_search"),)),
]


# Issue 17: non-finite and huge numbers, length limits, dates out of range, unused columns, names that collide
# with ids once resolved, workbooks with several sheets, formulas without a saved result, merged cells.
CORPUS += [
    BadFile("number_not_finite.csv", "Costs of 1e309 (infinity when parsed) and 1e300 (beyond any real spend).",
            lambda: lines_bytes("date,channel_id,campaign_id,cost", "2026-01-10,baidu_search,C100,12",
                           "2026-01-11,baidu_search,C100,1e309", "2026-01-12,baidu_search,C100,1e300"), "spend",
            expect=(Expect(("too_large",), 3, "cost", "1e309"), Expect(("too_large",), 4, "cost", "1e300")),
            skip=Skip(1, 2, absent=(_absent("spend", date="2026-01-11"), _absent("spend", date="2026-01-12")))),
    BadFile("id_too_long.csv", "A 250-character lead_id and a 300-character channel_id.",
            lambda: lines_bytes(LEADS, "T101,2026-03-01,baidu_search", "T" * 250 + ",2026-03-01,baidu_search",
                           "T103,2026-03-01," + "c" * 300), "leads",
            expect=(Expect(("too_long",), 3, "lead_id"), Expect(("too_long",), 4, "channel_id")),
            skip=Skip(1, 2, absent=(_absent("leads", lead_id="T103"),))),
    BadFile("huge_id_value.csv", "A 20 MB value in the lead_id column: refused with the length limit, no channel or lead made.",
            huge_id_bytes, "leads", expect=(Expect(("too_long",), 2, "lead_id"),),
            skip=Skip(1, 1), big=True),
    BadFile("dates_out_of_range.csv", "Real dates outside the allowed years: 1800-01-01 and 2300-05-01.",
            lambda: lines_bytes(LEADS, "Y201,2026-03-01,baidu_search", "Y202,1800-01-01,baidu_search",
                           "Y203,2300-05-01,baidu_search"), "leads",
            expect=(Expect(("date_out_of_range",), 3, "created_at", "1800-01-01"),
                    Expect(("date_out_of_range",), 4, "created_at", "2300-05-01")),
            skip=Skip(1, 2, absent=(_absent("leads", lead_id="Y202"),))),
    BadFile("unused_columns.csv", "Twelve columns nobody maps next to the three a lead needs: loaded, the twelve reported.",
            lambda: lines_bytes(LEADS + "," + ",".join(f"extra_{i}" for i in range(12)),
                           "X201,2026-03-01,baidu_search," + ",".join("v" for _ in range(12))), "leads", outcome=LOADS,
            expect=(Expect(("unused_columns",), value_contains="extra_0, extra_1", severity="warning"),),
            stored=(Stored("leads", {"lead_id": "X201"}, "channel_id", "baidu_search"),)),
    BadFile("channel_name_and_id.csv", "One day's spend given for channel baidu_search and for its name 百度搜索 (the same key).",
            lambda: lines_bytes("date,channel_id,campaign_id,cost", "2026-01-20,baidu_search,C100,10",
                           "2026-01-20,百度搜索,C100,20", "2026-01-21,百度搜索,C100,30"), "spend",
            expect=(Expect(("duplicate_key_resolved",), 3),),
            skip=Skip(2, 1, stored=(Stored("spend", {"date": "2026-01-20", "campaign_id": "C100"}, "cost", 10.0),
                                    Stored("spend", {"date": "2026-01-21", "campaign_id": "C100"}, "channel_id",
                                           "baidu_search")))),
    BadFile("sheets_ask.xlsx", "Two sheets that both look like data (leads and spend): nothing read, the user asked.",
            lambda: xlsx_bytes(XL_LEADS, title="Leads", more={"Spend": [["date", "channel_id", "campaign_id", "cost"],
                                                                          ["2026-03-01", "baidu_search", "C100", 5]]}),
            "leads", expect=(Expect(("file_sheet_choice",)),)),
    BadFile("sheets_pick.xlsx", "A notes sheet first, the leads on the second: the leads sheet is read, with a warning.",
            lambda: xlsx_bytes(NOTES, title="Notes", more={"Leads": XL_LEADS}), "leads", outcome=LOADS,
            expect=(Expect(("file_sheet_picked",), value="Leads", severity="warning"),),
            stored=(Stored("leads", {"lead_id": "XS2"}, "channel_id", "douyin_video"),)),
    BadFile("formula_no_value.xlsx", "A formula cell never calculated (no saved result) on row 3.",
            lambda: xlsx_bytes([["lead_id", "created_at", "channel_id", "expected_value"],
                                ["XF1", "2026-03-01", "baidu_search", 10], ["XF2", "2026-03-01", "baidu_search", "=B2*2"]]),
            "leads", expect=(Expect(("file_formula_no_value",), 3, "expected_value", "=B2*2"),),
            skip=Skip(1, 1, absent=(_absent("leads", lead_id="XF2"),))),
    BadFile("merged_cells.xlsx", "The channel merged over two data rows (C2:C3): refused, the range named.",
            lambda: xlsx_bytes([["lead_id", "created_at", "channel_id"], ["XM1", "2026-03-01", "baidu_search"],
                                ["XM2", "2026-03-02", None]], merge="C2:C3"), "leads",
            expect=(Expect(("file_merged_cells",), value="C2:C3"),)),
]




def committed() -> list[BadFile]:
    return [c for c in CORPUS if not c.big]


def write(directory: Path, cases: list[BadFile]) -> dict[str, Path]:
    """Write the files of ``cases`` into ``directory``; returns name -> path."""
    directory.mkdir(parents=True, exist_ok=True)
    paths = {}
    for case in cases:
        path = directory / case.name
        path.write_bytes(case.make())
        paths[case.name] = path
    return paths


def manifest() -> str:
    lines = [
        "# Malformed upload corpus",
        "",
        "Generated by `python tests/make_bad_corpus.py` (do not edit by hand); checked by",
        "`tests/test_ingest_bad_corpus.py`. Files marked *generated* are written at test time, not committed.",
        "",
        "Outcomes: *refused* = nothing written, every table as before (status refused, or empty for files with no rows);",
        "*loads* = only warnings, stored exactly as written; *either* = refused with the named issue, or stored exactly",
        "(never garbage). Every report names row, column, value and a reason in English and Chinese.",
        "",
        "| file | table | on_error=abort | on_error=skip | description |",
        "|---|---|---|---|---|",
    ]
    for c in CORPUS:
        name = f"{c.name} *(generated)*" if c.big else c.name
        if c.skip is not None:
            skip = f"{c.skip.inserted} inserted, {c.skip.updated} updated, {c.skip.rejected} rejected"
        else:
            skip = "refused" if c.outcome == REFUSED else "as abort"
        lines.append(f"| {name} | {c.table or '(detect)'} | {c.outcome} | {skip} | {c.description} |")
    return "\n".join(lines) + "\n"


def main() -> int:
    names = {c.name for c in CORPUS}
    assert len(names) == len(CORPUS), "duplicate corpus names"
    for stale in BAD_DIR.glob("*"):
        if stale.name != "MANIFEST.md" and stale.name not in names:
            stale.unlink()
    write(BAD_DIR, committed())
    (BAD_DIR / "MANIFEST.md").write_text(manifest(), encoding="utf-8")
    print(f"wrote {len(committed())} files and MANIFEST.md to {BAD_DIR} ({len(CORPUS)} cases in all)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
