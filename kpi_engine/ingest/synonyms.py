"""Header synonyms, English and Chinese, as found in real CRM and ad-platform exports (data only).

Sources kept in mind: Salesforce, HubSpot, 销售易, 纷享销客 (CRM); 巨量引擎, 百度营销, 腾讯广告, Google Ads,
Meta Ads Manager (ads); 问卷星, SurveyMonkey, Qualtrics (surveys). Matching is on normalised text
(``mapping.normalize_header``: case, width, spaces, punctuation and unit annotations such as "(元)" ignored),
so each entry is written once in its natural spelling.

``COLUMN_SYNONYMS`` apply in every table that has the column. ``FALLBACK_SYNONYMS`` fill a required column
that no header names directly (a lead export whose only date is "first contact date": the lead's creation). ``TABLE_SYNONYMS`` apply in one table only:
generic words ("name", "date", "amount", "id", "type", "status") whose meaning depends on the table, and they
win over ``COLUMN_SYNONYMS`` there. Within one list, earlier entries are preferred when a file has several
matching headers (e.g. "Ad ID" before "Ad name" before "Ad set name").
"""

from __future__ import annotations

COLUMN_SYNONYMS: dict[str, tuple[str, ...]] = {
    # --- people ---
    "person_id": ("员工ID", "员工编号", "工号", "员工工号", "人员ID", "人员编号", "成员ID", "employee id", "employee no",
                  "employee number", "staff id", "person id", "emp id"),
    "role": ("角色", "岗位", "职位", "职务", "岗位名称", "职位名称", "工作岗位", "role", "job title", "title", "position",
             "job role"),
    "team": ("团队", "所属团队", "部门", "所属部门", "小组", "组别", "事业部", "team", "department", "dept", "group",
             "business unit", "team name"),
    "manager_id": ("上级", "上级ID", "直属上级", "上级工号", "直属领导", "汇报对象", "汇报人", "经理", "主管", "manager",
                   "manager id", "reports to", "line manager", "direct manager", "supervisor"),
    "email": ("邮箱", "电子邮箱", "邮件", "电子邮件", "工作邮箱", "企业邮箱", "邮箱地址", "email", "e-mail", "email address",
              "work email", "mail"),
    "active": ("在职", "是否在职", "在职状态", "是否启用", "启用", "是否有效", "有效", "active", "is active", "enabled",
               "employed", "employment status"),
    # --- channels, campaigns, owners (shared by several tables) ---
    "channel_id": ("渠道ID", "渠道编号", "渠道编码", "渠道代码", "渠道", "渠道名称", "来源渠道", "渠道来源", "线索来源",
                   "客户来源", "商机来源", "获客渠道", "推广渠道", "投放渠道", "营销渠道", "流量来源", "来源", "媒体", "媒体渠道",
                   "投放媒体", "投放平台", "广告平台", "平台", "channel id", "channel code", "channel", "channel name",
                   "source channel", "lead source", "original source", "source", "utm_source", "traffic source",
                   "marketing channel", "media source", "media", "platform", "publisher", "线索来源渠道", "客户来源渠道", "来源类型", "来源媒体", "媒体来源", "广告渠道", "获客来源", "引流渠道", "original source type", "latest source", "lead source type", "source type", "acquisition channel", "utm source", "referral source", "channel grouping", "default channel group"),
    "campaign_id": ("活动ID", "活动编号", "活动编码", "营销活动ID", "市场活动ID", "推广计划ID", "计划ID", "广告计划ID",
                    "广告系列ID", "campaign id", "campaign code", "活动", "活动名称", "营销活动", "营销活动名称", "市场活动",
                    "市场活动名称", "所属活动", "来源活动", "推广活动", "推广计划", "推广计划名称", "计划", "计划名称", "广告计划",
                    "广告计划名称", "广告系列", "广告系列名称", "项目", "项目名称", "campaign", "campaign name", "utm_campaign", "营销活动编号", "市场活动编号", "活动来源", "项目ID", "推广项目", "campaign source", "primary campaign source", "lead campaign", "campaign id (lead)", "utm campaign"),
    "owner_id": ("负责人ID", "负责人", "负责人工号", "负责人姓名", "跟进人", "跟进销售", "所属销售", "负责销售", "销售",
                 "销售负责人", "销售代表", "线索负责人", "商机负责人", "客户负责人", "所有人", "拥有者", "归属人", "责任人",
                 "对接人", "客户经理", "owner id", "owner", "lead owner", "opportunity owner", "deal owner", "contact owner",
                 "account owner", "campaign owner", "channel owner", "assigned to", "sales rep", "salesperson",
                 "sales owner", "record owner", "归属销售", "跟进人员", "销售人员", "所属员工", "owner name", "assigned sales rep", "lead owner name", "deal owner name", "opportunity owner name"),
    # --- spend ---
    "ad_id": ("广告ID", "创意ID", "广告创意ID", "素材ID", "关键词ID", "ad id", "creative id", "keyword id", "广告",
              "广告名称", "创意", "创意名称", "素材", "素材名称", "关键词", "ad", "ad name", "creative", "creative name",
              "keyword", "广告组ID", "推广单元ID", "单元ID", "ad group id", "ad set id", "推广单元", "推广单元名称", "单元",
              "广告组", "广告组名称", "广告单元", "ad group", "ad group name", "adgroup", "ad set", "ad set name", "adset"),
    "cost": ("花费", "消耗", "费用", "消费", "总花费", "总消耗", "总费用", "花费金额", "消费金额", "广告花费", "广告消耗",
             "推广费用", "投放金额", "投放花费", "实际消费", "现金消耗", "账户消耗", "支出", "cost", "spend", "spent",
             "amount spent", "total cost", "total spend", "ad spend", "media cost", "expense", "expenses", "消耗金额", "实际花费", "广告费", "广告费用", "现金花费", "现金消费", "推广消费", "总消费", "cost (all)", "media spend", "spend amount", "amount spent (usd)"),
    "impressions": ("展现", "展现量", "展现次数", "展示", "展示量", "展示数", "展示次数", "曝光", "曝光量", "曝光数",
                    "曝光次数", "impressions", "impr", "imps", "impression", "展现次数(全部)", "曝光量(次)", "impressions (all)", "views"),
    "clicks": ("点击", "点击量", "点击数", "点击次数", "有效点击", "链接点击", "链接点击量", "clicks", "link clicks",
               "clicks (all)", "all clicks", "click", "点击量(全部)", "点击人数", "outbound clicks"),
    "conversions": ("转化", "转化数", "转化量", "转化次数", "目标转化数", "目标转化量", "转化数(计费时间)", "表单提交数", "conversions",
                    "conversion", "conv", "all conv", "results", "线索量", "线索数", "leads", "表单提交", "表单提交量", "转化数(回传时间)", "目标转化数(计费时间)", "线索收集量", "conversions (all)", "total conversions", "leads (form)"),
    # --- leads ---
    "lead_id": ("线索ID", "线索编号", "线索编码", "线索号", "销售线索ID", "商机ID", "商机编号", "lead id", "lead number",
                "lead no", "opportunity id", "deal id", "MQL ID", "MQL编号", "SQL ID", "线索唯一编号", "销售线索编号", "潜在客户编号", "潜客ID", "prospect id", "lead record id", "lead code", "lead key"),
    "created_at": ("创建时间", "创建日期", "线索创建时间", "线索创建日期", "商机创建时间", "录入时间", "获取时间", "留资时间",
                   "进线时间", "created", "created at", "created date", "create date", "create time", "created time",
                   "date created", "creation date", "lead created date", "created on", "线索获取日期", "留资日期", "进线日期", "注册时间", "lead create date", "lead created", "record created", "record create date", "create datetime", "submitted date", "form submission date", "date added"),
    "expected_value": ("预计金额", "预期金额", "预估金额", "预计成交金额", "预计收入", "预期价值", "商机金额", "线索价值",
                       "意向金额", "expected value", "expected amount", "expected revenue", "estimated value",
                       "estimated amount", "potential value", "pipeline value", "预测金额", "商机预计金额", "预计签约金额", "forecast amount", "projected value"),
    "mql_at": ("MQL时间", "MQL日期", "转MQL时间", "转为MQL时间", "成为MQL时间", "市场认可时间", "营销合格时间", "市场合格时间",
               "mql at", "mql date", "mql time", "marketing qualified date",
               "became a marketing qualified lead date", "成为MQL日期", "转为营销合格线索时间", "营销合格线索时间", "marketing qualified lead date", "mql qualified date", "became mql date"),
    "sql_at": ("SQL时间", "SQL日期", "转SQL时间", "转为SQL时间", "成为SQL时间", "销售认可时间", "销售合格时间", "转商机时间",
               "转化为商机时间", "商机转化时间", "sql at", "sql date", "sql time", "sales qualified date",
               "became a sales qualified lead date", "became an opportunity date", "converted date", "线索转换时间", "转换时间", "转换日期", "转商机日期", "转为商机时间", "sales qualified lead date", "became sql date", "opportunity created date", "lead converted date"),
    "won_at": ("赢单时间", "赢单日期", "签约时间", "签约日期", "成单时间", "成单日期", "成为客户时间", "won at", "won date",
               "date won", "closed won date", "became a customer date", "签单时间", "签单日期", "won time", "closed won at"),
    "lost_at": ("输单时间", "输单日期", "丢单时间", "丢单日期", "战败时间", "战败日期", "失败时间", "lost at", "lost date",
                "date lost", "closed lost date", "关闭失败日期", "lost time", "closed lost at"),
    "deal_value": ("成交金额", "成交额", "赢单金额", "合同金额", "签约金额", "deal value", "deal amount", "won amount",
                   "closed amount", "contract value", "contract amount", "成交价", "合同总额", "实际成交金额", "赢单金额(元)", "recent deal amount", "won deal amount", "closed won amount", "total contract value", "tcv"),
    "first_response_at": ("首次响应时间", "首响时间", "首次跟进时间", "首次联系时间", "首次回复时间", "首次触达时间",
                          "首次沟通时间", "首次外呼时间", "first response at", "first response", "first response time",
                          "first response date", "first contacted", "first contact date", "first touch date",
                          "first call time", "首次跟进日期", "首次接触时间", "首次接触日期", "首次联系日期", "first activity date", "first engagement date", "first contact time", "first outreach date"),
    "stage": ("阶段", "商机阶段", "销售阶段", "线索阶段", "线索状态", "商机状态", "跟进状态", "成交状态", "赢单状态",
              "生命周期阶段", "stage", "deal stage", "opportunity stage", "sales stage", "pipeline stage",
              "lead status", "lifecycle stage", "outcome", "成交阶段", "商机进展", "线索状态名称", "stage name", "deal stage name", "opportunity status", "lead stage", "pipeline status"),
    "close_date": ("关闭日期", "关闭时间", "成交日期", "成交时间", "结单日期", "结单时间", "close date", "closed date",
                   "close time", "closed at", "date closed", "实际成交日期", "实际结单日期", "赢单/输单日期", "closing date", "actual close date", "close won date"),
    # --- customers, orders ---
    "customer_id": ("客户ID", "客户编号", "客户编码", "客户代码", "客户号", "会员ID", "会员编号", "买家ID", "账户ID",
                    "customer id", "customer no", "customer number", "client id", "account id", "account number",
                    "buyer id", "客户", "客户名称", "customer", "customer name", "account", "account name", "client"),
    "acquired_at": ("成为客户时间", "成为客户日期", "首次成交时间", "首次成交日期", "首单时间", "首单日期", "首次购买时间",
                    "首购日期", "获客时间", "获客日期", "acquired at", "acquired date", "acquisition date", "customer since",
                    "became a customer date", "first purchase date", "first order date", "date acquired"),
    "churned_at": ("流失时间", "流失日期", "取消时间", "退订时间", "解约时间", "停用时间", "churned at", "churn date",
                   "churned date", "cancellation date", "cancelled at", "canceled at", "cancel date"),
    "order_id": ("订单ID", "订单号", "订单编号", "单号", "交易号", "交易ID", "交易单号", "流水号", "合同编号", "合同号",
                 "order id", "order no", "order number", "transaction id", "contract id", "contract no", "订单", "order"),
    "order_date": ("下单时间", "下单日期", "订单日期", "订单时间", "交易时间", "交易日期", "付款时间", "付款日期", "支付时间",
                   "支付日期", "order date", "order time", "purchase date", "transaction date", "payment date",
                   "paid at", "paid date", "ordered at"),
    "amount": ("订单金额", "金额", "实付金额", "支付金额", "付款金额", "实收金额", "销售额", "订单总额", "总金额", "应收金额",
               "amount", "order amount", "order total", "total", "total amount", "paid amount", "revenue", "sales",
               "gmv"),
    # --- survey_responses ---
    "response_id": ("答卷ID", "答卷编号", "回复ID", "回答ID", "反馈ID", "提交编号", "问卷回复ID", "response id", "respondent id",
                    "submission id", "response no", "responseid"),
    # --- metric_values ---
    "metric_id": ("指标", "指标ID", "指标编码", "指标代码", "指标名称", "KPI", "KPI名称", "metric", "metric id",
                  "metric name", "kpi name", "measure", "indicator"),
    "period_start": ("期间开始", "周期开始", "开始日期", "统计周期", "统计月份", "统计日期", "月份", "期间", "月", "日期",
                     "period start", "period start date", "period", "month", "date", "start date", "week"),
    "grain": ("粒度", "时间粒度", "统计粒度", "颗粒度", "周期类型", "频率", "grain", "granularity", "frequency",
              "period type", "time grain", "interval"),
    "scope_type": ("范围类型", "对象类型", "维度类型", "范围", "层级", "scope type", "scope", "level", "entity type"),
    "scope_id": ("范围ID", "对象ID", "对象", "对象名称", "适用对象", "维度值", "scope id", "scope value", "entity",
                 "entity id"),
    "value": ("数值", "值", "指标值", "实际值", "完成值", "实际", "value", "actual", "metric value", "kpi value",
              "actual value"),
    "source": ("数据来源", "来源", "出处", "data source", "source"),
    "note": ("备注", "说明", "注释", "描述", "评论", "note", "notes", "comment", "comments", "remark", "remarks",
             "description", "memo"),
    # --- feedback_360 ---
    "period": ("考核周期", "评估周期", "评价周期", "考评周期", "绩效周期", "周期", "期间", "季度", "period", "review period",
               "review cycle", "evaluation period", "cycle", "quarter"),
    "reviewer_role": ("评价人角色", "评价者角色", "评价关系", "评估关系", "关系", "评价人类型", "reviewer role", "rater role",
                      "rater type", "reviewer type", "relationship", "relation"),
    "reviewer_id": ("评价人ID", "评价者ID", "评价人工号", "评价人", "评价者", "评估人", "评分人", "评价人姓名", "reviewer id",
                    "rater id", "reviewer", "rater", "evaluator", "reviewer name", "rater name"),
    "dimension": ("维度", "评价维度", "能力维度", "考核维度", "能力项", "评估项", "考核项", "胜任力", "dimension",
                  "competency", "competence", "criterion", "criteria", "question", "item", "skill"),
    "score": ("得分", "分数", "评分", "分值", "打分", "score", "rating", "points"),
    # --- touches (multi-touch attribution: one row per marketing touch of a lead) ---
    "touched_at": ("触点时间", "触点日期", "触达时间", "触达日期", "接触时间", "互动时间", "互动日期", "访问时间", "访问日期",
                   "点击时间", "浏览时间", "行为时间", "事件时间", "touched at", "touch time", "touch date", "touchpoint time",
                   "touchpoint date", "touch timestamp", "interaction time", "interaction date", "event time", "event date",
                   "event timestamp", "activity date", "activity time", "visit time", "visit date", "session start",
                   "session date", "click time", "engagement date"),
}

