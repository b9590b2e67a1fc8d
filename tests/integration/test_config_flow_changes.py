"""Reauth, reconfigure, options, certificates and the account check's errors."""

from __future__ import annotations

from pathlib import Path
from unittest.mock import patch
import uuid

from homeassistant.config_entries import (
    SOURCE_REAUTH,
    SOURCE_RECONFIGURE,
    ConfigEntry,
    ConfigEntryState,
)
from homeassistant.const import CONF_CLIENT_ID, CONF_CLIENT_SECRET
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
import pytest
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.psa_connected_car.application_credentials import (
    async_get_description_placeholders,
)
from custom_components.psa_connected_car.const import DOMAIN
from simulator.faults import FaultSpec
from simulator.identities import OTHER_USER, mobile_client_id, mobile_client_secret
from simulator.testing import RunningSimulator

from . import flow_support
from .certs import make_certificate
from .conftest import FlowDriver, user_input

own_upload_folder = flow_support.own_upload_folder
Setup = tuple[ConfigEntry, RunningSimulator]


async def _reauth(hass: HomeAssistant, entry: ConfigEntry) -> dict:
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_REAUTH, "entry_id": entry.entry_id}, data=entry.data
    )
    assert result["step_id"] == "reauth_confirm"
    assert result["description_placeholders"]["account"] == entry.title
    return await hass.config_entries.flow.async_configure(result["flow_id"], {})


async def test_reauth_logs_in_again(
    hass: HomeAssistant, setup_integration: Setup, flow: FlowDriver
) -> None:
    entry, _ = setup_integration
    old_refresh = entry.data["token"]["refresh_token"]
    external = await _reauth(hass, entry)
    result = await flow.browser_login(external)
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_successful"
    assert entry.data["token"]["refresh_token"] != old_refresh
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED


async def test_reauth_with_another_account_is_refused(
    hass: HomeAssistant, setup_integration: Setup, flow: FlowDriver
) -> None:
    entry, _ = setup_integration
    old_token = entry.data["token"]
    result = await flow.browser_login(await _reauth(hass, entry), username=OTHER_USER)
    assert result["reason"] == "wrong_account"
    assert entry.data["token"] == old_token


async def test_mobile_login_of_a_configured_account_aborts(
    hass: HomeAssistant, flow: FlowDriver
) -> None:
    for expected in (FlowResultType.CREATE_ENTRY, FlowResultType.ABORT):
        form = await flow.mobile_code_step()
        result = await hass.config_entries.flow.async_configure(
            form["flow_id"], {"redirect_url": await flow.mobile_redirect(form)}
        )
        assert result["type"] is expected
    assert result["reason"] == "already_configured"


async def test_mobile_reauth_goes_straight_to_the_code(
    hass: HomeAssistant, flow: FlowDriver
) -> None:
    form = await flow.mobile_code_step()
    result = await hass.config_entries.flow.async_configure(
        form["flow_id"], {"redirect_url": await flow.mobile_redirect(form)}
    )
    entry = result["result"]
    await hass.async_block_till_done()

    form = await _reauth(hass, entry)
    assert form["step_id"] == "mobile_code"
    result = await hass.config_entries.flow.async_configure(
        form["flow_id"], {"redirect_url": await flow.mobile_redirect(form)}
    )
    assert result["reason"] == "reauth_successful"


async def test_reconfigure_to_brand_app_credentials(
    hass: HomeAssistant, setup_integration: Setup, flow: FlowDriver
) -> None:
    entry, running = setup_integration
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_RECONFIGURE, "entry_id": entry.entry_id}
    )
    assert result["step_id"] == "reconfigure"
    assert result["description_placeholders"]["brand"] == "Peugeot"
    form = {key: value for key, value in user_input(running).items() if key != "brand"}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], form | {"connection": "mobile_app", "country": "DE"}
    )
    assert result["step_id"] == "mobile_credentials"
    form_result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {
            CONF_CLIENT_ID: mobile_client_id("peugeot"),
            CONF_CLIENT_SECRET: mobile_client_secret("peugeot"),
        },
    )
    assert form_result["description_placeholders"]["redirect_uri"] == "mymap://oauth2redirect/de"
    result = await hass.config_entries.flow.async_configure(
        form_result["flow_id"], {"redirect_url": await flow.mobile_redirect(form_result)}
    )
    assert result["reason"] == "reconfigure_successful"
    assert entry.data["connection"] == "mobile_app"
    assert entry.data["country"] == "de"


async def test_reconfigure_rejects_a_bad_address_then_another_account(
    hass: HomeAssistant, setup_integration: Setup, flow: FlowDriver
) -> None:
    entry, running = setup_integration
    bad = await flow.reconfigure(entry, advanced={"idp_base": "nowhere"})
    assert bad["errors"] == {"base": "invalid_url"}
    form = {key: value for key, value in user_input(running).items() if key != "brand"}
    external = await hass.config_entries.flow.async_configure(bad["flow_id"], form)
    assert external["step_id"] == "certificate"
    external = await hass.config_entries.flow.async_configure(bad["flow_id"], {})
    result = await flow.browser_login(external, username=OTHER_USER)
    assert result["reason"] == "wrong_account"


@pytest.mark.parametrize(
    ("fault", "step", "error"),
    [
        (FaultSpec(kind="error", status=503, count=5), "account_check", "cannot_connect"),
        (FaultSpec(kind="html", count=5), "account_check", "cannot_connect"),
        (FaultSpec(kind="revoke_access", count=5), "mobile_code", "invalid_auth"),
    ],
)
async def test_mobile_account_check_errors(
    hass: HomeAssistant, flow: FlowDriver, fault: FaultSpec, step: str, error: str
) -> None:
    form = await flow.mobile_code_step()
    location = await flow.mobile_redirect(form)
    flow.running.sim.inject_fault(fault)
    result = await hass.config_entries.flow.async_configure(
        form["flow_id"], {"redirect_url": location}
    )
    assert result["step_id"] == step
    assert result["errors"] == {"base": error}


