"""ui strings (en, zh): the app shell, home page and Data page. Keys start with ``ui_``."""

from __future__ import annotations

_TABLES = {
    "people": ("People", "人员"),
    "channels": ("Channels", "渠道"),
    "campaigns": ("Campaigns", "活动"),
    "spend": ("Spend", "花费"),
    "leads": ("Leads", "线索"),
    "customers": ("Customers", "客户"),
    "orders": ("Orders", "订单"),
    "survey_responses": ("Survey responses (NPS)", "满意度调查 (NPS)"),
    "metric_values": ("Manual metric values", "手工指标值"),
    "feedback_360": ("360° feedback", "360 度评价"),
}

# Human names of canonical columns (the ids stay as they are in files and on the command line).
_COLUMNS = {
    "person_id": ("Person ID", "人员ID"),
    "name": ("Name", "名称"),
    "role": ("Role", "岗位"),
    "team": ("Team", "团队"),
    "manager_id": ("Manager ID", "上级ID"),
    "email": ("Email", "邮箱"),
    "active": ("Active", "在职"),
    "channel_id": ("Channel", "渠道"),
    "kind": ("Kind", "类型"),
    "owner_id": ("Owner", "负责人"),
    "campaign_id": ("Campaign", "活动"),
    "start_date": ("Start date", "开始日期"),
    "end_date": ("End date", "结束日期"),
    "budget": ("Budget", "预算"),
    "date": ("Date", "日期"),
    "ad_id": ("Ad ID", "广告ID"),
    "cost": ("Cost", "花费"),
    "impressions": ("Impressions", "展现量"),
    "clicks": ("Clicks", "点击量"),
    "conversions": ("Conversions (platform)", "转化数（平台）"),
    "lead_id": ("Lead ID", "线索ID"),
    "created_at": ("Created at", "创建时间"),
    "expected_value": ("Expected value", "预计价值"),
    "mql_at": ("MQL at", "成为MQL时间"),
    "sql_at": ("SQL at", "成为SQL时间"),
    "won_at": ("Won at", "赢单时间"),
    "lost_at": ("Lost at", "输单时间"),
    "deal_value": ("Deal value", "成交金额"),
    "first_response_at": ("First response at", "首次响应时间"),
    "customer_id": ("Customer ID", "客户ID"),
    "acquired_at": ("Acquired at", "获客时间"),
    "churned_at": ("Churned at", "流失时间"),
    "order_id": ("Order ID", "订单ID"),
    "order_date": ("Order date", "下单日期"),
    "amount": ("Amount", "金额"),
    "response_id": ("Response ID", "答卷ID"),
    "score": ("Score", "分数"),
    "metric_id": ("Metric", "指标"),
    "period_start": ("Period start", "周期开始"),
    "grain": ("Grain", "粒度"),
    "scope_type": ("Scope type", "范围类型"),
    "scope_id": ("Scope ID", "范围ID"),
    "value": ("Value", "数值"),
    "source": ("Source", "来源"),
    "note": ("Note", "备注"),
    "period": ("Period", "周期"),
    "reviewer_role": ("Reviewer role", "评价人角色"),
    "reviewer_id": ("Reviewer ID", "评价人ID"),
    "dimension": ("Dimension", "维度"),
    "stage": ("Stage", "阶段"),
    "close_date": ("Close date", "关闭日期"),
    "row": ("Row", "行号"),
}

