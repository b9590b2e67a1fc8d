"""Base of the entities that send commands (lock, buttons, and the remotectl platforms).

A command entity exists only for the kinds the login granted (an entity whose scope was
lost at a reauth is removed from the entity registry), and is available while its car is.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from homeassistant.core import callback
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.entity import Entity
from homeassistant.helpers.entity_platform import (
    AddConfigEntryEntitiesCallback,
    async_get_current_platform,
)

from ..api.remotes import RemoteCommand, RemoteKind, RemoteProgress
from ..const import DOMAIN
from ..coordinator import PsaConfigEntry, PsaCoordinator
from ..entity import PsaEntity, PsaEntityDescription, always, async_add_vehicle_entities
from .commander import RemoteCommander


@dataclass(frozen=True, kw_only=True)
class PsaCommandEntityDescription(PsaEntityDescription):
    """A command entity: the kind of command it sends (its scope decides if it exists)."""

    kind: RemoteKind
    exists_fn: Callable[..., bool] = always
    available_fn: Callable[..., bool] = always


class PsaCommandEntity(PsaEntity):
    """An entity that sends one kind of command to one car."""

    entity_description: PsaCommandEntityDescription

    @property
    def commander(self) -> RemoteCommander:
        """The entry's commands."""
        remotes = self.coordinator.config_entry.runtime_data.remotes
        assert remotes is not None
        return remotes

    @property
    def available(self) -> bool:
        """Available while the car is and the login grants the command."""
        return super().available and self.commander.granted(self.entity_description.kind)

    @property
    def pending(self) -> RemoteProgress | None:
        """This entity's command on its way to the car, if any."""
        return self.commander.pending(self.vehicle_id, self.entity_description.kind)

    @property
    def last_result(self) -> RemoteProgress | None:
        """How this entity's last command ended."""
        return self.commander.last_result(self.vehicle_id, self.entity_description.kind)

    async def async_send(self, command: RemoteCommand) -> RemoteProgress:
        """Send ``command`` (translated errors on refusal)."""
        return await self.commander.async_send(self.vehicle_id, command)


@callback
def async_add_command_entities[D: PsaCommandEntityDescription](
    entry: PsaConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
    descriptions: Sequence[D],
    factory: Callable[[PsaCoordinator, str, D], Entity],
) -> None:
    """Add the granted descriptions' entities per car; remove those of lost scopes."""
    remotes = entry.runtime_data.remotes
    granted = [d for d in descriptions if remotes is not None and remotes.granted(d.kind)]
    lost = {d.key for d in descriptions if d not in granted}
    if lost:
        registry = er.async_get(entry.runtime_data.coordinator.hass)
        platform = async_get_current_platform().domain
        for item in er.async_entries_for_config_entry(registry, entry.entry_id):
            key = item.unique_id.partition("_")[2]
            if item.domain == platform and item.platform == DOMAIN and key in lost:
                registry.async_remove(item.entity_id)
    async_add_vehicle_entities(entry, async_add_entities, granted, factory)
