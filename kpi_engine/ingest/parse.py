"""DuckDB SQL expressions that turn upload text into typed values.

Every builder takes the SQL of a text expression (already trimmed, blank ->
NULL) and returns the SQL of the parsed value, NULL when it can't be parsed.
Only code-owned literals are inlined (formats, choice words); values from the
file or the user never enter the SQL text. Expressions are evaluated by DuckDB
over a whole column at once: cheap checks first, costlier fallbacks inside
``COALESCE``/``CASE`` so they only run on the values that need them.
"""

from __future__ import annotations

# Year range accepted for dates; outside it a value is reported as a bad date
# (a typo such as 0026-10-01 or 20226-10-01).
MIN_YEAR = 1900
MAX_YEAR = 2200

# Words that mean yes / no in a boolean column (compared lower-cased).
TRUE_WORDS = ("yes", "y", "true", "t", "1", "on", "active", "是", "对", "有效", "在职", "启用", "√", "✓")
FALSE_WORDS = ("no", "n", "false", "f", "0", "off", "inactive", "否", "不", "无效", "离职", "停用", "×", "✗")

# Choice synonyms (lower-cased word -> canonical choice), beyond the choices themselves.
CHOICE_SYNONYMS: dict[str, dict[str, str]] = {
    "kind": {
        "付费": "paid", "付费投放": "paid", "广告": "paid", "sem": "paid", "cpc": "paid",
        "自然": "organic", "自然流量": "organic", "seo": "organic",
        "社交": "social", "社媒": "social", "社交媒体": "social", "新媒体": "social",
        "活动": "event", "会议": "event", "展会": "event", "线下": "event",
        "邮件": "email", "e-mail": "email", "edm": "email",
        "推荐": "referral", "转介绍": "referral", "合作伙伴": "referral", "partner": "referral",
        "其他": "other", "其它": "other",
    },
    "reviewer_role": {
        "上级": "manager", "经理": "manager", "主管": "manager", "领导": "manager",
        "同事": "peer", "平级": "peer", "colleague": "peer",
        "下级": "subordinate", "下属": "subordinate", "direct report": "subordinate",
        "自评": "self", "本人": "self", "自己": "self",
        "跨部门": "cross-department", "cross department": "cross-department", "crossdepartment": "cross-department",
        "cross_department": "cross-department",
    },
    "grain": {
        "日": "day", "天": "day", "daily": "day", "周": "week", "weekly": "week", "月": "month", "monthly": "month",
        "季": "quarter", "季度": "quarter", "quarterly": "quarter", "年": "year", "年度": "year", "yearly": "year",
        "annual": "year",
    },
    "scope_type": {
        "团队": "team", "部门": "team", "个人": "person", "人员": "person", "people": "person",
        "渠道": "channel", "活动": "campaign", "营销活动": "campaign",
    },
}

# Lead stages (normalised: lower-case, spaces _ - / removed) that mean won or lost.
WON_STAGES = (
    "won", "closedwon", "win", "wins", "dealwon", "closedwin", "签约", "已签约", "赢单", "已赢单", "成交", "已成交",
    "赢得", "签单", "已签单", "赢单成交", "合同签订", "回款", "已回款",
)
LOST_STAGES = (
    "lost", "closedlost", "lose", "loss", "deallost", "closedloss", "输单", "已输单", "丢单", "已丢单", "失败",
    "关闭", "已关闭", "失单", "流失", "放弃", "无效关闭", "关闭失败",
)


def lit(value: str) -> str:
    """A SQL string literal for a code-owned constant (never for user text)."""
    return "'" + value.replace("'", "''") + "'"


def _in_list(words: tuple[str, ...] | list[str]) -> str:
    return "(" + ", ".join(lit(w) for w in words) + ")"


def clean_text(expr: str) -> str:
    """Blank -> NULL (the reader already strips values; constants are stripped by the caller)."""
    return f"NULLIF({expr}, '')"


