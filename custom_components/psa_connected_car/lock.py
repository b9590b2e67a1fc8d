"""The doors lock: locked state from the car's status, lock and unlock commands."""

from __future__ import annotations

from dataclasses import dataclass
import hmac
from typing import Any

from homeassistant.components.lock import LockEntity, LockEntityDescription
from homeassistant.const import ATTR_CODE
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .api.remotes import RemoteCommand, RemoteKind
from .const import CONF_UNLOCK_CODE, DOMAIN
from .coordinator import PsaConfigEntry
from .entity import has_status
from .remotes.entity import (
    PsaCommandEntity,
    PsaCommandEntityDescription,
    async_add_command_entities,
)

PARALLEL_UPDATES = 0
CODE_FORMAT = r"^.+$"


@dataclass(frozen=True, kw_only=True)
class PsaLockDescription(PsaCommandEntityDescription, LockEntityDescription):
    """The doors lock."""


DOORS = PsaLockDescription(
    key="doors", translation_key="doors", kind=RemoteKind.DOORS, available_fn=has_status
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: PsaConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """A lock per car, when the login granted door commands."""
    async_add_command_entities(entry, async_add_entities, [DOORS], PsaLock)


class PsaLock(PsaCommandEntity, LockEntity):
    """Locks and unlocks one car's doors; shows what the car reports."""

    entity_description: PsaLockDescription

    @property
    def code_format(self) -> str | None:
        """Any code, when the options set one for unlocking."""
        return CODE_FORMAT if self._code else None

    @property
    def _code(self) -> str | None:
        code = self.coordinator.config_entry.options.get(CONF_UNLOCK_CODE)
        return str(code) if code else None

    @property
    def is_locked(self) -> bool | None:
        """What the car's status says (``None`` while it does not report it)."""
        data = self.vehicle_data
        return data.status.doors_locked if data is not None and data.status else None

    @property
    def is_locking(self) -> bool:
        """A lock command is on its way (until the car's status confirms it)."""
        return self._pending_state() is True

    @property
    def is_unlocking(self) -> bool:
        """An unlock command is on its way."""
        return self._pending_state() is False

    def _pending_state(self) -> bool | None:
        command = self.commander.pending_command(self.vehicle_id, RemoteKind.DOORS)
        if command is None:
            return None
        return command.body.get("state") == "Locked"

    async def async_lock(self, **kwargs: Any) -> None:
        """Lock the doors (returns once the API accepted)."""
        await self.async_send(RemoteCommand.lock_doors(locked=True))

    async def async_unlock(self, **kwargs: Any) -> None:
        """Unlock the doors, after checking the code when the options set one."""
        expected = self._code
        given = kwargs.get(ATTR_CODE)
        if expected is not None and not hmac.compare_digest(
            str(given or "").encode(), expected.encode()
        ):
            raise ServiceValidationError(translation_domain=DOMAIN, translation_key="wrong_code")
        await self.async_send(RemoteCommand.lock_doors(locked=False))
