"""The charge switch and the delayed charge start time, against the simulator's remotes."""

from __future__ import annotations

from homeassistant.const import ATTR_ASSUMED_STATE, STATE_OFF, STATE_ON, STATE_UNKNOWN
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import entity_registry as er
from homeassistant.util import dt as dt_util
import pytest

from custom_components.psa_connected_car.const import DOMAIN
from simulator.remotes.machine import Injection

from . import push_support
from .control_support import car_finishes, until_sent
from .push_support import Setup, cars, entity_id
from .remote_support import remote_posts, results

simulator_config = push_support.simulator_config
external_url = push_support.external_url
push_setup = push_support.push_setup


async def _switch(hass: HomeAssistant, entity: str, service: str) -> None:
    await hass.services.async_call("switch", service, {"entity_id": entity}, blocking=True)


async def test_charge_switch_stops_and_starts_charging(
    hass: HomeAssistant, push_setup: Setup
) -> None:
    """Off stops the charge, on starts it again: the car does it, the switch follows."""
    _, running = push_setup
    electric = cars(running)[1]
    switch = entity_id(hass, running, electric, "switch", "charge")
    assert running.sim.truth()[electric]["charging"] is True
    assert hass.states.get(switch).state == STATE_ON
    fired = results(hass)

    await until_sent(hass, running, electric, _switch(hass, switch, "turn_off"))
    state = hass.states.get(switch)
    assert state.state == STATE_OFF
    assert state.attributes.get(ATTR_ASSUMED_STATE) is True  # asked, not confirmed yet
    assert running.sim.truth()[electric]["charging"] is True

    await car_finishes(hass, running)
    assert running.sim.truth()[electric]["charging"] is False
    state = hass.states.get(switch)
    assert state.state == STATE_OFF
    assert ATTR_ASSUMED_STATE not in state.attributes  # the car's own status now

    await until_sent(hass, running, electric, _switch(hass, switch, "turn_on"))
    await car_finishes(hass, running)
    assert running.sim.truth()[electric]["charging"] is True
    assert hass.states.get(switch).state == STATE_ON
    assert remote_posts(running) == 2
    assert [(f["kind"], f["result"]) for f in fired] == [
        ("ElectricBatteryChargingRequest", "success"),
        ("ElectricBatteryChargingRequest", "success"),
    ]


async def test_second_press_while_pending_is_refused_without_a_request(
    hass: HomeAssistant, push_setup: Setup
) -> None:
    """One charging command per car at a time; the first one still shows and completes."""
    _, running = push_setup
    electric = cars(running)[1]
    switch = entity_id(hass, running, electric, "switch", "charge")
    await until_sent(hass, running, electric, _switch(hass, switch, "turn_off"))
    with pytest.raises(HomeAssistantError) as refused:
        await _switch(hass, switch, "turn_on")
    assert refused.value.translation_key is not None
    assert refused.value.translation_key.startswith("remote_in_progress")
    assert remote_posts(running) == 1
    # The car's next notification rewrites the state: the refused press did not hide the
    # first command's request, still on its way.
    running.sim.advance(1)
    await push_support.settle(hass, running)
    assert running.sim.truth()[electric]["pending_remotes"]
    state = hass.states.get(switch)
    assert state.state == STATE_OFF
    assert state.attributes.get(ATTR_ASSUMED_STATE) is True
    await car_finishes(hass, running)
    assert running.sim.truth()[electric]["charging"] is False
    assert hass.states.get(switch).state == STATE_OFF


async def test_refused_command_shows_the_car_again(hass: HomeAssistant, push_setup: Setup) -> None:
    """A command the car refuses: a translated error, and the switch shows the car again."""
    _, running = push_setup
    electric = cars(running)[1]
    switch = entity_id(hass, running, electric, "switch", "charge")
    running.sim.remotes.inject(electric, Injection("VehicleChargingSystemError", 1, None))
    fired = results(hass)
    with pytest.raises(HomeAssistantError) as refused:  # the action waits for the checks
        await until_sent(hass, running, electric, _switch(hass, switch, "turn_off"))
    assert refused.value.translation_key == "remote_failed_vehicle_charging_system_error"
    await car_finishes(hass, running)
    assert running.sim.truth()[electric]["charging"] is True
    state = hass.states.get(switch)
    assert state.state == STATE_ON
    assert ATTR_ASSUMED_STATE not in state.attributes
    assert [(f["result"], f["cause"]) for f in fired] == [("failed", "VehicleChargingSystemError")]


async def test_delayed_charge_start_is_set(hass: HomeAssistant, push_setup: Setup) -> None:
    """The time entity moves the car's next delayed charge to the next 22:30 local time."""
    _, running = push_setup
    electric = cars(running)[1]
    switch = entity_id(hass, running, electric, "switch", "charge")
    start = entity_id(hass, running, electric, "time", "delayed_charge_start")
    assert hass.states.get(start).state == STATE_UNKNOWN  # charging now: nothing delayed
    await until_sent(hass, running, electric, _switch(hass, switch, "turn_off"))
    await car_finishes(hass, running)
    # Plugged and stopped: the car's own delayed charge is scheduled.
    assert hass.states.get(start).state not in {STATE_UNKNOWN, "22:30:00"}

    await until_sent(
        hass,
        running,
        electric,
        hass.services.async_call(
            "time", "set_value", {"entity_id": start, "time": "22:30"}, blocking=True
        ),
    )
    state = hass.states.get(start)
    assert state.state == "22:30:00"
    assert state.attributes.get(ATTR_ASSUMED_STATE) is True
    # The charge switch shares the command kind but asked nothing: it shows the car.
    assert ATTR_ASSUMED_STATE not in hass.states.get(switch).attributes
    await car_finishes(hass, running)

    local = dt_util.now().replace(hour=22, minute=30, second=0, microsecond=0)
    assert running.sim.truth()[electric]["delayed_charge_time"] == (
        dt_util.as_utc(local).strftime("%H:%M")
    )
    state = hass.states.get(start)
    assert state.state == "22:30:00"  # the car's status, in Home Assistant's time zone
    assert ATTR_ASSUMED_STATE not in state.attributes


async def test_thermic_car_has_no_charging_entities(
    hass: HomeAssistant, push_setup: Setup, entity_registry: er.EntityRegistry
) -> None:
    """No battery, no charge switch and no delayed charge time; the electric car has both."""
    _, running = push_setup
    thermic, electric, _hybrid = cars(running)

    def registered(car: str, platform: str, key: str) -> bool:
        vin = running.sim.truth()[car]["vin"]
        return entity_registry.async_get_entity_id(platform, DOMAIN, f"{vin}_{key}") is not None

    assert not registered(thermic, "switch", "charge")
    assert not registered(thermic, "time", "delayed_charge_start")
    assert registered(electric, "switch", "charge")
    assert registered(electric, "time", "delayed_charge_start")
