"""Sensors: energy levels and ranges, odometer, service, alerts, charging, climate."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.const import (
    PERCENTAGE,
    EntityCategory,
    UnitOfLength,
    UnitOfSpeed,
    UnitOfTemperature,
    UnitOfTime,
)
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.typing import StateType

from .api.models import ChargingMode, ChargingStatus, Energy
from .coordinator import PsaConfigEntry, PsaCoordinator
from .entity import (
    PsaEntity,
    PsaEntityDescription,
    always,
    async_add_vehicle_entities,
    from_status,
    has_maintenance,
    has_status,
    reported,
    suggested_units,
)
from .remotes.sensors import async_add_wake_up_sensors
from .trips.sensors import trip_sensors
from .vehicles.data import VehicleData

PARALLEL_UPDATES = 0

CHARGING_STATUSES: dict[str, str] = {
    ChargingStatus.DISCONNECTED: "disconnected",
    ChargingStatus.IN_PROGRESS: "in_progress",
    ChargingStatus.FAILURE: "failure",
    ChargingStatus.STOPPED: "stopped",
    ChargingStatus.FINISHED: "finished",
}
"""API charging status → state of the charging status sensor."""

CHARGING_MODES: dict[str, str] = {
    ChargingMode.NO: "not_charging",
    ChargingMode.SLOW: "slow",
    ChargingMode.QUICK: "quick",
}
"""API charging mode → state of the charging mode sensor."""

type SensorValue = StateType | datetime


@dataclass(frozen=True, kw_only=True)
class PsaSensorDescription(PsaEntityDescription, SensorEntityDescription):
    """A sensor read from a car's data by ``value_fn``."""

    value_fn: Callable[[VehicleData], SensorValue]
    attr_fn: Callable[[VehicleData], Mapping[str, Any]] | None = None


def _fuel(read: Callable[[Energy], float | None]) -> Callable[[VehicleData], float | None]:
    return lambda data: read(data.fuel) if data.fuel is not None else None


def _electric(read: Callable[[Energy], float | None]) -> Callable[[VehicleData], float | None]:
    return from_status(lambda status: None if status.electric is None else read(status.electric))


def _has_charging(data: VehicleData) -> bool:
    return data.charging is not None


def charging_status(data: VehicleData) -> str | None:
    """The charging status as an option of the enum sensor (``None`` when unknown)."""
    charging = data.charging
    if charging is None or charging.status is None:
        return None
    return CHARGING_STATUSES.get(charging.status)


def charging_mode(data: VehicleData) -> str | None:
    """The charging mode as an option of the enum sensor (``None`` when unknown)."""
    charging = data.charging
    return CHARGING_MODES.get(charging.mode) if charging and charging.mode else None


def charging_end_time(data: VehicleData) -> datetime | None:
    """When charging ends, counted from the time the car reported (stable across polls)."""
    status, charging = data.status, data.charging
    if status is None or status.electric is None or charging is None or not charging.in_progress:
        return None
    remaining = charging.remaining_time
    reported_at = status.electric.updated_at or status.updated_at
    if remaining is None or reported_at is None or remaining.total_seconds() <= 0:
        return None
    return reported_at + remaining


def alert_attributes(data: VehicleData) -> dict[str, Any]:
    """The active alerts, oldest first, without their identifiers or positions."""
    return {
        "alerts": [
            {
                "type": alert.type,
                "severity": alert.severity,
                "since": alert.started_at.isoformat() if alert.started_at else None,
            }
            for alert in data.alerts
        ]
    }


def _maintenance_days(data: VehicleData) -> int | None:
    return data.maintenance.days_before_maintenance if data.maintenance else None


def _maintenance_km(data: VehicleData) -> float | None:
    return data.maintenance.mileage_before_maintenance_km if data.maintenance else None


