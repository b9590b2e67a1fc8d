"""The ``realworld`` scenario serves the shapes real cars send, over HTTP."""

from __future__ import annotations

import aiohttp

from simulator.identities import DEMO_USER
from simulator.testing import run_simulator
from tests.simulator.conftest import Api, frozen, token_for


async def test_thermic_car_sends_old_odometer_key_aquire_and_capitals(
    session: aiohttp.ClientSession,
) -> None:
    async with run_simulator(frozen(scenario="realworld")) as running:
        api = Api(running, session, await token_for(running, session))
        thermic = running.sim.vehicles_of(DEMO_USER)[0]
        status = await api.json(f"/user/vehicles/{thermic}/status")
        truth = running.sim.truth()[thermic]
        assert "odometer" not in status
        assert status["timed.odometer"] == {"createdAt": None, "mileage": truth["odometer_km"]}
        assert status["lastPosition"]["properties"]["type"] == "Aquire"
        assert len(status["lastPosition"]["geometry"]["coordinates"]) == 3
        assert status["ignition"]["type"] == "STOP"
        assert status["privacy"]["state"] == "NONE"
        assert status["doorsState"]["lockedStates"] == ["LOCKED"]
        running.sim.raise_alert(thermic, "EngineOilPressureFailure", "Critical")
        alerts = await api.json(f"/user/vehicles/{thermic}/alerts")
        severities = {alert["severity"] for alert in alerts["_embedded"]["alerts"]}
        assert "CRITICAL" in severities
        assert severities <= {"CRITICAL", "WARNING", "INFORMATION"}


async def test_electric_car_sends_placeholder_fuel_odd_load_and_no_fix(
    session: aiohttp.ClientSession,
) -> None:
    async with run_simulator(frozen(scenario="realworld")) as running:
        api = Api(running, session, await token_for(running, session))
        electric = running.sim.vehicles_of(DEMO_USER)[1]
        status = await api.json(f"/user/vehicles/{electric}/status")
        fuel, battery = status["energies"]
        assert (fuel["type"], fuel["level"], "autonomy" in fuel) == ("Fuel", 0, False)
        assert [item["type"] for item in status["energy"]] == ["Fuel", "Electric"]
        load = battery["extension"]["electric"]["battery"]["load"]
        assert abs(100 * load["residual"] / load["capacity"] - battery["level"]) > 20
        assert battery["extension"]["electric"]["charging"]["status"] == "INPROGRESS"
        assert status["service"]["type"] == "ELECTRIC"
        assert status["lastPosition"]["geometry"]["coordinates"] == [0, 0]
        assert status["lastPosition"]["properties"]["type"] == "Estimated"


async def test_hybrid_car_shares_a_position_in_privacy_and_zero_km_once_parked(
    session: aiohttp.ClientSession,
) -> None:
    async with run_simulator(frozen(scenario="realworld")) as running:
        api = Api(running, session, await token_for(running, session))
        hybrid = running.sim.vehicles_of(DEMO_USER)[2]
        status = await api.json(f"/user/vehicles/{hybrid}/status")
        assert status["privacy"]["state"] == "Full"
        assert len(status["lastPosition"]["geometry"]["coordinates"]) == 2
        assert status["ignition"]["type"] == "Start"
        assert status["odometer"]["mileage"] > 0
        running.sim.advance(1800)  # the 20-minute trip ends, the car parks
        status = await api.json(f"/user/vehicles/{hybrid}/status")
        assert status["ignition"]["type"] == "Stop"
        assert status["odometer"]["mileage"] == 0.0
        assert running.sim.truth()[hybrid]["odometer_km"] > 0


async def test_vehicles_carry_branding_without_motorization(
    session: aiohttp.ClientSession,
) -> None:
    async with run_simulator(frozen(scenario="realworld")) as running:
        api = Api(running, session, await token_for(running, session))
        page = await api.json("/user/vehicles")
        items = page["_embedded"]["vehicles"]
        assert len(items) == 3
        for item in items:
            assert not {"brand", "label", "motorization", "pictures"} & item.keys()
            assert item["vehicleExtension"]["vehicleBranding"]["label"]
        assert [item["vehicleExtension"]["vehicleBranding"]["brand"] for item in items] == [
            "P",
            "C",
            "P",
        ]
        single = await api.json(f"/user/vehicles/{items[1]['id']}")
        assert single["vehicleExtension"] == items[1]["vehicleExtension"]


async def test_other_scenarios_stay_on_the_spec(session: aiohttp.ClientSession) -> None:
    async with run_simulator(frozen(scenario="default")) as running:
        api = Api(running, session, await token_for(running, session))
        thermic, electric, _ = running.sim.vehicles_of(DEMO_USER)
        status = await api.json(f"/user/vehicles/{thermic}/status")
        assert "timed.odometer" not in status
        assert status["lastPosition"]["properties"]["type"] == "Acquire"
        status = await api.json(f"/user/vehicles/{electric}/status")
        assert [energy["type"] for energy in status["energies"]] == ["Electric"]


async def test_the_account_answers_without_an_id(session: aiohttp.ClientSession) -> None:
    async with run_simulator(frozen(scenario="realworld")) as running:
        api = Api(running, session, await token_for(running, session))
        user = await api.json("/user")
        assert "id" not in user
        assert user["email"] == DEMO_USER
        listed = [vehicle["id"] for vehicle in user["_embedded"]["vehicles"]]
        assert listed == running.sim.vehicles_of(DEMO_USER)


async def test_other_scenarios_keep_the_specified_account(session: aiohttp.ClientSession) -> None:
    async with run_simulator(frozen()) as running:
        api = Api(running, session, await token_for(running, session))
        user = await api.json("/user")
        assert user["id"]
        assert "Vehicles" in user["_embedded"]
