"""A transient account-check failure after the login keeps the token and offers a retry."""

from __future__ import annotations

from homeassistant.config_entries import (
    SOURCE_REAUTH,
    ConfigEntry,
    ConfigEntryState,
    ConfigFlowResult,
)
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType

from custom_components.psa_connected_car.const import DOMAIN
from simulator.faults import FaultSpec
from simulator.testing import RunningSimulator

from .conftest import FlowDriver

Setup = tuple[ConfigEntry, RunningSimulator]


def _user_fails(running: RunningSimulator, count: int = 1, status: int = 500) -> None:
    running.sim.inject_fault(
        FaultSpec(kind="error", status=status, count=count, endpoint="getUser")
    )


def _assert_retry_form(result: ConfigFlowResult, error: str = "cannot_connect") -> None:
    assert result["type"] is FlowResultType.FORM, result
    assert result["step_id"] == "account_check"
    assert result["errors"] == {"base": error}
    assert result["description_placeholders"]["brand"] == "Peugeot"
    assert result["data_schema"] is None


async def _retry(hass: HomeAssistant, result: ConfigFlowResult) -> ConfigFlowResult:
    return await hass.config_entries.flow.async_configure(result["flow_id"], {})


async def _reauth(hass: HomeAssistant, entry: ConfigEntry) -> ConfigFlowResult:
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_REAUTH, "entry_id": entry.entry_id}, data=entry.data
    )
    assert result["step_id"] == "reauth_confirm"
    return await hass.config_entries.flow.async_configure(result["flow_id"], {})


