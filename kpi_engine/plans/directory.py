"""Who and what exists, for the plan checks: people and their managers, teams, channels and campaigns with their
owners, and every scope's name (so messages name people and channels, never ids)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from kpi_engine import schema
from kpi_engine.plans.model import Scope


@dataclass(frozen=True)
class Directory:
    people: dict[str, str]  # person -> manager ("" for none)
    teams: set[str]
    channels: dict[str, str]  # channel -> owner
    campaigns: dict[str, tuple[str, str]]  # campaign -> (channel, owner)
    names: dict[str, str] = field(default_factory=dict)  # scope key (person:p03, channel:douyin) -> name

    @classmethod
    def load(cls, engine: Engine) -> Directory:
        p, ch, ca = schema.people, schema.channels, schema.campaigns
        with engine.connect() as conn:
            named = {f"{kind}:{r[0]}": r[1] for kind, tab, key in (("person", p, "person_id"), ("channel", ch, "channel_id"),
                                                                  ("campaign", ca, "campaign_id"))
                     for r in conn.execute(sa.select(tab.c[key], tab.c.name)) if r[1]}
            people = {r[0]: r[1] or "" for r in conn.execute(sa.select(p.c.person_id, p.c.manager_id))}
            teams = {r[0] for r in conn.execute(sa.select(p.c.team).distinct()) if r[0]}
            channels = {r[0]: r[1] or "" for r in conn.execute(sa.select(ch.c.channel_id, ch.c.owner_id))}
            campaigns = {r[0]: (r[1], r[2] or "") for r in conn.execute(sa.select(ca.c.campaign_id, ca.c.channel_id,
                                                                                   ca.c.owner_id))}
        return cls(people, teams, channels, campaigns, named)

    def person(self, person_id: str) -> str:
        """A person's name (their id only when the people table has no name for them)."""
        return self.names.get(f"person:{person_id}") or person_id

    def exists(self, scope: Scope) -> bool:
        if scope.type == "team":
            return not scope.id or scope.id in self.teams
        known: dict[str, Collection[str]] = {"person": self.people, "channel": self.channels, "campaign": self.campaigns}
        return scope.id in known[scope.type]

    def influencers(self, scope: Scope) -> set[str] | None:
        """Who can influence a scope's numbers (None: anyone in the team)."""
        if scope.type == "person":
            direct = {scope.id}
        elif scope.type == "channel":
            direct = {self.channels.get(scope.id, "")}
        elif scope.type == "campaign":
            channel, owner = self.campaigns.get(scope.id, ("", ""))
            direct = {owner, self.channels.get(channel, "")}
        else:
            return None
        direct.discard("")
        return direct | {self.people.get(d, "") for d in direct} - {""}
