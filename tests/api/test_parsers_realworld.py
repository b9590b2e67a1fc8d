"""Real-world shapes read from spec-shaped AND real-shaped documents, written here by hand."""

from __future__ import annotations

from typing import Any

import pytest

from custom_components.psa_connected_car.api import (
    AlertSeverity,
    ChargingStatus,
    Ignition,
    PrivacyState,
    parse_alert,
    parse_position,
    parse_status,
    parse_vehicle,
    parse_vehicles,
)
from custom_components.psa_connected_car.api.brands import brand_of_vehicle

from .documents import alert_doc, position_doc, status_doc, vehicle_doc


def _electric_with_placeholder(service: str | None) -> dict[str, Any]:
    doc = status_doc()
    doc["energies"][0] = {"type": "Fuel", "subType": "FossilEnergy", "level": 0}
    doc["energy"] = [{"type": "Fuel", "level": 0}]
    if service is None:
        doc.pop("service", None)
    else:
        doc["service"] = {"type": service}
    return doc


@pytest.mark.parametrize(
    ("blocks", "expected"),
    [
        ({"odometer": {"mileage": 120.5}}, 120.5),
        ({"timed.odometer": {"createdAt": None, "mileage": 13890.3}}, 13890.3),
        ({"odometer": {"mileage": 120.5}, "timed.odometer": {"mileage": 99.0}}, 120.5),
        ({"odometer": {"mileage": None}, "timed.odometer": {"mileage": 99.0}}, 99.0),
        ({"timed": {"odometer": {"mileage": 5.0}}}, None),
    ],
)
def test_odometer_then_the_flat_timed_key(blocks: dict[str, Any], expected: float | None) -> None:
    doc = status_doc()
    doc.pop("odometer")
    doc.update(blocks)
    assert parse_status(doc).odometer_km == expected


@pytest.mark.parametrize("service", ["Electric", "ELECTRIC", None])
def test_an_electric_car_has_no_fuel(service: str | None) -> None:
    status = parse_status(_electric_with_placeholder(service))
    assert status.fuel is None
    assert status.electric is not None
    assert status.electric.level_pct == 81


def test_a_hybrid_keeps_an_empty_tank() -> None:
    status = parse_status(_electric_with_placeholder("Hybrid"))
    assert status.fuel is not None
    assert status.fuel.level_pct == 0
    spec_shaped = parse_status(status_doc())
    assert spec_shaped.fuel is not None
    assert spec_shaped.fuel.level_pct == 42.5


def test_a_thermic_car_with_an_empty_tank_keeps_it() -> None:
    doc = status_doc()
    doc["energies"] = [{"type": "Fuel", "level": 0}]
    doc.pop("service", None)
    status = parse_status(doc)
    assert status.fuel is not None
    assert status.electric is None


def test_legacy_energy_list_with_flat_charging() -> None:
    doc = {
        "energy": [
            {"type": "Fuel", "level": 0},
            {
                "type": "electric",
                "level": 70,
                "autonomy": 192,
                "charging": {"status": "InProgress"},
            },
        ],
        "service": {"type": "Electric"},
    }
    status = parse_status(doc)
    assert status.fuel is None
    assert status.electric is not None
    assert status.electric.charging is not None
    assert status.electric.charging.in_progress is True


def test_vehicle_branding_when_top_level_is_absent() -> None:
    real = {
        "id": "myId",
        "vin": "VINOFTHECAR000001",
        "vehicleExtension": {
            "vehicleBranding": {"brand": "C", "label": "C5 X"},
            "vehiclePictures": {"pictures": ["https://example.invalid/p.png"]},
        },
    }
    vehicle = parse_vehicle(real)
    assert (vehicle.brand, vehicle.label, vehicle.motorization) == ("C", "C5 X", None)
    assert vehicle.pictures == ("https://example.invalid/p.png",)
    page = parse_vehicles({"_embedded": {"vehicles": [real, vehicle_doc()]}})
    assert [v.label for v in page] == ["C5 X", "e-208"]
    assert page[1].brand == "Peugeot"
    assert page[1].motorization == "Electric"


def test_top_level_brand_and_label_win_over_branding() -> None:
    doc = vehicle_doc()
    doc["vehicleExtension"] = {"vehicleBranding": {"brand": "C", "label": "other"}}
    doc["motorization"] = "ELECTRIC"
    vehicle = parse_vehicle(doc)
    assert (vehicle.brand, vehicle.label, vehicle.motorization) == ("Peugeot", "e-208", "Electric")


