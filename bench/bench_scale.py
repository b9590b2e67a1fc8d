"""2. Scale: 1, 10, 50, 100 cars on one account, every car driving, the limit at 120 / 60 s.

The bound is what the rate limit allows at best: reading every car once takes
``cars * 2 calls / (2 requests per second)`` seconds, so no poller reading status and alerts
can show a driving car's data fresher than that (at 100 cars: 100 s). The integration reads
a driving car's alerts every 5 minutes only, so a read costs it fewer calls; the bound at
its measured calls per read is given too (the stricter comparison).
"""

from __future__ import annotations

import time

import pytest

from custom_components.psa_connected_car.const import CALLS_PER_VEHICLE_CYCLE

from .env import BenchEnv
from .harness import OURS, Trip, bench_config, open_stack
from .results import say, write_part

LIMIT, WINDOW_S = 120, 60.0
WARMUP_S = 900.0
MEASURE_S = 3600.0


@pytest.mark.parametrize("cars", [1, 10, 50, 100])
async def test_scale(bench_env: BenchEnv, cars: int) -> None:
    """``cars`` driving cars on one account for an hour."""
    wall = time.perf_counter()
    config = bench_config(cars, rate_limit=LIMIT, rate_window=WINDOW_S)
    async with open_stack(bench_env, config) as h:
        limited_at_setup = h.host.call(h.sim.stats)["rate_limited"]
        start = h.vt.monotonic()
        h.schedule(
            [Trip(start + 120 + index * 1.7, car, 3 * 3600, 50) for index, car in enumerate(h.cars)]
        )
        h.window_start = start + WARMUP_S
        await h.run_until(h.window_start)
        requests_before = h.api_requests()
        refreshes_before = len(h.refreshes)
        await h.run_until(h.window_start + MEASURE_S)
        stats = h.host.call(h.sim.stats)
        window_refreshes = h.refreshes[refreshes_before:]
        bound_s = cars * CALLS_PER_VEHICLE_CYCLE / (LIMIT / WINDOW_S)
        requests = h.api_requests() - requests_before
        reads = sum(r.cars_read for r in window_refreshes)
        calls_per_read = requests / reads if reads else float(CALLS_PER_VEHICLE_CYCLE)
        measured_bound_s = cars * calls_per_read / (LIMIT / WINDOW_S)
        position = h.samples.summary(OURS, "position", "driving")
        age = h.samples.summary(OURS, "age", "driving")
        p95 = position["p95"]
        result = {
            "cars": cars,
            "limit": f"{LIMIT}/{WINDOW_S:g}s",
            "peak_window": stats["peak_window"],
            "rate_limited": stats["rate_limited"],
            "rate_limited_at_setup": limited_at_setup,
            "rate_limited_steady": stats["rate_limited"] - limited_at_setup,
            "setup_retries": h.setup_retries,
            "requests_per_car_hour": requests / (cars * MEASURE_S / 3600),
            "calls_per_read": calls_per_read,
            "measured_bound_s": measured_bound_s,
            "p95_over_measured_bound": None if p95 is None else p95 / measured_bound_s,
            "staleness_position_driving": position,
            "staleness_level_driving": h.samples.summary(OURS, "level", "driving"),
            "data_age_driving": age,
            "bound_s": bound_s,
            "p95_over_bound": None if p95 is None else p95 / bound_s,
            "age_p95_over_bound": None if age["p95"] is None else age["p95"] / bound_s,
            "refreshes": len(window_refreshes),
            "cars_read_per_refresh": sum(r.cars_read for r in window_refreshes)
            / max(1, len(window_refreshes)),
            "budget_wait_s": h.vt.budget_wait_s,
            "routes": stats["requests"],
            "wall_s": time.perf_counter() - wall,
        }
    write_part(f"scale_{cars}", result)
    say(
        bench_env.capsys,
        f"\nscale {cars} cars:"
        f" peak {result['peak_window']}/{LIMIT}, 429 {result['rate_limited']}"
        f" (setup {limited_at_setup}), p95 position {p95} s, age p95 {age['p95']} s,"
        f" bound {bound_s:g} s ({result['wall_s']:.0f} s wall)",
    )
