"""Input checks of a posted Remote (400 with a message when it does not fit)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from simulator.push.store import InvalidBody, validate_attribute
from simulator.remotes.model import REMOTE_TYPES

MAX_POSITIONS = 10
MAX_SLOT = 4


def _object(value: Any, what: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise InvalidBody(f"{what} must be a JSON object")
    return value


def validate_remote(body: Any) -> tuple[dict[str, Any], str]:
    """A Remote with exactly one action; returns it and its RemoteType."""
    data = _object(body, "body")
    actions = [key for key in REMOTE_TYPES if key in data]
    if len(actions) != 1:
        raise InvalidBody(f"a remote needs exactly one of {sorted(REMOTE_TYPES)}")
    key = actions[0]
    action = _object(data[key], key)
    _CHECKS[key](action)
    if "label" in data and not isinstance(data["label"], str):
        raise InvalidBody("label must be a string")
    hooks = _object(data.get("callbackAttributes", {}), "callbackAttributes").get("webhook", [])
    for attributes in (data.get("attributes", []), hooks):
        if not isinstance(attributes, list):
            raise InvalidBody("attributes must be lists")
        for attribute in attributes:
            validate_attribute(attribute)
    return data, REMOTE_TYPES[key]


def _door(action: dict[str, Any]) -> None:
    if action.get("state") not in ("Locked", "Unlocked"):
        raise InvalidBody("door.state must be Locked or Unlocked")


def _horn(action: dict[str, Any]) -> None:
    if action.get("state") not in ("Activated", "Unactivated"):
        raise InvalidBody("horn.state must be Activated or Unactivated")


def _lights(action: dict[str, Any]) -> None:
    if not isinstance(action.get("on"), bool):
        raise InvalidBody("lights.on must be a boolean")


def _wake_up(action: dict[str, Any]) -> None:
    if action.get("action", "WakeUp") != "WakeUp":
        raise InvalidBody("wakeUp.action must be WakeUp")


def _charging(action: dict[str, Any]) -> None:
    if "immediate" in action and not isinstance(action["immediate"], bool):
        raise InvalidBody("charging.immediate must be a boolean")
    schedule = _object(action.get("schedule", {}), "charging.schedule")
    for value in (action.get("nextDelayedTime"), schedule.get("nextDelayedTime")):
        if value is not None and parse_time(value) is None:
            raise InvalidBody("charging nextDelayedTime must be an RFC 3339 timestamp")
    if "preferences" in action and ({"immediate", "schedule"} & set(action)):
        raise InvalidBody("charging.preferences cannot be combined with schedule or immediate")


def parse_time(value: Any) -> datetime | None:
    """An RFC 3339 timestamp with a time zone (``None`` when it is not one)."""
    if not isinstance(value, str) or "T" not in value.upper():
        return None
    try:
        moment = datetime.fromisoformat(value.replace("z", "Z"))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def _preconditioning(action: dict[str, Any]) -> None:
    air = _object(action.get("airConditioning"), "preconditioning.airConditioning")
    if "immediate" not in air and "programs" not in air:
        raise InvalidBody("airConditioning needs immediate or programs")
    if "immediate" in air and not isinstance(air["immediate"], bool):
        raise InvalidBody("airConditioning.immediate must be a boolean")
    programs = air.get("programs", [])
    if not isinstance(programs, list):
        raise InvalidBody("airConditioning.programs must be a list")
    slots = [_program(_object(p, "program")) for p in programs]
    if len(set(slots)) != len(slots):
        raise InvalidBody("a slot can be used once per remote")


def _program(program: dict[str, Any]) -> int:
    slot = program.get("slot")
    if isinstance(slot, bool) or not isinstance(slot, int) or not 1 <= slot <= MAX_SLOT:
        raise InvalidBody(f"program slot must be 1 to {MAX_SLOT}")
    kind = program.get("actionsType", "Set")
    if kind not in ("Set", "Delete"):
        raise InvalidBody("program actionsType must be Set or Delete")
    if kind == "Set":
        if not isinstance(program.get("enabled"), bool) or not isinstance(
            program.get("start"), str
        ):
            raise InvalidBody("a Set program needs enabled and start")
        days = _object(program.get("occurence"), "program.occurence").get("day")
        if not isinstance(days, list) or not all(isinstance(d, str) for d in days):
            raise InvalidBody("program.occurence.day must be a list of days")
    return slot


def _navigation(action: dict[str, Any]) -> None:
    positions = action.get("positions")
    if not isinstance(positions, list) or not 1 <= len(positions) <= MAX_POSITIONS:
        raise InvalidBody(f"navigation.positions needs 1 to {MAX_POSITIONS} points")
    for point in positions:
        item = _object(point, "position")
        coordinates = item.get("coordinates")
        if item.get("type") != "Point" or not isinstance(coordinates, list):
            raise InvalidBody("each position is a GeoJSON Point")
        if len(coordinates) < 2 or not all(
            isinstance(c, int | float) and not isinstance(c, bool) for c in coordinates[:2]
        ):
            raise InvalidBody("a position needs longitude and latitude")
        longitude, latitude = coordinates[0], coordinates[1]
        if not (-180 <= longitude <= 180 and -90 <= latitude <= 90):
            raise InvalidBody("position out of range")
    if "driverApproval" in action and not isinstance(action["driverApproval"], bool):
        raise InvalidBody("navigation.driverApproval must be a boolean")


_CHECKS = {
    "preconditioning": _preconditioning,
    "door": _door,
    "horn": _horn,
    "charging": _charging,
    "lights": _lights,
    "wakeUp": _wake_up,
    "navigation": _navigation,
}
