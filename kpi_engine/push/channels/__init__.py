"""One module per platform; each has ``send(dest, message, done, *, now)`` that sends the parts of a message not
in ``done`` yet (adding each part's name once the platform accepted it) and raises :class:`SendError` otherwise.

``done`` lives across the retries of one delivery, so a retry never repeats a part that already arrived (the
WeCom text when only its image failed). ``now`` (epoch seconds) is the signing clock, injectable for tests.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Callable
from importlib import import_module

from kpi_engine.push.destinations import Destination
from kpi_engine.push.message import Message

TIMEOUT = 15.0  # seconds per HTTP request
USER_AGENT = "kpi-dashboard-push/1"


class SendError(RuntimeError):
    """A part of a message was not accepted; ``retry`` says whether trying again can help."""

    def __init__(self, message: str, *, retry: bool = True) -> None:
        super().__init__(message)
        self.retry = retry


def post(url: str, body: bytes, content_type: str = "application/json; charset=utf-8",
         headers: dict[str, str] | None = None) -> dict:
    """POST ``body`` and return the JSON answer; :class:`SendError` on a network error, HTTP error or non-JSON.

    The message of the error never holds the URL (it may carry a key): callers add what they can show.
    """
    if not url.lower().startswith(("http://", "https://")):
        raise SendError("the webhook must be an http(s) URL", retry=False)
    req = urllib.request.Request(url, data=body, method="POST",  # noqa: S310 - scheme checked above
                                 headers={"Content-Type": content_type, "User-Agent": USER_AGENT, **(headers or {})})
    try:
        with urllib.request.urlopen(req, timeout=TIMEOUT) as resp:  # noqa: S310 - scheme checked above
            raw = resp.read()
    except urllib.error.HTTPError as exc:
        retry = exc.code >= 500 or exc.code == 429
        raise SendError(f"HTTP {exc.code} {exc.reason}", retry=retry) from None
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        reason = getattr(exc, "reason", None) or exc.__class__.__name__
        raise SendError(f"cannot reach the server ({reason})") from None
    try:
        answer = json.loads(raw.decode("utf-8") or "{}")
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise SendError("the server did not answer with JSON") from None
    return answer if isinstance(answer, dict) else {}


def post_json(url: str, payload: dict, headers: dict[str, str] | None = None) -> dict:
    return post(url, json.dumps(payload, ensure_ascii=False).encode("utf-8"), headers=headers)


def check_code(answer: dict, *keys: str) -> None:
    """Platforms answer HTTP 200 with an error code: 0 is success, anything else is refused (not retried)."""
    for key in keys:
        if key in answer:
            code = answer.get(key)
            if code not in (0, "0"):
                text = answer.get("msg") or answer.get("errmsg") or answer.get("StatusMessage") or ""
                raise SendError(f"refused: {key}={code} {text}".strip(), retry=False)
            return
    raise SendError(f"unexpected answer (no {' or '.join(keys)})", retry=False)


Sender = Callable[..., None]


def sender(kind: str) -> Sender:
    """The ``send`` function of a destination kind."""
    module = {"email": "mail"}.get(kind, kind)
    return import_module(f"kpi_engine.push.channels.{module}").send


__all__ = ["Destination", "Message", "SendError", "check_code", "post", "post_json", "sender"]
