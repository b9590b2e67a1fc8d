"""Who may send remotes (scopes), what the webhook receives, and a lost answer."""

from __future__ import annotations

from typing import Any

import aiohttp
import pytest

from simulator.faults import FaultSpec
from simulator.identities import DEMO_USER, mobile_client_id, mobile_client_secret
from simulator.push.store import InvalidBody
from simulator.remotes.model import AWAKE_DELAY_S, REMOTE_SCOPES
from simulator.remotes.validate import validate_remote
from simulator.testing import RunningSimulator
from tests.simulator.conftest import authorize_url, basic, code_of
from tests.simulator.remote_support import ALL_SCOPES, remotes_client
from tests.simulator.test_control import call
from tests.simulator.test_idp import exchange

HORN = {"horn": {"state": "Activated"}}
LOCK = {"door": {"state": "Locked"}}


async def test_a_token_without_the_scope_is_refused(
    running: RunningSimulator, session: aiohttp.ClientSession
) -> None:
    scope = "openid profile remote:horn:write"
    async with remotes_client(running, session, scope=scope) as remotes:
        assert remotes.api.token["scope"] == scope
        car = running.sim.vehicles_of(DEMO_USER)[0]
        response = await remotes.api.send("POST", remotes.base(car), LOCK)
        assert response.status == 403
        body = await response.json(content_type=None)
        assert body["code"] == 40300
        assert "remote:door:write" in body["message"]
        assert (await remotes.run(car, HORN))["status"] == "Success"
        assert running.sim.stats()["remotes"] == {car: {"Horn": 1}}
        listing = await remotes.api.json(remotes.base(car))
        assert listing["total"] == 1


async def test_the_partner_client_can_be_granted_a_subset(
    running: RunningSimulator, session: aiohttp.ClientSession
) -> None:
    granted = ["remote:door:write", "remote:wakeup:write"]
    status, _ = await call(running, session, "POST", "/remotes", {"partner_scopes": granted})
    assert status == 200
    async with remotes_client(running, session) as remotes:
        assert remotes.api.token["scope"] == "openid profile " + " ".join(granted)
        car = running.sim.vehicles_of(DEMO_USER)[0]
        await remotes.send(car, HORN, status=403)
        await remotes.send(car, LOCK)
        # A refresh keeps the granted scopes.
        form = {"grant_type": "refresh_token", "refresh_token": remotes.api.token["refresh_token"]}
        status, refreshed = await exchange(running, session, form)
        assert (status, refreshed["scope"]) == (200, remotes.api.token["scope"])


async def test_brand_app_logins_get_no_remote_scope(
    running: RunningSimulator, session: aiohttp.ClientSession
) -> None:
    redirect = "mymap://oauth2redirect/fr"
    client = mobile_client_id("peugeot")
    url = authorize_url(running, client_id=client, redirect_uri=redirect, scope=ALL_SCOPES)
    location = await running.login(session, url)
    form = {"grant_type": "authorization_code", "code": code_of(location), "redirect_uri": redirect}
    auth = basic(client, mobile_client_secret("peugeot"))
    status, token = await exchange(running, session, form, auth=auth)
    assert (status, token["scope"]) == (200, "openid profile")


async def test_a_partner_login_gets_every_requested_remote_scope(
    running: RunningSimulator, session: aiohttp.ClientSession
) -> None:
    async with remotes_client(running, session, scope=",".join(REMOTE_SCOPES)) as remotes:
        assert remotes.api.token["scope"] == ",".join(REMOTE_SCOPES)
        car = running.sim.vehicles_of(DEMO_USER)[0]
        assert (await remotes.run(car, LOCK))["status"] == "AlreadyDone"


async def test_a_lost_answer_still_sends_the_command_once(
    running: RunningSimulator, session: aiohttp.ClientSession
) -> None:
    async with remotes_client(running, session) as remotes:
        car = running.sim.vehicles_of(DEMO_USER)[0]
        running.sim.inject_fault(FaultSpec(kind="lost_answer", endpoint="sendRemoteToVhl"))
        response = await remotes.api.send(
            "POST", remotes.base(car), {"door": {"state": "Unlocked"}}
        )
        assert response.status == 504
        assert response.content_type == "text/html"
        running.sim.advance(AWAKE_DELAY_S + 20)
        listing = await remotes.api.json(remotes.base(car))
        [action] = listing["_embedded"]["remoteActions"]
        assert (action["type"], action["status"]) == ("Doors", "Success")
        assert running.sim.truth()[car]["locked"] is False
        assert running.sim.stats()["remotes"] == {car: {"Doors": 1}}
        assert running.sim.truth()[car]["remotes_received"] == {"Doors": 1}


