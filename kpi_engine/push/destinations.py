"""Where messages go: destinations stored in ``push_destinations`` (a group bot's webhook, or email recipients).

A destination has a name, a kind (:data:`KINDS`), a target (the webhook URL, or recipients), secrets (a JSON
object: ``sign`` for Feishu and DingTalk, ``app_secret`` for Feishu images, ``password`` for SMTP), a language,
what it receives (:data:`SUBSCRIPTIONS`), options (JSON) and whether it is active. Secrets and webhook URLs
(a WeCom URL holds its key) are never shown: :meth:`Destination.masked` is what pages and commands print.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from kpi_engine import access, clock, schema

KINDS: tuple[str, ...] = ("feishu", "wecom", "dingtalk", "email")
SUBSCRIPTIONS: tuple[str, ...] = ("standup", "weekly", "monthly", "alerts", "inbox")
LANGS: tuple[str, ...] = ("zh", "en")
_NAME = re.compile(r"^[A-Za-z0-9_.\-\u4e00-\u9fff]{1,64}$")
_T = schema.push_destinations


@dataclass(frozen=True)
class Destination:
    name: str
    kind: str
    target: str
    secrets: dict[str, str] = field(default_factory=dict, repr=False)
    lang: str = "zh"
    kinds: tuple[str, ...] = SUBSCRIPTIONS
    options: dict[str, object] = field(default_factory=dict)
    active: bool = True

    def __repr__(self) -> str:  # never the URL or a secret, even in a traceback
        return f"Destination(name={self.name!r}, kind={self.kind!r}, target={self.masked()!r})"

    def secret(self, key: str) -> str:
        return self.secrets.get(key, "")

    def receives(self, kind: str) -> bool:
        return kind == "test" or kind in self.kinds

    def masked(self) -> str:
        """The target without anything secret: ``https://open.feishu.cn/…`` or the email recipients."""
        if self.kind == "email":
            return self.target
        parts = urlsplit(self.target)
        return f"{parts.scheme}://{parts.netloc}/…" if parts.netloc else "…"

    def sensitive(self) -> list[str]:
        """Texts that must never appear in a log or on a page (removed by :func:`redact`)."""
        out = [v for v in self.secrets.values() if v]
        if self.kind != "email":
            parts = urlsplit(self.target)
            out += [self.target, parts.query, parts.path]
            out += [v for piece in parts.query.split("&") for v in piece.split("=")[1:]]
        return sorted({s for s in out if len(s) >= 4}, key=len, reverse=True)


def redact(text: str, dest: Destination) -> str:
    """``text`` with the destination's URL and secrets replaced by ``***``."""
    for secret in dest.sensitive():
        text = text.replace(secret, "***")
    return text


def check(dest: Destination) -> list[str]:
    """What is wrong with ``dest`` (empty: fine), each with the fix."""
    problems = []
    if not _NAME.match(dest.name):
        problems.append(f"name {dest.name!r}: use 1 to 64 letters, digits, '_', '-' or '.'")
    if dest.kind not in KINDS:
        problems.append(f"kind {dest.kind!r}: use one of {', '.join(KINDS)}")
    if dest.lang not in LANGS:
        problems.append(f"language {dest.lang!r}: use zh or en")
    bad = [k for k in dest.kinds if k not in SUBSCRIPTIONS]
    if bad or not dest.kinds:
        problems.append(f"receives {','.join(dest.kinds)!r}: use some of {', '.join(SUBSCRIPTIONS)}")
    if dest.kind == "email":
        if not all("@" in r for r in recipients(dest)) or not recipients(dest):
            problems.append("email: give the recipients as addresses separated by commas")
    elif urlsplit(dest.target).scheme not in ("http", "https"):
        problems.append("the webhook must be an http(s) URL (copy it from the group bot's settings)")
    if dest.kind == "wecom" and "key=" not in dest.target:
        problems.append("a WeCom webhook carries its key: …/cgi-bin/webhook/send?key=…")
    return problems


def recipients(dest: Destination) -> list[str]:
    return [r.strip() for r in dest.target.split(",") if r.strip()]


def _row(r: sa.Row) -> Destination:
    return Destination(name=r.name, kind=r.kind, target=r.target, secrets=json.loads(r.secret or "{}"), lang=r.lang,
                       kinds=tuple(k for k in r.kinds.split(",") if k), options=json.loads(r.options_json or "{}"),
                       active=bool(r.active))


def save(engine: Engine, dest: Destination) -> None:
    """Add ``dest``, or replace the one with its name (admins); ``ValueError`` listing every problem."""
    access.require("push")
    problems = check(dest)
    if problems:
        raise ValueError("; ".join(problems))
    values = dict(kind=dest.kind, target=dest.target, secret=json.dumps(dest.secrets), lang=dest.lang,
                  kinds=",".join(dest.kinds), options_json=json.dumps(dest.options), active=dest.active)
    with engine.begin() as conn:
        done = conn.execute(sa.update(_T).where(_T.c.name == dest.name).values(**values)).rowcount
        if not done:
            conn.execute(sa.insert(_T).values(name=dest.name, created_at=clock.stamp(conn), **values))


def remove(engine: Engine, name: str) -> bool:
    access.require("push")
    with engine.begin() as conn:
        return bool(conn.execute(sa.delete(_T).where(_T.c.name == name)).rowcount)


def set_active(engine: Engine, name: str, active: bool) -> bool:
    access.require("push")
    with engine.begin() as conn:
        return bool(conn.execute(sa.update(_T).where(_T.c.name == name).values(active=active)).rowcount)


def load(engine: Engine, *, kind: str | None = None, names: list[str] | None = None,
         include_inactive: bool = False) -> list[Destination]:
    """Destinations by name; only active ones that receive ``kind`` (when given), or the ``names`` asked for."""
    query = sa.select(_T).order_by(_T.c.name)
    if names:
        query = query.where(_T.c.name.in_(names))
    with engine.connect() as conn:
        found = [_row(r) for r in conn.execute(query)]
    if names:
        missing = sorted(set(names) - {d.name for d in found})
        if missing:
            raise ValueError(f"no destination named {', '.join(missing)} (see: python -m kpi_engine push dest list)")
        return found
    return [d for d in found if (include_inactive or d.active) and (kind is None or d.receives(kind))]


def created_at(engine: Engine) -> dict[str, dt.datetime]:
    with engine.connect() as conn:
        return {r[0]: r[1] for r in conn.execute(sa.select(_T.c.name, _T.c.created_at))}
