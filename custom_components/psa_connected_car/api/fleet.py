"""Client of the Connected Car v3 business (B2B) API for one fleet.

The v3 API has the v4 API's documents under other paths (``/fleets/{fid}/vehicles/...``)
and another authentication: the partner's client certificate on every TLS connection,
``Basic`` credentials and the ``client_id`` query parameter. Everything else is the
shared core: transport, rate budget, paging, parsers and models.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping, Sequence
import dataclasses
from dataclasses import dataclass
import ssl
from typing import Any

import aiohttp
from yarl import URL

from .brands import Brand
from .client import PsaClient
from .errors import AuthenticationError, PsaError
from .fleet_batch import BatchKind, BatchPage, parse_batch_page
from .fleet_remotes import remote_callback_body
from .fleet_tls import certificate_refusal
from .models import Callback, Monitor
from .monitors import MonitorRequest
from .paging import MAX_PAGES, PAGE_SIZE, collect_pages
from .parsers import (
    page_items,
    parse_callback_ref,
    parse_callbacks,
    parse_monitor,
    parse_monitors,
    require_mapping,
)
from .parsing import to_str
from .rate_budget import RateBudget
from .transport import TokenProvider, Transport

FLEET_API_BASE = "https://api-cert.groupe-psa.com/connectedcar/v3"
"""The server of ``api-b2b.yaml`` (v3.19.2)."""
BATCH_GONE_STATUSES = frozenset({404, 410, 501})
"""Answers of a batch read that mean the API no longer serves it (deprecated in 3.19.2)."""


@dataclass(frozen=True)
class Fleet:
    """One fleet of the business partner."""

    id: str
    name: str | None = None
    description: str | None = None

    @property
    def title(self) -> str:
        """What the user sees: the fleet's name, else its id."""
        return self.name or self.id


def _fleet_or_none(data: Mapping[str, Any]) -> Fleet | None:
    fleet_id = to_str(data.get("id"))
    if fleet_id is None:
        return None
    return Fleet(fleet_id, to_str(data.get("name")), to_str(data.get("description")))


def parse_fleets(doc: object) -> list[Fleet]:
    """One page of ``GET /fleets``; fleets without an id are skipped."""
    return page_items(doc, "fleets", _fleet_or_none)


def basic_credentials(username: str, password: str) -> TokenProvider:
    """The ``Basic`` credentials; once refused (HTTP 401) they are wrong, not stale."""
    encoded = base64.b64encode(f"{username}:{password}".encode()).decode("ascii")

    async def provide(rejected: str | None) -> str:
        if rejected is not None:
            raise AuthenticationError("the Basic credentials were refused", status=401)
        return encoded

    return provide


def batch_gone(err: PsaError) -> bool:
    """Whether a batch read's error says the API stopped serving it."""
    return err.status in BATCH_GONE_STATUSES


