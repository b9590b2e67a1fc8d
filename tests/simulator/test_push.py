"""Monitors and callbacks: what gets pushed, when, and the retry policy."""

from __future__ import annotations

from typing import Any

import pytest

from simulator.identities import DEMO_USER
from simulator.push.boolexp import BoolExpError, evaluate, parse_boolexp
from simulator.push.store import (
    InvalidBody,
    validate_callback,
    validate_monitor,
)
from tests.simulator.conftest import Api
from tests.simulator.receiver import Receiver, webhook_receiver
from tests.simulator.test_contract import webhook


def monitor(*triggers: dict[str, Any], expression: str = "t", **extra: Any) -> dict[str, Any]:
    """A MonitorParameter."""
    return {
        "label": "watch",
        "triggerParam": {"triggers": list(triggers), "boolExp": expression},
        **extra,
    }


def data(name: str, op: str, *values: str, trigger: str = "t") -> dict[str, Any]:
    """A data trigger."""
    return {"name": trigger, "data": {"data": name, "op": op, "value": list(values)}}


async def setup_callback(api: Api, receiver: Receiver) -> str:
    """Register the receiver as a webhook callback."""
    response = await api.send("POST", "/user/callbacks", webhook(receiver.url))
    assert response.status == 200
    callback_id: str = (await response.json())["callbackId"]
    return callback_id


async def add_monitor(api: Api, vehicle: str, callback: str, body: dict[str, Any]) -> str:
    """Create a monitor; returns its id."""
    response = await api.send(
        "POST", f"/user/vehicles/{vehicle}/callbacks/{callback}/monitors", body
    )
    assert response.status == 202, await response.text()
    monitor_id: str = (await response.json())["monitorId"]
    return monitor_id


async def test_trip_start_is_pushed_with_the_declared_attributes(api: Api) -> None:
    sim = api.running.sim
    vehicle = sim.vehicles_of(DEMO_USER)[0]
    async with webhook_receiver() as receiver:
        callback = await setup_callback(api, receiver)
        body = monitor(
            data("vehicle.trip.start", "onChange"),
            extendedEventParam=["vehicle.status", "vehicle.maintenance", "vehicle.doorsState"],
            attributes=[{"type": "Body", "key": "monitor", "value": "$MonitorLabel"}],
        )
        monitor_id = await add_monitor(api, vehicle, callback, body)
        sim.start_trip(vehicle, 600, 50)
        await sim.push.drain()
        assert len(receiver.received) == 1
        received = receiver.received[0]
        assert received.headers["Authorization"] == "Bearer hook-secret"
        assert received.headers["X-Vehicle-Id"] == sim.truth()[vehicle]["vin"]
        assert received.query == {"source": "sim"}
        message = receiver.messages()[0]
        assert message["type"] == "Monitor"
        assert message["callbackId"] == callback
        assert {"key": "label", "value": "home-assistant"} in message["attributes"]
        assert {"key": "monitor", "value": "watch"} in message["attributes"]
        event = message["monitorEvent"]
        assert event["monitorId"] == monitor_id
        assert event["refresh"] is False
        assert event["values"][0]["data"] == "vehicle.trip.start"
        assert event["values"][0]["value"]["body"]["literalValue"] == "true"
        types = [e["type"] for e in event["extensions"]]
        assert types == ["vehicle.status", "vehicle.maintenance", "vehicle.doorsState"]
        assert sim.stats()["deliveries"]["succeeded"] == 1


async def test_retry_every_ten_sim_seconds(api: Api) -> None:
    sim = api.running.sim
    vehicle = sim.vehicles_of(DEMO_USER)[0]
    async with webhook_receiver() as receiver:
        receiver.fail_next = 2
        callback = await setup_callback(api, receiver)
        await add_monitor(api, vehicle, callback, monitor(data("vehicle.alert", "onChange")))
        sim.raise_alert(vehicle, "OilLevelLow", "Warning")
        await sim.push.drain()
        assert len(receiver.received) == 1
        sim.advance(5)
        await sim.push.drain()
        assert len(receiver.received) == 1
        sim.advance(5)
        await sim.push.drain()
        assert len(receiver.received) == 2
        sim.advance(10)
        await sim.push.drain()
        assert len(receiver.received) == 3
        assert sim.stats()["deliveries"] == {
            "attempts": 3,
            "succeeded": 1,
            "failed": 2,
            "dropped": 0,
            "pending": 0,
        }
        alert_values = receiver.messages()[-1]["monitorEvent"]["values"][0]
        assert alert_values["value"]["body"]["literalValue"] == "AddWasherFluid,OilLevelLow"


async def test_messages_are_dropped_after_three_days(api: Api) -> None:
    sim = api.running.sim
    vehicle = sim.vehicles_of(DEMO_USER)[0]
    async with webhook_receiver() as receiver:
        receiver.fail_next = 10**6
        callback = await setup_callback(api, receiver)
        await add_monitor(api, vehicle, callback, monitor(data("vehicle.alert", "onChange")))
        sim.raise_alert(vehicle, "OilLevelLow", "Warning")
        await sim.push.drain()
        sim.advance(73 * 3600)
        await sim.push.drain()
        assert sim.stats()["deliveries"]["dropped"] == 1
        assert sim.stats()["deliveries"]["pending"] == 0


