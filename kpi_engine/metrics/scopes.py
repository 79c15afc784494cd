"""Which scope (team, channel, person, campaign) each fact row belongs to, declared as data.

A :class:`ScopePath` starts at a column of the fact and follows primary keys through
dimension tables (LEFT JOINs, so a fact row is never counted twice); ``fallback`` is
tried when the first path gives NULL. The compiler (``kpi_engine.metrics.compile``)
turns paths into joins; a row without the key belongs to ``''``.

- Leads: first touch, the lead's own channel, campaign and owner (and the owner's team).
- Spend: its own channel and campaign; person and team through the campaign's owner.
- Customers: ``customers.channel_id``, else its lead's channel; campaign, owner and team
  through ``customers.lead_id``. Orders and survey answers through their customer
  (a survey answer's own ``channel_id`` first).
- Manual values (``metric_values``): one path table per ``scope_type``. A campaign reaches
  its channel, owner and the owner's team; a person their team.
"""

from __future__ import annotations

from dataclasses import dataclass

SCOPES: tuple[str, ...] = ("team", "channel", "person", "campaign")
KEY_COLUMNS: dict[str, str] = {"team": "team", "channel": "channel_id", "person": "person_id", "campaign": "campaign_id"}


@dataclass(frozen=True)
class ScopePath:
    """How a fact row reaches a scope key: a column of the fact, then LEFT JOINs by primary key.

    ``ScopePath("campaign_id", (("campaigns", "owner_id"), ("people", "team")))`` reads the
    spend row's campaign, that campaign's owner, and that person's team.
    """

    column: str
    hops: tuple[tuple[str, str], ...] = ()
    fallback: ScopePath | None = None


_LEAD = (("customers", "lead_id"),)  # from a customer id to its lead id


def _via_lead(start: str, first_hops: tuple[tuple[str, str], ...], column: str, *more: tuple[str, str]) -> ScopePath:
    return ScopePath(start, (*first_hops, ("leads", column), *more))


SCOPE_PATHS: dict[str, dict[str, ScopePath]] = {
    "leads": {
        "channel": ScopePath("channel_id"),
        "campaign": ScopePath("campaign_id"),
        "person": ScopePath("owner_id"),
        "team": ScopePath("owner_id", (("people", "team"),)),
    },
    "spend": {
        "channel": ScopePath("channel_id"),
        "campaign": ScopePath("campaign_id"),
        "person": ScopePath("campaign_id", (("campaigns", "owner_id"),)),
        "team": ScopePath("campaign_id", (("campaigns", "owner_id"), ("people", "team"))),
    },
    "customers": {
        "channel": ScopePath("channel_id", (), ScopePath("lead_id", (("leads", "channel_id"),))),
        "campaign": ScopePath("lead_id", (("leads", "campaign_id"),)),
        "person": ScopePath("lead_id", (("leads", "owner_id"),)),
        "team": ScopePath("lead_id", (("leads", "owner_id"), ("people", "team"))),
    },
    "orders": {
        "channel": ScopePath("customer_id", (("customers", "channel_id"),), _via_lead("customer_id", _LEAD, "channel_id")),
        "campaign": _via_lead("customer_id", _LEAD, "campaign_id"),
        "person": _via_lead("customer_id", _LEAD, "owner_id"),
        "team": _via_lead("customer_id", _LEAD, "owner_id", ("people", "team")),
    },
    "survey_responses": {
        "channel": ScopePath("channel_id", (), ScopePath("customer_id", (("customers", "channel_id"),),
                                                         _via_lead("customer_id", _LEAD, "channel_id"))),
        "campaign": _via_lead("customer_id", _LEAD, "campaign_id"),
        "person": _via_lead("customer_id", _LEAD, "owner_id"),
        "team": _via_lead("customer_id", _LEAD, "owner_id", ("people", "team")),
    },
}

# Manual values: scope_type -> the scopes a row of that type reaches.
MANUAL_PATHS: dict[str, dict[str, ScopePath]] = {
    "team": {"team": ScopePath("scope_id")},
    "channel": {"channel": ScopePath("scope_id")},
    "person": {"person": ScopePath("scope_id"), "team": ScopePath("scope_id", (("people", "team"),))},
    "campaign": {
        "campaign": ScopePath("scope_id"),
        "channel": ScopePath("scope_id", (("campaigns", "channel_id"),)),
        "person": ScopePath("scope_id", (("campaigns", "owner_id"),)),
        "team": ScopePath("scope_id", (("campaigns", "owner_id"), ("people", "team"))),
    },
}


def manual_scope_type(scopes: tuple[str, ...]) -> str:
    """The scope_type of the manual rows that answer a request touching ``scopes`` (``by`` and ``where``).

    The coarsest type that reaches every scope: team, channel, person, then campaign (which reaches all).
    """
    for scope_type in ("team", "channel", "person", "campaign"):
        if all(s in MANUAL_PATHS[scope_type] for s in scopes):
            return scope_type
    raise ValueError(f"no manual scope reaches {', '.join(scopes)}")  # pragma: no cover - campaign reaches all
