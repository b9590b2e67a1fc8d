"""A scripted HTTP/1.1 server on 127.0.0.1 that can also drop connections mid-request."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

import orjson


@dataclass(frozen=True)
class Reply:
    """One scripted answer."""

    status: int = 200
    body: bytes | object = b"{}"
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = "application/hal+json"


@dataclass(frozen=True)
class Request:
    """What the client sent."""

    method: str
    target: str
    headers: dict[str, str]
    body: bytes


RESET = "reset"
ABORT = "abort"
CUT = "cut"
HANG = "hang"
Action = Reply | str


@dataclass
class RawServer:
    """Answers requests from ``script`` in order (then with ``default``)."""

    script: list[Action] = field(default_factory=list)
    default: Action = field(default_factory=Reply)
    requests: list[Request] = field(default_factory=list)
    url: str = ""
    release: asyncio.Event = field(default_factory=asyncio.Event)

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        """Serve one connection (keep-alive) until the client or the script closes it."""
        try:
            while request := await _read_request(reader):
                self.requests.append(request)
                action = self.script.pop(0) if self.script else self.default
                if action == ABORT:
                    writer.transport.abort()
                    return
                if action == HANG:
                    await self.release.wait()
                    return
                if action == CUT:
                    writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{")
                    await writer.drain()
                    return
                if not isinstance(action, Reply):
                    return
                writer.write(_encode(action))
                await writer.drain()
        except ConnectionError, asyncio.IncompleteReadError:
            return
        finally:
            writer.close()


async def _read_request(reader: asyncio.StreamReader) -> Request | None:
    head = await reader.readuntil(b"\r\n\r\n") if not reader.at_eof() else b""
    if not head:
        return None
    lines = head.decode("latin-1").split("\r\n")
    method, target, _ = lines[0].split(" ", 2)
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            name, value = line.split(":", 1)
            headers[name.strip().lower()] = value.strip()
    length = int(headers.get("content-length", "0"))
    body = await reader.readexactly(length) if length else b""
    return Request(method, target, headers, body)


def _encode(reply: Reply) -> bytes:
    body = reply.body if isinstance(reply.body, bytes) else orjson.dumps(reply.body)
    headers = {"Content-Type": reply.content_type, "Content-Length": str(len(body))}
    headers |= reply.headers
    head = f"HTTP/1.1 {reply.status} X\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    return head.encode("latin-1") + b"\r\n" + body


@asynccontextmanager
async def serve(server: RawServer) -> AsyncIterator[RawServer]:
    """Listen on a free loopback port for the duration of the block."""
    listener = await asyncio.start_server(server.handle, "127.0.0.1", 0)
    port = listener.sockets[0].getsockname()[1]
    server.url = f"http://127.0.0.1:{port}"
    try:
        yield server
    finally:
        server.release.set()
        listener.close()
        await listener.wait_closed()
