"""Every body captured from real cars (``../shared/realworld``) parses with the right facts.

The files are read where they are (never copied into the repository); without the
folder these tests skip and say so. The simulator's ``realworld`` scenario serves the
same shapes, so the suite proves them without the folder too.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from custom_components.psa_connected_car.api import (
    EnergyKind,
    Motorization,
    PrivacyState,
    parse_maintenance,
    parse_position,
    parse_status,
    parse_user,
    parse_vehicle,
    parse_vehicles,
)
from custom_components.psa_connected_car.api.models import Energy

REALWORLD = Path(__file__).resolve().parents[2].parent / "shared" / "realworld"
FILES = sorted(REALWORLD.glob("*.json")) if REALWORLD.is_dir() else []
pytestmark = pytest.mark.skipif(
    not FILES, reason=f"no real-world bodies at {REALWORLD} (the shared folder is absent)"
)


def _load(name_part: str) -> list[tuple[str, Any]]:
    return [
        (path.name, json.loads(path.read_text(encoding="utf-8")))
        for path in FILES
        if name_part in path.name
    ]


def _raw_odometer(doc: dict[str, Any]) -> float | None:
    for key in ("odometer", "timed.odometer"):
        if isinstance(doc.get(key), dict) and doc[key].get("mileage") is not None:
            return float(doc[key]["mileage"])
    return None


def _raw_energies(doc: dict[str, Any]) -> list[dict[str, Any]]:
    return [*doc.get("energies", []), *doc.get("energy", [])]


def test_every_file_is_covered() -> None:
    kinds = ("status", "maintenance", "trips", "lastPosition", "user", "vehicle")
    assert all(any(kind in path.name for kind in kinds) for path in FILES)
    assert len(FILES) >= 13


@pytest.mark.parametrize(("name", "doc"), _load("__status_"))
def test_status_files(name: str, doc: dict[str, Any]) -> None:
    status = parse_status(doc)
    raw_mileage = _raw_odometer(doc)
    assert raw_mileage is not None, name
    assert raw_mileage > 0
    assert status.odometer_km == pytest.approx(raw_mileage)
    # Every status captured is an electric car's: the placeholder Fuel energy is no tank.
    assert status.service_type == Motorization.ELECTRIC
    assert status.fuel is None
    assert status.electric is not None
    raw_electric = next(e for e in _raw_energies(doc) if e["type"] == "Electric")
    assert status.electric.level_pct == raw_electric["level"]
    assert status.electric.autonomy_km == raw_electric["autonomy"]
    raw_charging = raw_electric.get("charging") or raw_electric["extension"]["electric"]["charging"]
    assert status.electric.charging is not None
    assert status.electric.charging.in_progress is (raw_charging["status"] == "InProgress")
    assert status.privacy_state == PrivacyState.NONE
    assert status.position is not None
    longitude, latitude, *_ = doc["lastPosition"]["geometry"]["coordinates"]
    assert (status.position.longitude, status.position.latitude) == (longitude, latitude)
    assert status.shared_position == status.position
    assert status.updated_at is not None


def test_implausible_battery_load_is_not_shown() -> None:
    """33280/4096 Wh says 12 %, the level 43 %: only the level reaches the model."""
    ((name, doc),) = _load("dual_schema")
    status = parse_status(doc)
    assert status.electric is not None
    assert status.electric.level_pct == 43, name
    assert not {"capacity", "residual", "load"} & set(Energy.__dataclass_fields__)


@pytest.mark.parametrize(("name", "doc"), _load("__maintenance_"))
def test_maintenance_files(name: str, doc: dict[str, Any]) -> None:
    maintenance = parse_maintenance(doc)
    assert maintenance.days_before_maintenance == doc["daysBeforeMaintenance"], name
    assert maintenance.mileage_before_maintenance_km == doc["mileageBeforeMaintenance"]
    assert maintenance.service_due is False
    assert maintenance.updated_at is not None


def test_last_position_file() -> None:
    ((name, doc),) = _load("__lastPosition_")
    position = parse_position(doc)
    assert position is not None, name
    longitude, latitude, altitude = doc["geometry"]["coordinates"]
    assert (position.longitude, position.latitude, position.altitude_m) == (
        longitude,
        latitude,
        altitude,
    )
    assert position.updated_at is not None


@pytest.mark.parametrize("name_part", ["__vehicles_", "__vehicle_", "__user_"])
def test_vehicle_files_read_branding(name_part: str) -> None:
    ((name, doc),) = _load(name_part)
    if name_part == "__vehicles_":
        vehicles = parse_vehicles(doc)
    elif name_part == "__vehicle_":
        vehicles = [parse_vehicle(doc)]
    else:
        vehicles = parse_vehicles(doc)
        assert parse_user(doc).email is not None
    assert len(vehicles) == 1, name
    branding = doc.get("vehicleExtension") or doc["_embedded"]["vehicles"][0]["vehicleExtension"]
    vehicle = vehicles[0]
    assert vehicle.label == branding["vehicleBranding"]["label"]
    assert vehicle.brand == branding["vehicleBranding"]["brand"]
    assert vehicle.motorization is None


@pytest.mark.parametrize(("name", "doc"), _load("__trips_"))
def test_trip_files_hold_energies_the_status_parser_reads(name: str, doc: list[Any]) -> None:
    """No trips parser exists yet: the trips' energy items read like a status's energies."""
    assert isinstance(doc, list), name
    assert doc
    for trip in doc:
        energies = trip.get("startEnergies", [])
        status = parse_status({"energies": energies})
        kinds = {energy["type"] for energy in energies}
        assert (status.fuel is not None) == (EnergyKind.FUEL in kinds)
        assert (status.electric is not None) == (EnergyKind.ELECTRIC in kinds)