async def test_mobile_unexpected_error_is_reported(
    hass: HomeAssistant, flow: FlowDriver, caplog: pytest.LogCaptureFixture
) -> None:
    form = await flow.mobile_code_step()
    location = await flow.mobile_redirect(form)
    with patch(
        "custom_components.psa_connected_car.config_flow.async_check_account",
        side_effect=RuntimeError("boom"),
    ):
        result = await hass.config_entries.flow.async_configure(
            form["flow_id"], {"redirect_url": location}
        )
    assert result["errors"] == {"base": "unknown"}
    assert "Unexpected error" in caplog.text


async def test_mobile_rate_limited_token_exchange(hass: HomeAssistant, flow: FlowDriver) -> None:
    form = await flow.mobile_code_step()
    location = await flow.mobile_redirect(form)
    flow.running.sim.inject_fault(FaultSpec(kind="error", status=429, endpoint="access_token"))
    result = await hass.config_entries.flow.async_configure(
        form["flow_id"], {"redirect_url": location}
    )
    assert result["errors"] == {"base": "rate_limited"}


# -- options -------------------------------------------------------------------------


async def test_options_floor_grows_with_the_fleet(
    hass: HomeAssistant, setup_integration: Setup
) -> None:
    from custom_components.psa_connected_car.polling.planner import minimum_interval_s  # noqa: PLC0415

    assert minimum_interval_s(3, 120, 60) == 30
    assert minimum_interval_s(50, 120, 60) == 63
    assert minimum_interval_s(100, 120, 60) == 125
    entry, _ = setup_integration
    vehicles = list(entry.runtime_data.coordinator.data)
    result = await hass.config_entries.options.async_init(entry.entry_id)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"],
        {
            "update_policy": "automatic",
            "scan_interval": 30,
            "alert_locale": "de-de",
            "push": False,
            "vehicles": vehicles[:1],
        },
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    assert list(entry.runtime_data.coordinator.data) == vehicles[:1]


# -- client certificate ----------------------------------------------------------------


async def _upload(client_factory: ClientSessionGenerator, path: Path) -> str:
    client = await client_factory()
    with path.open("rb") as handle:
        response = await client.post("/api/file_upload", data={"file": handle})
    assert response.status == 200
    return str((await response.json())["file_id"])


async def _certificate_step(hass: HomeAssistant, flow: FlowDriver) -> dict:
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": "user"})
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], user_input(flow.running)
    )
    assert result["step_id"] == "certificate"
    return result


async def test_certificate_upload_is_stored_privately(
    hass: HomeAssistant,
    flow: FlowDriver,
    hass_client: ClientSessionGenerator,
    tmp_path: Path,
) -> None:
    cert, key = make_certificate(tmp_path, "client")
    result = await _certificate_step(hass, flow)
    external = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {
            "cert_file": await _upload(hass_client, cert),
            "key_file": await _upload(hass_client, key),
        },
    )
    assert external["type"] is FlowResultType.EXTERNAL_STEP
    result = await flow.browser_login(external)
    assert result["type"] is FlowResultType.CREATE_ENTRY
    stored = result["data"]["certificate"]
    for path in stored.values():
        assert Path(path).stat().st_mode & 0o777 == 0o600
        assert str(Path(path)).startswith(hass.config.path(".storage", DOMAIN))
    entry = result["result"]
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED

    # A certificate that disappeared later: reauth says so instead of crashing.
    Path(stored["key_file"]).write_text("damaged")
    external = await _reauth(hass, entry)
    result = await flow.browser_login(external)
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "certificate_unreadable"

    await hass.config_entries.async_remove(entry.entry_id)
    await hass.async_block_till_done()
    assert not any(Path(path).exists() for path in stored.values())


async def test_certificate_errors(
    hass: HomeAssistant,
    flow: FlowDriver,
    hass_client: ClientSessionGenerator,
    tmp_path: Path,
) -> None:
    cert, _key = make_certificate(tmp_path, "one")
    _cert, other_key = make_certificate(tmp_path, "two")
    garbage = tmp_path / "garbage.pem"
    garbage.write_text("not a certificate")
    result = await _certificate_step(hass, flow)
    flow_id = result["flow_id"]

    only_cert = {"cert_file": await _upload(hass_client, cert)}
    result = await hass.config_entries.flow.async_configure(flow_id, only_cert)
    assert result["errors"] == {"base": "certificate_incomplete"}

    mismatch = {
        "cert_file": await _upload(hass_client, cert),
        "key_file": await _upload(hass_client, other_key),
    }
    result = await hass.config_entries.flow.async_configure(flow_id, mismatch)
    assert result["errors"] == {"base": "certificate_key_mismatch"}

    unreadable = {
        "cert_file": await _upload(hass_client, garbage),
        "key_file": await _upload(hass_client, other_key),
    }
    result = await hass.config_entries.flow.async_configure(flow_id, unreadable)
    assert result["errors"] == {"base": "certificate_unreadable"}

    stale = {"cert_file": str(uuid.uuid4()), "key_file": str(uuid.uuid4())}
    result = await hass.config_entries.flow.async_configure(flow_id, stale)
    assert result["errors"] == {"base": "certificate_unreadable"}


async def test_credentials_dialog_links_the_partner_program(hass: HomeAssistant) -> None:
    placeholders = await async_get_description_placeholders(hass)
    assert placeholders["partner_program_url"].startswith("https://")