def number(x: str, *, percent: bool = False) -> str:
    """Number from text: plain, 1,234.5, ¥1,200 / 1200元 / $12, (12) negative, 1.2万, 3亿; 12% when ``percent``."""
    suffix = "万|亿|%" if percent else "万|亿"
    s = f"regexp_replace(regexp_replace({x}, '^\\((.*)\\)$', '-\\1'), '(?i)\\s|¥|￥|\\$|元|rmb|cny|usd', '', 'g')"
    commas_ok = f"(NOT contains({s}, ',') OR regexp_matches({s}, '^[+-]?\\d{{1,3}}(,\\d{{3}})+(\\.\\d*)?({suffix})?$'))"
    core = f"regexp_replace(replace({s}, ',', ''), '({suffix})$', '')"
    mult = (
        f"CASE WHEN ends_with({s}, '万') THEN 10000.0 WHEN ends_with({s}, '亿') THEN 100000000.0 "
        + (f"WHEN ends_with({s}, '%') THEN 0.01 " if percent else "")
        + "ELSE 1.0 END"
    )
    slow = (
        f"CASE WHEN {commas_ok} AND regexp_matches({core}, '^[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?$') "
        f"THEN TRY_CAST({core} AS DOUBLE) * {mult} END"
    )
    fast = f"TRY_CAST({x} AS DOUBLE)"
    return f"COALESCE(CASE WHEN isfinite({fast}) THEN {fast} END, CASE WHEN {x} IS NOT NULL THEN {slow} END)"


def boolean(x: str) -> str:
    """Boolean from yes/no words in English and Chinese."""
    low = f"lower({x})"
    return f"CASE WHEN {low} IN {_in_list(TRUE_WORDS)} THEN TRUE WHEN {low} IN {_in_list(FALSE_WORDS)} THEN FALSE END"


def choice(x: str, choices: tuple[str, ...], column: str) -> str:
    """The canonical choice for a value matched case-insensitively (plus synonyms), else NULL."""
    pairs = {c.lower(): c for c in choices}
    pairs.update({k: v for k, v in CHOICE_SYNONYMS.get(column, {}).items() if v in choices})
    whens = " ".join(f"WHEN {lit(k)} THEN {lit(v)}" for k, v in pairs.items())
    return f"CASE lower({x}) {whens} END"


_YMD = "^(\\d{4})\\s*[-/.年]\\s*(\\d{1,2})\\s*[-/.月]\\s*(\\d{1,2})\\s*[日号]?"
_HM = "(?:[T\\s]+|\\s*)(\\d{1,2})\\s*[:时點点]\\s*(\\d{1,2})"
_S = "\\s*[:分]\\s*(\\d{1,2}(?:\\.\\d+)?)\\s*秒?"
_NUMERIC_DMY = "^(\\d{1,2})[-/.](\\d{1,2})[-/.](\\d{4})"
NUMERIC_DMY_RE = _NUMERIC_DMY  # a numeric nn/nn/yyyy date: day or month first (dates.py)
_MONTH_NAME_FORMATS = (
    "%b %d, %Y", "%B %d, %Y", "%b %d %Y", "%B %d %Y", "%d-%b-%Y", "%d-%b-%y", "%d %b %Y", "%d %B %Y",
    "%b %d, %Y %I:%M %p", "%b %d, %Y %H:%M", "%b %d, %Y %I:%M:%S %p", "%d-%b-%Y %H:%M", "%d-%b-%Y %H:%M:%S",
    "%a %b %d %Y", "%a, %d %b %Y %H:%M:%S",
)
_SLASH_TIME_FORMATS = ("%I:%M:%S %p", "%I:%M %p", "%H:%M:%S", "%H:%M", "%H:%M:%S.%f")


def numeric_dmy(x: str) -> str:
    """True for a numeric ``nn/nn/yyyy`` value (separators / - .), the only form whose order can be in doubt."""
    return f"regexp_matches({x}, '{_NUMERIC_DMY}')"


def numeric_parts(x: str) -> tuple[str, str]:
    """SQL of the first and second number of a numeric ``nn/nn/yyyy`` value (NULL for any other value).

    A cheap test on the separator's position runs first, so ISO dates (2026-04-03) never reach the regex.
    """
    cheap = f"(substr({x}, 2, 1) IN ('/', '-', '.') OR substr({x}, 3, 1) IN ('/', '-', '.'))"
    parts = [
        f"CASE WHEN {cheap} THEN TRY_CAST(NULLIF(regexp_extract({x}, '{_NUMERIC_DMY}', {i}), '') AS INTEGER) END"
        for i in (1, 2)
    ]
    return parts[0], parts[1]


