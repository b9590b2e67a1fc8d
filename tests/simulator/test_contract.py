"""Every body the simulator serves validates against the v4 B2C specification."""

from __future__ import annotations

import json
from typing import Any

import aiohttp
import pytest
from yarl import URL

from simulator.config import SCENARIOS
from simulator.identities import DEMO_USER, OTHER_USER
from simulator.remotes.model import REMOTE_SCOPES
from simulator.testing import RunningSimulator, run_simulator
from tests.simulator.conftest import Api, frozen, token_for
from tests.simulator.contract import WEBHOOK_SPEC, Contract, Recorded, load_spec
from tests.simulator.receiver import webhook_receiver


class Crawler:
    """Follows HAL links from ``/user`` and records every exchange."""

    def __init__(self, api: Api) -> None:
        self.api = api
        self.recorded: list[Recorded] = []
        self.seen: set[str] = set()

    async def fetch(self, method: str, url: str | URL, body: Any = None) -> Any:
        """Request ``url`` (absolute, or relative to the API root) and record it."""
        target = (
            URL(str(url))
            if str(url).startswith("http")
            else URL(self.api.running.api_base + str(url))
        )
        if "client_id" not in target.query:
            target = target.update_query(client_id=self.api.client_id)
        async with self.api.session.request(
            method, target, headers=self.api.headers, json=body
        ) as response:
            raw = await response.read()
            self.recorded.append(
                Recorded(method, target.path, response.status, response.content_type, raw)
            )
            if raw and response.content_type.endswith("json"):
                return await response.json(content_type=None)
            return None

    async def walk(self, url: str | URL) -> None:
        """GET a resource once and follow its ``_links`` within the API."""
        key = str(url)
        if key in self.seen or len(self.seen) > 400:
            return
        self.seen.add(key)
        document = await self.fetch("GET", url)
        for href in hrefs(document):
            if "/connectedcar/v4/" in href:
                await self.walk(href)


def hrefs(node: Any) -> list[str]:
    """Every ``href`` in a document."""
    found: list[str] = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "href" and isinstance(value, str):
                found.append(value)
            else:
                found.extend(hrefs(value))
    elif isinstance(node, list):
        for item in node:
            found.extend(hrefs(item))
    return found


async def crawl_everything(crawler: Crawler, running: RunningSimulator) -> None:
    """Walk the API, with paging, filters, locales and error cases."""
    await crawler.walk("/user")
    await crawler.walk("/user/vehicles?pageSize=1")
    await crawler.walk("/user/vehicles?indexRange=1-&pageSize=2&extension=branding,pictures")
    for vehicle_id in running.sim.vehicles_of(DEMO_USER):
        base = f"/user/vehicles/{vehicle_id}"
        await crawler.walk(f"{base}?extension=onboardCapabilities&extension=pictures")
        await crawler.walk(f"{base}/alerts?locale=fr-FR&pageSize=1")
        await crawler.walk(f"{base}/alerts?timestamps=2026-01-01T00:00:00Z/")
        await crawler.walk(f"{base}/telemetry?extension=location&pageSize=5")
        await crawler.fetch("GET", f"{base}/alerts/unknown")
        await crawler.fetch("GET", f"{base}/collisions/unknown")
        await crawler.walk(f"{base}/collisions?pageSize=1")
        await crawler.walk(f"{base}/trips?pageSize=1")
        await crawler.walk(f"{base}/trips?timestamps=2026-01-01T00:00:00Z/&tripState=Nominal")
        await crawler.fetch("GET", f"{base}/trips/unknown")
        await crawler.fetch("GET", f"{base}/trips?tripState=Sideways")
    other = running.sim.vehicles_of(OTHER_USER)[0]
    for path in (
        "/user/vehicles/unknown/status",
        f"/user/vehicles/{other}/status",
        "/user/vehicles?pageSize=0",
        "/user/vehicles?pageToken=%%%",
        "/user/vehicles?indexRange=x",
        "/user/vehicles/x/alerts?timestamps=R5/2018-01-03T12:00:00Z/P6H",
    ):
        await crawler.fetch("GET", path)


