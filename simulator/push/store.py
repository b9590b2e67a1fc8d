"""Callbacks and monitors a client registered, with input validation."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
import re
from typing import Any

from simulator.push.boolexp import BoolExpError, parse_boolexp

MAX_MONITORS = 5
TRIGGER_NAME = re.compile(r"[a-zA-Z]+[.\-_]?[0-9]*")


class InvalidBody(ValueError):  # noqa: N818  (reads better at the raise sites)
    """A request body the API answers with 400."""


@dataclass
class CallbackRecord:
    """A registered callback (only webhooks are delivered)."""

    id: str
    owner: str
    client_id: str
    subscribe: dict[str, Any]
    created_at: datetime
    status: str = "Running"

    @property
    def label(self) -> str:
        """The callback's label."""
        return str(self.subscribe.get("label", ""))

    @property
    def webhook(self) -> dict[str, Any] | None:
        """The webhook definition, if it is one."""
        hook = self.subscribe["callback"].get("webhook")
        return hook if isinstance(hook, dict) else None


@dataclass
class MonitorRecord:
    """A monitor on one vehicle, delivering through one callback."""

    id: str
    callback_id: str
    vehicle_id: str
    parameter: dict[str, Any]
    created_at: datetime
    updated_at: datetime
    status: str = "Running"
    satisfied: bool = False
    last_fired: float | None = None
    previous: dict[str, str] = field(default_factory=dict)


def _object(value: Any, what: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise InvalidBody(f"{what} must be a JSON object")
    return value


def validate_callback(body: Any) -> dict[str, Any]:
    """A CallbackSubscribe: exactly one of webhook/websocket/pushnotif."""
    data = _object(body, "body")
    callback = _object(data.get("callback"), "callback")
    kinds = [k for k in ("webhook", "websocket", "pushnotif") if k in callback]
    if len(kinds) != 1:
        raise InvalidBody("callback needs exactly one of webhook, websocket, pushnotif")
    hook = _object(callback[kinds[0]], kinds[0])
    if kinds[0] in ("webhook", "websocket"):
        target = hook.get("target")
        if not isinstance(target, str) or "://" not in target:
            raise InvalidBody(f"{kinds[0]}.target must be a URL")
    if kinds[0] == "webhook" and not isinstance(hook.get("name"), str):
        raise InvalidBody("webhook.name is required")
    for attribute in hook.get("attributes", []):
        validate_attribute(attribute)
    types = data.get("type", [])
    if not isinstance(types, list) or any(t not in ("Monitor", "Remote") for t in types):
        raise InvalidBody("type must be a list of Monitor/Remote")
    if "label" in data and not isinstance(data["label"], str):
        raise InvalidBody("label must be a string")
    return data


def validate_attribute(attribute: Any) -> None:
    """An attribute ``{type, key, value}``."""
    item = _object(attribute, "attribute")
    if item.get("type") not in ("Header", "Body", "Query"):
        raise InvalidBody("attribute type must be Header, Body or Query")
    if not isinstance(item.get("key"), str) or not isinstance(item.get("value"), str):
        raise InvalidBody("attribute key and value must be strings")


def validate_monitor(body: Any) -> dict[str, Any]:
    """A MonitorParameter: label, 1-5 named triggers of one kind each, a valid boolExp."""
    data = _object(body, "body")
    if not isinstance(data.get("label"), str):
        raise InvalidBody("label is required")
    param = _object(data.get("triggerParam"), "triggerParam")
    triggers = param.get("triggers")
    if not isinstance(triggers, list) or not 1 <= len(triggers) <= 5:
        raise InvalidBody("triggerParam.triggers needs 1 to 5 triggers")
    names = [validate_trigger(t) for t in triggers]
    if len(set(names)) != len(names):
        raise InvalidBody("trigger names must be unique")
    expression = param.get("boolExp")
    if not isinstance(expression, str):
        raise InvalidBody("triggerParam.boolExp is required")
    try:
        parse_boolexp(expression, set(names))
    except BoolExpError as err:
        raise InvalidBody(f"boolExp: {err}") from err
    for attribute in data.get("attributes", []):
        validate_attribute(attribute)
    refresh = _object(data.get("subscribeParam", {}), "subscribeParam").get("refreshEvent")
    if refresh is not None and (not isinstance(refresh, int) or refresh < 60):
        raise InvalidBody("refreshEvent must be an integer >= 60")
    return data


def validate_trigger(trigger: Any) -> str:
    """One trigger; returns its name."""
    item = _object(trigger, "trigger")
    name = item.get("name")
    if not isinstance(name, str) or TRIGGER_NAME.fullmatch(name) is None:
        raise InvalidBody("every trigger needs a name matching [a-zA-Z]+[.-_]?[0-9]*")
    kinds = [k for k in ("zone", "time", "data") if k in item]
    if len(kinds) != 1:
        raise InvalidBody(f"trigger {name} needs exactly one of zone, time, data")
    if "data" in item:
        data = _object(item["data"], "data")
        if not isinstance(data.get("data"), str) or data.get("op") not in (
            "equalsTo",
            "greaterThan",
            "lowerThan",
            "includedIn",
            "onChange",
        ):
            raise InvalidBody(f"trigger {name}: data and op are required")
    if "zone" in item:
        zone = _object(item["zone"], "zone")
        place = _object(zone.get("place"), "zone.place")
        center = _object(place.get("center"), "zone.place.center")
        if zone.get("transition") not in ("In", "Out") or "radius" not in place:
            raise InvalidBody(f"trigger {name}: zone needs transition and place.radius")
        if not all(isinstance(center.get(k), int | float) for k in ("latitude", "longitude")):
            raise InvalidBody(f"trigger {name}: zone center needs latitude and longitude")
    return name
