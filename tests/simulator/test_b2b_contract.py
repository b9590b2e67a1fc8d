"""Every body the fleet (B2B v3) API serves validates against ``api-b2b.yaml``."""

from __future__ import annotations

import json
from typing import Any

import aiohttp
import pytest
from yarl import URL

from simulator.config import SCENARIOS
from simulator.testing import RunningSimulator, run_simulator
from tests.simulator.contract import (
    B2B_SPEC,
    B2B_WEBHOOK_SPEC,
    B2bContract,
    Recorded,
    load_spec,
)
from tests.simulator.receiver import webhook_receiver
from tests.simulator.test_b2b_helpers import B2bClient, b2b_config
from tests.simulator.test_b2b_monitors import fleet_monitor
from tests.simulator.test_b2b_remotes import remote_callback
from tests.simulator.test_contract import hrefs


class B2bCrawler:
    """Follows HAL links from ``/fleets`` and records every exchange."""

    def __init__(self, client: B2bClient) -> None:
        self.client = client
        self.seen: set[str] = set()

    @property
    def recorded(self) -> list[Recorded]:
        """Every exchange so far."""
        return [Recorded(*exchange) for exchange in self.client.recorded]

    async def fetch(self, method: str, url: str, body: Any = None) -> Any:
        """One request (absolute URL or a path under ``/connectedcar/v3``)."""
        target = (
            URL(url) if url.startswith("https://") else URL(self.client.running.b2b_base_url + url)
        )
        params = {k: v for k, v in target.query.items() if k != "client_id"}
        path = str(target.with_query(None))
        _, decoded, _ = await self.client.request(method, path, body, **params)
        return decoded

    async def walk(self, url: str) -> None:
        """GET once and follow the links within the v3 API."""
        if url in self.seen or len(self.seen) > 600:
            return
        self.seen.add(url)
        document = await self.fetch("GET", url)
        for href in hrefs(document):
            if "/connectedcar/v3/" in href:
                await self.walk(href)


async def crawl_fleets(crawler: B2bCrawler, running: RunningSimulator) -> None:
    """Walk every fleet and car, with paging, filters and error cases."""
    await crawler.walk("/fleets")
    await crawler.walk("/fleets?pageSize=1")
    for fleet in running.fleet_ids:
        base = f"/fleets/{fleet}"
        for name in ("status", "alerts", "maintenances", "trips", "collisions"):
            await crawler.walk(f"{base}/{name}?pageSize=1")
        await crawler.walk(f"{base}/vehicles?pageSize=2&indexRange=0-")
        await crawler.walk(f"{base}/alerts?timestamps=2026-01-01T00:00:00Z/&profile=endUser")
        for name, key in (("alerts", "alerts"), ("collisions", "Collisions")):
            listed = await crawler.fetch("GET", f"{base}/{name}")
            for item in listed["_embedded"][key][:2]:
                await crawler.fetch("GET", f"{base}/{name}/{item['id']}")
            await crawler.fetch("GET", f"{base}/{name}/unknown")
        for vehicle in running.fleet_vehicles(fleet):
            car = f"{base}/vehicles/{vehicle}"
            await crawler.walk(f"{car}/alerts?locale=fr-FR&pageSize=1")
            await crawler.walk(f"{car}/trips?tripState=Nominal")
            await crawler.walk(f"{car}/collisions?pageSize=1")
            for unknown in ("alerts", "trips", "collisions"):
                await crawler.fetch("GET", f"{car}/{unknown}/unknown")
    fleet = running.fleet_ids[0]
    for path in (
        "/fleets/unknown",
        f"/fleets/{fleet}/vehicles/unknown/status",
        f"/fleets/{fleet}/vehicles?pageSize=0",
        f"/fleets/{fleet}/vehicles?pageToken=%%%",
        f"/fleets/{fleet}/status?profile=nobody",
        f"/fleets/{fleet}/trips?tripState=Sideways",
    ):
        await crawler.fetch("GET", path)


async def crawl_monitors(crawler: B2bCrawler, running: RunningSimulator, target: str) -> None:
    """Create, list, read, update, pause, resume and delete fleet monitors."""
    base = f"/fleets/{running.fleet_ids[0]}/monitors"
    ref = await crawler.fetch("POST", base, fleet_monitor(target))
    monitor_id = ref["monitorId"]
    await crawler.walk(base)
    await crawler.walk(f"{base}/{monitor_id}")
    await crawler.fetch("PUT", f"{base}/{monitor_id}", fleet_monitor(target))
    for status in ("Paused", "Running", "Sideways"):
        await crawler.fetch("PUT", f"{base}/{monitor_id}/status", {"status": status})
    await crawler.fetch("POST", base, {"label": "x"})
    scratch = await crawler.fetch("POST", base, fleet_monitor(target))
    await crawler.fetch("DELETE", f"{base}/{scratch['monitorId']}")
    await crawler.fetch("DELETE", f"{base}/{scratch['monitorId']}")
    await crawler.fetch("GET", f"{base}/unknown")


