"""7. Memory of a business fleet (issue 17), apart from ``bench_fleet``: slow (``tracemalloc``
with 30 frames makes every allocation of both threads several times dearer; about 5 minutes
for 500 cars on 2 cores), so ``scripts/bench`` runs it only when asked
(``--only fleet_memory``).

Python allocations still held once every car of the fleet has data (batch reads on), whose
traceback passes through Home Assistant or the integration (the simulator's own are left
out), divided by the cars. Entities, states, registries and the coordinator's data count;
the interpreter and imported modules, loaded before the first snapshot, do not; neither do
the log records pytest keeps (a quarter of the total). The test plugin's in-memory storage
(the registries' saved data, which production writes to disk) still counts: an upper bound.
"""

from __future__ import annotations

import gc
from pathlib import Path
import tracemalloc
from typing import Any

from .bench_fleet import CARS, fleet_config
from .env import BenchEnv
from .fleet_stack import open_fleet_stack
from .results import say, write_part

MEMORY_FRAMES = 30
OURS_FRAMES = ("/custom_components/psa_connected_car/", "/homeassistant/")
TEST_ONLY_FRAMES = ("/logging/",)
"""Held only under test: log records pytest keeps (the test plugin logs at DEBUG, and every
record stays in ``caplog``); Home Assistant's default level creates none of them."""
UNTIL_ALL_READ_S = 1200.0
"""Simulated seconds of cycles at most, until every car has data."""


def _site(trace: tracemalloc.Trace) -> str | None:
    """The innermost Home Assistant or integration frame of an allocation (``None``: none)."""
    for frame in reversed(trace.traceback):  # innermost last
        for part in OURS_FRAMES:
            if part in frame.filename:
                return f"{part[1:]}{frame.filename.split(part, 1)[1]}:{frame.lineno}"
    return None


def _top_sites(
    before: tracemalloc.Snapshot, after: tracemalloc.Snapshot, count: int = 12
) -> dict[str, float]:
    """Where the held memory was allocated (KiB by innermost site of ours or Home Assistant)."""
    sizes: dict[str, int] = {}
    for sign, snapshot in ((-1, before), (1, after)):
        for trace in snapshot.traces:
            if _ours(trace) and (site := _site(trace)) is not None:
                sizes[site] = sizes.get(site, 0) + sign * trace.size
    ranked = sorted(sizes.items(), key=lambda item: -item[1])[:count]
    return {site: round(size / 1024, 1) for site, size in ranked}


def _ours(trace: tracemalloc.Trace) -> bool:
    """Allocated through Home Assistant or the integration, and not held by the tests only."""
    files = [frame.filename for frame in trace.traceback]
    if any(part in name for name in files for part in TEST_ONLY_FRAMES):
        return False
    return any(part in name for name in files for part in OURS_FRAMES)


async def test_fleet_memory(bench_env: BenchEnv, tmp_path: Path) -> None:
    """Memory held per car of the fleet (batch reads on)."""
    gc.collect()
    tracemalloc.start(MEMORY_FRAMES)
    try:
        before = tracemalloc.take_snapshot()
        async with open_fleet_stack(bench_env, fleet_config(), tmp_path) as (h, _setup):
            h.window_start = float("inf")
            deadline = h.vt.monotonic() + UNTIL_ALL_READ_S
            while h.cars_with_data() < CARS and h.vt.monotonic() < deadline:
                await h.run_until(h.vt.monotonic() + 60)
            with_data = h.cars_with_data()
            gc.collect()
            after = tracemalloc.take_snapshot()
    finally:
        tracemalloc.stop()
    held = sum(t.size for t in after.traces if _ours(t)) - sum(
        t.size for t in before.traces if _ours(t)
    )
    result: dict[str, Any] = {"cars": CARS, "held_bytes": held, "per_car_kib": held / CARS / 1024}
    result["top_sites_kib"] = _top_sites(before, after)
    result["cars_with_data"] = with_data
    write_part("fleet_memory", result)
    say(
        bench_env.capsys,
        f"\nfleet memory {CARS} cars: {held / 1024:.0f} KiB held,"
        f" {result['per_car_kib']:.0f} KiB per car ({with_data} cars with data)",
    )
