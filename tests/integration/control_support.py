"""Helpers of the switch, time and action tests: a command's way to the simulated car.

An action returns once the API handed the command to the car (or refused it); the car
carries it out a few simulated seconds later. Tests start the call as a task, move the
simulated car until it has the command, await the call, look at the entity while the
command is on its way, then let the car finish.

While a blocking service call waits, Home Assistant's ``async_block_till_done`` would wait
for it too: these helpers wait on the simulator and short real sleeps instead.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any

from homeassistant.core import HomeAssistant

from simulator.remotes.model import DONE_AFTER_S
from simulator.testing import RunningSimulator

from .push_support import settle

STEP_S = 0.02
STEPS = 250


async def _until(running: RunningSimulator, condition: Callable[[], bool]) -> None:
    """Let requests and push deliveries run until ``condition`` holds (5 s at most)."""
    for _ in range(STEPS):
        if condition():
            return
        await running.sim.push.drain()
        await asyncio.sleep(STEP_S)
    raise AssertionError("the command did not get there in time")


async def until_sent(
    hass: HomeAssistant,
    running: RunningSimulator,
    car: str,
    call: Coroutine[Any, Any, Any],
) -> None:
    """Run ``call`` while the car gets the command (it has not carried it out yet).

    Raises what the call raised (a refusal, for example).
    """
    delay = running.sim.truth()[car]["remote_delay_s"]
    received = sum(running.sim.truth()[car]["remotes_received"].values())
    task = asyncio.ensure_future(call)
    await _until(
        running,
        lambda: (
            task.done() or sum(running.sim.truth()[car]["remotes_received"].values()) > received
        ),
    )
    running.sim.advance(delay - DONE_AFTER_S)
    await _until(running, task.done)
    try:
        await task
    finally:
        await settle(hass, running)


async def car_finishes(hass: HomeAssistant, running: RunningSimulator) -> None:
    """The car carries the command out; its notifications and the status read follow."""
    running.sim.advance(DONE_AFTER_S + 1)
    await settle(hass, running)