async def test_a_cut_connection_still_sends_the_command_once(
    running: RunningSimulator, session: aiohttp.ClientSession
) -> None:
    async with remotes_client(running, session) as remotes:
        car = running.sim.vehicles_of(DEMO_USER)[0]
        running.sim.inject_fault(FaultSpec(kind="cut_answer", endpoint="sendRemoteToVhl"))
        with pytest.raises(aiohttp.ClientError):
            await remotes.api.send("POST", remotes.base(car), HORN)
        running.sim.advance(60)
        listing = await remotes.api.json(remotes.base(car))
        assert [a["status"] for a in listing["_embedded"]["remoteActions"]] == ["Success"]
        assert running.sim.stats()["remotes"] == {car: {"Horn": 1}}


async def test_notifications_need_a_remote_callback_and_are_retried(
    running: RunningSimulator, session: aiohttp.ClientSession
) -> None:
    car = running.sim.vehicles_of(DEMO_USER)[0]
    async with remotes_client(running, session, types=("Monitor",)) as remotes:
        assert (await remotes.run(car, HORN))["status"] == "Success"
        assert await remotes.events() == []
    async with remotes_client(running, session, types=None) as remotes:
        remotes.receiver.fail_next = 2
        running.sim.world.wake_up(car)
        await remotes.send(car, HORN)
        running.sim.advance(AWAKE_DELAY_S)
        await running.sim.push.drain()
        statuses = [m["remoteEvent"]["eventStatus"]["status"] for m in remotes.receiver.messages()]
        assert statuses == ["Accepted", "CheckingVehicle", "SentToVehicle", "Success"]
        running.sim.advance(10)  # the two failed messages come again, 10 s later
        await running.sim.push.drain()
        statuses = [m["remoteEvent"]["eventStatus"]["status"] for m in remotes.receiver.messages()]
        assert statuses[4:] == ["Accepted", "CheckingVehicle"]
        assert running.sim.stats()["deliveries"]["failed"] == 2


async def test_paused_or_deleted_callbacks_get_no_remote_events(
    running: RunningSimulator, session: aiohttp.ClientSession
) -> None:
    car = running.sim.vehicles_of(DEMO_USER)[0]
    async with remotes_client(running, session) as remotes:
        path = f"/user/callbacks/{remotes.callback}"
        assert (await remotes.api.send("PUT", f"{path}/status", {"status": "Paused"})).status == 202
        assert (await remotes.run(car, HORN))["status"] == "Success"
        assert await remotes.events() == []
        assert (
            await remotes.api.send("PUT", f"{path}/status", {"status": "Running"})
        ).status == 202
        remote_id = await remotes.send(car, HORN)
        assert (await remotes.api.send("DELETE", path)).status == 204
        running.sim.advance(60)
        assert [e[1] for e in await remotes.events(remote_id)] == ["Accepted"]


async def test_remote_attributes_are_valued(
    running: RunningSimulator, session: aiohttp.ClientSession
) -> None:
    car = running.sim.vehicles_of(DEMO_USER)[0]
    body = {
        **HORN,
        "label": "beep",
        "attributes": [{"type": "Header", "key": "X-Remote-Type", "value": "$RemoteType"}],
        "callbackAttributes": {
            "webhook": [
                {"type": "Query", "key": "status", "value": "$RemoteStatus"},
                {"type": "Body", "key": "label", "value": "$RemoteLabel"},
            ]
        },
    }
    async with remotes_client(running, session) as remotes:
        await remotes.run(car, body)
        await remotes.events()
        first, last = remotes.receiver.received[0], remotes.receiver.received[-1]
        assert first.headers["X-Remote-Type"] == "Horn"
        assert (first.query["status"], last.query["status"]) == ("Accepted", "Success")
        assert {"key": "label", "value": "beep"} in remotes.receiver.messages()[0]["attributes"]
        assert first.headers["Authorization"] == "Bearer hook-secret"


