"""Fleet monitors: CRUD and deliveries in the v3 webhook template's format, with retries."""

from __future__ import annotations

from typing import Any

import aiohttp

from simulator.testing import run_simulator
from tests.simulator.contract import B2B_WEBHOOK_SPEC, B2bContract, load_spec
from tests.simulator.receiver import webhook_receiver
from tests.simulator.test_b2b_helpers import B2bClient, b2b_config


def fleet_monitor(
    target: str, retry: dict[str, Any] | None = None, *, moving: bool = True
) -> dict[str, Any]:
    """A monitor on every car of the fleet: alerts (and moving), with a secret header."""
    subscribe: dict[str, Any] = {
        "callback": {
            "webhook": {
                "name": "ha",
                "target": target,
                "attributes": [
                    {"type": "Header", "key": "Authorization", "value": "Bearer hook-secret"},
                    {"type": "Query", "key": "car", "value": "$vin"},
                    {"type": "Body", "key": "fleet", "value": "$fleetID"},
                ],
            }
        },
        "refreshEvent": 600,
    }
    if retry is not None:
        subscribe["retryPolicy"] = retry
    triggers = [{"name": "alert", "data": {"data": "vehicle.alert", "op": "onChange"}}]
    if moving:
        triggers.append(
            {"name": "moving", "data": {"data": "vehicle.kinetic.moving", "op": "onChange"}}
        )
    return {
        "label": "fleet-watch",
        "subscribeParam": subscribe,
        "extendedEventParam": ["vehicle.status", "vehicle.alerts"],
        "triggerParam": {
            "triggers": triggers,
            "boolExp": "alert | moving" if moving else "alert",
        },
    }


async def test_monitor_crud(session: aiohttp.ClientSession) -> None:
    """Create (202), list, read, pause, update, delete (204), then 404; bad bodies 400."""
    async with run_simulator(b2b_config()) as running:
        client = B2bClient(running, session)
        base = f"/fleets/{client.fleet}/monitors"
        status, ref, _ = await client.request("POST", base, fleet_monitor("http://127.0.0.1:9/x"))
        assert status == 202, ref
        monitor_id = ref["monitorId"]
        listed = await client.json(base)
        assert [m["monitorId"] for m in listed["_embedded"]["monitors"]] == [monitor_id]
        one = await client.json(f"{base}/{monitor_id}")
        assert one["monitor"]["label"] == "fleet-watch"
        status, paused, _ = await client.request(
            "PUT", f"{base}/{monitor_id}/status", {"status": "Paused"}
        )
        assert (status, paused["status"]) == (202, "Paused")
        changed = fleet_monitor("http://127.0.0.1:9/y")
        status, _, _ = await client.request("PUT", f"{base}/{monitor_id}", changed)
        assert status == 202
        assert (await client.json(f"{base}/{monitor_id}"))["monitor"]["subscribeParam"]["callback"][
            "webhook"
        ]["target"].endswith("/y")
        for bad in (
            {"label": "x"},
            # seed 000's older form (subscribe and trigger ids) is not the v3.19 contract
            {"subscribe": {"subscribe": {"id": 7192522216439808}}, "trigger": {"id": 971050}},
            fleet_monitor("http://127.0.0.1:9/x", {"policy": "Sometimes"}),
            fleet_monitor("http://127.0.0.1:9/x", {"policy": "Bounded", "retryNumber": 0}),
            {**fleet_monitor("http://127.0.0.1:9/x"), "subscribeParam": None},
            {
                **fleet_monitor("http://127.0.0.1:9/x"),
                "subscribeParam": {"callback": {"websocket": {"target": "ws://h"}}},
            },
        ):
            status, body, _ = await client.request("POST", base, bad)
            assert (status, body["code"]) == (400, 40000)
        status, _, _ = await client.request("DELETE", f"{base}/{monitor_id}")
        assert status == 204
        status, _, _ = await client.request("DELETE", f"{base}/{monitor_id}")
        assert status == 404
        status, body = await client.get(f"{base}/{monitor_id}")
        assert (status, body["code"]) == (404, 40400)


async def test_monitor_delivers_v3_messages(session: aiohttp.ClientSession) -> None:
    """An alert on a fleet car reaches the webhook once, in the v3 template's shape."""
    hooks = B2bContract(load_spec(B2B_WEBHOOK_SPEC))
    schema = hooks.spec["components"]["schemas"]["MonitorEvents"]
    async with webhook_receiver() as receiver, run_simulator(b2b_config()) as running:
        client = B2bClient(running, session)
        status, ref, _ = await client.request(
            "POST", f"/fleets/{client.fleet}/monitors", fleet_monitor(receiver.url)
        )
        assert status == 202
        car = running.fleet_vehicles(client.fleet)[1]
        running.sim.raise_alert(car, "OilLevelLow", "Warning")
        await running.b2b.deliveries.drain()
        assert len(receiver.received) == 1
        item = receiver.received[0]
        message = receiver.messages()[0]
        vin = running.sim.world.vehicles[car].vin
        assert item.headers["Authorization"] == "Bearer hook-secret"
        assert item.query == {"car": vin}
        assert message["monitorId"] == ref["monitorId"]
        assert message["attributes"] == [{"key": "fleet", "value": client.fleet}]
        (event,) = message["events"]
        assert (event["fleetId"], event["vin"], event["refresh"]) == (client.fleet, vin, False)
        assert event["values"][0]["data"] == "vehicle.alert"
        assert "OilLevelLow" in event["values"][0]["value"]["body"]["literalValue"]
        status_ext = next(e for e in event["extensions"] if e["type"] == "vehicle.status")
        assert status_ext["body"]["status"]["vin"] == vin
        assert hooks.schema_violations("webhook", schema, item.body) == []
        # A car of another account or fleet raises nothing here.
        other = running.sim.vehicles_of("demo@example.com")[0]
        running.sim.raise_alert(other, "OilLevelLow", "Warning")
        await running.b2b.deliveries.drain()
        assert len(receiver.received) == 1


