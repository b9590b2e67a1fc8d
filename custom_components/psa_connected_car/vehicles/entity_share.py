"""Which of a car's entities start enabled when an entry follows many cars.

Home Assistant refuses new enabled entities past 10 000 per config entry. A fleet of 500
cars with every entity enabled (about 35 a car) would lose entities at random past that
point: the location of every car, for one. Each car gets an equal share of the limit
instead, filled with its most useful entities first; the others start disabled, and can
be enabled car by car. An account of a few cars keeps every entity.
"""

from __future__ import annotations

from typing import Final

ENABLED_ENTITIES_CAP: Final = 9_000
"""Home Assistant's 10 000, less room for what the entry creates later (new cars, commands)."""

BY_USEFULNESS: Final = (
    "location",
    "fuel_level",
    "battery_level",
    "total_range",
    "odometer",
    "doors_lock",
    "doors",
    "moving",
    "alert",
    "active_alerts",
    "charging",
    "plugged_in",
    "charging_status",
    "service_due",
    "critical_alert",
    "last_update",
    "fuel_range",
    "electric_range",
    "charge",
    "precondition",
    "days_until_service",
    "distance_until_service",
    "engine",
    "alarm",
    "charging_end_time",
    "preconditioning",
    "last_trip_distance",
    "last_trip_duration",
    "last_trip_end",
    "last_trip_start",
    "last_trip_average_speed",
    "last_trip_fuel_used",
    "last_trip_fuel_consumption",
    "last_trip_electric_energy",
    "last_trip_electric_consumption",
    "last_trip_electric_share",
    "driver_door",
    "passenger_door",
    "rear_left_door",
    "rear_right_door",
    "trunk",
    "rear_window",
    "roof_window",
    "outside_temperature",
    "charging_mode",
    "next_delayed_charge",
    "delayed_charge_start",
    "battery_health",
    "privacy_mode",
    "horn",
    "lights",
    "wake_up",
    "wake_ups",
    # Disabled by default whatever the number of cars: they take no share.
    "charging_rate",
    "battery_12v",
    "coolant_temperature",
    "oil_temperature",
    "speed",
)
"""Every entity key of a car, the most useful first."""

_RANK: Final = {key: rank for rank, key in enumerate(BY_USEFULNESS)}


def entities_per_car(car_count: int) -> int:
    """How many of each car's entities may start enabled on an entry with ``car_count`` cars."""
    return ENABLED_ENTITIES_CAP // max(1, car_count)


def starts_enabled(key: str, car_count: int) -> bool:
    """Whether a car's entity ``key`` is within the car's share (an unknown key is last)."""
    return _RANK.get(key, len(BY_USEFULNESS)) < entities_per_car(car_count)
