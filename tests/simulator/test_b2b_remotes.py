"""Fleet remote callbacks and remote actions: the consumer state machine, v3 messages."""

from __future__ import annotations

from typing import Any

import aiohttp

from simulator.testing import run_simulator
from tests.simulator.contract import B2B_WEBHOOK_SPEC, B2bContract, load_spec
from tests.simulator.receiver import webhook_receiver
from tests.simulator.test_b2b_helpers import B2bClient, b2b_config


def remote_callback(target: str, types: tuple[str, ...] = ("Doors", "Horn")) -> dict[str, Any]:
    """A RemoteCallbackSubscribe for a webhook with a secret header."""
    return {
        "label": "ha-remotes",
        "remoteTypes": list(types),
        "retryPolicy": {"policy": "Bounded", "retryNumber": 2, "retryDelay": 10},
        "callback": {
            "webhook": {
                "name": "ha",
                "target": target,
                "attributes": [
                    {"type": "Header", "key": "Authorization", "value": "Bearer hook-secret"},
                    {"type": "Body", "key": "type", "value": "$remoteType"},
                ],
            }
        },
    }


async def test_callback_crud(session: aiohttp.ClientSession) -> None:
    """Create (200 CallbackRef), list with remoteType, read, update, pause, delete; errors."""
    async with run_simulator(b2b_config()) as running:
        client = B2bClient(running, session)
        base = f"/fleets/{client.fleet}/remote/callbacks"
        status, ref, _ = await client.request("POST", base, remote_callback("http://127.0.0.1:9/x"))
        assert status == 200, ref
        cbid = ref["callbackId"]
        doors = await client.json(base, remoteType="Doors")
        assert [c["id"] for c in doors["_embedded"]["callbacks"]] == [cbid]
        lights = await client.json(base, remoteType="Lights")
        assert lights["total"] == 0
        assert (await client.json(f"{base}/{cbid}"))["subscribe"]["label"] == "ha-remotes"
        changed = remote_callback("http://127.0.0.1:9/y", ("Lights",))
        assert (await client.request("PUT", f"{base}/{cbid}", changed))[0] == 202
        status, body, _ = await client.request("PUT", f"{base}/{cbid}/status", {"status": "Paused"})
        assert (status, body["status"]) == (202, "Paused")
        for bad in (
            {"callback": {"webhook": {"name": "x", "target": "http://h/x"}}},
            remote_callback("http://127.0.0.1:9/x", ("Teleport",)),
        ):
            status, body, _ = await client.request("POST", base, bad)
            assert (status, body["code"]) == (400, 40000)
        assert (await client.request("DELETE", f"{base}/{cbid}"))[0] == 204
        assert (await client.request("DELETE", f"{base}/{cbid}"))[0] == 404
        assert (await client.get(f"{base}/{cbid}"))[0] == 404


async def test_remote_runs_the_state_machine_and_pushes_v3_events(
    session: aiohttp.ClientSession,
) -> None:
    """Unlock a (locked) fleet car: Pending events then Done/Success, in the v3 template's shape."""
    hooks = B2bContract(load_spec(B2B_WEBHOOK_SPEC))
    schema = hooks.spec["components"]["schemas"]["RemoteEvents"]
    async with webhook_receiver() as receiver, run_simulator(b2b_config()) as running:
        client = B2bClient(running, session)
        _, ref, _ = await client.request(
            "POST", f"/fleets/{client.fleet}/remote/callbacks", remote_callback(receiver.url)
        )
        cbid = ref["callbackId"]
        car = running.fleet_vehicles(client.fleet)[0]
        remotes = f"/fleets/{client.fleet}/vehicles/{car}/callbacks/{cbid}/remotes"
        assert running.sim.truth()[car]["locked"] is True
        status, posted, _ = await client.request("POST", remotes, {"door": {"state": "Unlocked"}})
        assert (status, posted["type"]) == (202, "Doors")
        running.sim.advance(60)
        await running.b2b.deliveries.drain()
        messages = receiver.messages()
        events = [m["events"][0] for m in messages]
        vin = running.sim.world.vehicles[car].vin
        assert {e["vin"] for e in events} == {vin}
        assert events[0]["eventStatus"] == {"type": "Pending", "status": "Accepted"}
        assert events[-1]["eventStatus"] == {"type": "Done", "status": "Success"}
        assert {m["callbackId"] for m in messages} == {cbid}
        assert messages[0]["attributes"] == [{"key": "type", "value": "Doors"}]
        assert receiver.received[0].headers["Authorization"] == "Bearer hook-secret"
        for index, item in enumerate(receiver.received):
            assert hooks.schema_violations(f"#{index}", schema, item.body) == []
        one = await client.json(f"{remotes}/{posted['remoteActionId']}")
        assert one["status"] == "Success"
        listed = await client.json(remotes)
        assert listed["total"] == 1
        assert running.sim.truth()[car]["locked"] is False
        async with session.get(f"{running.url}/_sim/b2b/truth") as response:
            truth = await response.json()
        assert truth[client.fleet][car]["remotes_received"] == {"Doors": 1}


async def test_remote_errors(session: aiohttp.ClientSession) -> None:
    """A type the callback does not take, immobilization, an unknown callback or car."""
    async with run_simulator(b2b_config()) as running:
        client = B2bClient(running, session)
        _, ref, _ = await client.request(
            "POST",
            f"/fleets/{client.fleet}/remote/callbacks",
            remote_callback("http://127.0.0.1:9/x", ("Doors",)),
        )
        car = running.fleet_vehicles(client.fleet)[0]
        base = f"/fleets/{client.fleet}/vehicles/{car}/callbacks"
        for body in ({"horn": {"state": "Activated"}}, {"immobilization": {"state": "On"}}):
            status, answer, _ = await client.request(
                "POST", f"{base}/{ref['callbackId']}/remotes", body
            )
            assert (status, answer["code"]) == (400, 40000)
        status, answer, _ = await client.request(
            "POST", f"{base}/unknown/remotes", {"door": {"state": "Locked"}}
        )
        assert (status, answer["code"]) == (404, 40400)
        assert (await client.get(f"{base}/{ref['callbackId']}/remotes/unknown"))[0] == 404


async def test_paused_callback_pushes_nothing(session: aiohttp.ClientSession) -> None:
    """The remote still runs; its events are not sent while the callback is paused."""
    async with webhook_receiver() as receiver, run_simulator(b2b_config()) as running:
        client = B2bClient(running, session)
        base = f"/fleets/{client.fleet}/remote/callbacks"
        _, ref, _ = await client.request("POST", base, remote_callback(receiver.url))
        cbid = ref["callbackId"]
        await client.request("PUT", f"{base}/{cbid}/status", {"status": "Paused"})
        car = running.fleet_vehicles(client.fleet)[0]
        remotes = f"/fleets/{client.fleet}/vehicles/{car}/callbacks/{cbid}/remotes"
        _, posted, _ = await client.request("POST", remotes, {"horn": {"state": "Activated"}})
        running.sim.advance(60)
        await running.b2b.deliveries.drain()
        assert receiver.received == []
        assert (await client.json(f"{remotes}/{posted['remoteActionId']}"))["status"] == "Success"
