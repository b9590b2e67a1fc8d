"""Client certificate files: private from the first byte, and never left behind."""

from __future__ import annotations

from collections.abc import Iterator
import logging
import os
from pathlib import Path

from homeassistant.config_entries import ConfigEntry, ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
import pytest
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.psa_connected_car.const import DOMAIN

from . import flow_support, push_support
from .certs import make_certificate
from .conftest import FlowDriver, user_input
from .push_support import our_callbacks, park_fleet, settle

own_upload_folder = flow_support.own_upload_folder
own_config_dir = flow_support.own_config_dir
pytestmark = pytest.mark.usefixtures("own_config_dir")
simulator_config = push_support.simulator_config
external_url = push_support.external_url


@pytest.fixture
def open_umask() -> Iterator[None]:
    """No umask: only the modes the integration asks for protect the files."""
    previous = os.umask(0)
    yield
    os.umask(previous)


async def _upload(client_factory: ClientSessionGenerator, path: Path) -> str:
    client = await client_factory()
    with path.open("rb") as handle:
        response = await client.post("/api/file_upload", data={"file": handle})
    assert response.status == 200
    return str((await response.json())["file_id"])


async def _pair(client_factory: ClientSessionGenerator, folder: Path, name: str) -> dict[str, str]:
    cert, key = make_certificate(folder, name)
    return {
        "cert_file": await _upload(client_factory, cert),
        "key_file": await _upload(client_factory, key),
    }


async def _certificate_step(hass: HomeAssistant, flow: FlowDriver) -> str:
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": "user"})
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], user_input(flow.running)
    )
    assert result["step_id"] == "certificate"
    return str(result["flow_id"])


def _flow_folder(hass: HomeAssistant, flow_id: str) -> Path:
    return Path(hass.config.path(".storage", DOMAIN, flow_id))


async def _entry_with_certificate(
    hass: HomeAssistant, flow: FlowDriver, client_factory: ClientSessionGenerator, tmp: Path
) -> ConfigEntry:
    flow_id = await _certificate_step(hass, flow)
    external = await hass.config_entries.flow.async_configure(
        flow_id, await _pair(client_factory, tmp, "client")
    )
    result = await flow.browser_login(external)
    assert result["type"] is FlowResultType.CREATE_ENTRY, result
    await settle(hass, flow.running)
    entry: ConfigEntry = result["result"]
    return entry


@pytest.mark.usefixtures("open_umask")
async def test_stored_files_and_folders_are_private(
    hass: HomeAssistant, flow: FlowDriver, hass_client: ClientSessionGenerator, tmp_path: Path
) -> None:
    entry = await _entry_with_certificate(hass, flow, hass_client, tmp_path)
    stored = entry.data["certificate"]
    folder = Path(stored["key_file"]).parent
    for path in stored.values():
        assert Path(path).stat().st_mode & 0o777 == 0o600
    assert folder.stat().st_mode & 0o777 == 0o700
    assert folder.parent.stat().st_mode & 0o777 == 0o700
    assert entry.state is ConfigEntryState.LOADED


@pytest.mark.usefixtures("external_url")
async def test_removal_deletes_the_callback_and_the_key(
    hass: HomeAssistant,
    flow: FlowDriver,
    hass_client: ClientSessionGenerator,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    park_fleet(flow.running)
    entry = await _entry_with_certificate(hass, flow, hass_client, tmp_path)
    assert our_callbacks(flow.running, entry), "push registered a callback"
    folder = Path(entry.data["certificate"]["key_file"]).parent

    with caplog.at_level(logging.WARNING):
        await hass.config_entries.async_remove(entry.entry_id)
        await hass.async_block_till_done()

    assert our_callbacks(flow.running, entry) == []
    assert not folder.exists()
    assert "Session is closed" not in caplog.text
    assert "Traceback" not in caplog.text


@pytest.mark.usefixtures("external_url")
async def test_removal_deletes_the_key_even_when_the_api_is_unreachable(
    hass: HomeAssistant,
    flow: FlowDriver,
    hass_client: ClientSessionGenerator,
    tmp_path: Path,
) -> None:
    park_fleet(flow.running)
    entry = await _entry_with_certificate(hass, flow, hass_client, tmp_path)
    folder = Path(entry.data["certificate"]["key_file"]).parent
    await flow.running.app.shutdown()  # the API stops answering
    await flow.running.app.cleanup()

    await hass.config_entries.async_remove(entry.entry_id)
    await hass.async_block_till_done()

    assert not folder.exists()


async def test_files_of_a_refused_upload_are_deleted(
    hass: HomeAssistant, flow: FlowDriver, hass_client: ClientSessionGenerator, tmp_path: Path
) -> None:
    flow_id = await _certificate_step(hass, flow)
    cert, _key = make_certificate(tmp_path, "one")
    _cert, other_key = make_certificate(tmp_path, "two")
    mismatch = {
        "cert_file": await _upload(hass_client, cert),
        "key_file": await _upload(hass_client, other_key),
    }
    result = await hass.config_entries.flow.async_configure(flow_id, mismatch)
    assert result["errors"] == {"base": "certificate_key_mismatch"}
    assert not _flow_folder(hass, flow_id).exists()


async def test_files_of_an_abandoned_flow_are_deleted(
    hass: HomeAssistant, flow: FlowDriver, hass_client: ClientSessionGenerator, tmp_path: Path
) -> None:
    flow_id = await _certificate_step(hass, flow)
    result = await hass.config_entries.flow.async_configure(
        flow_id, await _pair(hass_client, tmp_path, "client")
    )
    assert result["type"] is FlowResultType.EXTERNAL_STEP
    assert _flow_folder(hass, flow_id).exists()

    hass.config_entries.flow.async_abort(flow_id)
    await hass.async_block_till_done()

    assert not _flow_folder(hass, flow_id).exists()


async def test_reconfigure_with_a_new_certificate_deletes_the_old_one(
    hass: HomeAssistant, flow: FlowDriver, hass_client: ClientSessionGenerator, tmp_path: Path
) -> None:
    entry = await _entry_with_certificate(hass, flow, hass_client, tmp_path)
    old_folder = Path(entry.data["certificate"]["key_file"]).parent

    result = await flow.reconfigure(entry)
    assert result["step_id"] == "certificate"
    external = await hass.config_entries.flow.async_configure(
        result["flow_id"], await _pair(hass_client, tmp_path, "renewed")
    )
    result = await flow.browser_login(external)
    assert result["reason"] == "reconfigure_successful"
    await hass.async_block_till_done()

    new_folder = Path(entry.data["certificate"]["key_file"]).parent
    assert new_folder != old_folder
    assert new_folder.exists()
    assert not old_folder.exists()
    assert entry.state is ConfigEntryState.LOADED


async def test_a_damaged_key_stops_the_setup_with_a_clear_reason(
    hass: HomeAssistant, flow: FlowDriver, hass_client: ClientSessionGenerator, tmp_path: Path
) -> None:
    entry = await _entry_with_certificate(hass, flow, hass_client, tmp_path)
    Path(entry.data["certificate"]["key_file"]).write_text("damaged", encoding="utf-8")

    await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()

    assert entry.state is ConfigEntryState.SETUP_ERROR
    assert entry.reason is not None
    assert "upload them again" in entry.reason
