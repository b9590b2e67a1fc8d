"""Remote actions in the simulator: the state machine, its notifications and the world."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest

from simulator.identities import DEMO_USER
from simulator.remotes.model import AWAKE_DELAY_S
from simulator.testing import RunningSimulator
from tests.simulator.remote_support import Remotes, remotes_client

LOCK = {"door": {"state": "Locked"}}
UNLOCK = {"door": {"state": "Unlocked"}}


@pytest.fixture
async def remotes(
    running: RunningSimulator, session: aiohttp.ClientSession
) -> AsyncIterator[Remotes]:
    """A client with every remote scope and a Monitor+Remote callback."""
    async with remotes_client(running, session) as client:
        yield client


def cars(remotes: Remotes) -> list[str]:
    """The demo cars: thermic, electric, hybrid."""
    return remotes.running.sim.vehicles_of(DEMO_USER)


async def test_unlock_of_an_awake_car_goes_through_every_pending_step(remotes: Remotes) -> None:
    sim = remotes.running.sim
    car = cars(remotes)[0]
    sim.world.wake_up(car)
    remote_id = await remotes.send(car, UNLOCK)
    assert (await remotes.action(car, remote_id))["status"] == "Accepted"
    assert sim.truth()[car]["locked"] is True
    assert sim.truth()[car]["pending_remotes"] == [
        {"id": remote_id, "type": "Doors", "status": "Accepted"}
    ]
    sim.advance(1)
    assert (await remotes.action(car, remote_id))["status"] == "CheckingVehicle"
    sim.advance(2)
    assert (await remotes.action(car, remote_id))["status"] == "SentToVehicle"
    sim.advance(AWAKE_DELAY_S - 3 - 0.5)
    assert sim.truth()[car]["locked"] is True
    sim.advance(0.5)
    action = await remotes.action(car, remote_id)
    assert (action["status"], action["type"], action["remote"]) == ("Success", "Doors", UNLOCK)
    assert "failureCause" not in action
    assert sim.truth()[car]["locked"] is False
    assert sim.truth()[car]["pending_remotes"] == []
    assert await remotes.events(remote_id) == [
        ("Pending", "Accepted", None),
        ("Pending", "CheckingVehicle", None),
        ("Pending", "SentToVehicle", None),
        ("Done", "Success", None),
    ]
    status = await remotes.api.json(f"/user/vehicles/{car}/status")
    assert status["doorsState"]["lockedStates"] == ["Unlocked"]
