"""Switches that send remote commands: charge now, precondition now.

A switch shows the car's state (its status). While its own command is on its way it shows
the state asked for, as an assumed state; once the command is over it follows the car again
(the commander reads the car's status after a success, so that is the confirmed state).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from homeassistant.components.switch import SwitchEntity, SwitchEntityDescription
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .api.remotes import RemoteCommand, RemoteKind
from .controls import has_battery
from .controls.requested import RequestedValue
from .coordinator import PsaConfigEntry, PsaCoordinator
from .entity import from_status, reported
from .remotes.entity import (
    PsaCommandEntity,
    PsaCommandEntityDescription,
    async_add_command_entities,
)
from .vehicles.data import VehicleData

PARALLEL_UPDATES = 0


@dataclass(frozen=True, kw_only=True)
class PsaSwitchDescription(PsaCommandEntityDescription, SwitchEntityDescription):
    """A switch: the car's state, and the command that changes it."""

    is_on_fn: Callable[[VehicleData], bool | None]
    command_fn: Callable[[bool], RemoteCommand]


def _charging(data: VehicleData) -> bool | None:
    return data.charging_in_progress


_preconditioning = from_status(lambda status: status.preconditioning_on)

SWITCHES: tuple[PsaSwitchDescription, ...] = (
    PsaSwitchDescription(
        key="charge",
        translation_key="charge",
        kind=RemoteKind.CHARGING,
        is_on_fn=_charging,
        command_fn=RemoteCommand.charge_now,
        exists_fn=has_battery,
    ),
    PsaSwitchDescription(
        key="precondition",
        translation_key="precondition",
        kind=RemoteKind.PRECONDITIONING,
        is_on_fn=_preconditioning,
        command_fn=RemoteCommand.precondition_now,
        exists_fn=reported(_preconditioning),
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: PsaConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the switches whose command the login may send."""
    async_add_command_entities(entry, async_add_entities, SWITCHES, PsaRemoteSwitch)


class PsaRemoteSwitch(PsaCommandEntity, SwitchEntity):
    """Turning it on or off sends the command; it shows what the car reports."""

    entity_description: PsaSwitchDescription

    def __init__(
        self, coordinator: PsaCoordinator, vehicle_id: str, description: PsaSwitchDescription
    ) -> None:
        """Bind the switch to a car."""
        super().__init__(coordinator, vehicle_id, description)
        self._requested = RequestedValue[bool]()

    @property
    def is_on(self) -> bool | None:
        """The state asked for while the command is on its way, else the car's."""
        requested = self._requested.while_pending(self.commander, self.vehicle_id)
        if requested is not None:
            return requested
        data = self.vehicle_data
        return self.entity_description.is_on_fn(data) if data is not None else None

    @property
    def assumed_state(self) -> bool:
        """Assumed while the command is on its way (the car has not confirmed it)."""
        return self._requested.while_pending(self.commander, self.vehicle_id) is not None

    async def async_turn_on(self, **kwargs: Any) -> None:
        """Start charging or preconditioning now."""
        await self._async_switch(on=True)

    async def async_turn_off(self, **kwargs: Any) -> None:
        """Stop charging or preconditioning."""
        await self._async_switch(on=False)

    async def _async_switch(self, *, on: bool) -> None:
        command = self.entity_description.command_fn(on)
        self._requested.sent(command, on)
        await self.async_send(command)
        self.async_write_ha_state()
