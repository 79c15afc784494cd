"""DingTalk custom group robot ("加签" signing).

``timestamp`` is the time in milliseconds; ``sign`` is HMAC-SHA256 keyed with the secret over
``timestamp + "\\n" + secret``, base64-encoded, then URL-encoded; both are added to the webhook URL as
``&timestamp=..&sign=..``. The message is ``markdown`` (title and text). A DingTalk robot shows images only from
a public URL, so the chart is not embedded: the deep link opens it on the page.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from urllib.parse import quote_plus

from kpi_engine.push.channels import check_code, post_json
from kpi_engine.push.channels.markdown import render
from kpi_engine.push.destinations import Destination
from kpi_engine.push.message import Message


def sign(timestamp: str, secret: str) -> str:
    """DingTalk's signature for ``timestamp`` (milliseconds, as text), URL-encoded."""
    digest = hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), digestmod=hashlib.sha256).digest()
    return quote_plus(base64.b64encode(digest).decode())


def signed_url(dest: Destination, now: float) -> str:
    secret = dest.secret("sign")
    if not secret:
        return dest.target
    ts = str(int(now * 1000))
    return f"{dest.target}{'&' if '?' in dest.target else '?'}timestamp={ts}&sign={sign(ts, secret)}"


def payload(msg: Message) -> dict:
    return {"msgtype": "markdown", "markdown": {"title": msg.title, "text": render(msg)}}


def send(dest: Destination, msg: Message, done: dict[str, str], *, now: float | None = None) -> None:
    if "markdown" not in done:
        answer = post_json(signed_url(dest, time.time() if now is None else now), payload(msg))
        check_code(answer, "errcode")
        done["markdown"] = "ok"
