"""Each platform receives exactly what it documents, checked by local servers that verify like the platform."""

from __future__ import annotations

import base64
import hashlib
import socket
import threading
import time
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller

from kpi_engine.push import destinations
from kpi_engine.push.channels import SendError, dingtalk, feishu, sender
from kpi_engine.push.channels.markdown import WECOM_LIMIT
from kpi_engine.push.delivery import Retry, deliver, send_message
from kpi_engine.push.destinations import Destination
from kpi_engine.push.message import Message
from tests.push_servers import DingTalk, Feishu, WeCom, running

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
MSG = Message("standup", "2026-10-20", "Standup 2026-10-20", ("## Pacing", "Leads: 624 of 1,000", "CPL: ¥120.85"),
              link="http://kpi.local/standup?asof=2026-10-20&lang=en", link_text="Open the Standup", image=PNG)
FAST = Retry(attempts=3, base=0.0, sleep=lambda s: None)


def test_signatures_match_the_documented_examples() -> None:
    # Independent recomputation of the two recipes, on fixed inputs.
    ts, secret = "1599360473", "demo-secret"
    key = f"{ts}\n{secret}".encode()
    import hmac

    assert feishu.sign(ts, secret) == base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode()
    ms = "1577262236757"
    raw = base64.b64encode(hmac.new(secret.encode(), f"{ms}\n{secret}".encode(), hashlib.sha256).digest()).decode()
    assert dingtalk.sign(ms, secret) == raw.replace("+", "%2B").replace("/", "%2F").replace("=", "%3D")


def test_feishu_post_is_signed_and_carries_the_uploaded_chart() -> None:
    with running(Feishu("s3cr3t-feishu", app_id="cli_a1", app_secret="app-s3cr3t")) as server:
        dest = Destination("team", "feishu", server.hook, {"sign": "s3cr3t-feishu", "app_secret": "app-s3cr3t"},
                           lang="en", options={"app_id": "cli_a1", "api_base": server.url})
        done: dict[str, str] = {}
        sender("feishu")(dest, MSG, done)
        seen = server.wait_for(3)
    # the three calls, in the order they were made: a token, the image upload, then the post that shows it
    assert [s.path for s in seen] == ["/open-apis/auth/v3/tenant_access_token/internal", "/open-apis/im/v1/images",
                                      "/open-apis/bot/v2/hook/7f1c-test"]
    assert all(s.answer["code"] == 0 for s in seen)
    assert server.images == {"img_v2_1": PNG}
    body = seen[2].json()
    assert body["sign"] == Feishu.expected_sign(body["timestamp"], "s3cr3t-feishu")
    assert abs(int(body["timestamp"]) - time.time()) < 60
    post = body["content"]["post"]["en_us"]
    assert post["title"] == "Standup 2026-10-20"
    assert post["content"][0] == [{"tag": "text", "text": "Pacing", "style": ["bold"]}]
    assert post["content"][1] == [{"tag": "text", "text": "Leads: 624 of 1,000"}]
    assert [{"tag": "img", "image_key": "img_v2_1"}] in post["content"]
    assert post["content"][-1] == [{"tag": "a", "text": "Open the Standup", "href": MSG.link}]


def test_feishu_refuses_a_wrong_secret_and_that_is_not_retried() -> None:
    with running(Feishu("right")) as server:
        dest = Destination("team", "feishu", server.hook, {"sign": "wrong"})
        with pytest.raises(SendError) as err:
            sender("feishu")(dest, MSG, {})
        assert "19021" in str(err.value) and not err.value.retry
        # an old timestamp is refused too, as the platform does
        with pytest.raises(SendError):
            sender("feishu")(Destination("team", "feishu", server.hook, {"sign": "right"}), MSG, {},
                             now=time.time() - 7200)


def test_dingtalk_signature_goes_in_the_query() -> None:
    with running(DingTalk("SECdemo+/=")) as server:
        dest = Destination("dd", "dingtalk", server.hook, {"sign": "SECdemo+/="}, lang="zh")
        sender("dingtalk")(dest, MSG, {})
        (seen,) = server.wait_for(1)
    assert seen.answer == {"errcode": 0, "errmsg": "ok"}
    assert set(seen.query) == {"access_token", "timestamp", "sign"}
    body = seen.json()
    assert body["msgtype"] == "markdown" and body["markdown"]["title"] == MSG.title
    text = body["markdown"]["text"]
    assert text.startswith("### Standup 2026-10-20") and "**Pacing**" in text and "¥120.85" in text
    assert f"[Open the Standup]({MSG.link})" in text


