"""The v4 API: gateway checks, paging, documents per motorization, errors."""

from __future__ import annotations

import aiohttp
import pytest
from yarl import URL

from simulator.api import vehicles
from simulator.identities import DEMO_USER, OTHER_USER
from simulator.testing import run_simulator
from tests.simulator.conftest import Api, frozen, token_for


async def test_gateway_checks(api: Api) -> None:
    base = api.running.api_base
    async with api.session.get(f"{base}/user", headers=api.headers) as response:
        assert response.status == 400
        assert (await response.json())["code"] == 40000
    async with api.session.get(
        f"{base}/user", headers=api.headers, params={"client_id": "who"}
    ) as response:
        assert response.status == 401
        assert (await response.json())["code"] == 40100
    params = {"client_id": api.client_id}
    for headers in ({}, {"Authorization": "Bearer nope"}, {"Authorization": "Basic x"}):
        async with api.session.get(f"{base}/user", headers=headers, params=params) as response:
            assert response.status == 401
            assert (await response.json())["moreInformation"] == "Token is invalid"
    wrong_realm = {**api.headers, "x-introspect-realm": "clientsB2COpel"}
    async with api.session.get(f"{base}/user", headers=wrong_realm, params=params) as response:
        assert response.status == 403
        body = await response.json()
        assert set(body) == {"code", "uuid", "message", "timestamp"}
        assert body["code"] // 100 == 403


async def test_vehicle_paging_links(api: Api) -> None:
    first = await api.json("/user/vehicles", pageSize="1")
    links = first["_links"]
    assert first["total"] == 3
    assert first["totalPage"] == 3
    assert first["currentPage"] == 1
    assert "prev" not in links
    assert links["self"]["href"] == links["first"]["href"]
    seen = [first["_embedded"]["vehicles"][0]["id"]]
    page = first
    while "next" in page["_links"]:
        url = URL(page["_links"]["next"]["href"])
        async with api.session.get(url, headers=api.headers) as response:
            page = await response.json(content_type=None)
        seen += [v["id"] for v in page["_embedded"]["vehicles"]]
        assert "prev" in page["_links"]
    assert page["_links"]["self"]["href"] == links["last"]["href"]
    assert seen == api.running.sim.vehicles_of(DEMO_USER)


async def test_index_range_and_vin_prefix(api: Api) -> None:
    ranged = await api.json("/user/vehicles", indexRange="1-1")
    assert ranged["total"] == 1
    vin = ranged["_embedded"]["vehicles"][0]["vin"]
    filtered = await api.json("/user/vehicles", vinPrefix=vin[:11])
    assert [v["vin"] for v in filtered["_embedded"]["vehicles"]] == [vin]


@pytest.mark.parametrize(
    "params",
    [{"pageSize": "0"}, {"pageSize": "61"}, {"pageToken": "garbage"}, {"indexRange": "5-1"}],
)
async def test_bad_paging_is_400(api: Api, params: dict[str, str]) -> None:
    response = await api.get("/user/vehicles", **params)
    assert response.status == 400
    assert (await response.json())["code"] == 40000


async def test_vehicle_ids_are_not_vins(api: Api) -> None:
    listing = await api.json("/user/vehicles", extension="branding,pictures,onboardCapabilities")
    for vehicle in listing["_embedded"]["vehicles"]:
        assert vehicle["id"] != vehicle["vin"]
        assert len(vehicle["id"]) > 40
        assert set(vehicle["_embedded"]["extension"]) == {
            "branding",
            "pictures",
            "onboardCapabilities",
        }
    assert (await api.get("/user/vehicles", extension="nope")).status == 400


async def test_unknown_and_foreign_vehicles(api: Api) -> None:
    response = await api.get("/user/vehicles/0123abc/status")
    assert response.status == 404
    assert (await response.json())["code"] == 40410
    other = api.running.sim.vehicles_of(OTHER_USER)[0]
    response = await api.get(f"/user/vehicles/{other}/status")
    assert response.status == 403


async def test_status_blocks_follow_the_motorization(api: Api) -> None:
    thermic, electric, hybrid = api.running.sim.vehicles_of(DEMO_USER)
    status = await api.json(f"/user/vehicles/{thermic}/status")
    assert [e["type"] for e in status["energies"]] == ["Fuel"]
    assert "engines" in status
    assert "service" not in status
    assert status["energy"]["type"] == "Fuel"
    assert status["preconditionning"] == status["preconditioning"]
    status = await api.json(f"/user/vehicles/{electric}/status")
    assert [e["type"] for e in status["energies"]] == ["Electric"]
    assert "engines" not in status
    charging = status["energies"][0]["extension"]["electric"]["charging"]
    assert charging["plugged"] is True
    assert charging["status"] == "InProgress"
    assert charging["remainingTime"].startswith("PT")
    assert status["energy"]["charging"] == charging
    status = await api.json(f"/user/vehicles/{hybrid}/status")
    assert [e["type"] for e in status["energies"]] == ["Fuel", "Electric"]
    assert status["kinetic"]["moving"] is True
    lon, lat, _alt = status["lastPosition"]["geometry"]["coordinates"]
    assert 2 < lon < 3
    assert 48 < lat < 49


