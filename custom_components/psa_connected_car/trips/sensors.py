"""The last-trip sensors of a car (their descriptions; ``sensor.py`` creates them).

Each shows one figure of ``VehicleData.last_trip``, as ``api.trip_figures`` decided it:
``None`` (unknown) when the API's figure is missing or not plausible.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from homeassistant.components.sensor import SensorDeviceClass, SensorStateClass
from homeassistant.const import (
    PERCENTAGE,
    UnitOfEnergy,
    UnitOfEnergyDistance,
    UnitOfLength,
    UnitOfSpeed,
    UnitOfTime,
    UnitOfVolume,
)

from ..api import Motorization, TripFigures
from ..vehicles.data import VehicleData

LITRES_PER_100_KM = "L/100 km"
"""Home Assistant has no fuel consumption unit: the one drivers read on the dashboard."""

type TripValue = float | int | datetime | None


def _trip(read: Callable[[TripFigures], TripValue]) -> Callable[[VehicleData], TripValue]:
    return lambda data: read(data.last_trip) if data.last_trip is not None else None


def has_trip(data: VehicleData) -> bool:
    """Whether a finished trip of the car is known."""
    return data.last_trip is not None


def _has_fuel(data: VehicleData) -> bool:
    return has_trip(data) and data.vehicle.motorization != Motorization.ELECTRIC


def _has_battery(data: VehicleData) -> bool:
    return has_trip(data) and data.vehicle.motorization in (
        Motorization.ELECTRIC,
        Motorization.HYBRID,
    )


def _is_hybrid(data: VehicleData) -> bool:
    return has_trip(data) and data.vehicle.motorization == Motorization.HYBRID


def trip_details(data: VehicleData) -> Mapping[str, Any]:
    """Whether the last trip is incomplete, and why (the API's faults)."""
    trip = data.last_trip
    if trip is None:
        return {}
    return {"incomplete": trip.incomplete, "faults": list(trip.faults)}


_MEASURED: tuple[tuple[str, Callable[[TripFigures], TripValue], dict[str, Any]], ...] = (
    (
        "last_trip_distance",
        lambda trip: trip.distance_km,
        {
            "device_class": SensorDeviceClass.DISTANCE,
            "native_unit_of_measurement": UnitOfLength.KILOMETERS,
            "state_class": SensorStateClass.MEASUREMENT,
            "suggested_display_precision": 1,
            "attr_fn": trip_details,
        },
    ),
    (
        "last_trip_duration",
        lambda trip: trip.duration_s,
        {
            "device_class": SensorDeviceClass.DURATION,
            "native_unit_of_measurement": UnitOfTime.SECONDS,
            "suggested_unit_of_measurement": UnitOfTime.MINUTES,
            "state_class": SensorStateClass.MEASUREMENT,
            "suggested_display_precision": 0,
        },
    ),
    (
        "last_trip_average_speed",
        lambda trip: trip.average_speed_kmh,
        {
            "device_class": SensorDeviceClass.SPEED,
            "native_unit_of_measurement": UnitOfSpeed.KILOMETERS_PER_HOUR,
            "state_class": SensorStateClass.MEASUREMENT,
            "suggested_display_precision": 0,
        },
    ),
    (
        "last_trip_fuel_used",
        lambda trip: trip.fuel_used_l,
        {
            "device_class": SensorDeviceClass.VOLUME,
            "native_unit_of_measurement": UnitOfVolume.LITERS,
            "suggested_display_precision": 2,
            "exists_fn": _has_fuel,
        },
    ),
    (
        "last_trip_fuel_consumption",
        lambda trip: trip.fuel_l_per_100km,
        {
            "native_unit_of_measurement": LITRES_PER_100_KM,
            "state_class": SensorStateClass.MEASUREMENT,
            "suggested_display_precision": 1,
            "exists_fn": _has_fuel,
        },
    ),
    (
        "last_trip_electric_energy",
        lambda trip: trip.electric_used_kwh,
        {
            "device_class": SensorDeviceClass.ENERGY,
            "native_unit_of_measurement": UnitOfEnergy.KILO_WATT_HOUR,
            "suggested_display_precision": 2,
            "exists_fn": _has_battery,
        },
    ),
    (
        "last_trip_electric_consumption",
        lambda trip: trip.electric_kwh_per_100km,
        {
            "device_class": SensorDeviceClass.ENERGY_DISTANCE,
            "native_unit_of_measurement": UnitOfEnergyDistance.KILO_WATT_HOUR_PER_100_KM,
            "state_class": SensorStateClass.MEASUREMENT,
            "suggested_display_precision": 1,
            "exists_fn": _has_battery,
        },
    ),
    (
        "last_trip_electric_share",
        lambda trip: trip.electric_share_pct,
        {
            "native_unit_of_measurement": PERCENTAGE,
            "state_class": SensorStateClass.MEASUREMENT,
            "suggested_display_precision": 0,
            "exists_fn": _is_hybrid,
        },
    ),
    (
        "last_trip_start",
        lambda trip: trip.started_at,
        {"device_class": SensorDeviceClass.TIMESTAMP},
    ),
    ("last_trip_end", lambda trip: trip.ended_at, {"device_class": SensorDeviceClass.TIMESTAMP}),
)
"""Key (also the translation key), the figure shown, and the description's other fields."""


def trip_sensors[D](describe: Callable[..., D]) -> tuple[D, ...]:
    """The last-trip descriptions, built by the sensor platform's description class."""
    return tuple(
        describe(
            key=key,
            translation_key=key,
            value_fn=_trip(value),
            available_fn=has_trip,
            **{"exists_fn": has_trip, **fields},
        )
        for key, value, fields in _MEASURED
    )
