"""Which text encoding an upload is in: byte-order marks, UTF-16 without one, clean or nearly clean UTF-8, GBK/GB18030
(Chinese exports), then Western (cp1252, latin-1) as a last resort, with a warning when it was a guess."""

from __future__ import annotations

import codecs
import re

SAMPLE_CHARS = 1 << 16  # characters of a file looked at to decide
BOMS = ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe\x00\x00", "utf-32-le"), (b"\x00\x00\xfe\xff", "utf-32-be"),
        (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))
NON_ASCII = re.compile(r"[^\x00-\x7f]")
CONTROL = bytes(c for c in range(32) if c not in (9, 10, 13, 26))


class NotUtf8(Exception):
    """The fast UTF-8 path met bytes that are not UTF-8."""


def looks_binary(data: bytes) -> bool:
    """NUL bytes anywhere, or many control characters at the start: not a text file."""
    if b"\x00" in data:
        return True
    head = data[:SAMPLE_CHARS]
    controls = len(head) - len(head.translate(None, CONTROL))
    return controls > max(2, len(head) // 100)


def guess_utf16(data: bytes) -> tuple[str, str] | None:
    """UTF-16 without a byte-order mark: mostly-ASCII text has a NUL in every other byte."""
    head = data[:4096]
    if len(head) < 4 or len(data) % 2:
        return None
    odd, even = head[1::2].count(0), head[0::2].count(0)
    for enc, zeros, other in (("utf-16-le", odd, even), ("utf-16-be", even, odd)):
        if zeros >= len(head) // 4 and other == 0:
            try:
                return data.decode(enc), enc
            except UnicodeDecodeError:
                return None
    return None


def utf8_sample(data: bytes, offset: int, size: int) -> tuple[str, bool]:
    """(the first ``size`` bytes after ``offset`` as UTF-8, whether that is the whole file); a cut last character is fine."""
    complete = offset + size >= len(data)
    try:
        return codecs.getincrementaldecoder("utf-8")().decode(data[offset:offset + size], final=complete), complete
    except UnicodeDecodeError as exc:
        raise NotUtf8(str(exc)) from exc


def decode_fallback(data: bytes) -> tuple[str, str, str | None]:
    """Decode what is not clean UTF-8: (text, encoding, warning detail or None)."""
    try:
        return data.decode("utf-8"), "utf-8", None
    except UnicodeDecodeError as exc:
        window = data[max(0, exc.start - SAMPLE_CHARS): exc.start + SAMPLE_CHARS].decode("utf-8", "replace")
        bad = window.count("\ufffd")
        if bad * 5 < len(window) - len(window.encode("ascii", "ignore")) - bad:  # UTF-8 text, a few corrupt bytes
            return data.decode("utf-8", "replace"), "utf-8", "invalid UTF-8 bytes replaced"
    try:
        text = data.decode("gb18030")
        first = NON_ASCII.search(text)
        if first is None or plausible_chinese(text[first.start():first.start() + SAMPLE_CHARS]):
            return text, "gb18030", None
    except UnicodeDecodeError:
        pass  # not GB18030 either: the Western code pages below always decode, and their warning tells the user
    try:
        return data.decode("cp1252"), "cp1252", "decoded as cp1252 (Western European)"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1", "decoded as latin-1"


def plausible_chinese(text: str) -> bool:
    """Most non-ASCII characters of real GBK text are common (GB2312) ones; latin-1 bytes read as GBK are not."""
    odd = [c for c in text if ord(c) > 127][:4000]
    common = 0
    for c in odd:
        try:
            c.encode("gb2312")
            common += 1
        except UnicodeEncodeError:
            continue  # a rare character: it counts against plausibility, which is the point of this loop
    return common >= 0.7 * len(odd)