def _distance(
    key: str,
    value_fn: Callable[[VehicleData], float | None],
    *,
    state_class: SensorStateClass = SensorStateClass.MEASUREMENT,
    exists_fn: Callable[[VehicleData], bool] | None = None,
    available_fn: Callable[[VehicleData], bool] = has_status,
) -> PsaSensorDescription:
    """A distance in kilometres (Home Assistant shows miles where the user wants them)."""
    return PsaSensorDescription(
        key=key,
        translation_key=key,
        device_class=SensorDeviceClass.DISTANCE,
        native_unit_of_measurement=UnitOfLength.KILOMETERS,
        state_class=state_class,
        suggested_display_precision=0,
        value_fn=value_fn,
        exists_fn=exists_fn or reported(value_fn),
        available_fn=available_fn,
    )


def _engine_temperature(
    key: str, value_fn: Callable[[VehicleData], float | None]
) -> PsaSensorDescription:
    """A thermic engine temperature: diagnostic, and of interest to few."""
    return PsaSensorDescription(
        key=key,
        translation_key=key,
        device_class=SensorDeviceClass.TEMPERATURE,
        native_unit_of_measurement=UnitOfTemperature.CELSIUS,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=0,
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,
        value_fn=value_fn,
        exists_fn=reported(value_fn),
    )


_fuel_level = _fuel(lambda energy: energy.level_pct)
_battery_level = _electric(lambda energy: energy.level_pct)
_fuel_range = _fuel(lambda energy: energy.autonomy_km)
_electric_range = _electric(lambda energy: energy.autonomy_km)
_total_range = from_status(lambda status: status.total_autonomy_km)
_odometer = from_status(lambda status: status.odometer_km)


def _charging_rate(data: VehicleData) -> float | None:
    return data.charging.rate_kmh if data.charging is not None else None


_battery_12v = from_status(lambda status: status.battery_12v_pct)
_battery_health = _electric(lambda energy: energy.health_pct)
_coolant_temperature = from_status(lambda status: status.coolant_temperature_c)
_oil_temperature = from_status(lambda status: status.oil_temperature_c)
_outside_temperature = from_status(lambda status: status.outside_temperature_c)
_speed = from_status(lambda status: status.speed_kmh)
_last_update = from_status(lambda status: status.updated_at)


def _both_ranges(data: VehicleData) -> bool:
    """A total range only adds something for cars with two energies."""
    return _fuel_range(data) is not None and _electric_range(data) is not None


