"""The precondition switch against the simulator's remotes."""

from __future__ import annotations

from homeassistant.const import ATTR_ASSUMED_STATE, STATE_OFF, STATE_ON
from homeassistant.core import HomeAssistant

from . import push_support
from .control_support import car_finishes, until_sent
from .push_support import Setup, cars, entity_id
from .remote_support import remote_posts, results

simulator_config = push_support.simulator_config
external_url = push_support.external_url
push_setup = push_support.push_setup


async def _switch(hass: HomeAssistant, entity: str, service: str) -> None:
    await hass.services.async_call("switch", service, {"entity_id": entity}, blocking=True)


async def test_precondition_switch_starts_and_stops_preconditioning(
    hass: HomeAssistant, push_setup: Setup
) -> None:
    """On heats or cools the parked car now, off stops it; the switch shows the car's status."""
    _, running = push_setup
    for car in cars(running):  # every car reports its preconditioning status
        entity_id(hass, running, car, "switch", "precondition")
    thermic = cars(running)[0]
    switch = entity_id(hass, running, thermic, "switch", "precondition")
    assert running.sim.truth()[thermic]["preconditioning"] is False
    assert hass.states.get(switch).state == STATE_OFF
    fired = results(hass)

    await until_sent(hass, running, thermic, _switch(hass, switch, "turn_on"))
    state = hass.states.get(switch)
    assert state.state == STATE_ON
    assert state.attributes.get(ATTR_ASSUMED_STATE) is True
    await car_finishes(hass, running)
    assert running.sim.truth()[thermic]["preconditioning"] is True
    state = hass.states.get(switch)
    assert state.state == STATE_ON
    assert ATTR_ASSUMED_STATE not in state.attributes

    await until_sent(hass, running, thermic, _switch(hass, switch, "turn_off"))
    await car_finishes(hass, running)
    assert running.sim.truth()[thermic]["preconditioning"] is False
    assert hass.states.get(switch).state == STATE_OFF
    assert remote_posts(running) == 2
    assert [(f["kind"], f["result"]) for f in fired] == [
        ("ThermalPreconditioning", "success"),
        ("ThermalPreconditioning", "success"),
    ]


async def test_precondition_refused_while_driving_shows_the_car(
    hass: HomeAssistant, push_setup: Setup
) -> None:
    """The car refuses while in use: the switch is off again, the event says why."""
    _, running = push_setup
    thermic = cars(running)[0]
    switch = entity_id(hass, running, thermic, "switch", "precondition")
    running.sim.start_trip(thermic, duration_s=3600)
    fired = results(hass)
    await until_sent(hass, running, thermic, _switch(hass, switch, "turn_on"))
    assert hass.states.get(switch).state == STATE_ON  # asked; the car has not answered
    await car_finishes(hass, running)
    assert running.sim.truth()[thermic]["preconditioning"] is False
    state = hass.states.get(switch)
    assert state.state == STATE_OFF
    assert ATTR_ASSUMED_STATE not in state.attributes
    assert [(f["result"], f["cause"]) for f in fired] == [("failed", "VehicleInUse")]
