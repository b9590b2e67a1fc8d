"""Derived facts of a car, decided once on its data object."""

from __future__ import annotations

import pytest

from custom_components.psa_connected_car.api import Vehicle, parse_status
from custom_components.psa_connected_car.vehicles.data import VehicleData

EMPTY_TANK = {"type": "Fuel", "level": 0, "autonomy": 0}
BATTERY = {"type": "Electric", "level": 64, "autonomy": 210}


@pytest.mark.parametrize(
    ("motorization", "has_tank"), [("Electric", False), ("Hybrid", True), (None, True)]
)
def test_the_vehicles_motorization_decides_an_electric_car_has_no_tank(
    motorization: str | None, has_tank: bool
) -> None:
    """No ``service.type`` and an empty tank with a range of 0: the car list still knows."""
    status = parse_status({"energies": [EMPTY_TANK, BATTERY]})
    assert status.fuel is not None
    data = VehicleData(vehicle=Vehicle("v", "VIN", None, None, motorization), status=status)
    assert (data.fuel is not None) is has_tank
    assert VehicleData(vehicle=data.vehicle).fuel is None


@pytest.mark.parametrize(
    ("state", "on"),
    [("Enabled", True), ("INPROGRESS", True), ("Disabled", False), ("finished", False)],
)
def test_preconditioning_whatever_the_case(state: str, on: bool) -> None:
    status = parse_status({"preconditionning": {"airConditioning": {"status": state}}})
    assert status.preconditioning_on is on
    assert parse_status({}).preconditioning_on is None