async def test_unreachable_target_counts_as_failure(api: Api) -> None:
    sim = api.running.sim
    vehicle = sim.vehicles_of(DEMO_USER)[0]
    async with webhook_receiver() as receiver:
        dead = receiver.url
    callback_body = webhook(dead)
    response = await api.send("POST", "/user/callbacks", callback_body)
    callback = (await response.json())["callbackId"]
    await add_monitor(api, vehicle, callback, monitor(data("vehicle.alert", "onChange")))
    sim.raise_alert(vehicle, "OilLevelLow", "Warning")
    await sim.push.drain()
    assert sim.stats()["deliveries"]["failed"] == 1


async def test_refresh_events_and_zone_trigger(api: Api) -> None:
    sim = api.running.sim
    vehicle = sim.vehicles_of(DEMO_USER)[0]
    home = sim.truth()[vehicle]
    zone = {
        "name": "home",
        "zone": {
            "transition": "In",
            "place": {
                "radius": 1,
                "center": {"latitude": home["latitude"], "longitude": home["longitude"]},
            },
        },
    }
    async with webhook_receiver() as receiver:
        callback = await setup_callback(api, receiver)
        body = monitor(
            zone,
            data("vehicle.kinetic.moving", "equalsTo", "false", trigger="parked"),
            expression="home & parked",
            subscribeParam={"refreshEvent": 60},
        )
        await add_monitor(api, vehicle, callback, body)
        sim.world.wake_up(vehicle)
        await sim.push.drain()
        assert [m["monitorEvent"]["refresh"] for m in receiver.messages()] == [False]
        sim.advance(30)
        sim.world.wake_up(vehicle)
        await sim.push.drain()
        assert len(receiver.received) == 1
        sim.advance(40)
        sim.world.wake_up(vehicle)
        await sim.push.drain()
        assert [m["monitorEvent"]["refresh"] for m in receiver.messages()] == [False, True]


async def test_paused_callback_and_monitor_do_not_push(api: Api) -> None:
    sim = api.running.sim
    vehicle = sim.vehicles_of(DEMO_USER)[0]
    async with webhook_receiver() as receiver:
        callback = await setup_callback(api, receiver)
        monitor_id = await add_monitor(
            api, vehicle, callback, monitor(data("vehicle.alert", "onChange"))
        )
        base = f"/user/vehicles/{vehicle}/callbacks/{callback}/monitors/{monitor_id}"
        assert (await api.send("PUT", f"{base}/status", {"status": "Paused"})).status == 202
        sim.raise_alert(vehicle, "OilLevelLow", "Warning")
        await sim.push.drain()
        assert receiver.received == []
        assert (await api.send("PUT", f"{base}/status", {"status": "Running"})).status == 202
        status = {"status": "Paused"}
        assert (await api.send("PUT", f"/user/callbacks/{callback}/status", status)).status == 202
        sim.raise_alert(vehicle, "RiskOfIce", "Information")
        await sim.push.drain()
        assert receiver.received == []
        assert (await api.send("PUT", f"{base}/status", {"status": "Nope"})).status == 400


@pytest.mark.parametrize(
    ("trigger", "fires"),
    [
        (data("vehicle.energy.fuel.level", "lowerThan", "100"), True),
        (data("vehicle.energy.fuel.level", "greaterThan", "100"), False),
        (data("vehicle.energy.fuel.level", "greaterThan", "abc"), False),
        (data("vehicle.energy.electric.level", "greaterThan", "1"), False),
        (data("vehicle.doorsState.lockedState", "equalsTo", "Locked"), True),
        (data("privacy.state", "includedIn", "Geolocation", "None"), True),
        (data("vehicle.alert", "includedIn", "AddWasherFluid"), True),
        (data("vehicle.alert", "equalsTo", "EngineFault"), False),
        (data("vehicle.odometer", "onChange"), False),
    ],
)
async def test_data_trigger_operators(api: Api, trigger: dict[str, Any], fires: bool) -> None:
    sim = api.running.sim
    vehicle = sim.vehicles_of(DEMO_USER)[0]
    async with webhook_receiver() as receiver:
        callback = await setup_callback(api, receiver)
        await add_monitor(api, vehicle, callback, monitor(trigger))
        sim.world.wake_up(vehicle)
        await sim.push.drain()
        assert bool(receiver.received) is fires


