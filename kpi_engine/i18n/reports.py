"""Strings of the review reports (Excel workbook, printable HTML, SVG charts)."""

from __future__ import annotations

STRINGS: dict[str, dict[str, str]] = {
    "reports_summary": {"en": "Summary", "zh": "概要"},
    "reports_sections": {"en": "Sections", "zh": "章节"},
    "reports_field_title": {"en": "Title", "zh": "标题"},
    "reports_field_period": {"en": "Period", "zh": "周期"},
    "reports_field_kind": {"en": "Review", "zh": "复盘类型"},
    "reports_kind_weekly": {"en": "Weekly review", "zh": "周复盘"},
    "reports_kind_monthly": {"en": "Monthly review", "zh": "月度复盘"},
    "reports_field_generated_at": {"en": "Generated at", "zh": "生成时间"},
    "reports_generated_at": {"en": "Generated at {at}", "zh": "生成于 {at}"},
    "reports_col_number": {"en": "#", "zh": "序号"},
    "reports_col_section": {"en": "Section", "zh": "章节"},
    "reports_col_sheet": {"en": "Sheet", "zh": "工作表"},
    "reports_chart_data": {"en": "Chart data: {title}", "zh": "图表数据：{title}"},
    "reports_no_data": {"en": "No data", "zh": "暂无数据"},
    "reports_no_value": {"en": "no value", "zh": "无数值"},
    "reports_actual": {"en": "Actual", "zh": "实际"},
    "reports_target": {"en": "Target", "zh": "目标"},
    "reports_label": {"en": "Item", "zh": "项目"},
    "reports_value": {"en": "Value", "zh": "数值"},
    "reports_base": {"en": "(base)", "zh": "（基底）"},
    "reports_up": {"en": "Increase", "zh": "增加"},
    "reports_down": {"en": "Decrease", "zh": "减少"},
    "reports_total": {"en": "Total", "zh": "合计"},
    "reports_axis_from": {"en": "Axis starts at {value}", "zh": "纵轴起点 {value}"},
    "reports_partial_days": {"en": "partial: {days} of {total} days", "zh": "未完整：{total} 天中的 {days} 天"},
    "reports_partial_short": {"en": "{days}/{total} days", "zh": "{days}/{total} 天"},
    "reports_png": {"en": "PNG", "zh": "PNG 图片"},
    "reports_png_help": {"en": "Download this chart as a PNG image", "zh": "将此图表下载为 PNG 图片"},
    "reports_reference": {"en": "Reference {value}", "zh": "参考线 {value}"},
    "reports_waterfall_negative": {
        "en": "The chart is not drawn in Excel because a level falls below zero; the data is in the table above.",
        "zh": "因存在低于零的数值，Excel 中未绘制该图表；数据见上表。",
    },
}
