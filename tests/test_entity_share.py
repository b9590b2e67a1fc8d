"""Which entities start enabled: a fleet stays under Home Assistant's limit per entry."""

from __future__ import annotations

from collections import Counter

from homeassistant.helpers.entity_platform import MAX_ENABLED_ENTITIES_PER_CONFIG_ENTRY
import pytest

from custom_components.psa_connected_car import (
    binary_sensor,
    button,
    device_tracker,
    lock,
    sensor,
    switch,
    time,
)
from custom_components.psa_connected_car.entity import PsaEntityDescription
from custom_components.psa_connected_car.remotes import sensors as remote_sensors
from custom_components.psa_connected_car.vehicles.entity_share import (
    BY_USEFULNESS,
    starts_enabled,
)

DESCRIPTIONS: tuple[PsaEntityDescription, ...] = (
    *sensor.SENSORS,
    *binary_sensor.BINARY_SENSORS,
    *device_tracker.TRACKERS,
    lock.DOORS,
    *switch.SWITCHES,
    *button.BUTTONS,
    *time.TIMES,
    remote_sensors.WAKE_UPS,
)


def _enabled_per_car(cars: int) -> int:
    return sum(
        1
        for description in DESCRIPTIONS
        if description.entity_registry_enabled_default and starts_enabled(description.key, cars)
    )


def test_every_entity_of_a_car_is_ranked_once() -> None:
    keys = [description.key for description in DESCRIPTIONS]
    assert [key for key, n in Counter(keys).items() if n > 1] == []
    assert sorted(BY_USEFULNESS) == sorted(keys)


def test_up_to_169_cars_keep_every_entity() -> None:
    every = sum(1 for description in DESCRIPTIONS if description.entity_registry_enabled_default)
    assert _enabled_per_car(10) == _enabled_per_car(169) == every
    assert _enabled_per_car(170) < every
    assert _enabled_per_car(500) == 18  # as docs/fleet.md lists them


@pytest.mark.parametrize("cars", [1, 50, 250, 300, 500, 1000, 2500, 9000])
def test_a_fleet_of_any_size_stays_under_home_assistants_limit(cars: int) -> None:
    assert cars * _enabled_per_car(cars) < MAX_ENABLED_ENTITIES_PER_CONFIG_ENTRY


def test_a_large_fleet_keeps_the_most_useful_entities() -> None:
    for key in ("location", "fuel_level", "battery_level", "odometer", "doors_lock", "alert"):
        assert starts_enabled(key, 500)
    for key in ("roof_window", "last_trip_start", "horn", "outside_temperature"):
        assert not starts_enabled(key, 500)
    assert not starts_enabled("a_key_nobody_ranked", 500)
