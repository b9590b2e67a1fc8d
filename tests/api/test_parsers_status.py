"""The status parser: modern and legacy blocks, quirks, sentinels, absences."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from custom_components.psa_connected_car.api import EnergyKind, parse_status

from .documents import legacy_status_doc, status_doc


def test_full_status() -> None:
    status = parse_status(status_doc())
    assert status.updated_at == datetime(2024, 5, 2, 7, 31, 5, tzinfo=UTC)
    assert status.fuel is not None
    assert status.fuel.kind == EnergyKind.FUEL
    assert status.fuel.level_pct == 42.5
    assert status.fuel.autonomy_km == 310
    assert status.fuel.charging is None
    electric = status.electric
    assert electric is not None
    assert electric.level_pct == 81
    charging = electric.charging
    assert charging is not None
    assert charging.plugged is True
    assert charging.status == "InProgress"
    assert charging.remaining_time == timedelta(hours=2, minutes=55)
    assert charging.rate_kmh == 20
    assert status.total_autonomy_km == 354
    assert status.odometer_km == pytest.approx(12978.9)
    assert status.position is not None
    assert status.position.latitude == pytest.approx(48.8584)
    assert status.moving is False
    assert status.speed_kmh == 0
    assert status.ignition == "Stop"
    assert status.doors_locked is True
    assert status.battery_12v_pct == 87.5
    assert status.outside_temperature_c == 14.5
    assert status.preconditioning_status == "Disabled"
    assert status.privacy_state == "None"
    assert status.service_type == "Hybrid"


def test_legacy_status() -> None:
    status = parse_status(legacy_status_doc())
    assert status.updated_at == datetime(2019, 6, 3, 8, 35, 36, tzinfo=UTC)
    assert status.fuel is None
    electric = status.electric
    assert electric is not None
    assert electric.level_pct == 64
    assert electric.autonomy_km == 180
    assert electric.updated_at == datetime(2019, 6, 3, 8, 35, tzinfo=UTC)
    assert electric.charging is not None
    assert electric.charging.plugged is True
    assert status.total_autonomy_km == 180
    assert status.preconditioning_status == "Enabled"
    assert status.doors_locked is False


def test_energies_preferred_over_legacy_energy() -> None:
    doc = status_doc()
    doc["energy"] = [
        {"type": "Electric", "level": 5},
        {"type": "Hydrogen", "level": 50},
        {"level": 1},
        "junk",
    ]
    status = parse_status(doc)
    assert status.electric is not None
    assert status.electric.level_pct == 81


def test_legacy_energy_fills_missing_kind_and_single_object() -> None:
    doc = status_doc()
    doc["energies"] = [doc["energies"][1]]
    doc["energy"] = {"type": "Fuel", "level": 12, "autonomy": -4}
    status = parse_status(doc)
    assert status.fuel is not None
    assert status.fuel.level_pct == 12
    assert status.fuel.autonomy_km is None
    assert status.total_autonomy_km == 44


def test_empty_status_is_all_none() -> None:
    status = parse_status({})
    assert status.fuel is None
    assert status.electric is None
    assert status.position is None
    assert status.total_autonomy_km is None
    assert status.doors_locked is None


def test_odd_values_become_none() -> None:
    doc = status_doc()
    doc["energies"][1]["level"] = 140
    doc["energies"][1]["extension"]["electric"]["charging"] = {"chargingMode": False}
    doc["doorsState"]["lockedStates"] = ["Ajar"]
    doc["kinetic"] = {"speed": "fast", "moving": "yes"}
    doc["odometer"]["mileage"] = "-12"
    status = parse_status(doc)
    assert status.electric is not None
    assert status.electric.level_pct is None
    assert status.electric.charging is not None
    assert status.electric.charging.status is None
    assert status.doors_locked is None
    assert status.speed_kmh is None
    assert status.moving is True
    assert status.odometer_km is None
