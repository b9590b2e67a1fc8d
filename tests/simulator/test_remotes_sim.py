"""Remote actions in the simulator: the state machine, its timings and what the car does."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import datetime, timedelta

import aiohttp
import pytest

from simulator.clock import iso_duration
from simulator.identities import DEMO_USER
from simulator.remotes.model import ASLEEP_DELAY_S, AWAKE_DELAY_S, WAKE_UP_S
from simulator.testing import RunningSimulator, run_simulator
from tests.simulator.conftest import frozen
from tests.simulator.remote_support import Remotes, remotes_client

LOCK = {"door": {"state": "Locked"}}
UNLOCK = {"door": {"state": "Unlocked"}}
PARIS = {"type": "Point", "coordinates": [2.3522, 48.8566]}
LYON = {"type": "Point", "coordinates": [4.8357, 45.764]}


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
    assert sim.truth()[car]["remote_delay_s"] == AWAKE_DELAY_S
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
    assert sim.truth()[car]["wake_ups_this_month"] == 0
    assert await remotes.events(remote_id) == [
        ("Pending", "Accepted", None),
        ("Pending", "CheckingVehicle", None),
        ("Pending", "SentToVehicle", None),
        ("Done", "Success", None),
    ]
    status = await remotes.api.json(f"/user/vehicles/{car}/status")
    assert status["doorsState"]["lockedStates"] == ["Unlocked"]
    message = remotes.receiver.messages()[-1]
    assert message["type"] == "Remote"
    assert message["callbackId"] == remotes.callback
    assert message["remoteEvent"]["remoteType"] == "Doors"
    assert remotes.receiver.received[-1].headers["X-Vehicle-Id"] == sim.truth()[car]["vin"]


async def test_a_sleeping_car_is_woken_first_and_takes_longer(remotes: Remotes) -> None:
    sim = remotes.running.sim
    car = cars(remotes)[0]
    sim.world.sleep(car)
    assert sim.truth()[car]["asleep"] is True
    assert sim.truth()[car]["remote_delay_s"] == ASLEEP_DELAY_S
    remote_id = await remotes.send(car, UNLOCK)
    sim.advance(1)
    assert (await remotes.action(car, remote_id))["status"] == "WakingUpVehicle"
    sim.advance(WAKE_UP_S - 0.5)
    assert (await remotes.action(car, remote_id))["status"] == "WakingUpVehicle"
    sim.advance(ASLEEP_DELAY_S - WAKE_UP_S - 0.5 - 1)
    assert (await remotes.action(car, remote_id))["status"] == "SentToVehicle"
    sim.advance(1)
    assert (await remotes.action(car, remote_id))["status"] == "Success"
    assert await remotes.events(remote_id) == [
        ("Pending", "Accepted", None),
        ("Pending", "WakingUpVehicle", None),
        ("Pending", "CheckingVehicle", None),
        ("Pending", "SentToVehicle", None),
        ("Done", "Success", None),
    ]
    truth = sim.truth()[car]
    assert (truth["locked"], truth["wake_ups_this_month"], truth["asleep"]) == (False, 1, False)
    # Awake now: the next command takes the short path.
    assert (await remotes.run(car, LOCK, AWAKE_DELAY_S))["status"] == "Success"


async def test_lock_when_locked_is_already_done(remotes: Remotes) -> None:
    car = cars(remotes)[0]
    assert remotes.running.sim.truth()[car]["locked"] is True
    action = await remotes.run(car, LOCK)
    assert action["status"] == "AlreadyDone"
    assert (await remotes.events())[-1] == ("Done", "AlreadyDone", None)


async def test_navigation_skips_accepted_and_waking_up_and_stores_the_destination(
    remotes: Remotes,
) -> None:
    sim = remotes.running.sim
    car = cars(remotes)[0]
    sim.world.sleep(car)
    body = {"navigation": {"positions": [LYON, PARIS], "driverApproval": True}}
    remote_id = await remotes.send(car, body)
    sim.advance(ASLEEP_DELAY_S - 0.5)
    assert sim.truth()[car]["navigation"] is None
    sim.advance(0.5)
    assert (await remotes.action(car, remote_id))["status"] == "Success"
    assert await remotes.events(remote_id) == [
        ("Pending", "CheckingVehicle", None),
        ("Pending", "SentToVehicle", None),
        ("Done", "Success", None),
    ]
    assert sim.truth()[car]["navigation"] == {
        "positions": [LYON["coordinates"], PARIS["coordinates"]],
        "driver_approval": True,
    }
    assert (await remotes.run(car, body))["status"] == "AlreadyDone"


async def test_same_action_in_progress_is_refused_and_others_go_on(remotes: Remotes) -> None:
    sim = remotes.running.sim
    car = cars(remotes)[0]
    sim.world.wake_up(car)
    first = await remotes.send(car, UNLOCK)
    second = await remotes.send(car, UNLOCK)
    horn = await remotes.send(car, {"horn": {"state": "Activated"}})
    sim.advance(AWAKE_DELAY_S)
    refused = await remotes.action(car, second)
    assert (refused["status"], refused["failureCause"]) == ("Failed", "SameActionInProgress")
    assert await remotes.events(second) == [
        ("Pending", "Accepted", None),
        ("Done", "Failed", "SameActionInProgress"),
    ]
    assert (await remotes.action(car, first))["status"] == "Success"
    assert (await remotes.action(car, horn))["status"] == "Success"
    assert sim.truth()[car]["remotes_received"] == {"Doors": 2, "Horn": 1}
    assert sim.stats()["remotes"] == {car: {"Doors": 2, "Horn": 1}}
    listing = await remotes.api.json(remotes.base(car))
    assert [a["remoteActionId"] for a in listing["_embedded"]["remoteActions"]] == [
        first,
        second,
        horn,
    ]


async def test_charging_start_stop_and_delayed_time(remotes: Remotes) -> None:
    sim = remotes.running.sim
    thermic, electric, _ = cars(remotes)
    action = await remotes.run(thermic, {"charging": {"immediate": True}})
    assert (action["status"], action["failureCause"]) == ("Failed", "WrongCommand")
    sim.world.vehicles[electric].plugged = False
    sim.world.vehicles[electric].charging_status = "Disconnected"
    action = await remotes.run(electric, {"charging": {"immediate": True}})
    assert (action["status"], action["failureCause"]) == ("Failed", "VehicleChargingSystemError")
    car = sim.world.vehicles[electric]
    car.plugged, car.charging_status, car.soc_pct = True, "Stopped", 50.0
    assert (await remotes.run(electric, {"charging": {"immediate": True}}))["status"] == "Success"
    assert sim.truth()[electric]["charging"] is True
    assert sim.truth()[electric]["charging_status"] == "InProgress"
    assert (await remotes.run(electric, {"charging": {"immediate": True}}))["status"] == (
        "AlreadyDone"
    )
    assert (await remotes.run(electric, {"charging": {"immediate": False}}))["status"] == "Success"
    assert sim.truth()[electric]["charging"] is False
    assert (await remotes.run(electric, {"charging": {"immediate": False}}))["status"] == (
        "AlreadyDone"
    )
    delayed = {"charging": {"schedule": {"nextDelayedTime": "2026-05-01T23:15:00+02:00"}}}
    assert (await remotes.run(electric, delayed))["status"] == "Success"
    assert sim.truth()[electric]["delayed_charge_time"] == "21:15"
    truth = sim.truth()[electric]
    uploaded = datetime.fromisoformat(truth["updated_at"])
    starts = uploaded + timedelta(seconds=truth["next_delayed_charge_s"])
    assert (starts.hour, starts.minute, starts.second) == (21, 15, 0)
    status = await remotes.api.json(f"/user/vehicles/{electric}/status")
    electric_energy = next(e for e in status["energies"] if e["type"] == "Electric")
    charging = electric_energy["extension"]["electric"]["charging"]
    assert charging["nextDelayedTime"] == iso_duration(truth["next_delayed_charge_s"])
    assert (await remotes.run(electric, delayed))["status"] == "AlreadyDone"
    legacy = {"charging": {"nextDelayedTime": "2026-05-01T22:00:00Z"}}
    assert (await remotes.run(electric, legacy))["status"] == "Success"
    assert sim.truth()[electric]["delayed_charge_time"] == "22:00"


async def test_preconditioning_runs_then_ends_and_programs_are_stored(remotes: Remotes) -> None:
    sim = remotes.running.sim
    car = cars(remotes)[1]
    start = {"preconditioning": {"airConditioning": {"immediate": True}}}
    assert (await remotes.run(car, start))["status"] == "Success"
    assert sim.truth()[car]["preconditioning"] is True
    status = await remotes.api.json(f"/user/vehicles/{car}/status")
    assert status["preconditioning"]["airConditioning"]["status"] == "Enabled"
    assert (await remotes.run(car, start))["status"] == "AlreadyDone"
    sim.advance(1800)
    assert sim.truth()[car]["preconditioning"] is False
    status = await remotes.api.json(f"/user/vehicles/{car}/status")
    assert status["preconditioning"]["airConditioning"]["status"] == "Disabled"
    stop = {"preconditioning": {"airConditioning": {"immediate": False}}}
    assert (await remotes.run(car, stop))["status"] == "AlreadyDone"
    assert (await remotes.run(car, start))["status"] == "Success"
    assert (await remotes.run(car, stop))["status"] == "Success"
    assert sim.truth()[car]["preconditioning"] is False
    program = {
        "slot": 3,
        "enabled": True,
        "recurrence": "Daily",
        "start": "PT6H30M",
        "occurence": {"day": ["Mon", "Fri"]},
    }
    programs = {"preconditioning": {"airConditioning": {"programs": [program]}}}
    assert (await remotes.run(car, programs))["status"] == "Success"
    assert sim.truth()[car]["preconditioning_programs"] == [program]
    status = await remotes.api.json(f"/user/vehicles/{car}/status")
    assert status["preconditioning"]["airConditioning"]["programs"] == [program]
    assert (await remotes.run(car, programs))["status"] == "AlreadyDone"
    delete = {"slot": 3, "actionsType": "Delete"}
    remove = {"preconditioning": {"airConditioning": {"programs": [delete]}}}
    assert (await remotes.run(car, remove))["status"] == "Success"
    assert sim.truth()[car]["preconditioning_programs"] == []
    assert (await remotes.run(car, remove))["status"] == "AlreadyDone"


async def test_horn_lights_and_wake_up(remotes: Remotes) -> None:
    sim = remotes.running.sim
    car = cars(remotes)[0]
    sim.advance(600)
    before = sim.truth()[car]["updated_at"]
    assert (await remotes.run(car, {"horn": {"state": "Activated"}}))["status"] == "Success"
    assert (await remotes.run(car, {"lights": {"on": True}}))["status"] == "Success"
    sim.advance(600)
    sim.world.sleep(car)
    stale = sim.truth()[car]["updated_at"]
    assert stale != before
    action = await remotes.run(car, {"wakeUp": {"action": "WakeUp"}})
    assert action["status"] == "Success"
    truth = sim.truth()[car]
    assert truth["updated_at"] > stale
    # The horn woke the sleeping car (1), the lights found it awake, the wake-up woke it (2).
    assert truth["wake_ups_this_month"] == 2
    # A wake-up remote counts even when the car is awake.
    assert (await remotes.run(car, {"wakeUp": {}}))["status"] == "Success"
    assert sim.truth()[car]["wake_ups_this_month"] == 3


async def test_doors_open_and_vehicle_in_use(remotes: Remotes) -> None:
    sim = remotes.running.sim
    car = cars(remotes)[0]
    sim.world.set_doors(car, ("Driver",), locked=False)
    action = await remotes.run(car, LOCK)
    assert (action["status"], action["failureCause"]) == ("Failed", "DoorsOpen")
    sim.world.set_doors(car, (), locked=False)
    sim.start_trip(car, 600, 50)
    action = await remotes.run(car, LOCK)
    assert (action["status"], action["failureCause"]) == ("Failed", "VehicleInUse")
    start = {"preconditioning": {"airConditioning": {"immediate": True}}}
    assert (await remotes.run(car, start))["failureCause"] == "VehicleInUse"


async def test_a_running_clock_ends_commands_without_requests(
    session: aiohttp.ClientSession,
) -> None:
    async with (
        run_simulator(frozen(time_scale=30.0)) as running,
        remotes_client(running, session) as remotes,
    ):
        car = running.sim.vehicles_of(DEMO_USER)[0]
        running.sim.world.wake_up(car)
        remote_id = await remotes.send(car, UNLOCK)
        for _ in range(100):
            if ("Done", "Success", None) in await remotes.events(remote_id):
                break
            await asyncio.sleep(0.05)
        assert (await remotes.events(remote_id))[-1] == ("Done", "Success", None)
        assert len(await remotes.events(remote_id)) == 4
