"""The standup's alerts, each with a severity so the most urgent come first.

Three kinds, each measured as the share of a team target it puts at stake (``severity``: 0.25 = a quarter
of the target; pages show it ×100):

``pace``
    A channel behind pace on leads this month (pacing status at risk or off track against its monthly
    target). Severity = the channel's shortfall against its pro-rated target to date, as a share of the
    team's lead target to date (the sum of the channels' targets when the team has none): a channel far
    behind but with a small share of the target weighs little.
``sla``
    Leads created this week (Monday .. yesterday) not answered within the response SLA
    (``response_sla_hours``). Severity = the team's SLA target minus the share answered in time
    (1.0 when there is no target); no alert when the share meets the target. Names the owners with the
    most late leads.
``spend``
    A campaign (or a channel) whose spend yesterday is more than :data:`SPIKE_FACTOR` × its median daily
    spend over the :data:`SPIKE_DAYS` days before (days without spend count as 0; nothing is flagged
    without a usual level above 0). Severity = the spend above the usual level, as a share of the team's
    daily budget (the sum of the usual levels when there is no budget). A channel is not flagged again
    when one of its campaigns already is.

All numbers come from ``kpi_engine.metrics.query.compute``; names from small keyed queries.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from kpi_engine import fmt, pacing, schema, targets
from kpi_engine.i18n import t
from kpi_engine.metrics.query import compute
from kpi_engine.settings import Settings, in_force
from kpi_engine.standup.board import Windows, prorating

SPIKE_FACTOR = 2.0
SPIKE_DAYS = 28
TOP = 3
WORST_OWNERS = 3
KINDS: tuple[str, ...] = ("pace", "sla", "spend")


@dataclass(frozen=True)
class Alert:
    """One alert. ``scope_type`` is channel, campaign or team; ``channel_id``/``campaign_id``/``person_ids``
    say where to drill down; ``facts`` holds the numbers of the sentence (raw values, formatted per language)."""

    kind: str
    severity: float
    scope_type: str
    scope_id: str
    name: str
    channel_id: str = ""
    campaign_id: str = ""
    person_ids: tuple[str, ...] = ()
    person_names: tuple[str, ...] = ()
    person_counts: tuple[int, ...] = ()
    facts: tuple[tuple[str, float | None], ...] = ()

    def fact(self, key: str) -> float | None:
        return dict(self.facts).get(key)

    def label(self, lang: str = "en") -> str:
        """The scope's name in every language (``小红书笔记``); the id only when the store has no name for it
        (issue 11, point 3: names, never ids). ``lang`` is kept for callers that pass it."""
        return self.name or self.scope_id

    def title(self, lang: str = "en") -> str:
        return t(f"standup_alert_{self.kind}_title", lang, name=self.label(lang), kind=self._scope_word(lang))

    def text(self, lang: str = "en", settings: Settings | None = None) -> str:
        """The alert as a sentence in ``lang`` (with ``settings``, else those of the store in force)."""
        s = in_force(settings)
        f = dict(self.facts)
        if self.kind == "pace":
            return t("standup_alert_pace_text", lang, name=self.label(lang), actual=fmt.count(f["actual"], lang),
                     expected=fmt.count(f["expected"], lang), target=fmt.count(f["target"], lang),
                     projected=fmt.count(f["projected"], lang), achievement=fmt.achievement(f["achievement"], lang),
                     share=fmt.percent(f["share"], lang))
        if self.kind == "sla":
            owners = ("、" if lang == "zh" else ", ").join(
                f"{n} ({c})" for n, c in zip(self.person_names, self.person_counts, strict=True))
            key = "standup_alert_sla_text" if owners else "standup_alert_sla_text_noowner"
            return t(key, lang, late=fmt.count(f["late"], lang), leads=fmt.count(f["leads"], lang),
                     late_yesterday=fmt.count(f["late_yesterday"], lang), hours=f"{s.response_sla_hours:g}",
                     rate=fmt.percent(f["rate"], lang), target=fmt.percent(f["target"], lang), owners=owners)
        return t("standup_alert_spend_text", lang, kind=self._scope_word(lang), name=self.label(lang),
                 spent=fmt.money(f["spent"], lang, settings=s), ratio=fmt.number(f["ratio"], 1, lang),
                 usual=fmt.money(f["usual"], lang, settings=s), days=SPIKE_DAYS,
                 excess=fmt.money(f["excess"], lang, settings=s), share=fmt.percent(f["share"], lang))

    def _scope_word(self, lang: str) -> str:
        return t(f"standup_scope_{self.scope_type}", lang)


def _names(engine: Engine, table: sa.Table, key: str, ids: Iterable[str], *extra: str) -> dict[str, tuple]:
    """{id: (name, *extra columns)} for ``ids`` (a keyed lookup with bound values)."""
    wanted = sorted({i for i in ids if i})
    if not wanted:
        return {}
    cols = [table.c[key], table.c.name, *(table.c[e] for e in extra)]
    with engine.connect() as conn:
        rows = conn.execute(sa.select(*cols).where(table.c[key].in_(wanted))).all()
    return {str(r[0]): tuple(r[1:]) for r in rows}


def _team_target(engine: Engine, metric: str, start: dt.date, end: dt.date) -> float | None:
    value = targets.target_value(engine, metric, start=start, end=end)
    return value if value and value > 0 else None


def pace_alerts(engine: Engine, w: Windows, as_of: dt.date, settings: Settings | None = None,
                spread: pacing.Spread | None = None) -> list[Alert]:
    """Channels behind pace on leads this month, weighted by their share of the target; ``spread``: how the
    month's lead target is spread over its days (the board's, :func:`kpi_engine.standup.board.prorating`)."""
    how = (spread or pacing.Spread()).kwargs()
    month = w.month_period
    goals = targets.targets_for(engine, ["leads"], start=month[0], end=month[1], scope_type="channel")
    goals = goals[goals["target"] > 0]
    if goals.empty or as_of < month[0]:
        return []
    actual = compute(engine, ["leads"], by="channel", start=w.month[0], end=min(as_of, w.month[1]), settings=settings)
    leads = dict(zip(actual["channel_id"], actual["leads"], strict=True))
    elapsed = pacing.share(month, (month[0], as_of), **how)
    team = _team_target(engine, "leads", *month) or float(goals["target"].sum())
    team_to_date = team * elapsed
    names = _names(engine, schema.channels, "channel_id", goals["scope_id"])
    out = []
    for row in goals.itertuples(index=False):
        cid, target = str(row.scope_id), float(row.target)
        p = pacing.pace(float(leads.get(cid, 0)), target, month, as_of, settings=settings, **how)
        if p.status not in ("at_risk", "off_track") or p.expected_to_date is None:
            continue
        shortfall = p.expected_to_date - float(leads.get(cid, 0))
        if shortfall <= 0 or team_to_date <= 0:
            continue
        out.append(Alert(
            kind="pace", severity=shortfall / team_to_date, scope_type="channel", scope_id=cid,
            name=str(names.get(cid, (cid,))[0] or cid), channel_id=cid,
            facts=(("actual", float(leads.get(cid, 0))), ("expected", p.expected_to_date), ("target", target),
                   ("projected", p.projected), ("achievement", p.achievement), ("share", target / team),
                   ("shortfall", shortfall), ("status_off", 1.0 if p.status == "off_track" else 0.0)),
        ))
    return out


def sla_alerts(engine: Engine, w: Windows, settings: Settings | None = None) -> list[Alert]:
    """Leads created this week not answered within the SLA, with the owners who have the most late leads."""
    metrics = ["leads", "leads_within_sla"]
    week = compute(engine, metrics, start=w.week[0], end=w.yesterday, settings=settings)
    leads, within = int(week["leads"].iloc[0]), int(week["leads_within_sla"].iloc[0])
    late = leads - within
    if leads == 0 or late == 0:
        return []
    rate = within / leads
    target = _team_target(engine, "response_sla", *w.month_period) or 1.0  # a rate: the month's target
    if rate >= target:
        return []
    day = compute(engine, metrics, start=w.yesterday, end=w.yesterday, settings=settings)
    late_yesterday = int(day["leads"].iloc[0]) - int(day["leads_within_sla"].iloc[0])
    owners = compute(engine, metrics, by="person", start=w.week[0], end=w.yesterday, settings=settings)
    owners = owners.assign(late=owners["leads"] - owners["leads_within_sla"])
    owners = owners[(owners["late"] > 0) & (owners["person_id"] != "")]
    owners = owners.sort_values(["late", "person_id"], ascending=[False, True]).head(WORST_OWNERS)
    names = _names(engine, schema.people, "person_id", owners["person_id"])
    ids = tuple(str(p) for p in owners["person_id"])
    return [Alert(
        kind="sla", severity=target - rate, scope_type="team", scope_id="", name="",
        person_ids=ids, person_names=tuple(str(names.get(p, (p,))[0] or p) for p in ids),
        person_counts=tuple(int(c) for c in owners["late"]),
        facts=(("late", float(late)), ("leads", float(leads)), ("late_yesterday", float(late_yesterday)),
               ("rate", rate), ("target", target)),
    )]


def _spikes(frame: pd.DataFrame, key: str, day: dt.date) -> pd.DataFrame:
    """Per ``key``: yesterday's spend, the usual (median) daily spend before, and the ratio; spikes only."""
    frame = frame[frame[key] != ""]
    before = frame[frame["period_start"] < day].groupby(key)["spend"].median()
    spent = frame[frame["period_start"] == day].groupby(key)["spend"].sum()
    table = pd.DataFrame({"usual": before, "spent": spent}).fillna(0.0)
    table = table[(table["usual"] > 0) & (table["spent"] > SPIKE_FACTOR * table["usual"])]
    return table.assign(ratio=table["spent"] / table["usual"], excess=table["spent"] - table["usual"])