def webhook(target: str) -> dict[str, Any]:
    """A CallbackSubscribe for a webhook with an Authorization header."""
    return {
        "label": "home-assistant",
        "type": ["Monitor", "Remote"],
        "callback": {
            "webhook": {
                "name": "ha",
                "target": target,
                "attributes": [
                    {"type": "Header", "key": "Authorization", "value": "Bearer hook-secret"},
                    {"type": "Header", "key": "X-Vehicle-Id", "value": "$vin"},
                    {"type": "Query", "key": "source", "value": "sim"},
                    {"type": "Body", "key": "label", "value": "$CallbackLabel"},
                ],
            }
        },
    }


MONITOR = {
    "label": "moving",
    "extendedEventParam": ["vehicle.status", "vehicle.alerts", "vehicle.position"],
    "subscribeParam": {"refreshEvent": 600},
    "attributes": [{"type": "Header", "key": "X-Monitor", "value": "$MonitorID"}],
    "triggerParam": {
        "triggers": [
            {"name": "m", "data": {"data": "vehicle.kinetic.moving", "op": "onChange"}},
            {"name": "a", "data": {"data": "vehicle.alert", "op": "onChange"}},
        ],
        "boolExp": "m | a",
    },
}


async def crawl_callbacks(crawler: Crawler, running: RunningSimulator, target: str) -> str:
    """Create, read, update and delete callbacks, monitors and remotes; the callback's id."""
    created = await crawler.fetch("POST", "/user/callbacks", webhook(target))
    callback_id = created["callbackId"]
    await crawler.walk("/user/callbacks")
    await crawler.walk("/user/callbacks?types=Monitor")
    await crawler.fetch("PUT", f"/user/callbacks/{callback_id}", webhook(target))
    await crawler.fetch("PUT", f"/user/callbacks/{callback_id}/status", {"status": "Running"})
    await crawler.fetch("POST", "/user/callbacks", {"callback": {}})
    await crawler.fetch("GET", "/user/callbacks/0000")
    for vehicle_id in running.sim.vehicles_of(DEMO_USER):
        base = f"/user/vehicles/{vehicle_id}/callbacks/{callback_id}"
        ref = await crawler.fetch("POST", f"{base}/monitors", MONITOR)
        assert "monitorId" in ref, ref
        monitor_id = ref["monitorId"]
        await crawler.walk(f"{base}/monitors")
        await crawler.fetch("PUT", f"{base}/monitors/{monitor_id}", MONITOR)
        await crawler.fetch("PUT", f"{base}/monitors/{monitor_id}/status", {"status": "Paused"})
        await crawler.fetch("PUT", f"{base}/monitors/{monitor_id}/status", {"status": "Running"})
        await crawler.fetch("POST", f"{base}/monitors", {"label": "x"})
        for remote in REMOTES:
            posted = await crawler.fetch("POST", f"{base}/remotes", remote)
            await crawler.walk(f"{base}/remotes/{posted['remoteActionId']}")
        await crawler.walk(f"{base}/remotes?pageSize=2")
        await crawler.fetch("POST", f"{base}/remotes", {"horn": {}})
        await crawler.fetch("GET", f"{base}/remotes/unknown")
        await crawler.fetch("GET", f"{base}/monitors/unknown")
    for vehicle_id in running.sim.vehicles_of(DEMO_USER):
        running.sim.raise_alert(vehicle_id, "OilLevelLow", "Warning")
    return str(callback_id)


REMOTES = (
    {"door": {"state": "Unlocked"}, "label": "unlock"},
    {"door": {"state": "Locked"}},
    {"charging": {"immediate": True, "schedule": {"nextDelayedTime": "2026-05-02T23:00:00Z"}}},
    {"horn": {"state": "Activated"}},
    {"lights": {"on": True}},
    {"wakeUp": {"action": "WakeUp"}},
    {"navigation": {"positions": [{"type": "Point", "coordinates": [2.35, 48.85]}]}},
    {
        "preconditioning": {
            "airConditioning": {
                "immediate": True,
                "programs": [
                    {
                        "slot": 2,
                        "enabled": True,
                        "recurrence": "Daily",
                        "start": "PT6H45M",
                        "occurence": {"day": ["Sat"]},
                    }
                ],
            }
        }
    },
)
"""One remote of each type (the second door remote meets SameActionInProgress)."""


