"""The living world: trips, energy, charging, maintenance, alerts, uploads, determinism."""

from __future__ import annotations

import asyncio
from datetime import timedelta
import random

import aiohttp
import pytest

from simulator.clock import SimClock, iso_duration
from simulator.config import SimulatorConfig, parse_rate_limit
from simulator.core import Simulator
from simulator.identities import DEMO_USER
from simulator.ids import make_vin, vin_check_digit, vin_is_valid
from simulator.testing import run_simulator
from simulator.world import geo
from simulator.world.alerts import alert_message
from tests.simulator.conftest import START, Api, frozen, token_for


def sim(**overrides: object) -> Simulator:
    """A simulator without a server."""
    return Simulator(frozen(**overrides))


def test_vins_are_valid_and_ids_are_not_vins() -> None:
    simulator = sim(vehicles=8)
    for vehicle in simulator.world.vehicles.values():
        assert vin_is_valid(vehicle.vin)
        assert vehicle.vin[:3] == vehicle.brand.wmi
        assert vehicle.id != vehicle.vin
    assert vin_check_digit("1M8GDM9AXKP042788") == "X"
    assert vin_is_valid("1M8GDM9AXKP042788")
    assert not vin_is_valid("1M8GDM9A1KP042788")
    assert not vin_is_valid("SHORT")
    assert vin_is_valid(make_vin("VF3", 2031, random.Random(3)))


def test_default_fleet_shape() -> None:
    simulator = sim(vehicles=6)
    truth = simulator.truth()
    demo = simulator.vehicles_of(DEMO_USER)
    assert [truth[v]["motorization"] for v in demo[:3]] == ["Thermic", "Electric", "Hybrid"]
    assert len(demo) == 6
    assert any(not truth[v]["moving"] for v in demo)
    assert truth[demo[2]]["moving"] is True


def test_trip_moves_the_car_and_drains_fuel() -> None:
    simulator = sim()
    vehicle_id = simulator.vehicles_of(DEMO_USER)[0]
    before = simulator.truth()[vehicle_id]
    simulator.start_trip(vehicle_id, duration_s=1800, speed_kmh=60)
    simulator.advance(900)
    during = simulator.truth()[vehicle_id]
    assert during["moving"] is True
    assert during["ignition"] == "Start"
    assert during["odometer_km"] > before["odometer_km"] + 10
    assert during["fuel_level"] < before["fuel_level"]
    moved = geo.distance_km(
        before["latitude"], before["longitude"], during["latitude"], during["longitude"]
    )
    assert moved > 1
    simulator.advance(1200)
    after = simulator.truth()[vehicle_id]
    assert after["moving"] is False
    assert after["ignition"] == "Stop"
    simulator.advance(600)
    assert simulator.truth()[vehicle_id]["locked"] is True


def test_parked_car_keeps_a_stale_update_time() -> None:
    simulator = sim(autonomous=False)
    vehicle_id = simulator.vehicles_of(DEMO_USER)[0]
    stale = simulator.truth()[vehicle_id]["updated_at"]
    assert stale < "2026-05-01T10:00:00Z"
    simulator.advance(6 * 3600)
    assert simulator.truth()[vehicle_id]["updated_at"] == stale


def test_charging_session_finishes() -> None:
    simulator = sim(autonomous=False)
    vehicle_id = simulator.vehicles_of(DEMO_USER)[1]
    assert simulator.truth()[vehicle_id]["charging_status"] == "InProgress"
    level = simulator.truth()[vehicle_id]["battery_level"]
    simulator.advance(3600)
    assert simulator.truth()[vehicle_id]["battery_level"] > level
    simulator.advance(12 * 3600)
    truth = simulator.truth()[vehicle_id]
    assert truth["charging_status"] == "Finished"
    assert truth["battery_level"] == 100.0


def test_electric_trip_drains_the_battery_and_unplugs() -> None:
    simulator = sim(autonomous=False)
    vehicle_id = simulator.vehicles_of(DEMO_USER)[1]
    level = simulator.truth()[vehicle_id]["battery_level"]
    simulator.start_trip(vehicle_id, 1200, 80)
    simulator.advance(600)
    truth = simulator.truth()[vehicle_id]
    assert truth["charging_status"] == "Disconnected"
    assert truth["battery_level"] < level


def test_maintenance_counts_down_and_goes_negative() -> None:
    simulator = sim(scenario="overdue", autonomous=False)
    vehicle_id = simulator.vehicles_of(DEMO_USER)[0]
    truth = simulator.truth()[vehicle_id]
    assert truth["maintenance_days"] < 0
    assert truth["maintenance_km"] < 0
    simulator = sim(autonomous=False)
    vehicle_id = simulator.vehicles_of(DEMO_USER)[0]
    days = simulator.truth()[vehicle_id]["maintenance_days"]
    simulator.advance(5 * 86400)
    assert simulator.truth()[vehicle_id]["maintenance_days"] == days  # asleep: nothing uploaded
    simulator.start_trip(vehicle_id, 600, 50)
    assert simulator.truth()[vehicle_id]["maintenance_days"] <= days - 4


def test_fuel_low_alert_appears_and_clears() -> None:
    simulator = sim(autonomous=False)
    vehicle = simulator.world.vehicles[simulator.vehicles_of(DEMO_USER)[0]]
    vehicle.fuel_pct = 9.0
    simulator.start_trip(vehicle.id, 300, 40)
    simulator.advance(60)
    types = [a["type"] for a in simulator.truth()[vehicle.id]["active_alerts"]]
    assert "FuelLevelLow" in types
    simulator.advance(600)
    types = [a["type"] for a in simulator.truth()[vehicle.id]["active_alerts"]]
    assert "FuelLevelLow" not in types


