"""Fixtures and a driver for fleet (B2B v3) entries against the simulator's mTLS listener."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, replace
from pathlib import Path
import ssl
from typing import Any

from homeassistant.config_entries import ConfigEntry, ConfigFlowResult
from homeassistant.const import CONF_CLIENT_ID, CONF_PASSWORD, CONF_USERNAME
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
import pytest
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.psa_connected_car.const import DOMAIN
from simulator.b2b.pki import Credential
from simulator.config import SimulatorConfig
from simulator.testing import RunningSimulator


@pytest.fixture
def simulator_config(simulator_config: SimulatorConfig) -> SimulatorConfig:
    """A fleet of a thermic, an electric and a hybrid car, and a fleet without cars."""
    return replace(simulator_config, fleets=(3, 0), rate_limit=0)


@pytest.fixture
async def quiet_refusals(hass: HomeAssistant) -> None:
    """The simulator's TLS listener reports each handshake it refuses (or a client gave up,
    as when a test jumps the clock by days) to the loop's exception handler, which the test
    harness turns into a failure: those are expected."""
    loop = asyncio.get_running_loop()
    harness = loop.get_exception_handler()

    def handler(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        refused = isinstance(context.get("exception"), ssl.SSLError | ConnectionError)
        if refused and "incoming connection" in str(context.get("message")):
            return
        if harness is not None:
            harness(loop, context)

    loop.set_exception_handler(handler)


@dataclass
class FleetFlow:
    """Drives the fleet steps of the config flow with the simulator's partner material."""

    hass: HomeAssistant
    running: RunningSimulator
    client_factory: ClientSessionGenerator
    folder: Path

    def credentials(self, **changes: str) -> dict[str, str]:
        """The fleet form, right unless ``changes`` say otherwise."""
        return {
            CONF_CLIENT_ID: self.running.b2b_client_id,
            CONF_USERNAME: self.running.b2b_basic_user,
            CONF_PASSWORD: self.running.b2b_basic_password,
            "api_base": self.running.b2b_base_url,
        } | changes

    async def upload(self, name: str, text: str) -> str:
        """Upload ``text`` as a file the way the frontend does; its file id."""
        path = self.folder / name
        path.write_text(text)
        client = await self.client_factory()
        with path.open("rb") as handle:
            response = await client.post("/api/file_upload", data={"file": handle})
        assert response.status == 200
        return str((await response.json())["file_id"])

    async def certificate(
        self, credential: Credential | None = None, *, key_pem: str | None = None, ca: bool = True
    ) -> dict[str, str]:
        """The certificate step's uploads (the simulator's accepted client by default)."""
        cert_pem = credential.cert_pem if credential else self.running.b2b_client_cert_pem
        key = key_pem or (credential.key_pem if credential else self.running.b2b_client_key_pem)
        uploads = {
            "cert_file": await self.upload("client.crt", cert_pem),
            "key_file": await self.upload("client.key", key),
        }
        if ca:
            uploads["ca_file"] = await self.upload("ca.crt", self.running.b2b_ca_pem)
        return uploads

    async def start(self) -> ConfigFlowResult:
        """The user step with the fleet connection: the fleet form."""
        result = await self.hass.config_entries.flow.async_init(DOMAIN, context={"source": "user"})
        result = await self.hass.config_entries.flow.async_configure(
            result["flow_id"],
            {"brand": "peugeot", "country": "FR", "connection": "fleet", "advanced": {}},
        )
        assert result["step_id"] == "fleet", result
        return result

    async def to_pick(self, credential: Credential | None = None) -> ConfigFlowResult:
        """Credentials and certificate accepted: the fleet choice."""
        result = await self.start()
        result = await self.hass.config_entries.flow.async_configure(
            result["flow_id"], self.credentials()
        )
        assert result["step_id"] == "fleet_certificate", result
        result = await self.hass.config_entries.flow.async_configure(
            result["flow_id"], await self.certificate(credential)
        )
        assert result["step_id"] == "fleet_pick", result
        return result

    async def entry(
        self, fleet_index: int = 0, credential: Credential | None = None
    ) -> ConfigEntry:
        """A whole fleet entry, set up."""
        result = await self.to_pick(credential)
        result = await self.hass.config_entries.flow.async_configure(
            result["flow_id"], {"fleet_id": self.running.fleet_ids[fleet_index]}
        )
        assert result["type"] is FlowResultType.CREATE_ENTRY, result
        await self.hass.async_block_till_done()
        entry: ConfigEntry = result["result"]
        return entry

    async def allow_commands(self, entry: ConfigEntry, commands: list[str]) -> None:
        """The options: general ones as they are, then the commands the contract allows."""
        options = self.hass.config_entries.options
        result = await options.async_init(entry.entry_id)
        assert result["step_id"] == "init", result
        schema = result["data_schema"]
        assert schema is not None
        suggested = {
            str(key): key.description["suggested_value"]
            for key in schema.schema
            if key.description and "suggested_value" in key.description
        }
        result = await options.async_configure(result["flow_id"], suggested)
        assert result["step_id"] == "fleet_commands", result
        result = await options.async_configure(result["flow_id"], {"fleet_commands": commands})
        assert result["type"] is FlowResultType.CREATE_ENTRY, result
        await self.hass.async_block_till_done(wait_background_tasks=True)


@pytest.fixture
def fleet_flow(
    hass: HomeAssistant,
    running: RunningSimulator,
    hass_client: ClientSessionGenerator,
    tmp_path: Path,
) -> FleetFlow:
    """A driver of the fleet steps."""
    folder = tmp_path / "pem"
    folder.mkdir()
    return FleetFlow(hass, running, hass_client, folder)
