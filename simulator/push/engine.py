"""Push: evaluate monitors on uploads, build webhook messages, deliver them with retries."""

from __future__ import annotations

from dataclasses import dataclass
import random
from typing import TYPE_CHECKING, Any

from simulator.clock import iso
from simulator.ids import seeded_uuid
from simulator.push.monitors import observe, satisfied
from simulator.push.sender import WebhookSender
from simulator.push.store import CallbackRecord, MonitorRecord
from simulator.render import resources
from simulator.render.status import doors, status_document

if TYPE_CHECKING:
    from simulator.core import Simulator
    from simulator.remotes.model import RemoteRecord
    from simulator.world.vehicle import Vehicle

RETRY_DELAY_S = 10.0  # documented B2C retry delay
RETENTION_S = 72 * 3600.0  # messages are dropped after 3 days of retries


@dataclass
class Delivery:
    """One message on its way to a webhook."""

    url: str
    message: dict[str, Any]
    headers: dict[str, str]
    params: dict[str, str]
    created: float
    next_at: float
    attempts: int = 0


@dataclass
class _Context:
    vehicle: Vehicle
    callback: CallbackRecord
    monitor: MonitorRecord | None = None
    remote: RemoteRecord | None = None


class PushEngine(WebhookSender[Delivery]):
    """Evaluates monitors on uploads and delivers webhook messages in the background."""

    def __init__(self, sim: Simulator) -> None:
        super().__init__(sim)
        self.callbacks: dict[str, CallbackRecord] = {}
        self.monitors: dict[str, MonitorRecord] = {}
        self._ids = random.Random(f"{sim.config.seed}:push")

    def new_id(self) -> str:
        """A fresh id (hex and dashes, as the spec's pattern wants)."""
        return seeded_uuid(self._ids)

    # --- monitors --------------------------------------------------------------------------
    def on_upload(self, vehicle: Vehicle) -> None:
        """A car uploaded: evaluate its monitors."""
        now = self.sim.clock.elapsed()
        observed = observe(vehicle)
        for monitor in [m for m in self.monitors.values() if m.vehicle_id == vehicle.id]:
            callback = self.callbacks.get(monitor.callback_id)
            if callback is None:
                continue
            holds, fired = satisfied(monitor, vehicle, observed)
            if monitor.previous and holds and self._should_fire(monitor, callback, now):
                refresh = monitor.satisfied
                self._monitor_event(_Context(vehicle, callback, monitor), fired, observed, refresh)
                monitor.last_fired = now
            monitor.satisfied = holds
            monitor.previous = observed

    def prime(self, monitor: MonitorRecord) -> None:
        """Remember the current values so that the first upload can detect changes."""
        vehicle = self.sim.world.vehicles.get(monitor.vehicle_id)
        if vehicle is not None:
            monitor.previous = observe(vehicle)

    def _should_fire(self, monitor: MonitorRecord, callback: CallbackRecord, now: float) -> bool:
        if monitor.status != "Running" or callback.status != "Running":
            return False
        if not monitor.satisfied:
            return True
        refresh = monitor.parameter.get("subscribeParam", {}).get("refreshEvent")
        if refresh is None or monitor.last_fired is None:
            return False
        return now - monitor.last_fired >= float(refresh)

    def _monitor_event(
        self, ctx: _Context, fired: list[str], observed: dict[str, str], refresh: bool
    ) -> None:
        assert ctx.monitor is not None
        previous = ctx.monitor.previous
        values = [
            {
                "data": data,
                "value": {"type": "string", "body": {"literalValue": observed.get(data, "")}},
                **({"previous": previous[data]} if data in previous else {}),
            }
            for data in fired
        ]
        event = {
            "monitorId": ctx.monitor.id,
            "values": values,
            "extensions": self._extensions(ctx),
            "refresh": refresh,
        }
        self._enqueue(ctx, {"type": "Monitor", "monitorEvent": event})

    def _extensions(self, ctx: _Context) -> list[dict[str, Any]]:
        assert ctx.monitor is not None
        base = self.sim.public_base
        vehicle = ctx.vehicle
        builders: dict[str, Any] = {
            "vehicle.status": lambda: {"status": status_document(vehicle, base)},
            "vehicle.alerts": lambda: {
                "alerts": [
                    resources.alert_document(vehicle, a, base, None)
                    for a in vehicle.active_alerts()
                ]
            },
            "vehicle.maintenance": lambda: {
                "maintenance": resources.maintenance_document(vehicle, base)
            },
            "vehicle.position": lambda: {"position": resources.last_position(vehicle) or {}},
            "vehicle.doorsState": lambda: {
                "doorState": doors(vehicle.current_snapshot(), iso(vehicle.current_snapshot().at))
            },
        }
        wanted = ctx.monitor.parameter.get("extendedEventParam", [])
        return [
            {"type": name, "body": [builders[name]()]}
            for name in wanted
            if isinstance(name, str) and name in builders
        ]

    # --- remotes ---------------------------------------------------------------------------
    def remote_event(self, remote: RemoteRecord, vehicle: Vehicle, kind: str, status: str) -> None:
        """A Pending or Done event of a remote action (to callbacks that take remotes)."""
        callback = self.callbacks.get(remote.callback_id)
        if callback is None or callback.status != "Running":
            return
        if "Remote" not in callback.subscribe.get("type", ["Remote"]):
            return
        event_status: dict[str, Any] = {"type": kind, "status": status}
        if remote.failure is not None and status == "Failed":
            event_status["failureCause"] = remote.failure
        event = {
            "remoteActionId": remote.id,
            "remoteType": remote.type,
            "eventStatus": event_status,
        }
        context = _Context(vehicle, callback, remote=remote)
        self._enqueue(context, {"type": "Remote", "remoteEvent": event})

    # --- delivery --------------------------------------------------------------------------
    def _enqueue(self, ctx: _Context, message: dict[str, Any]) -> None:
        hook = ctx.callback.webhook
        if hook is None:
            return
        attributes = list(hook.get("attributes", []))
        if ctx.monitor is not None:
            attributes += ctx.monitor.parameter.get("attributes", [])
            sub = ctx.monitor.parameter.get("subscribeParam", {})
            attributes += sub.get("callbackAttributes", {}).get("webhook", [])
        if ctx.remote is not None:
            attributes += ctx.remote.remote.get("attributes", [])
            attributes += ctx.remote.remote.get("callbackAttributes", {}).get("webhook", [])
        headers: dict[str, str] = {}
        params: dict[str, str] = {}
        body_attributes: list[dict[str, str]] = []
        for attribute in attributes:
            value = self._value(str(attribute["value"]), ctx)
            target = {"Header": headers, "Query": params}.get(attribute["type"])
            if target is None:
                body_attributes.append({"key": str(attribute["key"]), "value": value})
            else:
                target[str(attribute["key"])] = value
        now = self.sim.clock.timestamp()
        full = {
            "callbackId": ctx.callback.id,
            "attributes": body_attributes,
            "date": iso(self.sim.now()),
            **message,
        }
        self.queue.append(Delivery(str(hook["target"]), full, headers, params, now, now))
        self._wake.set()

    @staticmethod
    def _value(value: str, ctx: _Context) -> str:
        if not value.startswith("$"):
            return value
        variables = {
            "vin": ctx.vehicle.vin,
            "callbackid": ctx.callback.id,
            "callbacklabel": ctx.callback.label,
            "monitorid": ctx.monitor.id if ctx.monitor else "",
            "monitorlabel": str(ctx.monitor.parameter.get("label", "")) if ctx.monitor else "",
            "remotetype": ctx.remote.type if ctx.remote else "",
            "remotestatus": ctx.remote.status if ctx.remote else "",
            "remotelabel": str(ctx.remote.remote.get("label", "")) if ctx.remote else "",
        }
        return variables.get(value[1:].lower(), value)

    def pending(self) -> int:
        """Messages not delivered yet."""
        return len(self.queue)

    def _due(self) -> list[Delivery]:
        now = self.sim.clock.timestamp()
        return [d for d in self.queue if d.next_at <= now]

    async def _deliver(self, delivery: Delivery) -> None:
        counters = self.sim.counters.deliveries
        ok = await self._post(delivery)
        now = self.sim.clock.timestamp()
        if ok:
            counters["succeeded"] += 1
            self.queue.remove(delivery)
            return
        counters["failed"] += 1
        delivery.next_at = now + RETRY_DELAY_S
        if now - delivery.created >= RETENTION_S:
            counters["dropped"] += 1
            self.queue.remove(delivery)