async def test_last_position_content_type(api: Api) -> None:
    vehicle = api.running.sim.vehicles_of(DEMO_USER)[0]
    response = await api.get(f"/user/vehicles/{vehicle}/lastPosition")
    assert response.content_type == "application/vnd.geo+json"
    response = await api.get(f"/user/vehicles/{vehicle}/status")
    assert response.content_type == "application/hal+json"


async def test_alerts_locale_filters_and_by_id(api: Api) -> None:
    vehicle = api.running.sim.vehicles_of(DEMO_USER)[0]
    everything = await api.json(f"/user/vehicles/{vehicle}/alerts")
    assert everything["total"] == 2
    french = await api.json(f"/user/vehicles/{vehicle}/alerts", locale="fr-FR")
    messages = {a["type"]: a["message"] for a in french["_embedded"]["alerts"]}
    assert messages["RiskOfIce"] == "Risque de verglas"
    german = await api.json(f"/user/vehicles/{vehicle}/alerts", locale="de")
    assert german["_embedded"]["alerts"][0]["message"] != messages["AddWasherFluid"]
    active = await api.json(f"/user/vehicles/{vehicle}/alerts", active="true")
    assert [a["type"] for a in active["_embedded"]["alerts"]] == ["AddWasherFluid"]
    ended = await api.json(f"/user/vehicles/{vehicle}/alerts", active="false")
    assert [a["type"] for a in ended["_embedded"]["alerts"]] == ["RiskOfIce"]
    recent = await api.json(
        f"/user/vehicles/{vehicle}/alerts", timestamps="2026-04-25T00:00:00Z/P10D"
    )
    assert recent["total"] == 1
    old = await api.json(f"/user/vehicles/{vehicle}/alerts", timestamps="/2026-04-25T00:00:00Z")
    assert [a["type"] for a in old["_embedded"]["alerts"]] == ["RiskOfIce"]
    alert_id = old["_embedded"]["alerts"][0]["id"]
    single = await api.json(f"/user/vehicles/{vehicle}/alerts/{alert_id}", locale="it")
    assert single["message"].startswith("Avviso")
    assert single["active"] is False
    assert "endAt" in single


@pytest.mark.parametrize(
    "params",
    [
        {"active": "maybe"},
        {"timestamps": "R5/2026-01-01T00:00:00Z/P1D"},
        {"timestamps": "nonsense/"},
        {"timestamps": "/P1D"},
        {"timestamps": "2026-01-01T00:00:00Z/PX"},
    ],
)
async def test_bad_alert_filters(api: Api, params: dict[str, str]) -> None:
    vehicle = api.running.sim.vehicles_of(DEMO_USER)[0]
    response = await api.get(f"/user/vehicles/{vehicle}/alerts", **params)
    assert response.status == 400


async def test_too_many_timestamp_ranges(api: Api) -> None:
    vehicle = api.running.sim.vehicles_of(DEMO_USER)[0]
    url = f"{api.running.api_base}/user/vehicles/{vehicle}/alerts"
    params = [("client_id", api.client_id)] + [("timestamps", "2026-01-01T00:00:00Z/")] * 11
    async with api.session.get(url, headers=api.headers, params=params) as response:
        assert response.status == 400


async def test_collisions_and_telemetry(api: Api) -> None:
    vehicle = api.running.sim.vehicles_of(DEMO_USER)[0]
    collisions = await api.json(f"/user/vehicles/{vehicle}/collisions")
    collision = collisions["_embedded"]["Collisions"][0]
    single = await api.json(f"/user/vehicles/{vehicle}/collisions/{collision['id']}")
    assert single == collision
    api.running.sim.start_trip(vehicle, 300, 60)
    api.running.sim.advance(120)
    telemetry = await api.json(f"/user/vehicles/{vehicle}/telemetry", extension="location")
    items = telemetry["_embedded"]["telemetries"]
    assert len(items) > 2
    assert items[0]["createdAt"] > items[-1]["createdAt"]
    assert "location" in items[0]["_embedded"]["extension"]


async def test_unknown_route_and_method(api: Api) -> None:
    response = await api.get("/user/vehicles/x/trips/t/wayPoints")
    assert response.status == 404
    assert (await response.json())["code"] == 40400
    response = await api.send("DELETE", "/user/vehicles")
    assert response.status == 405
    assert (await response.json())["code"] == 40500


async def test_no_traceback_on_internal_error(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    def explode(*_args: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(vehicles.resources, "user_document", explode)
    response = await api.get("/user")
    assert response.status == 500
    body = await response.json()
    assert body["code"] == 50000
    assert "boom" not in str(body)


async def test_empty_scenario_and_privacy(session: aiohttp.ClientSession) -> None:
    async with run_simulator(frozen(scenario="empty")) as running:
        api = Api(running, session, await token_for(running, session))
        assert (await api.json("/user/vehicles"))["total"] == 0
        assert (await api.json("/user"))["_embedded"]["Vehicles"] == []
    async with run_simulator(frozen(scenario="privacy")) as running:
        api = Api(running, session, await token_for(running, session))
        for vehicle in running.sim.vehicles_of(DEMO_USER):
            status = await api.json(f"/user/vehicles/{vehicle}/status")
            assert status["privacy"]["state"] == "Full"
            assert "lastPosition" not in status
            response = await api.get(f"/user/vehicles/{vehicle}/lastPosition")
            assert response.status == 404
            alerts = await api.json(f"/user/vehicles/{vehicle}/alerts")
            assert all("startPosition" not in a for a in alerts["_embedded"]["alerts"])
