"""What a loaded config entry holds (``entry.runtime_data``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from homeassistant.config_entries import ConfigEntry

if TYPE_CHECKING:
    from .api import PsaClient
    from .coordinator import PsaCoordinator
    from .push.manager import PushManager
    from .remotes.commander import RemoteCommander


@dataclass
class PsaRuntimeData:
    """What a loaded config entry holds."""

    client: PsaClient
    coordinator: PsaCoordinator
    push: PushManager | None = None
    remotes: RemoteCommander | None = None


type PsaConfigEntry = ConfigEntry[PsaRuntimeData]
