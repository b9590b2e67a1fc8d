"""The fleet (B2B v3) API: mTLS, credentials, fleets, cars and their data, batch reads."""

from __future__ import annotations

from collections.abc import AsyncIterator
import json
import ssl
import time
from typing import Any

import aiohttp
import pytest

from simulator.testing import RunningSimulator, run_simulator
from tests.simulator.test_b2b_helpers import B2bClient, b2b_config


@pytest.fixture
async def fleet_sim() -> AsyncIterator[RunningSimulator]:
    """A frozen simulator with a 3-car fleet and an empty one."""
    async with run_simulator(b2b_config()) as running:
        yield running


@pytest.fixture
async def client(fleet_sim: RunningSimulator, session: aiohttp.ClientSession) -> B2bClient:
    """A partner with the right certificate and credentials."""
    return B2bClient(fleet_sim, session)


async def test_fleets_and_their_cars(client: B2bClient) -> None:
    """Two fleets; the first has a thermic, an electric and a hybrid car; the second none."""
    fleets = await client.json("/fleets")
    assert fleets["total"] == 2
    first, second = fleets["_embedded"]["fleets"]
    assert first["id"] == client.fleet
    assert first["_links"]["vehicles"]["href"].endswith(f"/fleets/{client.fleet}/vehicles")
    one = await client.json(f"/fleets/{client.fleet}")
    assert one["name"] == first["name"]
    cars = await client.json(f"/fleets/{client.fleet}/vehicles")
    assert [car["motorization"] for car in cars["_embedded"]["vehicles"]] == [
        "Thermic",
        "Electric",
        "Hybrid",
    ]
    empty = await client.json(f"/fleets/{second['id']}/vehicles")
    assert empty["total"] == 0
    assert empty["_embedded"]["vehicles"] == []


async def test_car_status_is_the_truth(client: B2bClient) -> None:
    """Per-car status, position and maintenance carry the car's vin and the world's values."""
    fleet = client.fleet
    truth = (await _truth(client))[fleet]
    for vehicle_id, car in truth.items():
        status = await client.json(f"/fleets/{fleet}/vehicles/{vehicle_id}/status")
        assert status["vin"] == car["vin"]
        assert status["odometer"]["mileage"] == car["odometer_km"]
        assert status["_links"]["fleet"]["href"].endswith(f"/fleets/{fleet}")
        assert f"/fleets/{fleet}/vehicles/{vehicle_id}/status" in status["_links"]["self"]["href"]
        upkeep = await client.json(f"/fleets/{fleet}/vehicles/{vehicle_id}/maintenance")
        assert upkeep["vin"] == car["vin"]
        assert upkeep["daysBeforeMaintenance"] == car["maintenance_days"]
    thermic = next(iter(truth))
    position = await client.json(f"/fleets/{fleet}/vehicles/{thermic}/lastPosition")
    assert position["geometry"]["coordinates"][:2] == [
        truth[thermic]["longitude"],
        truth[thermic]["latitude"],
    ]


async def _truth(client: B2bClient) -> dict[str, dict[str, dict[str, Any]]]:
    async with client.session.get(f"{client.running.url}/_sim/b2b/truth") as response:
        assert response.status == 200
        truth: dict[str, dict[str, dict[str, Any]]] = await response.json()
        return truth


async def test_without_client_certificate_the_handshake_fails(client: B2bClient) -> None:
    """No certificate, a foreign CA's or an expired one: no HTTP answer at all."""
    running = client.running
    bare = ssl.create_default_context(cadata=running.b2b_ca_pem)
    foreign = running.b2b_ssl_context(running.b2b_client_cert(foreign=True))
    expired = running.b2b_ssl_context(running.b2b_client_cert(expired=True))
    for context in (bare, foreign, expired):
        refused = B2bClient(running, client.session, context=context)
        with pytest.raises(aiohttp.ClientConnectorError) as caught:
            await refused.get("/fleets")
        assert isinstance(caught.value.os_error, ConnectionResetError)
    untrusting = B2bClient(running, client.session, context=ssl.create_default_context())
    with pytest.raises(aiohttp.ClientConnectorCertificateError):
        await untrusting.get("/fleets")
    assert running.sim.stats()["requests"].get("v3.getFleets", 0) == 0


async def test_certificate_expiring_soon_still_works(client: B2bClient) -> None:
    """A certificate valid 20 more days is accepted (the integration warns, the API does not)."""
    running = client.running
    soon = running.b2b_client_cert(days=20)
    status, _ = await B2bClient(running, client.session, context=running.b2b_ssl_context(soon)).get(
        "/fleets"
    )
    assert status == 200


