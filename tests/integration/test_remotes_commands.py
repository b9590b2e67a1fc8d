"""Commands with push: refusals as translated errors, one in flight, the wake-up limit."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from homeassistant.const import ATTR_ENTITY_ID
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import device_registry as dr
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import async_capture_events

from custom_components.psa_connected_car.api.remotes import FAILURE_CAUSES, RemoteKind
from custom_components.psa_connected_car.const import DOMAIN
from custom_components.psa_connected_car.remotes.errors import snake
from custom_components.psa_connected_car.remotes.wakeups import next_month_start
from simulator.remotes.machine import Injection

from . import push_support
from .conftest import PacedClock
from .push_support import Setup, cars, entity_id, settle
from .remote_support import commander, pump, remote_posts, results, run_command

simulator_config = push_support.simulator_config
external_url = push_support.external_url
push_setup = push_support.push_setup


def _press(hass: HomeAssistant, button: str) -> asyncio.Future[None]:
    return asyncio.ensure_future(
        hass.services.async_call("button", "press", {ATTR_ENTITY_ID: button}, blocking=True)
    )


@pytest.mark.parametrize("cause", sorted(FAILURE_CAUSES))
async def test_every_refusal_is_its_translated_error(
    hass: HomeAssistant, push_setup: Setup, cause: str
) -> None:
    entry, running = push_setup
    thermic = cars(running)[0]
    running.sim.remotes.inject(thermic, Injection(cause))
    fired = results(hass)
    horn = entity_id(hass, running, thermic, "button", "horn")
    with pytest.raises(HomeAssistantError) as refused:
        await run_command(
            hass,
            running,
            hass.services.async_call("button", "press", {ATTR_ENTITY_ID: horn}, blocking=True),
        )
    assert refused.value.translation_key == f"remote_failed_{snake(cause)}"
    assert [(f["kind"], f["result"], f["cause"]) for f in fired] == [("Horn", "failed", cause)]
    last = commander(entry).last_result(thermic, RemoteKind.HORN)
    assert last is not None
    assert last.failure_cause == cause


async def test_a_second_press_is_refused_without_a_request(
    hass: HomeAssistant, push_setup: Setup
) -> None:
    _entry, running = push_setup
    thermic = cars(running)[0]
    lights = entity_id(hass, running, thermic, "button", "lights")
    first = _press(hass, lights)
    await pump(running)
    assert remote_posts(running) == 1
    with pytest.raises(HomeAssistantError) as second:
        await hass.services.async_call("button", "press", {ATTR_ENTITY_ID: lights}, blocking=True)
    assert second.value.translation_key.startswith("remote_in_progress")
    assert remote_posts(running) == 1
    running.sim.advance(60)
    await pump(running)
    await first
    await settle(hass, running)
    assert remote_posts(running) == 1


async def test_wake_up_limit_refuses_until_next_month(
    hass: HomeAssistant, push_setup: Setup, paced_clock: PacedClock
) -> None:
    entry, running = push_setup
    thermic = cars(running)[0]
    running.sim.remotes.wake_up_limit = 0
    wake = entity_id(hass, running, thermic, "button", "wake_up")
    with pytest.raises(HomeAssistantError) as limited:
        await run_command(
            hass,
            running,
            hass.services.async_call("button", "press", {ATTR_ENTITY_ID: wake}, blocking=True),
        )
    assert limited.value.translation_key == "remote_failed_too_many_wake_ups_over_month"
    assert remote_posts(running) == 1
    with pytest.raises(HomeAssistantError) as refused:
        await hass.services.async_call("button", "press", {ATTR_ENTITY_ID: wake}, blocking=True)
    assert refused.value.translation_key == "remote_wake_up_limit"
    first_of_next = next_month_start(dt_util.utcnow())
    assert refused.value.translation_placeholders == {"until": first_of_next.date().isoformat()}
    assert remote_posts(running) == 1  # refused here, without a request
    # The integration's clock (the test's own) moves to the first of next month.
    later = first_of_next + timedelta(seconds=1)
    paced_clock.utcnow = lambda: later  # type: ignore[method-assign]
    running.sim.remotes.wake_up_limit = 20
    assert commander(entry).wakeups.blocked_until(thermic) is None
    again = _press(hass, wake)
    await pump(running)
    assert remote_posts(running) == 2
    running.sim.advance(60)
    await pump(running)
    await again
    sensor = entity_id(hass, running, thermic, "sensor", "wake_ups")
    await entry.runtime_data.coordinator.async_refresh_all()
    await settle(hass, running)
    assert hass.states.get(sensor).state == "1"


async def test_a_failed_command_fires_the_command_failed_trigger_of_that_car(
    hass: HomeAssistant, push_setup: Setup
) -> None:
    """An automation on a car's "Command failed" runs once, with the cause; not on success."""
    entry, running = push_setup
    thermic = cars(running)[0]
    vin = running.sim.truth()[thermic]["vin"]
    device = dr.async_get(hass).async_get_device_by_identifier((DOMAIN, vin), entry.entry_id)
    assert device is not None
    automation = {
        "triggers": {
            "platform": "device",
            "domain": DOMAIN,
            "device_id": device.id,
            "type": "command_failed",
        },
        "actions": {
            "event": "test_command_failed",
            "event_data": {"cause": "{{ trigger.event.data.cause }}"},
        },
    }
    assert await async_setup_component(hass, "automation", {"automation": automation})
    ran = async_capture_events(hass, "test_command_failed")
    horn = entity_id(hass, running, thermic, "button", "horn")

    await run_command(
        hass,
        running,
        hass.services.async_call("button", "press", {ATTR_ENTITY_ID: horn}, blocking=True),
    )
    await settle(hass, running)
    assert ran == []

    running.sim.remotes.inject(thermic, Injection("VehicleInUse"))
    with pytest.raises(HomeAssistantError):
        await run_command(
            hass,
            running,
            hass.services.async_call("button", "press", {ATTR_ENTITY_ID: horn}, blocking=True),
        )
    await hass.async_block_till_done()
    assert [event.data["cause"] for event in ran] == ["VehicleInUse"]
