"""View state that lives in the URL, so a copied link opens the same view.

Each piece of state is a session-state key mirrored in ``st.query_params``
under the same name. The URL is read once per session (when the key is not yet
in session state); afterwards session state is the source of truth and
``sync_url()`` writes it back after the widgets ran, so the address bar always
shows the current view (also after a page switch, which clears the query string).
Widgets use the state name as their ``key``, so they read and write it directly.

The browser's back and forward buttons put an earlier address back and rerun the page: a value in the URL that
differs from the one this session last wrote there came from the browser, and the view follows it (a value the
URL lacks, as after a page switch, leaves the view as it is).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

import streamlit as st

Dump = Callable[[Any], "str | None"]

# name -> how to write the value into the URL. Module-level: the same for every session.
_REGISTRY: dict[str, Dump] = {}
_WRITTEN = "_url_written"  # session state: name -> the text this session last saw or wrote in the URL


def url_state(name: str, default: Any, parse: Callable[[str], Any] = str, dump: Dump = str) -> Any:
    """Initialise ``st.session_state[name]`` once from ``?name=`` (else ``default``) and return it.

    ``parse`` turns the URL text into a value and raises ``ValueError`` for text it
    does not accept (the default is used then).
    """
    _REGISTRY[name] = dump
    written = st.session_state.setdefault(_WRITTEN, {})
    raw = st.query_params.get(name)
    if name not in st.session_state:
        value = default
        if raw is not None:
            try:
                value = parse(raw)
            except (TypeError, ValueError):
                value = default
        st.session_state[name] = value
        written[name] = raw
    elif raw is not None and raw != written.get(name, raw):  # back or forward: the browser's address wins
        try:
            st.session_state[name] = parse(raw)
        except (TypeError, ValueError):
            pass  # an address this session never wrote and cannot read: the view stays
        written[name] = raw
    return st.session_state[name]


def sync_url(names: Sequence[str] | None = None, *, omit: Sequence[str] = ()) -> None:
    """Write the registered state (or just ``names``) into the query string; skip unchanged values.

    ``omit``: state that does not apply to the current view (kept in the session, left out of the URL).
    """
    written = st.session_state.setdefault(_WRITTEN, {})
    for name in names or list(_REGISTRY):
        if name not in omit and name not in st.session_state:
            continue  # registered by another session's page, not read from this session's URL yet: leave it
        dump = _REGISTRY.get(name, str)
        value = None if name in omit else st.session_state.get(name)
        text = None if value is None else dump(value)
        if text in (None, ""):
            if name in st.query_params:
                del st.query_params[name]
            written[name] = None
        else:
            if st.query_params.get(name) != text:
                st.query_params[name] = text
            written[name] = text


def choice(options: Sequence[str]) -> Callable[[str], str]:
    """A parser accepting only one of ``options``."""
    allowed = tuple(options)

    def parse(raw: str) -> str:
        if raw not in allowed:
            raise ValueError(f"{raw!r} is not one of {allowed}")
        return raw

    return parse


def parse_date(raw: str) -> dt.date:
    return dt.date.fromisoformat(raw.strip())


def dump_date(value: Any) -> str | None:
    return value.isoformat() if isinstance(value, dt.date) else None


def parse_range(raw: str) -> tuple[dt.date, dt.date]:
    """``2026-10-01..2026-10-31`` -> (start, end), start <= end."""
    first, sep, last = raw.partition("..")
    if not sep:
        raise ValueError(f"not a date range: {raw!r}")
    start, end = parse_date(first), parse_date(last)
    return (start, end) if start <= end else (end, start)


def dump_range(value: Any) -> str | None:
    if isinstance(value, (tuple, list)) and len(value) == 2 and all(isinstance(v, dt.date) for v in value):
        return f"{value[0].isoformat()}..{value[1].isoformat()}"
    return None  # half-picked range: leave the URL as it was
