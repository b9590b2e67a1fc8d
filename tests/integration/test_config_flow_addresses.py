"""Server addresses and defaults of the first form; the options' migration to 1.2."""

from __future__ import annotations

from homeassistant.config_entries import ConfigEntry, ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
import pytest

from custom_components.psa_connected_car.application_credentials import (
    async_get_description_placeholders,
)
from custom_components.psa_connected_car.const import ALERT_LOCALES, DOMAIN, api_locale
from simulator.testing import RunningSimulator

from .conftest import FlowDriver, user_input

Setup = tuple[ConfigEntry, RunningSimulator]
PLAIN_REMOTE = "http://api.example.com/connectedcar/v4"


async def _user_form(hass: HomeAssistant) -> dict:
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": "user"})
    assert result["step_id"] == "user"
    return result


@pytest.mark.parametrize("field", ["api_base", "idp_base"])
async def test_plain_http_to_another_host_is_refused(
    hass: HomeAssistant, flow: FlowDriver, field: str
) -> None:
    result = await _user_form(hass)
    form = user_input(flow.running)
    form["advanced"][field] = PLAIN_REMOTE
    result = await hass.config_entries.flow.async_configure(result["flow_id"], form)
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "insecure_url"}


@pytest.mark.parametrize(
    "address",
    ["http://localhost:8080/api", "http://127.0.0.2:8080/api", "http://[::1]:8080/api"],
)
async def test_plain_http_to_this_machine_is_accepted(
    hass: HomeAssistant, flow: FlowDriver, address: str
) -> None:
    result = await _user_form(hass)
    form = user_input(flow.running)
    form["advanced"]["api_base"] = address
    result = await hass.config_entries.flow.async_configure(result["flow_id"], form)
    assert result["step_id"] == "certificate"


async def test_https_to_another_host_is_accepted(hass: HomeAssistant, flow: FlowDriver) -> None:
    result = await _user_form(hass)
    form = user_input(flow.running)
    form["advanced"]["api_base"] = "https://api.example.com/connectedcar/v4"
    result = await hass.config_entries.flow.async_configure(result["flow_id"], form)
    assert result["step_id"] == "certificate"


async def test_reconfigure_refuses_plain_http_to_another_host(
    hass: HomeAssistant, setup_integration: Setup, flow: FlowDriver
) -> None:
    entry, _running = setup_integration
    result = await flow.reconfigure(entry, advanced={"idp_base": PLAIN_REMOTE})
    assert result["errors"] == {"base": "insecure_url"}
    assert result["description_placeholders"]["idp_base_example"].startswith("https://")
    assert entry.data["idp_base"] == flow.running.idp_base("peugeot.com")


async def test_connection_defaults_to_brand_app_credentials(
    hass: HomeAssistant, flow: FlowDriver
) -> None:
    result = await _user_form(hass)
    connection = next(key for key in result["data_schema"].schema if key == "connection")
    assert connection.default() == "mobile_app"


async def test_forms_give_the_example_addresses_as_placeholders(
    hass: HomeAssistant, flow: FlowDriver
) -> None:
    result = await _user_form(hass)
    placeholders = result["description_placeholders"]
    assert placeholders["api_base_example"].startswith("https://")
    assert placeholders["idp_base_example"].startswith("https://")
    dialog = await async_get_description_placeholders(hass)
    assert dialog["my_redirect_url"].startswith("https://")
    assert dialog["partner_program_url"].startswith("https://")


def test_every_alert_language_round_trips_to_the_api_spelling() -> None:
    for locale in ALERT_LOCALES:
        assert api_locale(locale.lower()) == locale
        assert api_locale(locale) == locale
    assert api_locale(None) is None
    assert api_locale("") is None
    assert api_locale("DE") == "de"


async def test_older_entries_keep_their_alert_language(
    hass: HomeAssistant, setup_integration: Setup
) -> None:
    """Options stored as ``de-DE`` before 1.2 become ``de-de``; alerts stay German."""
    entry, _running = setup_integration
    unique_id = entry.unique_id
    hass.config_entries.async_update_entry(
        entry, options={**entry.options, "alert_locale": "de-DE"}, minor_version=1
    )
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()

    assert entry.state is ConfigEntryState.LOADED
    assert entry.minor_version == 2
    assert entry.options["alert_locale"] == "de-de"
    assert entry.unique_id == unique_id
    messages = [
        alert.message
        for data in entry.runtime_data.coordinator.data.values()
        for alert in data.alerts
    ]
    assert "Waschwasser nachfüllen" in messages

    result = await hass.config_entries.options.async_init(entry.entry_id)
    suggested = {str(key): key.description for key in result["data_schema"].schema}
    assert suggested["alert_locale"] == {"suggested_value": "de-de"}


async def test_an_entry_from_a_newer_version_is_not_migrated(
    hass: HomeAssistant, setup_integration: Setup
) -> None:
    entry, _running = setup_integration
    await hass.config_entries.async_unload(entry.entry_id)
    hass.config_entries.async_update_entry(entry, version=2)
    assert not await hass.config_entries.async_setup(entry.entry_id)
    assert entry.state is ConfigEntryState.MIGRATION_ERROR


@pytest.mark.parametrize(
    ("country", "expected"), [("fr", "fr-fr"), ("be", "fr-fr"), ("at", "de-de"), ("se", "en-gb")]
)
async def test_alert_language_defaults_to_the_country(
    hass: HomeAssistant, setup_integration: Setup, country: str, expected: str
) -> None:
    entry, _running = setup_integration
    hass.config_entries.async_update_entry(
        entry, data={**entry.data, "country": country}, options={}
    )
    result = await hass.config_entries.options.async_init(entry.entry_id)
    suggested = {str(key): key.description for key in result["data_schema"].schema}
    assert suggested["alert_locale"] == {"suggested_value": expected}
