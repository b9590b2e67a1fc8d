"""The car's GPS position (hidden, so unknown, while privacy mode is on)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from homeassistant.components.device_tracker.const import SourceType
from homeassistant.components.device_tracker.entity import (
    TrackerEntity,
    TrackerEntityDescription,
)
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .api.models import Position
from .coordinator import PsaConfigEntry
from .entity import PsaEntity, PsaEntityDescription, async_add_vehicle_entities, has_status
from .vehicles.data import VehicleData

PARALLEL_UPDATES = 0

ATTR_HEADING = "heading"
ATTR_ALTITUDE = "altitude"


@dataclass(frozen=True, kw_only=True)
class PsaTrackerDescription(PsaEntityDescription, TrackerEntityDescription):
    """The car's position."""


def position(data: VehicleData | None) -> Position | None:
    """The last position the car shared (none while privacy mode is on)."""
    return data.position if data is not None else None


TRACKERS: tuple[PsaTrackerDescription, ...] = (
    PsaTrackerDescription(
        key="location",
        translation_key="location",
        exists_fn=has_status,
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: PsaConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Create the tracker of every car, now and when cars appear."""
    async_add_vehicle_entities(entry, async_add_entities, TRACKERS, PsaDeviceTracker)


class PsaDeviceTracker(PsaEntity, TrackerEntity):
    """Where the car is; the position is the car's main feature, not a diagnostic."""

    entity_description: PsaTrackerDescription
    _attr_source_type = SourceType.GPS

    @property
    def entity_category(self) -> EntityCategory | None:
        """Not diagnostic (trackers are by default): a car's position is what people want."""
        return None

    @property
    def entity_picture(self) -> str | None:
        """The car's picture from the brand's servers, when the API gives one."""
        data = self.vehicle_data
        return data.picture if data is not None else None

    @property
    def latitude(self) -> float | None:
        """Latitude of the last shared position."""
        current = position(self.vehicle_data)
        return current.latitude if current is not None else None

    @property
    def longitude(self) -> float | None:
        """Longitude of the last shared position."""
        current = position(self.vehicle_data)
        return current.longitude if current is not None else None

    @property
    def extra_state_attributes(self) -> Mapping[str, Any] | None:
        """Heading (degrees) and altitude (metres) of the last shared position."""
        current = position(self.vehicle_data)
        if current is None:
            return None
        return {ATTR_HEADING: current.heading_deg, ATTR_ALTITUDE: current.altitude_m}
