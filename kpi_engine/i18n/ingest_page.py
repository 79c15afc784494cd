"""ingest strings for the Data page (issue 11.4); merged into kpi_engine.i18n.ingest.

``PAGE_FIXES``: code -> (fix en, fix zh) phrased for the page (what to choose or type where on it), used instead
of the command line's ``ingest_fix_<code>`` (``--set``, ``--map``, ``--date-order``, ``--sheet``) when an issue
is shown on the Data page (``kpi_engine.ingest.messages.issue_text(surface="page")``). Codes whose fix names no
command-line option need no entry: their fix reads the same everywhere.
"""

from __future__ import annotations

PAGE_FIXES: dict[str, tuple[str, str]] = {
    "missing_value": (
        "Fill in {canonical} in the file and upload it again, or type one value for the whole file next to "
        "{canonical} in the mapping table above.",
        "请在文件中填写 {canonical} 后重新上传，或在上方字段对应表中 {canonical} 一行填写整个文件使用的值。",
    ),
    "bad_date_order": (
        "Correct the value; if this file writes dates in another order, choose that order under “Date order” above.",
        "请更正该值；如果文件中的日期是另一种顺序，请在上方“日期顺序”中选择那种顺序。",
    ),
    "date_order_needed": (
        "Choose the date order above, under “Date order”. The choice is remembered with the mapping.",
        "请在上方“日期顺序”中选择日期的写法。该选择会随字段对应一起保存。",
    ),
    "channel_blank": (
        "Nothing to do if the channel is unknown: the row is counted under “{channel}”. If you know it, fill it in "
        "the file and upload again, or type one channel for the whole file next to channel_id in the mapping table "
        "above.",
        "如果渠道未知则无需处理：该行计入“{channel}”。如果知道渠道，请在文件中填写后重新上传，"
        "或在上方字段对应表中 channel_id 一行填写整个文件使用的渠道。",
    ),
    "channel_missing": (
        "Map the channel column in the mapping table above, or type one channel for the whole file next to "
        "channel_id.",
        "请在上方字段对应表中为 channel_id 选择渠道列，或填写整个文件使用的渠道。",
    ),
    "table_unknown": (
        "Choose the table this file fills above, under “Table this file fills”.",
        "请在上方“该文件写入的数据表”中选择该文件对应的数据表。",
    ),
    "missing_column": (
        "Map the column in the mapping table above (next to {canonical}), or type one value for the whole file there.",
        "请在上方字段对应表中为 {canonical} 选择对应的列，或在那里填写整个文件使用的值。",
    ),
    "unused_columns": (
        "Nothing to do if they are not needed; otherwise map them in the mapping table above.",
        "如果不需要这些列则无需处理；否则请在上方字段对应表中选择它们。",
    ),
    "stage_without_date": (
        "Map a column to close_date in the mapping table above, or map won_at / lost_at directly.",
        "请在上方字段对应表中把某列对应到 close_date，或直接对应 won_at / lost_at。",
    ),
    "file_sheet_picked": (
        "To read another sheet, choose it above, under “Sheet”.",
        "如需读取其他工作表，请在上方“工作表”中选择。",
    ),
    "file_sheet_choice": (
        "Choose the sheet above, under “Sheet”.",
        "请在上方“工作表”中选择要读取的工作表。",
    ),
    "file_sheet_unknown": (
        "Choose one of those sheets above, under “Sheet”.",
        "请在上方“工作表”中选择上述工作表之一。",
    ),
}

STRINGS: dict[str, dict[str, str]] = {f"ingest_pagefix_{code}": {"en": en, "zh": zh}
                                      for code, (en, zh) in PAGE_FIXES.items()}

STRINGS.update({
    # the touches table (issue 16.4): its name and its one column no other table has
    "ui_table_touches": {"en": "Touches (attribution)", "zh": "触点（归因）"},
    "ui_col_touched_at": {"en": "Touched at", "zh": "触点时间"},
    # partial update (a file with only some columns of its table: updates rows already stored, by key)
    "ui_map_partial": {
        "en": "Partial update: the file has no {cols}. It updates the columns it has ({present}) of {table} already "
              "stored, matched by {keys}; a row whose {keys} is not stored yet is reported below.",
        "zh": "部分更新：文件中没有 {cols}。它只按 {keys} 更新已有{table}中文件包含的列（{present}）；"
              "尚未存储的 {keys} 所在的行会在下方报告。",
    },
    "ui_sum_partial": {
        "en": "Partial update: only the file's columns ({present}) were used; every other column of the stored rows "
              "kept its value.",
        "zh": "部分更新：只使用了文件中的列（{present}）；已有行的其他列保留原值。",
    },
    # rows without a channel: one rule, the same as the command line
    "ui_channel_rule": {
        "en": "{n} rows have no channel. As on the command line, they load into the channel “{channel}” and are "
              "counted there (never dropped, never guessed). To give them a channel, fill it in the file and upload "
              "again, or type one channel for the whole file next to channel_id in the mapping table above.",
        "zh": "{n} 行没有渠道。与命令行相同，这些行会加载到渠道“{channel}”并计入该渠道（不会丢弃，也不会猜测）。"
              "如需指定渠道，请在文件中填写后重新上传，或在上方字段对应表中 channel_id 一行填写整个文件使用的渠道。",
    },
    "ui_channel_rule_all": {
        "en": "The file has no channel column: new rows load into the channel “{channel}”. Map the channel column in "
              "the mapping table above, or type one channel for the whole file next to channel_id.",
        "zh": "文件没有渠道列：新增的行会加载到渠道“{channel}”。请在上方字段对应表中为 channel_id 选择渠道列，"
              "或填写整个文件使用的渠道。",
    },
    # the report's lists: the same counts as the summary above them
    "ui_report_tab_errors": {"en": "Errors ({n})", "zh": "错误（{n}）"},
    "ui_report_tab_warnings": {"en": "Warnings ({n})", "zh": "警告（{n}）"},
    "ui_report_shown_errors": {
        "en": "Showing the first {shown} of {total} errors; the downloads hold every problem.",
        "zh": "显示 {total} 个错误中的前 {shown} 个；下载文件包含全部问题。",
    },
    "ui_report_shown_warnings": {
        "en": "Showing the first {shown} of {total} warnings; the downloads hold every problem.",
        "zh": "显示 {total} 条警告中的前 {shown} 条；下载文件包含全部问题。",
    },
    "ui_report_capped": {
        "en": "The check keeps at most {cap} problems (Settings › Uploads); the counts are of the problems kept, and "
              "“Rows with errors” counts every rejected row.",
        "zh": "校验最多保留 {cap} 个问题（设置 › 上传）；以上计数为保留的问题数，“有错误的行”统计全部被拒绝的行。",
    },
})
