"""Error paths and injected faults of the simulator, as the client reports them."""

from __future__ import annotations

import logging

import aiohttp
import pytest

from custom_components.psa_connected_car.api import (
    BRANDS,
    AccessDeniedError,
    AuthenticationError,
    InvalidGrantError,
    InvalidResponseError,
    PsaClient,
    PsaConnectionError,
    RateBudget,
    RateLimitedError,
    ServerError,
)
from simulator.config import SimulatorConfig
from simulator.faults import FaultSpec
from simulator.identities import DEMO_USER, OTHER_USER
from simulator.testing import RunningSimulator

from .conftest import BRAND, TokenBox, sign_in


def _vehicle(running: RunningSimulator) -> str:
    return running.sim.vehicles_of(DEMO_USER)[0]


async def test_expired_access_token_is_refreshed_once(
    client: PsaClient, running: RunningSimulator, token_box: TokenBox
) -> None:
    old_refresh = token_box.tokens["refresh_token"]
    running.sim.revoke_tokens("access")
    assert (await client.get_user()).email == DEMO_USER
    assert token_box.calls == [False, True]
    assert token_box.tokens["refresh_token"] != old_refresh


async def test_second_401_raises_authentication_error(
    client: PsaClient, running: RunningSimulator, token_box: TokenBox
) -> None:
    running.sim.inject_fault(FaultSpec("revoke_access", count=2))
    with pytest.raises(AuthenticationError) as caught:
        await client.get_user()
    assert caught.value.status == 401
    assert "Token is invalid" in str(caught.value)
    assert token_box.calls == [False, True]


async def test_revoked_refresh_token_is_invalid_grant(
    client: PsaClient, running: RunningSimulator
) -> None:
    running.sim.revoke_tokens("all")
    with pytest.raises(InvalidGrantError) as caught:
        await client.get_user()
    assert caught.value.status == 400


async def test_refresh_revocation_fault(client: PsaClient, running: RunningSimulator) -> None:
    running.sim.revoke_tokens("access")
    running.sim.inject_fault(FaultSpec("revoke_refresh"))
    with pytest.raises(InvalidGrantError):
        await client.get_user()


async def test_someone_elses_vehicle_is_access_denied(
    client: PsaClient, running: RunningSimulator
) -> None:
    foreign = running.sim.vehicles_of(OTHER_USER)[0]
    with pytest.raises(AccessDeniedError) as caught:
        await client.get_status(foreign)
    assert caught.value.code == 40300


async def test_wrong_realm_is_access_denied(
    running: RunningSimulator, session: aiohttp.ClientSession, token_box: TokenBox
) -> None:
    client = PsaClient(
        session,
        BRANDS["citroen"],
        token_box.client_id,
        token_box.provider,
        api_base=running.api_base,
    )
    with pytest.raises(AccessDeniedError) as caught:
        await client.get_user()
    assert caught.value.code == 40301


@pytest.mark.parametrize(
    ("endpoint", "call"),
    [
        ("getVehicleStatus", "get_status"),
        ("getVehicleMaintenance", "get_maintenance"),
    ],
)
async def test_no_data_gives_none(
    client: PsaClient, running: RunningSimulator, endpoint: str, call: str
) -> None:
    running.sim.inject_fault(FaultSpec("no_data", endpoint=endpoint))
    assert await getattr(client, call)(_vehicle(running)) is None
    assert await getattr(client, call)(_vehicle(running)) is not None


async def test_server_error_carries_code_and_uuid(
    client: PsaClient, running: RunningSimulator
) -> None:
    running.sim.inject_fault(FaultSpec("error", status=503))
    with pytest.raises(ServerError) as caught:
        await client.get_status(_vehicle(running))
    assert caught.value.status == 503
    assert caught.value.code == 50300
    assert caught.value.uuid


async def test_gateway_html_page(client: PsaClient, running: RunningSimulator) -> None:
    running.sim.inject_fault(FaultSpec("html", status=502))
    with pytest.raises(ServerError) as caught:
        await client.get_vehicles()
    assert caught.value.status == 502
    assert "<" not in caught.value.message


@pytest.mark.parametrize("kind", ["malformed", "truncated"])
async def test_broken_bodies_are_invalid_responses(
    client: PsaClient, running: RunningSimulator, kind: str
) -> None:
    running.sim.inject_fault(FaultSpec(kind, endpoint="getVehicleStatus"))
    with pytest.raises(InvalidResponseError):
        await client.get_status(_vehicle(running))


