"""4. Push on: delivery-to-state latency and requests per car-hour over a realistic day.

Home Assistant's HTTP app listens on 127.0.0.1 and is its external URL, so the simulator
POSTs real webhook deliveries to it. Latency is measured per car from the upload that
queued a delivery (``world.on_upload``, in the simulator) to the moment the coordinator
applied the push (the entity states are written synchronously by then), in real time:
sender queue, HTTP POST, webhook handler, parsing and state writes. A day has few
deliveries (trip starts and ends, charging changes), so after the day each car gets
``ALERT_PROBES`` alerts, two simulated minutes apart, for more latency samples.
"""

from __future__ import annotations

import time

import pytest

from simulator.world.alerts import ALERT_TYPES

from .env import BenchEnv
from .harness import OURS, bench_config, open_stack, realistic_day
from .results import say, write_part
from .truth import percentile

HOURS = 24.0
ALERT_PROBES = 12


@pytest.mark.parametrize("cars", [1, 5])
async def test_push_day(bench_env: BenchEnv, cars: int) -> None:
    """The efficiency day, push on."""
    wall = time.perf_counter()
    config = bench_config(cars)
    async with open_stack(bench_env, config, push=True) as h:
        registration = h.api_requests()
        assert h.sim.push.callbacks, "push did not register"
        monitors = len(h.sim.push.monitors)
        h.track_push()
        start = h.vt.monotonic()  # midnight (plus the seconds setup took)
        await h.settle()
        h.window_start = start
        h.schedule(realistic_day(h.cars, start))
        before = h.api_requests()
        await h.run_until(start + HOURS * 3600)
        requests_per_car_hour = (h.api_requests() - before) / (cars * HOURS)
        day_deliveries = len(h.push_latencies)
        # A day has few deliveries: alert probes add latency samples (not counted above).
        types = sorted(ALERT_TYPES)
        for round_ in range(ALERT_PROBES):
            for index, car in enumerate(h.cars):
                alert = types[(round_ * len(h.cars) + index) % len(types)]
                h.host.call(h.sim.raise_alert, car, alert, "Warning")
                await h.settle()
            await h.run_until(h.vt.monotonic() + 120)
        stats = h.host.call(h.sim.stats)
        latencies = [1000 * s for s in h.push_latencies]
        result = {
            "cars": cars,
            "hours": HOURS,
            "monitors": monitors,
            "setup_and_registration_requests": registration,
            "requests_per_car_hour": requests_per_car_hour,
            "day_deliveries_applied": day_deliveries,
            "latency_ms": {
                "n": len(latencies),
                "p50": percentile(latencies, 0.5),
                "p95": percentile(latencies, 0.95),
                "max": max(latencies) if latencies else None,
            },
            "deliveries_not_applied": h.push_unapplied,
            "push_silent_fallbacks": sum(
                "no push arrived" in record.getMessage() for record in bench_env.caplog.records
            ),
            "deliveries": stats["deliveries"],
            "rate_limited": stats["rate_limited"],
            "staleness": {
                quantity: {
                    phase: h.samples.summary(OURS, quantity, phase)
                    for phase in ("driving", "parked")
                }
                for quantity in ("position", "level")
            },
            "routes": stats["requests"],
            "reads": dict(h.reads),
            "wall_s": time.perf_counter() - wall,
        }
    write_part(f"push_{cars}", result)
    lat = result["latency_ms"]
    say(
        bench_env.capsys,
        f"\npush {cars} cars: latency p50 {lat['p50']:.1f} ms p95 {lat['p95']:.1f} ms"
        f" (n={lat['n']}),"
        f" {result['requests_per_car_hour']:.1f} req/car-h ({result['wall_s']:.0f} s wall)",
    )
