"""Remote actions the car or the service refuses: every cause, the monthly wake-up limit."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import aiohttp
import pytest

from simulator.identities import DEMO_USER
from simulator.remotes.model import AWAKE_DELAY_S, FAILURE_CAUSES
from simulator.testing import RunningSimulator, run_simulator
from tests.simulator.conftest import frozen
from tests.simulator.remote_support import Remotes, remotes_client
from tests.simulator.test_control import call

HORN = {"horn": {"state": "Activated"}}
LOCK = {"door": {"state": "Locked"}}
WAKE_UP = {"wakeUp": {"action": "WakeUp"}}


@pytest.fixture
async def remotes(
    running: RunningSimulator, session: aiohttp.ClientSession
) -> AsyncIterator[Remotes]:
    """A client with every remote scope and a Monitor+Remote callback."""
    async with remotes_client(running, session) as client:
        yield client


async def control(remotes: Remotes, method: str, path: str, body: Any = None) -> tuple[int, Any]:
    """A ``/_sim`` request."""
    return await call(remotes.running, remotes.api.session, method, path, body)


@pytest.mark.parametrize("cause", FAILURE_CAUSES)
async def test_every_failure_cause_can_be_injected(remotes: Remotes, cause: str) -> None:
    car = remotes.running.sim.vehicles_of(DEMO_USER)[0]
    remotes.running.sim.world.wake_up(car)
    status, _ = await control(
        remotes, "POST", f"/vehicles/{car}/remote_failure", {"cause": cause, "type": "Horn"}
    )
    assert status == 201
    remote_id = await remotes.send(car, HORN)
    remotes.running.sim.advance(AWAKE_DELAY_S)
    action = await remotes.action(car, remote_id)
    assert (action["status"], action["failureCause"]) == ("Failed", cause)
    assert await remotes.events(remote_id) == [
        ("Pending", "Accepted", None),
        ("Pending", "CheckingVehicle", None),
        ("Done", "Failed", cause),
    ]
    assert (await remotes.run(car, HORN))["status"] == "Success"


async def test_injection_counts_and_types(remotes: Remotes) -> None:
    car = remotes.running.sim.vehicles_of(DEMO_USER)[0]
    body = {"cause": "VehicleInUse", "count": 2, "type": "Doors"}
    assert (await control(remotes, "POST", f"/vehicles/{car}/remote_failure", body))[0] == 201
    assert (await remotes.run(car, HORN))["status"] == "Success"
    assert (await remotes.run(car, LOCK))["failureCause"] == "VehicleInUse"
    assert (await remotes.run(car, LOCK))["failureCause"] == "VehicleInUse"
    assert (await remotes.run(car, LOCK))["status"] == "AlreadyDone"
    any_type = {"cause": "VehicleConnectionTimeout"}
    assert (await control(remotes, "POST", f"/vehicles/{car}/remote_failure", any_type))[0] == 201
    assert (await control(remotes, "DELETE", f"/vehicles/{car}/remote_failure"))[0] == 200
    assert (await remotes.run(car, HORN))["status"] == "Success"


@pytest.mark.parametrize(
    ("path", "body", "expected"),
    [
        ("/vehicles/{car}/remote_failure", {"cause": "Bored"}, 400),
        ("/vehicles/{car}/remote_failure", {"cause": "VehicleInUse", "type": "Hover"}, 400),
        ("/vehicles/{car}/remote_failure", {"cause": "VehicleInUse", "count": 0}, 400),
        ("/vehicles/{car}/remote_failure", {"cause": "VehicleInUse", "when": 1}, 400),
        ("/vehicles/nope/remote_failure", {"cause": "VehicleInUse"}, 404),
        ("/vehicles/{car}/remote_failure", [1], 400),
        ("/remotes", {"wake_up_limit": -1}, 400),
        ("/remotes", {"partner_scopes": ["data:position"]}, 400),
        ("/remotes", {"limit": 3}, 400),
        ("/vehicles/{car}/doors", {"open": ["Roof"]}, 400),
        ("/vehicles/{car}/doors", {"open": [], "locked": "yes"}, 400),
        ("/vehicles/nope/doors", {"open": []}, 404),
        ("/vehicles/nope/sleep", None, 404),
    ],
)
async def test_bad_remote_controls_are_refused(
    remotes: Remotes, path: str, body: Any, expected: int
) -> None:
    car = remotes.running.sim.vehicles_of(DEMO_USER)[0]
    status, answer = await control(remotes, "POST", path.format(car=car), body)
    assert status == expected
    assert answer["ok"] is False
    assert (await control(remotes, "DELETE", "/vehicles/nope/remote_failure"))[0] == 404


async def test_privacy_and_low_batteries(remotes: Remotes) -> None:
    sim = remotes.running.sim
    thermic, electric, _ = sim.vehicles_of(DEMO_USER)
    assert (await control(remotes, "POST", f"/vehicles/{thermic}/privacy", {"state": "Full"}))[
        0
    ] == 200
    action = await remotes.run(thermic, HORN)
    assert action["failureCause"] == "NotPossibleDueToVehiclePrivacyLevel"
    sim.privacy(thermic, "Geolocation")
    assert (await remotes.run(thermic, HORN))["status"] == "Success"
    car = sim.world.vehicles[electric]
    car.soc_pct, car.plugged, car.charging_status = 3.0, True, "Stopped"
    remote_id = await remotes.send(electric, HORN)
    sim.advance(AWAKE_DELAY_S + 20)
    action = await remotes.action(electric, remote_id)
    assert (action["status"], action["failureCause"]) == (
        "Failed",
        "NotPossibleDueToVehicleBatteryLevel",
    )
    assert [e[1] for e in await remotes.events(remote_id)][-3:] == [
        "CheckingVehicle",
        "VehicleBatteryChargeTooLow",
        "Failed",
    ]
    precondition = {"preconditioning": {"airConditioning": {"immediate": True}}}
    action = await remotes.run(electric, precondition)
    assert action["failureCause"] == "NotPossibleDueToVehicleBatteryLevel"
    assert (await remotes.run(electric, {"charging": {"immediate": True}}))["status"] == "Success"


async def test_wake_up_limit_refuses_until_the_next_month(session: aiohttp.ClientSession) -> None:
    start = datetime(2026, 5, 31, 23, 58, tzinfo=UTC)
    async with (
        run_simulator(frozen(start_time=start)) as running,
        remotes_client(running, session) as remotes,
    ):
        sim = running.sim
        car = sim.vehicles_of(DEMO_USER)[0]
        status, settings = await control(remotes, "POST", "/remotes", {"wake_up_limit": 2})
        assert (status, settings["wake_up_limit"]) == (200, 2)
        assert (await control(remotes, "GET", "/remotes"))[1]["delays_s"]["awake"] == AWAKE_DELAY_S
        assert (await remotes.run(car, WAKE_UP, 30))["status"] == "Success"
        assert (await remotes.run(car, WAKE_UP, 30))["status"] == "Success"
        assert sim.truth()[car]["wake_ups_this_month"] == 2
        # An awake car takes a lock without waking up: not counted, not refused.
        assert (await remotes.run(car, LOCK, 10))["status"] == "AlreadyDone"
        remote_id = await remotes.send(car, WAKE_UP)
        sim.advance(10)
        action = await remotes.action(car, remote_id)
        assert (action["status"], action["failureCause"]) == ("Failed", "TooManyWakeUpsOverMonth")
        assert await remotes.events(remote_id) == [
            ("Pending", "Accepted", None),
            ("Pending", "TooManyWakeUpsOverMonth", None),
            ("Done", "Failed", "TooManyWakeUpsOverMonth"),
        ]
        sim.world.sleep(car)
        assert (await remotes.run(car, HORN, 30))["failureCause"] == "TooManyWakeUpsOverMonth"
        assert sim.now() < datetime(2026, 6, 1, tzinfo=UTC)
        sim.advance(60)
        assert sim.now() > datetime(2026, 6, 1, tzinfo=UTC)
        assert sim.truth()[car]["wake_ups_this_month"] == 0
        assert (await remotes.run(car, WAKE_UP, 30))["status"] == "Success"
        assert sim.truth()[car]["wake_ups_this_month"] == 1


async def test_a_car_removed_mid_command_ends_it(remotes: Remotes) -> None:
    sim = remotes.running.sim
    car = sim.vehicles_of(DEMO_USER)[0]
    remote_id = await remotes.send(car, HORN)
    sim.remove_vehicle(car)
    sim.advance(AWAKE_DELAY_S)
    record = sim.remotes.records[remote_id]
    assert (record.status, record.failure) == ("Failed", "VehicleConnectionTimeout")
    assert sim.remotes.next_due() is None


async def test_doors_and_sleep_through_the_control_api(remotes: Remotes) -> None:
    sim = remotes.running.sim
    car = sim.vehicles_of(DEMO_USER)[0]
    body = {"open": ["Driver", "Trunk"]}
    assert (await control(remotes, "POST", f"/vehicles/{car}/doors", body))[0] == 200
    truth = sim.truth()[car]
    assert (truth["open_doors"], truth["locked"]) == (["Driver", "Trunk"], False)
    assert (await remotes.run(car, LOCK))["failureCause"] == "DoorsOpen"
    assert (await control(remotes, "POST", f"/vehicles/{car}/doors", {"open": []}))[0] == 200
    assert (sim.truth()[car]["open_doors"], sim.truth()[car]["locked"]) == ([], True)
    assert (await control(remotes, "POST", f"/vehicles/{car}/sleep"))[0] == 200
    assert sim.truth()[car]["asleep"] is True
    async with remotes.api.session.post(
        f"{remotes.running.url}/_sim/vehicles/{car}/doors", data=b"{nope"
    ) as response:
        assert response.status == 400
