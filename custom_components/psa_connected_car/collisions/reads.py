"""When to read a car's collisions, which were seen (kept across restarts), announcing them.

Neither the pushes nor the alert types signal a collision (the ``Collision...Fault`` alerts
are faults of the assistance systems), so collisions are read periodically: at most every
``COLLISIONS_INTERVAL``, only once the car has driven since the last read and is parked again
(a read mid-drive would need another after it), and only with the calls a cycle has left once
every due car is read; not at start-up either (the first read follows the first drive). A
parked car can be hit too; whether it reports that at once is not documented: the read after
its next drive finds it. Parked cars cost nothing.

Each collision is announced once: the ids seen live in a ``Store`` of the entry. The first
read of a car announces only collisions of the last ``FIRST_READ_NEWS``: the periodic read
can come that late after a crash (a drive, six hours, a restart), anything older is history
the owner knows.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import datetime, timedelta
import logging
from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant
from homeassistant.helpers.storage import Store

from ..api import AuthenticationError, Collision, PsaClient, PsaError, RateLimitedError, mask_vin
from ..clock import Clock
from ..const import COLLISIONS_INTERVAL, DOMAIN
from ..events.collisions import async_fire_collision
from ..polling.planner import plan_collision_reads
from ..vehicles.data import VehicleData

_LOGGER = logging.getLogger(__name__)
STORAGE_VERSION = 1
FIRST_READ_NEWS = timedelta(hours=24)
KEPT_IDS = 100
"""Ids kept per car: far more than a car's collisions in the API's history."""


def collisions_store(hass: HomeAssistant, entry_id: str) -> Store[dict[str, Any]]:
    """The entry's store of the collisions announced (per car: their ids)."""
    return Store(hass, STORAGE_VERSION, f"{DOMAIN}.{entry_id}.collisions")


async def async_remove_collisions_store(hass: HomeAssistant, entry_id: str) -> None:
    """Forget the entry's collisions (the entry is removed)."""
    await collisions_store(hass, entry_id).async_remove()


def collisions_due(known: VehicleData | None, now: datetime) -> bool:
    """Whether the car's collisions are worth a spare call now."""
    if known is None or known.is_active or not known.drove_since_collisions:
        return False  # parked since the last read, or driving: read once the drive is over
    fetched = known.collisions_fetched_at
    return fetched is None or now - fetched >= COLLISIONS_INTERVAL


class CollisionReads:
    """The collisions of one account's cars."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry: ConfigEntry[Any],
        client: PsaClient,
        device_id: Callable[[str], str | None],
        clock: Clock,
    ) -> None:
        """Keep what was announced in the entry's own store."""
        self._hass = hass
        self._client = client
        self._device_id = device_id
        self._now = clock.utcnow
        self._store = collisions_store(hass, entry.entry_id)
        self._seen: dict[str, list[str]] | None = None
        self.planned: set[str] = set()
        """The cars whose collisions this cycle reads (``planner.plan_collision_reads``)."""

    def plan(
        self,
        chosen: Sequence[str],
        previous: Mapping[str, VehicleData],
        now: datetime,
        calls_available: int,
        costs: Mapping[str, int],
    ) -> None:
        """Choose the cars whose collisions this cycle reads (see ``plan_collision_reads``)."""
        due = {vid for vid in chosen if collisions_due(previous.get(vid), now)}
        self.planned = plan_collision_reads(chosen, costs, calls_available, due)

    async def with_collisions(self, read: VehicleData) -> VehicleData:
        """``read`` after its collisions were read, when planned; new ones announced."""
        vehicle = read.vehicle
        if vehicle.id not in self.planned:
            drove = read.drove_since_collisions or read.is_active
            return replace(read, drove_since_collisions=drove)
        try:
            collisions = await self._client.get_collisions(vehicle.id)
        except AuthenticationError, RateLimitedError:
            raise
        except PsaError as err:
            _LOGGER.debug("Collisions of car %s not read: %s", mask_vin(vehicle.vin), err)
            return read
        await self._announce(read, collisions)
        return replace(
            read, collisions_fetched_at=self._now(), drove_since_collisions=read.is_active
        )

    async def _announce(self, read: VehicleData, collisions: list[Collision]) -> None:
        if self._seen is None:
            stored = await self._store.async_load()
            cars = stored.get("cars") if isinstance(stored, dict) else None
            self._seen = {
                str(vid): [str(cid) for cid in ids]
                for vid, ids in (cars.items() if isinstance(cars, dict) else ())
                if isinstance(ids, list)
            }
        first_read = read.vehicle.id not in self._seen
        seen = self._seen.setdefault(read.vehicle.id, [])
        new = [c for c in collisions if c.id not in seen]
        if not new and not first_read:
            return
        seen.extend(c.id for c in new)
        del seen[:-KEPT_IDS]
        # Saved before announcing: a restart right after must not announce them again.
        await self._store.async_save({"cars": self._seen})
        if first_read:
            # On the car's clock, as the collisions' times: the last upload, else ours.
            car_now = read.status.updated_at if read.status is not None else None
            oldest_news = (car_now or self._now()) - FIRST_READ_NEWS
            new = [c for c in new if c.occurred_at is not None and c.occurred_at >= oldest_news]
        status = read.status
        allowed = status is not None and not status.position_hidden
        base = {"device_id": self._device_id(read.vehicle.vin), "vehicle_id": read.vehicle.id}
        for collision in new:
            async_fire_collision(self._hass, base, collision, position_allowed=allowed)
