"""What the car reports beside energies and position: doors, alarm, engine, battery health."""

from __future__ import annotations

from datetime import timedelta
import json
from pathlib import Path
from typing import Any

import pytest

from custom_components.psa_connected_car.api import parse_status
from custom_components.psa_connected_car.api.models import ChargingMode, Door

from .documents import legacy_status_doc, status_doc


def _with(doc: dict[str, Any], **blocks: Any) -> dict[str, Any]:
    return {**doc, **blocks}


def test_details_of_a_full_status() -> None:
    status = parse_status(status_doc())
    assert status.door_open(Door.DRIVER) is False
    assert status.door_open(Door.TRUNK) is True
    assert status.door_open(Door.ROOF_WINDOW) is None
    assert status.alarm_active is True
    assert status.coolant_temperature_c == 88.0
    assert status.oil_temperature_c is None
    assert status.electric is not None
    assert status.electric.health_pct == 97
    assert status.charging is not None
    assert status.charging.mode == ChargingMode.SLOW
    assert status.charging.next_delayed_in is None


def test_legacy_energy_carries_battery_health_beside_charging() -> None:
    status = parse_status(legacy_status_doc())
    assert status.electric is not None
    assert status.electric.health_pct == 93
    assert status.charging is not None
    assert status.charging.mode == ChargingMode.NO


@pytest.mark.parametrize("temperature", [215, 215.0, "215", -80, 450, "hot"])
def test_engine_temperature_without_a_reading_is_unknown(temperature: object) -> None:
    engines = [{"extension": {"thermic": {"coolant": {"temp": temperature}}}}]
    status = parse_status(_with(status_doc(), engines=engines))
    assert status.coolant_temperature_c is None


def test_deprecated_engine_object_is_read() -> None:
    engine = {"type": "Thermic", "extension": {"thermic": {"oil": {"temp": "96,5"}}}}
    doc = _with(status_doc(), engine=engine)
    doc.pop("engines")
    assert parse_status(doc).oil_temperature_c == 96.5


@pytest.mark.parametrize(
    ("raw", "expected"), [(83, 83.0), (99.5, 99.5), (-1, None), (12.6e3, None)]
)
def test_twelve_volt_battery_is_a_percentage(raw: float, expected: float | None) -> None:
    """The catalog documents ``battery.voltage`` in percent: anything else is refused."""
    status = parse_status(_with(status_doc(), battery={"voltage": raw}))
    assert status.battery_12v_pct == expected


def test_enum_spellings_are_normalised() -> None:
    doc = status_doc()
    doc["doorsState"]["opening"] = [
        {"identifier": "rearleft", "state": "OPEN"},
        {"identifier": "Passenger", "state": "ajar"},
        {"state": "Open"},
        "junk",
    ]
    doc["alarm"] = {"status": {"activation": "INACTIVE"}}
    charging = doc["energies"][1]["extension"]["electric"]["charging"]
    charging["chargingMode"] = "QUICK"
    status = parse_status(doc)
    assert status.door_openings == ((Door.REAR_LEFT, True),)
    assert status.alarm_active is False
    assert status.charging is not None
    assert status.charging.mode == ChargingMode.QUICK


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("PT21H30M", timedelta(hours=21, minutes=30)), ("PT0S", None), ("0", None), ("x", None)],
)
def test_next_delayed_charge(raw: str, expected: timedelta | None) -> None:
    doc = status_doc()
    doc["energies"][1]["extension"]["electric"]["charging"]["nextDelayedTime"] = raw
    charging = parse_status(doc).charging
    assert charging is not None
    assert charging.next_delayed_in == expected


def test_odd_alarm_and_missing_blocks_are_unknown() -> None:
    doc = _with(status_doc(), alarm={"status": {"activation": "Maybe"}})
    for key in ("doorsState", "engines", "battery"):
        doc.pop(key)
    status = parse_status(doc)
    assert status.alarm_active is None
    assert status.door_openings == ()
    assert status.coolant_temperature_c is None
    assert status.battery_12v_pct is None


REALWORLD = Path(__file__).resolve().parents[2].parent / "shared" / "realworld"


@pytest.mark.parametrize(
    ("name", "mode", "delay", "battery_12v"),
    [
        ("psa_car_controller__status_ev_charging_2021_legacy.json", "Slow", 21.5, 99.0),
        ("psa_car_controller__status_ev_moving_2022_legacy.json", "No", 22.5 + 1 / 60, 83.5),
        ("psa-connected-car-client__status_ev_2023-04-29_dual_schema.json", "No", None, 82.0),
    ],
)
def test_real_cars_details(name: str, mode: str, delay: float | None, battery_12v: float) -> None:
    path = REALWORLD / name
    if not path.is_file():
        pytest.skip(f"no real-world body at {path} (the shared folder is absent)")
    status = parse_status(json.loads(path.read_text(encoding="utf-8")))
    assert status.charging is not None
    assert status.charging.mode == mode
    wait = status.charging.next_delayed_in
    assert (wait.total_seconds() / 3600 if wait else None) == pytest.approx(delay)
    assert status.battery_12v_pct == battery_12v
