"""A reverse proxy for browser tests: what nginx in front of the dashboard on the same computer does.

It listens on 127.0.0.1 and passes every connection to the server behind it, adding an ``X-Forwarded-For`` header
naming the client to each HTTP request head, the app's WebSocket handshake included (where Streamlit reads the
headers). A browser context's own extra headers are not enough: Chromium does not send them with the WebSocket
handshake. Plain asyncio over TCP (request bodies by Content-Length; after an upgrade, bytes pass as they are), in
a thread with its own loop; ``stop()`` closes it.
"""

from __future__ import annotations

import asyncio
import socket
import threading
from urllib.parse import urlsplit

_HEAD_END = b"\r\n\r\n"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _header(head: bytes, name: bytes) -> bytes | None:
    for line in head.split(b"\r\n")[1:]:
        key, _, value = line.partition(b":")
        if key.strip().lower() == name:
            return value.strip()
    return None


class ForwardingProxy:
    """``url`` forwards to ``target`` (http://127.0.0.1:PORT), adding ``X-Forwarded-For: client`` to each request."""

    def __init__(self, target: str, client: str = "203.0.113.9") -> None:
        parts = urlsplit(target)
        self.host, self.target_port = parts.hostname or "127.0.0.1", int(parts.port or 80)
        self.client = client.encode()
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stopped: asyncio.Event | None = None
        ready = threading.Event()
        self._thread = threading.Thread(target=lambda: asyncio.run(self._serve(ready)), daemon=True)
        self._thread.start()
        if not ready.wait(30):
            raise RuntimeError("the forwarding proxy did not start")

    async def _serve(self, ready: threading.Event) -> None:
        self._loop, self._stopped = asyncio.get_running_loop(), asyncio.Event()
        server = await asyncio.start_server(self._connection, "127.0.0.1", self.port)
        ready.set()
        async with server:
            await self._stopped.wait()

    async def _connection(self, client_r: asyncio.StreamReader, client_w: asyncio.StreamWriter) -> None:
        try:
            server_r, server_w = await asyncio.open_connection(self.host, self.target_port)
        except OSError:
            client_w.close()
            return
        try:
            await asyncio.gather(self._requests(client_r, server_w), self._pipe(server_r, client_w))
        except (ConnectionError, asyncio.IncompleteReadError):
            pass  # the browser or the server went away mid-request: the connection is dropped, as a proxy does
        finally:
            for writer in (server_w, client_w):
                writer.close()

    async def _requests(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        """Request heads get the header; bodies (Content-Length) pass; after an upgrade everything passes."""
        while True:
            try:
                head = await reader.readuntil(_HEAD_END)
            except asyncio.IncompleteReadError:
                writer.write_eof()
                return
            line, _, rest = head.partition(b"\r\n")
            writer.write(line + b"\r\nX-Forwarded-For: " + self.client + b"\r\n" + rest)
            if (_header(head, b"upgrade") or b"").lower() == b"websocket":
                await self._pipe(reader, writer)
                return
            length = int(_header(head, b"content-length") or 0)
            if length:
                writer.write(await reader.readexactly(length))
            await writer.drain()

    @staticmethod
    async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while data := await reader.read(1 << 16):
            writer.write(data)
            await writer.drain()
        if writer.can_write_eof():
            writer.write_eof()

    def stop(self) -> None:
        if self._loop is not None and self._stopped is not None:
            self._loop.call_soon_threadsafe(self._stopped.set)
        self._thread.join(timeout=10)