def timestamp(x: str, *, order: str = "mdy") -> str:
    """Timestamp from the many ways exports write dates; ISO with Z/offset converted to the business timezone.

    Uses the bound parameter ``$tz`` (the business timezone). ``order`` (dmy, mdy or ymd) decides numeric
    ``01/10/2026``: day first, month first, or not a date at all (ymd: only year-first forms are dates).
    Year-first, compact, serial and month-name forms read the same under every order. The caller applies
    ``year_in_range`` to the result.
    """
    ymd_date = f"TRY_CAST(regexp_replace({x}, '{_YMD}$', '\\1-\\2-\\3') AS TIMESTAMP)"
    ymd_hm = f"TRY_CAST(regexp_replace({x}, '{_YMD}{_HM}\\s*分?$', '\\1-\\2-\\3 \\4:\\5:00') AS TIMESTAMP)"
    ymd_hms = f"TRY_CAST(regexp_replace({x}, '{_YMD}{_HM}{_S}$', '\\1-\\2-\\3 \\4:\\5:\\6') AS TIMESTAMP)"
    fmt = {"dmy": "%d/%m/%Y", "mdy": "%m/%d/%Y"}.get(order)
    slash = "CAST(NULL AS TIMESTAMP)"
    if fmt is not None:
        slash_formats = [fmt] + [f"{fmt} {t}" for t in _SLASH_TIME_FORMATS]
        slash = (
            f"CASE WHEN regexp_matches({x}, '{_NUMERIC_DMY}') THEN "
            f"try_strptime(regexp_replace({x}, '{_NUMERIC_DMY}', '\\1/\\2/\\3'), [{', '.join(lit(f) for f in slash_formats)}]) END"
        )
    compact = f"CASE WHEN regexp_matches({x}, '^\\d{{8}}$') THEN try_strptime({x}, '%Y%m%d') END"
    serial = (
        f"CASE WHEN regexp_matches({x}, '^\\d{{5}}(\\.\\d+)?$') AND TRY_CAST({x} AS DOUBLE) BETWEEN 20000 AND 80000 "
        f"THEN TIMESTAMP '1899-12-30' + to_microseconds(CAST(round(TRY_CAST({x} AS DOUBLE) * 86400000000) AS BIGINT)) END"
    )
    named = (
        f"CASE WHEN regexp_matches({x}, '[A-Za-z]{{3}}') THEN "
        f"try_strptime({x}, [{', '.join(lit(f) for f in _MONTH_NAME_FORMATS)}]) END"
    )
    zoned = (
        f"timezone($tz, CASE WHEN regexp_matches({x}, "
        f"'\\d[T ]\\d{{1,2}}:\\d{{2}}(:\\d{{2}}(\\.\\d+)?)?\\s*(Z|z|[+-]\\d{{2}}(:?\\d{{2}})?)$') "
        f"THEN TRY_CAST({x} AS TIMESTAMPTZ) END)"
    )
    rest = f"{ymd_date}, {ymd_hm}, {ymd_hms}, {slash}, {compact}, {serial}, {named}"
    # ISO text with a zone suffix must not take the fast path (the cast would drop the offset).
    maybe_zoned = f"({x} LIKE '%Z' OR {x} LIKE '%z' OR {x} LIKE '%+%' OR {x} LIKE '%:%-%')"
    return (
        f"CASE WHEN {x} IS NULL THEN NULL "
        f"WHEN {maybe_zoned} THEN COALESCE({zoned}, {rest}) "
        f"ELSE COALESCE(TRY_CAST({x} AS TIMESTAMP), {rest}) END"
    )


def year_in_range(v: str) -> str:
    """``v`` (a parsed timestamp) when its year is plausible, else NULL."""
    return f"CASE WHEN year({v}) BETWEEN {MIN_YEAR} AND {MAX_YEAR} THEN {v} END"


def out_of_range_year(parsed: str, kept: str) -> str:
    """TRUE when ``parsed`` is a real date that ``year_in_range`` dropped (``kept`` is NULL), else NULL."""
    return f"CASE WHEN {kept} IS NULL AND {parsed} IS NOT NULL THEN TRUE END"


def stage_class(x: str) -> str:
    """'won', 'lost' or NULL (open / unknown stage) for a stage text."""
    norm = f"regexp_replace(lower({x}), '[\\s_\\-/]', '', 'g')"
    return f"CASE WHEN {norm} IN {_in_list(WON_STAGES)} THEN 'won' WHEN {norm} IN {_in_list(LOST_STAGES)} THEN 'lost' END"
