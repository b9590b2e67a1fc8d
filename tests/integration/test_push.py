"""Push updates: registration lifecycle at the API, and pushed events reaching entities.

The simulator delivers real HTTP POSTs to Home Assistant's webhook (see ``push_support``).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
import logging

from homeassistant.config_entries import ConfigEntryDisabler
from homeassistant.const import STATE_OFF, STATE_ON, STATE_UNAVAILABLE
from homeassistant.core import Event, EventStateChangedData, HomeAssistant, callback
import pytest
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.psa_connected_car.const import EVENT_ALERT
from custom_components.psa_connected_car.coordinator import PsaCoordinator
from simulator.faults import FaultSpec

from . import push_support
from .push_support import (
    LABEL_PREFIX,
    Setup,
    api_calls,
    cars,
    entity_id,
    monitors_of,
    our_callbacks,
    push_issue,
    settle,
)

simulator_config = push_support.simulator_config
external_url = push_support.external_url
push_setup = push_support.push_setup


def _coordinator(setup: Setup) -> PsaCoordinator:
    coordinator: PsaCoordinator = setup[0].runtime_data.coordinator
    return coordinator


async def test_registration_creates_our_callback_and_monitors(
    hass: HomeAssistant, push_setup: Setup, external_url: str
) -> None:
    entry, running = push_setup
    [callback] = our_callbacks(running, entry)
    assert len(running.sim.push.callbacks) == 1
    hook = callback.webhook
    assert hook is not None
    assert hook["target"] == f"{external_url}/api/webhook/{entry.data['webhook_id']}"
    headers = {a["key"]: a["value"] for a in hook["attributes"] if a["type"] == "Header"}
    assert headers["Authorization"].startswith("Basic ")
    assert len(entry.data["webhook_id"]) == 64
    assert len(entry.data["push_secret"]) == 64
    thermic, electric, hybrid = cars(running)
    labels = {
        car: sorted(m.parameter["label"] for m in monitors)
        for car, monitors in monitors_of(running, callback.id).items()
    }
    assert labels == {
        thermic: ["ha alerts", "ha fuel_below 15", "ha status 60s"],
        electric: ["ha alerts", "ha battery_below 20", "ha status 60s"],
        hybrid: ["ha alerts", "ha battery_below 20", "ha fuel_below 15", "ha status 60s"],
    }
    assert sorted(entry.data["push_vehicles"]) == sorted(cars(running))
    coordinator = _coordinator(push_setup)
    assert coordinator.push_safety_interval == timedelta(minutes=30)
    assert push_issue(hass, entry) is None


async def test_pushed_alert_updates_entities_and_fires_events_without_polling(
    hass: HomeAssistant, push_setup: Setup
) -> None:
    _entry, running = push_setup
    car = cars(running)[1]  # the electric car: one tyre alert at the start
    alert_sensor = entity_id(hass, running, car, "binary_sensor", "alert")
    count_sensor = entity_id(hass, running, car, "sensor", "active_alerts")
    critical = entity_id(hass, running, car, "binary_sensor", "critical_alert")
    before = int(hass.states.get(count_sensor).state)  # type: ignore[union-attr]
    events: list[Event] = []
    hass.bus.async_listen(EVENT_ALERT, events.append)
    calls = api_calls(running)

    alert_id = running.sim.raise_alert(car, "EngineOilPressureFailure", "Critical")
    await settle(hass, running)

    assert hass.states.get(count_sensor).state == str(before + 1)  # type: ignore[union-attr]
    assert hass.states.get(alert_sensor).state == STATE_ON  # type: ignore[union-attr]
    assert hass.states.get(critical).state == STATE_ON  # type: ignore[union-attr]
    assert [(e.data["type"], e.data["state"]) for e in events] == [
        ("EngineOilPressureFailure", "raised")
    ]
    assert events[0].data["vehicle_id"] == car
    assert api_calls(running) == calls  # nothing read from the API

    # The alerts monitor fires when an alert appears; an ended one shows at the next poll.
    running.sim.clear_alert(car, alert_id)
    await settle(hass, running)
    assert hass.states.get(critical).state == STATE_ON  # type: ignore[union-attr]
    await _coordinator(push_setup).async_refresh_all()
    await hass.async_block_till_done()
    assert hass.states.get(critical).state == STATE_OFF  # type: ignore[union-attr]
    assert [e.data["state"] for e in events] == ["raised", "cleared"]


async def test_pushed_status_change_updates_entities(
    hass: HomeAssistant, push_setup: Setup
) -> None:
    _entry, running = push_setup
    car = cars(running)[0]
    moving = entity_id(hass, running, car, "binary_sensor", "moving")
    assert hass.states.get(moving).state == STATE_OFF  # type: ignore[union-attr]
    coordinator = _coordinator(push_setup)
    assert coordinator.push_safety_interval == timedelta(minutes=30)
    calls = api_calls(running)
    calls_when_on: list[dict[str, int]] = []

    @callback
    def _on_change(event: Event[EventStateChangedData]) -> None:
        new = event.data["new_state"]
        if event.data["entity_id"] == moving and new is not None and new.state == STATE_ON:
            calls_when_on.append(api_calls(running))

    hass.bus.async_listen("state_changed", _on_change)
    running.sim.start_trip(car, duration_s=600, speed_kmh=50)
    await settle(hass, running)

    assert hass.states.get(moving).state == STATE_ON  # type: ignore[union-attr]
    assert calls_when_on == [calls]  # the push alone switched it on
    # A trip: the cars that are due are read now (none: the push brought the driver's
    # status and every car was read a moment ago), then the driving car every minute (push
    # stays on); parked again: safety polling.
    assert coordinator.push_safety_interval == timedelta(minutes=30)
    assert coordinator.cadence == timedelta(seconds=60)
    assert api_calls(running)["getVehicleStatus"] == calls["getVehicleStatus"]
    running.sim.advance(3600)
    await settle(hass, running)  # the trip's end is pushed
    assert hass.states.get(moving).state == STATE_OFF  # type: ignore[union-attr]
    assert coordinator.push_safety_interval == timedelta(minutes=30)


async def test_while_one_car_drives_push_keeps_the_parked_cars_at_their_own_cadence(
    hass: HomeAssistant, push_setup: Setup
) -> None:
    """Pushes announce trip starts: a parked car need not be read every minute meanwhile."""
    _entry, running = push_setup
    driver, *parked = cars(running)
    coordinator = _coordinator(push_setup)
    running.sim.start_trip(driver, duration_s=1800, speed_kmh=50)
    await settle(hass, running)  # the pushed trip start reads every car once
    assert coordinator.data[driver].is_active
    read_at = {car: coordinator.data[car].refreshed_at for car in cars(running)}

    for _ in range(3):  # a minute later, three times (the driver's last read made older)
        running.sim.advance(60)
        item = coordinator.data[driver]
        assert item.refreshed_at is not None
        a_minute_ago = replace(item, refreshed_at=item.refreshed_at - timedelta(seconds=61))
        coordinator.data = {**coordinator.data, driver: a_minute_ago}
        await coordinator.async_refresh()
        assert coordinator.data[driver].refreshed_at != a_minute_ago.refreshed_at

    assert coordinator.cadence == timedelta(seconds=60)
    assert all(coordinator.data[car].refreshed_at == read_at[car] for car in parked)


async def test_reload_reuses_the_registration(hass: HomeAssistant, push_setup: Setup) -> None:
    entry, running = push_setup
    [callback] = our_callbacks(running, entry)
    monitors = set(running.sim.push.monitors)
    created = api_calls(running).get("createVehicleVehicleMonitor", 0)

    assert await hass.config_entries.async_reload(entry.entry_id)
    await settle(hass, running)

    assert [cb.id for cb in our_callbacks(running, entry)] == [callback.id]
    assert set(running.sim.push.monitors) == monitors
    calls = api_calls(running)
    assert calls.get("createVehicleVehicleMonitor", 0) == created
    assert calls.get("setUsertVehicleRemote", 0) == 1  # the first registration only
    car = cars(running)[0]
    running.sim.raise_alert(car, "AddWasherFluid", "Warning")
    await settle(hass, running)
    assert running.sim.stats()["deliveries"]["failed"] == 0


async def test_stale_registrations_are_replaced_and_foreign_ones_kept(
    hass: HomeAssistant, push_setup: Setup
) -> None:
    entry, running = push_setup
    [callback] = our_callbacks(running, entry)
    client = entry.runtime_data.client
    car = cars(running)[0]
    # A stale callback of ours (an old address), a stray monitor on our callback,
    # and somebody else's callback and monitor.
    stale = await client.create_callback(
        "https://old.example.invalid/api/webhook/x", {}, label=f"{LABEL_PREFIX} {entry.entry_id}"
    )
    foreign = await client.create_callback("https://other.example/hook", {}, label="other app")
    from custom_components.psa_connected_car.api import (  # noqa: PLC0415
        MonitorKind,
        MonitorRequest,
    )

    renamed = await client.create_callback(
        f"https://new.example.invalid/api/webhook/{entry.data['webhook_id']}", {}, label="old"
    )
    stray = await client.create_monitor(
        car, callback.id, MonitorRequest(MonitorKind.ALERTS, "old label")
    )
    theirs = await client.create_monitor(
        car, foreign.id, MonitorRequest(MonitorKind.ALERTS, "their alerts")
    )

    assert await hass.config_entries.async_reload(entry.entry_id)
    await settle(hass, running)

    assert stale.id not in running.sim.push.callbacks
    assert renamed.id not in running.sim.push.callbacks
    assert callback.id in running.sim.push.callbacks
    assert foreign.id in running.sim.push.callbacks
    assert stray.id not in running.sim.push.monitors
    assert theirs.id in running.sim.push.monitors


async def test_removal_deletes_our_registration_only(
    hass: HomeAssistant, push_setup: Setup
) -> None:
    entry, running = push_setup
    foreign = await entry.runtime_data.client.create_callback(
        "https://other.example/hook", {}, label="other app"
    )
    assert our_callbacks(running, entry)

    await hass.config_entries.async_remove(entry.entry_id)
    await hass.async_block_till_done()

    assert our_callbacks(running, entry) == []
    assert list(running.sim.push.callbacks) == [foreign.id]
    assert all(m.callback_id == foreign.id for m in running.sim.push.monitors.values())


async def test_disabling_the_entry_deletes_the_registration(
    hass: HomeAssistant, push_setup: Setup
) -> None:
    entry, running = push_setup
    await hass.config_entries.async_set_disabled_by(entry.entry_id, ConfigEntryDisabler.USER)
    await hass.async_block_till_done()
    assert our_callbacks(running, entry) == []
    assert "push_secret" not in entry.data


async def test_turning_push_off_deletes_the_registration(
    hass: HomeAssistant, push_setup: Setup
) -> None:
    entry, running = push_setup
    result = await hass.config_entries.options.async_init(entry.entry_id)
    schema, placeholders = result["data_schema"], result["description_placeholders"]
    assert schema is not None
    assert placeholders is not None
    suggested = {str(key): key.description for key in schema.schema}
    assert suggested["push"] == {"suggested_value": True}  # on by default with an external URL
    result = await hass.config_entries.options.async_configure(
        result["flow_id"],
        {"update_policy": "automatic", "scan_interval": 300, "alert_locale": "en-gb"}
        | {"push": False},
    )
    await settle(hass, running)

    assert our_callbacks(running, entry) == []
    assert "webhook_id" not in entry.data
    assert _coordinator((entry, running)).push_safety_interval is None


async def test_new_car_gets_monitors(hass: HomeAssistant, push_setup: Setup) -> None:
    entry, running = push_setup
    new_car = running.sim.add_vehicle(motorization="Electric")
    await _coordinator(push_setup).async_refresh_vehicle_list()
    await settle(hass, running)
    [callback] = our_callbacks(running, entry)
    assert len(monitors_of(running, callback.id)[new_car]) == 3
    assert new_car in entry.data["push_vehicles"]


async def test_nothing_secret_in_the_logs(
    hass: HomeAssistant, push_setup: Setup, caplog: pytest.LogCaptureFixture
) -> None:
    entry, running = push_setup
    caplog.set_level(logging.DEBUG, logger="custom_components.psa_connected_car")
    assert await hass.config_entries.async_reload(entry.entry_id)
    for car in cars(running):
        running.sim.raise_alert(car, "AddWasherFluid", "Warning")
    await settle(hass, running)
    text = "\n".join(
        record.getMessage()
        for record in caplog.records
        if record.name.startswith("custom_components.psa_connected_car")
    )
    assert "Push registration ready" in text
    for secret in (entry.data["webhook_id"], entry.data["push_secret"]):
        assert secret not in text
    for truth in running.sim.truth().values():
        assert truth["vin"] not in text


async def test_deselected_cars_lose_their_monitors(hass: HomeAssistant, push_setup: Setup) -> None:
    entry, running = push_setup
    kept, *dropped = cars(running)
    result = await hass.config_entries.options.async_init(entry.entry_id)
    await hass.config_entries.options.async_configure(
        result["flow_id"],
        {"update_policy": "automatic", "scan_interval": 300, "alert_locale": "en-gb"}
        | {"push": True, "vehicles": [kept]},
    )
    await settle(hass, running)
    [callback] = our_callbacks(running, entry)
    assert list(monitors_of(running, callback.id)) == [kept]
    assert entry.data["push_vehicles"] == [kept]
    assert dropped


def test_monitors_follow_the_motorization_without_a_status() -> None:
    from custom_components.psa_connected_car.api import Vehicle  # noqa: PLC0415
    from custom_components.psa_connected_car.push.registration import (  # noqa: PLC0415
        wanted_monitors,
    )
    from custom_components.psa_connected_car.vehicles.data import VehicleData  # noqa: PLC0415

    def labels(motorization: str | None) -> list[str]:
        vehicle = Vehicle("id", "VIN", "Peugeot", "208", motorization)
        return sorted(request.label for request in wanted_monitors(VehicleData(vehicle)))

    assert labels("Electric") == ["ha alerts", "ha battery_below 20", "ha status 60s"]
    assert labels("Thermic") == ["ha alerts", "ha fuel_below 15", "ha status 60s"]
    both = ["ha alerts", "ha battery_below 20", "ha fuel_below 15", "ha status 60s"]
    assert labels("Hybrid") == both
    assert labels(None) == both


async def test_a_new_address_replaces_the_callback(
    hass: HomeAssistant, push_setup: Setup, hass_client_no_auth: ClientSessionGenerator
) -> None:
    entry, running = push_setup
    [old] = our_callbacks(running, entry)
    client = await hass_client_no_auth()  # Home Assistant reachable on another port
    new_base = str(client.make_url("/")).rstrip("/")
    await hass.config.async_update(external_url=new_base)

    assert await hass.config_entries.async_reload(entry.entry_id)
    await settle(hass, running)

    [new] = our_callbacks(running, entry)
    assert new.id != old.id
    assert new.webhook is not None
    assert new.webhook["target"].startswith(new_base)
    car = cars(running)[0]
    running.sim.raise_alert(car, "OilLevelLow", "Warning")
    await settle(hass, running)
    assert running.sim.stats()["deliveries"]["succeeded"] >= 1
    assert running.sim.stats()["deliveries"]["failed"] == 0


async def test_a_push_about_one_car_writes_that_cars_entities_only(
    hass: HomeAssistant, push_setup: Setup, caplog: pytest.LogCaptureFixture
) -> None:
    _entry, running = push_setup
    pushed, other, *_ = cars(running)
    moving = entity_id(hass, running, pushed, "binary_sensor", "moving")
    others = [
        entity_id(hass, running, other, "binary_sensor", "moving"),
        entity_id(hass, running, other, "sensor", "active_alerts"),
    ]
    reported = {entity: hass.states.get(entity).last_reported for entity in others}  # type: ignore[union-attr]

    @callback
    def faulty_listener() -> None:
        raise RuntimeError("a listener that fails")

    _coordinator(push_setup).async_add_listener(faulty_listener)
    running.sim.start_trip(pushed, duration_s=600, speed_kmh=50)
    await settle(hass, running)

    assert hass.states.get(moving).state == STATE_ON  # type: ignore[union-attr]
    # Home Assistant stamps every write, changed or not: the other car's were not written.
    assert {entity: hass.states.get(entity).last_reported for entity in others} == reported  # type: ignore[union-attr]
    assert "Unexpected error updating a listener after a push" in caplog.text


async def test_a_push_after_a_failed_poll_brings_every_car_back(
    hass: HomeAssistant, push_setup: Setup
) -> None:
    _entry, running = push_setup
    pushed, other, *_ = cars(running)
    other_moving = entity_id(hass, running, other, "binary_sensor", "moving")
    coordinator = _coordinator(push_setup)
    running.sim.inject_fault(FaultSpec(kind="shrink_limit", limit=0))
    await coordinator.async_refresh_all()
    assert hass.states.get(other_moving).state == STATE_UNAVAILABLE  # type: ignore[union-attr]
    running.sim.clear_faults()

    running.sim.start_trip(pushed, duration_s=600, speed_kmh=50)
    await settle(hass, running)

    assert coordinator.last_update_success
    assert hass.states.get(other_moving).state == STATE_OFF  # type: ignore[union-attr]
