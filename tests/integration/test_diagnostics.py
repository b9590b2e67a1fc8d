"""Config entry diagnostics: useful, and free of personal data and secrets."""

from __future__ import annotations

from collections.abc import Iterator
import json
from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator
from syrupy.assertion import SnapshotAssertion
from syrupy.filters import props

from custom_components.psa_connected_car.api import EnergyKind
from custom_components.psa_connected_car.diagnostics import _jsonable
from simulator.identities import DEMO_USER
from simulator.testing import RunningSimulator

Setup = tuple[ConfigEntry, RunningSimulator]
COORDINATE_KEYS = {"latitude", "longitude", "altitude_m", "coordinates"}
REDACTED = "**REDACTED**"


@pytest.fixture(autouse=True)
async def diagnostics_first(hass: HomeAssistant) -> None:
    """Register the diagnostics views before the login starts the HTTP server."""
    assert await async_setup_component(hass, "diagnostics", {})


@pytest.mark.usefixtures("frozen")
async def test_diagnostics(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    snapshot: SnapshotAssertion,
    setup_integration: Setup,
) -> None:
    entry, _ = setup_integration
    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, entry)
    # The simulator's port and the budget's wait change from run to run.
    assert diagnostics == snapshot(exclude=props("api_base", "idp_base", "blocked_for"))


async def test_diagnostics_leak_nothing_personal(
    hass: HomeAssistant, hass_client: ClientSessionGenerator, setup_integration: Setup
) -> None:
    entry, running = setup_integration
    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, entry)
    text = json.dumps(diagnostics)

    truth = running.sim.truth()
    cars = running.sim.vehicles_of(DEMO_USER)
    secrets = [
        DEMO_USER,
        entry.title,
        str(entry.unique_id),
        entry.data["token"]["access_token"],
        entry.data["token"]["refresh_token"],
    ]
    for vehicle_id in cars:
        secrets += [vehicle_id, truth[vehicle_id]["vin"]]
        secrets += [alert["id"] for alert in truth[vehicle_id]["active_alerts"]]
        secrets += [str(truth[vehicle_id]["latitude"]), str(truth[vehicle_id]["longitude"])]
    for secret in secrets:
        assert secret not in text
    assert "@" not in text
    located = dict(_leaves(diagnostics))
    assert located, "positions are listed, redacted"
    assert set(located.values()) == {REDACTED}


def _leaves(node: Any, key: str = "") -> Iterator[tuple[str, Any]]:
    """Every (path, value) whose key names a coordinate, anywhere in the tree."""
    if isinstance(node, dict):
        for name, value in node.items():
            yield from _leaves(value, f"{key}.{name}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _leaves(value, f"{key}[{index}]")
    elif key.rsplit(".", 1)[-1] in COORDINATE_KEYS:
        yield key, node


async def test_diagnostics_tell_what_the_integration_sees(
    hass: HomeAssistant, hass_client: ClientSessionGenerator, setup_integration: Setup
) -> None:
    entry, _ = setup_integration
    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, entry)

    assert diagnostics["rate_budget"]["limit"] == 120
    assert 0 <= diagnostics["rate_budget"]["remaining"] < 120
    assert diagnostics["coordinator"]["last_update_success"] is True
    vehicles = diagnostics["vehicles"]
    assert [v["vehicle"]["motorization"] for v in vehicles] == ["Thermic", "Electric", "Hybrid"]
    electric = vehicles[1]["status"]["electric"]
    assert electric["charging"]["status"] == "InProgress"
    assert isinstance(electric["charging"]["remaining_time"], float)
    assert vehicles[0]["status"]["position"]["latitude"] == "**REDACTED**"
    assert entry.data["brand"] == diagnostics["entry"]["data"]["brand"]


def test_jsonable_keeps_plain_values() -> None:
    assert _jsonable({"a": (1, {2}), "kind": EnergyKind.FUEL}) == {"a": [1, [2]], "kind": "Fuel"}
