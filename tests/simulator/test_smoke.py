"""The simulator serves the demo user's cars over real HTTP."""

from __future__ import annotations

from simulator.identities import DEMO_USER
from tests.simulator.conftest import Api


async def test_user_and_vehicles(api: Api) -> None:
    user = await api.json("/user")
    assert user["email"] == DEMO_USER
    listing = await api.json("/user/vehicles")
    assert listing["total"] == 3
    motorizations = [v["motorization"] for v in listing["_embedded"]["vehicles"]]
    assert motorizations == ["Thermic", "Electric", "Hybrid"]


async def test_status_of_each_vehicle(api: Api) -> None:
    for vehicle_id in api.running.sim.vehicles_of(DEMO_USER):
        status = await api.json(f"/user/vehicles/{vehicle_id}/status")
        assert status["energies"]
