"""Fixtures that run the integration inside Home Assistant against the simulator."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
import time
from typing import Any

import aiohttp
from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.application_credentials import (
    ClientCredential,
    async_import_client_credential,
)
from homeassistant.config_entries import SOURCE_RECONFIGURE, ConfigEntry, ConfigFlowResult
from homeassistant.const import CONF_CLIENT_ID, CONF_CLIENT_SECRET
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.syrupy import HomeAssistantSnapshotExtension
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator
from syrupy.assertion import SnapshotAssertion
from yarl import URL

from custom_components.psa_connected_car.api import BRANDS
from custom_components.psa_connected_car.clock import DATA_CLOCK, HassClock
from custom_components.psa_connected_car.const import BURST_LIMIT, DOMAIN
from simulator.config import SimulatorConfig
from simulator.identities import (
    DEMO_PASSWORD,
    DEMO_USER,
    PARTNER_CLIENT_ID,
    PARTNER_CLIENT_SECRET,
    mobile_client_id,
    mobile_client_secret,
)
from simulator.testing import RunningSimulator, run_simulator

START_TIME = datetime(2026, 11, 22, 8, 0, tzinfo=UTC)
HA_REDIRECT = "https://example.com/auth/external/callback"
CREDENTIAL_ID = "partner"


@pytest.fixture
def scenario() -> str:
    """The simulator's scenario (parametrize ``scenario`` indirectly to change it)."""
    return "default"


