"""Alerts raised by the rules: logged once, sent once, acknowledged or muted.

:func:`raise_alerts` evaluates the active rules (:mod:`kpi_engine.push.rules`) for a morning and records each
alert in ``alert_events`` under its deduplication key ``rule|scope_type:scope_id|day``: an alert already there is
not recorded (nor sent) again, however often the job runs. A new alert is ``open`` unless a mute covers it
(``alert_mutes``: a rule, optionally one scope, through a date), then it is ``muted`` (logged, never sent).
:func:`run_alerts` sends the open alerts of the day in one message and marks them ``sent``;
:func:`acknowledge` marks one ``acknowledged`` (an open one is then not sent). Acknowledgements, mutes and
unmutes are recorded in the audit log (who, when, before and after) in the same transaction.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from kpi_engine import access, clock, schema
from kpi_engine.access import audit
from kpi_engine.i18n import t
from kpi_engine.push import compose, rules
from kpi_engine.push.config import PushConfig
from kpi_engine.push.delivery import Outcome, Retry, deliver
from kpi_engine.push.message import Message
from kpi_engine.settings import Settings

_E, _M = schema.alert_events, schema.alert_mutes
STATUSES: tuple[str, ...] = ("open", "sent", "muted", "acknowledged")


def _who(user: str | None) -> str | None:
    """Who acted: the signed-in user on the dashboard, else ``user`` (the command line's $KPI_USER)."""
    return access.actor_name() or user or None


def _muted(conn: sa.Connection, found: rules.Found) -> bool:
    query = sa.select(sa.func.count()).select_from(_M).where(
        _M.c.rule_id == found.rule_id, _M.c.scope.in_(["", found.scope]), _M.c.until >= found.day)
    return bool(conn.execute(query).scalar())


def record(engine: Engine, found: Sequence[rules.Found]) -> list[str]:
    """Log the alerts not logged yet (by key); the keys of those that are new."""
    new = []
    now = clock.stamp(engine)
    with engine.begin() as conn:
        known = {r[0] for r in conn.execute(sa.select(_E.c.alert_key).where(_E.c.alert_key.in_([f.key for f in found])))}
        for f in found:
            if f.key in known:
                continue
            known.add(f.key)
            conn.execute(sa.insert(_E).values(
                alert_key=f.key, rule_id=f.rule_id, scope_type=f.scope_type, scope_id=f.scope_id, day=f.day,
                value=f.value, text_en=f.text_en, text_zh=f.text_zh, status="muted" if _muted(conn, f) else "open",
                raised_at=now))
            new.append(f.key)
    return new


def raise_alerts(engine: Engine, as_of: dt.date, settings: Settings | None = None) -> list[str]:
    """Evaluate the active rules for the morning ``as_of`` and log what is new; the new keys."""
    return record(engine, rules.evaluate(engine, rules.load(engine), as_of, settings))


def events(engine: Engine, *, status: str | None = None, day: dt.date | None = None, limit: int = 500) -> pd.DataFrame:
    """Logged alerts, newest first."""
    cols = [_E.c.day, _E.c.rule_id, _E.c.scope_type, _E.c.scope_id, _E.c.status, _E.c.text_en, _E.c.text_zh,
            _E.c.value, _E.c.raised_at, _E.c.sent_at, _E.c.acknowledged_at, _E.c.acknowledged_by, _E.c.alert_key]
    query = sa.select(*cols).order_by(_E.c.day.desc(), _E.c.raised_at.desc(), _E.c.alert_key).limit(limit)
    if status:
        query = query.where(_E.c.status == status)
    if day:
        query = query.where(_E.c.day == day)
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    return pd.DataFrame([tuple(r) for r in rows], columns=[c.name for c in cols])


def acknowledge(engine: Engine, alert_key: str, user: str | None = None) -> bool:
    """Mark an alert handled (an open one is then never sent); False for an unknown or already acknowledged key."""
    access.require("alerts")
    who = _who(user)
    with engine.begin() as conn:
        before = conn.execute(sa.select(_E.c.status).where(_E.c.alert_key == alert_key)).scalar()
        if before is None or before == "acknowledged":
            return False
        if not conn.execute(sa.update(_E).where(_E.c.alert_key == alert_key, _E.c.status == before)
                            .values(status="acknowledged", acknowledged_at=clock.stamp(conn),
                                    acknowledged_by=who)).rowcount:
            return False  # changed by someone else meanwhile
        audit.record(conn, "alert_ack", target=alert_key, before={"status": before},
                     after={"status": "acknowledged"}, actor=who)
    return True


def _mute_of(conn: sa.Connection, rule_id: str, scope: str) -> dict[str, object] | None:
    """The mute of ``rule_id`` / ``scope`` as the audit log shows it (None: not muted)."""
    until = conn.execute(sa.select(_M.c.until).where(_M.c.rule_id == rule_id, _M.c.scope == scope)).scalar()
    return None if until is None else {"scope": scope, "until": until}


def mute(engine: Engine, rule_id: str, until: dt.date, scope: str = "", user: str | None = None) -> None:
    """Mute a rule (or one of its scopes, ``channel:douyin``) through ``until``: its alerts are logged, not sent."""
    access.require("alerts")
    who = _who(user)
    with engine.begin() as conn:
        before = _mute_of(conn, rule_id, scope)
        conn.execute(sa.delete(_M).where(_M.c.rule_id == rule_id, _M.c.scope == scope))
        conn.execute(sa.insert(_M).values(rule_id=rule_id, scope=scope, until=until, muted_by=who,
                                          muted_at=clock.stamp(conn)))
        # what is open now and covered by the mute is not sent either
        covered = [_E.c.rule_id == rule_id, _E.c.status == "open", _E.c.day <= until]
        if scope:
            kind, _, sid = scope.partition(":")
            covered += [_E.c.scope_type == kind, _E.c.scope_id == sid]
        held = conn.execute(sa.update(_E).where(*covered).values(status="muted")).rowcount
        audit.record(conn, "alert_mute", target=rule_id, before=before, after={"scope": scope, "until": until},
                     detail=f"{held} open alert(s) muted" if held else "", actor=who)


def unmute(engine: Engine, rule_id: str, scope: str = "", user: str | None = None) -> bool:
    """Lift the mute of ``rule_id`` / ``scope``; False when there was none."""
    access.require("alerts")
    with engine.begin() as conn:
        before = _mute_of(conn, rule_id, scope)
        if before is None:
            return False
        conn.execute(sa.delete(_M).where(_M.c.rule_id == rule_id, _M.c.scope == scope))
        audit.record(conn, "alert_unmute", target=rule_id, before=before, actor=_who(user))
    return True


def mutes(engine: Engine) -> pd.DataFrame:
    cols = [_M.c.rule_id, _M.c.scope, _M.c.until, _M.c.muted_by, _M.c.muted_at]
    with engine.connect() as conn:
        rows = conn.execute(sa.select(*cols).order_by(_M.c.rule_id, _M.c.scope)).all()
    return pd.DataFrame([tuple(r) for r in rows], columns=[c.name for c in cols])


def alerts_message(frame: pd.DataFrame, day: dt.date, period: str, lang: str, cfg: PushConfig | None) -> Message:
    texts = tuple(frame["text_zh" if lang == "zh" else "text_en"])
    return Message("alerts", period, t("push_title_alerts", lang, n=len(texts), day=day.isoformat()), texts,
                   link=compose.page_link("alerts", lang, cfg, asof=(day + dt.timedelta(days=1)).isoformat()),
                   link_text=t("push_link_standup", lang), lang=lang)


def run_alerts(engine: Engine, as_of: dt.date, *, to: Sequence[str] | None = None, retry: Retry | None = None,
               cfg: PushConfig | None = None, settings: Settings | None = None) -> list[Outcome]:
    """Raise the morning's alerts and send the open ones of its data day in one message; mark them sent."""
    raise_alerts(engine, as_of, settings)
    day = clock.data_through(as_of)
    pending = events(engine, status="open", day=day).sort_values("alert_key", kind="stable")
    if pending.empty:
        return []
    keys = list(pending["alert_key"])
    period = f"{day.isoformat()}#{hashlib.sha256('|'.join(keys).encode()).hexdigest()[:10]}"
    outcomes = deliver(engine, lambda lang: alerts_message(pending, day, period, lang, cfg), kind="alerts",
                       period=period, to=to, retry=retry)
    if any(o.status == "sent" or (o.status == "skipped" and o.previous == "sent") for o in outcomes):
        with engine.begin() as conn:
            conn.execute(sa.update(_E).where(_E.c.alert_key.in_(keys), _E.c.status == "open")
                         .values(status="sent", sent_at=clock.stamp(conn)))
    return outcomes
