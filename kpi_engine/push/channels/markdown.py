"""A message as Markdown for DingTalk and WeCom (both read a small Markdown dialect)."""

from __future__ import annotations

from kpi_engine.push.message import Message, is_heading, plain

WECOM_LIMIT = 4096  # bytes of markdown.content


def _escape(text: str) -> str:
    return text.replace("*", "\\*").replace("_", "\\_").replace("[", "\\[").replace("]", "\\]")


def render(msg: Message, *, limit: int | None = None) -> str:
    """``### title``, a paragraph per line (headings bold), the link last; cut at ``limit`` bytes on a line."""
    head = [f"### {_escape(msg.title)}"]
    tail = [f"[{_escape(msg.link_text or msg.link)}]({msg.link})"] if msg.link else []
    body = [f"**{_escape(plain(line))}**" if is_heading(line) else _escape(line) for line in msg.lines]
    lines = [*head, *body]
    text = "\n\n".join([*lines, *tail])
    if limit is not None:
        while len(text.encode("utf-8")) > limit and len(lines) > 1:
            lines = lines[:-1]
            text = "\n\n".join([*lines, "…", *tail])
    return text
