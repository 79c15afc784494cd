"""ingest strings (en, zh): every issue code's reason and fix, load summaries, undo messages. Keys start with ``ingest_``.

Issue templates get: row, column (canonical, with the file's header in
parentheses when different), canonical, source, value, range (" ≥ 0"),
choices, missing, other / other_value (the date a stage date is compared
with), channel, detail.
"""

from __future__ import annotations

from kpi_engine.i18n.ingest_limits import ISSUES as LIMIT_ISSUES
from kpi_engine.i18n.ingest_limits import STRINGS as LIMIT_STRINGS
from kpi_engine.i18n.ingest_page import STRINGS as PAGE_STRINGS

# code -> (reason en, reason zh, fix en, fix zh)
_ISSUES: dict[str, tuple[str, str, str, str]] = {
    "missing_value": (
        "{column} is required but empty (row {row}).",
        "{column} 是必填项，但这一格是空的（第 {row} 行）。",
        "Fill in {canonical} in the file, or give one value for the whole file (--set {canonical}=VALUE).",
        "在文件中填写 {canonical}，或为整个文件指定一个值（--set {canonical}=值）。",
    ),
    "bad_date": (
        "{column} must be a date (row {row}: '{value}').",
        "{column} 必须是日期（第 {row} 行：'{value}'）。",
        "Write dates like 2026-10-01 or 2026-10-01 09:30 (2026/10/1 and 2026年10月1日 work too) and check the date exists.",
        "请写成 2026-10-01 或 2026-10-01 09:30 这样的日期（2026/10/1、2026年10月1日 也可以），并确认该日期真实存在。",
    ),
    "bad_date_order": (
        "{column} '{value}' is not a valid date read as {order} (row {row}).",
        "按{order}读取时，{column} 的值“{value}”不是有效日期（第 {row} 行）。",
        "Correct the value; if this file writes dates in another order, choose that order "
        "(--date-order dmy, mdy or ymd; on the Data page, under the date order).",
        "请更正该值；如果文件中的日期是另一种顺序，请选择那种顺序"
        "（--date-order dmy、mdy 或 ymd；在数据页面的“日期顺序”中选择）。",
    ),
    "date_order_needed": (
        "{column} has dates that read both day-first and month-first, giving different dates (e.g. {value}); "
        "the order is not guessed.",
        "{column} 中的日期既可以按“日/月/年”也可以按“月/日/年”读取，且结果不同（例如 {value}）；系统不会猜测顺序。",
        "Choose the date order: rerun with --date-order dmy or --date-order mdy (on the Data page, pick it under "
        "the column). The choice is saved with the mapping.",
        "请选择日期顺序：使用 --date-order dmy 或 --date-order mdy 重新运行（在数据页面，于该列下方选择）。"
        "该选择会随列映射一起保存。",
    ),
    "bad_number": (
        "{column} must be a number{range} (row {row}: '{value}').",
        "{column} 必须是{range}数字（第 {row} 行：'{value}'）。",
        "Use digits with an optional decimal point, e.g. 1234.5; 1,234.5, ¥ / 元 and 万 are understood, a decimal comma (12,5) is not.",
        "请只写数字和小数点，例如 1234.5；可以带千分位（1,234.5）、¥ / 元 和“万”，但不能用逗号作小数点（12,5）。",
    ),
    "negative": (
        "{column} must be a number{range} (row {row}: '{value}').",
        "{column} 必须是{range}数字（第 {row} 行：'{value}'）。",
        "Correct the value: {canonical} can't be below {min}. Record refunds or corrections in a separate way.",
        "请更正该值：{canonical} 不能小于 {min}。退款或冲减请另行记录。",
    ),
    "out_of_range": (
        "{column} must be a number{range} (row {row}: '{value}').",
        "{column} 必须是{range}数字（第 {row} 行：'{value}'）。",
        "Correct the value so that it lies{range}.",
        "请把该值改为{range}数字。",
    ),
    "bad_choice": (
        "{column} must be one of: {choices} (row {row}: '{value}').",
        "{column} 必须是以下之一：{choices}（第 {row} 行：'{value}'）。",
        "Use one of the allowed values: {choices}.",
        "请使用允许的取值之一：{choices}。",
    ),
    "stage_before_created": (
        "{column} ({value}) is earlier than {other} ({other_value}) (row {row}).",
        "{column}（{value}）早于 {other}（{other_value}）（第 {row} 行）。",
        "Check both dates: {canonical} can't be before {other}.",
        "请核对这两个日期：{canonical} 不能早于 {other}。",
    ),
    "duplicate_key": (
        "Row {row} repeats the key {column} '{value}' of row {detail}; the first row is kept.",
        "第 {row} 行与第 {detail} 行的主键 {column} 相同（'{value}'）；保留第一行。",
        "Remove the duplicate row, or give it its own key.",
        "请删除重复的行，或给它一个不同的编号。",
    ),
    "unknown_key": (
        "{column} '{value}' is not in the database yet, and the file lacks the columns needed to create it: {missing} (row {row}).",
        "{column} '{value}' 在数据库中不存在，而文件缺少新建它所需的列：{missing}（第 {row} 行）。",
        "Upload the full records first, or add the columns {missing} to this file.",
        "请先上传完整记录，或在此文件中补充这些列：{missing}。",
    ),
    "formula_text": (
        "{column} looks like a spreadsheet formula; it is stored as plain text and never evaluated (row {row}: '{value}').",
        "{column} 看起来像电子表格公式；它将作为普通文本保存，不会被执行（第 {row} 行：'{value}'）。",
        "Nothing to do if the text is right; otherwise correct it in the file.",
        "如果文本本身无误则无需处理；否则请在文件中更正。",
    ),
    "channel_blank": (
        "The channel is blank; the row is counted under the channel '{channel}' (row {row}).",
        "渠道为空；该行计入渠道“{channel}”（第 {row} 行）。",
        "Fill in the channel if you know it, or give one channel for the whole file (--set channel_id=VALUE).",
        "如果知道渠道请填写，或为整个文件指定一个渠道（--set channel_id=值）。",
    ),
    "channel_missing": (
        "The file has no channel column; new rows are counted under the channel '{channel}'.",
        "文件没有渠道列；新增的行计入渠道“{channel}”。",
        "Map the channel column (--map channel_id=HEADER) or give one channel for the whole file (--set channel_id=VALUE).",
        "请映射渠道列（--map channel_id=表头），或为整个文件指定一个渠道（--set channel_id=值）。",
    ),
    "stage_without_date": (
        "Stage '{value}' means won or lost, but there is no close date, so won_at / lost_at is not set (row {row}).",
        "阶段“{value}”表示赢单或输单，但没有关闭日期，因此未设置 won_at / lost_at（第 {row} 行）。",
        "Add the close date (map a column to close_date), or give won_at / lost_at directly.",
        "请补充关闭日期（把某列映射为 close_date），或直接提供 won_at / lost_at。",
    ),
    "bad_text": (
        "{column} contains a NUL control character, which can't be stored (row {row}: '{value}').",
        "{column} 含有 NUL 控制字符，无法保存（第 {row} 行：'{value}'）。",
        "Export the file again, or remove the control characters from that cell.",
        "请重新导出文件，或删除该单元格中的控制字符。",
    ),
    "table_unknown": (
        "Could not tell which table this file fills (headers: {detail}).",
        "无法判断此文件对应哪张数据表（表头：{detail}）。",
        "Choose the table (--table leads, spend, ...), or rename the headers to the column names.",
        "请指定数据表（--table leads、spend 等），或把表头改成标准列名。",
    ),
    "missing_column": (
        "The file has no column for {column}, which is required.",
        "文件中没有必填列 {column}。",
        "Map a column to it (--map {canonical}=HEADER) or give one value for the whole file (--set {canonical}=VALUE).",
        "请把某一列映射到它（--map {canonical}=表头），或为整个文件指定一个值（--set {canonical}=值）。",
    ),
    "file_empty": (
        "The file is empty: there is nothing to read.",
        "文件是空的，没有可读取的内容。",
        "Choose the exported file again; make sure the export contains data.",
        "请重新选择导出的文件，并确认导出内容不为空。",
    ),
    "file_header_only": (
        "The file has a header row but no data rows.",
        "文件只有表头，没有数据行。",
        "Export again with the data rows included (check the date range and filters of the export).",
        "请重新导出并包含数据行（检查导出的日期范围和筛选条件）。",
    ),
    "file_not_text": (
        "This is not a readable CSV or Excel file.",
        "这不是可读取的 CSV 或 Excel 文件。",
        "Export the data as CSV (UTF-8) or as an .xlsx workbook and upload that file.",
        "请把数据导出为 CSV（UTF-8）或 .xlsx 工作簿后再上传。",
    ),
    "file_bad_xlsx": (
        "The Excel workbook can't be opened (damaged, password-protected or an old .xls file).",
        "无法打开该 Excel 工作簿（文件损坏、有密码保护或是旧的 .xls 格式）。",
        "Open it in Excel, remove any password, save it as .xlsx (or CSV) and upload it again.",
        "请在 Excel 中打开，去掉密码，另存为 .xlsx（或 CSV）后重新上传。",
    ),
    "file_bad_row": (
        "Row {row} has a different number of fields than the header and is skipped: '{value}'.",
        "第 {row} 行的字段数与表头不一致，已跳过：'{value}'。",
        "Check that row for a missing or extra delimiter, or a quote that is never closed.",
        "请检查该行是否缺少或多出分隔符，或有未闭合的引号。",
    ),
    "file_duplicate_header": (
        "The header '{source}' appears more than once; the repeat is named '{value}' and is not used unless you map it.",
        "表头“{source}”出现了多次；重复的列被命名为“{value}”，除非手动映射，否则不会使用。",
        "Rename or delete the repeated column, or map the one you want.",
        "请重命名或删除重复的列，或手动映射需要的那一列。",
    ),
    "file_blank_header": (
        "Column {value} has values but no header; it is ignored.",
        "第 {value} 列有数据但没有表头，已忽略。",
        "Give that column a header in the file if its values matter.",
        "如果该列数据有用，请在文件中为它加上表头。",
    ),
    "file_encoding_guess": (
        "The file's text encoding was not recognised; it was read as {value}, so some characters may be wrong.",
        "无法识别文件的文本编码；已按 {value} 读取，部分字符可能有误。",
        "Save the file as CSV UTF-8 (Excel: Save As > CSV UTF-8) and upload it again.",
        "请把文件另存为 CSV UTF-8（Excel：另存为 > CSV UTF-8）后重新上传。",
    ),
    "generic": (
        "Problem '{code}' in {column} (row {row}: '{value}') {detail}",
        "问题“{code}”：{column}（第 {row} 行：'{value}'）{detail}",
        "Correct the file and upload it again.",
        "请更正文件后重新上传。",
    ),
}

