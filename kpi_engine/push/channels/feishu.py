"""Feishu / Lark custom group bot.

Signing (Feishu custom bot, "signature verification"): ``timestamp`` is the time in seconds; the key of an
HMAC-SHA256 over an empty message is ``timestamp + "\\n" + secret``; its digest, base64-encoded, is ``sign``;
both go in the JSON body beside ``msg_type`` and ``content``. The message is a rich-text ``post``.

A custom bot cannot upload an image: with the destination options ``app_id`` (and the secret ``app_secret``)
of a Feishu app, the chart is uploaded through the Open API (``tenant_access_token``, then ``im/v1/images``,
base ``options.api_base``, default https://open.feishu.cn) and shown in the post by its ``image_key``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
import uuid

from kpi_engine.push.channels import SendError, check_code, post, post_json
from kpi_engine.push.destinations import Destination
from kpi_engine.push.message import Message, is_heading, plain

API_BASE = "https://open.feishu.cn"


def sign(timestamp: str, secret: str) -> str:
    """Feishu's signature for ``timestamp`` (seconds, as text)."""
    key = f"{timestamp}\n{secret}".encode()
    return base64.b64encode(hmac.new(key, b"", digestmod=hashlib.sha256).digest()).decode()


def post_content(msg: Message, image_key: str | None = None) -> dict:
    rows: list[list[dict]] = []
    for line in msg.lines:
        style = {"style": ["bold"]} if is_heading(line) else {}
        rows.append([{"tag": "text", "text": plain(line), **style}])
    if image_key:
        rows.append([{"tag": "img", "image_key": image_key}])
    if msg.link:
        rows.append([{"tag": "a", "text": msg.link_text or msg.link, "href": msg.link}])
    locale = "zh_cn" if msg.lang == "zh" else "en_us"
    return {"post": {locale: {"title": msg.title, "content": rows}}}


def payload(dest: Destination, msg: Message, now: float, image_key: str | None = None) -> dict:
    body: dict = {"msg_type": "post", "content": post_content(msg, image_key)}
    secret = dest.secret("sign")
    if secret:
        ts = str(int(now))
        body = {"timestamp": ts, "sign": sign(ts, secret), **body}
    return body


def _multipart(fields: dict[str, str], file_field: str, file_name: str, data: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    out = bytearray()
    for name, value in fields.items():
        out += (f"--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").encode()
    out += (f"--{boundary}\r\nContent-Disposition: form-data; name=\"{file_field}\"; filename=\"{file_name}\"\r\n"
            "Content-Type: image/png\r\n\r\n").encode()
    out += data + f"\r\n--{boundary}--\r\n".encode()
    return bytes(out), f"multipart/form-data; boundary={boundary}"


def upload_image(dest: Destination, png: bytes) -> str:
    """The ``image_key`` of ``png`` uploaded with the destination's Feishu app."""
    base = str(dest.options.get("api_base") or API_BASE).rstrip("/")
    auth = post_json(f"{base}/open-apis/auth/v3/tenant_access_token/internal",
                     {"app_id": str(dest.options["app_id"]), "app_secret": dest.secret("app_secret")})
    check_code(auth, "code")
    token = str(auth.get("tenant_access_token") or "")
    body, content_type = _multipart({"image_type": "message"}, "image", "chart.png", png)
    answer = post(f"{base}/open-apis/im/v1/images", body, content_type, headers={"Authorization": f"Bearer {token}"})
    check_code(answer, "code")
    key = (answer.get("data") or {}).get("image_key")
    if not key:
        raise SendError("the image upload gave no image_key", retry=False)
    return str(key)


def send(dest: Destination, msg: Message, done: dict[str, str], *, now: float | None = None) -> None:
    if msg.image and dest.options.get("app_id") and "image" not in done:
        done["image"] = upload_image(dest, msg.image)
    if "post" not in done:
        answer = post_json(dest.target, payload(dest, msg, time.time() if now is None else now, done.get("image")))
        check_code(answer, "code", "StatusCode")
        done["post"] = "ok"
