"""The baseline: what the most popular existing integration does, in plain aiohttp.

Every 60 s it reads every car's ``/status``, one after the other; it has no rate budget and
no 429 handling (a 429, like any error, just leaves the old values until the next minute).
A 401 refreshes the token and retries once, or the poller would die after an hour. It logs
in with the simulator's mobile-app client (``sim-mobile-peugeot``): another client id than
the integration's partner client, so the two never share the per-client rate limit.
"""

from __future__ import annotations

import base64
from collections import Counter
from typing import Any

import aiohttp
from yarl import URL

from simulator.brands import BRANDS
from simulator.identities import mobile_client_id, mobile_client_secret
from simulator.testing import RunningSimulator

from .truth import Shown

INTERVAL_S = 60.0
BRAND = "peugeot"
REDIRECT = "mymap://oauth2redirect/fr"


class BaselinePoller:
    """Polls every car's status every minute; keeps what it last read."""

    name = "baseline"

    def __init__(self, running: RunningSimulator) -> None:
        self._running = running
        self._client_id = mobile_client_id(BRAND)
        self._secret = mobile_client_secret(BRAND)
        self._idp = running.idp_base(BRANDS[BRAND].tld)
        self._realm = BRANDS[BRAND].realm
        self._session: aiohttp.ClientSession | None = None
        self._token: dict[str, Any] = {}
        self.vehicle_ids: list[str] = []
        self.shown: dict[str, Shown] = {}
        self.read_at: dict[str, float] = {}
        self.requests: Counter[str] = Counter()
        self.responses: Counter[int] = Counter()
        self.due_at = 0.0

    @property
    def api_requests(self) -> int:
        """Requests sent to the API (the IdP's token endpoint not counted)."""
        return sum(n for route, n in self.requests.items() if route != "token")

    async def start(self) -> None:
        """Log in as a person would with the brand app, and list the cars."""
        self._session = aiohttp.ClientSession()
        authorize = URL(f"{self._idp}/authorize").with_query(
            client_id=self._client_id,
            response_type="code",
            redirect_uri=REDIRECT,
            scope="openid profile",
            state="baseline",
        )
        location = URL(await self._running.login(self._session, str(authorize)))
        code = location.query["code"]
        await self._token_request(
            {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT}
        )
        first = URL(f"{self._running.api_base}/user/vehicles").with_query(pageSize="60")
        url: URL | None = first
        while url is not None:
            body = await self._get(url, "vehicles")
            if body is None:
                raise RuntimeError("the baseline could not list the cars")
            self.vehicle_ids += [v["id"] for v in body.get("_embedded", {}).get("vehicles", [])]
            following = body.get("_links", {}).get("next", {}).get("href")
            url = URL(following) if following else None

    async def stop(self) -> None:
        """Close the HTTP session."""
        if self._session is not None:
            await self._session.close()

    async def poll(self, now: float) -> None:
        """One minute's work: every car's status, in turn."""
        for vehicle_id in self.vehicle_ids:
            url = URL(f"{self._running.api_base}/user/vehicles/{vehicle_id}/status")
            body = await self._get(url, "status")
            if body is not None:
                self.shown[vehicle_id] = _shown(body)
                self.read_at[vehicle_id] = now
        self.due_at += INTERVAL_S

    async def _get(self, url: URL, route: str) -> dict[str, Any] | None:
        assert self._session is not None
        for attempt in range(2):
            self.requests[route] += 1
            async with self._session.get(
                url.update_query(client_id=self._client_id),
                headers={
                    "Authorization": f"Bearer {self._token['access_token']}",
                    "x-introspect-realm": self._realm,
                },
            ) as response:
                self.responses[response.status] += 1
                if response.status == 401 and attempt == 0:
                    await self._token_request(
                        {
                            "grant_type": "refresh_token",
                            "refresh_token": self._token["refresh_token"],
                        }
                    )
                    continue
                if response.status != 200:
                    return None
                try:
                    body: dict[str, Any] = await response.json(content_type=None)
                except ValueError:
                    return None
                return body
        return None

    async def _token_request(self, form: dict[str, str]) -> None:
        assert self._session is not None
        self.requests["token"] += 1
        query = {"realm": self._realm} if form["grant_type"] == "refresh_token" else {}
        credentials = base64.b64encode(f"{self._client_id}:{self._secret}".encode()).decode()
        async with self._session.post(
            URL(f"{self._idp}/access_token").with_query(query),
            data=form,
            headers={"Authorization": f"Basic {credentials}"},
        ) as response:
            response.raise_for_status()
            self._token = await response.json()


def _shown(body: dict[str, Any]) -> Shown:
    latitude = longitude = level = None
    coordinates = (body.get("lastPosition") or {}).get("geometry", {}).get("coordinates")
    if coordinates and len(coordinates) >= 2:
        longitude, latitude = float(coordinates[0]), float(coordinates[1])
    energies = {e.get("type"): e for e in body.get("energies", []) if isinstance(e, dict)}
    fuel, electric = energies.get("Fuel"), energies.get("Electric")
    chosen = fuel if fuel is not None and electric is None else electric
    if chosen is not None and chosen.get("level") is not None:
        level = float(chosen["level"])
    return Shown(latitude, longitude, level)
