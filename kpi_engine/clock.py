"""One clock and one as-of rule for every page, report and command.

- :func:`business_today` is "today" as the team lives it: the date in the business time zone
  (setting ``timezone``, default Asia/Shanghai), whatever the server's own zone is. At 07:30
  in Shanghai it is already the new day, even on a server in UTC where it is still 23:30.
- The *morning* of a view is the day someone opens it (``?asof=`` on a page, ``--as-of`` in the
  CLI, default today). :func:`data_through` is the last day whose data a morning uses: the day
  before. Yesterday is complete; today is not, so a score never depends on the hour it is read.

Pages, reports and commands call these two functions instead of ``date.today()``; a test pins
the clock with the environment variable ``KPI_TODAY`` (``YYYY-MM-DD``). What is written to the store
(uploads, changes, sign-ins, sends) is stamped with :func:`stamp`, in the zone the store's settings name.
"""

from __future__ import annotations

import datetime as dt
import os
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from kpi_engine import periods
from kpi_engine.settings import Settings, in_force
from kpi_engine.settings_read import load_settings

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection, Engine

TODAY_ENV = "KPI_TODAY"


def zone(settings: Settings | None = None) -> ZoneInfo:
    """The business time zone; an unknown name is an error that names the setting."""
    name = in_force(settings).timezone
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {name!r} in the setting 'timezone' (use a name like Asia/Shanghai)") from None


def business_now(settings: Settings | None = None) -> dt.datetime:
    """Now in the business time zone, as a naive local datetime (how timestamps are stored)."""
    return dt.datetime.now(zone(settings)).replace(tzinfo=None, microsecond=0)


def stamp(bind: Engine | Connection) -> dt.datetime:
    """The time to record on ``bind``'s store (an upload, a change, a sign-in): now in the time zone that
    store's settings name, to the second. Give the open ``Connection`` inside a transaction."""
    return business_now(load_settings(bind))


def business_today(settings: Settings | None = None) -> dt.date:
    """Today's date in the business time zone (or ``$KPI_TODAY`` when set, for tests and replays)."""
    pinned = os.environ.get(TODAY_ENV, "").strip()
    if pinned:
        return periods.to_date(pinned)
    return business_now(settings).date()


def morning(as_of: dt.date | dt.datetime | str | None = None, settings: Settings | None = None) -> dt.date:
    """The morning a view is held on: ``as_of`` if given, else the business day today."""
    return periods.to_date(as_of) if as_of is not None else business_today(settings)


def data_through(as_of: dt.date | dt.datetime | str | None = None, settings: Settings | None = None) -> dt.date:
    """The last day whose data the morning ``as_of`` uses: the day before it (yesterday is complete, today is not)."""
    return morning(as_of, settings) - dt.timedelta(days=1)
