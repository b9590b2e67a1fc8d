"""Setting up and removing a fleet entry (the parts a consumer entry does not have)."""

from __future__ import annotations

from collections.abc import Callable
import logging

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ConfigEntryError
from homeassistant.helpers import issue_registry as ir

from ..api import PsaError
from ..api.fleet import FleetClient
from ..api.remotes import RemoteProgress
from ..clock import get_clock
from ..const import CONF_CONNECTION, CONNECTION_FLEET, DOMAIN
from ..coordinator import PsaConfigEntry
from ..flow.certificates import CertificateError
from .batch import BatchingFleetClient, BatchReads
from .certificate import async_check_certificate, async_track_certificate, issue_id
from .connection import async_fleet_client
from .coordinator import FleetCoordinator
from .push import FleetPush, async_remove_monitors, has_push_identity
from .store import BatchAvailability, async_remove_batch_store

_LOGGER = logging.getLogger(__name__)


async def async_setup_fleet(hass: HomeAssistant, entry: PsaConfigEntry) -> FleetCoordinator:
    """The entry's coordinator and client (batch reads included); its certificate's end is
    watched from now on."""
    try:
        client = await async_fleet_client(hass, entry.data, BatchingFleetClient)
    except CertificateError as err:
        raise ConfigEntryError(
            translation_domain=DOMAIN, translation_key="certificate_unreadable"
        ) from err
    availability = BatchAvailability(hass, entry.entry_id)
    await availability.async_load()
    client.use_batch(BatchReads(client, availability, get_clock(hass).utcnow))
    await async_check_certificate(hass, entry)
    entry.async_on_unload(async_track_certificate(hass, entry))
    return FleetCoordinator(hass, entry, client)


async def async_start_fleet_push(
    hass: HomeAssistant,
    entry: PsaConfigEntry,
    coordinator: FleetCoordinator,
    on_remote_event: Callable[[RemoteProgress], None],
) -> None:
    """Push for the fleet when wanted (stopped with the entry); the progress of commands
    pushed to its webhook goes to ``on_remote_event``."""
    push = FleetPush(hass, entry, coordinator.fleet_client, coordinator, on_remote_event)
    await push.async_start()
    entry.async_on_unload(push.async_stop)


async def async_remove_fleet(hass: HomeAssistant, entry: PsaConfigEntry) -> None:
    """Forget what a removed fleet entry kept: its monitors at the API (best effort), its
    batch store and its certificate issue."""
    await async_remove_batch_store(hass, entry.entry_id)
    ir.async_delete_issue(hass, DOMAIN, issue_id(entry))
    if entry.data.get(CONF_CONNECTION) != CONNECTION_FLEET or not has_push_identity(entry):
        return
    try:
        client = await async_fleet_client(hass, entry.data, FleetClient)
        await async_remove_monitors(client, entry)
    except (PsaError, CertificateError) as err:
        _LOGGER.warning("Could not delete the fleet's push monitors at the API: %s", err)
