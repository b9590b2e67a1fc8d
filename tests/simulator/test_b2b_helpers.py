"""A fleet (B2B v3) API client for the simulator tests: mTLS, Basic and ``client_id``.

No test lives here; the ``test_b2b_*`` modules import ``B2bClient`` and ``b2b_config``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
import ssl
from typing import Any

import aiohttp

from simulator.config import SimulatorConfig
from simulator.testing import RunningSimulator
from tests.simulator.conftest import frozen


def b2b_config(**overrides: Any) -> SimulatorConfig:
    """Frozen clock; a fleet of 3 cars (thermic, electric, hybrid) and one without cars."""
    values: dict[str, Any] = {"fleets": (3, 0), "autonomous": False}
    values.update(overrides)
    return frozen(**values)


@dataclass
class B2bClient:
    """Requests to the v3 API as a partner with its certificate and credentials."""

    running: RunningSimulator
    session: aiohttp.ClientSession
    context: ssl.SSLContext | None = None
    user: str | None = None
    password: str | None = None
    client_id: str | None = None
    recorded: list[tuple[str, str, int, str, bytes]] = field(default_factory=list)

    def __post_init__(self) -> None:
        b2b = self.running
        self.tls = self.context or b2b.b2b_ssl_context()
        self.user = b2b.b2b_basic_user if self.user is None else self.user
        self.password = b2b.b2b_basic_password if self.password is None else self.password
        self.client_id = b2b.b2b_client_id if self.client_id is None else self.client_id

    @property
    def fleet(self) -> str:
        """The first fleet (3 cars)."""
        return self.running.fleet_ids[0]

    def headers(self) -> dict[str, str]:
        """The Basic Authorization header."""
        assert self.user is not None
        assert self.password is not None
        return {"Authorization": aiohttp.encode_basic_auth(self.user, self.password)}

    async def request(
        self, method: str, path: str, body: Any = None, **params: str
    ) -> tuple[int, Any, aiohttp.ClientResponse]:
        """Status, decoded JSON (or None) and the response of one request."""
        query = dict(params)
        if self.client_id:
            query["client_id"] = self.client_id
        url = path if path.startswith("https://") else self.running.b2b_base_url + path
        async with self.session.request(
            method, url, params=query, headers=self.headers(), json=body, ssl=self.tls
        ) as response:
            raw = await response.read()
            self.recorded.append(
                (method, response.url.path, response.status, response.content_type, raw)
            )
            decoded = await response.json(content_type=None) if raw else None
            return response.status, decoded, response

    async def get(self, path: str, **params: str) -> tuple[int, Any]:
        """GET: status and decoded body."""
        status, body, _ = await self.request("GET", path, **params)
        return status, body

    async def json(self, path: str, **params: str) -> Any:
        """GET and decode, asserting 200."""
        status, body = await self.get(path, **params)
        assert status == 200, body
        return body

    async def all_items(self, path: str, key: str, **params: str) -> list[Any]:
        """Every item of a paged collection, following ``next`` (at most 1000 pages)."""
        items: list[Any] = []
        seen: set[str] = set()
        page = await self.json(path, **params)
        for _ in range(1000):
            items.extend(page["_embedded"][key])
            following = page["_links"].get("next", {}).get("href")
            if following is None or following in seen:
                return items
            seen.add(following)
            page = await self.json(following)
        raise AssertionError("paging did not end")
