"""What push tells the rest: the coordinator's state after a delivery, and diagnostics."""

from __future__ import annotations

import json

from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.helpers.update_coordinator import UpdateFailed
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.psa_connected_car.coordinator import PsaCoordinator
from custom_components.psa_connected_car.diagnostics import async_get_config_entry_diagnostics
from simulator.faults import FaultSpec

from . import push_support
from .conftest import FlowDriver
from .push_support import (
    Setup,
    api_calls,
    cars,
    entity_id,
    monitors_of,
    our_callbacks,
    park_fleet,
    settle,
)

simulator_config = push_support.simulator_config
external_url = push_support.external_url
push_setup = push_support.push_setup
REDACTED = "**REDACTED**"


def _coordinator(setup: Setup) -> PsaCoordinator:
    coordinator: PsaCoordinator = setup[0].runtime_data.coordinator
    return coordinator


def _status_reads(setup: Setup) -> int:
    return sum(n for name, n in api_calls(setup[1]).items() if name.endswith("Status"))


async def test_a_delivery_after_a_failed_poll_makes_the_data_fresh(
    hass: HomeAssistant, push_setup: Setup
) -> None:
    """As ``async_set_updated_data`` would (test_coordinator_requests: the poll timer stays)."""
    _entry, running = push_setup
    coordinator = _coordinator(push_setup)
    car = cars(running)[1]
    count_sensor = entity_id(hass, running, car, "sensor", "active_alerts")
    running.sim.inject_fault(FaultSpec(kind="error", status=503, count=100))
    await coordinator.async_refresh_all()  # every car fails
    assert not coordinator.last_update_success
    assert isinstance(coordinator.last_exception, UpdateFailed)
    assert hass.states.get(count_sensor).state == STATE_UNAVAILABLE  # type: ignore[union-attr]
    running.sim.clear_faults()
    reads = _status_reads(push_setup)
    delivered_after = dt_util.utcnow()

    running.sim.raise_alert(car, "EngineOilPressureFailure", "Critical")
    await settle(hass, running)

    assert coordinator.last_update_success
    assert coordinator.last_exception is None
    success_time = coordinator.last_update_success_time
    assert success_time is not None
    assert delivered_after <= success_time <= dt_util.utcnow()
    state = hass.states.get(count_sensor)
    assert state is not None
    assert state.state not in (STATE_UNAVAILABLE, "0")
    assert _status_reads(push_setup) == reads, "the delivery carried its data"


async def test_diagnostics_tell_where_push_stands(
    hass: HomeAssistant, push_setup: Setup, hass_client_no_auth: ClientSessionGenerator
) -> None:
    entry, running = push_setup
    [callback] = our_callbacks(running, entry)
    monitor_ids = [m.id for found in monitors_of(running, callback.id).values() for m in found]
    running.sim.raise_alert(cars(running)[0], "OilLevelLow", "Warning")
    await settle(hass, running)
    client = await hass_client_no_auth()
    refused = await client.post(f"/api/webhook/{entry.data['webhook_id']}", json={})
    assert refused.status == 401

    diagnostics = await async_get_config_entry_diagnostics(hass, entry)

    push = diagnostics["push"]
    assert push["state"] == "active"
    assert push["registered"] is True
    assert push["fallback_to_polling"] is False
    assert push["polling"] == "safety"
    assert push["safety_interval_s"] == 1800
    assert push["callback_id"] == REDACTED
    assert push["monitor_ids"] == REDACTED
    assert push["monitors"] == len(monitor_ids)
    assert push["deliveries_accepted"] >= 1
    assert push["deliveries_refused"] == 1
    assert dt_util.parse_datetime(push["last_delivery"]) is not None
    text = json.dumps(diagnostics)
    for secret in [callback.id, *monitor_ids, entry.data["webhook_id"]]:
        assert secret not in text


async def test_diagnostics_tell_when_push_fell_back_to_polling(
    hass: HomeAssistant, external_url: str, flow: FlowDriver
) -> None:
    running = flow.running
    running.sim.inject_fault(
        FaultSpec(kind="error", status=500, probability=1.0, endpoint="setUsertVehicleRemote")
    )
    park_fleet(running)
    entry = (await flow.partner_entry())["result"]
    await settle(hass, running)

    push = (await async_get_config_entry_diagnostics(hass, entry))["push"]

    assert push["state"] == "failed"
    assert push["registered"] is False
    assert push["fallback_to_polling"] is True
    assert push["polling"] == "normal"
    assert push["callback_id"] is None
    assert push["deliveries_accepted"] == 0
    assert push["last_delivery"] is None
