"""Fleet monitors: one monitor watches every car of its fleet and pushes v3 webhook messages.

Validation and trigger evaluation are the consumer push's (``simulator/push``): the same
``MonitorParameter`` rules, data/zone/time triggers and ``boolExp``. What v3 adds: the
webhook lives inside the monitor (``subscribeParam.callback.webhook``), with a
``retryPolicy`` (``None``: one try; ``Bounded``: ``retryNumber`` tries; ``Always``: until it
succeeds; every ``retryDelay`` s, never beyond 3 days), and messages follow the v3 webhook
template (``{monitorId, attributes, events: [{fleetId, vin, eventDate, values, extensions,
refresh}]}``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
import random
from typing import TYPE_CHECKING, Any

from simulator.b2b.delivery import (
    BatchNotify,
    Delivery,
    DeliveryQueue,
    RetryPolicy,
    spread_attributes,
)
from simulator.b2b.fleets import Fleet, FleetBook
from simulator.b2b.render import fleet_href, with_vin
from simulator.clock import iso
from simulator.ids import seeded_uuid
from simulator.push.monitors import observe, satisfied
from simulator.push.store import InvalidBody, MonitorRecord, validate_callback, validate_monitor
from simulator.render import resources
from simulator.render.common import Json
from simulator.render.status import doors, status_document

if TYPE_CHECKING:
    from simulator.core import Simulator
    from simulator.world.vehicle import Vehicle

MAX_FLEET_MONITORS = 20
RETRY_POLICIES = ("None", "Bounded", "Always")


@dataclass
class FleetMonitor:
    """A monitor over a whole fleet; ``cars`` holds the per-car trigger state."""

    id: str
    fleet_id: str
    parameter: dict[str, Any]
    created_at: datetime
    updated_at: datetime
    status: str = "Running"
    cars: dict[str, MonitorRecord] = field(default_factory=dict)

    @property
    def webhook(self) -> dict[str, Any]:
        """``subscribeParam.callback.webhook``."""
        hook: dict[str, Any] = self.parameter["subscribeParam"]["callback"]["webhook"]
        return hook

    @property
    def batch(self) -> BatchNotify | None:
        """``subscribeParam.batchNotify`` (None: one event per POST)."""
        raw = self.parameter["subscribeParam"].get("batchNotify")
        if not raw:
            return None
        return BatchNotify(int(raw["size"]), float(raw.get("timeWindow", 60)))

    @property
    def retry(self) -> RetryPolicy:
        """The monitor's retry policy (absent: ``Always`` every 10 s)."""
        raw = self.parameter["subscribeParam"].get("retryPolicy") or {"policy": "Always"}
        return RetryPolicy(
            raw["policy"], int(raw.get("retryNumber", 3)), float(raw.get("retryDelay", 10))
        )


def validate_fleet_monitor(body: Any) -> dict[str, Any]:
    """A v3 ``MonitorParameter`` (400 ``InvalidBody`` otherwise)."""
    data = validate_monitor(body)
    subscribe = data.get("subscribeParam")
    if not isinstance(subscribe, dict):
        raise InvalidBody("subscribeParam is required")
    validate_callback(subscribe)
    if "webhook" not in subscribe["callback"]:
        raise InvalidBody("subscribeParam.callback.webhook is required")
    batch = subscribe.get("batchNotify")
    if batch is not None:
        size = batch.get("size") if isinstance(batch, dict) else None
        window = batch.get("timeWindow", 60) if isinstance(batch, dict) else None
        if not _whole(size, 1) or not _whole(window, 5):
            raise InvalidBody("batchNotify needs size >= 1 (and timeWindow >= 5)")
    retry = subscribe.get("retryPolicy")
    if retry is not None:
        if not isinstance(retry, dict) or retry.get("policy") not in RETRY_POLICIES:
            raise InvalidBody(f"retryPolicy.policy must be one of {RETRY_POLICIES}")
        for key in ("retryNumber", "retryDelay"):
            value = retry.get(key, 1)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise InvalidBody(f"retryPolicy.{key} must be an integer >= 1")
    return data


