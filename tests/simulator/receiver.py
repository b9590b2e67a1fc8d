"""A webhook target on 127.0.0.1 that records what the simulator pushes."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
import json
from typing import Any

from aiohttp import web


@dataclass
class Received:
    """One POST the receiver got."""

    headers: dict[str, str]
    query: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    """Recorded requests; answers ``fail_next`` requests with 503 first."""

    url: str = ""
    received: list[Received] = field(default_factory=list)
    fail_next: int = 0

    async def handle(self, request: web.Request) -> web.Response:
        """Record, then fail or accept."""
        self.received.append(
            Received(dict(request.headers), dict(request.query), await request.read())
        )
        if self.fail_next > 0:
            self.fail_next -= 1
            return web.Response(status=503)
        return web.Response(status=201)

    def messages(self) -> list[Any]:
        """Decoded JSON bodies."""
        return [json.loads(item.body) for item in self.received]


@asynccontextmanager
async def webhook_receiver() -> AsyncIterator[Receiver]:
    """Serve a receiver on a free loopback port."""
    receiver = Receiver()
    app = web.Application()
    app.router.add_post("/hook", receiver.handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    receiver.url = f"http://127.0.0.1:{runner.addresses[0][1]}/hook"
    try:
        yield receiver
    finally:
        await runner.cleanup()
