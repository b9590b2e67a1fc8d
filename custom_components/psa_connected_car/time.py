"""The time of day the next delayed charge starts, which the user can move.

The car reports how long until its next delayed charge (``charging.nextDelayedTime``); the
entity shows the local time of day that falls on. Setting a time sends a charging command
with the next occurrence of that time of day (today if still ahead, else tomorrow), counted
on the integration's clock in Home Assistant's time zone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time

from homeassistant.components.time import TimeEntity, TimeEntityDescription
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.util import dt as dt_util

from .api.remotes import RemoteCommand, RemoteKind
from .clock import get_clock
from .controls import has_battery, local_time_of_day, next_occurrence
from .controls.requested import RequestedValue
from .coordinator import PsaConfigEntry, PsaCoordinator
from .remotes.entity import (
    PsaCommandEntity,
    PsaCommandEntityDescription,
    async_add_command_entities,
)

PARALLEL_UPDATES = 0


@dataclass(frozen=True, kw_only=True)
class PsaTimeDescription(PsaCommandEntityDescription, TimeEntityDescription):
    """A time entity backed by a remote command."""


TIMES: tuple[PsaTimeDescription, ...] = (
    PsaTimeDescription(
        key="delayed_charge_start",
        translation_key="delayed_charge_start",
        kind=RemoteKind.CHARGING,
        exists_fn=has_battery,
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: PsaConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the delayed charge time of the cars with a battery, when the login may charge."""
    async_add_command_entities(entry, async_add_entities, TIMES, PsaDelayedChargeTime)


class PsaDelayedChargeTime(PsaCommandEntity, TimeEntity):
    """When the next delayed charge starts; setting it schedules the charge."""

    entity_description: PsaTimeDescription

    def __init__(
        self, coordinator: PsaCoordinator, vehicle_id: str, description: PsaTimeDescription
    ) -> None:
        """Bind the entity to a car."""
        super().__init__(coordinator, vehicle_id, description)
        self._requested = RequestedValue[time]()

    @property
    def native_value(self) -> time | None:
        """The time asked for while the command is pending, else the car's next start."""
        requested = self._requested.while_pending(self.commander, self.vehicle_id)
        if requested is not None:
            return requested
        data = self.vehicle_data
        return local_time_of_day(data.next_delayed_charge_at if data is not None else None)

    @property
    def assumed_state(self) -> bool:
        """Assumed while the command is on its way."""
        return self._requested.while_pending(self.commander, self.vehicle_id) is not None

    async def async_set_value(self, value: time) -> None:
        """Schedule the next delayed charge at the next ``value`` o'clock."""
        now = get_clock(self.hass).utcnow()
        start = next_occurrence(now, value, dt_util.get_default_time_zone())
        command = RemoteCommand.delayed_charge(start)
        self._requested.sent(command, value.replace(second=0, microsecond=0, tzinfo=None))
        await self.async_send(command)
        self.async_write_ha_state()
