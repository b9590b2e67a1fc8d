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

from .api.models import Charging, VehicleStatus
from .coordinator import PsaConfigEntry
from .entity import (
    PsaEntity,
    PsaEntityDescription,
    always,
    async_add_vehicle_entities,
    has_maintenance,
)
from .vehicles.data import VehicleData

PARALLEL_UPDATES = 0

CRITICAL_SEVERITY = "critical"
RUNNING_IGNITIONS = frozenset({"start", "startup"})
PRECONDITIONING_ON = frozenset({"enabled", "active", "activated", "inprogress", "running"})
PRIVACY_OFF = "none"


@dataclass(frozen=True, kw_only=True)
class PsaBinarySensorDescription(PsaEntityDescription, BinarySensorEntityDescription):
    """A binary sensor read from a car's data by ``value_fn``."""

    value_fn: Callable[[VehicleData], bool | None]


def _status(read: Callable[[VehicleStatus], bool | None]) -> Callable[[VehicleData], bool | None]:
    """Read a state from the status document (``None`` while it is unknown)."""
    return lambda data: read(data.status) if data.status is not None else None


def _charging(read: Callable[[Charging], bool | None]) -> Callable[[VehicleData], bool | None]:
    """Read a state from the traction battery's charging block."""

    def value(data: VehicleData) -> bool | None:
        electric = data.status.electric if data.status is not None else None
        if electric is None or electric.charging is None:
            return None
        return read(electric.charging)

    return value


def _reported(value_fn: Callable[[VehicleData], bool | None]) -> Callable[[VehicleData], bool]:
    return lambda data: value_fn(data) is not None


def _lower(text: str | None) -> str | None:
    return text.lower() if text is not None else None


def critical_alert(data: VehicleData) -> bool:
    """Whether one of the active alerts is critical."""
    return any(_lower(alert.severity) == CRITICAL_SEVERITY for alert in data.alerts)


def service_due(data: VehicleData) -> bool | None:
    """Whether the service is due or overdue, by time or by distance."""
    if data.maintenance is None:
        return None
    days = data.maintenance.days_before_maintenance
    km = data.maintenance.mileage_before_maintenance_km
    if days is None and km is None:
        return None
    return (days is not None and days <= 0) or (km is not None and km <= 0)


def _engine_running(status: VehicleStatus) -> bool | None:
    return None if status.ignition is None else status.ignition.lower() in RUNNING_IGNITIONS


def _unlocked(status: VehicleStatus) -> bool | None:
    return None if status.doors_locked is None else not status.doors_locked


def _preconditioning(status: VehicleStatus) -> bool | None:
    state = _lower(status.preconditioning_status)
    return None if state is None else state in PRECONDITIONING_ON


def _privacy(status: VehicleStatus) -> bool | None:
    state = _lower(status.privacy_state)
    return None if state is None else state != PRIVACY_OFF


_moving = _status(lambda status: status.moving)
_engine = _status(_engine_running)
_doors = _status(_unlocked)
_charging_now = _charging(
    lambda charging: None if charging.status is None else charging.status.lower() == "inprogress"
)
_plugged = _charging(lambda charging: charging.plugged)
_climate = _status(_preconditioning)
_privacy_mode = _status(_privacy)

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
        value_fn=critical_alert,
        exists_fn=always,
        available_fn=always,
    ),
    PsaBinarySensorDescription(
        key="service_due",
        translation_key="service_due",
        device_class=BinarySensorDeviceClass.PROBLEM,
        value_fn=service_due,
        exists_fn=_reported(service_due),
        available_fn=has_maintenance,
    ),
    PsaBinarySensorDescription(
        key="moving",
        translation_key="moving",
        device_class=BinarySensorDeviceClass.MOVING,
        value_fn=_moving,
        exists_fn=_reported(_moving),
    ),
    PsaBinarySensorDescription(
        key="engine",
        translation_key="engine",
        device_class=BinarySensorDeviceClass.RUNNING,
        value_fn=_engine,
        exists_fn=_reported(_engine),
    ),
    PsaBinarySensorDescription(
        key="doors_lock",
        translation_key="doors_lock",
        device_class=BinarySensorDeviceClass.LOCK,
        value_fn=_doors,
        exists_fn=_reported(_doors),
    ),
    PsaBinarySensorDescription(
        key="charging",
        translation_key="charging",
        device_class=BinarySensorDeviceClass.BATTERY_CHARGING,
        value_fn=_charging_now,
        exists_fn=_reported(_charging_now),
    ),
    PsaBinarySensorDescription(
        key="plugged_in",
        translation_key="plugged_in",
        device_class=BinarySensorDeviceClass.PLUG,
        value_fn=_plugged,
        exists_fn=_reported(_plugged),
    ),
    PsaBinarySensorDescription(
        key="preconditioning",
        translation_key="preconditioning",
        value_fn=_climate,
        exists_fn=_reported(_climate),
    ),
    PsaBinarySensorDescription(
        key="privacy_mode",
        translation_key="privacy_mode",
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=_privacy_mode,
        exists_fn=_reported(_privacy_mode),
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