async def crawl_remotes(crawler: Crawler, running: RunningSimulator, callback_id: str) -> None:
    """Every car's remotes, once they have all ended (the navigation sent again: AlreadyDone)."""
    running.sim.advance(60)
    for vehicle_id in running.sim.vehicles_of(DEMO_USER):
        base = f"/user/vehicles/{vehicle_id}/callbacks/{callback_id}/remotes"
        await crawler.fetch("POST", base, REMOTES[-2])
    running.sim.remotes.wake_up_limit = 0  # a sleeping car refuses: TooManyWakeUpsOverMonth
    for vehicle_id in running.sim.vehicles_of(DEMO_USER)[:1]:
        running.sim.world.sleep(vehicle_id)
        base = f"/user/vehicles/{vehicle_id}/callbacks/{callback_id}/remotes"
        await crawler.fetch("POST", base, {"horn": {"state": "Activated"}})
    running.sim.advance(60)
    running.sim.remotes.wake_up_limit = 20
    for vehicle_id in running.sim.vehicles_of(DEMO_USER):
        await crawler.walk(f"/user/vehicles/{vehicle_id}/callbacks/{callback_id}/remotes")


# ``realworld`` serves what real cars send, which the specification does not describe.
@pytest.mark.parametrize("scenario", [name for name in SCENARIOS if name != "realworld"])
async def test_every_served_body_honours_the_spec(
    scenario: str, session: aiohttp.ClientSession
) -> None:
    contract = Contract(load_spec())
    hooks = Contract(load_spec(WEBHOOK_SPEC))
    async with (
        webhook_receiver() as receiver,
        run_simulator(frozen(scenario=scenario, vehicles=5, rate_limit=0)) as running,
    ):
        scope = " ".join(("openid", "profile", *REMOTE_SCOPES))
        api = Api(running, session, await token_for(running, session, scope=scope))
        crawler = Crawler(api)
        for vehicle_id in running.sim.vehicles_of(DEMO_USER):
            # In every scenario: the crawl must meet at least one collision.
            running.sim.add_collision(vehicle_id, "Lateral", "Major")
        await crawl_everything(crawler, running)
        callback_id = await crawl_callbacks(crawler, running, receiver.url)
        await crawl_remotes(crawler, running, callback_id)
        running.sim.advance(2 * 3600)
        for vehicle_id in running.sim.vehicles_of(DEMO_USER):
            running.sim.start_trip(vehicle_id, 600, 70)
        running.sim.advance(300)
        crawler.seen.clear()
        await crawl_everything(crawler, running)
        await running.sim.push.drain()
    violations = [v for exchange in crawler.recorded for v in contract.violations(exchange)]
    message_schema = hooks.spec["components"]["schemas"]["Message"]
    for index, item in enumerate(receiver.received):
        violations += hooks.schema_violations(f"webhook #{index}", message_schema, item.body)
    if scenario != "empty":
        assert receiver.received, "no webhook message was pushed"
        statuses = {
            json.loads(item.body)["remoteEvent"]["eventStatus"]["status"]
            for item in receiver.received
            if b'"remoteEvent"' in item.body
        }
        assert {"Accepted", "CheckingVehicle", "Failed"} <= statuses
        if scenario != "privacy":  # there, every car refuses remotes
            assert {"SentToVehicle", "Success", "AlreadyDone", "WakingUpVehicle"} <= statuses
            assert "TooManyWakeUpsOverMonth" in statuses
    assert len(crawler.recorded) > 20
    if scenario != "empty":
        served = [json.loads(e.body) for e in crawler.recorded if e.path.endswith("/collisions")]
        assert any(page["_embedded"]["Collisions"] for page in served if page.get("total"))
    assert violations == [], "\n".join(violations[:50])
