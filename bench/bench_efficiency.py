"""1. Efficiency: a realistic day (two trips per car), our coordinator next to the baseline.

Both poll the same simulated world (same cars, same trips) with different client ids, so
neither takes from the other's rate limit; the baseline's requests are counted on its side
and subtracted from the simulator's total to get ours.
"""

from __future__ import annotations

import time

import pytest

from .baseline import BaselinePoller
from .env import BenchEnv
from .harness import OURS, bench_config, open_stack, realistic_day
from .results import say, write_part

HOURS = 24.0


@pytest.mark.parametrize("cars", [1, 5])
async def test_efficiency(
    bench_env: BenchEnv,
    cars: int,
) -> None:
    wall = time.perf_counter()
    async with open_stack(bench_env, bench_config(cars)) as h:
        baseline = h.baseline = BaselinePoller(h.host.running)
        await baseline.start()
        start = h.vt.monotonic()  # midnight (plus the seconds setup took)
        baseline.due_at = start
        h.window_start = start
        h.schedule(realistic_day(h.cars, start))
        ours_before, base_before = h.api_requests(), baseline.api_requests
        await h.run_until(start + HOURS * 3600)
        total = h.api_requests() - ours_before
        base = baseline.api_requests - base_before
        stats = h.host.call(h.sim.stats)
        car_hours = cars * HOURS
        result = {
            "cars": cars,
            "hours": HOURS,
            "trips": 2 * cars,
            "requests_per_car_hour": {
                OURS: (total - base) / car_hours,
                "baseline": base / car_hours,
            },
            "requests": {OURS: total - base, "baseline": base},
            "ours_routes": stats["requests"],
            "baseline_routes": dict(baseline.requests),
            "baseline_statuses": {str(k): v for k, v in baseline.responses.items()},
            "rate_limited": stats["rate_limited"],
            "staleness": {
                poller: {
                    quantity: {
                        phase: h.samples.summary(poller, quantity, phase)
                        for phase in ("driving", "parked")
                    }
                    for quantity in ("position", "level", "age")
                }
                for poller in (OURS, "baseline")
            },
            "refreshes": len(h.refreshes),
            "reads": dict(h.reads),
            "budget_wait_s": h.vt.budget_wait_s,
            "wall_s": time.perf_counter() - wall,
        }
    write_part(f"efficiency_{cars}", result)
    share = result["requests_per_car_hour"][OURS] / result["requests_per_car_hour"]["baseline"]
    say(
        bench_env.capsys,
        f"\nefficiency {cars} car(s): ours {result['requests_per_car_hour'][OURS]:.1f} req/car-h,"
        f" baseline {result['requests_per_car_hour']['baseline']:.1f} ({share:.0%}),"
        f" driving position p95 ours {result['staleness'][OURS]['position']['driving']['p95']}"
        f" s vs {result['staleness']['baseline']['position']['driving']['p95']} s"
        f" ({result['wall_s']:.0f} s wall)",
    )
