"""demo strings (en, zh): progress stages of ``kpi_engine.demo.generate`` and the story it tells."""

from __future__ import annotations

STRINGS: dict[str, dict[str, str]] = {
    "demo_stage_cast": {"en": "Creating people, channels and campaigns", "zh": "正在创建人员、渠道和营销活动"},
    "demo_stage_spend": {"en": "Generating daily ad spend", "zh": "正在生成每日广告花费"},
    "demo_stage_leads": {"en": "Generating leads and their funnel", "zh": "正在生成线索及其转化漏斗"},
    "demo_stage_customers": {"en": "Generating customers, orders and NPS answers", "zh": "正在生成客户、订单和 NPS 答卷"},
    "demo_stage_manual": {"en": "Generating manual metrics and 360 feedback", "zh": "正在生成手工指标和 360 度评价"},
    "demo_stage_write": {"en": "Writing to the database", "zh": "正在写入数据库"},
    "demo_stage_done": {"en": "Demo data ready", "zh": "演示数据已就绪"},
    "demo_store_kept": {
        "en": "The store already holds data ({tables}); left as it is, no demo data added (--if-empty).",
        "zh": "数据库中已有数据（{tables}）；保持原样，未添加演示数据（--if-empty）。",
    },
    "demo_store_refused": {
        "en": "The store already holds data ({tables}); nothing changed. To replace its facts and upload history "
              "with the demo, run init-demo again with --replace (plans, notes, mappings and settings stay).",
        "zh": "数据库中已有数据（{tables}）；未做任何更改。如要用演示数据替换其中的事实数据和上传记录，"
              "请加上 --replace 重新运行 init-demo（计划、备注、字段映射和设置会保留）。",
    },
    "demo_story": {
        "en": "The demo's story: {channel} slides from {month} while its spend holds; {person} is ahead of target; "
              "campaign {campaign} bursts from {burst}.",
        "zh": "演示数据的故事：{channel} 自 {month} 起线索下滑而花费不变；{person} 超额完成目标；"
              "营销活动 {campaign} 自 {burst} 起花费和线索激增。",
    },
    "demo_home_kept": {
        "en": "The store already holds data ({tables}), so the demo is not loaded over it. Upload your exports on the "
              "Data page, or start the demo on a new database file.",
        "zh": "数据库中已有数据（{tables}），因此不会在其上加载演示数据。请在“数据”页上传导出文件，或在新的数据库文件上启动演示。"},
}