def test_autonomous_world_over_a_week() -> None:
    simulator = sim(vehicles=4)
    before = simulator.truth()
    simulator.advance(7 * 86400)
    after = simulator.truth()
    moved = [v for v in after if after[v]["odometer_km"] > before[v]["odometer_km"]]
    assert len(moved) >= 3
    alerts = sum(len(simulator.world.vehicles[v].alerts) for v in after)
    assert alerts > sum(len(simulator.world.vehicles[v].alerts) for v in before) - 1


def test_same_seed_same_world_different_seed_different_world() -> None:
    first, second, third = sim(vehicles=5), sim(vehicles=5), sim(vehicles=5, seed=2)
    for simulator in (first, second, third):
        simulator.advance(3 * 86400)
    assert first.truth() == second.truth()
    assert first.truth() != third.truth()


async def test_byte_identical_bodies(session: aiohttp.ClientSession) -> None:
    bodies: list[list[bytes]] = []
    for _ in range(2):
        async with run_simulator(frozen(token_expires_in=86400)) as running:
            api = Api(running, session, await token_for(running, session))
            running.sim.advance(7200)
            collected = []
            for vehicle in running.sim.vehicles_of(DEMO_USER):
                for path in ("status", "alerts", "maintenance", "telemetry"):
                    url = f"{api.running.api_base}/user/vehicles/{vehicle}/{path}"
                    params = {"client_id": api.client_id}
                    async with session.get(url, headers=api.headers, params=params) as response:
                        assert response.status == 200
                        body = await response.read()
                    collected.append(body.replace(running.url.encode(), b""))
            bodies.append(collected)
    assert bodies[0] == bodies[1]


@pytest.mark.parametrize("scenario", ["quirks"])
async def test_quirks(session: aiohttp.ClientSession, scenario: str) -> None:
    async with run_simulator(frozen(scenario=scenario)) as running:
        api = Api(running, session, await token_for(running, session))
        thermic, electric, hybrid = running.sim.vehicles_of(DEMO_USER)
        assert (await api.get(f"/user/vehicles/{thermic}/maintenance")).status == 404
        status = await api.json(f"/user/vehicles/{thermic}/status")
        assert status["engines"][0]["extension"]["thermic"]["coolant"]["temp"] == 215.0
        alerts = await api.json(f"/user/vehicles/{thermic}/alerts")
        assert alerts["total"] == 0
        assert alerts["_links"]["next"] == alerts["_links"]["self"]
        status = await api.json(f"/user/vehicles/{electric}/status")
        for block in ("kinetic", "environment", "battery", "doorsState", "safety"):
            assert block not in status
        assert status["createdAt"].endswith("+02:00")
        assert "." in status["createdAt"]
        alerts = await api.json(f"/user/vehicles/{electric}/alerts")
        assert alerts["_embedded"]["alerts"][0]["id"].isdigit()
        charging = status["energies"][0]["extension"]["electric"]["charging"]
        assert charging["nextDelayedTime"] == "0"
        status = await api.json(f"/user/vehicles/{hybrid}/status")
        assert status["privacy"]["state"] == "Geolocation"
        assert "lastPosition" not in status
        assert status["createdAt"].endswith("+00:00")


def test_clock_helpers() -> None:
    ticks = iter([100.0, 102.0, 105.0])
    clock = SimClock(START.replace(tzinfo=None), 10.0, monotonic=lambda: next(ticks))
    assert clock.elapsed() == 20.0
    clock.advance(5)
    assert clock.now() == START + timedelta(seconds=55)
    with pytest.raises(ValueError, match="back in time"):
        clock.advance(-1)
    assert iso_duration(0) == "PT0S"
    assert iso_duration(3725) == "PT1H2M5S"


def test_config_validation() -> None:
    assert parse_rate_limit("100/30") == (100, 30.0)
    assert parse_rate_limit("50") == (50, 60.0)
    for bad in ("x/1", "1/0"):
        with pytest.raises(ValueError, match="rate limit"):
            parse_rate_limit(bad)
    for kwargs in ({"scenario": "nope"}, {"vehicles": -1}, {"time_scale": -1}, {"rate_window": 0}):
        with pytest.raises(ValueError):  # noqa: PT011
            SimulatorConfig(**kwargs)  # type: ignore[arg-type]


def test_alert_messages() -> None:
    assert alert_message("OilLevelLow", None) == "Oil level low"
    assert alert_message("OilLevelLow", "fr_FR") == "Niveau d'huile bas"
    assert alert_message("GearboxFault", "es-ES") == "Alerta: Gearbox fault"
    assert alert_message("GearboxFault", "ja") == "Gearbox fault"


async def test_real_time_clock_runs_the_world() -> None:
    config = SimulatorConfig(time_scale=600.0, start_time=START, burst_limit=0)
    async with run_simulator(config) as running:
        vehicle = running.sim.vehicles_of(DEMO_USER)[2]
        start = running.sim.truth()[vehicle]["odometer_km"]
        await asyncio.sleep(1.2)
        assert running.sim.now() > START + timedelta(seconds=600)
        assert running.sim.world.vehicles[vehicle].odometer_km > start
