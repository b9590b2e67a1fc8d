"""Binary sensors: alerts, service due, driving, locks, charging, climate, privacy."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from homeassistant.components.binary_sensor import (
    BinarySensorEntity,
    BinarySensorEntityDescription,
)
from homeassistant.components.binary_sensor.const import BinarySensorDeviceClass
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .api.models import Door, PrivacyState, VehicleStatus
from .coordinator import PsaConfigEntry
from .entity import (
    PsaEntity,
    PsaEntityDescription,
    always,
    async_add_vehicle_entities,
    from_status,
    has_maintenance,
    reported,
)
from .vehicles.data import VehicleData

PARALLEL_UPDATES = 0


@dataclass(frozen=True, kw_only=True)
class PsaBinarySensorDescription(PsaEntityDescription, BinarySensorEntityDescription):
    """A binary sensor read from a car's data by ``value_fn``."""

    value_fn: Callable[[VehicleData], bool | None]


def _unlocked(status: VehicleStatus) -> bool | None:
    return None if status.doors_locked is None else not status.doors_locked


def _privacy(status: VehicleStatus) -> bool | None:
    state = status.privacy_state
    return None if state is None else state != PrivacyState.NONE


def _service_due(data: VehicleData) -> bool | None:
    return data.service_due


def _engine(data: VehicleData) -> bool | None:
    return data.engine_running


def _charging_now(data: VehicleData) -> bool | None:
    return data.charging_in_progress


def _plugged(data: VehicleData) -> bool | None:
    return data.charging.plugged if data.charging is not None else None


def _door_open(door: Door) -> Callable[[VehicleData], bool | None]:
    return from_status(lambda status: status.door_open(door))


DOOR_KEYS: dict[Door, str] = {
    Door.DRIVER: "driver_door",
    Door.PASSENGER: "passenger_door",
    Door.REAR_LEFT: "rear_left_door",
    Door.REAR_RIGHT: "rear_right_door",
    Door.TRUNK: "trunk",
    Door.REAR_WINDOW: "rear_window",
    Door.ROOF_WINDOW: "roof_window",
}
"""Each opening the API reports → key of its binary sensor."""
WINDOWS = frozenset({Door.REAR_WINDOW, Door.ROOF_WINDOW})


def _door(door: Door) -> PsaBinarySensorDescription:
    """Whether one door, the boot or a window is open; created when the car reports it."""
    value_fn = _door_open(door)
    return PsaBinarySensorDescription(
        key=DOOR_KEYS[door],
        translation_key=DOOR_KEYS[door],
        device_class=(
            BinarySensorDeviceClass.WINDOW if door in WINDOWS else BinarySensorDeviceClass.DOOR
        ),
        value_fn=value_fn,
        exists_fn=reported(value_fn),
    )


_moving = from_status(lambda status: status.moving)
_alarm = from_status(lambda status: status.alarm_active)
_doors = from_status(_unlocked)
_climate = from_status(lambda status: status.preconditioning_on)
_privacy_mode = from_status(_privacy)

BINARY_SENSORS: tuple[PsaBinarySensorDescription, ...] = (
    PsaBinarySensorDescription(
        key="alert",
        translation_key="alert",
        device_class=BinarySensorDeviceClass.PROBLEM,
        value_fn=lambda data: bool(data.alerts),
        exists_fn=always,
        available_fn=always,
    ),
    PsaBinarySensorDescription(
        key="critical_alert",
        translation_key="critical_alert",
        device_class=BinarySensorDeviceClass.PROBLEM,
        value_fn=lambda data: data.critical_alert,
        exists_fn=always,
        available_fn=always,
    ),
    PsaBinarySensorDescription(
        key="service_due",
        translation_key="service_due",
        device_class=BinarySensorDeviceClass.PROBLEM,
        value_fn=_service_due,
        exists_fn=reported(_service_due),
        available_fn=has_maintenance,
    ),
    PsaBinarySensorDescription(
        key="moving",
        translation_key="moving",
        device_class=BinarySensorDeviceClass.MOVING,
        value_fn=_moving,
        exists_fn=reported(_moving),
    ),
    PsaBinarySensorDescription(
        key="engine",
        translation_key="engine",
        device_class=BinarySensorDeviceClass.RUNNING,
        value_fn=_engine,
        exists_fn=reported(_engine),
    ),
    PsaBinarySensorDescription(
        key="doors_lock",
        translation_key="doors_lock",
        device_class=BinarySensorDeviceClass.LOCK,
        value_fn=_doors,
        exists_fn=reported(_doors),
    ),
    *(_door(door) for door in Door),
    PsaBinarySensorDescription(
        key="alarm",
        translation_key="alarm",
        value_fn=_alarm,
        exists_fn=reported(_alarm),
    ),
    PsaBinarySensorDescription(
        key="charging",
        translation_key="charging",
        device_class=BinarySensorDeviceClass.BATTERY_CHARGING,
        value_fn=_charging_now,
        exists_fn=reported(_charging_now),
    ),
    PsaBinarySensorDescription(
        key="plugged_in",
        translation_key="plugged_in",
        device_class=BinarySensorDeviceClass.PLUG,
        value_fn=_plugged,
        exists_fn=reported(_plugged),
    ),
    PsaBinarySensorDescription(
        key="preconditioning",
        translation_key="preconditioning",
        value_fn=_climate,
        exists_fn=reported(_climate),
    ),
    PsaBinarySensorDescription(
        key="privacy_mode",
        translation_key="privacy_mode",
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=_privacy_mode,
        exists_fn=reported(_privacy_mode),
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: PsaConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Create the binary sensors of every car, now and when cars or data appear."""
    async_add_vehicle_entities(entry, async_add_entities, BINARY_SENSORS, PsaBinarySensor)


class PsaBinarySensor(PsaEntity, BinarySensorEntity):
    """A binary sensor of one car."""

    entity_description: PsaBinarySensorDescription

    @property
    def is_on(self) -> bool | None:
        """The state read from the car's latest data."""
        data = self.vehicle_data
        return self.entity_description.value_fn(data) if data is not None else None
