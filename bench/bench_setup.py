"""3. Setup time, CPU per refresh per car, memory per car (1, 10, 50 cars).

The simulator runs in a thread of its own here, so the loop thread's ``time.thread_time``
is Home Assistant and the integration only (HTTP client, parsing, coordinator, entity
states); ``time.process_time`` (both threads) is given too. CPU is the median over
``CPU_CYCLES`` refreshes with every car driving (every entity changes), per car read.

Setup: the entry created by the login is unloaded, then loaded again and timed from
``async_setup`` to the end of ``async_block_till_done``. In that time the client's rate
budget may wait for its per-second burst window: that wait is on the virtual clock, so it
is reported apart (``budget_wait_s``); in production it adds to the wall time.
"""

from __future__ import annotations

import gc
import statistics
import time
import tracemalloc

import pytest

from .env import BenchEnv
from .harness import Harness, Trip, bench_config, open_stack
from .results import say, write_part

CPU_CYCLES = 30
MEMORY_FRAMES = 30
OURS_FRAMES = ("/custom_components/psa_connected_car/", "/homeassistant/")


async def _until_all_read(h: Harness) -> float:
    """Run refresh cycles until every car has data; virtual seconds it took."""
    start = h.vt.monotonic()
    while h.cars_with_data() < len(h.cars):
        due = h.vt.refresh_due
        assert due is not None
        await h.run_until(due)
    return h.vt.monotonic() - start


@pytest.mark.parametrize("cars", [1, 10, 50])
async def test_setup_and_cpu(
    bench_env: BenchEnv,
    cars: int,
) -> None:
    config = bench_config(cars)
    async with open_stack(bench_env, config, threaded=True) as h:
        hass = h.hass
        h.window_start = float("inf")  # no staleness samples here
        h.vt.advance(120)  # a fresh rate window, as after a restart
        assert await hass.config_entries.async_unload(h.entry.entry_id)
        await hass.async_block_till_done()
        gc.collect()
        waited = h.vt.budget_wait_s
        wall, cpu = time.perf_counter(), time.thread_time()
        assert await hass.config_entries.async_setup(h.entry.entry_id)
        await hass.async_block_till_done()
        setup = {
            "wall_s": time.perf_counter() - wall,
            "thread_cpu_s": time.thread_time() - cpu,
            "budget_wait_s": h.vt.budget_wait_s - waited,
            "cars_with_data": h.cars_with_data(),
            "unavailable_entities": len(h.unavailable_entities()),
        }
        wall = time.perf_counter()
        setup["virtual_s_until_all"] = await _until_all_read(h)
        setup["wall_s_until_all"] = setup["wall_s"] + time.perf_counter() - wall
        setup["unavailable_entities_after"] = len(h.unavailable_entities())

        # CPU: every car driving, so every refresh changes every car's entities.
        now = h.vt.monotonic()
        h.schedule([Trip(now + 1, car, 4 * 3600, 50) for car in h.cars])
        await h.run_until(now + 180)
        gc.collect()
        first = len(h.refreshes)
        await h.run_until(h.vt.monotonic() + CPU_CYCLES * 60)
        measured = [r for r in h.refreshes[first:] if r.cars_read]
        read = sum(r.cars_read for r in measured)
        per_car = [r.thread_cpu_s / r.cars_read for r in measured]
        cpu_figures = {
            "refreshes": len(measured),
            "cars_read": read,
            "thread_cpu_ms_per_car": 1000 * statistics.median(per_car),
            "thread_cpu_ms_per_car_mean": 1000 * sum(r.thread_cpu_s for r in measured) / read,
            "thread_cpu_ms_per_refresh": 1000 * statistics.median(r.thread_cpu_s for r in measured),
            "cars_per_refresh": read / len(measured),
            "process_cpu_ms_per_car": 1000 * sum(r.process_cpu_s for r in measured) / read,
            "wall_ms_per_car": 1000 * sum(r.wall_s for r in measured) / read,
            "entities": len(h.unavailable_entities()) == 0,
        }
    write_part(f"setup_{cars}", {"cars": cars, "setup": setup, "cpu": cpu_figures})
    say(
        bench_env.capsys,
        f"\nsetup {cars} cars: {setup['wall_s'] * 1000:.0f} ms wall"
        f" (+{setup['budget_wait_s']:.1f} s burst waits), {setup['cars_with_data']} cars read;"
        f" CPU {cpu_figures['thread_cpu_ms_per_car']:.2f} ms/car/refresh (loop thread),"
        f" {cpu_figures['process_cpu_ms_per_car']:.2f} ms with the simulator",
    )


def _ours(trace: tracemalloc.Trace) -> bool:
    return any(any(part in frame.filename for part in OURS_FRAMES) for frame in trace.traceback)


def _integration(trace: tracemalloc.Trace) -> bool:
    return any(OURS_FRAMES[0] in frame.filename for frame in trace.traceback)


@pytest.mark.parametrize("cars", [1, 10, 50])
async def test_memory(
    bench_env: BenchEnv,
    cars: int,
) -> None:
    """Python memory still held after setup, allocated from Home Assistant or our code."""
    gc.collect()
    tracemalloc.start(MEMORY_FRAMES)
    try:
        before = tracemalloc.take_snapshot()
        config = bench_config(cars)
        async with open_stack(bench_env, config, threaded=True) as h:
            h.window_start = float("inf")
            await _until_all_read(h)
            gc.collect()
            after = tracemalloc.take_snapshot()
    finally:
        tracemalloc.stop()
    new = {id(t): t for t in after.traces}
    old_total = sum(t.size for t in before.traces if _ours(t))
    held = sum(t.size for t in new.values() if _ours(t)) - old_total
    integration = sum(t.size for t in new.values() if _integration(t)) - sum(
        t.size for t in before.traces if _integration(t)
    )
    write_part(
        f"memory_{cars}",
        {"cars": cars, "held_bytes": held, "integration_bytes": integration},
    )
    say(
        bench_env.capsys,
        f"\nmemory {cars} cars: {held / 1024:.0f} KiB held ({integration / 1024:.0f} KiB ours)",
    )