def _whole(value: Any, minimum: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= minimum


class FleetMonitors:
    """Every fleet monitor; evaluates them when a fleet car uploads."""

    def __init__(self, sim: Simulator, book: FleetBook, queue: DeliveryQueue) -> None:
        self.sim = sim
        self.book = book
        self.queue = queue
        self.monitors: dict[str, FleetMonitor] = {}
        self._ids = random.Random(f"{sim.config.seed}:b2b-push")
        self.public_base = ""

    def create(self, fleet: Fleet, parameter: dict[str, Any]) -> FleetMonitor:
        """A new running monitor over the fleet (primed with the cars' current values)."""
        if sum(m.fleet_id == fleet.id for m in self.monitors.values()) >= MAX_FLEET_MONITORS:
            raise InvalidBody(f"at most {MAX_FLEET_MONITORS} monitors per fleet")
        now = self.sim.now()
        monitor = FleetMonitor(seeded_uuid(self._ids), fleet.id, parameter, now, now)
        self.monitors[monitor.id] = monitor
        self._prime(monitor)
        return monitor

    def update(self, monitor: FleetMonitor, parameter: dict[str, Any]) -> None:
        """Replace the monitor's parameters (trigger states start again)."""
        monitor.parameter = parameter
        monitor.updated_at = self.sim.now()
        self._prime(monitor)

    def _prime(self, monitor: FleetMonitor) -> None:
        monitor.cars.clear()
        fleet = self.book.fleets[monitor.fleet_id]
        for vehicle in self.book.vehicles(self.sim.world, fleet):
            self._state(monitor, vehicle)

    def car_added(self, fleet_id: str, vehicle: Vehicle) -> None:
        """A car joined a fleet: its monitors start from its current values."""
        for monitor in self.monitors.values():
            if monitor.fleet_id == fleet_id:
                self._state(monitor, vehicle)

    def _state(self, monitor: FleetMonitor, vehicle: Vehicle) -> MonitorRecord:
        """The car's trigger state (a car new to the fleet starts from its current values)."""
        record = monitor.cars.get(vehicle.id)
        if record is None:
            record = MonitorRecord(
                monitor.id, "", vehicle.id, monitor.parameter, monitor.created_at, self.sim.now()
            )
            record.previous = observe(vehicle)
            monitor.cars[vehicle.id] = record
        return record

    def on_upload(self, vehicle: Vehicle) -> None:
        """A car uploaded: evaluate the monitors of its fleet."""
        fleet_id = self.book.fleet_of_vehicle(vehicle.id)
        if fleet_id is None:
            return
        now = self.sim.clock.elapsed()
        observed = observe(vehicle)
        for monitor in [m for m in self.monitors.values() if m.fleet_id == fleet_id]:
            state = self._state(monitor, vehicle)
            holds, fired = satisfied(state, vehicle, observed)
            if state.previous and holds and self._should_fire(monitor, state, now):
                self._event(monitor, vehicle, fired, observed, refresh=state.satisfied)
                state.last_fired = now
            state.satisfied = holds
            state.previous = observed

    @staticmethod
    def _should_fire(monitor: FleetMonitor, state: MonitorRecord, now: float) -> bool:
        if monitor.status != "Running":
            return False
        if not state.satisfied:
            return True
        refresh = monitor.parameter["subscribeParam"].get("refreshEvent")
        if refresh is None or state.last_fired is None:
            return False
        return now - state.last_fired >= float(refresh)

    def _event(
        self,
        monitor: FleetMonitor,
        vehicle: Vehicle,
        fired: list[str],
        observed: dict[str, str],
        *,
        refresh: bool,
    ) -> None:
        values = [
            {"data": data, "value": {"type": "string", "body": {"literalValue": observed[data]}}}
            for data in fired
            if data in observed
        ]
        event: Json = {
            "fleetId": monitor.fleet_id,
            "vin": vehicle.vin,
            "eventDate": iso(self.sim.now()),
            "values": values,
            "extensions": self._extensions(monitor, vehicle),
            "refresh": refresh,
        }
        self._enqueue(monitor, vehicle, event)

    def _extensions(self, monitor: FleetMonitor, vehicle: Vehicle) -> list[Json]:
        fleet = self.book.fleets[monitor.fleet_id]
        base = fleet_href(self.public_base, fleet)
        builders: dict[str, Any] = {
            "vehicle.status": lambda: {
                "status": with_vin(status_document(vehicle, base), vehicle, base)
            },
            "vehicle.alerts": lambda: {
                "alerts": [
                    with_vin(resources.alert_document(vehicle, a, base, None), vehicle, base)
                    for a in vehicle.active_alerts()
                ]
            },
            "vehicle.maintenance": lambda: {
                "maintenance": with_vin(
                    resources.maintenance_document(vehicle, base), vehicle, base
                )
            },
            "vehicle.position": lambda: {"position": resources.last_position(vehicle) or {}},
            "vehicle.doorsState": lambda: {
                "doorState": doors(vehicle.current_snapshot(), iso(vehicle.current_snapshot().at))
            },
        }
        wanted = monitor.parameter.get("extendedEventParam", [])
        return [{"type": name, "body": builders[name]()} for name in wanted if name in builders]

    def _enqueue(self, monitor: FleetMonitor, vehicle: Vehicle, event: Json) -> None:
        attributes = list(monitor.webhook.get("attributes", []))
        attributes += monitor.parameter.get("attributes", [])
        variables = {
            "vin": vehicle.vin,
            "vid": vehicle.id,
            "monitorid": monitor.id,
            "fleetid": monitor.fleet_id,
        }
        headers, params, body_attributes = spread_attributes(attributes, variables)
        message = {"monitorId": monitor.id, "attributes": body_attributes, "events": [event]}
        now = self.sim.clock.timestamp()
        self.queue.add(
            Delivery(
                str(monitor.webhook["target"]),
                message,
                headers,
                params,
                now,
                monitor.retry,
                batch=monitor.batch,
            )
        )
