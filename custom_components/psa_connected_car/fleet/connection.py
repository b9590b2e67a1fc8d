"""The client of a fleet entry (or of a fleet flow), and what its errors mean to a user."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from homeassistant.const import CONF_CLIENT_ID, CONF_PASSWORD, CONF_USERNAME
from homeassistant.core import HomeAssistant
from homeassistant.helpers.aiohttp_client import async_get_clientsession

from ..api import BRANDS, AuthenticationError, PsaError
from ..api.fleet import FLEET_API_BASE, FleetClient
from ..api.fleet_tls import CertificateRejectedError
from ..const import CONF_API_BASE, CONF_BRAND, CONF_CERTIFICATE, CONF_FLEET_ID
from ..flow.certificates import async_validated_ssl_context
from ..polling.rate_budgets import shared_rate_budget


def fleet_api_base(data: Mapping[str, Any]) -> str:
    """The entry's API base: the one the user typed, else the specification's server."""
    return str(data.get(CONF_API_BASE) or FLEET_API_BASE)


async def async_fleet_client[C: FleetClient](
    hass: HomeAssistant, data: Mapping[str, Any], kind: type[C]
) -> C:
    """A client with the entry's (or flow's) certificate, credentials and fleet.

    Raises the certificate step's ``CertificateError`` when the stored files are unusable.
    """
    ssl_context = await async_validated_ssl_context(data[CONF_CERTIFICATE])
    client_id = str(data[CONF_CLIENT_ID])
    return kind(
        async_get_clientsession(hass),
        BRANDS[data[CONF_BRAND]],
        client_id=client_id,
        username=str(data[CONF_USERNAME]),
        password=str(data[CONF_PASSWORD]),
        ssl_context=ssl_context,
        fleet_id=data.get(CONF_FLEET_ID),
        api_base=fleet_api_base(data),
        rate_budget=shared_rate_budget(hass, client_id),
    )


def fleet_error_key(err: PsaError) -> str:
    """The translation key (flow error, exception) of a failed fleet request."""
    if isinstance(err, CertificateRejectedError):
        return "fleet_certificate_rejected"
    if isinstance(err, AuthenticationError) or err.status in (401, 403):
        return "fleet_invalid_auth"
    return "fleet_cannot_connect"


def auth_failure_key(err: PsaError) -> str:
    """The reason a reauth is asked for: the certificate, or the credentials."""
    if isinstance(err, CertificateRejectedError):
        return "fleet_certificate_rejected"
    return "auth_failed"