def spend_alerts(engine: Engine, w: Windows, settings: Settings | None = None) -> list[Alert]:
    """Campaigns and channels whose spend yesterday was far above their usual daily level."""
    y = w.yesterday
    start = y - dt.timedelta(days=SPIKE_DAYS)
    by_campaign = compute(engine, ["spend"], by="campaign", grain="day", start=start, end=y, dense=True,
                          settings=settings)
    by_channel = compute(engine, ["spend"], by="channel", grain="day", start=start, end=y, dense=True,
                         settings=settings)
    if by_channel.empty or not (by_channel["period_start"] == y).any():
        return []
    usual_total = float(by_channel[by_channel["period_start"] < y].groupby("channel_id")["spend"].median().sum())
    budget = _team_target(engine, "spend", y, y) or usual_total
    if budget <= 0:
        return []
    camp = _spikes(by_campaign, "campaign_id", y)
    chan = _spikes(by_channel, "channel_id", y)
    camp_info = _names(engine, schema.campaigns, "campaign_id", camp.index, "channel_id")
    chan_names = _names(engine, schema.channels, "channel_id", [*chan.index, *(v[1] for v in camp_info.values())])
    out = []
    flagged_channels = set()
    for cid, row in camp.iterrows():
        name, channel = camp_info.get(str(cid), (cid, ""))
        flagged_channels.add(str(channel or ""))
        out.append(_spend_alert("campaign", str(cid), str(name or cid), row, budget, channel=str(channel or ""),
                                campaign=str(cid)))
    for cid, row in chan.iterrows():
        if str(cid) not in flagged_channels:
            name = chan_names.get(str(cid), (cid,))[0]
            out.append(_spend_alert("channel", str(cid), str(name or cid), row, budget, channel=str(cid)))
    return out


