"""A 429 from the per-second burst limit is waited out once; a window 429 is not."""

from __future__ import annotations

import asyncio

import aiohttp
import pytest

from custom_components.psa_connected_car.api import PsaClient, RateBudget, RateLimitedError
from simulator.config import SimulatorConfig
from simulator.faults import FaultSpec
from simulator.identities import DEMO_USER, PARTNER_CLIENT_ID
from simulator.testing import RunningSimulator

from .conftest import BRAND, TokenBox


@pytest.fixture(name="sim_config")
def sim_config_fixture() -> SimulatorConfig:
    """Real time, and a server burst limit far below what the client allows itself."""
    return SimulatorConfig(vehicles=3, seed=7, time_scale=1, burst_limit=3, autonomous=False)


def _greedy_client(
    running: RunningSimulator, session: aiohttp.ClientSession, token_box: TokenBox
) -> PsaClient:
    return PsaClient(
        session,
        BRAND,
        PARTNER_CLIENT_ID,
        token_box.provider,
        api_base=running.api_base,
        rate_budget=RateBudget(burst_limit=100),
        request_timeout=5,
    )


async def test_burst_limit_is_waited_out(
    running: RunningSimulator, session: aiohttp.ClientSession, token_box: TokenBox
) -> None:
    client = _greedy_client(running, session, token_box)
    cars = running.sim.vehicles_of(DEMO_USER)
    statuses = await asyncio.gather(*(client.get_status(car) for car in cars * 2))
    assert all(status is not None for status in statuses)
    stats = running.sim.stats()
    assert stats["rate_limited"] >= 1
    assert stats["requests"]["getVehicleStatus"] == len(cars) * 2 + stats["rate_limited"]


async def test_window_limit_is_reported_not_retried(
    running: RunningSimulator, session: aiohttp.ClientSession, token_box: TokenBox
) -> None:
    client = _greedy_client(running, session, token_box)
    running.sim.inject_fault(FaultSpec(kind="shrink_limit", limit=0))
    car = running.sim.vehicles_of(DEMO_USER)[0]
    with pytest.raises(RateLimitedError) as caught:
        await client.get_status(car)
    assert caught.value.retry_after is not None
    assert caught.value.retry_after > 2
    assert running.sim.stats()["rate_limited"] == 1
