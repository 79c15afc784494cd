"""The demo's cast: people, channels, campaigns, events and ads of a Chinese marketing department.

Volumes are per month at scale 1 and at the end date's level (the trend makes
earlier months a little lower). Team leads come to roughly 1,000 a month, so the
SPEC's example targets (leads 1,000, lead -> customer 8%, first order ~3,000,
high-value share ~30%) are plausible.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

from kpi_engine.demo import shape

SLIDING_CHANNEL = "xiaohongshu"
RISING_PERSON = "p02"
BURST_CAMPAIGN = "sem_product"

# person_id, name, role, team, email
PEOPLE: tuple[tuple[str, str, str, str, str], ...] = (
    ("p01", "王志强", "市场负责人", "市场部", "wang.zhiqiang"),
    ("p02", "李娜", "新媒体负责人", "新媒体组", "li.na"),
    ("p03", "张伟", "活动策划", "活动与销售支持组", "zhang.wei"),
    ("p04", "陈静", "销售支持负责人", "活动与销售支持组", "chen.jing"),
    ("p05", "刘洋", "SEM专员", "增长投放组", "liu.yang"),
    ("p06", "赵敏", "内容负责人", "品牌内容组", "zhao.min"),
    ("p07", "孙悦", "设计师", "品牌内容组", "sun.yue"),
    ("p08", "周磊", "数据分析师", "增长投放组", "zhou.lei"),
)
LEAD_PERSON = "p01"
ROLE_EN: dict[str, str] = {
    "p01": "Marketing lead", "p02": "New-media lead", "p03": "Events planner", "p04": "Sales-support lead",
    "p05": "SEM specialist", "p06": "Content lead", "p07": "Designer", "p08": "Data analyst",
}


@dataclass(frozen=True)
class ChannelSpec:
    """One channel and how it behaves."""

    channel_id: str
    name: str
    kind: str
    owner_id: str
    mode: str  # "daily" | "event" | "email"
    leads_pm: float  # leads a month at scale 1 (daily channels; events and sends carry their own)
    spend_pm: float  # spend a month at scale 1 (daily channels)
    mql: float  # lead -> MQL
    sql: float  # MQL -> SQL
    win: float  # SQL -> won
    value_mult: float  # expected value relative to the department median
    promo_sens: float  # how much 618 / Double-11 lift it
    weekday: str  # profile name in shape.WEEKDAY_PROFILES
    hours: str  # profile name in HOUR_PROFILES
    cpm: float = 0.0  # cost per thousand impressions
    ctr: float = 0.0  # clicks / impressions
    skip_mql: float = 0.0  # share of SQLs that skip the MQL stage


CHANNELS: tuple[ChannelSpec, ...] = (
    ChannelSpec("douyin_video", "抖音短视频", "social", "p02", "daily", 265, 30000, 0.35, 0.30, 0.50, 0.80, 1.0,
                "social", "evening", cpm=30, ctr=0.015),
    ChannelSpec("douyin_live", "抖音直播", "social", "p02", "daily", 105, 19000, 0.30, 0.30, 0.45, 0.70, 1.3,
                "live", "live", cpm=40, ctr=0.025),
    ChannelSpec("xiaohongshu", "小红书笔记", "social", "p06", "daily", 150, 15000, 0.40, 0.30, 0.50, 0.85, 0.6,
                "social", "evening", cpm=30, ctr=0.010),
    ChannelSpec("baidu_sem", "百度搜索广告", "paid", "p05", "daily", 120, 26000, 0.50, 0.40, 0.50, 1.05, 0.5,
                "b2b", "office", cpm=200, ctr=0.050),
    ChannelSpec("wechat_mp", "微信公众号", "social", "p06", "daily", 40, 3000, 0.45, 0.35, 0.50, 1.00, 0.6,
                "b2b", "office", cpm=50, ctr=0.012),
    ChannelSpec("website", "官网自然流量", "organic", "p05", "daily", 50, 0, 0.55, 0.45, 0.55, 1.10, 0.5,
                "b2b", "office"),
    ChannelSpec("trade_show", "线下展会", "event", "p03", "event", 0, 0, 0.55, 0.40, 0.55, 1.25, 0.0,
                "b2b", "event", skip_mql=0.10),
    ChannelSpec("email", "邮件营销", "email", "p04", "email", 0, 0, 0.40, 0.35, 0.45, 1.00, 0.5,
                "b2b", "office"),
    ChannelSpec("partner", "合作伙伴推荐", "referral", "p04", "daily", 22, 0, 0.70, 0.55, 0.60, 1.30, 0.3,
                "b2b", "office", skip_mql=0.10),
)
CHANNEL_INDEX = {c.channel_id: i for i, c in enumerate(CHANNELS)}
PERSON_INDEX = {p[0]: i for i, p in enumerate(PEOPLE)}

HOUR_PROFILES: dict[str, tuple[float, ...]] = {  # relative weight of each hour 0..23
    "office": (1, 0.5, 0.3, 0.2, 0.2, 0.3, 1, 3, 7, 11, 13, 12, 8, 9, 12, 12, 11, 9, 6, 5, 4, 3, 2, 1.5),
    "evening": (3, 1.5, 0.8, 0.4, 0.3, 0.4, 1, 2.5, 4, 6, 7, 7, 9, 8, 6, 6, 6, 6, 7, 10, 12, 12, 10, 6),
    "live": (3, 1.5, 0.6, 0.3, 0.2, 0.2, 0.5, 1, 2, 3, 4, 4, 5, 5, 4, 4, 4, 5, 7, 14, 18, 18, 14, 7),
    "event": (0, 0, 0, 0, 0, 0, 0, 0, 2, 12, 14, 12, 6, 8, 12, 12, 10, 6, 2, 0, 0, 0, 0, 0),
}

TRADE_SHOWS = ("上海国际广告技术展", "深圳营销科技峰会", "北京数字营销大会", "广州品牌博览会", "杭州电商生态大会",
               "成都新消费展", "南京企业服务展", "武汉零售创新大会")
SALON_CITIES = ("上海", "北京", "深圳", "杭州", "广州", "成都", "苏州", "南京", "武汉", "西安")
TRADE_SHOW_LEADS, SALON_LEADS = 60.0, 40.0
TRADE_SHOW_COST, SALON_COST = 9000.0, 2500.0
NEWSLETTER_LEADS, PROMO_MAIL_LEADS = 6.0, 8.0
NEWSLETTER_COST, PROMO_MAIL_COST = 300.0, 500.0
EMAIL_KERNEL = (0.6, 0.25, 0.15)  # leads on the send day and the two days after


@dataclass(frozen=True)
class CampaignSpec:
    campaign_id: str
    name: str
    channel_id: str
    kind: str
    start: dt.date
    end: dt.date | None = None
    weight: float = 1.0  # share of the channel's daily leads among active campaigns
    n_ads: int = 0  # ads reported by the platform (0: campaign-level spend or none)
    budget: float | None = None  # total budget at scale 1
    event_days: tuple[dt.date, ...] = ()  # events and email sends: the days it happens
    event_leads: float = 0.0  # expected leads per event / send at scale 1
    event_cost: float = 0.0  # cost per event / send at scale 1
    owner_id: str = field(default="")


# Always-on campaigns: id, name, channel, kind, weight, ads
ALWAYS_ON: tuple[tuple[str, str, str, str, float, int], ...] = (
    ("dv_brand", "品牌故事短视频", "douyin_video", "content", 0.35, 4),
    ("dv_product", "产品种草短视频", "douyin_video", "content", 0.40, 4),
    ("dv_kol", "达人合作视频", "douyin_video", "online", 0.25, 3),
    ("dl_daily", "日常直播间", "douyin_live", "live", 0.70, 2),
    ("dl_brandday", "品牌日直播", "douyin_live", "live", 0.30, 2),
    ("xhs_notes", "产品种草笔记", "xiaohongshu", "content", 0.50, 3),
    ("xhs_kol", "博主合作笔记", "xiaohongshu", "online", 0.30, 3),
    ("xhs_search", "小红书搜索推广", "xiaohongshu", "search", 0.20, 2),
    ("sem_brand", "百度品牌词", "baidu_sem", "search", 0.35, 3),
    ("sem_product", "百度产品词", "baidu_sem", "search", 0.45, 4),
    ("sem_competitor", "百度竞品词", "baidu_sem", "search", 0.20, 3),
    ("wx_articles", "公众号推文", "wechat_mp", "content", 0.70, 0),
    ("wx_ads", "朋友圈广告", "wechat_mp", "online", 0.30, 2),
    ("pt_referral", "合作伙伴推荐计划", "partner", "referral", 0.70, 0),
    ("pt_agency", "代理商联合推广", "partner", "referral", 0.30, 0),
)

# Seasonal campaigns: id prefix, name suffix, channel, kind, weight, ads, window (month, day) .. (month, day)
SEASONAL: tuple[tuple[str, str, str, str, float, int, tuple[int, int], tuple[int, int]], ...] = (
    ("dv_618", "618 短视频种草", "douyin_video", "online", 0.8, 3, (5, 25), (6, 18)),
    ("dl_618", "618 直播专场", "douyin_live", "live", 1.0, 2, (6, 1), (6, 18)),
    ("dv_1111", "双11 短视频种草", "douyin_video", "online", 0.8, 3, (10, 20), (11, 11)),
    ("dl_1111", "双11 直播专场", "douyin_live", "live", 1.0, 2, (10, 20), (11, 11)),
    ("xhs_1111", "双11 种草笔记", "xiaohongshu", "content", 0.5, 2, (10, 20), (11, 11)),
)


def ad_count(n_ads: int, scale: float) -> int:
    """Ads per campaign grow with the square root of scale (a bigger team runs more creatives)."""
    return 0 if n_ads == 0 else max(1, round(n_ads * max(1.0, scale) ** 0.5))


def build_campaigns(cal: shape.Calendar, rng: np.random.Generator) -> list[CampaignSpec]:
    """Always-on, seasonal, event and email campaigns overlapping the calendar (loops per month, not per row)."""
    owner = {c.channel_id: c.owner_id for c in CHANNELS}
    out = [CampaignSpec(cid, name, ch, kind, cal.start, weight=w, n_ads=ads, owner_id=owner[ch])
           for cid, name, ch, kind, w, ads in ALWAYS_ON]
    for year in cal.years():
        for prefix, name, ch, kind, w, ads, (m1, d1), (m2, d2) in SEASONAL:
            start, end = dt.date(year, m1, d1), dt.date(year, m2, d2)
            if end < cal.start or start > cal.end:
                continue
            days = (end - start).days + 1
            spec = next(c for c in CHANNELS if c.channel_id == ch)
            budget = round(spec.spend_pm * 12 / 365 * days * 0.6 / 1000) * 1000.0
            out.append(CampaignSpec(f"{prefix}_{year}", f"{year} {name}", ch, kind, start, end, w, ads, budget,
                                    owner_id=owner[ch]))
        c = cny(year)
        start, end = (c - np.timedelta64(20, "D")).astype(dt.date), (c + np.timedelta64(5, "D")).astype(dt.date)
        if end >= cal.start and start <= cal.end:
            out.append(CampaignSpec(f"wx_cny_{year}", f"{year} 新春公众号活动", "wechat_mp", "content", start, end,
                                    0.6, 0, 3000.0, owner_id=owner["wechat_mp"]))
    out += _events(cal, rng, owner["trade_show"])
    out += _email(cal, owner["email"])
    return out


def cny(year: int) -> np.datetime64:
    return shape.cny(year)


def _blocked(day: dt.date) -> bool:
    """Offline events are not held around the Spring Festival."""
    d = np.datetime64(day, "D")
    for year in (day.year - 1, day.year, day.year + 1):
        lo, hi = shape.cny_window(year)
        if lo <= d <= hi:
            return True
    return False


def _months(cal: shape.Calendar) -> list[dt.date]:
    n = (cal.end.year - cal.start.year) * 12 + cal.end.month - cal.start.month + 1
    return [shape.month_start(cal.end, back) for back in range(n - 1, -1, -1)]


def _month_days(first: dt.date) -> list[dt.date]:
    nxt = shape.month_start(first + dt.timedelta(days=32))
    return [first + dt.timedelta(days=i) for i in range((nxt - first).days)]


def _events(cal: shape.Calendar, rng: np.random.Generator, owner: str) -> list[CampaignSpec]:
    """Each month: one trade show of 2-3 weekdays and three one-day customer salons, avoiding the Spring Festival."""
    out: list[CampaignSpec] = []
    for k, first in enumerate(_months(cal)):
        free = [d for d in _month_days(first) if not _blocked(d)]
        weekdays = [d for d in free if d.weekday() < 5]
        length = int(rng.integers(2, 4))
        starts = [d for d in weekdays if 6 <= d.day <= 24
                  and all((d + dt.timedelta(days=i)) in free for i in range(length))]
        if starts:
            s = starts[int(rng.integers(0, len(starts)))]
            show_days = tuple(s + dt.timedelta(days=i) for i in range(length))
            out.append(CampaignSpec(
                f"ts_{first:%Y%m}", f"{first.year} {TRADE_SHOWS[k % len(TRADE_SHOWS)]}", "trade_show", "event",
                show_days[0], show_days[-1], n_ads=0, budget=10000.0, event_days=show_days,
                event_leads=TRADE_SHOW_LEADS, event_cost=TRADE_SHOW_COST, owner_id=owner))
        else:
            show_days = ()
        options = [d for d in weekdays if d not in show_days and d.weekday() in (1, 3)]
        picks: Iterable[int] = rng.choice(len(options), size=min(3, len(options)), replace=False) if options else []
        chosen = sorted(options[int(i)] for i in picks)
        for j, day in enumerate(chosen):
            city = SALON_CITIES[(k * 3 + j) % len(SALON_CITIES)]
            out.append(CampaignSpec(
                f"sl_{first:%Y%m}_{j + 1}", f"客户沙龙·{city} {first:%Y-%m}", "trade_show", "event", day, day,
                budget=3000.0, event_days=(day,), event_leads=SALON_LEADS, event_cost=SALON_COST, owner_id=owner))
    return out


def _email(cal: shape.Calendar, owner: str) -> list[CampaignSpec]:
    """A fortnightly newsletter (Tuesdays) and a monthly promotion mail (second Thursday)."""
    days = [d.astype(dt.date) for d in cal.days]
    first_tuesday = next(d for d in days if d.weekday() == 1)
    newsletter = tuple(d for d in days if d.weekday() == 1 and (d - first_tuesday).days % 14 == 0)
    promos = tuple(d for d in days if d.weekday() == 3 and 8 <= d.day <= 14)
    return [
        CampaignSpec("em_newsletter", "双周会员通讯", "email", "email", cal.start, n_ads=0, event_days=newsletter,
                     event_leads=NEWSLETTER_LEADS, event_cost=NEWSLETTER_COST, owner_id=owner),
        CampaignSpec("em_promo", "月度促销邮件", "email", "email", cal.start, n_ads=0, event_days=promos,
                     event_leads=PROMO_MAIL_LEADS, event_cost=PROMO_MAIL_COST, owner_id=owner),
    ]


def ad_name(campaign_name: str, k: int) -> str:
    """Human name of the k-th (0-based) ad of a campaign, as an ad platform shows it."""
    return f"{campaign_name}-素材{chr(65 + k % 26)}{'' if k < 26 else k // 26}"
