"""Local stand-ins for the group-bot platforms: real HTTP servers on 127.0.0.1 that check what the platform checks.

Each server runs in a thread on a random port and records every request. It verifies the signature or key the way
the platform documents it and answers as the platform does (error code and message on a bad signature), so a
test that passes here sends what Feishu, DingTalk and WeCom would accept. ``fail_first`` makes the first n
requests answer HTTP 503 (for retry tests). ``wait_for(n)`` waits on a condition, never a fixed sleep.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

WINDOW = 3600  # both platforms refuse a timestamp more than an hour away


@dataclass
class Seen:
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes
    answer: dict = field(default_factory=dict)

    def json(self) -> dict:
        return json.loads(self.body.decode("utf-8"))


class Platform:
    """Base: records requests, optionally fails the first ones, answers via :meth:`handle`."""

    def __init__(self, fail_first: int = 0) -> None:
        self.seen: list[Seen] = []
        self.fail_first = fail_first
        self._cond = threading.Condition()
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                parts = urlsplit(self.path)
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                seen = Seen(parts.path, {k: v[0] for k, v in parse_qs(parts.query).items()},
                            {k.lower(): v for k, v in self.headers.items()}, body)
                with owner._cond:
                    failing = owner.fail_first > 0
                    owner.fail_first -= 1 if failing else 0
                if failing:
                    status, answer = 503, {"error": "busy"}
                else:
                    status, answer = 200, owner.handle(seen)
                seen.answer = answer
                with owner._cond:  # recorded before answering: a client's calls one after another keep their order
                    owner.seen.append(seen)
                    owner._cond.notify_all()
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: object) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def handle(self, seen: Seen) -> dict:  # pragma: no cover - overridden
        raise NotImplementedError

    def wait_for(self, count: int, timeout: float = 10.0) -> list[Seen]:
        with self._cond:
            if not self._cond.wait_for(lambda: len(self.seen) >= count, timeout):
                raise AssertionError(f"expected {count} requests, got {len(self.seen)}")
            return list(self.seen)

    def accepted(self) -> list[Seen]:
        return [s for s in self.seen if s.answer.get("code", s.answer.get("errcode")) == 0]


class Feishu(Platform):
    """Custom bot webhook ``/open-apis/bot/v2/hook/<id>`` with signing, and the Open API image upload."""

    def __init__(self, secret: str, app_id: str = "", app_secret: str = "", fail_first: int = 0) -> None:
        super().__init__(fail_first)
        self.secret, self.app_id, self.app_secret = secret, app_id, app_secret
        self.images: dict[str, bytes] = {}
        self.hook = f"{self.url}/open-apis/bot/v2/hook/7f1c-test"

    @staticmethod
    def expected_sign(timestamp: str, secret: str) -> str:
        key = f"{timestamp}\n{secret}".encode()
        return base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode()

    def handle(self, seen: Seen) -> dict:
        if seen.path == "/open-apis/auth/v3/tenant_access_token/internal":
            body = seen.json()
            if (body.get("app_id"), body.get("app_secret")) != (self.app_id, self.app_secret):
                return {"code": 10003, "msg": "invalid param"}
            return {"code": 0, "msg": "ok", "tenant_access_token": "t-local-token", "expire": 7200}
        if seen.path == "/open-apis/im/v1/images":
            if seen.headers.get("authorization") != "Bearer t-local-token":
                return {"code": 99991663, "msg": "Invalid access token"}
            form = message_from_bytes(b"Content-Type: " + seen.headers["content-type"].encode() + b"\r\n\r\n" + seen.body)
            fields = {p.get_param("name", header="content-disposition"): p.get_payload(decode=True)
                      for p in form.get_payload()}
            if fields.get("image_type") != b"message" or not fields.get("image", b"").startswith(b"\x89PNG"):
                return {"code": 234001, "msg": "Invalid request param."}
            key = f"img_v2_{len(self.images) + 1}"
            self.images[key] = fields["image"]
            return {"code": 0, "msg": "success", "data": {"image_key": key}}
        if not seen.path.startswith("/open-apis/bot/v2/hook/"):
            return {"code": 19001, "msg": "param invalid: incoming webhook access token invalid"}
        body = seen.json()
        ts, sign = str(body.get("timestamp", "")), body.get("sign", "")
        if self.secret and (not ts.isdigit() or abs(time.time() - int(ts)) > WINDOW
                            or sign != self.expected_sign(ts, self.secret)):
            return {"code": 19021, "msg": "sign match fail or timestamp is not within one hour from current time"}
        if body.get("msg_type") not in ("text", "post", "image", "interactive", "share_chat"):
            return {"code": 19002, "msg": "params error, msg_type need"}
        return {"StatusCode": 0, "StatusMessage": "success", "code": 0, "data": {}, "msg": "success"}


class DingTalk(Platform):
    """Custom robot ``/robot/send?access_token=..&timestamp=..&sign=..`` (signing with the secret)."""

    def __init__(self, secret: str, token: str = "dt-token", fail_first: int = 0) -> None:
        super().__init__(fail_first)
        self.secret, self.token = secret, token
        self.hook = f"{self.url}/robot/send?access_token={token}"

    def handle(self, seen: Seen) -> dict:
        if seen.query.get("access_token") != self.token:
            return {"errcode": 300001, "errmsg": "token is not exist"}
        ts, sign = seen.query.get("timestamp", ""), seen.query.get("sign", "")  # sign arrives URL-decoded
        digest = hmac.new(self.secret.encode(), f"{ts}\n{self.secret}".encode(), hashlib.sha256).digest()
        if not ts.isdigit() or abs(time.time() * 1000 - int(ts)) > WINDOW * 1000 \
                or sign != base64.b64encode(digest).decode():
            return {"errcode": 310000, "errmsg": "sign not match"}
        body = seen.json()
        if body.get("msgtype") == "markdown" and not (body["markdown"].get("title") and body["markdown"].get("text")):
            return {"errcode": 40035, "errmsg": "缺少参数 markdown"}
        return {"errcode": 0, "errmsg": "ok"}


class WeCom(Platform):
    """Group robot ``/cgi-bin/webhook/send?key=..``: markdown up to 4096 bytes, images as base64 + md5."""

    def __init__(self, key: str = "wc-key-0001", fail_first: int = 0) -> None:
        super().__init__(fail_first)
        self.key = key
        self.hook = f"{self.url}/cgi-bin/webhook/send?key={key}"
        self.images: list[bytes] = []

    def handle(self, seen: Seen) -> dict:
        if seen.path != "/cgi-bin/webhook/send" or seen.query.get("key") != self.key:
            return {"errcode": 93000, "errmsg": "invalid webhook url"}
        body = seen.json()
        if body.get("msgtype") == "markdown":
            if len(body["markdown"]["content"].encode("utf-8")) > 4096:
                return {"errcode": 40058, "errmsg": "markdown.content exceed max length 4096"}
            return {"errcode": 0, "errmsg": "ok"}
        if body.get("msgtype") == "image":
            raw = base64.b64decode(body["image"]["base64"])
            if hashlib.md5(raw).hexdigest() != body["image"]["md5"]:
                return {"errcode": 301019, "errmsg": "media md5 not match"}
            self.images.append(raw)
            return {"errcode": 0, "errmsg": "ok"}
        return {"errcode": 40008, "errmsg": "invalid message type"}


@contextmanager
def running(platform: Platform) -> Iterator[Platform]:
    thread = threading.Thread(target=platform.server.serve_forever, daemon=True)
    thread.start()
    try:
        yield platform
    finally:
        platform.server.shutdown()
        platform.server.server_close()
        thread.join(5)