@pytest.fixture
def snapshot(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    """Home Assistant's serializer, into ``snapshots/``."""
    return snapshot.use_extension(HomeAssistantSnapshotExtension)


@pytest.fixture
def frozen(freezer: FrozenDateTimeFactory) -> None:
    """Home Assistant's clock at the simulator's (standing) start time."""
    freezer.move_to(START_TIME)


SLEEP_OVERSHOOT_S = 0.05


class PacedClock(HassClock):
    """Home Assistant's time, plus the waits of the rate budget, which take no real time.

    The client's burst waits run (10 requests, then a wait for the per-second window), but
    skip ahead instead of sleeping, and the simulator counts its burst limit on this same
    clock: the pacing is real, the suite stays fast, and it works under freezegun too (a
    real wait would never end while Home Assistant's loop clock is frozen).
    """

    def __init__(self, hass: HomeAssistant) -> None:
        super().__init__(hass)
        self._skipped = 0.0

    def monotonic(self) -> float:
        """Home Assistant's monotonic time plus the waits skipped so far."""
        return time.monotonic() + self._skipped

    async def sleep(self, seconds: float) -> None:
        """Skip ahead by ``seconds``, and a little more, as a real sleep overshoots.

        The budget counts a request when it lets it go, the simulator when it arrives a few
        milliseconds later: a wait that ended exactly on the window's edge would let the
        simulator see one request too many in its second (and the client retry once).
        """
        self._skipped += max(0.0, seconds) + SLEEP_OVERSHOOT_S
        await asyncio.sleep(0)


@pytest.fixture(autouse=True)
def paced_clock(hass: HomeAssistant) -> PacedClock:
    """The clock of every integration test (see ``PacedClock``)."""
    clock = hass.data[DATA_CLOCK] = PacedClock(hass)
    return clock


@pytest.fixture
def simulator_config(scenario: str, paced_clock: PacedClock) -> SimulatorConfig:
    """Three cars (thermic, electric, hybrid), frozen simulated time; override per test.

    The limits are the API's and the client's: 120 per 60 s, and the integration's own
    per-second burst limit, counted on the client's clock (``PacedClock``).
    """
    return SimulatorConfig(
        vehicles=3,
        seed=1,
        scenario=scenario,
        start_time=START_TIME,
        time_scale=0,
        burst_limit=BURST_LIMIT,
        burst_clock=paced_clock.monotonic,
        autonomous=False,
        partner_redirect_uris=(HA_REDIRECT,),
    )


@pytest.fixture
async def running(
    simulator_config: SimulatorConfig, socket_enabled: None
) -> AsyncIterator[RunningSimulator]:
    """The simulator, serving on 127.0.0.1 in the test's event loop."""
    async with run_simulator(simulator_config) as sim:
        yield sim


@pytest.fixture
async def partner_credentials(hass: HomeAssistant) -> None:
    """The simulator's partner application, registered as application credentials."""
    assert await async_setup_component(hass, "application_credentials", {})
    await async_import_client_credential(
        hass, DOMAIN, ClientCredential(PARTNER_CLIENT_ID, PARTNER_CLIENT_SECRET), CREDENTIAL_ID
    )


def advanced(running: RunningSimulator, brand: str = "peugeot") -> dict[str, str]:
    """The base-URL overrides that point the integration at the simulator."""
    return {"api_base": running.api_base, "idp_base": running.idp_base(BRANDS[brand].tld)}


def user_input(
    running: RunningSimulator,
    *,
    brand: str = "peugeot",
    country: str = "FR",
    connection: str = "partner",
) -> dict[str, Any]:
    """A complete first form."""
    return {
        "brand": brand,
        "country": country,
        "connection": connection,
        "advanced": advanced(running, brand),
    }


@dataclass
class FlowDriver:
    """Drives config flows through the simulator's real login pages."""

    hass: HomeAssistant
    running: RunningSimulator
    client_factory: ClientSessionGenerator

    async def reconfigure(self, entry: ConfigEntry, **changes: Any) -> ConfigFlowResult:
        """Open the entry's reconfigure form and submit it with ``changes`` (brand kept)."""
        result = await self.hass.config_entries.flow.async_init(
            DOMAIN, context={"source": SOURCE_RECONFIGURE, "entry_id": entry.entry_id}
        )
        assert result["step_id"] == "reconfigure"
        form = {key: value for key, value in user_input(self.running).items() if key != "brand"}
        return await self.hass.config_entries.flow.async_configure(
            result["flow_id"], form | changes
        )

    async def browser_login(
        self, result: ConfigFlowResult, username: str = DEMO_USER, consent: bool = True
    ) -> ConfigFlowResult:
        """Log in on the IdP page and follow the redirect back to Home Assistant."""
        assert result["type"] is FlowResultType.EXTERNAL_STEP
        async with aiohttp.ClientSession() as http:
            location = await self.running.login(
                http, result["url"], username=username, password=DEMO_PASSWORD, consent=consent
            )
        callback = URL(location)
        assert callback.path == "/auth/external/callback"
        client = await self.client_factory()
        response = await client.get(f"{callback.path}?{callback.query_string}")
        assert response.status == 200
        return await self.hass.config_entries.flow.async_configure(result["flow_id"])

    async def start_partner(self, **form: Any) -> ConfigFlowResult:
        """User step, then the (empty) certificate step: returns the external step."""
        result = await self.hass.config_entries.flow.async_init(DOMAIN, context={"source": "user"})
        result = await self.hass.config_entries.flow.async_configure(
            result["flow_id"], user_input(self.running, **form)
        )
        assert result["step_id"] == "certificate"
        return await self.hass.config_entries.flow.async_configure(result["flow_id"], {})

    async def partner_entry(self, username: str = DEMO_USER) -> ConfigFlowResult:
        """A whole partner login."""
        return await self.browser_login(await self.start_partner(), username=username)

    async def mobile_code_step(self, brand: str = "peugeot") -> ConfigFlowResult:
        """User step and brand-app credentials: returns the paste-the-address form."""
        result = await self.hass.config_entries.flow.async_init(DOMAIN, context={"source": "user"})
        result = await self.hass.config_entries.flow.async_configure(
            result["flow_id"], user_input(self.running, brand=brand, connection="mobile_app")
        )
        assert result["step_id"] == "mobile_credentials"
        return await self.hass.config_entries.flow.async_configure(
            result["flow_id"],
            {
                CONF_CLIENT_ID: mobile_client_id(brand),
                CONF_CLIENT_SECRET: mobile_client_secret(brand),
            },
        )

    async def mobile_redirect(
        self, result: ConfigFlowResult, username: str = DEMO_USER, consent: bool = True
    ) -> str:
        """Log in with the authorize address the form shows; return the final address."""
        placeholders = result["description_placeholders"]
        assert placeholders is not None, result
        url = placeholders["authorize_url"]

        async with aiohttp.ClientSession() as http:
            return await self.running.login(
                http, url, username=username, password=DEMO_PASSWORD, consent=consent
            )


@pytest.fixture
def flow(
    hass: HomeAssistant,
    running: RunningSimulator,
    hass_client_no_auth: ClientSessionGenerator,
    current_request_with_host: None,
    partner_credentials: None,
) -> FlowDriver:
    """A driver for config flows against the simulator."""
    return FlowDriver(hass, running, hass_client_no_auth)


@pytest.fixture
async def setup_integration(
    hass: HomeAssistant, flow: FlowDriver
) -> tuple[ConfigEntry, RunningSimulator]:
    """An entry created through the partner login, set up and refreshed once."""
    result = await flow.partner_entry()
    assert result["type"] is FlowResultType.CREATE_ENTRY, result
    await hass.async_block_till_done()
    entry = result["result"]
    return entry, flow.running