SENSORS: tuple[PsaSensorDescription, ...] = (
    PsaSensorDescription(
        key="fuel_level",
        translation_key="fuel_level",
        native_unit_of_measurement=PERCENTAGE,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=0,
        value_fn=_fuel_level,
        exists_fn=reported(_fuel_level),
    ),
    PsaSensorDescription(
        key="battery_level",
        translation_key="battery_level",
        device_class=SensorDeviceClass.BATTERY,
        native_unit_of_measurement=PERCENTAGE,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=0,
        value_fn=_battery_level,
        exists_fn=reported(_battery_level),
    ),
    _distance("fuel_range", _fuel_range),
    _distance("electric_range", _electric_range),
    _distance("total_range", _total_range, exists_fn=_both_ranges),
    _distance("odometer", _odometer, state_class=SensorStateClass.TOTAL_INCREASING),
    PsaSensorDescription(
        key="days_until_service",
        translation_key="days_until_service",
        device_class=SensorDeviceClass.DURATION,
        native_unit_of_measurement=UnitOfTime.DAYS,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=0,
        value_fn=_maintenance_days,
        exists_fn=reported(_maintenance_days),
        available_fn=has_maintenance,
    ),
    _distance(
        "distance_until_service",
        _maintenance_km,
        available_fn=has_maintenance,
    ),
    PsaSensorDescription(
        key="active_alerts",
        translation_key="active_alerts",
        state_class=SensorStateClass.MEASUREMENT,
        value_fn=lambda data: len(data.alerts),
        attr_fn=alert_attributes,
        exists_fn=always,
        available_fn=always,
    ),
    PsaSensorDescription(
        key="charging_status",
        translation_key="charging_status",
        device_class=SensorDeviceClass.ENUM,
        options=sorted(set(CHARGING_STATUSES.values())),
        value_fn=charging_status,
        exists_fn=_has_charging,
    ),
    PsaSensorDescription(
        key="charging_end_time",
        translation_key="charging_end_time",
        device_class=SensorDeviceClass.TIMESTAMP,
        value_fn=charging_end_time,
        exists_fn=_has_charging,
    ),
    PsaSensorDescription(
        key="charging_rate",
        translation_key="charging_rate",
        device_class=SensorDeviceClass.SPEED,
        native_unit_of_measurement=UnitOfSpeed.KILOMETERS_PER_HOUR,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=0,
        entity_registry_enabled_default=False,
        value_fn=_charging_rate,
        exists_fn=_has_charging,
    ),
    PsaSensorDescription(
        key="battery_12v",
        translation_key="battery_12v",
        native_unit_of_measurement=PERCENTAGE,
        state_class=SensorStateClass.MEASUREMENT,
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,
        value_fn=_battery_12v,
        exists_fn=reported(_battery_12v),
    ),
    PsaSensorDescription(
        key="battery_health",
        translation_key="battery_health",
        native_unit_of_measurement=PERCENTAGE,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=0,
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=_battery_health,
        exists_fn=reported(_battery_health),
    ),
    PsaSensorDescription(
        key="charging_mode",
        translation_key="charging_mode",
        device_class=SensorDeviceClass.ENUM,
        options=sorted(set(CHARGING_MODES.values())),
        value_fn=charging_mode,
        exists_fn=_has_charging,
    ),
    PsaSensorDescription(
        key="next_delayed_charge",
        translation_key="next_delayed_charge",
        device_class=SensorDeviceClass.TIMESTAMP,
        value_fn=lambda data: data.next_delayed_charge_at,
        exists_fn=_has_charging,
    ),
    _engine_temperature("coolant_temperature", _coolant_temperature),
    _engine_temperature("oil_temperature", _oil_temperature),
    PsaSensorDescription(
        key="outside_temperature",
        translation_key="outside_temperature",
        device_class=SensorDeviceClass.TEMPERATURE,
        native_unit_of_measurement=UnitOfTemperature.CELSIUS,
        state_class=SensorStateClass.MEASUREMENT,
        value_fn=_outside_temperature,
        exists_fn=reported(_outside_temperature),
    ),
    PsaSensorDescription(
        key="speed",
        translation_key="speed",
        device_class=SensorDeviceClass.SPEED,
        native_unit_of_measurement=UnitOfSpeed.KILOMETERS_PER_HOUR,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=0,
        entity_registry_enabled_default=False,
        value_fn=_speed,
        exists_fn=reported(_speed),
    ),
    PsaSensorDescription(
        key="last_update",
        translation_key="last_update",
        device_class=SensorDeviceClass.TIMESTAMP,
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=_last_update,
        exists_fn=reported(_last_update),
    ),
    *trip_sensors(PsaSensorDescription),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: PsaConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Create the sensors of every car, now and when cars or data appear."""
    async_add_vehicle_entities(entry, async_add_entities, SENSORS, PsaSensor)
    async_add_wake_up_sensors(entry, async_add_entities)


class PsaSensor(PsaEntity, SensorEntity):
    """A sensor of one car."""

    entity_description: PsaSensorDescription

    def __init__(
        self, coordinator: PsaCoordinator, vehicle_id: str, description: PsaSensorDescription
    ) -> None:
        """Bind the sensor to a car; miles and mph are suggested where roads use them."""
        super().__init__(coordinator, vehicle_id, description)
        unit = suggested_units(coordinator.config_entry, description.device_class)
        if unit is not None:
            self._attr_suggested_unit_of_measurement = unit

    @property
    def native_value(self) -> SensorValue:
        """The value read from the car's latest data."""
        data = self.vehicle_data
        return self.entity_description.value_fn(data) if data is not None else None

    @property
    def extra_state_attributes(self) -> Mapping[str, Any] | None:
        """Details of the value (the list of active alerts)."""
        data = self.vehicle_data
        if self.entity_description.attr_fn is None or data is None:
            return None
        return self.entity_description.attr_fn(data)
