"""The fleet connection's config flow against the simulator's v3 API over real mTLS."""

from __future__ import annotations

from pathlib import Path

from homeassistant.config_entries import SOURCE_REAUTH, SOURCE_RECONFIGURE, ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
import pytest

from custom_components.psa_connected_car.api.fleet import FLEET_API_BASE
from custom_components.psa_connected_car.const import DOMAIN

from . import fleet_b2b_support, flow_support
from .fleet_b2b_support import FleetFlow

own_upload_folder = flow_support.own_upload_folder
own_config_dir = flow_support.own_config_dir
simulator_config = fleet_b2b_support.simulator_config
quiet_refusals = fleet_b2b_support.quiet_refusals
fleet_flow = fleet_b2b_support.fleet_flow
pytestmark = pytest.mark.usefixtures("own_config_dir")


async def _certificate_step(fleet_flow: FleetFlow, **changes: str) -> str:
    result = await fleet_flow.start()
    result = await fleet_flow.hass.config_entries.flow.async_configure(
        result["flow_id"], fleet_flow.credentials(**changes)
    )
    assert result["step_id"] == "fleet_certificate"
    return str(result["flow_id"])


async def test_fleet_entry_is_created_for_the_chosen_fleet(
    hass: HomeAssistant, fleet_flow: FleetFlow
) -> None:
    result = await fleet_flow.start()
    assert result["description_placeholders"] == {"api_base_default": FLEET_API_BASE}
    result = await fleet_flow.to_pick()
    full, empty = fleet_flow.running.fleet_ids
    options = result["data_schema"].schema["fleet_id"].config["options"]
    assert [option["value"] for option in options] == [full, empty]
    entry = await fleet_flow.entry()
    assert entry.unique_id == full
    assert entry.data["fleet_id"] == full
    assert entry.data["connection"] == "fleet"
    assert entry.state is ConfigEntryState.LOADED
    assert set(entry.runtime_data.coordinator.data) == set(fleet_flow.running.fleet_vehicles(full))
    folder = Path(entry.data["certificate"]["cert_file"]).parent
    assert folder.is_dir()
    assert (folder / "client.key").stat().st_mode & 0o077 == 0


async def test_one_entry_per_fleet(hass: HomeAssistant, fleet_flow: FleetFlow) -> None:
    await fleet_flow.entry()
    result = await fleet_flow.to_pick()
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"fleet_id": fleet_flow.running.fleet_ids[0]}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"


async def test_a_fleet_without_cars_is_refused(hass: HomeAssistant, fleet_flow: FleetFlow) -> None:
    result = await fleet_flow.to_pick()
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"fleet_id": fleet_flow.running.fleet_ids[1]}
    )
    assert result["step_id"] == "fleet_pick"
    assert result["errors"] == {"base": "fleet_no_vehicles"}


async def test_wrong_password_goes_back_to_the_credentials(
    hass: HomeAssistant, fleet_flow: FleetFlow
) -> None:
    flow_id = await _certificate_step(fleet_flow, password="wrong")
    result = await hass.config_entries.flow.async_configure(flow_id, await fleet_flow.certificate())
    assert result["step_id"] == "fleet"
    assert result["errors"] == {"base": "fleet_invalid_auth"}
    result = await hass.config_entries.flow.async_configure(flow_id, fleet_flow.credentials())
    # The certificate step comes back with the files stored before: nothing to upload again.
    assert result["step_id"] == "fleet_certificate"
    result = await hass.config_entries.flow.async_configure(flow_id, {})
    assert result["step_id"] == "fleet_pick"


@pytest.mark.usefixtures("quiet_refusals")
@pytest.mark.parametrize("kind", ["foreign", "expired"])
async def test_a_refused_certificate_is_said_so(
    hass: HomeAssistant, fleet_flow: FleetFlow, kind: str
) -> None:
    flow_id = await _certificate_step(fleet_flow)
    refused = fleet_flow.running.b2b_client_cert(**{kind: True})
    result = await hass.config_entries.flow.async_configure(
        flow_id, await fleet_flow.certificate(refused)
    )
    assert result["step_id"] == "fleet_certificate"
    assert result["errors"] == {"base": "fleet_certificate_rejected"}
    result = await hass.config_entries.flow.async_configure(flow_id, await fleet_flow.certificate())
    assert result["step_id"] == "fleet_pick"


