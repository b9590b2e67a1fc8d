"""The diagnostic sensor "Wake-ups this month" (the wake-ups our commands caused)."""

from __future__ import annotations

from dataclasses import dataclass

from homeassistant.components.sensor import (
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.const import EntityCategory
from homeassistant.core import callback
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from ..api.remotes import RemoteKind
from ..const import DOMAIN
from ..coordinator import PsaConfigEntry
from ..entity import async_add_vehicle_entities
from .entity import PsaCommandEntity, PsaCommandEntityDescription


@dataclass(frozen=True, kw_only=True)
class PsaWakeUpSensorDescription(PsaCommandEntityDescription, SensorEntityDescription):
    """The wake-ups counter."""


WAKE_UPS = PsaWakeUpSensorDescription(
    key="wake_ups",
    translation_key="wake_ups",
    kind=RemoteKind.WAKE_UP,
    entity_category=EntityCategory.DIAGNOSTIC,
    state_class=SensorStateClass.TOTAL_INCREASING,
)


@callback
def async_add_wake_up_sensors(
    entry: PsaConfigEntry, async_add_entities: AddConfigEntryEntitiesCallback
) -> None:
    """One counter per car when any command (each may wake the car) is granted."""
    remotes = entry.runtime_data.remotes
    if remotes is not None and remotes.kinds:
        async_add_vehicle_entities(entry, async_add_entities, [WAKE_UPS], PsaWakeUpSensor)
        return
    registry = er.async_get(entry.runtime_data.coordinator.hass)
    for item in er.async_entries_for_config_entry(registry, entry.entry_id):
        ours = item.domain == "sensor" and item.platform == DOMAIN
        if ours and item.unique_id.endswith(f"_{WAKE_UPS.key}"):
            registry.async_remove(item.entity_id)


class PsaWakeUpSensor(PsaCommandEntity, SensorEntity):
    """Wake-ups of one car we caused this month."""

    entity_description: PsaWakeUpSensorDescription

    @property
    def available(self) -> bool:
        """Like the car's other entities: while the car answers."""
        data = self.vehicle_data
        success = self.coordinator.last_update_success
        return success and data is not None and data.available and bool(self.commander.kinds)

    @property
    def native_value(self) -> int:
        """The count (back to 0 on the first of the month)."""
        return self.commander.wakeups.count(self.vehicle_id)
