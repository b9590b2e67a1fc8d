"""``POST /_sim/vehicles/{id}/collision``: a collision served at once, bad input refused."""

from __future__ import annotations

import aiohttp

from simulator.identities import DEMO_USER
from simulator.testing import RunningSimulator

from .test_control import call


async def test_an_injected_collision_is_served(
    running: RunningSimulator, session: aiohttp.ClientSession
) -> None:
    vehicle = running.sim.vehicles_of(DEMO_USER)[1]
    body = {"side": "Rear", "severity": "Major"}
    status, payload = await call(running, session, "POST", f"/vehicles/{vehicle}/collision", body)
    assert status == 201
    [collision] = running.sim.world.vehicles[vehicle].collisions
    assert (collision.id, collision.side, collision.severity) == (payload["id"], "Rear", "Major")
    assert collision.at == running.sim.world.now()


async def test_a_collision_outside_the_spec_is_refused(
    running: RunningSimulator, session: aiohttp.ClientSession
) -> None:
    vehicle = running.sim.vehicles_of(DEMO_USER)[1]
    for body in ({"side": "Roof"}, {"severity": "Total"}):
        status, payload = await call(
            running, session, "POST", f"/vehicles/{vehicle}/collision", body
        )
        assert status == 400, body
        assert payload["ok"] is False
    status, _ = await call(running, session, "POST", "/vehicles/nope/collision", {})
    assert status == 404
    assert running.sim.world.vehicles[vehicle].collisions == []
