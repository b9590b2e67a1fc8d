"""Fixtures of the simulator tests: a running simulator and a logged-in API client."""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs, urlencode, urlparse

import aiohttp
import pytest

from simulator.config import SimulatorConfig
from simulator.identities import DEMO_USER, PARTNER_CLIENT_ID, PARTNER_CLIENT_SECRET
from simulator.testing import RunningSimulator, run_simulator

START = datetime(2026, 5, 1, 10, 0, tzinfo=UTC)
HA_REDIRECT = "http://127.0.0.1:8123/auth/external/callback"


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(request: pytest.FixtureRequest) -> None:
    """No Home Assistant here (overrides the repository-wide fixture); allow loopback sockets.

    The Home Assistant test plugin blocks socket creation; ``socket_enabled`` (pytest-socket)
    lifts that for one test, and connections stay limited to 127.0.0.1.
    """
    if request.config.pluginmanager.hasplugin("socket"):
        request.getfixturevalue("socket_enabled")


def frozen(**overrides: Any) -> SimulatorConfig:
    """A deterministic config: frozen clock, fixed start, no burst limit."""
    values: dict[str, Any] = {"time_scale": 0.0, "start_time": START, "burst_limit": 0}
    values.update(overrides)
    return SimulatorConfig(**values)


def basic(client_id: str = PARTNER_CLIENT_ID, secret: str = PARTNER_CLIENT_SECRET) -> str:
    """HTTP Basic header value."""
    return "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()


def authorize_url(
    running: RunningSimulator,
    tld: str = "peugeot.com",
    client_id: str = PARTNER_CLIENT_ID,
    redirect_uri: str = HA_REDIRECT,
    **extra: str,
) -> str:
    """An authorize URL with sensible defaults."""
    params = {
        "client_id": client_id,
        "response_type": "code",
        "redirect_uri": redirect_uri,
        "scope": "openid profile",
        "state": "st4te",
    }
    params.update(extra)
    return f"{running.idp_base(tld)}/authorize?{urlencode(params)}"


def code_of(location: str) -> str:
    """The ``code`` of a redirect Location."""
    return parse_qs(urlparse(location).query)["code"][0]


@dataclass
class Api:
    """A logged-in API client."""

    running: RunningSimulator
    session: aiohttp.ClientSession
    token: dict[str, Any]
    realm: str = "clientsB2CPeugeot"
    client_id: str = PARTNER_CLIENT_ID

    @property
    def headers(self) -> dict[str, str]:
        """Bearer + realm."""
        return {
            "Authorization": f"Bearer {self.token['access_token']}",
            "x-introspect-realm": self.realm,
        }

    async def get(self, path: str, **params: str) -> aiohttp.ClientResponse:
        """GET an API path with client_id."""
        query = {"client_id": self.client_id, **params}
        async with self.session.get(
            f"{self.running.api_base}{path}", headers=self.headers, params=query
        ) as response:
            await response.read()
            return response

    async def json(self, path: str, **params: str) -> Any:
        """GET and decode (asserting 200)."""
        response = await self.get(path, **params)
        assert response.status == 200, await response.text()
        return await response.json(content_type=None)

    async def send(self, method: str, path: str, body: Any = None) -> aiohttp.ClientResponse:
        """Any method with a JSON body."""
        async with self.session.request(
            method,
            f"{self.running.api_base}{path}",
            headers=self.headers,
            params={"client_id": self.client_id},
            json=body,
        ) as response:
            await response.read()
            return response


async def token_for(
    running: RunningSimulator,
    session: aiohttp.ClientSession,
    username: str = DEMO_USER,
    tld: str = "peugeot.com",
    scope: str = "openid profile",
) -> dict[str, Any]:
    """Log in through the form (asking for ``scope``) and exchange the code."""
    location = await running.login(session, authorize_url(running, tld, scope=scope), username)
    async with session.post(
        f"{running.idp_base(tld)}/access_token",
        data={
            "grant_type": "authorization_code",
            "code": code_of(location),
            "redirect_uri": HA_REDIRECT,
        },
        headers={"Authorization": basic()},
    ) as response:
        assert response.status == 200, await response.text()
        token: dict[str, Any] = await response.json()
        return token


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    """A client session."""
    async with aiohttp.ClientSession() as client:
        yield client


@pytest.fixture
async def running() -> AsyncIterator[RunningSimulator]:
    """A frozen default-scenario simulator."""
    async with run_simulator(frozen()) as sim:
        yield sim


@pytest.fixture
async def api(running: RunningSimulator, session: aiohttp.ClientSession) -> Api:
    """The demo user logged in via Peugeot."""
    return Api(running, session, await token_for(running, session))
