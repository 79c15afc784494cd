"""Strings of data that arrives by itself: the inbox folder, HTTP ingest and its tokens (kpi_engine.arrivals)."""

from __future__ import annotations

STRINGS: dict[str, dict[str, str]] = {
    # Messages about one import
    "arrivals_loaded_title": {"en": "Imported {source} into {table}", "zh": "已导入 {source}（数据表 {table}）"},
    "arrivals_loaded_counts": {
        "en": "Upload #{upload_id}: rows read {rows_read} · inserted {inserted} · updated {updated} · rejected {rejected} · warnings {warnings}",
        "zh": "上传 #{upload_id}：读取 {rows_read} 行 · 新增 {inserted} · 更新 {updated} · 拒绝 {rejected} · 警告 {warnings}",
    },
    "arrivals_loaded_created": {"en": "New {kind} to review: {count}", "zh": "待审核的新{kind}：{count} 个"},
    "arrivals_failed_title": {"en": "Not imported: {source}", "zh": "未导入：{source}"},
    "arrivals_failed_counts": {
        "en": "Rows read {rows_read} · problems {problems} in {rows} rows · the database is unchanged",
        "zh": "读取 {rows_read} 行 · {rows} 行共 {problems} 个问题 · 数据库未改变",
    },
    "arrivals_problem_row": {"en": "row {row}", "zh": "第 {row} 行"},
    "arrivals_problem_file": {"en": "file", "zh": "文件"},
    "arrivals_more_problems": {"en": "… and {count} more problems (see the report)", "zh": "……另有 {count} 个问题（见报告）"},
    "arrivals_hint_table": {
        "en": "Put the file in the inbox subfolder named after its table (for example leads/), or upload it once on the Data page and save the mapping.",
        "zh": "请把文件放进以数据表命名的收件箱子文件夹（例如 leads/），或先在数据页上传一次并保存映射。",
    },
    "arrivals_hint_history": {
        "en": "Changing existing leads' history needs a confirmation: upload the file on the Data page, or allow it here with --accept-changes (HTTP: accept_changes=true).",
        "zh": "修改已有线索的历史需要确认：请在数据页上传该文件，或在此使用 --accept-changes 允许（HTTP：accept_changes=true）。",
    },
    "arrivals_http_bad_date_order": {"en": "date_order must be dmy, mdy or ymd, not '{value}'.", "zh": "date_order 只能是 dmy、mdy 或 ymd，而不是“{value}”。"},
    "arrivals_http_bad_request": {"en": "The rows could not be read: {error}", "zh": "无法读取这些行：{error}"},
    "arrivals_http_busy": {
        "en": "The database is busy; nothing was written. Send the same rows again in {retry_after} seconds.",
        "zh": "数据库繁忙，未写入任何数据。请在 {retry_after} 秒后重新发送相同的数据。",
    },
    "arrivals_http_internal": {
        "en": "The server could not store the rows ({error}); nothing was written. Try again later.",
        "zh": "服务器无法保存这些行（{error}），未写入任何数据。请稍后重试。",
    },
    "arrivals_status_other": {"en": "Nothing was loaded (status: {status}).", "zh": "未导入任何数据（状态：{status}）。"},
    "arrivals_unsupported": {
        "en": "'{suffix}' files can't be imported: drop CSV (.csv, .tsv, .txt) or Excel (.xlsx) files.",
        "zh": "无法导入“{suffix}”文件：请放入 CSV（.csv、.tsv、.txt）或 Excel（.xlsx）文件。",
    },
    "arrivals_duplicate_title": {"en": "Already imported: {source}", "zh": "已导入过：{source}"},
    "arrivals_duplicate_line": {
        "en": "The same file (same sha256) is upload #{upload_id}; nothing changed. Undo that upload to import it again.",
        "zh": "相同的文件（sha256 相同）已是上传 #{upload_id}，未做任何改动。如需重新导入，请先撤销该上传。",
    },
    "arrivals_ref": {"en": "Inbox record #{record_id} · file now in {moved}", "zh": "收件箱记录 #{record_id} · 文件已移至 {moved}"},
    "arrivals_moved": {"en": "File now in {moved}", "zh": "文件已移至 {moved}"},
    "arrivals_retry": {
        "en": "The database was busy or unreachable ({error}); the file stays in the inbox for the next pass.",
        "zh": "数据库繁忙或无法连接（{error}）；文件留在收件箱，下一轮再处理。",
    },
    "arrivals_error": {"en": "The import stopped with an error, nothing was written: {error}", "zh": "导入因错误中止，未写入任何数据：{error}"},
    "arrivals_no_dir": {"en": "The inbox folder {path} does not exist.", "zh": "收件箱文件夹 {path} 不存在。"},
    "arrivals_report_errors": {"en": "Problems ({count}):", "zh": "问题（{count} 个）："},
    "arrivals_report_warnings": {"en": "Warnings ({count}):", "zh": "警告（{count} 个）："},
    "arrivals_report_retry": {
        "en": "Fix the file and drop it into the inbox again (nothing from it was loaded).",
        "zh": "请修正文件后重新放入收件箱（此文件没有任何数据被导入）。",
    },
    # The inbox command
    "arrivals_inbox_nothing": {"en": "The inbox is empty.", "zh": "收件箱为空。"},
    "arrivals_inbox_watching": {
        "en": "Watching {path} (Ctrl+C to stop). Drop CSV/XLSX files there; results go to done/ and failed/.",
        "zh": "正在监视 {path}（按 Ctrl+C 停止）。把 CSV/XLSX 文件放进去；结果在 done/ 和 failed/。",
    },
    "arrivals_inbox_waiting": {
        "en": "Still being written, left for the next pass: {source}",
        "zh": "仍在写入，留待下一轮处理：{source}",
    },
    "arrivals_inbox_summary": {
        "en": "loaded {loaded} · failed {failed} · already imported {duplicate} · still being written {waiting} · database busy {retry}",
        "zh": "已导入 {loaded} · 失败 {failed} · 此前已导入 {duplicate} · 仍在写入 {waiting} · 数据库繁忙 {retry}",
    },
    # Tokens
    "arrivals_token_created": {"en": "Token for {name} ({table}):", "zh": "{name} 的令牌（{table}）："},
    "arrivals_token_show_once": {
        "en": "Copy it now: it is shown only this once and stored hashed. Send it as 'Authorization: Bearer TOKEN'.",
        "zh": "请立即复制：令牌只显示这一次，系统只保存其哈希值。请求时以“Authorization: Bearer 令牌”发送。",
    },
    "arrivals_token_any_table": {"en": "any table", "zh": "任意数据表"},
    "arrivals_token_revoked": {"en": "Revoked the token of {name}; it no longer works.", "zh": "已吊销 {name} 的令牌，它已失效。"},
    "arrivals_token_none": {
        "en": "No ingest tokens yet. Create one: python -m kpi_engine ingest-token add NAME",
        "zh": "还没有导入令牌。创建一个：python -m kpi_engine ingest-token add 名称",
    },
    "arrivals_token_err_bad_name": {
        "en": "'{name}' is not a valid source name: use letters, digits, '_', '-' or '.' (up to 64).",
        "zh": "“{name}”不是有效的来源名称：请使用字母、数字、“_”、“-”或“.”（最多 64 个）。",
    },
    "arrivals_token_err_bad_table": {"en": "Unknown table '{table}'; one of: {tables}.", "zh": "未知数据表“{table}”；可选：{tables}。"},
    "arrivals_token_err_exists": {
        "en": "{name} already has an active token. Revoke it first (ingest-token revoke {name}).",
        "zh": "{name} 已有有效令牌。请先吊销（ingest-token revoke {name}）。",
    },
    "arrivals_token_err_unknown": {"en": "No token is named {name}.", "zh": "没有名为 {name} 的令牌。"},
    "arrivals_token_err_already_revoked": {"en": "The token of {name} is already revoked.", "zh": "{name} 的令牌已被吊销。"},
    # The HTTP endpoint
    "arrivals_serve_listening": {
        "en": "HTTP ingest on {url} — POST /ingest/TABLE with 'Authorization: Bearer TOKEN' (Ctrl+C to stop).",
        "zh": "HTTP 导入服务：{url} —— 以“Authorization: Bearer 令牌”调用 POST /ingest/数据表（按 Ctrl+C 停止）。",
    },
    "arrivals_serve_no_tokens": {
        "en": "No active token yet: every request will get 401. Create one with: python -m kpi_engine ingest-token add NAME",
        "zh": "还没有有效令牌：所有请求都会返回 401。创建令牌：python -m kpi_engine ingest-token add 名称",
    },
    "arrivals_http_unauthorized": {
        "en": "A valid token is required: send 'Authorization: Bearer TOKEN' (missing, wrong and revoked tokens are refused).",
        "zh": "需要有效令牌：请发送“Authorization: Bearer 令牌”（缺失、错误或已吊销的令牌都会被拒绝）。",
    },
    "arrivals_http_unknown_table": {"en": "Unknown table '{table}'; one of: {tables}.", "zh": "未知数据表“{table}”；可选：{tables}。"},
    "arrivals_http_wrong_table": {
        "en": "The token of {name} may only send rows to {allowed}, not to {table}.",
        "zh": "{name} 的令牌只能向 {allowed} 发送数据，不能发送到 {table}。",
    },
    "arrivals_http_bad_on_error": {"en": "on_error must be abort or skip, not '{value}'.", "zh": "on_error 只能是 abort 或 skip，而不是“{value}”。"},
    "arrivals_http_media_type": {
        "en": "Send text/csv or application/json (got '{content_type}').",
        "zh": "请发送 text/csv 或 application/json（收到的是“{content_type}”）。",
    },
    "arrivals_http_too_big": {
        "en": "The request body is too large ({size} bytes; the limit is {max_bytes}). Send the rows in smaller batches.",
        "zh": "请求体过大（{size} 字节；上限为 {max_bytes}）。请分批发送。",
    },
    "arrivals_http_too_many_rows": {
        "en": "Too many rows ({rows}; the limit is {max_rows} per request). Send the rows in smaller batches.",
        "zh": "行数过多（{rows} 行；每次请求上限为 {max_rows} 行）。请分批发送。",
    },
    "arrivals_http_bad_json": {"en": "The body is not valid JSON: {error}", "zh": "请求体不是有效的 JSON：{error}"},
    "arrivals_http_json_shape": {
        "en": "Send a JSON array of objects, or an object with a 'rows' array.",
        "zh": "请发送由对象组成的 JSON 数组，或带有“rows”数组的对象。",
    },
    "arrivals_http_json_item": {"en": "Row {row} is not a JSON object.", "zh": "第 {row} 行不是 JSON 对象。"},
    "arrivals_http_json_nested": {
        "en": "Row {row}, {column}: values must be text, numbers, true/false or null, not lists or objects.",
        "zh": "第 {row} 行 {column}：值必须是文本、数字、true/false 或 null，不能是列表或对象。",
    },
    "arrivals_http_empty": {"en": "The request has no rows.", "zh": "请求中没有数据行。"},
    "arrivals_http_loaded": {
        "en": "Loaded upload #{upload_id}: inserted {inserted}, updated {updated}, rejected {rejected}.",
        "zh": "已导入上传 #{upload_id}：新增 {inserted}，更新 {updated}，拒绝 {rejected}。",
    },
    "arrivals_http_refused": {
        "en": "Nothing was loaded: {problems} problems ({rows_read} rows read). Fix them and send the rows again.",
        "zh": "未导入任何数据：{problems} 个问题（读取 {rows_read} 行）。请修正后重新发送。",
    },
}
