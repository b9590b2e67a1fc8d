"""A fleet's cars read with the batch reads while the API serves them.

``/fleets/{fid}/status``, ``/alerts``, ``/maintenances`` and ``/trips`` answer for every
car of the fleet in a few pages: the first car of a cycle that needs one of them fetches
it, the cars after it in the same cycle are answered from it. The trips read asks only
for the trips started after the last one the asking car has seen; a car of the same cycle
that has seen less fetches it again, from its own last trip. The four are deprecated in
v3.19.2: when one answers 404, 410 or 501, that kind is read car by car, which the
entry's store remembers, and the batch read is tried again a day later.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
import logging
from typing import Any, override

from ..api import Alert, Maintenance, PsaError, Trip, Vehicle, VehicleStatus
from ..api.fleet import FleetClient, batch_gone
from ..api.fleet_batch import BatchKind, BatchPage
from ..api.trips import trips_after, trips_query
from .store import BatchAvailability

_LOGGER = logging.getLogger(__name__)
NEVER = datetime.min.replace(tzinfo=UTC)
SNAPSHOT_TTL = timedelta(seconds=30)
"""A batch document answers the cars of one cycle (cycles are a minute apart at least)."""


class BatchReads:
    """The batch documents of one fleet, each fetched at most once per cycle."""

    def __init__(
        self,
        client: FleetClient,
        availability: BatchAvailability,
        now: Callable[[], datetime],
    ) -> None:
        """``availability`` knows (and keeps) which batch reads the API stopped serving."""
        self._client = client
        self._availability = availability
        self._now = now
        self._locks = {kind: asyncio.Lock() for kind in BatchKind}
        self._snapshots: dict[BatchKind, tuple[datetime, BatchPage]] = {}
        self._trips_since: datetime | None = None
        """Where the trips snapshot starts (it holds every trip started since)."""
        self._trips_expected: datetime | None = None

    def expect_trips(self, since: list[datetime]) -> None:
        """This cycle's cars that may end a trip read theirs from these starts: the first
        trips read of the cycle reaches back to the earliest, for all of them at once."""
        self._trips_expected = min(since, default=None)

    def serves(self, kind: BatchKind, now: datetime) -> bool:
        """Whether ``kind`` is read for the whole fleet at once (the API serves it)."""
        return self._availability.served(kind, now)

    async def prefetch(self, kind: BatchKind) -> None:
        """Fetch ``kind``'s document for this cycle now (nothing when it is not served)."""
        await self._snapshot(kind)

    async def items(self, kind: BatchKind, vehicle_id: str, vin: str | None) -> list[Any] | None:
        """The car's items from the fleet's document; ``None``: read the car itself."""
        page = await self._snapshot(kind)
        return None if page is None else page.items_of(vehicle_id, vin)

    async def trips(
        self, vehicle_id: str, vin: str | None, since: datetime | None
    ) -> list[Trip] | None:
        """The car's trips started after ``since``, oldest first; ``None``: read the car."""
        if since is None:  # the car's whole history: not worth the fleet's
            return None
        kind = BatchKind.TRIPS
        async with self._locks[kind]:
            now = self._now()
            cached = self._snapshots.get(kind)
            bound = self._trips_since
            if cached is not None and now - cached[0] < SNAPSHOT_TTL and bound is not None:
                if bound <= since:
                    return trips_after(cached[1].items_of(vehicle_id, vin), since)
                since_all = min(since, bound)
            else:
                since_all = min(since, self._trips_expected or since)
            page = await self._fetch(kind, now, trips_query(since_all))
            if page is None:
                return None
            self._trips_since = since_all
        return trips_after(page.items_of(vehicle_id, vin), since)

    async def _snapshot(self, kind: BatchKind) -> BatchPage | None:
        async with self._locks[kind]:  # the cars waiting here use what the first one got
            now = self._now()
            cached = self._snapshots.get(kind)
            if (
                self._availability.served(kind, now)
                and cached is not None
                and now - cached[0] < SNAPSHOT_TTL
            ):
                return cached[1]
            return await self._fetch(kind, now)

    async def _fetch(
        self, kind: BatchKind, now: datetime, params: dict[str, str] | None = None
    ) -> BatchPage | None:
        """``kind``'s document now, kept for the cycle; ``None`` when it is not served."""
        if not self._availability.served(kind, now):
            return None
        try:
            page = await self._client.get_batch(kind, params)
        except PsaError as err:
            if not batch_gone(err):
                raise
            _LOGGER.info(
                "The API no longer serves the fleet's %s batch read (%s); "
                "reading car by car, trying it again in a day",
                kind.value,
                err,
            )
            self._snapshots.pop(kind, None)
            await self._availability.async_mark_gone(kind, now)
            return None
        await self._availability.async_mark_served(kind)
        self._snapshots[kind] = (now, page)
        return page


class BatchingFleetClient(FleetClient):
    """A fleet client whose status, alerts and maintenance come from the batch reads."""

    batch: BatchReads

    def use_batch(self, batch: BatchReads) -> None:
        """Answer from ``batch`` from now on."""
        self.batch = batch
        self._vins: dict[str, str] = {}

    @override
    async def get_vehicles(self) -> list[Vehicle]:
        vehicles = await super().get_vehicles()
        self._vins = {vehicle.id: vehicle.vin for vehicle in vehicles}
        return vehicles

    @override
    async def get_status(self, vehicle_id: str) -> VehicleStatus | None:
        found = await self.batch.items(BatchKind.STATUS, vehicle_id, self._vins.get(vehicle_id))
        if found is None:
            return await super().get_status(vehicle_id)
        statuses: list[VehicleStatus] = found
        return _latest(statuses)

    @override
    async def get_maintenance(self, vehicle_id: str) -> Maintenance | None:
        vin = self._vins.get(vehicle_id)
        found = await self.batch.items(BatchKind.MAINTENANCE, vehicle_id, vin)
        if found is None:
            return await super().get_maintenance(vehicle_id)
        maintenances: list[Maintenance] = found
        return _latest(maintenances)

    @override
    async def get_alerts(
        self, vehicle_id: str, *, active_only: bool = True, locale: str | None = None
    ) -> list[Alert]:
        found = await self.batch.items(BatchKind.ALERTS, vehicle_id, self._vins.get(vehicle_id))
        if found is None:
            return await super().get_alerts(vehicle_id, active_only=active_only, locale=locale)
        alerts: list[Alert] = found
        unique = {alert.id: alert for alert in alerts}
        return [alert for alert in unique.values() if alert.active or not active_only]

    @override
    async def get_trips(
        self,
        vehicle_id: str,
        *,
        started_after: datetime | None = None,
        states: Iterable[str] = (),
    ) -> list[Trip]:
        wanted = tuple(states)
        found = (
            None
            if wanted  # a filter of its own: the car is asked itself
            else await self.batch.trips(vehicle_id, self._vins.get(vehicle_id), started_after)
        )
        if found is None:
            return await super().get_trips(vehicle_id, started_after=started_after, states=wanted)
        return found


def _latest[T: (VehicleStatus, Maintenance)](items: list[T]) -> T | None:
    """The newest of a car's documents (a batch may list more than one)."""
    return max(items, key=lambda item: item.updated_at or NEVER, default=None)