async def test_timeout_is_a_connection_error(
    running: RunningSimulator, session: aiohttp.ClientSession, token_box: TokenBox
) -> None:
    client = PsaClient(
        session,
        BRAND,
        token_box.client_id,
        token_box.provider,
        api_base=running.api_base,
        request_timeout=0.3,
    )
    running.sim.inject_fault(FaultSpec("timeout", delay_s=2))
    with pytest.raises(PsaConnectionError, match="no answer"):
        await client.get_user()


async def test_latency_below_timeout_is_fine(client: PsaClient, running: RunningSimulator) -> None:
    running.sim.inject_fault(FaultSpec("latency", delay_s=0.05))
    assert (await client.get_user()).email == DEMO_USER


async def test_gateway_504_after_its_own_timeout(
    client: PsaClient, running: RunningSimulator
) -> None:
    running.sim.inject_fault(FaultSpec("timeout", delay_s=0.05))
    with pytest.raises(ServerError) as caught:
        await client.get_user()
    assert caught.value.status == 504


async def test_unreachable_api(session: aiohttp.ClientSession, token_box: TokenBox) -> None:
    client = PsaClient(
        session,
        BRAND,
        token_box.client_id,
        token_box.provider,
        api_base="http://127.0.0.1:9/connectedcar/v4",
    )
    with pytest.raises(PsaConnectionError, match="cannot reach"):
        await client.get_user()


async def test_429_blocks_until_retry_after(client: PsaClient, running: RunningSimulator) -> None:
    await client.get_user()
    running.sim.inject_fault(FaultSpec("shrink_limit", limit=1))
    with pytest.raises(RateLimitedError) as caught:
        await client.get_user()
    assert (caught.value.status, caught.value.code) == (429, 42900)
    assert caught.value.retry_after is not None
    assert caught.value.retry_after > 0
    budget = client.rate_budget
    assert budget.blocked_for == pytest.approx(caught.value.retry_after, abs=1)
    assert budget.remaining == 0
    sent = running.sim.stats()["total"]
    with pytest.raises(RateLimitedError) as again:
        await client.get_user()
    assert again.value.status is None
    assert running.sim.stats()["total"] == sent


async def test_headers_stop_the_client_before_a_429(
    client: PsaClient, running: RunningSimulator
) -> None:
    running.sim.inject_fault(FaultSpec("shrink_limit", limit=2))
    await client.get_user()
    await client.get_user()
    assert client.rate_budget.remaining == 0
    with pytest.raises(RateLimitedError) as caught:
        await client.get_user()
    assert caught.value.status is None
    stats = running.sim.stats()
    assert stats["requests"]["getUser"] == 2
    assert stats["rate_limited"] == 0


@pytest.mark.parametrize("sim_config", [SimulatorConfig(time_scale=0, rate_limit=0, burst_limit=0)])
async def test_client_budget_never_lets_more_out(
    running: RunningSimulator, session: aiohttp.ClientSession, token_box: TokenBox
) -> None:
    budget = RateBudget(limit=5, window_s=3600, burst_limit=5)
    client = PsaClient(
        session,
        BRAND,
        token_box.client_id,
        token_box.provider,
        api_base=running.api_base,
        rate_budget=budget,
        wait_for_budget=False,
    )
    for _ in range(5):
        await client.get_user()
    with pytest.raises(RateLimitedError) as caught:
        await client.get_user()
    assert caught.value.retry_after == pytest.approx(3600, abs=5)
    assert running.sim.stats()["requests"]["getUser"] == 5


async def test_secrets_never_logged(
    client: PsaClient,
    running: RunningSimulator,
    token_box: TokenBox,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG, logger="custom_components.psa_connected_car.api")
    running.sim.revoke_tokens("access")
    vehicles = await client.get_vehicles()
    for vehicle in vehicles:
        await client.get_status(vehicle.id)
    running.sim.revoke_tokens("all")
    with pytest.raises(InvalidGrantError) as caught:
        await client.get_user()
    text = caplog.text + str(caught.value)
    assert "HTTP 200" in caplog.text
    secrets = [token_box.tokens["access_token"], token_box.tokens["refresh_token"]]
    secrets += [token_box.client_secret, DEMO_USER] + [v.vin for v in vehicles]
    for secret in secrets:
        assert secret not in text


async def test_sign_in_for_each_brand(
    running: RunningSimulator, session: aiohttp.ClientSession
) -> None:
    for brand in BRANDS.values():
        tokens = await sign_in(running, session, brand=brand)
        box = TokenBox(session, running.idp_base(brand.tld), brand, tokens)
        client = PsaClient(session, brand, box.client_id, box.provider, api_base=running.api_base)
        assert (await client.get_user()).email == DEMO_USER
