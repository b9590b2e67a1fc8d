"""The simulator's trips: recorded by the world, served with filters and paging, true figures."""

from __future__ import annotations

import aiohttp
import pytest

from simulator.identities import DEMO_USER
from simulator.testing import run_simulator
from tests.simulator.conftest import Api, frozen, token_for


async def test_a_driven_trip_is_served_with_the_true_figures(api: Api) -> None:
    car = api.running.sim.vehicles_of(DEMO_USER)[0]
    api.running.sim.start_trip(car, 600, 60)
    api.running.sim.advance(120)
    driving = await api.json(f"/user/vehicles/{car}/trips", pageSize="1")
    assert driving["_embedded"]["trips"][0]["done"] is False
    api.running.sim.advance(900)
    truth = api.running.sim.truth()[car]["last_trip"]
    trips = await api.json(f"/user/vehicles/{car}/trips")
    newest = trips["_embedded"]["trips"][0]
    assert newest["id"] == truth["id"]
    assert newest["done"] is True
    assert newest["distance"] == pytest.approx(truth["distance_km"], abs=0.05)
    assert newest["duration"] == truth["duration_s"]
    fuel = newest["energyConsumptions"][0]
    assert (fuel["type"], fuel["consumption"]) == ("Fuel", pytest.approx(truth["fuel_l"], 1e-3))
    single = await api.json(f"/user/vehicles/{car}/trips/{truth['id']}")
    assert single["id"] == truth["id"]


async def test_filters_and_paging(api: Api) -> None:
    car = api.running.sim.vehicles_of(DEMO_USER)[0]
    every = await api.json(f"/user/vehicles/{car}/trips", pageSize="1")
    assert every["total"] == 2
    assert "next" in every["_links"]
    faulted = await api.json(f"/user/vehicles/{car}/trips", tripState="DataLacking")
    assert [trip["faults"] for trip in faulted["_embedded"]["trips"]] == [
        [{"fault": "DataLacking", "cause": "GeoPrivacy"}]
    ]
    assert "startPosition" not in faulted["_embedded"]["trips"][0]
    later = await api.json(f"/user/vehicles/{car}/trips", timestamps="2100-01-01T00:00:00Z/")
    assert later["total"] == 0
    wrong = await api.get(f"/user/vehicles/{car}/trips", tripState="Sideways")
    assert wrong.status == 400
    missing = await api.get(f"/user/vehicles/{car}/trips/unknown")
    assert missing.status == 404


async def test_realworld_cars_send_the_real_trip_shape(session: aiohttp.ClientSession) -> None:
    async with run_simulator(frozen(scenario="realworld")) as running:
        api = Api(running, session, await token_for(running, session))
        thermic, _, hybrid = running.sim.vehicles_of(DEMO_USER)
        trips = (await api.json(f"/user/vehicles/{thermic}/trips"))["_embedded"]["trips"]
        assert all("_links" not in trip and "createdAt" not in trip for trip in trips)
        assert {trip["kinetic"]["maxSpeed"] for trip in trips} == {0.0}
        assert any(trip.get("faults") for trip in trips)
        truth = running.sim.truth()[thermic]["last_trip"]
        fuel = trips[0]["energyConsumptions"][0]
        assert fuel["consumption"] == pytest.approx(truth["fuel_l"] * 100, abs=0.1)  # cl
        unfinished = (await api.json(f"/user/vehicles/{hybrid}/trips"))["_embedded"]["trips"]
        assert [trip["done"] for trip in unfinished] == [False]
        assert "stoppedAt" not in unfinished[0]