def test_mismatched_key_is_refused_by_the_client_library(fleet_sim: RunningSimulator) -> None:
    """A key that is not the certificate's cannot even be loaded."""
    with pytest.raises(ssl.SSLError):
        fleet_sim.b2b_ssl_context(key_pem=fleet_sim.b2b_mismatched_key_pem())


async def test_wrong_basic_credentials_401(client: B2bClient) -> None:
    """Wrong password, unknown user or none: 401 with an API error body."""
    running = client.running
    for user, password in (("sim-fleet-user", "nope"), ("nobody", running.b2b_basic_password)):
        wrong = B2bClient(running, client.session, user=user, password=password)
        status, body, response = await wrong.request("GET", "/fleets")
        assert status == 401
        assert body["code"] == 40100
        assert response.headers["WWW-Authenticate"].startswith("Basic")
    async with client.session.get(
        f"{running.b2b_base_url}/fleets",
        params={"client_id": running.b2b_client_id},
        ssl=client.tls,
    ) as response:
        assert response.status == 401


async def test_client_id_required(client: B2bClient) -> None:
    """Missing client_id: 400; unknown: 401."""
    missing = B2bClient(client.running, client.session, client_id="")
    status, body = await missing.get("/fleets")
    assert (status, body["code"]) == (400, 40000)
    unknown = B2bClient(client.running, client.session, client_id="someone-else")
    status, body = await unknown.get("/fleets")
    assert (status, body["code"]) == (401, 40100)


async def test_unknown_fleet_car_and_other_fleets_car(client: B2bClient) -> None:
    """404 for an unknown fleet or car, 403 for a car of another fleet."""
    fleet = client.fleet
    status, body = await client.get("/fleets/0123456789abcdef01234567")
    assert (status, body["code"]) == (404, 40400)
    status, body = await client.get(f"/fleets/{fleet}/vehicles/nope/status")
    assert (status, body["code"]) == (404, 40410)
    other_fleet = client.running.fleet_ids[1]
    car = client.running.fleet_vehicles(fleet)[0]
    status, body = await client.get(f"/fleets/{other_fleet}/vehicles/{car}/status")
    assert (status, body["code"]) == (403, 40300)
    status, body = await client.get("/nothing/here")
    assert status == 404


async def test_paging_visits_every_car_once(
    session: aiohttp.ClientSession,
) -> None:
    """pageSize=2 over 7 cars: 4 pages, each car once, the last page has no ``next``."""
    async with run_simulator(b2b_config(fleets=(7,))) as running:
        client = B2bClient(running, session)
        ids = [
            car["id"]
            for car in await client.all_items(
                f"/fleets/{client.fleet}/vehicles", "vehicles", pageSize="2"
            )
        ]
        assert ids == running.fleet_vehicles(client.fleet)
        ranged = await client.all_items(
            f"/fleets/{client.fleet}/vehicles", "vehicles", pageSize="1", indexRange="2-4"
        )
        assert [car["id"] for car in ranged] == ids[2:5]
        statuses = await client.all_items(
            f"/fleets/{client.fleet}/status", "status", pageSize="3", indexRange="1-"
        )
        vins = [running.sim.world.vehicles[v].vin for v in ids]
        assert [s["vin"] for s in statuses] == vins[1:]
        status, body = await client.get(f"/fleets/{client.fleet}/vehicles", pageToken="%%%")
        assert (status, body["code"]) == (400, 40000)
        status, _ = await client.get(f"/fleets/{client.fleet}/vehicles", pageSize="61")
        assert status == 400


async def test_batch_reads_carry_each_cars_vin(client: B2bClient) -> None:
    """The fleet-wide status, maintenances, alerts and trips tell the cars apart by vin."""
    fleet = client.fleet
    truth = (await _truth(client))[fleet]
    vins = {car["vin"] for car in truth.values()}
    statuses = await client.all_items(f"/fleets/{fleet}/status", "status", pageSize="2")
    assert {s["vin"] for s in statuses} == vins
    upkeep = await client.all_items(f"/fleets/{fleet}/maintenances", "maintenances")
    assert {m["vin"] for m in upkeep} == vins
    alerts = await client.all_items(f"/fleets/{fleet}/alerts", "alerts")
    active = {(a["vin"], a["type"]) for a in alerts if a["active"]}
    expected = {
        (car["vin"], alert["type"]) for car in truth.values() for alert in car["active_alerts"]
    }
    assert active == expected
    trips = await client.all_items(f"/fleets/{fleet}/trips", "trips")
    assert trips
    assert {t["vin"] for t in trips} <= vins
    one = await client.json(f"/fleets/{fleet}/alerts/{alerts[0]['id']}")
    assert (one["id"], one["vin"]) == (alerts[0]["id"], alerts[0]["vin"])
    collisions = await client.all_items(f"/fleets/{fleet}/collisions", "Collisions")
    one = await client.json(f"/fleets/{fleet}/collisions/{collisions[0]['id']}")
    assert one["vin"] == collisions[0]["vin"]
    assert (await client.get(f"/fleets/{fleet}/collisions/unknown"))[0] == 404


