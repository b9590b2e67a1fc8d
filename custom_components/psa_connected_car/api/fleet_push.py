"""Messages of the fleet monitors (``api-b2b-webhook-template-v3.yaml``).

``{monitorId, attributes, events: [{fleetId, vin, eventDate, values, extensions}]}``: each
event names its car by VIN; its extensions carry the car's status and active alerts as the
API's own documents, parsed here into the same models as a read.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .errors import InvalidResponseError
from .models import Alert, VehicleStatus
from .parsers import parse_alert
from .parsers_status import parse_status
from .parsing import as_list, as_mapping, dig, parse_timestamp, to_str

STATUS_EXTENSION = "vehicle.status"
ALERTS_EXTENSION = "vehicle.alerts"


class MalformedFleetPushError(ValueError):
    """The body is not a fleet monitor message."""


@dataclass(frozen=True)
class FleetPushEvent:
    """One car's event: when, what fired, and the data it carried."""

    vin: str
    date: datetime | None
    status: VehicleStatus | None
    alerts: tuple[Alert, ...] | None
    fired: frozenset[str]


def parse_fleet_delivery(payload: object) -> tuple[str | None, list[FleetPushEvent]]:
    """The monitor id and events of one delivery; ``MalformedFleetPushError`` otherwise."""
    message = as_mapping(payload)
    if message is None or not isinstance(message.get("events"), list):
        raise MalformedFleetPushError("a fleet monitor message needs a list of events")
    return to_str(message.get("monitorId")), [_event(item) for item in message["events"]]


def _event(item: object) -> FleetPushEvent:
    event = as_mapping(item)
    vin = to_str(event.get("vin")) if event is not None else None
    if event is None or vin is None:
        raise MalformedFleetPushError("every event needs the car's vin")
    status: VehicleStatus | None = None
    alerts: tuple[Alert, ...] | None = None
    for extension in as_list(event.get("extensions")):
        body = _body(dig(extension, "body"))
        kind = dig(extension, "type")
        try:
            if kind == STATUS_EXTENSION and "status" in body:
                status = parse_status(body["status"])
            elif kind == ALERTS_EXTENSION and isinstance(body.get("alerts"), list):
                parsed = (parse_alert(a) for a in body["alerts"] if isinstance(a, Mapping))
                alerts = tuple(alert for alert in parsed if alert is not None and alert.active)
        except InvalidResponseError as err:
            raise MalformedFleetPushError(str(err)) from err
    fired = frozenset(
        name
        for name in (to_str(dig(value, "data")) for value in as_list(event.get("values")))
        if name
    )
    return FleetPushEvent(vin, parse_timestamp(event.get("eventDate")), status, alerts, fired)


def _body(value: object) -> Mapping[str, Any]:
    """An extension's body: an object (v3), or the one-item list the v4 template uses."""
    if isinstance(value, list) and value:
        value = value[0]
    return as_mapping(value) or {}
