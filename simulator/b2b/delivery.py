"""Delivery of v3 webhook messages with the monitor's retry policy (simulated time)."""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import aiohttp

if TYPE_CHECKING:
    from simulator.core import Simulator

MAX_RETRY_S = 3 * 86_400.0  # no message is retried beyond 3 days
POLL_S = 0.05


@dataclass(frozen=True)
class RetryPolicy:
    """``None`` (one try), ``Bounded`` (``number`` tries) or ``Always``; ``delay`` s apart."""

    policy: str
    number: int = 3
    delay: float = 10.0

    def gives_up(self, attempts: int, age_s: float) -> bool:
        """Whether a message that failed ``attempts`` times, ``age_s`` old, is dropped."""
        if self.policy == "None":
            return True
        if self.policy == "Bounded" and attempts >= self.number:
            return True
        return age_s + self.delay > MAX_RETRY_S


@dataclass(frozen=True)
class BatchNotify:
    """``batchNotify``: up to ``size`` events per POST, gathered at most ``window_s``."""

    size: int
    window_s: float = 60.0


@dataclass
class Delivery:
    """One message on its way to a webhook (``events`` may grow while its batch is open)."""

    url: str
    message: dict[str, Any]
    headers: dict[str, str]
    params: dict[str, str]
    created: float
    retry: RetryPolicy
    next_at: float = 0.0
    attempts: int = 0
    batch: BatchNotify | None = None
    key: str = ""

    def __post_init__(self) -> None:
        self.next_at = self.next_at or self.created

    def open_at(self, now: float) -> bool:
        """Whether its batch still gathers events at ``now``."""
        if self.batch is None or self.attempts:
            return False
        full = len(self.message["events"]) >= self.batch.size
        return not full and now < self.created + self.batch.window_s


def spread_attributes(
    attributes: list[dict[str, Any]], variables: dict[str, str]
) -> tuple[dict[str, str], dict[str, str], list[dict[str, str]]]:
    """Headers, query parameters and body attributes, ``$name`` values substituted."""
    headers: dict[str, str] = {}
    params: dict[str, str] = {}
    body: list[dict[str, str]] = []
    for attribute in attributes:
        raw = str(attribute["value"])
        value = variables.get(raw[1:].lower(), raw) if raw.startswith("$") else raw
        target = {"Header": headers, "Query": params}.get(attribute["type"])
        if target is None:
            body.append({"key": str(attribute["key"]), "value": value})
        else:
            target[str(attribute["key"])] = value
    return headers, params, body


class DeliveryQueue:
    """Messages not delivered yet, and the background worker that POSTs them."""

    def __init__(self, sim: Simulator) -> None:
        self.sim = sim
        self.queue: list[Delivery] = []
        self._wake = asyncio.Event()
        self._busy = False
        self._session: aiohttp.ClientSession | None = None

    def add(self, delivery: Delivery) -> None:
        """Queue a message: sent at once, or gathered into an open batch of the same key."""
        now = self.sim.clock.timestamp()
        if delivery.batch is not None:
            delivery.key = repr(
                (
                    delivery.url,
                    delivery.message.get("monitorId"),
                    delivery.message.get("callbackId"),
                    sorted(delivery.headers.items()),
                    sorted(delivery.params.items()),
                )
            )
            for waiting in self.queue:
                if waiting.key == delivery.key and waiting.open_at(now):
                    waiting.message["events"].extend(delivery.message["events"])
                    self._wake.set()
                    return
        self.queue.append(delivery)
        self._wake.set()

    def tick(self) -> None:
        """Wake the worker (time moved)."""
        self._wake.set()

    def _due(self) -> list[Delivery]:
        now = self.sim.clock.timestamp()
        return [d for d in self.queue if d.next_at <= now and not d.open_at(now)]

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

    async def _deliver(self, delivery: Delivery) -> None:
        counters = self.sim.counters.deliveries
        counters["attempts"] += 1
        delivery.attempts += 1
        assert self._session is not None
        try:
            async with self._session.post(
                delivery.url,
                json=delivery.message,
                headers=delivery.headers,
                params=delivery.params,
            ) as response:
                ok = 200 <= response.status < 300
        except aiohttp.ClientError, TimeoutError, ValueError:
            ok = False
        if ok:
            counters["succeeded"] += 1
            self.queue.remove(delivery)
            return
        counters["failed"] += 1
        now = self.sim.clock.timestamp()
        if delivery.retry.gives_up(delivery.attempts, now - delivery.created):
            counters["dropped"] += 1
            self.queue.remove(delivery)
            return
        delivery.next_at = now + delivery.retry.delay

    async def drain(self, limit_s: float = 5.0) -> None:
        """Wait (at most ``limit_s`` real seconds) until nothing is due and none in flight."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + limit_s
        self._wake.set()
        while (self._due() or self._busy) and loop.time() < deadline:  # noqa: ASYNC110
            await asyncio.sleep(POLL_S / 5)

    async def close(self) -> None:
        """Close the HTTP session."""
        if self._session is not None:
            await self._session.close()
