"""The background worker both push generations share: POST due messages, wake on ticks."""

from __future__ import annotations

import asyncio
import contextlib
from typing import TYPE_CHECKING, Any, Protocol

import aiohttp

if TYPE_CHECKING:
    from simulator.core import Simulator

POLL_S = 0.05


class Message(Protocol):
    """What a queued message needs to be POSTed."""

    url: str
    message: dict[str, Any]
    headers: dict[str, str]
    params: dict[str, str]
    attempts: int


class WebhookSender[D: Message]:
    """A queue of messages and the worker that POSTs the due ones; subclasses say which are
    due (``_due``) and what a delivery's answer does (``_deliver``)."""

    def __init__(self, sim: Simulator) -> None:
        self.sim = sim
        self.queue: list[D] = []
        self._wake = asyncio.Event()
        self._busy = False
        self._session: aiohttp.ClientSession | None = None

    def tick(self) -> None:
        """Wake the worker (time moved)."""
        self._wake.set()

    def _due(self) -> list[D]:
        raise NotImplementedError

    async def _deliver(self, delivery: D) -> None:
        raise NotImplementedError

    async def run(self) -> None:
        """Deliver due messages until cancelled."""
        self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10))
        while True:
            self._busy = True
            for delivery in self._due():
                await self._deliver(delivery)
            self._busy = False
            self._wake.clear()
            timeout = POLL_S if self.queue else None
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout)

    async def _post(self, delivery: D) -> bool:
        """One attempt (counted); whether the webhook answered 2xx."""
        self.sim.counters.deliveries["attempts"] += 1
        delivery.attempts += 1
        assert self._session is not None
        try:
            async with self._session.post(
                delivery.url,
                json=delivery.message,
                headers=delivery.headers,
                params=delivery.params,
            ) as response:
                return 200 <= response.status < 300
        except aiohttp.ClientError, TimeoutError, ValueError:
            return False

    async def drain(self, limit_s: float = 5.0) -> None:
        """Wait (at most ``limit_s`` real seconds) until no message is due and none in flight."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + limit_s
        self._wake.set()
        # Polling: "due" depends on the simulated clock, which no event reports.
        while (self._due() or self._busy) and loop.time() < deadline:  # noqa: ASYNC110
            await asyncio.sleep(POLL_S / 5)

    async def close(self) -> None:
        """Close the HTTP session."""
        if self._session is not None:
            await self._session.close()
