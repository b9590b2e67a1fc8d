"""Delivery of v3 webhook messages with the monitor's retry policy (simulated time)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from simulator.push.sender import WebhookSender

MAX_RETRY_S = 3 * 86_400.0  # no message is retried beyond 3 days


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


class DeliveryQueue(WebhookSender[Delivery]):
    """Messages not delivered yet, and the background worker that POSTs them."""

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

    def _due(self) -> list[Delivery]:
        now = self.sim.clock.timestamp()
        return [d for d in self.queue if d.next_at <= now and not d.open_at(now)]

    async def _deliver(self, delivery: Delivery) -> None:
        counters = self.sim.counters.deliveries
        if await self._post(delivery):
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
