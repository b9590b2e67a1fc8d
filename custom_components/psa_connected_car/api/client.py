"""Async client of the Connected Car v4 API for one account."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
import dataclasses
from datetime import UTC, datetime
import ssl
from typing import Any

import aiohttp
from yarl import URL

from .brands import Brand
from .collisions import Collision, parse_collisions
from .errors import NoDataError
from .models import Alert, Callback, Maintenance, Monitor, User, Vehicle, VehicleStatus
from .monitors import MonitorRequest
from .paging import MAX_PAGES, PAGE_SIZE, collect_pages
from .parsers import (
    parse_alerts,
    parse_callback_ref,
    parse_callbacks,
    parse_maintenance,
    parse_monitor,
    parse_monitors,
    parse_user,
    parse_vehicles,
    require_mapping,
)
from .parsers_status import parse_status
from .rate_budget import RateBudget
from .remotes import RemoteCommand, RemoteProgress, parse_remote, parse_remote_post, parse_remotes
from .transport import TokenProvider, Transport
from .trips import Trip, parse_trips, trips_after, trips_query

__all__ = ["PsaClient", "TokenProvider"]

_VEHICLES = ("user", "vehicles")


class PsaClient:
    """Reads vehicles and data, and manages callbacks and monitors, for one account."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        brand: Brand,
        client_id: str,
        token_provider: TokenProvider,
        *,
        api_base: str,
        rate_budget: RateBudget | None = None,
        ssl_context: ssl.SSLContext | None = None,
        request_timeout: float = 30,
        wait_for_budget: bool = True,
        max_budget_wait_s: float = 30.0,
        max_pages: int = MAX_PAGES,
        page_size: int = PAGE_SIZE,
    ) -> None:
        """Use ``session`` (Home Assistant's shared one) with ``brand``'s realm."""
        self.brand = brand
        self._max_pages = max_pages
        self._page_size = page_size
        self._vehicles_path: tuple[str, ...] = _VEHICLES
        """Where the cars are: the account's (v4), or a fleet's (v3, ``FleetClient``)."""
        self._transport = Transport(
            session,
            api_base=api_base,
            realm=brand.realm,
            client_id=client_id,
            token_provider=token_provider,
            rate_budget=rate_budget if rate_budget is not None else RateBudget(),
            ssl_context=ssl_context,
            request_timeout=request_timeout,
            wait_for_budget=wait_for_budget,
            max_budget_wait_s=max_budget_wait_s,
        )

    @property
    def rate_budget(self) -> RateBudget:
        """The account's request budget (shared by all its vehicles)."""
        return self._transport.rate_budget

    @property
    def api_base(self) -> str:
        """The API base this client talks to."""
        return str(self._transport.api_base)

    async def get_user(self) -> User:
        """The signed-in account."""
        return parse_user(await self._get(self._transport.url("user"), "user"))

    async def get_vehicles(self) -> list[Vehicle]:
        """Every vehicle of the account (all pages)."""
        return await self._collect(
            self._transport.url(*self._vehicles_path), parse_vehicles, "vehicles"
        )

    async def get_status(self, vehicle_id: str) -> VehicleStatus | None:
        """The latest status, or ``None`` when the API has none."""
        return await self._optional(vehicle_id, "status", parse_status)

    async def get_maintenance(self, vehicle_id: str) -> Maintenance | None:
        """Next-service figures, or ``None`` when the car does not report them."""
        return await self._optional(vehicle_id, "maintenance", parse_maintenance)

    async def get_alerts(
        self, vehicle_id: str, *, active_only: bool = True, locale: str | None = None
    ) -> list[Alert]:
        """Alerts of a vehicle: the active ones, or the history with ``active_only=False``."""
        params = {"locale": locale} if locale else None
        url = self._transport.url(*self._vehicles_path, vehicle_id, "alerts", params=params)
        alerts: list[Alert] = await self._collect(url, parse_alerts, "alerts")
        unique = {alert.id: alert for alert in alerts}
        return [alert for alert in unique.values() if alert.active or not active_only]

    async def get_trips(
        self,
        vehicle_id: str,
        *,
        started_after: datetime | None = None,
        states: Iterable[str] = (),
    ) -> list[Trip]:
        """A car's trips, oldest first: all, or those started after ``started_after``.

        ``states`` filters on ``tripState`` (``Nominal``, ``DataLacking``...).
        """
        params = trips_query(started_after, states)
        url = self._transport.url(*self._vehicles_path, vehicle_id, "trips", params=params or None)
        trips: list[Trip] = await self._collect(url, parse_trips, "trips")
        return trips_after(trips, started_after)

    async def get_collisions(self, vehicle_id: str) -> list[Collision]:
        """A car's collisions, oldest first, each once."""
        url = self._transport.url(*self._vehicles_path, vehicle_id, "collisions")
        collisions: list[Collision] = await self._collect(url, parse_collisions, "collisions")
        unique = {collision.id: collision for collision in collisions}
        never = datetime.min.replace(tzinfo=UTC)
        return sorted(unique.values(), key=lambda collision: collision.occurred_at or never)

    async def create_callback(
        self,
        target_url: str,
        attributes: Mapping[str, str],
        *,
        label: str,
        types: Sequence[str] = ("Monitor",),
    ) -> Callback:
        """Register a webhook; ``attributes`` are headers the API sends back with each event.

        ``types`` are the features it serves (``Monitor``, ``Remote``).
        """
        body = {
            "label": label,
            "type": list(types),
            "callback": {
                "webhook": {
                    "name": label,
                    "target": target_url,
                    "attributes": [
                        {"type": "Header", "key": key, "value": value}
                        for key, value in attributes.items()
                    ],
                }
            },
        }
        url = self._transport.url("user", "callbacks")
        answer = await self._transport.request("POST", url, endpoint="callbacks", json_body=body)
        callback_id, status = parse_callback_ref(answer)
        return Callback(callback_id, target_url, dict(attributes), label, status, tuple(types))

    async def list_callbacks(self) -> list[Callback]:
        """The account's callbacks."""
        url = self._transport.url("user", "callbacks")
        return await self._collect(url, parse_callbacks, "callbacks")

    async def delete_callback(self, callback_id: str) -> bool:
        """Delete a callback (and its monitors); ``False`` when it was already gone."""
        return await self._delete(self._transport.url("user", "callbacks", callback_id), "callback")

    async def create_monitor(
        self, vehicle_id: str, callback_id: str, monitor: MonitorRequest
    ) -> Monitor:
        """Create a monitor pushing ``monitor``'s events to the callback."""
        url = self._monitors_url(vehicle_id, callback_id)
        answer = await self._transport.request(
            "POST", url, endpoint="monitors", json_body=monitor.to_body()
        )
        created = parse_monitor(answer)
        body = monitor.to_body()
        return dataclasses.replace(
            created,
            label=created.label or monitor.label,
            extended_events=created.extended_events or tuple(body["extendedEventParam"]),
            trigger_data=created.trigger_data
            or tuple(t["data"]["data"] for t in body["triggerParam"]["triggers"]),
        )

    async def list_monitors(self, vehicle_id: str, callback_id: str) -> list[Monitor]:
        """Monitors of a vehicle on one callback."""
        url = self._monitors_url(vehicle_id, callback_id)
        return await self._collect(url, parse_monitors, "monitors")

    async def delete_monitor(self, vehicle_id: str, callback_id: str, monitor_id: str) -> bool:
        """Delete a monitor; ``False`` when it was already gone."""
        url = self._monitors_url(vehicle_id, callback_id) / monitor_id
        return await self._delete(url, "monitor")

    async def send_remote(
        self, vehicle_id: str, callback_id: str, command: RemoteCommand, *, label: str
    ) -> RemoteProgress:
        """POST a command (once: never resent, see ``Transport``); its id, pending.

        ``label`` should be unique: it finds the command among the car's remotes when the
        answer is lost.
        """
        url = self._remotes_url(vehicle_id, callback_id)
        answer = await self._transport.request(
            "POST", url, endpoint="remotes", json_body=command.to_body(label)
        )
        progress = parse_remote_post(answer, command.kind)
        return dataclasses.replace(progress, label=label)

    async def get_remote(
        self, vehicle_id: str, callback_id: str, remote_id: str
    ) -> RemoteProgress | None:
        """Where one command stands (``None`` when the answer does not say)."""
        url = self._remotes_url(vehicle_id, callback_id) / remote_id
        return parse_remote(await self._get(url, "remote"))

    async def list_remotes(self, vehicle_id: str, callback_id: str) -> list[RemoteProgress]:
        """The car's commands sent through the callback."""
        url = self._remotes_url(vehicle_id, callback_id)
        return await self._collect(url, parse_remotes, "remotes")

    def _remotes_url(self, vehicle_id: str, callback_id: str) -> URL:
        return self._transport.url(*_VEHICLES, vehicle_id, "callbacks", callback_id, "remotes")

    def _monitors_url(self, vehicle_id: str, callback_id: str) -> URL:
        return self._transport.url(
            *self._vehicles_path, vehicle_id, "callbacks", callback_id, "monitors"
        )

    async def _get(self, url: URL, endpoint: str) -> Any:
        return await self._transport.request("GET", url, endpoint=endpoint)

    async def _optional[T](
        self, vehicle_id: str, resource: str, parse: Callable[[object], T]
    ) -> T | None:
        url = self._transport.url(*self._vehicles_path, vehicle_id, resource)
        try:
            doc = await self._get(url, resource)
        except NoDataError:
            return None
        return parse(doc)

    async def _delete(self, url: URL, endpoint: str) -> bool:
        try:
            await self._transport.request("DELETE", url, endpoint=endpoint)
        except NoDataError:
            return False
        return True

    async def _collect[T](
        self, url: URL, parse: Callable[[Mapping[str, Any]], list[T]], endpoint: str
    ) -> list[T]:
        async def fetch(page_url: URL) -> Mapping[str, Any] | None:
            try:
                doc = await self._get(page_url, endpoint)
            except NoDataError:
                return None
            return require_mapping(doc, endpoint)

        first = url.update_query(pageSize=self._page_size)
        return await collect_pages(
            first, fetch, parse, self._transport.api_base, max_pages=self._max_pages
        )
