"""A message as every channel receives it: a title, plain lines, an optional PNG chart and a deep link.

Lines are plain text; a line starting with ``## `` is a heading (bold where the platform has bold). Each
channel lays the same message out in its own format, so the group and the inbox read the same words.
"""

from __future__ import annotations

from dataclasses import dataclass

HEADING = "## "


@dataclass(frozen=True)
class Message:
    """One message in one language. ``kind`` and ``period`` make the idempotency key (with the destination)."""

    kind: str  # standup | weekly | monthly | alerts | inbox | test
    period: str  # 2026-10-20, 2026-W42, 2026-10, an alert batch ...
    title: str
    lines: tuple[str, ...] = ()
    link: str | None = None
    link_text: str = ""
    image: bytes | None = None  # PNG
    lang: str = "en"

    def text(self) -> str:
        """Title, lines and link as plain text (email text part, logs of what was sent)."""
        body = [self.title, "", *(plain(line) for line in self.lines)]
        if self.link:
            body += ["", f"{self.link_text or self.link}: {self.link}"]
        return "\n".join(body)


def is_heading(line: str) -> bool:
    return line.startswith(HEADING)


def plain(line: str) -> str:
    return line[len(HEADING):] if is_heading(line) else line
