"""A fleet (business, v3) entry on the benchmark harness.

The simulator serves one fleet over its mTLS listener; the entry is made through the config
flow's fleet path exactly as a fleet owner does (credentials, certificate, CA and key
uploaded as files, the fleet picked), then the shipped coordinator reads it on the virtual
clock (``bench.virtual_time``, waiting for the fleet API's client id). ``Harness`` then
drives it as a consumer entry, with the fleet's cars as its cars.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
import tempfile
import time
from typing import cast

from homeassistant.config_entries import ConfigEntryState
from homeassistant.setup import async_setup_component

from custom_components.psa_connected_car.const import DOMAIN
from simulator.config import SimulatorConfig
from tests.integration.conftest import FlowDriver
from tests.integration.fleet_b2b_support import FleetFlow

from .env import BenchEnv
from .harness import Harness
from .sim_host import hosted_simulator
from .truth import UploadLog
from .virtual_time import VirtualTime

BATCH_OFF_STATUS = 410


@dataclass
class FleetSetup:
    """What the fleet's setup took."""

    wall_s: float
    """Wall seconds from the fleet picked to the entry loaded and its first cycle done."""
    thread_cpu_s: float
    budget_wait_s: float
    """Virtual seconds the rate budget waited during setup (not wall time here)."""
    requests: int


def _requests(sim: object) -> int:
    return sum(sim.counters.requests.values())  # type: ignore[attr-defined]


def _batch(running: object, enabled: bool) -> None:
    backend = running.b2b  # type: ignore[attr-defined]
    backend.batch.enabled = enabled
    backend.batch.status = BATCH_OFF_STATUS


async def _reachable(env: BenchEnv) -> None:
    """Home Assistant's HTTP app as its external URL (the integration set up first: the
    test server freezes the app's routes when it starts)."""
    assert await async_setup_component(env.hass, DOMAIN, {})
    client = await env.client_factory()
    await env.hass.config.async_update(external_url=str(client.make_url("/")).rstrip("/"))


@asynccontextmanager
async def open_fleet_stack(
    env: BenchEnv,
    config: SimulatorConfig,
    folder: Path,
    *,
    batch: bool = True,
    warmup_s: float = 600.0,
    push: bool = False,
) -> AsyncIterator[tuple[Harness, FleetSetup]]:
    """Simulator (threaded), virtual clock, the fleet flow, the loaded entry.

    With ``push``, Home Assistant's HTTP app on 127.0.0.1 is its external URL before the
    entry is made, so the entry registers its fleet monitors and the simulator delivers
    to its webhook.
    """
    hass = env.hass
    hass.loop.set_debug(False)
    uploads = folder / "tmp"
    uploads.mkdir(exist_ok=True)
    env.monkeypatch.setattr(tempfile, "tempdir", str(uploads))
    config_dir = folder / "config"
    config_dir.mkdir(exist_ok=True)
    hass.config.config_dir = str(config_dir)
    async with hosted_simulator(config, threaded=True) as host:
        running = host.running
        vt = VirtualTime(host, hass)
        vt.client_id = running.b2b_client_id
        vt.install(env.monkeypatch)
        log = UploadLog(host)
        vt.advance(warmup_s)
        host.call(_batch, running, batch)
        if push:
            await _reachable(env)
        pem = folder / "pem"
        pem.mkdir(exist_ok=True)
        flow = FleetFlow(hass, running, env.auth_client_factory, pem)
        picked = await flow.to_pick()
        fleet_id = running.fleet_ids[0]
        requests_before = host.call(_requests, running.sim)
        waited = vt.budget_wait_s
        wall, cpu = time.perf_counter(), time.thread_time()
        result = await hass.config_entries.flow.async_configure(
            picked["flow_id"], {"fleet_id": fleet_id}
        )
        await hass.async_block_till_done(wait_background_tasks=True)
        setup = FleetSetup(
            wall_s=time.perf_counter() - wall,
            thread_cpu_s=time.thread_time() - cpu,
            budget_wait_s=vt.budget_wait_s - waited,
            requests=host.call(_requests, running.sim) - requests_before,
        )
        entry = result["result"]
        assert entry.state is ConfigEntryState.LOADED, entry.state
        harness = Harness(
            hass, host=host, vt=vt, entry=entry, log=log, flow=cast("FlowDriver", None)
        )
        harness.cars = host.call(running.fleet_vehicles, fleet_id)
        harness.vehicles = {vid: running.sim.world.vehicles[vid] for vid in harness.cars}
        harness.next_sample = vt.monotonic() + 3.1
        try:
            yield harness, setup
        finally:
            await hass.config_entries.async_unload(entry.entry_id)
            await hass.async_block_till_done()
