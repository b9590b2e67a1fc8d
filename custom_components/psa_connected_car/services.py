"""Actions: ``set_preconditioning_program`` and ``send_destination``.

Both name a car by its device. The call's data is checked before anything is sent: a bad
value raises a translated ``ServiceValidationError`` (no request reaches the API), and so
do an unknown car and an entry that is not loaded. The commander refuses a command the
login was not granted, also without a request.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
import math
from typing import Any

from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import ATTR_DEVICE_ID, ATTR_LATITUDE, ATTR_LONGITUDE
from homeassistant.core import HomeAssistant, ServiceCall, callback
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import config_validation as cv, device_registry as dr
import probatio as vol

from .api.remotes import (
    MAX_NAVIGATION_POINTS,
    PROGRAM_SLOTS,
    WEEK_DAYS,
    RemoteCommand,
)
from .const import DOMAIN
from .coordinator import PsaConfigEntry
from .remotes.commander import RemoteCommander

SERVICE_SET_PRECONDITIONING_PROGRAM = "set_preconditioning_program"
SERVICE_SEND_DESTINATION = "send_destination"

ATTR_SLOT = "slot"
ATTR_DAYS = "days"
ATTR_START_TIME = "start_time"
ATTR_ENABLED = "enabled"
ATTR_WAYPOINTS = "waypoints"
ATTR_DRIVER_APPROVAL = "driver_approval"

DAY_OPTIONS: Mapping[str, str] = {day.lower(): day for day in WEEK_DAYS}
"""The action's day options (selector keys are lower case) and the API's day names."""
MAX_WAYPOINTS = MAX_NAVIGATION_POINTS - 1
"""The destination is one of the API's points; the others are waypoints."""


def _coordinate(limit: float) -> Callable[[Any], float]:
    """A finite number within ``±limit`` (a bool or a NaN is not a coordinate)."""

    def validate(value: Any) -> float:
        if isinstance(value, bool):
            raise vol.Invalid("not a number")
        number = vol.Coerce(float)(value)
        if not math.isfinite(number) or not -limit <= number <= limit:
            raise vol.Invalid("out of range")
        return float(number)

    return validate


def _whole_number(value: Any) -> int:
    """An integer, from an int or a string or float without a fraction (no bool)."""
    if isinstance(value, bool):
        raise vol.Invalid("not a whole number")
    number = vol.Coerce(float)(value)
    if not number.is_integer():
        raise vol.Invalid("not a whole number")
    return int(number)


def _days(value: Any) -> list[str]:
    """At least one known day, in the order of the week, each once."""
    chosen = {str(day).strip().lower() for day in cv.ensure_list(value)}
    if not chosen or not chosen <= DAY_OPTIONS.keys():
        raise vol.Invalid("unknown day")
    return [day for option, day in DAY_OPTIONS.items() if option in chosen]


_POINT = vol.Schema(
    {
        vol.Required(ATTR_LATITUDE): _coordinate(90),
        vol.Required(ATTR_LONGITUDE): _coordinate(180),
    }
)


def _waypoints(value: Any) -> list[tuple[float, float]]:
    """Up to ``MAX_WAYPOINTS`` points, each a mapping with a latitude and a longitude."""
    items = cv.ensure_list(value)
    if len(items) > MAX_WAYPOINTS:
        raise TooManyWaypoints(len(items))
    points: list[tuple[float, float]] = []
    for index, item in enumerate(items):
        if not isinstance(item, Mapping):
            raise vol.Invalid("not a point", path=[index])
        point = _POINT(dict(item))
        points.append((point[ATTR_LATITUDE], point[ATTR_LONGITUDE]))
    return points


class TooManyWaypoints(vol.Invalid):
    """More waypoints than the API takes with a destination."""

    def __init__(self, count: int) -> None:
        """Remember how many were given."""
        super().__init__("too many waypoints")
        self.count = count


class TranslatedSchema(vol.Schema):
    """A schema that raises a translated error instead of voluptuous' English one."""

    def __call__(self, data: Any, **kwargs: Any) -> Any:
        """Validate ``data``."""
        try:
            return super().__call__(data, **kwargs)
        except vol.Invalid as err:
            raise translated_error(err) from err


PROGRAM_SCHEMA = TranslatedSchema(
    {
        vol.Required(ATTR_DEVICE_ID): cv.string,
        vol.Required(ATTR_SLOT): vol.All(_whole_number, vol.In(PROGRAM_SLOTS)),
        vol.Required(ATTR_DAYS): _days,
        vol.Required(ATTR_START_TIME): cv.time,
        vol.Optional(ATTR_ENABLED, default=True): cv.boolean,
    }
)
DESTINATION_SCHEMA = TranslatedSchema(
    {
        vol.Required(ATTR_DEVICE_ID): cv.string,
        vol.Required(ATTR_LATITUDE): _coordinate(90),
        vol.Required(ATTR_LONGITUDE): _coordinate(180),
        vol.Optional(ATTR_WAYPOINTS, default=list): _waypoints,
        vol.Optional(ATTR_DRIVER_APPROVAL, default=True): cv.boolean,
    }
)