async def _mobile_entry(hass: HomeAssistant, flow: FlowDriver) -> ConfigEntry:
    form = await flow.mobile_code_step()
    result = await hass.config_entries.flow.async_configure(
        form["flow_id"], {"redirect_url": await flow.mobile_redirect(form)}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    entry: ConfigEntry = result["result"]
    return entry


# -- partner application ----------------------------------------------------------------


async def _partner_login_with_a_failing_check(flow: FlowDriver) -> ConfigFlowResult:
    """The retry form a partner login ends on when ``/user`` fails once."""
    external = await flow.start_partner()
    _user_fails(flow.running)
    result = await flow.browser_login(external)
    _assert_retry_form(result)
    return result


async def test_partner_setup_retries_after_a_server_error(
    hass: HomeAssistant, flow: FlowDriver
) -> None:
    result = await _partner_login_with_a_failing_check(flow)

    result = await _retry(hass, result)

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "demo@example.com"
    assert result["data"]["token"]["refresh_token"]
    await hass.async_block_till_done()
    assert result["result"].state is ConfigEntryState.LOADED


async def test_second_failure_keeps_the_form(hass: HomeAssistant, flow: FlowDriver) -> None:
    external = await flow.start_partner()
    _user_fails(flow.running, count=2, status=503)
    result = await flow.browser_login(external)
    _assert_retry_form(result)

    result = await _retry(hass, result)
    _assert_retry_form(result)

    result = await _retry(hass, result)
    assert result["type"] is FlowResultType.CREATE_ENTRY


async def test_rate_limited_account_check_shows_the_wait(
    hass: HomeAssistant, flow: FlowDriver
) -> None:
    external = await flow.start_partner()
    flow.running.sim.inject_fault(FaultSpec(kind="shrink_limit", limit=0))
    result = await flow.browser_login(external)
    _assert_retry_form(result, "rate_limited")
    assert int(result["description_placeholders"]["retry_after"]) > 0

    # Submitting too early: still limited, the form stays with the wait.
    result = await _retry(hass, result)
    _assert_retry_form(result, "rate_limited")
    assert int(result["description_placeholders"]["retry_after"]) > 0
    assert not hass.config_entries.async_entries(DOMAIN)


async def test_lasting_failure_on_retry_aborts_the_partner_flow(
    hass: HomeAssistant, flow: FlowDriver
) -> None:
    result = await _partner_login_with_a_failing_check(flow)

    flow.running.sim.inject_fault(FaultSpec(kind="revoke_access", count=5))
    result = await _retry(hass, result)

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "invalid_auth"
    assert not hass.config_entries.async_entries(DOMAIN)


async def test_reauth_survives_a_server_error(
    hass: HomeAssistant, setup_integration: Setup, flow: FlowDriver
) -> None:
    entry, running = setup_integration
    old_refresh = entry.data["token"]["refresh_token"]
    old_runtime = entry.runtime_data
    external = await _reauth(hass, entry)
    _user_fails(running)
    result = await flow.browser_login(external)
    _assert_retry_form(result)
    assert entry.data["token"]["refresh_token"] == old_refresh

    result = await _retry(hass, result)

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_successful"
    assert entry.data["token"]["refresh_token"] != old_refresh
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    assert entry.runtime_data is not old_runtime  # reloaded


async def test_reconfigure_survives_a_server_error(
    hass: HomeAssistant, setup_integration: Setup, flow: FlowDriver
) -> None:
    entry, running = setup_integration
    result = await flow.reconfigure(entry, country="BE")
    external = await hass.config_entries.flow.async_configure(result["flow_id"], {})
    _user_fails(running)
    result = await flow.browser_login(external)
    _assert_retry_form(result)
    assert entry.data["country"] == "fr"

    result = await _retry(hass, result)

    assert result["reason"] == "reconfigure_successful"
    assert entry.data["country"] == "be"


# -- brand mobile-app credentials -------------------------------------------------------


async def _mobile_login_with_a_failing_check(
    hass: HomeAssistant, flow: FlowDriver
) -> tuple[ConfigFlowResult, ConfigFlowResult]:
    """The mobile code form, and the retry form its login ends on (``/user`` failed)."""
    form = await flow.mobile_code_step()
    location = await flow.mobile_redirect(form)
    _user_fails(flow.running)
    result = await hass.config_entries.flow.async_configure(
        form["flow_id"], {"redirect_url": location}
    )
    _assert_retry_form(result)
    return form, result


async def test_mobile_retry_uses_the_token_not_the_code(
    hass: HomeAssistant, flow: FlowDriver
) -> None:
    _form, result = await _mobile_login_with_a_failing_check(hass, flow)

    # The code is spent now: the retry must not exchange it again (invalid_grant).
    result = await _retry(hass, result)

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"]["connection"] == "mobile_app"
    assert result["data"]["token"]["refresh_token"]


async def test_mobile_lasting_failure_on_retry_asks_for_a_new_login(
    hass: HomeAssistant, flow: FlowDriver
) -> None:
    form, result = await _mobile_login_with_a_failing_check(hass, flow)

    flow.running.sim.inject_fault(FaultSpec(kind="revoke_access", count=5))
    result = await _retry(hass, result)

    assert result["step_id"] == "mobile_code"
    assert result["errors"] == {"base": "invalid_auth"}
    assert result["description_placeholders"] == form["description_placeholders"]
    flow.running.sim.clear_faults()
    result = await hass.config_entries.flow.async_configure(
        form["flow_id"], {"redirect_url": await flow.mobile_redirect(form)}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY


async def test_mobile_reauth_survives_a_server_error(hass: HomeAssistant, flow: FlowDriver) -> None:
    entry = await _mobile_entry(hass, flow)
    old_refresh = entry.data["token"]["refresh_token"]
    form = await _reauth(hass, entry)
    assert form["step_id"] == "mobile_code"
    location = await flow.mobile_redirect(form)
    _user_fails(flow.running, count=2, status=502)
    result = await hass.config_entries.flow.async_configure(
        form["flow_id"], {"redirect_url": location}
    )
    _assert_retry_form(result)
    _assert_retry_form(await _retry(hass, result))

    result = await _retry(hass, result)

    assert result["reason"] == "reauth_successful"
    assert entry.data["token"]["refresh_token"] != old_refresh
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