class FleetClient(PsaClient):
    """Reads one fleet's cars (or, without a fleet id, only the partner's fleets)."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        brand: Brand,
        *,
        client_id: str,
        username: str,
        password: str,
        ssl_context: ssl.SSLContext,
        fleet_id: str | None = None,
        api_base: str = FLEET_API_BASE,
        rate_budget: RateBudget | None = None,
        request_timeout: float = 30,
        max_pages: int = MAX_PAGES,
        page_size: int = PAGE_SIZE,
    ) -> None:
        """Certificate, credentials and client id of the partner; ``fleet_id`` to read."""
        credentials = basic_credentials(username, password)
        super().__init__(
            session,
            brand,
            client_id,
            credentials,
            api_base=api_base,
            rate_budget=rate_budget,
            ssl_context=ssl_context,
            request_timeout=request_timeout,
            max_pages=max_pages,
            page_size=page_size,
        )

        async def refusal(url: URL, err: BaseException) -> PsaError | None:
            return await certificate_refusal(url, err, ssl_context)

        self._transport = Transport(
            session,
            api_base=api_base,
            realm=None,
            client_id=client_id,
            token_provider=credentials,
            rate_budget=self._transport.rate_budget,
            ssl_context=ssl_context,
            request_timeout=request_timeout,
            auth_scheme="Basic",
            refusal_check=refusal,
        )
        self.fleet_id = fleet_id
        self._vehicles_path = ("fleets", fleet_id or "", "vehicles")

    async def list_fleets(self) -> list[Fleet]:
        """Every fleet of the partner (all pages)."""
        return await self._collect(self._transport.url("fleets"), parse_fleets, "fleets")

    async def create_fleet_monitor(
        self, monitor: MonitorRequest, target: str, headers: Mapping[str, str]
    ) -> Monitor:
        """A monitor over every car of the fleet, delivering to ``target`` with ``headers``."""
        body = monitor.to_body()
        body["subscribeParam"] = {
            **body.get("subscribeParam", {}),
            "callback": {
                "webhook": {
                    "name": monitor.label,
                    "target": target,
                    "attributes": [
                        {"type": "Header", "key": key, "value": value}
                        for key, value in headers.items()
                    ],
                }
            },
            "retryPolicy": {"policy": "Bounded", "retryNumber": 3, "retryDelay": 10},
        }
        answer = await self._transport.request(
            "POST", self._fleet_url("monitors"), endpoint="fleet monitors", json_body=body
        )
        return dataclasses.replace(parse_monitor(answer), label=monitor.label)

    async def list_fleet_monitors(self) -> list[Monitor]:
        """The fleet's monitors (all pages)."""
        return await self._collect(self._fleet_url("monitors"), parse_monitors, "fleet monitors")

    async def delete_fleet_monitor(self, monitor_id: str) -> bool:
        """Delete a monitor of the fleet; ``False`` when it was already gone."""
        return await self._delete(self._fleet_url("monitors", monitor_id), "fleet monitor")

    # -- remote commands: the fleet's callbacks and paths ---------------------------

    async def create_callback(
        self,
        target_url: str,
        attributes: Mapping[str, str],
        *,
        label: str,
        types: Sequence[str] = ("Remote",),
    ) -> Callback:
        """A fleet remote callback (a fleet's callbacks serve commands only; the monitors
        carry their own webhook, so ``types`` is not sent)."""
        body = remote_callback_body(target_url, attributes, label)
        answer = await self._transport.request(
            "POST",
            self._fleet_url("remote", "callbacks"),
            endpoint="fleet callbacks",
            json_body=body,
        )
        callback_id, status = parse_callback_ref(answer)
        return Callback(callback_id, target_url, dict(attributes), label, status, tuple(types))

    async def list_callbacks(self) -> list[Callback]:
        """The fleet's remote callbacks (all pages)."""
        url = self._fleet_url("remote", "callbacks")
        return await self._collect(url, parse_callbacks, "fleet callbacks")

    async def delete_callback(self, callback_id: str) -> bool:
        """Delete a fleet remote callback; ``False`` when it was already gone."""
        return await self._delete(self._fleet_url("remote", "callbacks", callback_id), "callback")

    def _remotes_url(self, vehicle_id: str, callback_id: str) -> URL:
        """Commands go under the fleet: ``send_remote``, ``get_remote``, ``list_remotes``."""
        return self._fleet_url("vehicles", vehicle_id, "callbacks", callback_id, "remotes")

    def _fleet_url(self, *segments: str) -> URL:
        assert self.fleet_id is not None
        return self._transport.url("fleets", self.fleet_id, *segments)

    async def get_batch(
        self, kind: BatchKind, params: Mapping[str, str] | None = None
    ) -> BatchPage:
        """One batch read of the whole fleet (``/fleets/{fid}/status`` ...), every page.

        ``params`` filter it (the trips' ``timestamps``...).

        Items are grouped by the car they belong to (its id, else its VIN). An error
        answer is raised as it came: ``batch_gone`` tells whether to stop using it.
        """
        url = self._fleet_url(kind.path)
        result = BatchPage(kind)

        async def fetch(page_url: URL) -> Mapping[str, Any]:
            doc = await self._transport.request("GET", page_url, endpoint=f"fleet {kind.path}")
            return require_mapping(doc, kind.path)

        def parse(doc: Mapping[str, Any]) -> list[Any]:
            return parse_batch_page(doc, result)

        first = url.update_query(params or {}).update_query(pageSize=self._page_size)
        await collect_pages(first, fetch, parse, self._transport.api_base, self._max_pages)
        return result