_FIELD_ERRORS: Mapping[str, str] = {
    ATTR_SLOT: "invalid_slot",
    ATTR_DAYS: "invalid_days",
    ATTR_START_TIME: "invalid_start_time",
    ATTR_LATITUDE: "invalid_latitude",
    ATTR_LONGITUDE: "invalid_longitude",
    ATTR_WAYPOINTS: "invalid_waypoint",
}
"""The translated error of a bad value, by the field it was found in (innermost first)."""


def translated_error(error: vol.Invalid) -> ServiceValidationError:
    """The translated error that tells the user which value to fix."""
    if isinstance(error, vol.MultipleInvalid):
        error = error.errors[0]
    if isinstance(error, TooManyWaypoints):
        return _validation_error(
            "too_many_points",
            max_waypoints=str(MAX_WAYPOINTS),
            max_points=str(MAX_NAVIGATION_POINTS),
            count=str(error.count),
        )
    names = [str(part) for part in reversed(error.path) if isinstance(part, str)]
    key = next((_FIELD_ERRORS[name] for name in names if name in _FIELD_ERRORS), None)
    if key == "invalid_days":
        return _validation_error(key, days=", ".join(DAY_OPTIONS))
    if key is not None:
        return _validation_error(key)
    return _validation_error("invalid_action_field", field=names[-1] if names else "?")


def _validation_error(key: str, **placeholders: str) -> ServiceValidationError:
    return ServiceValidationError(
        translation_domain=DOMAIN, translation_key=key, translation_placeholders=placeholders
    )


@dataclass(frozen=True)
class VehicleTarget:
    """The car an action acts on: its entry's commands and its API id."""

    remotes: RemoteCommander
    vehicle_id: str


def vehicle_target(hass: HomeAssistant, device_id: str) -> VehicleTarget:
    """The car of ``device_id``: one of ours, in a loaded entry.

    Whether the login may send the command is the commander's to say (it refuses a kind
    that was not granted, without a request).
    """
    device = dr.async_get(hass).async_get(device_id)
    identifiers = device.identifiers if device is not None else set()
    vin = next((value for domain, value in identifiers if domain == DOMAIN), None)
    entry = hass.config_entries.async_get_entry(device.config_entry_id) if device else None
    if vin is None or entry is None or entry.domain != DOMAIN:
        raise ServiceValidationError(translation_domain=DOMAIN, translation_key="unknown_vehicle")
    loaded: PsaConfigEntry = entry
    remotes = loaded.runtime_data.remotes if entry.state is ConfigEntryState.LOADED else None
    if remotes is None:
        raise ServiceValidationError(translation_domain=DOMAIN, translation_key="entry_not_loaded")
    for vehicle_id, data in (loaded.runtime_data.coordinator.data or {}).items():
        if data.vehicle.vin == vin:
            return VehicleTarget(remotes, vehicle_id)
    raise ServiceValidationError(translation_domain=DOMAIN, translation_key="unknown_vehicle")


async def _async_set_preconditioning_program(call: ServiceCall) -> None:
    target = vehicle_target(call.hass, call.data[ATTR_DEVICE_ID])
    command = RemoteCommand.precondition_program(
        call.data[ATTR_SLOT],
        call.data[ATTR_DAYS],
        call.data[ATTR_START_TIME],
        call.data[ATTR_ENABLED],
    )
    await target.remotes.async_send(target.vehicle_id, command)


async def _async_send_destination(call: ServiceCall) -> None:
    target = vehicle_target(call.hass, call.data[ATTR_DEVICE_ID])
    destination = (call.data[ATTR_LATITUDE], call.data[ATTR_LONGITUDE])
    command = RemoteCommand.navigation(
        [*call.data[ATTR_WAYPOINTS], destination], call.data[ATTR_DRIVER_APPROVAL]
    )
    await target.remotes.async_send(target.vehicle_id, command)


@callback
def async_setup_services(hass: HomeAssistant) -> None:
    """Register the integration's actions (once, whatever the number of entries)."""
    hass.services.async_register(
        DOMAIN,
        SERVICE_SET_PRECONDITIONING_PROGRAM,
        _async_set_preconditioning_program,
        schema=PROGRAM_SCHEMA,
    )
    hass.services.async_register(
        DOMAIN,
        SERVICE_SEND_DESTINATION,
        _async_send_destination,
        schema=DESTINATION_SCHEMA,
    )