async def test_batch_reads_can_be_switched_off(client: B2bClient) -> None:
    """Off with 410, 404 or 501: every batch read answers that; per-car reads still work."""
    fleet = client.fleet
    control = f"{client.running.url}/_sim/b2b/batch"
    for code in (410, 404, 501):
        async with client.session.post(
            control, json={"enabled": False, "status": code}
        ) as response:
            assert response.status == 200
        for name in ("status", "alerts", "maintenances", "trips", "collisions"):
            status, body = await client.get(f"/fleets/{fleet}/{name}")
            assert (status, body["code"]) == (code, code * 100)
    car = client.running.fleet_vehicles(fleet)[0]
    assert (await client.get(f"/fleets/{fleet}/vehicles/{car}/status"))[0] == 200
    async with client.session.post(control, json={"enabled": True}) as response:
        assert response.status == 200
    assert (await client.get(f"/fleets/{fleet}/status"))[0] == 200
    async with client.session.post(control, json={"enabled": False, "status": 500}) as response:
        assert response.status == 400


async def test_rate_limit_per_client(session: aiohttp.ClientSession) -> None:
    """The v4 limit applies: past it, 429 with Retry-After; stats count the v3 endpoint."""
    async with run_simulator(b2b_config(rate_limit=3)) as running:
        client = B2bClient(running, session)
        answers = [await client.request("GET", "/fleets") for _ in range(4)]
        assert [status for status, _, _ in answers] == [200, 200, 200, 429]
        assert int(answers[-1][2].headers["Retry-After"]) >= 1
        stats = running.sim.stats()
        assert stats["requests"]["v3.getFleets"] == 4
        assert stats["rate_limited"] == 1


async def test_faults_reach_the_v3_api(client: B2bClient) -> None:
    """/_sim/faults scoped to a v3 operation: 503 once, then normal; a path glob too."""
    control = f"{client.running.url}/_sim/faults"
    fleet = client.fleet
    faults = [
        {"kind": "error", "status": 503, "endpoint": "v3.getFleetStatusList"},
        {"kind": "truncated", "endpoint": "/connectedcar/v3/fleets/*/vehicles"},
    ]
    async with client.session.post(control, json=faults) as response:
        assert response.status == 201
    status, body = await client.get(f"/fleets/{fleet}/status")
    assert (status, body["code"]) == (503, 50300)
    assert (await client.get(f"/fleets/{fleet}/status"))[0] == 200
    with pytest.raises(json.JSONDecodeError):  # half a JSON body
        await client.get(f"/fleets/{fleet}/vehicles")
    assert (await client.get(f"/fleets/{fleet}/vehicles"))[0] == 200


async def test_realworld_fleet_cars_have_the_real_shapes(session: aiohttp.ClientSession) -> None:
    """In ``realworld`` the fleet's thermic, electric and hybrid cars answer as real cars do."""
    async with run_simulator(b2b_config(scenario="realworld")) as running:
        client = B2bClient(running, session)
        cars = (await client.json(f"/fleets/{client.fleet}/vehicles"))["_embedded"]["vehicles"]
        assert all("vehicleExtension" in car and "brand" not in car for car in cars)
        for car in cars:
            base = f"/fleets/{client.fleet}/vehicles/{car['id']}"
            for name in ("status", "maintenance", "alerts", "trips", "collisions"):
                assert (await client.get(f"{base}/{name}"))[0] == 200
        thermic = cars[0]["id"]
        status = await client.json(f"/fleets/{client.fleet}/vehicles/{thermic}/status")
        assert "timed.odometer" in status


async def test_a_500_car_fleet_starts_fast_and_reads_in_9_pages(
    session: aiohttp.ClientSession,
) -> None:
    """The bench's fleet: up in well under the bench's budget; 500 statuses in 9 batch pages."""
    started = time.perf_counter()
    async with run_simulator(b2b_config(fleets=(500,), rate_limit=0)) as running:
        assert time.perf_counter() - started < 5.0  # about 0.05 s here; loose for slow CI
        client = B2bClient(running, session)
        statuses = await client.all_items(f"/fleets/{client.fleet}/status", "status")
        assert len(statuses) == 500
        assert len({s["vin"] for s in statuses}) == 500
        assert running.sim.stats()["requests"]["v3.getFleetStatusList"] == 9
