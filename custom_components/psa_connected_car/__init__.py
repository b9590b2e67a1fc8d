"""The PSA Connected Car integration (Peugeot, Citroën, DS, Opel, Vauxhall)."""

from __future__ import annotations

import logging

from homeassistant.const import CONF_CLIENT_ID, CONF_CLIENT_SECRET, Platform
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ConfigEntryError, ConfigEntryNotReady
from homeassistant.helpers import config_validation as cv, device_registry as dr
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.config_entry_oauth2_flow import (
    ImplementationUnavailableError,
    async_get_config_entry_implementation,
)
from homeassistant.helpers.typing import ConfigType

from .api import Brand, ConnectionType, Endpoints, PsaClient
from .auth.oauth import PsaOAuth2Implementation, PsaOAuth2Session
from .collisions.reads import async_remove_collisions_store
from .const import (
    CONF_ALERT_LOCALE,
    CONF_CERTIFICATE,
    CONF_CONNECTION,
    CONNECTION_FLEET,
    DOMAIN,
    MOBILE_AUTH_IMPLEMENTATION,
    alert_locale_option,
)
from .coordinator import PsaConfigEntry, PsaCoordinator, PsaRuntimeData
from .fleet.setup import async_remove_fleet, async_setup_fleet, async_start_fleet_push
from .flow.certificates import (
    CertificateError,
    async_remove_certificates,
    async_validated_ssl_context,
    certificate_folder,
)
from .flow.schemas import endpoints_from_setup
from .polling.rate_budgets import shared_rate_budget
from .push.manager import PushManager
from .push.registration import async_remove_push
from .remotes.commander import RemoteCommander
from .remotes.wakeups import async_remove_remotes_store
from .services import async_setup_services
from .trips.reads import async_remove_trips_store

_LOGGER = logging.getLogger(__name__)
PLATFORMS = [
    Platform.BINARY_SENSOR,
    Platform.BUTTON,
    Platform.DEVICE_TRACKER,
    Platform.LOCK,
    Platform.SENSOR,
    Platform.SWITCH,
    Platform.TIME,
]
CONFIG_SCHEMA = cv.config_entry_only_config_schema(DOMAIN)


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    """Register the integration's actions (once, for every entry)."""
    async_setup_services(hass)
    return True


async def async_setup_entry(hass: HomeAssistant, entry: PsaConfigEntry) -> bool:
    """Connect to the account and start polling it."""
    fleet = entry.data[CONF_CONNECTION] == CONNECTION_FLEET
    coordinator: PsaCoordinator
    if fleet:
        coordinator = fleet_coordinator = await async_setup_fleet(hass, entry)
    else:
        coordinator = PsaCoordinator(hass, entry, await _async_client(hass, entry))
    client = coordinator.client
    await coordinator.async_config_entry_first_refresh()
    remotes = RemoteCommander(hass, entry, coordinator)
    await remotes.async_load()
    entry.async_on_unload(remotes.async_stop)
    entry.runtime_data = PsaRuntimeData(client=client, coordinator=coordinator, remotes=remotes)
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    if fleet:
        await async_start_fleet_push(hass, entry, fleet_coordinator, remotes.async_on_event)
        return True
    push = entry.runtime_data.push = remotes.push = PushManager(hass, entry, client, coordinator)
    push.on_remote_event = remotes.async_on_event
    await push.async_start()
    entry.async_on_unload(push.async_stop)
    return True


async def _async_client(hass: HomeAssistant, entry: PsaConfigEntry) -> PsaClient:
    """The consumer (v4) client of a partner or brand-app entry."""
    brand, endpoints, locale = endpoints_from_setup(entry.data)
    implementation = await _async_implementation(hass, entry, brand, endpoints, locale)
    oauth_session = PsaOAuth2Session(hass, entry, implementation)
    session = async_get_clientsession(hass)
    ssl_context = None
    if paths := entry.data.get(CONF_CERTIFICATE):
        try:
            ssl_context = await async_validated_ssl_context(paths)
        except CertificateError as err:
            raise ConfigEntryError(
                translation_domain=DOMAIN, translation_key="certificate_unreadable"
            ) from err
    return PsaClient(
        session,
        brand,
        implementation.client_id,
        oauth_session,
        api_base=endpoints.api_base,
        rate_budget=shared_rate_budget(hass, implementation.client_id),
        ssl_context=ssl_context,
    )


async def _async_implementation(
    hass: HomeAssistant,
    entry: PsaConfigEntry,
    brand: Brand,
    endpoints: Endpoints,
    locale: str,
) -> PsaOAuth2Implementation:
    if entry.data[CONF_CONNECTION] == ConnectionType.MOBILE_APP:
        return PsaOAuth2Implementation(
            hass,
            MOBILE_AUTH_IMPLEMENTATION,
            entry.data[CONF_CLIENT_ID],
            entry.data[CONF_CLIENT_SECRET],
            brand=brand,
            endpoints=endpoints,
            locale=locale,
        )
    try:
        implementation = await async_get_config_entry_implementation(hass, entry)
    except (ImplementationUnavailableError, ValueError) as err:
        raise ConfigEntryNotReady(
            translation_domain=DOMAIN, translation_key="credentials_unavailable"
        ) from err
    if not isinstance(implementation, PsaOAuth2Implementation):
        raise ConfigEntryError(translation_domain=DOMAIN, translation_key="credentials_unavailable")
    return implementation.for_brand(brand, endpoints, locale)


async def async_migrate_entry(hass: HomeAssistant, entry: PsaConfigEntry) -> bool:
    """Bring an older entry to the current version; keep its unique id and everything else."""
    # Home Assistant itself refuses entries of a newer major version (a downgrade).
    if entry.minor_version < 2:
        options = dict(entry.options)
        if locale := options.get(CONF_ALERT_LOCALE):
            options[CONF_ALERT_LOCALE] = alert_locale_option(str(locale))
        hass.config_entries.async_update_entry(entry, options=options, minor_version=2)
    return True


async def async_unload_entry(hass: HomeAssistant, entry: PsaConfigEntry) -> bool:
    """Stop polling and remove the platforms."""
    return await hass.config_entries.async_unload_platforms(entry, PLATFORMS)


async def async_remove_entry(hass: HomeAssistant, entry: PsaConfigEntry) -> None:
    """Delete our push registration at the API (best effort) and, always, the certificate
    and the trips kept for the entry."""
    try:
        await async_remove_push(hass, entry)  # logs and swallows the API's refusals
    finally:
        await async_remove_trips_store(hass, entry.entry_id)
        await async_remove_collisions_store(hass, entry.entry_id)
        await async_remove_remotes_store(hass, entry.entry_id)
        await async_remove_fleet(hass, entry)
        if (folder := certificate_folder(entry.data.get(CONF_CERTIFICATE))) is not None:
            await async_remove_certificates(hass, folder)


async def async_remove_config_entry_device(
    hass: HomeAssistant, entry: PsaConfigEntry, device: dr.DeviceEntry
) -> bool:
    """Let the user delete a car's device once the car left the account."""
    coordinator = entry.runtime_data.coordinator
    return not any(
        identifier[0] == DOMAIN and coordinator.vehicles.is_current(identifier[1])
        for identifier in device.identifiers
    )