def _spend_alert(scope: str, sid: str, name: str, row: pd.Series, budget: float, *, channel: str,
                 campaign: str = "") -> Alert:
    return Alert(kind="spend", severity=float(row["excess"]) / budget, scope_type=scope, scope_id=sid, name=name,
                 channel_id=channel, campaign_id=campaign,
                 facts=(("spent", float(row["spent"])), ("usual", float(row["usual"])), ("ratio", float(row["ratio"])),
                        ("excess", float(row["excess"])), ("share", float(row["excess"]) / budget)))


def rank(alerts: Iterable[Alert]) -> tuple[Alert, ...]:
    """Most urgent first: by severity, then kind and scope id (a stable order for equal severities)."""
    return tuple(sorted(alerts, key=lambda a: (-a.severity, KINDS.index(a.kind), a.scope_id)))


def find_alerts(engine: Engine, w: Windows, as_of: dt.date | None = None, settings: Settings | None = None,
                spreads: Mapping[str, pacing.Spread] | None = None) -> tuple[Alert, ...]:
    """Every alert for the standup on ``w``, most urgent first (``as_of``: the last day paced, default yesterday;
    ``spreads``: the board's pro-rating per metric, default :func:`kpi_engine.standup.board.prorating`)."""
    day = as_of or w.yesterday
    spreads = prorating(engine, w, settings) if spreads is None else spreads
    found = [*pace_alerts(engine, w, day, settings, spreads.get("leads")), *sla_alerts(engine, w, settings), *spend_alerts(engine, w, settings)]
    return rank(found)
