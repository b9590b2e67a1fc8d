"""Application credentials of a Stellantis partner application."""

from __future__ import annotations

from homeassistant.components.application_credentials import ClientCredential
from homeassistant.core import HomeAssistant
from homeassistant.helpers.config_entry_oauth2_flow import AbstractOAuth2Implementation

from .api import BRANDS, ConnectionType, endpoints_for
from .auth.oauth import PsaOAuth2Implementation
from .const import MY_REDIRECT_URL, PARTNER_PROGRAM_URL

DEFAULT_BRAND = "peugeot"


async def async_get_auth_implementation(
    hass: HomeAssistant, auth_domain: str, credential: ClientCredential
) -> AbstractOAuth2Implementation:
    """Return the partner implementation; the flow and setup bind it to the chosen brand."""
    brand = BRANDS[DEFAULT_BRAND]
    return PsaOAuth2Implementation(
        hass,
        auth_domain,
        credential.client_id,
        credential.client_secret,
        brand=brand,
        endpoints=endpoints_for(brand, ConnectionType.PARTNER),
    )


async def async_get_description_placeholders(hass: HomeAssistant) -> dict[str, str]:
    """Placeholders for the credentials dialog."""
    return {"partner_program_url": PARTNER_PROGRAM_URL, "my_redirect_url": MY_REDIRECT_URL}