def test_wecom_markdown_then_image_with_md5_and_the_size_limit() -> None:
    long = Message("standup", "p", "Long", tuple(f"line {i} " + "线索" * 40 for i in range(200)), link="http://x/")
    with running(WeCom()) as server:
        dest = Destination("wc", "wecom", server.hook)
        sender("wecom")(dest, MSG, {})
        sender("wecom")(dest, long, {})
        seen = server.wait_for(3)
    assert [s.json()["msgtype"] for s in seen] == ["markdown", "image", "markdown"]
    assert all(s.answer["errcode"] == 0 for s in seen)
    assert server.images == [PNG]
    assert seen[1].json()["image"]["md5"] == hashlib.md5(PNG).hexdigest()
    content = seen[2].json()["markdown"]["content"]
    assert len(content.encode()) <= WECOM_LIMIT and content.endswith("[http://x/](http://x/)")


def test_wecom_wrong_key_is_refused_and_the_key_never_reaches_the_log(duck_engine) -> None:
    with running(WeCom("real-key-123")) as server:
        bad = server.hook.replace("real-key-123", "leaked-key-999")
        destinations.save(duck_engine, Destination("wc", "wecom", bad, lang="en"))
        (outcome,) = send_message(duck_engine, "Hello", ["one line"], kind="inbox", retry=FAST)
    assert outcome.status == "failed" and outcome.attempts == 1  # a refused key is not retried
    assert "93000" in outcome.error and "leaked-key-999" not in outcome.error
    from kpi_engine.push.delivery import attempts_log, recent_sends

    text = recent_sends(duck_engine).to_csv() + attempts_log(duck_engine).to_csv()
    assert "93000" in text and "leaked-key-999" not in text
    assert "leaked-key-999" not in repr(destinations.load(duck_engine)[0])
    assert destinations.load(duck_engine)[0].masked() == f"{server.url}/…"


class _Inbox:
    def __init__(self) -> None:
        self.messages: list[tuple[list[str], bytes]] = []
        self.cond = threading.Condition()

    async def handle_DATA(self, server, session, envelope) -> str:
        with self.cond:
            self.messages.append((list(envelope.rcpt_tos), envelope.content))
            self.cond.notify_all()
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_email_arrives_with_the_chart_inline(duck_engine) -> None:
    inbox = _Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    try:
        destinations.save(duck_engine, Destination(
            "boss", "email", "lead@example.com, team@example.com", lang="en", kinds=("standup",),
            options={"host": "127.0.0.1", "port": controller.port, "sender": "kpi@example.com"}))
        (outcome,) = deliver(duck_engine, lambda lang: MSG, kind="standup", period="2026-10-20", retry=FAST)
        with inbox.cond:
            assert inbox.cond.wait_for(lambda: inbox.messages, 10)
    finally:
        controller.stop()
    assert outcome.status == "sent"
    rcpts, raw = inbox.messages[0]
    assert rcpts == ["lead@example.com", "team@example.com"]
    mail = message_from_bytes(raw, policy=policy.default)
    assert mail["Subject"] == "Standup 2026-10-20" and mail["From"] == "kpi@example.com"
    assert "Leads: 624 of 1,000" in mail.get_body(("plain",)).get_content()
    html = mail.get_body(("html",)).get_content()
    images = [p for p in mail.walk() if p.get_content_type() == "image/png"]
    assert len(images) == 1 and images[0].get_content() == PNG
    cid = images[0]["Content-ID"].strip("<>")
    assert f'src="cid:{cid}"' in html and MSG.link.replace("&", "&amp;") in html


def test_destination_checks_say_what_to_fix() -> None:
    problems = destinations.check(Destination("bad name!", "slack", "ftp://x", lang="fr", kinds=("nightly",)))
    assert len(problems) == 5
    assert destinations.check(Destination("wc", "wecom", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send")) == [
        "a WeCom webhook carries its key: …/cgi-bin/webhook/send?key=…"]