async def crawl_remotes(crawler: B2bCrawler, running: RunningSimulator, target: str) -> None:
    """Remote callbacks (CRUD, status) and remote actions on every car of the first fleet."""
    fleet = running.fleet_ids[0]
    base = f"/fleets/{fleet}/remote/callbacks"
    ref = await crawler.fetch("POST", base, remote_callback(target, ("Doors", "Horn", "Lights")))
    cbid = ref["callbackId"]
    await crawler.walk(base)
    await crawler.walk(f"{base}?remoteType=Doors")
    await crawler.walk(f"{base}/{cbid}")
    await crawler.fetch("PUT", f"{base}/{cbid}", remote_callback(target, ("Doors", "Horn")))
    for status in ("Paused", "Running", "Sideways"):
        await crawler.fetch("PUT", f"{base}/{cbid}/status", {"status": status})
    await crawler.fetch("POST", base, {"callback": {}})
    scratch = await crawler.fetch("POST", base, remote_callback(target))
    await crawler.fetch("DELETE", f"{base}/{scratch['callbackId']}")
    await crawler.fetch("DELETE", f"{base}/{scratch['callbackId']}")
    for vehicle in running.fleet_vehicles(fleet):
        remotes = f"/fleets/{fleet}/vehicles/{vehicle}/callbacks/{cbid}/remotes"
        for remote in ({"door": {"state": "Unlocked"}}, {"horn": {"state": "Activated"}}):
            posted = await crawler.fetch("POST", remotes, remote)
            await crawler.walk(f"{remotes}/{posted['remoteActionId']}")
        await crawler.fetch("POST", remotes, {"immobilization": {}})
        await crawler.fetch("GET", f"{remotes}/unknown")
    running.sim.advance(60)
    for vehicle in running.fleet_vehicles(fleet):
        await crawler.walk(f"/fleets/{fleet}/vehicles/{vehicle}/callbacks/{cbid}/remotes")


@pytest.mark.parametrize("scenario", [name for name in SCENARIOS if name != "realworld"])
async def test_every_served_v3_body_honours_the_spec(
    scenario: str, session: aiohttp.ClientSession
) -> None:
    contract = B2bContract(load_spec(B2B_SPEC))
    config = b2b_config(scenario=scenario, fleets=(5, 0), rate_limit=0)
    hooks = B2bContract(load_spec(B2B_WEBHOOK_SPEC))
    async with webhook_receiver() as receiver, run_simulator(config) as running:
        crawler = B2bCrawler(B2bClient(running, session))
        await crawl_monitors(crawler, running, receiver.url)
        await crawl_remotes(crawler, running, receiver.url)
        for vehicle_id in running.fleet_vehicles(running.fleet_ids[0]):
            running.sim.add_collision(vehicle_id, "Lateral", "Major")
        await crawl_fleets(crawler, running)
        running.sim.advance(2 * 3600)
        for vehicle_id in running.fleet_vehicles(running.fleet_ids[0]):
            running.sim.start_trip(vehicle_id, 600, 70)
        running.sim.advance(300)
        crawler.seen.clear()
        await crawl_fleets(crawler, running)
        for vehicle_id in running.fleet_vehicles(running.fleet_ids[0]):
            running.sim.raise_alert(vehicle_id, "OilLevelLow", "Warning")
        await running.b2b.deliveries.drain()
        async with session.post(
            f"{running.url}/_sim/b2b/batch", json={"enabled": False, "status": 410}
        ) as response:
            assert response.status == 200
        await crawler.fetch("GET", f"/fleets/{running.fleet_ids[0]}/status")
        for wrong in (
            B2bClient(running, session, password="wrong"),
            B2bClient(running, session, client_id=""),
        ):
            await wrong.get("/fleets")
            crawler.client.recorded.extend(wrong.recorded)
    violations = [v for exchange in crawler.recorded for v in contract.violations(exchange)]
    schemas = hooks.spec["components"]["schemas"]
    kinds = {"monitorId": "MonitorEvents", "callbackId": "RemoteEvents"}
    seen = set()
    for index, item in enumerate(receiver.received):
        kind = next(kinds[key] for key in kinds if key in json.loads(item.body))
        seen.add(kind)
        violations += hooks.schema_violations(f"webhook #{index}", schemas[kind], item.body)
    assert seen == set(kinds.values())
    assert len(crawler.recorded) > 50
    assert violations == [], "\n".join(violations[:60])