async def test_callback_and_monitor_crud(api: Api) -> None:
    vehicle = api.running.sim.vehicles_of(DEMO_USER)[0]
    async with webhook_receiver() as receiver:
        callback = await setup_callback(api, receiver)
        listing = await api.json("/user/callbacks", types="Remote")
        assert [c["id"] for c in listing["_embedded"]["callbacks"]] == [callback]
        single = await api.json(f"/user/callbacks/{callback}")
        assert single["status"] == "Running"
        assert (await api.send("PUT", f"/user/callbacks/{callback}", {"nope": 1})).status == 400
        ids = [
            await add_monitor(api, vehicle, callback, monitor(data("vehicle.alert", "onChange")))
            for _ in range(5)
        ]
        base = f"/user/vehicles/{vehicle}/callbacks/{callback}/monitors"
        extra = monitor(data("vehicle.alert", "onChange"))
        response = await api.send("POST", base, extra)
        assert response.status == 400
        assert (await api.send("PUT", f"{base}/{ids[0]}", {"label": "x"})).status == 400
        assert (await api.send("PUT", f"{base}/{ids[0]}", extra)).status == 202
        assert (await api.send("DELETE", f"{base}/{ids[0]}")).status == 204
        assert (await api.get(f"{base}/{ids[0]}")).status == 404
        assert (await api.get("/user/callbacks", pageSize="0")).status == 400
        assert (await api.send("POST", "/user/callbacks", None)).status == 400
        async with api.session.post(
            f"{api.running.api_base}/user/callbacks",
            data=b"{not json",
            headers=api.headers,
            params={"client_id": api.client_id},
        ) as response:
            assert response.status == 400
        assert (await api.send("DELETE", f"/user/callbacks/{callback}")).status == 204
        assert api.running.sim.push.monitors == {}
        assert (await api.get(f"/user/callbacks/{callback}")).status == 404


def test_boolexp() -> None:
    names = {"a", "b", "c"}
    tree = parse_boolexp("(a & !b) | c", names)
    assert evaluate(tree, {"a": True, "b": False, "c": False})
    assert not evaluate(tree, {"a": True, "b": True, "c": False})
    assert evaluate(tree, {"c": True})
    for bad in ("a &", "a & d", "(a", "a b", "a $ b", "&a", ")"):
        with pytest.raises(BoolExpError):
            parse_boolexp(bad, names)


@pytest.mark.parametrize(
    "body",
    [
        [],
        {"callback": {"webhook": {"name": "x"}}},
        {"callback": {"webhook": {"target": "https://x"}}},
        {
            "callback": {
                "webhook": {"name": "x", "target": "https://x", "attributes": [{"type": "X"}]}
            }
        },
        {"callback": {"webhook": {"name": "x", "target": "https://x"}}, "type": ["Other"]},
        {"callback": {"webhook": {"name": "x", "target": "https://x"}}, "label": 3},
        {"callback": {"webhook": {}, "pushnotif": {}}},
        {
            "callback": {
                "webhook": {
                    "name": "x",
                    "target": "https://x",
                    "attributes": [{"type": "Header", "key": 1, "value": "v"}],
                }
            }
        },
    ],
)
def test_invalid_callbacks(body: Any) -> None:
    with pytest.raises(InvalidBody):
        validate_callback(body)


def test_push_notification_callback_is_accepted() -> None:
    assert validate_callback({"callback": {"pushnotif": {"devices": ["x"]}}})


@pytest.mark.parametrize(
    "body",
    [
        {"triggerParam": {}},
        {"label": "x", "triggerParam": {"triggers": [], "boolExp": "t"}},
        {"label": "x", "triggerParam": {"triggers": [{"name": "t"}], "boolExp": "t"}},
        {"label": "x", "triggerParam": {"triggers": [{"name": "t-t", "time": {}}], "boolExp": "t"}},
        {"label": "x", "triggerParam": {"triggers": [data("a", "op")], "boolExp": "t"}},
        {"label": "x", "triggerParam": {"triggers": [data("a", "onChange")] * 2, "boolExp": "t"}},
        {"label": "x", "triggerParam": {"triggers": [data("a", "onChange")]}},
        {"label": "x", "triggerParam": {"triggers": [data("a", "onChange")], "boolExp": "t &"}},
        {
            "label": "x",
            "triggerParam": {
                "triggers": [{"name": "t", "zone": {"transition": "In", "place": {"center": {}}}}],
                "boolExp": "t",
            },
        },
        {
            "label": "x",
            "triggerParam": {
                "triggers": [
                    {
                        "name": "t",
                        "zone": {
                            "transition": "Up",
                            "place": {"radius": 1, "center": {"latitude": 1, "longitude": 2}},
                        },
                    }
                ],
                "boolExp": "t",
            },
        },
        monitor(data("a", "onChange"), subscribeParam={"refreshEvent": 10}),
        monitor(data("a", "onChange"), attributes=[{"type": "Body"}]),
    ],
)
def test_invalid_monitors(body: Any) -> None:
    with pytest.raises(InvalidBody):
        validate_monitor(body)


def test_time_trigger_is_accepted() -> None:
    body = monitor({"name": "t", "time": {"times": [{"start": "PT8H", "recurrence": "Daily"}]}})
    assert validate_monitor(body)
