"""Fixtures of the API tests: a running simulator and a client signed in through its IdP."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import pytest

from custom_components.psa_connected_car.api import (
    BRANDS,
    Brand,
    PsaClient,
    RateBudget,
    build_authorize_url,
    code_challenge_s256,
    exchange_code,
    generate_code_verifier,
    generate_state,
    parse_redirect,
    refresh_access_token,
)
from simulator.config import SimulatorConfig
from simulator.identities import DEMO_USER, PARTNER_CLIENT_ID, PARTNER_CLIENT_SECRET
from simulator.testing import RunningSimulator, run_simulator

PARTNER_REDIRECT = "https://my.home-assistant.io/redirect/oauth"
BRAND = BRANDS["peugeot"]


@dataclass
class TokenBox:
    """Keeps the tokens of one sign-in and serves them like Home Assistant's OAuth2 session."""

    session: aiohttp.ClientSession
    idp_base: str
    brand: Brand
    tokens: dict[str, Any]
    client_id: str = PARTNER_CLIENT_ID
    client_secret: str = PARTNER_CLIENT_SECRET
    calls: list[bool] = field(default_factory=list)

    async def provider(self, rejected: str | None) -> str:
        """The token provider handed to ``PsaClient`` (``calls``: whether a token was refused)."""
        self.calls.append(rejected is not None)
        if rejected is not None:
            self.tokens = await refresh_access_token(
                self.session,
                self.idp_base,
                self.client_id,
                self.client_secret,
                self.tokens["refresh_token"],
                self.brand.realm,
            )
        return str(self.tokens["access_token"])


async def sign_in(
    running: RunningSimulator,
    session: aiohttp.ClientSession,
    brand: Brand = BRAND,
    username: str = DEMO_USER,
) -> dict[str, Any]:
    """The whole partner code flow with PKCE, through the simulator's login form."""
    idp_base = running.idp_base(brand.tld)
    verifier, state = generate_code_verifier(), generate_state()
    url = build_authorize_url(
        idp_base,
        PARTNER_CLIENT_ID,
        PARTNER_REDIRECT,
        state,
        code_challenge_s256(verifier),
        locale="fr-FR",
    )
    location = await running.login(session, url, username=username)
    code = parse_redirect(location, PARTNER_REDIRECT, state)
    return await exchange_code(
        session,
        idp_base,
        PARTNER_CLIENT_ID,
        PARTNER_CLIENT_SECRET,
        code,
        PARTNER_REDIRECT,
        verifier,
    )


@pytest.fixture(name="sim_config")
def sim_config_fixture() -> SimulatorConfig:
    """A frozen clock and no autonomous events: every test sees a fixed world."""
    return SimulatorConfig(vehicles=3, seed=7, time_scale=0, autonomous=False)


@pytest.fixture(name="running")
async def running_fixture(
    socket_enabled: None, sim_config: SimulatorConfig
) -> AsyncIterator[RunningSimulator]:
    """The simulator, listening on 127.0.0.1."""
    async with run_simulator(sim_config) as running:
        yield running


@pytest.fixture(name="session")
async def session_fixture(socket_enabled: None) -> AsyncIterator[aiohttp.ClientSession]:
    """A plain aiohttp session (Home Assistant would pass its shared one)."""
    async with aiohttp.ClientSession() as session:
        yield session


@pytest.fixture(name="token_box")
async def token_box_fixture(running: RunningSimulator, session: aiohttp.ClientSession) -> TokenBox:
    """Tokens of the demo account, signed in through the IdP."""
    tokens = await sign_in(running, session)
    return TokenBox(session, running.idp_base(BRAND.tld), BRAND, tokens)


@pytest.fixture(name="client")
def client_fixture(
    running: RunningSimulator, session: aiohttp.ClientSession, token_box: TokenBox
) -> PsaClient:
    """A client of the demo account."""
    return PsaClient(
        session,
        BRAND,
        PARTNER_CLIENT_ID,
        token_box.provider,
        api_base=running.api_base,
        rate_budget=RateBudget(),
        request_timeout=5,
    )
