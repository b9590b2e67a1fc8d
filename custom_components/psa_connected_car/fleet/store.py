"""Which batch reads the API stopped serving for an entry, kept across restarts."""

from __future__ import annotations

from datetime import datetime, timedelta

from homeassistant.core import HomeAssistant
from homeassistant.helpers.storage import Store
from homeassistant.util import dt as dt_util

from ..api.fleet_batch import BatchKind
from ..const import DOMAIN

STORE_VERSION = 1
BATCH_RETRY = timedelta(days=1)
"""A batch read that stopped being served is tried again this long after."""


def _store(hass: HomeAssistant, entry_id: str) -> Store[dict[str, dict[str, str]]]:
    return Store(hass, STORE_VERSION, f"{DOMAIN}.{entry_id}.fleet_batch")


class BatchAvailability:
    """For each batch read, since when the API no longer serves it (if it does not)."""

    def __init__(self, hass: HomeAssistant, entry_id: str) -> None:
        """Nothing is read before ``async_load``."""
        self._store = _store(hass, entry_id)
        self._gone: dict[BatchKind, datetime] = {}

    async def async_load(self) -> None:
        """Read what an earlier run found out."""
        stored = await self._store.async_load() or {}
        for key, text in dict(stored.get("gone") or {}).items():
            when = dt_util.parse_datetime(str(text))
            if key in BatchKind and when is not None:
                self._gone[BatchKind(key)] = when

    def served(self, kind: BatchKind, now: datetime) -> bool:
        """Whether to use ``kind``'s batch read now (again a day after it was refused)."""
        gone = self._gone.get(kind)
        return gone is None or now - gone >= BATCH_RETRY

    async def async_mark_gone(self, kind: BatchKind, now: datetime) -> None:
        """The API refused ``kind``'s batch read: car by car for a day."""
        self._gone[kind] = now
        await self._save()

    async def async_mark_served(self, kind: BatchKind) -> None:
        """The API served ``kind``'s batch read (again)."""
        if self._gone.pop(kind, None) is not None:
            await self._save()

    async def _save(self) -> None:
        gone = {kind.value: when.isoformat() for kind, when in self._gone.items()}
        await self._store.async_save({"gone": gone})


async def async_remove_batch_store(hass: HomeAssistant, entry_id: str) -> None:
    """Forget a removed entry's batch availability."""
    await _store(hass, entry_id).async_remove()