@pytest.mark.parametrize(
    ("code", "expected"),
    [("C", "citroen"), ("c", "citroen"), ("Citroën", "citroen"), ("PEUGEOT", "peugeot")],
)
def test_known_brand_codes_and_names(code: str, expected: str) -> None:
    brand = brand_of_vehicle(code)
    assert brand is not None
    assert brand.key == expected


@pytest.mark.parametrize("code", ["P", "X", "", None, "Fiat"])
def test_unknown_brand_codes_are_no_brand(code: str | None) -> None:
    assert brand_of_vehicle(code) is None


@pytest.mark.parametrize("kind", ["Acquire", "Aquire", "Estimated", None])
def test_position_types_and_three_coordinates(kind: str | None) -> None:
    doc = position_doc(lon=11.12524, lat=46.0059, alt=192)
    doc["properties"]["type"] = kind
    position = parse_position(doc)
    assert position is not None
    assert (position.longitude, position.latitude, position.altitude_m) == (11.12524, 46.0059, 192)


def test_two_coordinates_have_no_altitude() -> None:
    doc = position_doc()
    doc["geometry"]["coordinates"] = [-1.59008, 47.274]
    position = parse_position(doc)
    assert position is not None
    assert (position.latitude, position.altitude_m) == (47.274, None)


@pytest.mark.parametrize("coordinates", [[0, 0], [0.0, 0.0, 0.0], ["0", "0"]])
def test_zero_zero_is_no_position(coordinates: list[Any]) -> None:
    doc = status_doc()
    doc["lastPosition"]["geometry"]["coordinates"] = coordinates
    assert parse_status(doc).position is None


@pytest.mark.parametrize(
    ("state", "hidden"),
    [("None", False), ("NONE", False), ("Geolocation", True), ("FULL", True), ("full", True)],
)
def test_privacy_hides_a_position_the_answer_carries(state: str, hidden: bool) -> None:
    doc = status_doc()
    doc["privacy"] = {"state": state}
    status = parse_status(doc)
    assert status.position is not None
    assert status.position_hidden is hidden
    assert (status.shared_position is None) is hidden


@pytest.mark.parametrize(
    ("raw", "expected", "running"),
    [
        ("Start", Ignition.START, True),
        ("STARTUP", Ignition.START_UP, True),
        ("stop", Ignition.STOP, False),
        ("FREE", Ignition.FREE, False),
        ("Parked", "Parked", False),
    ],
)
def test_ignition_is_normalised_once(raw: str, expected: str, running: bool) -> None:
    doc = status_doc()
    doc["ignition"] = {"type": raw}
    status = parse_status(doc)
    assert status.ignition == expected
    assert status.engine_running is running


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("INPROGRESS", ChargingStatus.IN_PROGRESS), ("finished", ChargingStatus.FINISHED)],
)
def test_charging_status_is_normalised_once(raw: str, expected: str) -> None:
    doc = status_doc()
    doc["energies"][1]["extension"]["electric"]["charging"]["status"] = raw
    charging = parse_status(doc).charging
    assert charging is not None
    assert charging.status == expected
    assert charging.in_progress is (expected == ChargingStatus.IN_PROGRESS)


@pytest.mark.parametrize(
    ("raw", "critical"), [("CRITICAL", True), ("critical", True), ("Warning", False)]
)
def test_severity_is_normalised_once(raw: str, critical: bool) -> None:
    doc = alert_doc()
    doc["severity"] = raw
    alert = parse_alert(doc)
    assert alert is not None
    assert alert.critical is critical
    assert alert.severity in set(AlertSeverity)


@pytest.mark.parametrize(("raw", "locked"), [(["LOCKED"], True), (["unlocked"], False)])
def test_door_states_are_read_whatever_their_case(raw: list[str], locked: bool) -> None:
    doc = status_doc()
    doc["doorsState"]["lockedStates"] = raw
    assert parse_status(doc).doors_locked is locked


def test_privacy_state_is_normalised_once() -> None:
    doc = status_doc()
    doc["privacy"] = {"state": "GEOLOCATION"}
    assert parse_status(doc).privacy_state == PrivacyState.GEOLOCATION


def test_unknown_facts_stay_unknown() -> None:
    status = parse_status({})
    assert status.engine_running is None
    assert status.charging is None
    assert status.position_hidden is False
    assert status.shared_position is None
