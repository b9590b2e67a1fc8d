"""Setting up and removing a fleet entry (the parts a consumer entry does not have)."""

from __future__ import annotations

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ConfigEntryError
from homeassistant.helpers import issue_registry as ir

from ..clock import get_clock
from ..const import DOMAIN
from ..coordinator import PsaConfigEntry, PsaCoordinator
from ..flow.certificates import CertificateError
from .batch import BatchingFleetClient, BatchReads
from .certificate import async_check_certificate, async_track_certificate, issue_id
from .connection import async_fleet_client
from .coordinator import FleetCoordinator
from .store import BatchAvailability, async_remove_batch_store


async def async_setup_fleet(hass: HomeAssistant, entry: PsaConfigEntry) -> PsaCoordinator:
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


async def async_remove_fleet(hass: HomeAssistant, entry: PsaConfigEntry) -> None:
    """Forget what a removed fleet entry kept: its batch store and certificate issue."""
    await async_remove_batch_store(hass, entry.entry_id)
    ir.async_delete_issue(hass, DOMAIN, issue_id(entry))
