"""Fleet remote callbacks and the v3 messages of the remote actions sent through them.

A remote action of a fleet car runs the consumer API's state machine
(``simulator.remotes.machine``: Accepted, WakingUpVehicle, CheckingVehicle, SentToVehicle,
then Success/AlreadyDone/Failed). Its events are routed here when its callback is a fleet
callback (``B2bBackend`` wraps the push engine's ``remote_event``) and POSTed in the v3
webhook template's format: ``{callbackId, attributes, events: [{remoteActionId, vin,
eventDate, remoteType, eventStatus}]}``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
import random
from typing import TYPE_CHECKING, Any

from simulator.b2b.delivery import Delivery, DeliveryQueue, RetryPolicy, spread_attributes
from simulator.clock import iso
from simulator.ids import seeded_uuid
from simulator.push.store import InvalidBody, validate_callback
from simulator.render.common import Json

if TYPE_CHECKING:
    from simulator.core import Simulator
    from simulator.remotes.model import RemoteRecord
    from simulator.world.vehicle import Vehicle

V3_REMOTE_TYPES = (
    "ThermalPreconditioning",
    "ElectricBatteryChargingRequest",
    "Horn",
    "Doors",
    "Lights",
    "Immobilization",
    "Stolen",
    "WakeUp",
    "Navigation",
)


@dataclass
class FleetCallback:
    """A fleet's remote callback."""

    id: str
    fleet_id: str
    subscribe: dict[str, Any]
    created_at: datetime
    status: str = "Running"

    @property
    def remote_types(self) -> list[str]:
        """The remote types this callback accepts."""
        return [str(t) for t in self.subscribe["remoteTypes"]]

    @property
    def retry(self) -> RetryPolicy:
        """``None`` (one try) or ``Bounded`` (``retryNumber`` tries); absent: ``Bounded`` 3."""
        raw = self.subscribe.get("retryPolicy") or {"policy": "Bounded"}
        return RetryPolicy(
            raw["policy"], int(raw.get("retryNumber", 3)), float(raw.get("retryDelay", 10))
        )


def validate_remote_callback(body: Any) -> dict[str, Any]:
    """A ``RemoteCallbackSubscribe`` (400 ``InvalidBody`` otherwise)."""
    data = validate_callback(body)
    if "webhook" not in data["callback"]:
        raise InvalidBody("callback.webhook is required")
    types = data.get("remoteTypes")
    if not isinstance(types, list) or not types or any(t not in V3_REMOTE_TYPES for t in types):
        raise InvalidBody(f"remoteTypes must be a non-empty list among {V3_REMOTE_TYPES}")
    retry = data.get("retryPolicy")
    if retry is not None and (
        not isinstance(retry, dict) or retry.get("policy") not in ("None", "Bounded")
    ):
        raise InvalidBody("retryPolicy.policy must be None or Bounded")
    return data


class FleetCallbacks:
    """Every fleet remote callback; turns state-machine events into v3 messages."""

    def __init__(self, sim: Simulator, queue: DeliveryQueue) -> None:
        self.sim = sim
        self.queue = queue
        self.callbacks: dict[str, FleetCallback] = {}
        self._ids = random.Random(f"{sim.config.seed}:b2b-remote")

    def new_id(self) -> str:
        """A fresh id (callbacks and remote actions)."""
        return seeded_uuid(self._ids)

    def create(self, fleet_id: str, subscribe: dict[str, Any]) -> FleetCallback:
        """A new running callback."""
        callback = FleetCallback(self.new_id(), fleet_id, subscribe, self.sim.now())
        self.callbacks[callback.id] = callback
        return callback

    def remote_event(self, record: RemoteRecord, vehicle: Vehicle, kind: str, status: str) -> None:
        """A Pending or Done event of a fleet remote action: queue its v3 message."""
        callback = self.callbacks.get(record.callback_id)
        if callback is None or callback.status != "Running":
            return
        event_status: Json = {"type": kind, "status": status}
        if record.failure is not None and status == "Failed":
            event_status["failureCause"] = record.failure
        event: Json = {
            "remoteActionId": record.id,
            "vin": vehicle.vin,
            "eventDate": iso(self.sim.now()),
            "remoteType": record.type,
            "eventStatus": event_status,
        }
        hook = callback.subscribe["callback"]["webhook"]
        variables = {
            "vin": vehicle.vin,
            "callbackid": callback.id,
            "remotetype": record.type,
            "fleetid": callback.fleet_id,
        }
        headers, params, body = spread_attributes(hook.get("attributes", []), variables)
        message = {"callbackId": callback.id, "attributes": body, "events": [event]}
        now = self.sim.clock.timestamp()
        self.queue.add(Delivery(str(hook["target"]), message, headers, params, now, callback.retry))