TABLE_SYNONYMS: dict[str, dict[str, tuple[str, ...]]] = {
    "people": {
        "person_id": ("ID", "编号", "用户ID", "user id", "member id"),
        "name": ("姓名", "员工姓名", "人员姓名", "成员姓名", "名字", "全名", "名称", "full name", "employee name",
                 "display name", "name"),
        "active": ("状态", "status"),
    },
    "channels": {
        "channel_id": ("ID", "编号"),
        "name": ("渠道名称", "渠道名", "名称", "channel name", "display name"),
        "kind": ("渠道类型", "渠道类别", "类型", "类别", "分类", "种类", "channel type", "type", "category"),
    },
    "campaigns": {
        "campaign_id": ("ID", "编号"),
        "name": ("活动名称", "营销活动名称", "市场活动名称", "推广计划名称", "计划名称", "广告系列名称", "名称", "campaign name",
                 "title"),
        "kind": ("活动类型", "活动形式", "推广类型", "营销类型", "广告系列类型", "类型", "形式", "类别", "campaign type", "type",
                 "format", "category"),
        "start_date": ("开始日期", "开始时间", "起始日期", "活动开始", "活动开始日期", "活动开始时间", "投放开始日期", "开始",
                       "start date", "start time", "start", "starts", "begin date", "from"),
        "end_date": ("结束日期", "结束时间", "截止日期", "活动结束", "活动结束日期", "活动结束时间", "投放结束日期", "结束",
                     "end date", "end time", "end", "ends", "finish date", "to"),
        "budget": ("预算", "活动预算", "总预算", "预算金额", "计划预算", "budget", "total budget", "campaign budget",
                   "lifetime budget", "planned budget"),
    },
    "spend": {
        "date": ("日期", "时间", "投放日期", "消耗日期", "统计日期", "统计时间", "数据日期", "报表日期", "分日", "日", "天",
                 "day", "report date", "stat date", "reporting starts", "date start"),
        "cost": ("金额", "amount"),
    },
    "leads": {
        "lead_id": ("ID", "编号", "记录ID", "联系人ID", "客户线索ID", "record id", "contact id"),
        "stage": ("状态", "status"),
        "deal_value": ("金额", "amount", "opportunity amount"),
    },
    "customers": {
        "customer_id": ("ID", "编号", "record id", "用户ID", "user id", "member id"),
        "acquired_at": ("创建时间", "创建日期", "注册时间", "注册日期", "签约日期", "开户时间", "created date", "create date",
                        "signup date", "sign up date", "registration date"),
    },
    "orders": {
        "order_id": ("ID", "编号"),
        "customer_id": ("用户ID", "user id", "member id", "买家", "buyer"),
        "order_date": ("日期", "时间", "创建时间", "签约日期", "成交时间", "成交日期", "date", "created at", "created date"),
        "amount": ("成交金额", "合同金额", "签约金额"),
    },
    "survey_responses": {
        "response_id": ("ID", "编号", "序号", "答题编号"),
        "date": ("日期", "提交时间", "提交日期", "提交答卷时间", "填写时间", "答题时间", "回复时间", "调研日期", "时间",
                 "response date", "submitted at", "submitted", "submission date", "survey date", "completed at",
                 "timestamp", "day"),
        "score": ("NPS", "NPS得分", "NPS评分", "NPS分数", "推荐意愿", "推荐可能性", "推荐度", "推荐得分", "满意度",
                  "nps score", "likelihood to recommend", "recommend score"),
        "customer_id": ("用户ID", "user id", "会员", "respondent"),
    },
    "metric_values": {
        "scope_id": ("团队", "人员", "渠道", "team", "person"),
    },
    "touches": {
        "lead_id": ("联系人ID", "客户ID", "访客ID", "record id", "contact id", "visitor id", "user id"),
        "touched_at": ("时间", "日期", "时间戳", "time", "date", "timestamp", "datetime"),
        "channel_id": ("触点渠道", "触点来源", "渠道来源", "touch channel", "touchpoint channel", "touch source", "medium",
                       "utm medium"),
        "campaign_id": ("触点活动", "touch campaign"),
    },
    "feedback_360": {
        "person_id": ("被评人", "被评人ID", "被评人工号", "被评人姓名", "被评价人", "被评价人ID", "被评价人姓名", "被考核人",
                      "被考核人姓名", "员工", "员工姓名", "姓名", "ratee", "reviewee", "evaluatee", "employee",
                      "employee name", "person", "name"),
        "reviewer_role": ("角色", "评价角色", "role"),
        "score": ("考核得分", "评价得分", "评价分数"),
    },
}

# table -> column -> headers that fill the column when no header of the file maps to it, taken from whatever column
# they would otherwise fill: a lead export with "first contact date" and no created date was created then.
FALLBACK_SYNONYMS: dict[str, dict[str, tuple[str, ...]]] = {
    "leads": {
        "created_at": ("首次接触时间", "首次接触日期", "首次联系时间", "首次联系日期", "首次触达时间", "first contact date",
                       "first contact time", "first contacted", "first touch date", "first activity date",
                       "first engagement date", "first seen", "first visit date"),
    },
}
