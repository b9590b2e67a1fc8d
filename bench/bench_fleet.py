"""6. A business fleet (issue 17): 500 cars on one fleet entry, the limit at 120 / 60 s.

The fleet entry is made through the config flow (``bench.fleet_stack``). One car in ten
starts a 40-minute trip 2 minutes after setup; after a 10-minute warm-up, 30 simulated
minutes are measured. Once the trips are over (and 5 minutes more), 15 minutes with every
car parked are measured apart (``data_age_fleet_parked``). Run
twice: with the fleet-wide batch reads, and with them switched off at the simulator (410)
before setup, so every car is read with the per-vehicle paths (the entry's remembered
fallback). Data age is ``now - refreshed_at`` of each car's data in the coordinator,
sampled every 30 s for every car. Memory is measured apart (``bench_fleet_memory``).
"""

from __future__ import annotations

import itertools
import os
from pathlib import Path
import time
from typing import Any

import pytest

from .env import BenchEnv
from .fleet_stack import open_fleet_stack
from .harness import OURS, Harness, Samples, Trip, bench_config
from .results import say, write_part
from .truth import percentile

CARS = int(os.environ.get("BENCH_FLEET_CARS") or 500)
LIMIT, WINDOW_S = 120, 60.0
WARMUP_S = 600.0
MEASURE_S = 1800.0
TRIP_S = 2400.0
PARKED_MEASURE_S = 900.0
DRIVING_SHARE = 10
SAMPLE_EVERY_S = 30.0


def fleet_config() -> Any:
    """The simulator of the fleet scenarios."""
    return bench_config(1, fleets=(CARS,), rate_limit=LIMIT, rate_window=WINDOW_S)


def _age(h: Harness, phases: tuple[str, ...]) -> dict[str, float | int | None]:
    values = [v for phase in phases for v in h.samples.values.get((OURS, "age", phase), [])]
    return {
        "n": len(values),
        "p50": percentile(values, 0.5),
        "p95": percentile(values, 0.95),
        "max": max(values) if values else None,
    }


def _intervals(times: list[float]) -> dict[str, float | int | None]:
    gaps = [b - a for a, b in itertools.pairwise(times)]
    return {
        "n": len(gaps),
        "p50": percentile(gaps, 0.5),
        "p95": percentile(gaps, 0.95),
        "max": max(gaps) if gaps else None,
    }


def _v3_routes(stats: dict[str, Any], before: dict[str, int]) -> dict[str, int]:
    return {
        route: n - before.get(route, 0)
        for route, n in stats["requests"].items()
        if n - before.get(route, 0)
    }


@pytest.mark.parametrize("batch", [True, False], ids=["batch", "per_vehicle"])
async def test_fleet(bench_env: BenchEnv, tmp_path: Path, batch: bool) -> None:
    """A fleet of ``CARS`` cars, 30 simulated minutes measured."""
    wall = time.perf_counter()
    async with open_fleet_stack(bench_env, fleet_config(), tmp_path, batch=batch) as (h, setup):
        stats = h.host.call(h.sim.stats)
        limited_at_setup = stats["rate_limited"]
        with_data_after_setup = h.cars_with_data()
        h.sample_every = SAMPLE_EVERY_S
        start = h.vt.monotonic()
        h.window_start = start + WARMUP_S
        h.schedule(
            [
                Trip(start + 120 + index * 1.3, car, TRIP_S, 50)
                for index, car in enumerate(h.cars[::DRIVING_SHARE])
            ]
        )
        await h.run_until(h.window_start)
        cycles: list[float] = []

        async def note_cycle() -> None:
            cycles.append(h.vt.monotonic())

        h.after_refresh.append(note_cycle)
        with_data_at_window = h.cars_with_data()
        routes_before = dict(h.host.call(h.sim.stats)["requests"])
        refreshes_before = len(h.refreshes)
        await h.run_until(h.window_start + MEASURE_S)
        stats = h.host.call(h.sim.stats)
        window = h.refreshes[refreshes_before:]
        routes = _v3_routes(stats, routes_before)
        steady = {  # before the parked phase adds samples, cycles and reads
            "data_age_all": _age(h, ("driving", "parked")),
            "data_age_driving": _age(h, ("driving",)),
            "data_age_parked": _age(h, ("parked",)),
            # Cars whose data a cycle renewed (batch-served cars make no per-car request).
            "cars_read_per_refresh": h.reads["total"] / max(1, len(window)),
            "cycle_interval_s": _intervals(cycles),
        }
        # Then every car parked: trips over, 5 minutes to settle, 15 minutes measured.
        await h.run_until(start + 120 + TRIP_S + 300)
        h.samples = Samples()
        parked_from = len(cycles)
        await h.run_until(h.vt.monotonic() + PARKED_MEASURE_S)
        parked_fleet = _age(h, ("driving", "parked"))
        parked_fleet["cycle_interval_p50_s"] = _intervals(cycles[parked_from:])["p50"]
        result = {
            "cars": CARS,
            "batch": batch,
            "limit": f"{LIMIT}/{WINDOW_S:g}s",
            "setup": {
                "wall_s": setup.wall_s,
                "thread_cpu_s": setup.thread_cpu_s,
                "budget_wait_s": setup.budget_wait_s,
                "requests": setup.requests,
                "cars_with_data": with_data_after_setup,
            },
            "cars_with_data_after_warmup": with_data_at_window,
            "peak_window": stats["peak_window"],
            "rate_limited": stats["rate_limited"],
            "rate_limited_at_setup": limited_at_setup,
            "requests_per_minute": sum(routes.values()) / (MEASURE_S / 60),
            "routes": routes,
            **steady,
            "data_age_fleet_parked": parked_fleet,
            "refreshes": len(window),
            "refresh_wall_ms_p50": percentile([1000 * r.wall_s for r in window], 0.5),
            "refresh_thread_cpu_ms_p50": percentile([1000 * r.thread_cpu_s for r in window], 0.5),
            "wall_s": time.perf_counter() - wall,
        }
    name = "fleet_batch" if batch else "fleet_per_vehicle"
    write_part(name, result)
    age = result["data_age_all"]
    say(
        bench_env.capsys,
        f"\n{name} {CARS} cars: setup {setup.wall_s:.1f} s wall"
        f" (+{setup.budget_wait_s:.0f} s budget waits), peak {result['peak_window']}/{LIMIT},"
        f" 429 {result['rate_limited']}, data age p50 {age['p50']} s p95 {age['p95']} s,"
        f" {result['requests_per_minute']:.0f} req/min ({result['wall_s']:.0f} s wall)",
    )