STRINGS: dict[str, dict[str, str]] = {
    # App shell and sidebar
    "ui_nav_home": {"en": "Home", "zh": "首页"},
    "ui_nav_data": {"en": "Data", "zh": "数据"},
    "ui_nav_standup": {"en": "Standup", "zh": "晨会"},
    "ui_nav_channels": {"en": "Channels", "zh": "渠道"},
    "ui_nav_team": {"en": "Team & people", "zh": "团队与成员"},
    "ui_nav_plan": {"en": "KPI plan", "zh": "KPI 计划"},
    "ui_nav_scorecards": {"en": "Scorecards", "zh": "绩效计分卡"},
    "ui_nav_reviews": {"en": "Reviews", "zh": "复盘"},
    "ui_language": {"en": "Language / 语言", "zh": "语言 / Language"},
    "ui_period": {"en": "Period", "zh": "周期"},
    "ui_period_grain": {"en": "Period length", "zh": "周期粒度"},
    "ui_grain_day": {"en": "Day", "zh": "日"},
    "ui_grain_week": {"en": "Week", "zh": "周"},
    "ui_grain_month": {"en": "Month", "zh": "月"},
    "ui_grain_quarter": {"en": "Quarter", "zh": "季度"},
    "ui_grain_custom": {"en": "Custom", "zh": "自定义"},
    "ui_period_anchor": {"en": "Any day in the period", "zh": "周期内任意一天"},
    "ui_period_anchor_help": {
        "en": "Pick a day; the period is the day, ISO week (Monday to Sunday), month or quarter that contains it.",
        "zh": "选择一天；周期为包含这一天的日、ISO 周（周一至周日）、月或季度。",
    },
    "ui_period_range": {"en": "From – to", "zh": "起止日期"},
    "ui_period_caption": {"en": "{label}: {start} to {end} ({days} days)", "zh": "{label}：{start} 至 {end}（{days} 天）"},
    "ui_period_caption_custom": {"en": "{start} to {end} ({days} days)", "zh": "{start} 至 {end}（{days} 天）"},
    "ui_db_error": {
        "en": "The database could not be opened: {error}. Check KPI_DB_URL (or .streamlit/secrets.toml), "
              "and that no other program holds the database file.",
        "zh": "无法打开数据库：{error}。请检查 KPI_DB_URL（或 .streamlit/secrets.toml），并确认没有其他程序占用数据库文件。",
    },
    # Home
    "ui_home_title": {"en": "Marketing KPI dashboard", "zh": "营销 KPI 看板"},
    "ui_home_intro": {
        "en": "One place for the marketing team's numbers: leads, MQLs, SQLs, wins, spend and cost per lead "
              "by channel, campaign and person, against targets. Upload your CRM and ad-platform exports on "
              "the **Data** page; the dashboard pages build on them.",
        "zh": "营销团队的数据集中在这里：按渠道、活动和人员查看线索、MQL、SQL、赢单、花费和单条线索成本，"
              "并与目标对比。在 **数据** 页面上传 CRM 和广告平台导出文件，看板页面基于这些数据。",
    },
    "ui_home_empty": {
        "en": "The database is empty. Start with one of these:",
        "zh": "数据库还是空的。从下面任选一项开始：",
    },
    "ui_home_demo_title": {"en": "1. Try it with demo data", "zh": "1. 用演示数据试用"},
    "ui_home_demo_help": {
        "en": "A realistic marketing department: 8 people, 8 channels, campaigns, 18 months of spend, leads, "
              "customers and orders, generated in a few seconds.",
        "zh": "一个逼真的营销部门：8 名成员、8 个渠道、活动、18 个月的花费、线索、客户和订单。"
              "几秒钟即可生成。",
    },
    "ui_home_demo_button": {"en": "Load demo data", "zh": "加载演示数据"},
    "ui_home_upload_title": {"en": "2. Upload your own exports", "zh": "2. 上传自己的导出文件"},
    "ui_home_upload_help": {
        "en": "CSV or Excel files from your CRM (leads, deals) and ad platforms (spend). Headers in English "
              "or Chinese are recognised; you check the mapping before anything is written.",
        "zh": "来自 CRM（线索、商机）和广告平台（花费）的 CSV 或 Excel 文件。可识别中英文表头；写入前可检查字段对应关系。",
    },
    "ui_home_upload_link": {"en": "Go to the Data page", "zh": "前往数据页面"},
    "ui_home_to_data": {"en": "Upload more data, see the upload history", "zh": "上传更多数据、查看上传记录"},
    "ui_home_store": {"en": "What is in the store", "zh": "数据概况"},
    "ui_home_counts_help": {"en": "Rows per table.", "zh": "各数据表的行数。"},
    "ui_head_leads": {"en": "Leads", "zh": "线索"},
    "ui_head_spend": {"en": "Spend rows", "zh": "花费记录"},
    "ui_head_campaigns": {"en": "Campaigns", "zh": "活动"},
    "ui_head_channels": {"en": "Channels", "zh": "渠道"},
    "ui_head_people": {"en": "People", "zh": "人员"},
    "ui_head_orders": {"en": "Orders", "zh": "订单"},
    "ui_home_freshness": {"en": "Data freshness", "zh": "数据新鲜度"},
    "ui_home_db": {"en": "Database: {kind}", "zh": "数据库：{kind}"},
    "ui_demo_running": {"en": "Generating demo data…", "zh": "正在生成演示数据…"},
    "ui_demo_done": {"en": "Demo data loaded.", "zh": "演示数据已加载。"},
    "ui_demo_failed": {"en": "Demo data could not be generated: {error}", "zh": "无法生成演示数据：{error}"},
    # Data page
    "ui_data_title": {"en": "Data", "zh": "数据"},
    "ui_data_intro": {
        "en": "Upload CSV or Excel exports, check how their columns map and what is wrong before loading, "
              "and undo any upload.",
        "zh": "上传 CSV 或 Excel 导出文件，在加载前检查字段对应关系和数据问题，任何一次上传都可以撤销。",
    },
    "ui_data_upload": {"en": "Upload files", "zh": "上传文件"},
    "ui_data_history": {"en": "Upload history", "zh": "上传记录"},
    "ui_data_freshness": {"en": "Data freshness", "zh": "数据新鲜度"},
    "ui_up_label": {"en": "CSV, TXT, TSV or Excel files (several at once)", "zh": "CSV、TXT、TSV 或 Excel 文件（可多选）"},
    "ui_up_help": {
        "en": "UTF-8, UTF-8 with BOM, GBK/GB18030; comma, semicolon, tab or pipe; .xlsx (first non-empty sheet). Up to 200 MB.",
        "zh": "支持 UTF-8、带 BOM 的 UTF-8、GBK/GB18030；逗号、分号、制表符或竖线分隔；.xlsx（第一个非空工作表）。最大 200 MB。",
    },
    "ui_up_empty": {
        "en": "Drop one or more export files above. Nothing is written until you press Load.",
        "zh": "请在上方拖入一个或多个导出文件。点击“加载”之前不会写入任何数据。",
    },
    "ui_file_facts": {
        "en": "{size} bytes · {rows} data rows · {cols} columns · {kind}, encoding {encoding}",
        "zh": "{size} 字节 · {rows} 行数据 · {cols} 列 · {kind}，编码 {encoding}",
    },
    "ui_file_unreadable": {
        "en": "This file could not be read into rows. See the problems below, fix the file and upload it again.",
        "zh": "无法从该文件读出数据行。请查看下方问题，修正文件后重新上传。",
    },
    "ui_map_table": {"en": "Table this file fills", "zh": "该文件写入的数据表"},
    "ui_map_table_help": {
        "en": "Detected from the headers (match score in brackets). Choose another table if the guess is wrong.",
        "zh": "根据表头自动识别（括号内为匹配度）。如果识别有误，请选择其他数据表。",
    },
    "ui_map_no_table": {"en": "— choose a table —", "zh": "— 请选择数据表 —"},
    "ui_map_detected": {"en": "Detected: {table} ({score} of the headers match).", "zh": "识别结果：{table}（{score} 的表头匹配）。"},
    "ui_map_saved_used": {
        "en": "A mapping saved earlier for files with these headers is used ({table}).",
        "zh": "已使用之前为相同表头保存的字段对应关系（{table}）。",
    },
    "ui_map_pick_table": {
        "en": "No table matches these headers. Choose the table this file fills to continue.",
        "zh": "没有数据表与这些表头匹配。请选择该文件写入的数据表后继续。",
    },
    "ui_map_title": {"en": "Column mapping", "zh": "字段对应"},
    "ui_map_help": {
        "en": "For each column of the table, pick the file's header that holds it, or type one value for the "
              "whole file (for example the date of an ad export without a date column, or its channel). "
              "Required columns are ticked.",
        "zh": "为数据表的每一列选择文件中对应的表头，或为整个文件填写一个固定值（例如没有日期列的广告导出文件的日期，或其渠道）。"
              "勾选的是必填列。",
    },
    "ui_map_col_column": {"en": "Column", "zh": "字段"},
    "ui_map_col_label": {"en": "Field", "zh": "字段"},
    "ui_map_col_label_help": {"en": "What the column means; * marks a field the file must provide.",
                              "zh": "该字段的含义；带 * 的字段文件中必须有。"},
    "ui_map_col_required": {"en": "Required", "zh": "必填"},
    "ui_map_col_source": {"en": "Your header", "zh": "文件表头"},
    "ui_map_col_source_help": {"en": "“—” means the file has no such column.", "zh": "“—”表示文件中没有该列。"},
    "ui_map_col_constant": {"en": "Or one value", "zh": "或固定值"},
    "ui_map_col_constant_help": {
        "en": "One value for the whole file, used for every row; a value here replaces the header's values.",
        "zh": "整个文件使用同一个值，每一行都用它；填写后将取代表头对应的值。",
    },
    "ui_map_missing": {
        "en": "Required columns without a header or a value: {cols}. Map them or type one value for the whole file.",
        "zh": "以下必填列既没有对应表头也没有固定值：{cols}。请选择表头或填写整个文件使用的值。",
    },
    "ui_preview_title": {"en": "Preview (first rows, after mapping)", "zh": "预览（对应后的前几行）"},
    "ui_on_error": {"en": "Rows with errors", "zh": "有错误的行"},
    "ui_on_error_abort": {"en": "Block the upload (load nothing)", "zh": "阻止上传（不加载任何数据）"},
    "ui_on_error_skip": {"en": "Skip them, load the valid rows", "zh": "跳过，只加载有效的行"},
    "ui_check_running": {"en": "Checking {file}…", "zh": "正在检查 {file}…"},
    "ui_check_done": {"en": "Checked {rows} rows", "zh": "已检查 {rows} 行"},
    "ui_report_title": {"en": "Validation report", "zh": "校验报告"},
    "ui_report_errors": {"en": "Errors", "zh": "错误"},
    "ui_report_warnings": {"en": "Warnings", "zh": "警告"},
    "ui_report_bad_rows": {"en": "Rows with errors", "zh": "有错误的行"},
    "ui_report_clean": {"en": "No problems found: every row can be loaded.", "zh": "未发现问题：所有行都可以加载。"},
    "ui_report_has_errors": {
        "en": "{n} errors in {rows} rows. Fix the file and upload it again, or choose to skip these rows.",
        "zh": "{rows} 行中有 {n} 个错误。请修正文件后重新上传，或选择跳过这些行。",
    },
    "ui_report_has_warnings": {
        "en": "{n} warnings: the rows will load, but check them.",
        "zh": "{n} 个警告：这些行会被加载，但请检查。",
    },
    "ui_report_truncated": {
        "en": "Showing the first {shown} of {total} problems; the downloads contain all of them.",
        "zh": "显示前 {shown} 个问题，共 {total} 个；下载文件包含全部问题。",
    },
    "ui_report_csv": {"en": "Report (CSV)", "zh": "报告（CSV）"},
    "ui_report_xlsx": {"en": "Report (Excel)", "zh": "报告（Excel）"},
    "ui_save_mapping": {"en": "Remember this mapping for next month's file", "zh": "记住此字段对应，用于下个月的文件"},
    "ui_save_mapping_help": {
        "en": "Files with the same headers will get this table and mapping automatically.",
        "zh": "表头相同的文件将自动使用此数据表和字段对应关系。",
    },
    "ui_load_button": {"en": "Load", "zh": "加载"},
    "ui_load_running": {"en": "Loading {file}…", "zh": "正在加载 {file}…"},
    "ui_load_done": {"en": "Load finished", "zh": "加载完成"},
    "ui_load_blocked_missing": {
        "en": "Load is disabled: a required column has neither a header nor a value.",
        "zh": "无法加载：有必填列既没有对应表头也没有固定值。",
    },
    "ui_load_blocked_errors": {
        "en": "Load is disabled: the file has errors and rows with errors block the upload. "
              "Fix the file, or choose to skip the rows with errors.",
        "zh": "无法加载：文件中有错误，且当前设置为有错误时阻止上传。请修正文件，或选择跳过有错误的行。",
    },
    "ui_load_blocked_fatal": {
        "en": "Load is disabled: the file as a whole cannot be loaded (see the report).",
        "zh": "无法加载：整个文件无法加载（见报告）。",
    },
    "ui_load_blocked_nothing": {
        "en": "Load is disabled: no row is valid.",
        "zh": "无法加载：没有有效的行。",
    },
    "ui_sum_loaded": {"en": "Loaded into {table} as upload #{id}.", "zh": "已加载到{table}，上传编号 #{id}。"},
    "ui_sum_upload_id": {"en": "Upload", "zh": "上传编号"},
    "ui_sum_read": {"en": "Rows read", "zh": "读取行数"},
    "ui_sum_inserted": {"en": "Inserted", "zh": "新增"},
    "ui_sum_updated": {"en": "Updated", "zh": "更新"},
    "ui_sum_rejected": {"en": "Rejected", "zh": "拒绝"},
    "ui_sum_created_channels": {
        "en": "Channels created on the fly from this file ({n}), marked for review: check their name, kind and owner. {ids}",
        "zh": "根据该文件自动新建的渠道（{n} 个）已标记为待复核：请检查名称、类型和负责人。{ids}",
    },
    "ui_sum_created_people": {
        "en": "People created on the fly from this file ({n}), marked for review: check their name, role and team. {ids}",
        "zh": "根据该文件自动新建的人员（{n} 名）已标记为待复核：请检查姓名、岗位和团队。{ids}",
    },
    "ui_sum_was_undone": {
        "en": "Upload #{id} has since been undone (see the upload history).",
        "zh": "上传 #{id} 之后已被撤销（见上传记录）。",
    },
    "ui_sum_empty": {
        "en": "Nothing was loaded: the file has no valid row.",
        "zh": "未加载任何数据：文件中没有有效的行。",
    },
    "ui_sum_refused": {
        "en": "The upload was refused and nothing was written. See the report below.",
        "zh": "上传被拒绝，未写入任何数据。请查看下方报告。",
    },
    "ui_stage_read": {"en": "Reading the file…", "zh": "正在读取文件…"},
    "ui_stage_map": {"en": "Mapping columns…", "zh": "正在对应字段…"},
    "ui_stage_validate": {"en": "Checking every row…", "zh": "正在检查每一行…"},
    "ui_stage_load": {"en": "Writing to the database…", "zh": "正在写入数据库…"},
    "ui_stage_done": {"en": "Done", "zh": "完成"},
    # Upload history and undo
    "ui_hist_empty": {"en": "No uploads yet.", "zh": "还没有上传记录。"},
    "ui_hist_id": {"en": "Upload", "zh": "编号"},
    "ui_hist_file": {"en": "File", "zh": "文件"},
    "ui_hist_table": {"en": "Table", "zh": "数据表"},
    "ui_hist_when": {"en": "Uploaded at", "zh": "上传时间"},
    "ui_hist_who": {"en": "By", "zh": "上传人"},
    "ui_hist_warnings": {"en": "Warnings", "zh": "警告"},
    "ui_hist_status": {"en": "Status", "zh": "状态"},
    "ui_hist_active": {"en": "in effect", "zh": "生效中"},
    "ui_hist_undone": {"en": "undone", "zh": "已撤销"},
    "ui_hist_undone_at": {"en": "Undone at", "zh": "撤销时间"},
    "ui_undo_pick": {"en": "Upload to undo", "zh": "要撤销的上传"},
    "ui_undo_button": {"en": "Undo…", "zh": "撤销…"},
    "ui_undo_confirm_text": {
        "en": "Undo {label}? Rows it inserted are deleted and rows it changed get their earlier values back.",
        "zh": "撤销 {label}？该次上传新增的行将被删除，被修改的行将恢复原值。",
    },
    "ui_undo_confirm": {"en": "Yes, undo", "zh": "确认撤销"},
    "ui_undo_cancel": {"en": "Cancel", "zh": "取消"},
    # Freshness
    "ui_fresh_table": {"en": "Table", "zh": "数据表"},
    "ui_fresh_rows": {"en": "Rows", "zh": "行数"},
    "ui_fresh_latest": {"en": "Latest date", "zh": "最新日期"},
    "ui_fresh_last_upload": {"en": "Last upload", "zh": "最近上传"},
}

STRINGS.update({f"ui_table_{k}": {"en": en, "zh": zh} for k, (en, zh) in _TABLES.items()})
STRINGS.update({f"ui_col_{k}": {"en": en, "zh": zh} for k, (en, zh) in _COLUMNS.items()})