_ISSUES.update(LIMIT_ISSUES)  # limits, workbooks (issue 17)
ISSUE_CODES = tuple(c for c in _ISSUES if c != "generic")

STRINGS: dict[str, dict[str, str]] = {}
for _code, (_en, _zh, _fix_en, _fix_zh) in _ISSUES.items():
    STRINGS[f"ingest_issue_{_code}"] = {"en": _en, "zh": _zh}
    STRINGS[f"ingest_fix_{_code}"] = {"en": _fix_en, "zh": _fix_zh}

STRINGS.update({
    "ingest_range_min": {"en": " ≥ {min}", "zh": "不小于 {min} 的"},
    "ingest_range_max": {"en": " ≤ {max}", "zh": "不大于 {max} 的"},
    "ingest_range_between": {"en": " from {min} to {max}", "zh": "{min} 到 {max} 之间的"},
    "ingest_unattributed_name": {"en": "Unattributed", "zh": "未归因"},
    "ingest_severity_error": {"en": "error", "zh": "错误"},
    "ingest_severity_warning": {"en": "warning", "zh": "警告"},
    "ingest_col_severity": {"en": "Severity", "zh": "级别"},
    "ingest_col_row": {"en": "Row", "zh": "行号"},
    "ingest_col_column": {"en": "Column", "zh": "列"},
    "ingest_col_source": {"en": "Header in file", "zh": "文件表头"},
    "ingest_col_value": {"en": "Value", "zh": "值"},
    "ingest_col_reason": {"en": "Reason", "zh": "原因"},
    "ingest_col_fix": {"en": "How to fix", "zh": "修改方法"},
    "ingest_col_code": {"en": "Code", "zh": "代码"},
    # load summary (CLI and page)
    "ingest_status_loaded": {"en": "Loaded upload #{upload_id} into {table}.", "zh": "已导入上传 #{upload_id}（数据表 {table}）。"},
    "ingest_status_refused": {"en": "Nothing was loaded: the upload was refused.", "zh": "未导入任何数据：上传被拒绝。"},
    "ingest_status_empty": {"en": "Nothing was loaded: there are no valid rows.", "zh": "未导入任何数据：没有有效的行。"},
    "ingest_status_dry_run": {"en": "Dry run: checked only, nothing was written.", "zh": "试运行：只做了检查，没有写入数据。"},
    "ingest_summary_counts": {
        "en": "rows read {rows_read} · inserted {inserted} · updated {updated} · rejected {rejected} · warnings {warnings}",
        "zh": "读取 {rows_read} 行 · 新增 {inserted} · 更新 {updated} · 拒绝 {rejected} · 警告 {warnings}",
    },
    "ingest_summary_table": {"en": "Table: {table}", "zh": "数据表：{table}"},
    "ingest_summary_created": {"en": "Created {kind} (marked for review): {names}", "zh": "新建 {kind}（待复核）：{names}"},
    "ingest_summary_errors": {"en": "Rejected rows (first {shown} of {total} problems):", "zh": "被拒绝的行（共 {total} 个问题，显示前 {shown} 个）："},
    "ingest_summary_warnings": {"en": "Warnings (first {shown} of {total}):", "zh": "警告（共 {total} 条，显示前 {shown} 条）："},
    "ingest_hint_skip": {
        "en": "Fix the file, or load the valid rows and skip the bad ones with --on-error skip.",
        "zh": "请修正文件，或使用 --on-error skip 只导入有效行、跳过有问题的行。",
    },
    "ingest_kind_people": {"en": "people", "zh": "人员"},
    "ingest_kind_channels": {"en": "channels", "zh": "渠道"},
    "ingest_usage_pair": {
        "en": "expected CANONICAL=VALUE, got '{value}'", "zh": "格式应为 标准列名=值，实际为“{value}”",
    },
    "ingest_usage_no_file": {"en": "file not found: {path}", "zh": "找不到文件：{path}"},
    "ingest_usage_unknown_column": {
        "en": "unknown column '{column}' for table {table}; known columns: {known}",
        "zh": "数据表 {table} 没有列“{column}”；可用的列：{known}",
    },
    # undo
    "ingest_undo_done": {
        "en": "Undid upload #{upload_id}: {deleted} inserted rows deleted, {restored} replaced rows restored.",
        "zh": "已撤销上传 #{upload_id}：删除新增的 {deleted} 行，恢复被替换的 {restored} 行。",
    },
    "ingest_undo_unknown": {"en": "There is no upload #{upload_id}.", "zh": "不存在上传 #{upload_id}。"},
    "ingest_undo_already": {"en": "Upload #{upload_id} was already undone.", "zh": "上传 #{upload_id} 已经撤销过了。"},
    "ingest_undo_blocked": {
        "en": "Can't undo upload #{upload_id}: later uploads {later} changed the same rows. Undo those first.",
        "zh": "无法撤销上传 #{upload_id}：之后的上传 {later} 修改了相同的行。请先撤销它们。",
    },
    "ingest_uploads_none": {"en": "No uploads yet.", "zh": "还没有上传记录。"},
    # date order (issue 10.3)
    "ingest_date_order_dmy": {"en": "day/month/year", "zh": "日/月/年"},
    "ingest_date_order_mdy": {"en": "month/day/year", "zh": "月/日/年"},
    "ingest_date_order_ymd": {"en": "year/month/day", "zh": "年/月/日"},
    "ingest_date_not_a_date": {"en": "not a date", "zh": "不是日期"},
    "ingest_date_ambiguous": {
        "en": "Ambiguous dates in {column}: {readings}",
        "zh": "{column} 中的日期有歧义：{readings}",
    },
    "ingest_date_reading": {"en": "{value} → {order}: {dates}", "zh": "{value} → {order}：{dates}"},
    "ingest_hint_date_order": {
        "en": "The date order can't be guessed: rerun with --date-order dmy or --date-order mdy.",
        "zh": "无法猜测日期顺序：请使用 --date-order dmy 或 --date-order mdy 重新运行。",
    },
    "ingest_date_order_used": {"en": "Numeric dates read as {order}.", "zh": "数字日期按{order}读取。"},
    # changes to existing leads' history (issue 10.4)
    "ingest_stage_compare": {"en": "Comparing with the stored leads…", "zh": "正在与已有线索比对…"},
    "ingest_status_unconfirmed": {
        "en": "Nothing was loaded: this upload would change the history of existing leads (listed below).",
        "zh": "未导入任何数据：此次上传会改变已有线索的历史记录（见下方列表）。",
    },
    "ingest_hist_title": {
        "en": "Changes to existing leads ({total} leads):", "zh": "对已有线索的修改（共 {total} 条线索）：",
    },
    "ingest_hist_applied": {
        "en": "Changes applied to existing leads ({total} leads):", "zh": "已应用到已有线索的修改（共 {total} 条线索）：",
    },
    "ingest_hist_n_one": {"en": "{n} lead", "zh": "{n} 条线索"},
    "ingest_hist_n_many": {"en": "{n} leads", "zh": "{n} 条线索"},
    "ingest_hist_channel": {
        "en": "{leads} would move from channel {old} to channel {new}", "zh": "{leads}的渠道将从 {old} 改为 {new}",
    },
    "ingest_hist_owner": {
        "en": "{leads} would change owner from {old} to {new}", "zh": "{leads}的负责人将从 {old} 改为 {new}",
    },
    "ingest_hist_created": {"en": "Created date would change for {leads}", "zh": "{leads}的创建时间将改变"},
    "ingest_hist_channel_done": {
        "en": "{leads} moved from channel {old} to channel {new}", "zh": "{leads}的渠道已从 {old} 改为 {new}",
    },
    "ingest_hist_owner_done": {
        "en": "{leads} changed owner from {old} to {new}", "zh": "{leads}的负责人已从 {old} 改为 {new}",
    },
    "ingest_hist_created_done": {"en": "Created date changed for {leads}", "zh": "{leads}的创建时间已改变"},
    "ingest_hist_nobody": {"en": "(none)", "zh": "（无）"},
    "ingest_hist_hint": {
        "en": "Nothing changes until you accept: rerun with --accept-changes to apply these changes.",
        "zh": "在确认之前不会做任何修改：使用 --accept-changes 重新运行以应用这些修改。",
    },
    "ingest_hist_col_lead": {"en": "Lead", "zh": "线索"},
    "ingest_hist_col_changed": {"en": "Changed", "zh": "修改项"},
    "ingest_hist_col_channel_before": {"en": "Channel before", "zh": "原渠道"},
    "ingest_hist_col_channel_after": {"en": "Channel after", "zh": "新渠道"},
    "ingest_hist_col_owner_before": {"en": "Owner before", "zh": "原负责人"},
    "ingest_hist_col_owner_after": {"en": "Owner after", "zh": "新负责人"},
    "ingest_hist_col_created_before": {"en": "Created before", "zh": "原创建时间"},
    "ingest_hist_col_created_after": {"en": "Created after", "zh": "新创建时间"},
    "ingest_hist_what_channel_id": {"en": "channel", "zh": "渠道"},
    "ingest_hist_what_owner_id": {"en": "owner", "zh": "负责人"},
    "ingest_hist_what_created_at": {"en": "created date", "zh": "创建时间"},
    # Data page (ui/upload_checks.py): the date order and the changes to existing leads
    "ui_dord_title": {"en": "Date order", "zh": "日期顺序"},
    "ui_dord_column": {
        "en": "{column}: these dates read both ways, with different results. Which order does the file use?",
        "zh": "{column}：这些日期两种顺序都能读，结果不同。文件使用的是哪种顺序？",
    },
    "ui_dord_col_value": {"en": "Value in the file", "zh": "文件中的值"},
    "ui_dord_label": {"en": "Dates in this file are written as", "zh": "此文件中的日期写法"},
    "ui_dord_help": {
        "en": "Applied to every date column of the file; saved with the mapping when you remember it, so next "
              "month's file from the same source is read the same way.",
        "zh": "应用于文件中的所有日期列；记住字段对应时会一并保存，下个月同一来源的文件将按同样方式读取。",
    },
    "ui_dord_needed": {
        "en": "Choose the date order: the file can't be loaded until you do.",
        "zh": "请选择日期顺序：选择之前无法加载此文件。",
    },
    "ui_dord_saved": {"en": "Saved with the mapping for this source: {order}.", "zh": "已随此来源的字段对应保存：{order}。"},
    "ui_hist_title": {"en": "Changes to existing leads", "zh": "对已有线索的修改"},
    "ui_hist_warning": {
        "en": "This upload changes the owner, channel or created date of {n} leads already stored (first-touch "
              "credit moves with them):",
        "zh": "此次上传会修改 {n} 条已有线索的负责人、渠道或创建时间（首次触达的归因会随之改变）：",
    },
    "ui_hist_applied": {
        "en": "This upload changed the owner, channel or created date of {n} existing leads:",
        "zh": "此次上传修改了 {n} 条已有线索的负责人、渠道或创建时间：",
    },
    "ui_hist_truncated": {
        "en": "Showing the first {shown} of {total} leads; the downloads hold all of them.",
        "zh": "显示 {total} 条线索中的前 {shown} 条；下载文件包含全部。",
    },
    "ui_hist_csv": {"en": "Download the leads (CSV)", "zh": "下载线索列表（CSV）"},
    "ui_hist_xlsx": {"en": "Download the leads (Excel)", "zh": "下载线索列表（Excel）"},
    "ui_hist_confirm": {
        "en": "I confirm these changes to {n} existing leads", "zh": "我确认对 {n} 条已有线索的这些修改",
    },
    "ui_hist_confirm_help": {
        "en": "Without it nothing is loaded. Undo of the upload restores the old owner, channel and date.",
        "zh": "不确认则不会加载任何数据。撤销此次上传会恢复原来的负责人、渠道和日期。",
    },
    "ui_load_blocked_date_order": {
        "en": "Choose the date order above to load this file.", "zh": "请先在上方选择日期顺序，再加载此文件。",
    },
    "ui_load_blocked_changes": {
        "en": "Confirm the changes to existing leads above to load this file.",
        "zh": "请先在上方确认对已有线索的修改，再加载此文件。",
    },
    "ui_sum_unconfirmed": {
        "en": "Nothing was loaded: the upload would change existing leads (below) and the changes were not confirmed.",
        "zh": "未导入任何数据：此次上传会修改已有线索（见下方），但这些修改未被确认。",
    },
})
STRINGS.update(LIMIT_STRINGS)
STRINGS.update(PAGE_STRINGS)