@pytest.mark.parametrize(
    "body",
    [
        {},
        [],
        {"horn": {}, "lights": {"on": True}},
        {"door": {"state": "Open"}},
        {"door": "Locked"},
        {"horn": {"state": "Loud"}},
        {"lights": {"on": "yes"}},
        {"wakeUp": {"action": "Sleep"}},
        {"charging": {"immediate": "now"}},
        {"charging": {"nextDelayedTime": "tonight"}},
        {"charging": {"nextDelayedTime": "2026-13-01T00:00:00Z"}},
        {"charging": {"schedule": {"nextDelayedTime": "2026-05-01T23:00:00"}}},
        {"charging": {"immediate": True, "preferences": {"type": "Full"}}},
        {"preconditioning": {"airConditioning": {}}},
        {"preconditioning": {"airConditioning": {"immediate": 1}}},
        {"preconditioning": {"airConditioning": {"programs": {}}}},
        {"preconditioning": {"airConditioning": {"programs": [{"slot": 5}]}}},
        {"preconditioning": {"airConditioning": {"programs": [{"slot": 1, "actionsType": "X"}]}}},
        {"preconditioning": {"airConditioning": {"programs": [{"slot": 1, "enabled": True}]}}},
        {
            "preconditioning": {
                "airConditioning": {
                    "programs": [{"slot": 1, "enabled": True, "start": "PT1H", "occurence": {}}]
                }
            }
        },
        {
            "preconditioning": {
                "airConditioning": {"programs": [{"slot": 1, "actionsType": "Delete"}] * 2}
            }
        },
        {"navigation": {"positions": []}},
        {"navigation": {"positions": [{"type": "Point", "coordinates": [0, 0]}] * 11}},
        {"navigation": {"positions": [{"type": "Polygon", "coordinates": [0, 0]}]}},
        {"navigation": {"positions": [{"type": "Point", "coordinates": [0]}]}},
        {"navigation": {"positions": [{"type": "Point", "coordinates": [0, 91]}]}},
        {"navigation": {"positions": [{"type": "Point", "coordinates": [181, 0]}]}},
        {"navigation": {"positions": [{"type": "Point", "coordinates": [True, 0]}]}},
        {
            "navigation": {
                "positions": [{"type": "Point", "coordinates": [0, 0]}],
                "driverApproval": 1,
            }
        },
        {"horn": {"state": "Activated"}, "label": 5},
        {"horn": {"state": "Activated"}, "attributes": [{"type": "Cookie"}]},
        {"horn": {"state": "Activated"}, "callbackAttributes": {"webhook": [{"key": 1}]}},
        {"horn": {"state": "Activated"}, "callbackAttributes": {"webhook": {}}},
        {"horn": {"state": "Activated"}, "callbackAttributes": []},
        {"horn": {"state": "Activated"}, "attributes": {}},
    ],
)
def test_invalid_remotes(body: Any) -> None:
    with pytest.raises(InvalidBody):
        validate_remote(body)


async def test_an_invalid_remote_is_a_400(
    running: RunningSimulator, session: aiohttp.ClientSession
) -> None:
    async with remotes_client(running, session) as remotes:
        car = running.sim.vehicles_of(DEMO_USER)[0]
        response = await remotes.api.send("POST", remotes.base(car), {"door": {"state": "Ajar"}})
        assert response.status == 400
        assert (await response.json(content_type=None))["code"] == 40000
        assert running.sim.stats()["remotes"] == {}
        assert (await remotes.api.get(f"{remotes.base(car)}/unknown")).status == 404


async def test_undelivered_remote_events_are_dropped_after_three_days(
    running: RunningSimulator, session: aiohttp.ClientSession
) -> None:
    car = running.sim.vehicles_of(DEMO_USER)[0]
    async with remotes_client(running, session) as remotes:
        remotes.receiver.fail_next = 10**6
        await remotes.run(car, HORN)
        await running.sim.push.drain()
        running.sim.advance(71 * 3600)
        await running.sim.push.drain()
        assert running.sim.stats()["deliveries"]["dropped"] == 0
        running.sim.advance(2 * 3600)
        await running.sim.push.drain()
        assert running.sim.stats()["deliveries"]["dropped"] == 5
        assert running.sim.stats()["deliveries"]["pending"] == 0
