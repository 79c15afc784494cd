"""WeCom (企业微信) group robot: the key is in the webhook URL (``…/cgi-bin/webhook/send?key=…``), no signing.

The text goes as ``markdown`` (content at most 4096 bytes), the chart as a second message ``image`` with the PNG
in base64 and the md5 of its bytes (at most 2 MB).
"""

from __future__ import annotations

import base64
import hashlib

from kpi_engine.push.channels import SendError, check_code, post_json
from kpi_engine.push.channels.markdown import WECOM_LIMIT, render
from kpi_engine.push.destinations import Destination
from kpi_engine.push.message import Message

IMAGE_LIMIT = 2 * 1024 * 1024


def markdown_payload(msg: Message) -> dict:
    return {"msgtype": "markdown", "markdown": {"content": render(msg, limit=WECOM_LIMIT)}}


def image_payload(png: bytes) -> dict:
    return {"msgtype": "image", "image": {"base64": base64.b64encode(png).decode(), "md5": hashlib.md5(png, usedforsecurity=False).hexdigest()}}


def send(dest: Destination, msg: Message, done: dict[str, str], *, now: float | None = None) -> None:
    if "markdown" not in done:
        check_code(post_json(dest.target, markdown_payload(msg)), "errcode")
        done["markdown"] = "ok"
    if msg.image and "image" not in done:
        if len(msg.image) > IMAGE_LIMIT:
            raise SendError("the chart is larger than WeCom's 2 MB image limit", retry=False)
        check_code(post_json(dest.target, image_payload(msg.image)), "errcode")
        done["image"] = "ok"