async def test_unusable_certificate_files(hass: HomeAssistant, fleet_flow: FleetFlow) -> None:
    flow_id = await _certificate_step(fleet_flow)
    mismatched = fleet_flow.running.b2b_mismatched_key_pem()
    result = await hass.config_entries.flow.async_configure(
        flow_id, await fleet_flow.certificate(key_pem=mismatched)
    )
    assert result["errors"] == {"base": "certificate_key_mismatch"}
    result = await hass.config_entries.flow.async_configure(
        flow_id,
        {
            "cert_file": await fleet_flow.upload("bad.crt", "not a certificate"),
            "key_file": await fleet_flow.upload("bad.key", "not a key"),
        },
    )
    assert result["errors"] == {"base": "certificate_unreadable"}


async def test_server_address_and_reachability(hass: HomeAssistant, fleet_flow: FleetFlow) -> None:
    result = await fleet_flow.start()
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], fleet_flow.credentials(api_base="http://api.example/connectedcar/v3")
    )
    assert result["errors"] == {"api_base": "insecure_url"}
    flow_id = await _certificate_step(fleet_flow, api_base="https://127.0.0.1:1/connectedcar/v3")
    result = await hass.config_entries.flow.async_configure(flow_id, await fleet_flow.certificate())
    assert result["step_id"] == "fleet"
    assert result["errors"] == {"base": "fleet_cannot_connect"}


async def test_a_partner_without_fleets(hass: HomeAssistant, fleet_flow: FleetFlow) -> None:
    fleet_flow.running.b2b.book.fleets.clear()
    flow_id = await _certificate_step(fleet_flow)
    result = await hass.config_entries.flow.async_configure(flow_id, await fleet_flow.certificate())
    assert result["step_id"] == "fleet"
    assert result["errors"] == {"base": "fleet_none"}


async def test_reauth_renews_the_password_and_keeps_the_certificate(
    hass: HomeAssistant, fleet_flow: FleetFlow
) -> None:
    entry = await fleet_flow.entry()
    certificate = dict(entry.data["certificate"])
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_REAUTH, "entry_id": entry.entry_id}, data=entry.data
    )
    assert result["step_id"] == "fleet"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], fleet_flow.credentials()
    )
    assert result["step_id"] == "fleet_certificate"
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {})
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_successful"
    assert entry.data["certificate"] == certificate
    assert Path(certificate["cert_file"]).is_file()


async def test_reconfigure_replaces_the_certificate(
    hass: HomeAssistant, fleet_flow: FleetFlow
) -> None:
    entry = await fleet_flow.entry()
    old_folder = Path(entry.data["certificate"]["cert_file"]).parent
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_RECONFIGURE, "entry_id": entry.entry_id}
    )
    assert result["step_id"] == "fleet"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], fleet_flow.credentials()
    )
    renewed = fleet_flow.running.b2b_client_cert(days=400)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], await fleet_flow.certificate(renewed)
    )
    assert result["reason"] == "reconfigure_successful"
    await hass.async_block_till_done()
    new_file = Path(entry.data["certificate"]["cert_file"])
    assert new_file.read_text() == renewed.cert_pem
    assert not old_folder.exists()
    assert entry.state is ConfigEntryState.LOADED


async def test_reconfigure_refuses_credentials_that_no_longer_see_the_fleet(
    hass: HomeAssistant, fleet_flow: FleetFlow
) -> None:
    entry = await fleet_flow.entry()
    fleet_flow.running.b2b.book.fleets.pop(entry.unique_id)
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_RECONFIGURE, "entry_id": entry.entry_id}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], fleet_flow.credentials()
    )
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {})
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "fleet_not_listed"


async def test_reauth_with_certificate_files_gone_asks_for_new_ones(
    hass: HomeAssistant, fleet_flow: FleetFlow
) -> None:
    entry = await fleet_flow.entry()
    Path(entry.data["certificate"]["key_file"]).write_text("damaged")
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_REAUTH, "entry_id": entry.entry_id}, data=entry.data
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], fleet_flow.credentials()
    )
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {})
    assert result["step_id"] == "fleet_certificate"
    assert result["errors"] == {"base": "certificate_unreadable"}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], await fleet_flow.certificate()
    )
    assert result["reason"] == "reauth_successful"


async def test_credentials_refused_while_choosing_the_fleet(
    hass: HomeAssistant, fleet_flow: FleetFlow
) -> None:
    result = await fleet_flow.to_pick()
    fleet_flow.running.b2b.password = "changed meanwhile"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"fleet_id": fleet_flow.running.fleet_ids[0]}
    )
    assert result["step_id"] == "fleet_pick"
    assert result["errors"] == {"base": "fleet_invalid_auth"}
