"""A fleet's client certificate: its end announced, its refusal asking for a new one."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import SOURCE_REAUTH, SOURCE_RECONFIGURE, ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import async_fire_time_changed

from custom_components.psa_connected_car.const import DOMAIN
from custom_components.psa_connected_car.fleet.certificate import certificate_end

from . import fleet_b2b_support, flow_support
from .fleet_b2b_support import FleetFlow

own_upload_folder = flow_support.own_upload_folder
own_config_dir = flow_support.own_config_dir
simulator_config = fleet_b2b_support.simulator_config
quiet_refusals = fleet_b2b_support.quiet_refusals
fleet_flow = fleet_b2b_support.fleet_flow
pytestmark = pytest.mark.usefixtures("own_config_dir")


def _issue(hass: HomeAssistant, entry_id: str) -> ir.IssueEntry | None:
    return ir.async_get(hass).async_get_issue(DOMAIN, f"fleet_certificate_expiring_{entry_id}")


async def test_a_certificate_ending_within_30_days_raises_an_issue_until_renewed(
    hass: HomeAssistant, fleet_flow: FleetFlow
) -> None:
    soon = fleet_flow.running.b2b_client_cert(days=20)
    entry = await fleet_flow.entry(credential=soon)
    issue = _issue(hass, entry.entry_id)
    assert issue is not None
    assert issue.translation_key == "fleet_certificate_expiring"
    assert issue.severity is ir.IssueSeverity.WARNING
    placeholders = issue.translation_placeholders or {}
    assert placeholders["fleet"] == entry.title
    assert placeholders["days"] in ("19", "20")

    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_RECONFIGURE, "entry_id": entry.entry_id}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], fleet_flow.credentials()
    )
    renewed = fleet_flow.running.b2b_client_cert(days=365)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], await fleet_flow.certificate(renewed)
    )
    assert result["reason"] == "reconfigure_successful"
    await hass.async_block_till_done()
    assert _issue(hass, entry.entry_id) is None


@pytest.mark.usefixtures("frozen", "quiet_refusals")
async def test_the_certificate_is_checked_every_day(
    hass: HomeAssistant, fleet_flow: FleetFlow, freezer: FrozenDateTimeFactory
) -> None:
    entry = await fleet_flow.entry(credential=fleet_flow.running.b2b_client_cert(days=40))
    assert _issue(hass, entry.entry_id) is None
    freezer.tick(timedelta(days=9))  # 31 days left: nothing yet
    async_fire_time_changed(hass, dt_util.utcnow())
    await hass.async_block_till_done()
    assert _issue(hass, entry.entry_id) is None
    freezer.tick(timedelta(days=2))  # the next daily check finds 29 days left
    async_fire_time_changed(hass, dt_util.utcnow())
    await hass.async_block_till_done()
    assert _issue(hass, entry.entry_id) is not None


async def test_removing_the_entry_removes_its_issue(
    hass: HomeAssistant, fleet_flow: FleetFlow
) -> None:
    entry = await fleet_flow.entry(credential=fleet_flow.running.b2b_client_cert(days=10))
    assert _issue(hass, entry.entry_id) is not None
    assert await hass.config_entries.async_remove(entry.entry_id)
    await hass.async_block_till_done()
    assert _issue(hass, entry.entry_id) is None


@pytest.mark.usefixtures("quiet_refusals")
async def test_a_certificate_refused_at_runtime_asks_for_a_new_one(
    hass: HomeAssistant, fleet_flow: FleetFlow
) -> None:
    entry = await fleet_flow.entry()
    foreign = fleet_flow.running.b2b_client_cert(foreign=True)
    Path(entry.data["certificate"]["cert_file"]).write_text(foreign.cert_pem)
    Path(entry.data["certificate"]["key_file"]).write_text(foreign.key_pem)
    await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.SETUP_ERROR
    assert entry.error_reason_translation_key == "fleet_certificate_rejected"
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [flow["context"]["source"] for flow in flows] == [SOURCE_REAUTH]
    assert flows[0]["step_id"] == "fleet"


async def test_damaged_certificate_files_stop_the_entry_with_the_reason(
    hass: HomeAssistant, fleet_flow: FleetFlow
) -> None:
    entry = await fleet_flow.entry()
    Path(entry.data["certificate"]["key_file"]).write_text("damaged")
    await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.SETUP_ERROR
    assert entry.error_reason_translation_key == "certificate_unreadable"


def test_an_unreadable_certificate_has_no_end_date(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    assert certificate_end(tmp_path / "missing.crt") is None
    assert "end date could not be read" in caplog.text
