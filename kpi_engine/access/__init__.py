"""Who may see and change what: sign-in, roles enforced in the engine, and the audit log.

- :mod:`.principal`: the signed-in :class:`Principal` (role, person, the people they may see) and the
  checks the engine's entry points call (:func:`require`, :func:`check_card`, :func:`guard_query`).
- :mod:`.passwords`: argon2id hashes.
- :mod:`.users`: local accounts, sign-in with slow-down after failures, single sign-on identities.
- :mod:`.audit`: the append-only audit log.

The current principal lives in a context variable: the dashboard sets it at the start of every run
from the session's sign-in, the command line runs as the local operator (``system``, full access).
"""

from __future__ import annotations

from kpi_engine.access.principal import (
    PERMISSIONS,
    ROLES,
    SYSTEM,
    NotAllowed,
    Principal,
    acting_as,
    actor_name,
    check_card,
    check_scope,
    current,
    guard_query,
    require,
    set_current,
)

__all__ = ["PERMISSIONS", "ROLES", "SYSTEM", "NotAllowed", "Principal", "acting_as", "actor_name", "check_card", "check_scope", "current",
           "guard_query", "require", "set_current"]
