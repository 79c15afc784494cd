"""The signed-in principal and the checks the engine runs on every read and write.

Roles (``schema.USER_ROLES``):

========= ==================================================================================
admin     everything: settings, users, plans, uploads and undo, the audit log, every scorecard
manager   their team tree (themselves and everyone who reports to them, directly or not): those
          people's scorecards, leads and numbers; team aggregates; review notes
member    their own scorecard, leads and 360 feedback (without rater names); team aggregates
viewer    team aggregates only: no person's numbers, scorecard, leads or feedback
========= ==================================================================================

"Team aggregates" are numbers not broken down by person: the whole team, a team, a channel, a
campaign. The engine enforces this, not the pages: :func:`guard_query` (metric queries),
:func:`check_card` (scorecards), :func:`check_scope`, :func:`require` (writes and admin views)
raise :class:`NotAllowed`, which pages show as "not allowed" without any of the data.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

ROLES: tuple[str, ...] = ("admin", "manager", "member", "viewer")
TEAM_CARD = "team"

# action -> roles allowed
PERMISSIONS: dict[str, frozenset[str]] = {
    "settings": frozenset({"admin"}),
    "users": frozenset({"admin"}),
    "audit": frozenset({"admin"}),
    "plans": frozenset({"admin"}),
    "upload": frozenset({"admin"}),
    "notes": frozenset({"admin", "manager"}),
    "rater_names": frozenset({"admin"}),
    "person_numbers": frozenset({"admin", "manager", "member"}),
    "alerts": frozenset({"admin", "manager"}),  # alert rules, acknowledge, mute (the 9:00 push)
    "push": frozenset({"admin"}),  # push destinations (webhooks and their secrets)
}


class NotAllowed(PermissionError):
    """The signed-in principal may not see or do this; ``action`` names what was refused."""

    def __init__(self, action: str, detail: str = "") -> None:
        self.action = action
        self.detail = detail
        super().__init__(f"not allowed: {action}" + (f" ({detail})" if detail else ""))


@dataclass(frozen=True)
class Principal:
    """Who is acting: ``people`` is the set of person ids whose own numbers they may see (None: everyone)."""

    username: str
    role: str
    person_id: str | None = None
    people: frozenset[str] | None = frozenset()
    name: str = ""

    def __post_init__(self) -> None:
        if self.role not in ROLES:
            raise ValueError(f"unknown role {self.role!r}; use one of: {', '.join(ROLES)}")

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    def may(self, action: str) -> bool:
        return self.role in PERMISSIONS.get(action, frozenset())

    def sees_person(self, person_id: str | None) -> bool:
        if self.people is None:
            return True
        return person_id is not None and person_id in self.people

    @property
    def cache_key(self) -> str:
        """What a cached result computed for this principal must be keyed on."""
        return f"{self.username}:{self.role}"


SYSTEM = Principal("system", "admin", people=None, name="system")
_current: ContextVar[Principal] = ContextVar("kpi_principal", default=SYSTEM)


def current() -> Principal:
    """The principal the engine acts for (the command line: :data:`SYSTEM`)."""
    return _current.get()


def set_current(principal: Principal) -> None:
    """Act for ``principal`` from now on in this thread (the dashboard calls it at the start of every run)."""
    _current.set(principal)


def actor_name() -> str | None:
    """The signed-in user's name for "who did it" columns; None on the command line (its $KPI_USER is used)."""
    p = current()
    return None if p is SYSTEM else p.username


@contextmanager
def acting_as(principal: Principal) -> Iterator[Principal]:
    token = _current.set(principal)
    try:
        yield principal
    finally:
        _current.reset(token)


def require(action: str, principal: Principal | None = None) -> Principal:
    """Raise :class:`NotAllowed` unless the principal's role may ``action`` (see :data:`PERMISSIONS`)."""
    p = principal or current()
    if not p.may(action):
        raise NotAllowed(action, f"{p.username} is {p.role}")
    return p


def check_card(card: str, principal: Principal | None = None) -> None:
    """A scorecard: the team card is an aggregate; a person's card needs that person in view."""
    p = principal or current()
    if card == TEAM_CARD:
        return
    if not p.may("person_numbers") or not p.sees_person(card):
        raise NotAllowed("scorecard", card)


def check_scope(scope_type: str, scope_id: str | None, principal: Principal | None = None) -> None:
    """A KPI scope or a drill-down: a person's scope needs that person in view; the others are aggregates."""
    p = principal or current()
    if scope_type == "person" and scope_id:
        if not p.may("person_numbers") or not p.sees_person(scope_id):
            raise NotAllowed("person", scope_id)


def _as_list(value: str | Sequence[str]) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def guard_query(by: Sequence[str], where: Mapping[str, str | Sequence[str]] | None,
                principal: Principal | None = None) -> dict[str, str | Sequence[str]] | None:
    """The ``where`` a metric query may run with: a breakdown by person keeps only the people in view.

    Asking for a person outside the view (``where={"person": ...}``) raises :class:`NotAllowed`; a
    breakdown by person from a viewer too. Queries without persons (team, channel, campaign) pass.
    """
    p = principal or current()
    if p.people is None:
        return dict(where) if where else None
    out: dict[str, str | Sequence[str]] = dict(where or {})
    asked = _as_list(out["person"]) if "person" in out else None
    if asked is not None:
        if not p.may("person_numbers") or any(not p.sees_person(x) for x in asked if x):
            raise NotAllowed("person", ", ".join(x for x in asked if not p.sees_person(x)))
    if "person" in by and asked is None:
        if not p.may("person_numbers"):
            raise NotAllowed("person", "a breakdown by person")
        out["person"] = sorted(p.people)
    return out or None
