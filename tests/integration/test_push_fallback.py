"""Push falls back to polling with a repair issue: no address, failed registration, silence."""

from __future__ import annotations

from datetime import timedelta
import logging

from homeassistant.config_entries import ConfigEntryDisabler
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import async_fire_time_changed

from custom_components.psa_connected_car.coordinator import PsaCoordinator
from custom_components.psa_connected_car.push import manager as push
from custom_components.psa_connected_car.push.registration import CLEANUP_KEY, external_base_url
from simulator.faults import FaultSpec

from . import push_support
from .conftest import FlowDriver
from .push_support import Setup, cars, our_callbacks, park_fleet, push_issue, settle

simulator_config = push_support.simulator_config
external_url = push_support.external_url
push_setup = push_support.push_setup
SAFETY = timedelta(minutes=30)


def _coordinator(setup: Setup) -> PsaCoordinator:
    coordinator: PsaCoordinator = setup[0].runtime_data.coordinator
    return coordinator


async def _park(hass: HomeAssistant, setup: Setup) -> None:
    """Every trip ends (its pushes delivered first, not racing the poll); a poll sees it."""
    setup[1].sim.advance(4 * 3600)
    await settle(hass, setup[1])
    await _coordinator(setup).async_refresh()
    await settle(hass, setup[1])


async def _later(hass: HomeAssistant, setup: Setup, delay: timedelta) -> None:
    async_fire_time_changed(hass, dt_util.utcnow() + delay + timedelta(seconds=1))
    await settle(hass, setup[1])


async def test_failed_registration_polls_raises_an_issue_and_retries(
    hass: HomeAssistant, external_url: str, flow: FlowDriver
) -> None:
    running = flow.running
    running.sim.inject_fault(
        FaultSpec(kind="error", status=500, probability=1.0, endpoint="setUsertVehicleRemote")
    )
    park_fleet(running)
    result = await flow.partner_entry()
    entry = result["result"]
    await settle(hass, running)
    setup = (entry, running)

    issue = push_issue(hass, entry)
    assert issue is not None
    assert issue.translation_key == "push_registration_failed"
    assert issue.severity is ir.IssueSeverity.WARNING
    assert not issue.is_fixable
    assert issue.translation_placeholders is not None
    assert "500" in issue.translation_placeholders["error"]
    assert issue.translation_placeholders["account"] == entry.title
    assert _coordinator(setup).push_safety_interval is None
    assert our_callbacks(running, entry) == []

    running.sim.clear_faults()
    await _later(hass, setup, push.RETRY_INTERVAL)
    assert push_issue(hass, entry) is None
    assert _coordinator(setup).push_safety_interval == SAFETY
    assert len(our_callbacks(running, entry)) == 1


async def test_a_car_driving_without_pushes_falls_back_to_polling(
    hass: HomeAssistant, push_setup: Setup
) -> None:
    entry, running = push_setup
    coordinator = _coordinator(push_setup)
    [callback] = our_callbacks(running, entry)
    callback.status = "Paused"  # the API stops pushing
    car, other, _hybrid = cars(running)
    running.sim.start_trip(car, duration_s=3600, speed_kmh=50)
    running.sim.start_trip(other, duration_s=3600, speed_kmh=50)
    await settle(hass, running)
    assert not coordinator.data[car].is_active  # nothing pushed
    await coordinator.async_refresh_all()  # a safety poll sees the car driving
    assert coordinator.data[car].is_active
    assert push_issue(hass, entry) is None

    await _later(hass, push_setup, push.SILENCE_TIMEOUT)

    issue = push_issue(hass, entry)
    assert issue is not None
    assert issue.translation_key == "push_silent"
    assert issue.translation_placeholders == {"account": entry.title, "minutes": "10"}
    assert coordinator.push_safety_interval is None
    assert coordinator.update_interval == timedelta(seconds=60)  # driving: normal polling

    callback.status = "Running"  # pushes come back
    running.sim.raise_alert(car, "OilLevelLow", "Warning")
    await settle(hass, running)
    assert push_issue(hass, entry) is None
    assert coordinator.push_safety_interval == SAFETY  # push again: the planner does the rest
    assert coordinator.cadence == timedelta(seconds=60)  # still driving
    await _park(hass, push_setup)
    assert coordinator.cadence == SAFETY


async def test_a_late_push_keeps_push_active(hass: HomeAssistant, push_setup: Setup) -> None:
    """A poll saw the car driving first; a push for it came before the timeout."""
    entry, running = push_setup
    [callback] = our_callbacks(running, entry)
    callback.status = "Paused"
    car = cars(running)[0]
    running.sim.start_trip(car, duration_s=3600, speed_kmh=50)
    await _coordinator(push_setup).async_refresh()
    callback.status = "Running"
    running.sim.raise_alert(car, "OilLevelLow", "Warning")
    await settle(hass, running)

    await _later(hass, push_setup, push.SILENCE_TIMEOUT)
    assert push_issue(hass, entry) is None
    await _park(hass, push_setup)
    assert _coordinator(push_setup).push_safety_interval == SAFETY


async def test_a_pushed_trip_start_raises_nothing(hass: HomeAssistant, push_setup: Setup) -> None:
    entry, running = push_setup
    car = cars(running)[0]
    running.sim.start_trip(car, duration_s=3600, speed_kmh=50)
    await settle(hass, running)
    await _coordinator(push_setup).async_refresh()
    await _later(hass, push_setup, push.SILENCE_TIMEOUT)
    assert push_issue(hass, entry) is None


