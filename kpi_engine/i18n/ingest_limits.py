"""ingest strings for limits, workbooks and database faults (issue 17); merged into kpi_engine.i18n.ingest.

``ISSUES`` has the same shape as ingest's: code -> (reason en, reason zh, fix en, fix zh).
``STRINGS`` holds the one-sentence answers to database faults (``ingest_fault_<kind>``).
"""

from __future__ import annotations

ISSUES: dict[str, tuple[str, str, str, str]] = {
    "too_large": (
        "{column} must be a finite number no larger than {limit} (row {row}: '{value}').",
        "{column} 必须是不超过 {limit} 的有限数字（第 {row} 行：'{value}'）。",
        "Correct the value: a number this large is a typo or a broken export (1e309 reads as infinity).",
        "请更正该值：这么大的数字通常是输入错误或导出损坏（1e309 会被读成无穷大）。",
    ),
    "too_long": (
        "{column} is longer than the limit of {limit} characters (row {row}: '{value}').",
        "{column} 超过了 {limit} 个字符的长度上限（第 {row} 行：'{value}'）。",
        "Check that the column holds what its header says (a whole text pasted into one cell?) and shorten it.",
        "请检查该列内容是否与表头相符（是否把整段文字粘贴进了一个单元格？），并缩短该值。",
    ),
    "date_out_of_range": (
        "{column} must be a date{range} (row {row}: '{value}').",
        "{column} 必须是{range}日期（第 {row} 行：'{value}'）。",
        "Correct the year: dates before {min} or after {max} are typos (e.g. 0026 or 20226).",
        "请更正年份：早于 {min} 或晚于 {max} 的日期是输入错误（例如 0026 或 20226）。",
    ),
    "unused_columns": (
        "{count} columns of the file are not mapped and are not loaded: {value}.",
        "文件中有 {count} 列没有对应的字段，不会导入：{value}。",
        "Nothing to do if they are not needed; otherwise map them (--map CANONICAL=HEADER, or the mapping table "
        "on the Data page).",
        "如果不需要这些列则无需处理；否则请映射它们（--map 标准列名=表头，或在数据页面的字段对应表中选择）。",
    ),
    "duplicate_key_resolved": (
        "Row {row} repeats the key {column} '{value}' of row {detail} once names are matched to ids "
        "(the same channel or person written by name in one row and by id in the other); the first row is kept.",
        "第 {row} 行与第 {detail} 行的主键 {column} 相同（'{value}'）：名称对应到编号后两行重复"
        "（同一渠道或人员在一行写名称、另一行写编号）；保留第一行。",
        "Write the channel or person the same way in every row, or remove the repeated row.",
        "请在每一行用同一种写法填写渠道或人员，或删除重复的行。",
    ),
    "file_sheet_picked": (
        "The workbook has several sheets ({choices}); '{value}' was read because it looks like the data.",
        "工作簿有多个工作表（{choices}）；已读取看起来是数据的“{value}”。",
        "To read another sheet, rerun with --sheet NAME (on the Data page, choose the sheet).",
        "如需读取其他工作表，请使用 --sheet 工作表名 重新运行（在数据页面选择工作表）。",
    ),
    "file_sheet_choice": (
        "The workbook has several sheets ({choices}) and none clearly holds the data, so none was read.",
        "工作簿有多个工作表（{choices}），无法确定哪一个是数据，因此没有读取。",
        "Choose the sheet: rerun with --sheet NAME (on the Data page, choose the sheet).",
        "请选择工作表：使用 --sheet 工作表名 重新运行（在数据页面选择工作表）。",
    ),
    "file_sheet_unknown": (
        "The workbook has no sheet named '{value}'; its sheets are: {choices}.",
        "工作簿中没有名为“{value}”的工作表；现有工作表：{choices}。",
        "Give one of those names with --sheet (names are case-sensitive).",
        "请用 --sheet 指定上述名称之一（区分大小写）。",
    ),
    "file_formula_no_value": (
        "Row {row}, {source}: the cell holds a formula ({value}) without a saved result, so its value is unknown; "
        "the row is skipped.",
        "第 {row} 行“{source}”：该单元格是公式（{value}），但没有保存计算结果，值未知；该行已跳过。",
        "Open the workbook in Excel, let it calculate and save it (or paste values only), then upload it again.",
        "请在 Excel 中打开工作簿、重新计算并保存（或选择性粘贴为数值），然后重新上传。",
    ),
    "file_merged_cells": (
        "The data has {count} merged cell ranges ({value}); only the first cell of a merged range holds the value, "
        "so the other rows would be read as blank.",
        "数据中有 {count} 处合并单元格（{value}）；合并区域只有第一个单元格有值，其他行会被读成空白。",
        "Unmerge the cells in Excel and fill the value into every row (Home > Merge & Center > Unmerge), then "
        "upload again.",
        "请在 Excel 中取消合并单元格并在每一行填入数值（开始 > 合并后居中 > 取消合并），然后重新上传。",
    ),
}

STRINGS: dict[str, dict[str, str]] = {
    "ingest_fault_disk_full": {
        "en": "Nothing was stored: the disk holding the database is full. Free some space (or ask your admin) and "
              "upload again.",
        "zh": "未保存任何数据：数据库所在的磁盘已满。请释放空间（或联系管理员）后重新上传。"},
    "ingest_fault_busy": {
        "en": "Nothing was stored: the database is busy (another upload or command is writing to it). Try again "
              "in a moment.",
        "zh": "未保存任何数据：数据库正忙（另一个上传或命令正在写入）。请稍后重试。"},
    "ingest_fault_read_only": {
        "en": "Nothing was stored: the database can't be written (read-only file or no permission). Ask your admin "
              "to check the database's permissions.",
        "zh": "未保存任何数据：数据库无法写入（文件只读或没有权限）。请联系管理员检查数据库权限。"},
    "ingest_fault_conflict": {
        "en": "Nothing was stored: the rows collided with rows written at the same moment. Upload the file again.",
        "zh": "未保存任何数据：这些行与同时写入的数据冲突。请重新上传该文件。"},
    "ingest_fault_other": {
        "en": "Nothing was stored: the database refused the upload. Try again; if it happens again, give your "
              "admin the error id {error_id}.",
        "zh": "未保存任何数据：数据库拒绝了这次上传。请重试；如果再次发生，请把错误编号 {error_id} 提供给管理员。"},
    "ingest_fault_log": {"en": "Details: {path} (error id {error_id}).", "zh": "详情：{path}（错误编号 {error_id}）。"},
    "ui_up_sheet": {"en": "Sheet", "zh": "工作表"},
    "ui_up_sheet_help": {
        "en": "The workbook has several sheets; the one that looks like the data is chosen. Pick another here.",
        "zh": "工作簿有多个工作表；默认选择看起来是数据的那一个。可在此选择其他工作表。"},
    "ui_up_sheet_ask": {"en": "— choose a sheet —", "zh": "— 请选择工作表 —"},
}
