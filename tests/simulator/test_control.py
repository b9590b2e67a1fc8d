"""The ``/_sim`` control API over HTTP, mirroring the Python one."""

from __future__ import annotations

from typing import Any

import aiohttp

from simulator.identities import DEMO_USER, OTHER_USER
from simulator.testing import RunningSimulator


async def call(
    running: RunningSimulator,
    session: aiohttp.ClientSession,
    method: str,
    path: str,
    body: Any = None,
) -> tuple[int, Any]:
    """A control request; returns status and JSON."""
    async with session.request(method, f"{running.url}/_sim{path}", json=body) as response:
        return response.status, await response.json()


async def test_time(running: RunningSimulator, session: aiohttp.ClientSession) -> None:
    status, body = await call(running, session, "POST", "/time/advance", {"seconds": 90})
    assert status == 200
    assert body["now"].startswith("2026-05-01T10:01:30")
    status, body = await call(running, session, "GET", "/time")
    assert body["time_scale"] == 0.0
    for bad in ({"seconds": -1}, {"seconds": "x"}, {}, [1]):
        assert (await call(running, session, "POST", "/time/advance", bad))[0] == 400
    async with session.post(f"{running.url}/_sim/time/advance", data=b"{") as response:
        assert response.status == 400


async def test_vehicles_alerts_trip_privacy(
    running: RunningSimulator, session: aiohttp.ClientSession
) -> None:
    status, body = await call(running, session, "POST", "/vehicles", {"motorization": "Electric"})
    assert status == 201
    vehicle = body["id"]
    assert vehicle in running.sim.vehicles_of(DEMO_USER)
    status, ids = await call(running, session, "GET", f"/accounts/{DEMO_USER}/vehicles")
    assert ids[-1] == vehicle
    status, body = await call(
        running, session, "POST", f"/vehicles/{vehicle}/alerts", {"type": "EngineFault"}
    )
    assert status == 201
    alert = body["id"]
    truth = (await call(running, session, "GET", "/truth"))[1][vehicle]
    assert truth["active_alerts"] == [{"id": alert, "type": "EngineFault", "severity": "Warning"}]
    assert (await call(running, session, "DELETE", f"/vehicles/{vehicle}/alerts/{alert}"))[0] == 200
    assert (await call(running, session, "DELETE", f"/vehicles/{vehicle}/alerts/{alert}"))[0] == 200
    truth = (await call(running, session, "GET", "/truth"))[1][vehicle]
    assert truth["active_alerts"] == []
    assert (await call(running, session, "POST", f"/vehicles/{vehicle}/trip", {}))[0] == 200
    assert (await call(running, session, "GET", "/truth"))[1][vehicle]["moving"] is True
    body = {"state": "Geolocation"}
    assert (await call(running, session, "POST", f"/vehicles/{vehicle}/privacy", body))[0] == 200
    assert running.sim.truth()[vehicle]["privacy"] == "Geolocation"
    assert (await call(running, session, "DELETE", f"/vehicles/{vehicle}"))[0] == 200
    assert vehicle not in running.sim.vehicles_of(DEMO_USER)


async def test_control_errors(running: RunningSimulator, session: aiohttp.ClientSession) -> None:
    vehicle = running.sim.vehicles_of(DEMO_USER)[0]
    cases: list[tuple[str, str, Any, int]] = [
        ("DELETE", "/vehicles/nope", None, 404),
        ("POST", "/vehicles/nope/trip", {}, 404),
        ("POST", "/vehicles", {"motorization": "Steam"}, 400),
        ("POST", "/vehicles", {"motorization": 3}, 400),
        ("POST", "/vehicles", {"account_email": 3}, 400),
        ("POST", f"/vehicles/{vehicle}/alerts", {"type": "NotAType"}, 400),
        ("POST", f"/vehicles/{vehicle}/alerts", {"type": "EngineFault", "severity": "Meh"}, 400),
        ("DELETE", f"/vehicles/{vehicle}/alerts/nope", None, 404),
        ("POST", f"/vehicles/{vehicle}/trip", {"duration_s": 0}, 400),
        ("POST", f"/vehicles/{vehicle}/privacy", {"state": "Total"}, 400),
        ("POST", "/tokens/revoke", {"kind": "some"}, 400),
    ]
    for method, path, body, expected in cases:
        status, payload = await call(running, session, method, path, body)
        assert status == expected, (path, payload)
        assert payload["ok"] is False


async def test_revoke_and_stats(running: RunningSimulator, session: aiohttp.ClientSession) -> None:
    status, body = await call(running, session, "POST", "/tokens/revoke", {"kind": "all"})
    assert (status, body) == (200, {"revoked": 0})
    status, stats = await call(running, session, "GET", "/stats")
    assert set(stats) == {
        "requests",
        "total",
        "rate_limited",
        "peak_window",
        "deliveries",
        "remotes",
    }


async def test_other_account_vehicle(running: RunningSimulator) -> None:
    vehicle = running.sim.add_vehicle(OTHER_USER, "Hybrid")
    assert running.sim.vehicles_of(OTHER_USER)[-1] == vehicle
    assert running.sim.truth()[vehicle]["motorization"] == "Hybrid"