async def test_paused_monitor_sends_nothing(session: aiohttp.ClientSession) -> None:
    """Paused: no message; running again: the next change is delivered."""
    async with webhook_receiver() as receiver, run_simulator(b2b_config()) as running:
        client = B2bClient(running, session)
        base = f"/fleets/{client.fleet}/monitors"
        _, ref, _ = await client.request("POST", base, fleet_monitor(receiver.url))
        mid = ref["monitorId"]
        await client.request("PUT", f"{base}/{mid}/status", {"status": "Paused"})
        first, second = running.fleet_vehicles(client.fleet)[:2]
        running.sim.raise_alert(first, "OilLevelLow", "Warning")
        await running.b2b.deliveries.drain()
        assert receiver.received == []
        await client.request("PUT", f"{base}/{mid}/status", {"status": "Running"})
        running.sim.raise_alert(second, "EngineOilPressureFailure", "Critical")
        await running.b2b.deliveries.drain()
        assert len(receiver.received) == 1


async def _deliveries_with(
    session: aiohttp.ClientSession, retry: dict[str, Any] | None, failures: int
) -> tuple[int, int]:
    """(attempts the receiver saw, messages dropped) after 4 days of simulated time."""
    async with webhook_receiver() as receiver, run_simulator(b2b_config()) as running:
        receiver.fail_next = failures
        client = B2bClient(running, session)
        await client.request(
            "POST",
            f"/fleets/{client.fleet}/monitors",
            fleet_monitor(receiver.url, retry, moving=False),
        )
        running.sim.raise_alert(running.fleet_vehicles(client.fleet)[0], "OilLevelLow", "Warning")
        await running.b2b.deliveries.drain()
        for _ in range(8):
            running.sim.advance(30)
            await running.b2b.deliveries.drain()
        running.sim.advance(4 * 86_400)
        await running.b2b.deliveries.drain()
        return len(receiver.received), running.sim.stats()["deliveries"]["dropped"]


async def test_retry_policies(session: aiohttp.ClientSession) -> None:
    """None: one try; Bounded 3: three; Always: until it succeeds."""
    assert await _deliveries_with(session, {"policy": "None"}, failures=5) == (1, 1)
    bounded = {"policy": "Bounded", "retryNumber": 3, "retryDelay": 10}
    assert await _deliveries_with(session, bounded, failures=5) == (3, 1)
    always = {"policy": "Always", "retryDelay": 20}
    assert await _deliveries_with(session, always, failures=5) == (6, 0)


async def test_batch_notify_gathers_events(session: aiohttp.ClientSession) -> None:
    """batchNotify size 2: two cars' alerts in one POST; a lone event leaves after the window."""
    async with webhook_receiver() as receiver, run_simulator(b2b_config()) as running:
        client = B2bClient(running, session)
        monitor = fleet_monitor(receiver.url, moving=False)
        # $vin as a query parameter would split the batch: keep only the header and body ones.
        hook = monitor["subscribeParam"]["callback"]["webhook"]
        hook["attributes"] = [a for a in hook["attributes"] if a["type"] != "Query"]
        monitor["subscribeParam"]["batchNotify"] = {"size": 2, "timeWindow": 30}
        status, _, _ = await client.request("POST", f"/fleets/{client.fleet}/monitors", monitor)
        assert status == 202
        first, second, third = running.fleet_vehicles(client.fleet)
        running.sim.raise_alert(first, "OilLevelLow", "Warning")
        await running.b2b.deliveries.drain()
        assert receiver.received == []
        running.sim.raise_alert(second, "OilLevelLow", "Warning")
        await running.b2b.deliveries.drain()
        assert [len(m["events"]) for m in receiver.messages()] == [2]
        running.sim.raise_alert(third, "OilLevelLow", "Warning")
        await running.b2b.deliveries.drain()
        assert len(receiver.received) == 1
        running.sim.advance(31)
        await running.b2b.deliveries.drain()
        assert [len(m["events"]) for m in receiver.messages()] == [2, 1]
        vins = [e["vin"] for m in receiver.messages() for e in m["events"]]
        assert vins == [running.sim.world.vehicles[v].vin for v in (first, second, third)]
        bad = fleet_monitor(receiver.url)
        bad["subscribeParam"]["batchNotify"] = {"timeWindow": 30}
        status, body, _ = await client.request("POST", f"/fleets/{client.fleet}/monitors", bad)
        assert (status, body["code"]) == (400, 40000)
