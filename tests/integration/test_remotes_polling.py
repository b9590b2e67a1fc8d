"""Without push: a Remote-only callback, progress polled; a lost answer is never resent."""

from __future__ import annotations

from homeassistant.components.lock import LockState
from homeassistant.config_entries import ConfigEntry
from homeassistant.const import ATTR_ENTITY_ID
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
import pytest

from simulator.faults import FaultSpec
from simulator.testing import RunningSimulator

from .push_support import api_calls, cars, entity_id
from .remote_support import remote_posts, results, run_command, unlock_in_simulator

Setup = tuple[ConfigEntry, RunningSimulator]


@pytest.fixture(autouse=True)
async def unreachable_home(hass: HomeAssistant) -> None:
    """Home Assistant's only address refuses connections: deliveries fail at once."""
    await hass.config.async_update(internal_url="http://127.0.0.1:9")


async def test_lock_by_polling_without_push(hass: HomeAssistant, setup_integration: Setup) -> None:
    entry, running = setup_integration
    running.sim.advance(3600)
    thermic = cars(running)[0]
    await unlock_in_simulator(hass, running, entry, thermic)
    lock = entity_id(hass, running, thermic, "lock", "doors")
    fired = results(hass)
    await run_command(
        hass,
        running,
        hass.services.async_call("lock", "lock", {ATTR_ENTITY_ID: lock}, blocking=True),
        poll=True,
    )
    callbacks = list(running.sim.push.callbacks.values())
    assert [cb.label.endswith(" remotes") for cb in callbacks] == [True]
    assert api_calls(running).get("getRemoteRequestForVhlById", 0) >= 1
    assert [(f["kind"], f["result"]) for f in fired] == [("Doors", "success")]
    assert running.sim.truth()[thermic]["locked"] is True
    assert hass.states.get(lock).state == LockState.LOCKED


async def test_a_lost_answer_is_found_and_never_resent(
    hass: HomeAssistant, setup_integration: Setup
) -> None:
    entry, running = setup_integration
    running.sim.advance(3600)
    thermic = cars(running)[0]
    horn = entity_id(hass, running, thermic, "button", "horn")
    running.sim.inject_fault(FaultSpec(kind="lost_answer", endpoint="sendRemoteToVhl"))
    fired = results(hass)
    await run_command(
        hass,
        running,
        hass.services.async_call("button", "press", {ATTR_ENTITY_ID: horn}, blocking=True),
        poll=True,
    )
    assert remote_posts(running) == 1
    assert api_calls(running).get("getRemoteRequestsForVhl", 0) == 1
    assert [(f["kind"], f["result"]) for f in fired] == [("Horn", "success")]
    assert entry.runtime_data.remotes.adopted == 1


async def test_a_lost_answer_not_found_is_reported_not_resent(
    hass: HomeAssistant, setup_integration: Setup
) -> None:
    _entry, running = setup_integration
    thermic = cars(running)[0]
    horn = entity_id(hass, running, thermic, "button", "horn")
    # The request never reaches the handler's effect: a 504 after a timeout-like refusal of
    # the list too, so the command cannot be found.
    running.sim.inject_fault(FaultSpec(kind="error", status=502, endpoint="sendRemoteToVhl"))
    with pytest.raises(HomeAssistantError) as lost:
        await hass.services.async_call("button", "press", {ATTR_ENTITY_ID: horn}, blocking=True)
    assert lost.value.translation_key == "remote_answer_lost"
    assert remote_posts(running) == 1
    assert api_calls(running).get("getRemoteRequestsForVhl", 0) == 1


@pytest.mark.parametrize(
    ("status", "key"),
    [(429, "remote_rate_limited"), (403, "remote_missing_rights"), (400, "remote_refused")],
)
async def test_an_http_refusal_is_its_translated_error_and_not_resent(
    hass: HomeAssistant, setup_integration: Setup, status: int, key: str
) -> None:
    _entry, running = setup_integration
    thermic = cars(running)[0]
    lights = entity_id(hass, running, thermic, "button", "lights")
    running.sim.inject_fault(FaultSpec(kind="error", status=status, endpoint="sendRemoteToVhl"))
    with pytest.raises(HomeAssistantError) as refused:
        await hass.services.async_call("button", "press", {ATTR_ENTITY_ID: lights}, blocking=True)
    assert refused.value.translation_key == key
    assert remote_posts(running) == 1
    assert api_calls(running).get("getRemoteRequestsForVhl", 0) == 0
