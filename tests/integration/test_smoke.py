"""Home Assistant loads the integration from this repository."""

from __future__ import annotations

from homeassistant.core import HomeAssistant
from homeassistant.loader import async_get_integration

from custom_components.psa_connected_car.const import DOMAIN


async def test_home_assistant_loads_the_integration(hass: HomeAssistant) -> None:
    integration = await async_get_integration(hass, DOMAIN)
    assert integration.domain == DOMAIN
    assert integration.config_flow is True
    assert integration.is_built_in is False
    assert str(integration.version) == integration.manifest["version"]
    assert (await integration.async_get_component()).__name__ == integration.pkg_path
