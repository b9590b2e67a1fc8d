"""Injected faults: kinds, counts, probabilities, scoping, and the control endpoints."""

from __future__ import annotations

import json
import time
from typing import Any

import aiohttp
import pytest

from simulator.faults import FaultError, FaultInjector, FaultSpec
from simulator.identities import DEMO_USER
from tests.simulator.conftest import Api, basic


async def inject(api: Api, spec: Any) -> aiohttp.ClientResponse:
    """POST /_sim/faults."""
    async with api.session.post(f"{api.running.url}/_sim/faults", json=spec) as response:
        await response.read()
        return response


async def test_error_burst_then_recovery(api: Api) -> None:
    assert (await inject(api, {"kind": "error", "count": 2, "status": 503})).status == 201
    for _ in range(2):
        response = await api.get("/user")
        assert response.status == 503
        assert (await response.json())["code"] == 50300
    assert (await api.get("/user")).status == 200


async def test_html_gateway_page(api: Api) -> None:
    await inject(api, {"kind": "html", "status": 504})
    response = await api.get("/user")
    assert response.status == 504
    assert response.content_type == "text/html"
    assert "<html>" in await response.text()


@pytest.mark.parametrize("kind", ["malformed", "truncated"])
async def test_broken_json(api: Api, kind: str) -> None:
    await inject(api, {"kind": kind})
    response = await api.get("/user")
    assert response.status == 200
    with pytest.raises(json.JSONDecodeError):
        json.loads(await response.text())


async def test_no_data_scoped_to_an_endpoint(api: Api) -> None:
    vehicle = api.running.sim.vehicles_of(DEMO_USER)[0]
    await inject(api, {"kind": "no_data", "endpoint": "getVehicleMaintenance", "count": 3})
    assert (await api.get(f"/user/vehicles/{vehicle}/status")).status == 200
    response = await api.get(f"/user/vehicles/{vehicle}/maintenance")
    assert response.status == 404
    assert (await response.json())["code"] == 40400


async def test_path_glob_scope(api: Api) -> None:
    await inject(api, {"kind": "error", "endpoint": "/connectedcar/v4/user/vehicles/*/status"})
    vehicle = api.running.sim.vehicles_of(DEMO_USER)[0]
    assert (await api.get("/user")).status == 200
    assert (await api.get(f"/user/vehicles/{vehicle}/status")).status == 500


async def test_latency_and_timeout(api: Api) -> None:
    await inject(api, [{"kind": "latency", "delay_s": 0.2}, {"kind": "timeout", "delay_s": 0.2}])
    started = time.monotonic()
    assert (await api.get("/user")).status == 200
    assert (await api.get("/user")).status == 504
    assert time.monotonic() - started >= 0.4


async def test_revoked_access_token(api: Api) -> None:
    await inject(api, {"kind": "revoke_access"})
    response = await api.get("/user")
    assert response.status == 401
    assert (await api.get("/user")).status == 401


async def test_revoked_refresh_token(api: Api) -> None:
    await inject(api, {"kind": "revoke_refresh"})
    form = {"grant_type": "refresh_token", "refresh_token": api.token["refresh_token"]}
    url = f"{api.running.idp_base('peugeot.com')}/access_token"
    async with api.session.post(url, data=form, headers={"Authorization": basic()}) as response:
        assert response.status == 400
        assert (await response.json())["error"] == "invalid_grant"


async def test_idp_can_fail_too(api: Api) -> None:
    await inject(api, {"kind": "html", "endpoint": "access_token"})
    url = f"{api.running.idp_base('peugeot.com')}/access_token"
    async with api.session.post(url, data={}, headers={"Authorization": basic()}) as response:
        assert response.status == 502


async def test_shrinking_limit_and_clear(api: Api) -> None:
    await inject(api, {"kind": "shrink_limit", "limit": 1})
    assert (await api.get("/user")).status == 200
    assert (await api.get("/user")).status == 429
    async with api.session.delete(f"{api.running.url}/_sim/faults") as response:
        assert response.status == 200
    assert (await api.get("/user")).status == 200
    await inject(api, {"kind": "shrink_limit", "limit": 0})
    response = await api.get("/user")
    assert response.status == 429
    assert response.headers["Retry-After"] == "60"
    assert response.headers["X-RateLimit-Limit"] == "0"


async def test_probability_mode_is_seeded(api: Api) -> None:
    await inject(api, {"kind": "error", "probability": 0.5})
    async with api.session.get(f"{api.running.url}/_sim/faults") as response:
        assert (await response.json())["active"][0]["probability"] == 0.5
    statuses = [(await api.get("/user")).status for _ in range(20)]
    assert set(statuses) == {200, 500}
    injector = FaultInjector(seed=1)
    injector.add(FaultSpec("error", probability=0.5))
    expected = [
        500 if injector.pick("getUser", "/connectedcar/v4/user") else 200 for _ in range(20)
    ]
    assert statuses == expected


@pytest.mark.parametrize(
    "spec",
    [
        {"kind": "explode"},
        {"kind": "error", "count": 1, "probability": 0.1},
        {"kind": "error", "probability": 2},
        {"kind": "error", "count": 0},
        {"kind": "shrink_limit"},
        {"kind": "error", "status": 200},
        {"kind": "latency", "delay_s": -1},
        {"kind": "error", "colour": "red"},
        ["not an object"],
        {"count": 1},
    ],
)
async def test_invalid_fault_specs(api: Api, spec: Any) -> None:
    assert (await inject(api, spec)).status == 400


async def test_fault_body_must_be_json(api: Api) -> None:
    async with api.session.post(f"{api.running.url}/_sim/faults", data=b"{") as response:
        assert response.status == 400


def test_fault_spec_round_trip() -> None:
    spec = FaultSpec.from_json({"kind": "error", "count": 2, "endpoint": "getUser"})
    assert spec.to_json() == {"kind": "error", "count": 2, "endpoint": "getUser"}
    with pytest.raises(FaultError):
        FaultSpec.from_json("error")
