"""Cars appearing and disappearing from the account: listeners and device registry."""

from __future__ import annotations

from collections.abc import Callable, Mapping
import logging
from typing import Protocol

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import device_registry as dr

from ..api import Vehicle, mask_vin
from ..const import DOMAIN

_LOGGER = logging.getLogger(__name__)


class _HasVehicle(Protocol):
    @property
    def vehicle(self) -> Vehicle: ...


class VehicleRegistry:
    """Tells platforms about new cars and removes the devices of cars that left."""

    def __init__(self, hass: HomeAssistant, entry: ConfigEntry) -> None:
        """Track the cars of one config entry."""
        self._hass = hass
        self._entry = entry
        self._known: dict[str, str] = {}
        self._listeners: list[Callable[[list[str]], None]] = []
        self._synced = False

    @callback
    def async_add_listener(self, listener: Callable[[list[str]], None]) -> Callable[[], None]:
        """Register a platform callback for new vehicle ids."""
        self._listeners.append(listener)

        def remove() -> None:
            self._listeners.remove(listener)

        return remove

    @callback
    def async_sync(self, data: Mapping[str, _HasVehicle]) -> None:
        """Compare with the previous refresh: announce new cars, drop removed ones."""
        current = {vid: item.vehicle.vin for vid, item in data.items()}
        added = [vid for vid in current if vid not in self._known]
        removed = {vid: vin for vid, vin in self._known.items() if vid not in current}
        self._known = current
        announce = self._synced
        self._synced = True
        if added and announce:
            for listener in list(self._listeners):
                listener(added)
        for vin in removed.values():
            self._remove_device(vin)

    def device_id(self, vin: str) -> str | None:
        """Home Assistant's device id of a car."""
        device = dr.async_get(self._hass).async_get_device_by_identifier(
            (DOMAIN, vin), self._entry.entry_id
        )
        return device.id if device else None

    def is_current(self, vin: str) -> bool:
        """Whether the car is still on the account."""
        return vin in self._known.values()

    def _remove_device(self, vin: str) -> None:
        registry = dr.async_get(self._hass)
        device = registry.async_get_device_by_identifier((DOMAIN, vin), self._entry.entry_id)
        if device is None:
            return
        _LOGGER.info("Car %s left the account; removing its device", mask_vin(vin))
        registry.async_update_device(device.id, remove_config_entry_id=self._entry.entry_id)
