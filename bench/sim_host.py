"""Where the simulator runs: in Home Assistant's event loop, or in a thread of its own.

In the loop is simple and deterministic. A thread keeps the simulator's CPU out of the
loop thread's ``time.thread_time()``, which is how the CPU cost of a refresh is measured
(the simulator renders documents too; on a shared loop it would count as ours).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import asynccontextmanager
import threading
from typing import Any

from simulator.config import SimulatorConfig
from simulator.core import Simulator
from simulator.testing import RunningSimulator, run_simulator


class SimHost:
    """A running simulator and the way to call into it safely."""

    def __init__(self, running: RunningSimulator, loop: asyncio.AbstractEventLoop | None) -> None:
        self.running = running
        self.sim: Simulator = running.sim
        self._loop = loop  # None: the simulator shares the caller's loop

    @property
    def threaded(self) -> bool:
        """Whether the simulator runs in its own thread."""
        return self._loop is not None

    def call[T](self, fn: Callable[..., T], *args: Any) -> T:
        """Run ``fn(*args)`` where the simulator lives (blocking briefly when threaded)."""
        if self._loop is None:
            return fn(*args)

        async def run() -> T:
            return fn(*args)

        return asyncio.run_coroutine_threadsafe(run(), self._loop).result(timeout=60)

    async def acall[T](self, coro: Callable[[], Coroutine[Any, Any, T]]) -> T:
        """Await a simulator coroutine where the simulator lives (never blocks the loop)."""
        if self._loop is None:
            return await coro()
        return await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(coro(), self._loop))

    async def drain(self) -> None:
        """Wait until the simulator's push sender has nothing due."""
        await self.acall(self.sim.push.drain)


@asynccontextmanager
async def hosted_simulator(config: SimulatorConfig, *, threaded: bool) -> AsyncIterator[SimHost]:
    """Start the simulator (in this loop or in a thread); stop and join it on exit."""
    if not threaded:
        async with run_simulator(config) as running:
            yield SimHost(running, None)
        return
    loop = asyncio.new_event_loop()
    started: asyncio.Future[RunningSimulator] = asyncio.get_running_loop().create_future()
    caller = asyncio.get_running_loop()
    stop = asyncio.Event()

    async def main() -> None:
        try:
            async with run_simulator(config) as running:
                caller.call_soon_threadsafe(started.set_result, running)
                await stop.wait()
        except BaseException as err:  # noqa: BLE001 - handed over to the caller
            if not started.done():
                caller.call_soon_threadsafe(started.set_exception, err)

    thread = threading.Thread(
        target=lambda: loop.run_until_complete(main()), name="bench-simulator", daemon=True
    )
    thread.start()
    try:
        running = await started
        yield SimHost(running, loop)
    finally:
        loop.call_soon_threadsafe(stop.set)
        thread.join(30)
        loop.close()
