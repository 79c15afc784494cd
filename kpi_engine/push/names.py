"""Names for ids (people, channels, campaigns) so a message never shows a bare id; keyed queries, bound values."""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from kpi_engine import schema
from kpi_engine.i18n import t

TABLES = {"person": (schema.people, "person_id"), "channel": (schema.channels, "channel_id"),
          "campaign": (schema.campaigns, "campaign_id")}


def names(engine: Engine, scope_type: str, ids: Iterable[str]) -> dict[str, str]:
    """``{id: name}`` for the ids found (an id without a row keeps no entry)."""
    wanted = sorted({str(i) for i in ids if i})
    if scope_type not in TABLES or not wanted:
        return {}
    table, key = TABLES[scope_type]
    with engine.connect() as conn:
        rows = conn.execute(sa.select(table.c[key], table.c.name).where(table.c[key].in_(wanted))).all()
    return {str(r[0]): str(r[1]) for r in rows if r[1]}


def scope_labels(engine: Engine, scopes: Iterable[str], lang: str) -> dict[str, str]:
    """Labels of plan scopes (``team``, ``person:p03``, ``channel:douyin``): the team, else the name from its table."""
    scopes = list(dict.fromkeys(str(s) for s in scopes))
    by_type: dict[str, list[str]] = {}
    for s in scopes:
        kind, _, sid = s.partition(":")
        by_type.setdefault(kind, []).append(sid)
    found = {kind: names(engine, kind, ids) for kind, ids in by_type.items()}
    out = {}
    for s in scopes:
        kind, _, sid = s.partition(":")
        if kind == "team" and not sid:
            out[s] = t("push_scope_team", lang)
        else:
            out[s] = found.get(kind, {}).get(sid) or t("push_scope_unnamed", lang, kind=t(f"push_scope_{kind}", lang))
    return out
