"""Buttons: sound the horn, flash the lights, wake the car up and refresh it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from homeassistant.components.button import ButtonEntity, ButtonEntityDescription
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .api.remotes import RemoteCommand, RemoteKind
from .coordinator import PsaConfigEntry
from .remotes.entity import (
    PsaCommandEntity,
    PsaCommandEntityDescription,
    async_add_command_entities,
)

PARALLEL_UPDATES = 0


@dataclass(frozen=True, kw_only=True)
class PsaButtonDescription(PsaCommandEntityDescription, ButtonEntityDescription):
    """A button that sends one command."""

    command_fn: Callable[[], RemoteCommand]


BUTTONS = (
    PsaButtonDescription(
        key="horn", translation_key="horn", kind=RemoteKind.HORN, command_fn=RemoteCommand.horn
    ),
    PsaButtonDescription(
        key="lights",
        translation_key="lights",
        kind=RemoteKind.LIGHTS,
        command_fn=RemoteCommand.lights,
    ),
    # The wake-up's success is followed by one status read (as after every success).
    PsaButtonDescription(
        key="wake_up",
        translation_key="wake_up",
        kind=RemoteKind.WAKE_UP,
        command_fn=RemoteCommand.wake_up,
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: PsaConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """The buttons the login granted, per car."""
    async_add_command_entities(entry, async_add_entities, BUTTONS, PsaButton)


class PsaButton(PsaCommandEntity, ButtonEntity):
    """Sends its command when pressed."""

    entity_description: PsaButtonDescription

    async def async_press(self) -> None:
        """Send the command (returns once the API accepted it)."""
        await self.async_send(self.entity_description.command_fn())