async def test_without_external_url_push_is_off_and_explained(
    hass: HomeAssistant, setup_integration: Setup
) -> None:
    entry, running = setup_integration
    assert running.sim.push.callbacks == {}
    assert "webhook_id" not in entry.data
    assert push_issue(hass, entry) is None
    result = await hass.config_entries.options.async_init(entry.entry_id)
    schema, placeholders = result["data_schema"], result["description_placeholders"]
    assert schema is not None
    assert placeholders is not None
    suggested = {str(key): key.description for key in schema.schema}
    assert suggested["push"] == {"suggested_value": False}

    result = await hass.config_entries.options.async_configure(
        result["flow_id"],
        {"update_policy": "automatic", "scan_interval": 300, "alert_locale": "en-gb"}
        | {"push": True},
    )
    await settle(hass, running)
    issue = push_issue(hass, entry)
    assert issue is not None
    assert issue.translation_key == "push_no_url"
    assert running.sim.push.callbacks == {}
    assert _coordinator(setup_integration).push_safety_interval is None


@pytest.mark.parametrize(
    ("url", "usable"),
    [
        ("https://ha.example.com", True),
        ("http://localhost:8123", True),
        ("http://127.0.0.1:8123", True),
        ("http://[::1]:8123", True),
        ("http://ha.example.com", False),
        ("http://192.168.1.20:8123", False),
        (None, False),
    ],
)
async def test_only_https_or_loopback_addresses_are_used(
    hass: HomeAssistant, url: str | None, usable: bool
) -> None:
    await hass.config.async_update(external_url=url)
    assert (external_base_url(hass) is not None) is usable


async def test_failed_cleanup_keeps_the_secrets(hass: HomeAssistant, push_setup: Setup) -> None:
    entry, running = push_setup
    running.sim.inject_fault(
        FaultSpec(kind="error", status=500, probability=1.0, endpoint="getUsertRemotes")
    )
    await hass.config_entries.async_set_disabled_by(entry.entry_id, ConfigEntryDisabler.USER)
    await hass.async_block_till_done()
    assert "push_secret" in entry.data
    assert len(our_callbacks(running, entry)) == 1


async def test_failed_removal_is_logged(
    hass: HomeAssistant, push_setup: Setup, caplog: pytest.LogCaptureFixture
) -> None:
    entry, running = push_setup
    running.sim.inject_fault(
        FaultSpec(kind="error", status=500, probability=1.0, endpoint="getUsertRemotes")
    )
    await hass.config_entries.async_remove(entry.entry_id)
    await hass.async_block_till_done()
    assert "Could not delete the push registration" in caplog.text


async def test_removal_of_an_unloaded_entry_says_what_stays(
    hass: HomeAssistant, push_setup: Setup, caplog: pytest.LogCaptureFixture
) -> None:
    entry, running = push_setup
    assert await hass.config_entries.async_unload(entry.entry_id)
    hass.data[CLEANUP_KEY].clear()  # as after a restart with the entry not loaded
    caplog.set_level(logging.WARNING)
    await hass.config_entries.async_remove(entry.entry_id)
    await hass.async_block_till_done()
    assert "push registration at the API stays" in caplog.text
    assert len(our_callbacks(running, entry)) == 1


async def test_unload_while_a_retry_is_pending(
    hass: HomeAssistant, external_url: str, flow: FlowDriver
) -> None:
    running = flow.running
    running.sim.inject_fault(
        FaultSpec(kind="error", status=500, probability=1.0, endpoint="getUsertRemotes")
    )
    entry = (await flow.partner_entry())["result"]
    await settle(hass, running)
    assert push_issue(hass, entry) is not None
    assert await hass.config_entries.async_unload(entry.entry_id)
    running.sim.clear_faults()
    async_fire_time_changed(hass, dt_util.utcnow() + push.RETRY_INTERVAL * 2)
    await settle(hass, running)
    assert running.sim.push.callbacks == {}


@pytest.mark.parametrize("explicit", [True, False])
async def test_losing_the_external_address_deletes_the_registration(
    hass: HomeAssistant, push_setup: Setup, explicit: bool
) -> None:
    entry, running = push_setup
    if explicit:
        hass.config_entries.async_update_entry(entry, options={**entry.options, "push": True})
    await hass.config.async_update(external_url=None)
    assert await hass.config_entries.async_reload(entry.entry_id)
    await settle(hass, running)
    assert our_callbacks(running, entry) == []
    assert "push_secret" not in entry.data
    issue = push_issue(hass, entry)
    assert (issue is not None and issue.translation_key == "push_no_url") is explicit


async def test_a_lost_callback_is_registered_again_after_silence(
    hass: HomeAssistant, push_setup: Setup
) -> None:
    entry, running = push_setup
    [callback] = our_callbacks(running, entry)
    engine = running.sim.push
    del engine.callbacks[callback.id]  # the API forgot us
    for monitor_id in [m.id for m in engine.monitors.values() if m.callback_id == callback.id]:
        del engine.monitors[monitor_id]
    car = cars(running)[0]
    running.sim.start_trip(car, duration_s=3600, speed_kmh=50)
    await _coordinator(push_setup).async_refresh_all()  # a safety poll sees the trip

    await _later(hass, push_setup, push.SILENCE_TIMEOUT)

    [again] = our_callbacks(running, entry)
    assert again.id != callback.id
    assert push_issue(hass, entry) is None
    await _park(hass, push_setup)
    assert _coordinator(push_setup).push_safety_interval == SAFETY
