"""Wake-ups we caused, per car and calendar month (UTC), and the API's monthly limit.

Kept in a ``Store`` of the entry (not its data: it changes with commands). Once the API
answers ``TooManyWakeUpsOverMonth`` for a car, commands that would wake it are refused
here, without a request, until the first of the next month.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.helpers.storage import Store

from ..clock import Clock
from ..const import DOMAIN

STORAGE_VERSION = 1


def remotes_store(hass: HomeAssistant, entry_id: str) -> Store[dict[str, Any]]:
    """The entry's store of wake-up counts."""
    return Store(hass, STORAGE_VERSION, f"{DOMAIN}.{entry_id}.remotes")


async def async_remove_remotes_store(hass: HomeAssistant, entry_id: str) -> None:
    """Forget the entry's wake-up counts (the entry is removed)."""
    await remotes_store(hass, entry_id).async_remove()


def month_of(moment: datetime) -> str:
    """``2026-11`` for any time in November 2026 (UTC)."""
    return moment.astimezone(UTC).strftime("%Y-%m")


def next_month_start(moment: datetime) -> datetime:
    """Midnight UTC on the first of the month after ``moment``'s."""
    moment = moment.astimezone(UTC)
    year, month = (moment.year + 1, 1) if moment.month == 12 else (moment.year, moment.month + 1)
    return datetime(year, month, 1, tzinfo=UTC)


class WakeUpLog:
    """Counts wake-ups per car this month and remembers a reached limit."""

    def __init__(self, hass: HomeAssistant, entry_id: str, clock: Clock) -> None:
        """Nothing is read before ``async_load``."""
        self._store = remotes_store(hass, entry_id)
        self._clock = clock
        self._cars: dict[str, dict[str, Any]] = {}

    async def async_load(self) -> None:
        """Read what earlier runs counted (a damaged store counts from zero)."""
        stored = await self._store.async_load()
        cars = stored.get("cars") if isinstance(stored, dict) else None
        if isinstance(cars, dict):
            self._cars = {str(vid): dict(car) for vid, car in cars.items() if isinstance(car, dict)}

    def count(self, vehicle_id: str) -> int:
        """Wake-ups we caused this month."""
        car = self._cars.get(vehicle_id) or {}
        if car.get("month") != month_of(self._clock.utcnow()):
            return 0
        count = car.get("count")
        return count if isinstance(count, int) else 0

    def blocked_until(self, vehicle_id: str) -> datetime | None:
        """When the API's limit for this car ends, while it is reached."""
        until = (self._cars.get(vehicle_id) or {}).get("limit_until")
        try:
            end = datetime.fromisoformat(until) if isinstance(until, str) else None
        except ValueError:
            return None
        return end if end is not None and end > self._clock.utcnow() else None

    def note_wake_up(self, vehicle_id: str) -> None:
        """One more wake-up of ours this month."""
        month = month_of(self._clock.utcnow())
        car = self._cars.setdefault(vehicle_id, {})
        if car.get("month") != month:
            car["month"], car["count"] = month, 0
        car["count"] = int(car.get("count") or 0) + 1
        self._save()

    def note_limit(self, vehicle_id: str) -> None:
        """The API said the car cannot be woken again this month."""
        car = self._cars.setdefault(vehicle_id, {})
        car["limit_until"] = next_month_start(self._clock.utcnow()).isoformat()
        self._save()

    def diagnostics(self) -> dict[str, Any]:
        """Counts and limits per car (car ids are redacted by the caller)."""
        result: dict[str, Any] = {}
        for vid in self._cars:
            until = self.blocked_until(vid)
            result[vid] = {
                "wake_ups_this_month": self.count(vid),
                "limited_until": until.isoformat() if until is not None else None,
            }
        return result

    def _save(self) -> None:
        self._store.async_delay_save(lambda: {"cars": self._cars}, 1)
