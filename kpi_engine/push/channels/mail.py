"""Email (kind ``email``) over SMTP: a text part, an HTML part with the chart inline (``cid:``), and the PNG as a related part.

The SMTP server comes from the destination options (``host``, ``port``, ``sender``, ``user``, ``starttls``,
``ssl``), else from ``KPI_SMTP_*`` (:mod:`kpi_engine.push.config`); the password is the secret ``password``, else
``KPI_SMTP_PASSWORD``.
"""

from __future__ import annotations

import html
import smtplib
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from kpi_engine.push.channels import SendError
from kpi_engine.push.config import push_config
from kpi_engine.push.destinations import Destination, recipients
from kpi_engine.push.message import Message, is_heading, plain

SMTP_TIMEOUT = 20.0


def build(dest: Destination, msg: Message, sender: str) -> EmailMessage:
    mail = EmailMessage()
    mail["Subject"] = msg.title
    mail["From"] = sender
    mail["To"] = ", ".join(recipients(dest))
    mail["Date"] = formatdate(localtime=True)
    mail["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    mail.set_content(msg.text())
    cid = make_msgid(domain="chart.kpi")
    parts = [f"<h2>{html.escape(msg.title)}</h2>"]
    for line in msg.lines:
        text = html.escape(plain(line))
        parts.append(f"<h3>{text}</h3>" if is_heading(line) else f"<p>{text}</p>")
    if msg.image:
        parts.append(f'<p><img src="cid:{cid[1:-1]}" alt="chart" style="max-width:100%"></p>')
    if msg.link:
        parts.append(f'<p><a href="{html.escape(msg.link)}">{html.escape(msg.link_text or msg.link)}</a></p>')
    mail.add_alternative(f"<html><body>{''.join(parts)}</body></html>", subtype="html")
    if msg.image:
        html_part = list(mail.iter_parts())[1]  # multipart/alternative: [text, html]; the image goes with the html
        html_part.add_related(msg.image, "image", "png", cid=cid, filename="chart.png")
    return mail


def send(dest: Destination, msg: Message, done: dict[str, str], *, now: float | None = None) -> None:
    if "mail" in done:
        return
    cfg = push_config()
    opts = dest.options
    host, port = str(opts.get("host") or cfg.smtp_host), int(opts.get("port") or cfg.smtp_port)  # type: ignore[call-overload]
    user = str(opts.get("user") or cfg.smtp_user)
    password = dest.secret("password") or cfg.smtp_password
    sender = str(opts.get("sender") or cfg.smtp_from)
    mail = build(dest, msg, sender)
    try:
        smtp_cls = smtplib.SMTP_SSL if opts.get("ssl") else smtplib.SMTP
        with smtp_cls(host, port, timeout=SMTP_TIMEOUT) as smtp:
            if opts.get("starttls"):
                smtp.starttls()
            if user:
                smtp.login(user, password)
            smtp.send_message(mail)
    except smtplib.SMTPRecipientsRefused:
        raise SendError("the mail server refused the recipients", retry=False) from None
    except smtplib.SMTPAuthenticationError:
        raise SendError("the mail server refused the login (check the user and password)", retry=False) from None
    except (smtplib.SMTPException, OSError) as exc:
        raise SendError(f"mail not sent ({exc.__class__.__name__})") from None
    done["mail"] = "ok"
